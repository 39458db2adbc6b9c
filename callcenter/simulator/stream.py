"""Many calls as one AMI byte stream, for benchmarks (no delays, no live state)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from itertools import islice

from callcenter.simulator.frames import event_stamp
from callcenter.simulator.scenarios import (
    TRUNKS,
    CallTemplate,
    IdSource,
    call_values,
    load_template,
    render_texts,
)

STREAM_SCENARIOS = (
    "pjsip-landline-answered",
    "pjsip-kyivstar-operator-hangup",
    "pjsip-vodafone-abandoned",
    "landline-answered",
    "kyivstar-operator-hangup",
    "vodafone-abandoned",
)
CHUNK_FRAMES = 2000


def stream_caller(index: int, trunk: str) -> str:
    """A distinct, plausible caller number for call `index` on `trunk`."""
    if trunk == "landline":
        return f"+380342{(200000 + index) % 1000000:06d}"
    prefix = "+38067" if trunk == "kyivstar" else "+38050"
    return f"{prefix}{(1000000 + index) % 10000000:07d}"


def build_stream(
    n_calls: int,
    *,
    scenarios: Sequence[str] | None = None,
    concurrent: int = 1,
    ids: IdSource | None = None,
    timestamps: bool = False,
) -> bytes:
    """The AMI bytes (no banner, no login) of `n_calls` calls.

    Round-robin over `scenarios` (default: answered and abandoned, PJSIP and chan_sip), each
    on the three trunks in turn, with distinct caller numbers.  Frames of `concurrent` calls
    are interleaved one by one, so that many calls are live at any moment.
    """
    return b"".join(
        iter_stream(
            n_calls, scenarios=scenarios, concurrent=concurrent, ids=ids, timestamps=timestamps
        )
    )


def iter_stream(
    n_calls: int,
    *,
    scenarios: Sequence[str] | None = None,
    concurrent: int = 1,
    ids: IdSource | None = None,
    timestamps: bool = False,
) -> Iterator[bytes]:
    """Like `build_stream`, in chunks of a few thousand frames (bounded memory)."""
    templates = [load_template(name) for name in scenarios or STREAM_SCENARIOS]
    calls = _calls(templates, n_calls, ids or IdSource(), timestamps)
    chunk: list[str] = []
    for text in _interleave(calls, max(1, concurrent)):
        chunk.append(text)
        if len(chunk) >= CHUNK_FRAMES:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")


def _calls(
    templates: list[CallTemplate], n_calls: int, ids: IdSource, timestamps: bool
) -> Iterator[Iterator[str]]:
    for index in range(n_calls):
        template = templates[index % len(templates)]
        trunk = TRUNKS[(index + index // len(templates)) % len(TRUNKS)]
        values = call_values(template, ids, caller=stream_caller(index, trunk), trunk=trunk)
        if timestamps:
            yield _stamped(template, values)
        else:
            yield iter(render_texts(template, values))


def _stamped(template: CallTemplate, values: dict[str, str]) -> Iterator[str]:
    for text in template.compiled.texts:
        values["ts"] = f"Timestamp: {event_stamp()}\r\n"
        yield text.format_map(values)


def _interleave(calls: Iterator[Iterator[str]], concurrent: int) -> Iterator[str]:
    """One frame from each live call in turn; a finished call is replaced by the next one."""
    live = deque(islice(calls, concurrent))
    while live:
        call = live.popleft()
        text = next(call, None)
        if text is None:
            following = next(calls, None)
            if following is not None:
                live.append(following)
            continue
        yield text
        live.append(call)
