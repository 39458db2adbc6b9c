"""The feeder: a simulator process that writes a stream of calls after the consumer logs in."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

from callcenter.simulator.stream import iter_stream

FRAME_END = b"\r\n\r\n"
STOP_TIMEOUT = 10.0


class BenchError(Exception):
    """A benchmark could not run (a process failed to start or crashed)."""


def count_events(calls: int, concurrent: int) -> int:
    """How many AMI frames the feeder sends for `calls` calls (what a consumer must see)."""
    return sum(chunk.count(FRAME_END) for chunk in iter_stream(calls, concurrent=concurrent))


@contextlib.contextmanager
def feeder(calls: int, concurrent: int) -> Iterator[int]:
    """A fresh `python -m callcenter.simulator --stream` process; yields its port.

    The stream is built before the simulator listens and is sent after every login, so
    exactly one consumer may log in to it.
    """
    command = [sys.executable, "-m", "callcenter.simulator", "--port", "0",
               "--stream", str(calls), "--concurrent", str(concurrent)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        yield _port(process)
    finally:
        _stop(process)


def _port(process: subprocess.Popen[str]) -> int:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("listening "):
        raise BenchError(f"the simulator did not start (said {line!r})")
    return int(line.rsplit(":", 1)[1])


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
