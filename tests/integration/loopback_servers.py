"""Real servers on loopback for delivery tests: an SMTP sink (aiosmtpd) and an HTTP receiver.

The HTTP receiver is a small HTTP/1.1 server on asyncio streams. Each request takes the next
behaviour from `plan` (then `default`): answer with a status, hang for a while, hold until the
test releases it, or drop the connection. Every request that arrives is recorded first.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import hashlib
import hmac
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """aiosmtpd's Controller cannot take port 0: pick a free port first."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b'{"ok": true}'


@dataclass(frozen=True)
class Hang:
    seconds: float  # then 200, too late for a client with a shorter timeout


@dataclass
class Hold:
    """Keep the request open until `release` is set (a worker can be killed meanwhile)."""

    release: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class Drop:
    pass


Behaviour = Reply | Hang | Hold | Drop


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def key(self) -> str:
        return self.headers.get("idempotency-key", "")

    def json(self) -> Any:
        return json.loads(self.body)

    def signed_with(self, secret: bytes, *, now: float | None = None) -> bool:
        """As a contractor's receiver checks it (README, "Verifying a webhook")."""
        fields = dict(part.split("=", 1) for part in
                      self.headers.get("x-callcenter-signature", "").split(",") if "=" in part)
        stamp = fields.get("t", "")
        if not stamp.isdigit() or abs((now or time.time()) - int(stamp)) > 300:
            return False
        signed = stamp.encode() + b"." + self.body
        expected = hmac.new(secret, signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, fields.get("v1", ""))


class HttpReceiver:
    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.plan: list[Behaviour] = []
        self.default: Behaviour = Reply()
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def keys(self) -> list[str]:
        return [r.key for r in self.received]

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port,
                                                  reuse_address=True)

    async def stop(self) -> None:
        """Down: stop listening and cut every open connection (hanging ones included)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for task, writer in list(self._connections.items()):
            task.cancel()
            writer.close()
        await asyncio.gather(*self._connections, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        try:
            with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
                while await self._one(reader, writer):
                    pass
        finally:
            writer.close()
            del self._connections[task]

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        request_line = await reader.readline()
        if not request_line:
            return False
        headers = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.received.append(Received(request_line.split()[1].decode(), headers, body))
        return await self._behave(self.plan.pop(0) if self.plan else self.default, writer)

    async def _behave(self, behaviour: Behaviour, writer: asyncio.StreamWriter) -> bool:
        if isinstance(behaviour, Drop):
            return False
        if isinstance(behaviour, Hang):
            await asyncio.sleep(behaviour.seconds)
            behaviour = Reply()
        if isinstance(behaviour, Hold):
            await behaviour.release.wait()
            behaviour = Reply()
        writer.write(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (behaviour.status, len(behaviour.body),
                                                         behaviour.body))
        await writer.drain()
        return True


class SmtpSink:
    """aiosmtpd on loopback that keeps every message; `refuse` makes it answer DATA with it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: str | None = None
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK queued"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]
