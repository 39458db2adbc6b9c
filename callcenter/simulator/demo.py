"""The rotation of calls `callcenter demo` plays: all trunks, answered and abandoned, PJSIP and
chan_sip, Ukrainian numbers in every format seen on the lines, Cyrillic and withheld names."""

from __future__ import annotations

import asyncio
import contextlib
import math
import struct
import wave
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from callcenter.simulator.pbx import SimulatedPbx

# A withheld number arrives like a SIP From of "Anonymous" <sip:anonymous@anonymous.invalid>.
WITHHELD = "anonymous"
WITHHELD_NAME = "Anonymous"


@dataclass(frozen=True)
class DemoCall:
    scenario: str
    caller: str
    trunk: str
    name: str | None = None  # None: the display name is the number, as in the traces
    ring_seconds: float = 4.0
    talk_seconds: float = 10.0


DEMO_CALLS = (
    DemoCall("pjsip-landline-answered", "+380342523456", "landline"),
    DemoCall("pjsip-cyrillic-name", "+380672345678", "kyivstar", "Іван Петренко"),
    DemoCall("pjsip-vodafone-abandoned", "+380501112233", "vodafone", ring_seconds=7.0),
    DemoCall("landline-answered", "523456", "landline", talk_seconds=14.0),
    DemoCall("kyivstar-operator-hangup", "+380975551234", "kyivstar", "Олена Коваль"),
    DemoCall("vodafone-abandoned", WITHHELD, "vodafone", WITHHELD_NAME, ring_seconds=5.0),
    DemoCall("pjsip-kyivstar-operator-hangup", "+380503456789", "vodafone", "Марія Шевчук"),
    DemoCall("pjsip-landline-answered", "0342551234", "landline", "Петро Бойко", 3.0, 8.0),
    DemoCall("kyivstar-ringnoanswer-abandoned", "+380681234500", "kyivstar", ring_seconds=9.0),
    DemoCall("pjsip-vodafone-abandoned", "+380663334455", "vodafone", "Оксана Мельник"),
    DemoCall("pjsip-cyrillic-name", WITHHELD, "kyivstar", WITHHELD_NAME, 5.0, 6.0),
    DemoCall("pjsip-landline-answered", "+380342712345", "landline", "Андрій Ткачук", 2.0, 16.0),
)


def write_recording(path: Path, seconds: float, *, freq: float = 440.0) -> None:
    """What MixMonitor would leave in the spool: an 8 kHz mono 16-bit WAV (a tone here)."""
    step = 2 * math.pi * freq / 8000
    second = b"".join(struct.pack("<h", int(6000 * math.sin(step * i))) for i in range(8000))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(second * max(1, round(seconds)))


def start_demo_call(pbx: SimulatedPbx, index: int, spool: Path | None = None) -> str:
    """Start call number `index` of the rotation; returns its Linkedid. With `spool`, also
    leave its recording there, named after the Linkedid as the dialplan names it."""
    call = DEMO_CALLS[index % len(DEMO_CALLS)]
    if spool is not None:
        linkedid = _start(pbx, call)
        write_recording(spool / f"{linkedid}.wav", call.ring_seconds + call.talk_seconds,
                        freq=300.0 + 40 * (index % len(DEMO_CALLS)))
        return linkedid
    return _start(pbx, call)


def _start(pbx: SimulatedPbx, call: DemoCall) -> str:
    return pbx.start_call(
        call.scenario,
        caller=call.caller,
        caller_name=call.name,
        trunk=call.trunk,
        ring_seconds=call.ring_seconds,
        talk_seconds=call.talk_seconds,
    )


async def run_demo(
    pbx: SimulatedPbx, stop: asyncio.Event | None, interval: float, calls: int | None = None,
    spool: Path | None = None,
) -> None:
    """Start a call every `interval` seconds until `stop` is set (forever without one), or
    until `calls` calls have started (returns right after starting the last one)."""
    for index in count():
        start_demo_call(pbx, index, spool)
        if calls is not None and index + 1 >= calls:
            return
        if await _stopped(stop, interval):
            return


async def _stopped(stop: asyncio.Event | None, seconds: float) -> bool:
    if stop is None:
        await asyncio.sleep(seconds)
        return False
    with contextlib.suppress(TimeoutError):  # not wait_for: in 3.11 it can swallow a cancel
        async with asyncio.timeout(seconds):
            await stop.wait()
    return stop.is_set()
