"""The last line of the HTTP shell: an exception no handler took becomes the 500 error envelope.

Starlette's own last resort (`ServerErrorMiddleware`) answers and then raises the exception
again, for the server to log: uvicorn then printed a plain-text traceback into our JSON log and
closed the keep-alive connection without `Connection: close`. Here the failure is logged once,
as one structured line with its traceback, and the request ends normally. Only when the
response had already begun (a streamed ZIP failing midway) is nothing more sent: the client
must not take a cut stream for a whole one, so the server closes the connection.
"""

from __future__ import annotations

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callcenter.core.web.errors import INTERNAL, error_body

log = structlog.get_logger("callcenter.web")


class CrashBarrier:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            log.error("request_failed", method=scope["method"], path=scope["path"],
                      response_started=started, exc_info=exc)
            if not started:
                response = error_body(Request(scope), "internal", INTERNAL, status=500)
                await response(scope, receive, send)
