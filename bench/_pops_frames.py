"""The AMI frames of the pop benchmark, rendered from a captured call (fresh ids per call)."""

from __future__ import annotations

from callcenter.simulator import IdSource, load_template, render, split_phases
from callcenter.simulator.frames import frame_bytes, replace_values
from callcenter.simulator.stream import stream_caller


def call_frames(seats: list[str]) -> tuple[bytes, bytes]:
    """(every call's frames up to its first AgentCalled, one AgentCalled per call to its own
    seat), as raw AMI bytes."""
    template = load_template("pjsip-landline-answered")
    ids = IdSource()
    enter, ring = [], []
    for index, seat in enumerate(seats):
        phases = split_phases(render(template, ids=ids, caller=stream_caller(index, "landline")))
        enter += [frame_bytes(frame) for frame in phases.enter]
        called = replace_values(phases.ring[0], {"Interface": seat, "MemberName": seat})
        ring.append(frame_bytes(called))
    return b"".join(enter), b"".join(ring)
