"""Live playback of calls: render a template, send its phases with delays between them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from callcenter.simulator.frames import Frame, header
from callcenter.simulator.phases import split_phases
from callcenter.simulator.scenarios import IdSource, load_template, render

Emit = Callable[[list[Frame], bool], None]  # (frames, timestamps) -> queued to the clients


@dataclass(frozen=True)
class CallOptions:
    caller: str | None = None
    caller_name: str | None = None
    trunk: str | None = None
    ring_seconds: float = 2.0
    talk_seconds: float = 3.0
    timestamps: bool = False
    chanvars: Mapping[str, str | None] | None = None


@dataclass
class RunningCall:
    task: asyncio.Task[None]
    hurry: asyncio.Event = field(default_factory=asyncio.Event)


class CallPlayer:
    """Owns the background tasks of the calls being played."""

    def __init__(self, emit: Emit) -> None:
        self.ids = IdSource()
        self._emit = emit
        self._calls: dict[str, RunningCall] = {}

    def render(self, scenario: str, options: CallOptions) -> list[Frame]:
        return render(
            load_template(scenario),
            ids=self.ids,
            caller=options.caller,
            caller_name=options.caller_name,
            trunk=options.trunk,
            chanvars=options.chanvars,
        )

    def start(self, scenario: str, options: CallOptions) -> str:
        """Start playing one call in the background; returns its Linkedid at once."""
        frames = self.render(scenario, options)
        linkedid = header(frames[0], "Linkedid")
        hurry = asyncio.Event()
        task = asyncio.create_task(self._run(frames, options, hurry), name=f"call {linkedid}")
        self._calls[linkedid] = RunningCall(task, hurry)
        task.add_done_callback(lambda _: self._calls.pop(linkedid, None))
        return linkedid

    async def play(self, scenario: str, options: CallOptions) -> str:
        """Play one call to its end; returns its Linkedid (also when a restart cut it)."""
        linkedid = self.start(scenario, options)
        task = self._calls[linkedid].task
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not task.cancelled() or (current is not None and current.cancelling()):
                raise
        return linkedid

    async def finish(self, linkedid: str) -> None:
        """Skip the remaining delays of a call and wait until it has hung up."""
        running = self._calls.get(linkedid)
        if running is not None:
            running.hurry.set()
            await asyncio.wait({running.task})

    def start_steps(self, linkedid: str, steps: list[tuple[list[Frame], float]]) -> None:
        """Play prepared frames in steps, each followed by its pause (an originated call)."""
        hurry = asyncio.Event()
        task = asyncio.create_task(self._run_steps(steps, hurry), name=f"call {linkedid}")
        self._calls[linkedid] = RunningCall(task, hurry)
        task.add_done_callback(lambda _: self._calls.pop(linkedid, None))

    async def _run_steps(self, steps: list[tuple[list[Frame], float]],
                         hurry: asyncio.Event) -> None:
        for frames, pause in steps:
            self._emit(frames, False)
            await _pause(pause, hurry)

    def running(self) -> list[str]:
        return list(self._calls)

    async def cancel_all(self) -> None:
        tasks = [running.task for running in self._calls.values()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def wait_idle(self) -> None:
        while self._calls:
            await asyncio.wait([running.task for running in self._calls.values()])

    async def _run(self, frames: list[Frame], options: CallOptions, hurry: asyncio.Event) -> None:
        phases = split_phases(frames)
        self._emit(phases.enter + phases.ring, options.timestamps)
        await _pause(options.ring_seconds, hurry)
        if phases.talk:
            self._emit(phases.talk, options.timestamps)
            await _pause(options.talk_seconds, hurry)
        self._emit(phases.hangup, options.timestamps)


async def _pause(seconds: float, hurry: asyncio.Event) -> None:
    if seconds <= 0 or hurry.is_set():
        return
    with contextlib.suppress(TimeoutError):  # not wait_for: in 3.11 it can swallow a cancel
        async with asyncio.timeout(seconds):
            await hurry.wait()
