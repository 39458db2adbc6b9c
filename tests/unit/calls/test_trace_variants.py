"""AMI traffic the fixtures do not show, built from every shipped trace: the same call must give
the same facts whatever `manager.conf` adds to the frames (`timestampevents`, `channelvars`),
headers Asterisk may add one day, and however TCP cuts the bytes (inside UTF-8 characters too).

The bytes go through the real wire (`AmiConnection`: incremental decoding, frame splitting,
the pre-filter) into the intake, as in production; only the time of receipt is fixed.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcenter.calls.model.facts import CallFact
from callcenter.calls.model.tracker import CallTracker
from callcenter.calls.model.trunks import Trunk, TrunkDirectory
from callcenter.calls.service.backlog import Backlog
from callcenter.calls.service.intake import Intake
from callcenter.core.ami.protocol import AmiConnection, Headers
from callcenter.pops.wiring import wanted

TRACES = Path(__file__).resolve().parents[3] / "callcenter" / "simulator" / "traces"
NAMES = sorted(p.stem for p in TRACES.glob("*.ami"))
RECEIVED = datetime(2026, 11, 28, 23, 19, 40, tzinfo=UTC)
TRUNKS = (
    Trunk("landline", "landline", ("PJSIP/landline", "SIP/landline")),
    Trunk("kyivstar", "mobile", ("PJSIP/kyivstar", "SIP/kyivstar")),
    Trunk("vodafone", "mobile", ("PJSIP/vodafone", "SIP/vodafone")),
)
CRLF = b"\r\n"


class NoStore:
    async def apply(self, facts: object) -> None:
        raise AssertionError("nothing is written here")


def facts_of(stream: bytes, cuts: list[int], tmp_path: Path) -> list[CallFact]:
    """What the intake concludes from `stream` delivered in pieces ending at `cuts`."""
    intake = Intake(tracker=CallTracker(TrunkDirectory(TRUNKS, ["from-trunk"]),
                                        area_code="342"),
                    store=NoStore(), backlog=Backlog(tmp_path / "journal.jsonl",
                                                     memory_limit=100_000),
                    clock=lambda: RECEIVED)
    wire = Wire(intake)
    connection = AmiConnection(wire, wanted)
    connection.responses = {}  # no transport here (connection_made sets it): no action waits
    start = 0
    for end in [*cuts, len(stream)]:
        connection.data_received(stream[start:end])
        start = end
    return intake.backlog.peek(100_000)


@dataclasses.dataclass
class Wire:
    intake: Intake
    lost: list[str] = dataclasses.field(default_factory=list)  # restart-mid-call: Shutdown

    def frame_received(self, headers: Headers) -> None:
        self.intake.interpret(headers, RECEIVED)

    def link_lost(self, reason: str) -> None:
        self.lost.append(reason)


def frames_of(name: str) -> tuple[bytes, list[list[bytes]]]:
    banner, _, rest = (TRACES / f"{name}.ami").read_bytes().partition(CRLF)
    frames = [raw.split(CRLF) for raw in rest.split(CRLF + CRLF) if raw.strip(CRLF)]
    return banner + CRLF, frames


def rebuild(banner: bytes, frames: list[list[bytes]]) -> bytes:
    return banner + b"".join(CRLF.join(lines) + CRLF + CRLF for lines in frames)


def with_timestamps(frames: list[list[bytes]]) -> list[list[bytes]]:
    """`timestampevents = yes`: `Timestamp:` right after `Privilege:` in every event."""
    out = []
    for i, lines in enumerate(frames):
        if lines[0].startswith(b"Event: ") and len(lines) > 1 and b"Privilege" in lines[1]:
            stamp = f"Timestamp: {1795907974 + i / 1000:.6f}".encode()
            lines = [lines[0], lines[1], stamp, *lines[2:]]
        out.append(lines)
    return out


def with_chanvars(frames: list[list[bytes]]) -> list[list[bytes]]:
    """`channelvars = TRUNK,APPEAL_REC` (and Dest... on two-channel events), repeated keys."""
    out = []
    for lines in frames:
        extra = []
        if any(line.startswith(b"Uniqueid: ") for line in lines):
            extra += [b"ChanVariable: TRUNK=kyivstar", b"ChanVariable: APPEAL_REC=/x/1.wav"]
        if any(line.startswith(b"DestUniqueid: ") for line in lines):
            extra += [b"DestChanVariable: TRUNK=", b"DestChanVariable: APPEAL_REC="]
        out.append([*lines, *extra])
    return out


def with_unknown_headers(frames: list[list[bytes]]) -> list[list[bytes]]:
    """Headers a later Asterisk might add, anywhere but first, some with odd values."""
    out = []
    for i, lines in enumerate(frames):
        at = 1 + i % max(1, len(lines) - 1)
        odd = [b"SystemName: pbx-a", "Коментар: ünïcödé — ok".encode(), b"Empty:"]
        out.append([*lines[:at], odd[i % 3], *lines[at:]])
    return out


VARIANTS: dict[str, Callable[[list[list[bytes]]], list[list[bytes]]]] = {
    "chanvars": with_chanvars,
    "unknown-headers": with_unknown_headers,
    "all-three": lambda f: with_unknown_headers(with_chanvars(with_timestamps(f))),
}


def without_times(facts: list[CallFact]) -> list[CallFact]:
    return [dataclasses.replace(f, at=RECEIVED) for f in facts]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", NAMES)
def test_a_variant_of_a_trace_gives_the_same_facts(name: str, variant: str,
                                                   tmp_path: Path) -> None:
    banner, frames = frames_of(name)
    plain = facts_of(rebuild(banner, frames), [], tmp_path / "a")
    changed = rebuild(banner, VARIANTS[variant](frames))
    rng = random.Random(f"{name}/{variant}")
    inside_characters = {i for i, byte in enumerate(changed) if byte & 0xC0 == 0x80}
    cuts = sorted(inside_characters | set(rng.sample(range(1, len(changed)), 400)))

    facts = facts_of(changed, cuts, tmp_path / "b")

    assert plain, "every shipped trace opens a call"
    assert without_times(facts) == without_times(plain)


@pytest.mark.parametrize("name", NAMES)
def test_timestamps_become_the_event_times(name: str, tmp_path: Path) -> None:
    banner, frames = frames_of(name)

    facts = facts_of(rebuild(banner, with_timestamps(frames)), [], tmp_path)

    assert facts and all(f.at != RECEIVED for f in facts)
    assert all(datetime(2026, 11, 28, tzinfo=UTC) < f.at < datetime(2026, 11, 30, tzinfo=UTC)
               for f in facts)
