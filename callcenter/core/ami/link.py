"""The link to Asterisk: connect, log in, watch, reconnect with backoff, until closed.

Every action has a timeout; a silent peer is noticed by a Ping watchdog; a refused login is
a loud, final error (AmiAuthError), not a silent retry.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from panoramisk.actions import Action
from panoramisk.message import Message

from callcenter.core.ami.protocol import AmiConnection, Headers
from callcenter.core.pacing import wait_for_event

log = structlog.get_logger("callcenter.ami")


class AmiError(Exception):
    pass


class AmiAuthError(AmiError):
    """Asterisk refused our user name or secret: a configuration error, not a network one."""


class AmiActionTimeout(AmiError):
    pass


class AmiLinkDown(AmiError):
    pass


@dataclass(frozen=True)
class LinkSettings:
    host: str
    port: int
    username: str
    secret: str
    connect_timeout: float = 5.0
    action_timeout: float = 10.0
    ping_interval: float = 10.0
    ping_timeout: float = 5.0
    reconnect_min: float = 0.5
    reconnect_max: float = 30.0


FrameSink = Callable[[Headers], None]
OnLogin = Callable[["AmiLink"], Awaitable[None]]


class AmiLink:
    def __init__(self, settings: LinkSettings, *, on_frame: FrameSink, on_login: OnLogin,
                 wanted: Callable[[str, str], bool]) -> None:
        self.settings = settings
        self._on_frame = on_frame
        self._on_login = on_login
        self._wanted = wanted
        self._conn: AmiConnection | None = None
        self._lost: asyncio.Event = asyncio.Event()
        self._closed = False
        self._stop = asyncio.Event()
        self.logged_in = False
        self.reconnects = 0

    # -- LinkEvents (called by the protocol) ---------------------------------------------

    def frame_received(self, headers: Headers) -> None:
        self._on_frame(headers)

    def link_lost(self, reason: str) -> None:
        """Asterisk or the network ended the link (a warning); not when we closed it."""
        if self._lost.is_set():
            return
        log.warning("ami_link_lost", reason=reason)
        self._end(reason)

    def _closing(self, reason: str) -> None:
        """We end the link ourselves (stopping, or a session that failed): an info line, and
        the connection's own `connection_lost` then finds the link already ended."""
        if self._lost.is_set():
            return
        if self._conn is not None:
            log.info("ami_link_closed", reason=reason)
        self._end(reason)

    def _end(self, reason: str) -> None:
        self.logged_in = False
        if self._conn is not None:
            self._conn.fail_pending(AmiLinkDown(reason))
            self._conn.close()
        self._lost.set()

    # -- running -------------------------------------------------------------------------

    async def run(self) -> None:
        """Stay connected until `close()`; raises AmiAuthError on a refused login."""
        delay = self.settings.reconnect_min
        while not self._closed:
            try:
                await self._session()
                delay = self.settings.reconnect_min
            except AmiAuthError:
                raise
            except (OSError, AmiError, TimeoutError) as exc:
                log.warning("ami_connect_failed", host=self.settings.host,
                            port=self.settings.port, error=str(exc) or type(exc).__name__)
            if self._closed:
                break
            self.reconnects += 1
            await self._pause(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, self.settings.reconnect_max)

    async def _pause(self, seconds: float) -> None:
        await wait_for_event(self._stop, seconds)

    async def _session(self) -> None:
        await self._connect()
        try:
            await self._login()
            log.info("ami_logged_in", host=self.settings.host, port=self.settings.port)
            await self._on_login(self)
            await self._watch()
        finally:
            self._disconnect()

    async def _connect(self) -> None:
        self._lost = asyncio.Event()
        loop = asyncio.get_running_loop()
        s = self.settings
        async with asyncio.timeout(s.connect_timeout):
            _, conn = await loop.create_connection(
                lambda: AmiConnection(self, self._wanted), s.host, s.port)
        self._conn = conn

    async def _login(self) -> None:
        s = self.settings
        reply = await self.action({"Action": "Login", "Username": s.username,
                                   "Secret": s.secret, "Events": "on"},
                                  timeout=s.connect_timeout)
        assert isinstance(reply, Message)
        if reply.get("Response") != "Success":
            raise AmiAuthError(f"Asterisk at {s.host}:{s.port} refused AMI login for user "
                               f"{s.username!r}: {reply.get('Message') or reply}")
        self.logged_in = True

    async def _watch(self) -> None:
        s = self.settings
        while not self._lost.is_set():
            if await wait_for_event(self._lost, s.ping_interval):
                return
            try:
                await self.action({"Action": "Ping"}, timeout=s.ping_timeout)
            except AmiActionTimeout:
                self.link_lost(f"no answer to Ping within {s.ping_timeout} s")

    def _disconnect(self) -> None:
        """The session is over: our side closes its connection, even one that opened after
        `close()` had already ended the link."""
        self._closing("disconnected")
        self._end("disconnected")
        self._conn = None

    async def close(self) -> None:
        """Stop for good: no reconnect after this."""
        self._closed = True
        self._stop.set()
        self._closing("closed by us")

    # -- actions -------------------------------------------------------------------------

    async def action(self, fields: Mapping[str, Any], *, as_list: bool | None = None,
                     timeout: float | None = None) -> Message | list[Message]:
        conn = self._conn
        if conn is None or conn.closed:
            raise AmiLinkDown("not connected to Asterisk")
        action = Action(dict(fields), as_list=as_list)
        future = conn.send(action, as_list=as_list)
        try:
            async with asyncio.timeout(timeout or self.settings.action_timeout):
                result: Message | list[Message] = await future
        except TimeoutError as exc:
            conn.responses.pop(action.id, None)
            raise AmiActionTimeout(f"{fields.get('Action')} got no answer in time") from exc
        return result
