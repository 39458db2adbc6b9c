"""A receiver process for the delivery benchmark: an HTTP server and an SMTP server on loopback.

`python3 bench/_sink.py HTTP_PORT SMTP_PORT` prints "ready" once both listen. POSTs and mails
are counted (with their distinct idempotency keys / Message-IDs); `GET /stats` answers the
counts as JSON, `GET /reset` sets them to zero. Runs in a process of its own so that it does
not share the event loop (or the GIL) with the code measured.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from aiosmtpd.controller import Controller


class Counts:
    def __init__(self) -> None:
        self.posts = 0
        self.keys: set[str] = set()
        self.mails = 0
        self.message_ids: set[str] = set()

    def stats(self) -> dict[str, int]:
        return {"posts": self.posts, "keys": len(self.keys), "mails": self.mails,
                "message_ids": len(self.message_ids)}


class MailCounter:
    def __init__(self, counts: Counts) -> None:
        self.counts = counts

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.counts.mails += 1
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                self.counts.message_ids.add(line.split(b":", 1)[1].strip().decode())
                break
        return "250 OK"


async def serve_http(counts: Counts, port: int) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                headers = {}
                while (h := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = h.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                await reader.readexactly(int(headers.get("content-length", "0")))
                body = b'{"ok":true}'
                if line.startswith(b"GET /stats"):
                    body = json.dumps(counts.stats()).encode()
                elif line.startswith(b"GET /reset"):
                    counts.__init__()  # type: ignore[misc]
                else:
                    counts.posts += 1
                    counts.keys.add(headers.get("idempotency-key", ""))
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)


async def main(http_port: int, smtp_port: int) -> None:
    counts = Counts()
    smtp = Controller(MailCounter(counts), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    server = await serve_http(counts, http_port)
    print("ready", flush=True)
    try:
        await server.serve_forever()
    finally:
        smtp.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
