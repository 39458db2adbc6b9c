"""What a consumer process is told to consume, and the result line it prints.

Each consumer runs in a process of its own (`bench/intake.py --role ...`), connects to the
feeder, logs in, consumes the stream and prints one JSON line.  The clock starts before the
TCP connect, so both consumers include connecting and logging in.  This module imports only
the standard library, so that a consumer's memory is its own.
"""

from __future__ import annotations

import contextlib
import json
import resource
from dataclasses import dataclass
from typing import Any

USERNAME = SECRET = "callcenter"
NEVER = 3600.0  # no Ping watchdog, no action timeout: a benchmark must not reconnect


@dataclass(frozen=True)
class Target:
    port: int
    events: int  # AMI frames in the stream
    calls: int
    timeout: float


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child would report its
    parent's peak if that was higher.
    """
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for text in status:
            if text.startswith("VmHWM:"):
                return int(text.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(target: Target, seconds: float, complete: bool, **extra: Any) -> None:
    """Print the result line the orchestrator reads."""
    figures = {"events": target.events, "seconds": round(seconds, 3),
               "events_per_s": round(target.events / seconds, 1), "complete": complete,
               "peak_rss_mb": round(peak_rss_mb(), 1), **extra}
    print(json.dumps(figures), flush=True)
