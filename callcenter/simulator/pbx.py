"""SimulatedPbx: a fake Asterisk that speaks real AMI over TCP and replays captured calls."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from callcenter.simulator.actions import handle_action
from callcenter.simulator.demo import run_demo
from callcenter.simulator.frames import (
    BANNER,
    Frame,
    event_stamp,
    frame_bytes,
    header,
    with_timestamp,
)
from callcenter.simulator.live import LiveChannels
from callcenter.simulator.player import CallOptions, CallPlayer
from callcenter.simulator.queue_log import QueueLogWriter
from callcenter.simulator.queue_state import QueueState, pause_event
from callcenter.simulator.session import Client, read_action

SHUTDOWN: Frame = [
    ("Event", "Shutdown"),
    ("Privilege", "system,all"),
    ("Shutdown", "Cleanly"),
    ("Restart", "True"),
]
CLOSE_TIMEOUT = 2.0


class SimulatedPbx:
    """AMI server on loopback. Plays calls from the captured traces to logged-in clients."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "callcenter",
        secret: str = "callcenter",
        queue_log: Path | None = None,
    ) -> None:
        self.host, self.username, self.secret = host, username, secret
        # Asterisk's queue_log file, written for every call played (None: not kept)
        self.queue_log = QueueLogWriter(queue_log) if queue_log is not None else None
        self.actions: list[dict[str, str]] = []  # every action received, as sent
        self.after_login: bytes | None = None  # sent to each event client after its login
        self.live = LiveChannels()
        self.queue = QueueState()
        self.player = CallPlayer(self._emit)
        self._port = port
        self.split_writes: int | None = None  # cut every write into chunks of this size
        self.split_at_utf8 = False  # also cut inside every multi-byte UTF-8 character
        self.silent = False  # a hung Asterisk: actions read and logged, never answered
        # Call-backs by Originate (actions.py): the AMI user's write classes (manager.conf),
        # what each dialled number does (answer | no_answer | busy; absent: answer), the
        # operator phones that never answer, an Originate queued but never answered (no
        # OriginateResponse), and the seconds the resident rings and talks.
        self.write_classes = frozenset({"reporting", "agent", "originate", "call"})
        # The dialplan's globals set over AMI (Setvar without a Channel): the announcement
        # callers hear. A restart or `dialplan reload` (clearglobalvars) empties them.
        self.globals: dict[str, str] = {}
        self.setvars = 0  # Setvar actions taken
        self.callees: dict[str, str] = {}
        self.seats_away: set[str] = set()
        self.originate_silent = False
        self.callback_seconds = (0.3, 2.0)
        self.callback_spool: Path | None = None  # with it, each answered call-back leaves
        # its MixMonitor WAV there (named after the operator leg's Uniqueid)
        self._booted = time.monotonic()
        self._server: asyncio.Server | None = None
        self._clients: set[Client] = set()
        self._handlers: set[asyncio.Task[object]] = set()

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is not None and self._server.sockets:
            return int(self._server.sockets[0].getsockname()[1])
        return self._port

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self._port)
        self._port = self.port

    async def stop(self) -> None:
        """Stop calls, close the listener and every client. Never waits for a client."""
        await self.player.cancel_all()
        if self._server is not None:
            self._server.close()
        for client in list(self._clients):
            client.abort()
        handlers = list(self._handlers)
        if handlers:  # aborted sockets end them; cancelling would log errors in 3.11
            _, stuck = await asyncio.wait(handlers, timeout=CLOSE_TIMEOUT)
            for task in stuck:
                task.cancel()
        if self._server is not None:
            with contextlib.suppress(TimeoutError):  # not wait_for: in 3.11 it can swallow a cancel
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> SimulatedPbx:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def logged_in_clients(self) -> int:
        """How many AMI clients are logged in now."""
        return sum(1 for client in self._clients if client.logged_in)

    def uptime(self) -> int:
        return int(time.monotonic() - self._booted)

    # -- faults ----------------------------------------------------------------------------

    async def drop_clients(self) -> None:
        """Close every client socket abruptly (no Goodbye, no Shutdown)."""
        for client in list(self._clients):
            client.abort()
        await self._clients_gone()

    async def restart(self, *, crash: bool = False) -> None:
        """Like `core restart now`: every live channel gets SoftHangupRequest (Cause 4) and
        Hangup (16), then `Event: Shutdown`, then the clients are closed.  With crash=True
        (kill -9) nothing is sent: connections just drop.  Either way the live state is
        forgotten and the port keeps listening; new logins see `Uptime: 0`."""
        await self.player.cancel_all()
        if not crash:
            self.broadcast([*self.live.teardown(), SHUTDOWN])
        for client in list(self._clients):
            if crash:
                client.abort()
            else:
                client.close_soon()
        await self._clients_gone()
        self._forget()

    async def drop_calls_silently(self) -> None:
        """End every call without any event (their Hangups are lost); clients stay."""
        await self.player.cancel_all()
        self.live = LiveChannels()
        self.queue.forget_calls()

    # -- calls -----------------------------------------------------------------------------

    async def play(
        self,
        scenario: str,
        *,
        caller: str | None = None,
        caller_name: str | None = None,
        trunk: str | None = None,
        ring_seconds: float = 2.0,
        talk_seconds: float = 3.0,
        timestamps: bool = False,
        chanvars: Mapping[str, str | None] | None = None,
    ) -> str:
        """Play one call live to the event clients, to its end; returns its Linkedid."""
        options = CallOptions(
            caller, caller_name, trunk, ring_seconds, talk_seconds, timestamps, chanvars
        )
        linkedid = await self.player.play(scenario, options)
        await self._flushed()
        return linkedid

    def start_call(
        self,
        scenario: str,
        *,
        caller: str | None = None,
        caller_name: str | None = None,
        trunk: str | None = None,
        ring_seconds: float = 2.0,
        talk_seconds: float = 3.0,
        timestamps: bool = False,
        chanvars: Mapping[str, str | None] | None = None,
    ) -> str:
        """Like `play` but returns the Linkedid at once; the call plays in a task the
        simulator owns (cancelled by stop/restart).  Not a coroutine."""
        options = CallOptions(
            caller, caller_name, trunk, ring_seconds, talk_seconds, timestamps, chanvars
        )
        return self.player.start(scenario, options)

    async def finish_call(self, linkedid: str) -> None:
        """Skip the remaining delays of a started call and wait until it has hung up."""
        await self.player.finish(linkedid)
        await self._flushed()

    async def wait_idle(self) -> None:
        """Wait until no call is playing and every client's queued bytes are written."""
        await self.player.wait_idle()
        await self._flushed()

    async def pause_on_phone(self, interface: str, paused: bool, reason: str = "",
                             *, tell: bool = True) -> None:
        """The operator pauses (or resumes) with a feature code on the phone: the member's
        state changes and, with `tell`, `QueueMemberPause` goes to the clients (without it,
        as if the change happened while nobody was connected)."""
        member = self.queue.pause(interface, paused, reason, "")
        if member is None:
            raise ValueError(f"{interface} is not a queue member")
        if tell:
            self.broadcast([pause_event(member, reason)])
        await self._flushed()

    async def play_frames(self, frames: list[Frame], *, timestamps: bool = False) -> None:
        """Send arbitrary frames as events (they update the live state like played ones)."""
        self._emit(frames, timestamps)
        await self._flushed()

    async def send_raw(self, data: bytes) -> None:
        """Write raw bytes to every logged-in client (malformed-frame tests); ignores
        event masks and `silent`."""
        for client in list(self._clients):
            if client.logged_in:
                client.send(data)
        await self._flushed()

    async def play_demo(
        self, stop: asyncio.Event | None = None, *, interval: float = 6.0,
        calls: int | None = None, spool: Path | None = None,
    ) -> None:
        """Start a call every `interval` seconds from the demo rotation until `stop` is set
        (forever without one) or `calls` calls have started. Calls may overlap; returns
        without waiting for them (see wait_idle). With `spool`, each call leaves a WAV there
        as MixMonitor would."""
        if calls is not None and calls <= 0:
            return
        await run_demo(self, stop, interval, calls, spool)

    def broadcast(self, frames: list[Frame]) -> None:
        """Queue events to every client that wants their class (nothing while silent)."""
        if self.silent or not frames:
            return
        items = [(header(frame, "Privilege"), frame_bytes(frame)) for frame in frames]
        for client in list(self._clients):
            client.send(b"".join(data for privilege, data in items if client.wants(privilege)))

    # -- internals -------------------------------------------------------------------------

    def _emit(self, frames: list[Frame], timestamps: bool) -> None:
        played = []
        for frame in frames:
            patched = self.queue.apply(frame)
            self.live.apply(patched)
            if self.queue_log is not None:
                self.queue_log.apply(patched)
            played.append(with_timestamp(patched, event_stamp()) if timestamps else patched)
        self.broadcast(played)

    def dialplan_reload(self, *, event: bool = False) -> None:
        """`dialplan reload` with clearglobalvars: the globals go, and no event says so;
        with event=True as `module reload pbx_config.so`, which sends `Event: Reload`."""
        self.globals.clear()
        if event:
            self.broadcast([[("Event", "Reload"), ("Privilege", "system,all"),
                             ("Module", "pbx_config.so"), ("Status", "0")]])

    def _forget(self) -> None:
        self.globals.clear()
        self.live = LiveChannels()
        self.queue = QueueState()
        self._booted = time.monotonic()
        if self.queue_log is not None:
            self.queue_log.started()

    async def _flushed(self) -> None:
        await asyncio.gather(*(client.flushed() for client in list(self._clients)))

    async def _clients_gone(self) -> None:
        clients = list(self._clients)
        if not clients:
            return
        waits = [asyncio.ensure_future(client.finished()) for client in clients]
        _, pending = await asyncio.wait(waits, timeout=CLOSE_TIMEOUT)
        for client, wait in zip(clients, waits, strict=True):
            if wait in pending:
                client.abort()
                wait.cancel()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = Client(writer, self)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        self._clients.add(client)
        client.send(BANNER)
        try:
            await self._read_actions(reader, client)
        except (ConnectionError, OSError, ValueError, asyncio.LimitOverrunError):
            client.abort()
        finally:
            if not client.closed.is_set():
                client.close_soon()
            await self._close_client(client)
            self._clients.discard(client)
            if task is not None:
                self._handlers.discard(task)

    async def _close_client(self, client: Client) -> None:
        with contextlib.suppress(TimeoutError):  # not wait_for: in 3.11 it can swallow a cancel
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await client.finished()
        client.abort()

    async def _read_actions(self, reader: asyncio.StreamReader, client: Client) -> None:
        while (action := await read_action(reader)) is not None:
            self.actions.append(action)
            if not self.silent and not handle_action(self, client, action):
                return
