"""Call templates from the captured traces, and rendering one call with fresh ids.

A template keeps the call events of one trace (frames with `Event:` and `Privilege:`, minus
SuccessfulAuth, FullyBooted and Shutdown) as ordered (key, value) pairs.  `render` produces the
frames of ONE call whose ids, channel names and bridges are new, so many calls can coexist.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from callcenter.simulator.chanvars import add_chanvars
from callcenter.simulator.compiler import CompiledCall, compile_call, originals
from callcenter.simulator.frames import (
    Frame,
    event_stamp,
    is_call_event,
    read_trace,
    with_timestamp,
)

TRACES = Path(__file__).parent / "traces"
ANSWERED = (
    "pjsip-landline-answered",
    "pjsip-kyivstar-operator-hangup",
    "pjsip-cyrillic-name",
    "landline-answered",
    "kyivstar-operator-hangup",
)
ABANDONED = (
    "pjsip-vodafone-abandoned",
    "vodafone-abandoned",
    "kyivstar-ringnoanswer-abandoned",
)
TRUNKS = ("landline", "kyivstar", "vodafone")


@dataclass(frozen=True, eq=False)
class CallTemplate:
    """One captured call. Shared and cached: treat `frames` as read-only."""

    name: str
    frames: list[Frame]
    caller: str  # the original caller number (CallerIDNum of the trunk leg)
    caller_name: str  # the original CallerIDName of the trunk leg
    trunk: str  # the original trunk endpoint (`landline`, `kyivstar`, `vodafone`)
    compiled: CompiledCall = field(repr=False)


class IdSource:
    """Fresh ids for one simulator: Uniqueids `<epoch>.<n>` and 8-hex channel suffixes."""

    def __init__(self, *, epoch: int | None = None) -> None:
        self._epoch = epoch
        self._next_id = 0
        self._next_channel = 0

    def uniqueid(self) -> str:
        number = self._next_id
        self._next_id += 1
        epoch = self._epoch if self._epoch is not None else int(time.time())
        return f"{epoch}.{number}"

    def channel_suffix(self) -> str:
        number = self._next_channel
        self._next_channel += 1
        return f"{number & 0xFFFFFFFF:08x}"


def scenario_names() -> list[str]:
    """All templates shipped in `traces/` (file stems)."""
    return sorted(path.stem for path in TRACES.glob("*.ami"))


def load_template(name: str) -> CallTemplate:
    """The template of the trace `traces/<name>.ami` (cached)."""
    return _load(name)


@cache
def _load(name: str) -> CallTemplate:
    path = TRACES / f"{name}.ami"
    if not path.is_file():
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(scenario_names())}")
    frames = [frame for frame in read_trace(path.read_bytes()) if is_call_event(frame)]
    orig = originals(frames)
    compiled = compile_call(frames)
    return CallTemplate(name, frames, orig.caller, orig.caller_name, orig.trunk, compiled)


def call_values(
    template: CallTemplate,
    ids: IdSource,
    *,
    caller: str | None = None,
    caller_name: str | None = None,
    trunk: str | None = None,
) -> dict[str, str]:
    """The slot values of one new call (see `compiler`); `u0` is its Linkedid."""
    compiled = template.compiled
    values = {f"u{i}": ids.uniqueid() for i in range(compiled.id_count)}
    values.update({f"c{i}": ids.channel_suffix() for i in range(compiled.channel_count)})
    values.update({f"b{i}": str(uuid.uuid4()) for i in range(compiled.bridge_count)})
    values["caller"] = caller if caller is not None else template.caller
    values["name"] = _caller_name(template, values["caller"], caller_name)
    values["trunk"] = trunk if trunk is not None else template.trunk
    values["ts"] = ""
    return values


def _caller_name(template: CallTemplate, caller: str, caller_name: str | None) -> str:
    if caller_name is not None:
        return caller_name
    if template.caller_name == template.caller:
        return caller  # the trace's display name was the number itself: follow the number
    return template.caller_name


def render(
    template: CallTemplate,
    *,
    ids: IdSource,
    caller: str | None = None,
    caller_name: str | None = None,
    trunk: str | None = None,
    timestamps: bool = False,
    chanvars: Mapping[str, str | None] | None = None,
) -> list[Frame]:
    """The frames of one call with fresh ids and the given overrides.

    `chanvars` adds `ChanVariable: NAME=value` (and `DestChanVariable:`) after every channel
    block, like manager.conf `channelvars`; a None value follows the call's own VarSet events.
    """
    values = call_values(template, ids, caller=caller, caller_name=caller_name, trunk=trunk)
    frames = [
        [(v.key, v.raw if v.fmt is None else v.fmt.format_map(values)) for v in frame]
        for frame in template.compiled.values
    ]
    if chanvars:
        frames = add_chanvars(frames, chanvars)
    if timestamps:
        stamp = event_stamp()
        frames = [with_timestamp(frame, stamp) for frame in frames]
    return frames


def render_texts(template: CallTemplate, values: dict[str, str]) -> list[str]:
    """The frames of one call as AMI text (fast path for streams); `values` from call_values."""
    return [text.format_map(values) for text in template.compiled.texts]
