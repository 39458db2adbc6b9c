"""A built-in fake PBX that speaks real AMI over TCP and replays calls captured from Asterisk 20.

Standard library only; imports nothing else of `callcenter`.
"""

from callcenter.simulator.frames import Frame, frame_bytes, parse_stream
from callcenter.simulator.pbx import SimulatedPbx
from callcenter.simulator.phases import Phases, split_phases
from callcenter.simulator.scenarios import (
    ABANDONED,
    ANSWERED,
    TRUNKS,
    CallTemplate,
    IdSource,
    load_template,
    render,
    scenario_names,
)
from callcenter.simulator.stream import build_stream, iter_stream

__all__ = [
    "ABANDONED",
    "ANSWERED",
    "TRUNKS",
    "CallTemplate",
    "Frame",
    "IdSource",
    "Phases",
    "SimulatedPbx",
    "build_stream",
    "frame_bytes",
    "iter_stream",
    "load_template",
    "parse_stream",
    "render",
    "scenario_names",
    "split_phases",
]
