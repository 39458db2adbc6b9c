"""Text no store can keep never reaches a handler.

PostgreSQL cannot store a NUL character at all, a lone UTF-16 surrogate cannot even be encoded
for either database, and the other control characters (but tab, line feed and carriage return)
have no business in a hotline's text and turn into terminal escapes in a log. Checked here,
once for every endpoint, pages included:

- in the path, the query and a URL-encoded form (names, codes, filters, the sign-in form) such
  a character is refused: 422 naming the field, before any handler runs;
- in a JSON body it is dropped from every string, the rule the operator's form always had for
  its text (a paste with a stray control character is not lost), so every JSON field gets it;
- a multipart form read with `strict_form` (the contractors' answers, the portal) refuses
  them in its text fields, and a text field that is not UTF-8.

A JSON or form body larger than `MAX_BODY` is refused with 413 before it is parsed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callcenter.core.web.errors import error_body, problem
from callcenter.core.web.i18n import N_

REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# The same rule as a JSON Schema pattern, for a form field a multipart body may carry.
STORABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
MAX_BODY = 1 << 20
TOO_LARGE = N_("The request is too large.")
NOT_STORABLE = N_("The text contains characters that cannot be stored (control characters).")


def refused_field(values: Iterator[tuple[str, str]]) -> str | None:
    """The name of the first field whose name or value holds a refused character."""
    for name, value in values:
        if REFUSED.search(name) or REFUSED.search(value):
            return name
    return None


def cleaned(value: Any) -> Any:
    """A parsed JSON document with the refused characters dropped from every string."""
    if isinstance(value, str):
        return REFUSED.sub("", value)
    if isinstance(value, dict):
        return {cleaned(key): cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    return value


def cleaned_json(body: bytes) -> bytes:
    """The body with the refused characters dropped; the same bytes when none were there."""
    try:
        document = json.loads(body)
    except ValueError:
        return body  # FastAPI answers 422 for a body that is not JSON
    clean = cleaned(document)
    return body if clean == document else json.dumps(clean, ensure_ascii=False).encode()


class TextGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = self._in_url(scope)
        if found is not None:
            await refuse(scope, receive, send, found)
            return
        kind = Request(scope).headers.get("content-type", "")
        if not kind.startswith(("application/json", "application/x-www-form-urlencoded")):
            await self.app(scope, receive, send)
            return
        await self._check_body(scope, receive, send, kind)

    def _in_url(self, scope: Scope) -> str | None:
        if REFUSED.search(scope["path"]):
            return "path"
        query = scope.get("query_string", b"").decode("latin-1")
        return refused_field(iter(parse_qsl(query, keep_blank_values=True)))

    async def _check_body(self, scope: Scope, receive: Receive, send: Send, kind: str) -> None:
        body = await read_body(receive)
        if body is None:
            await error_body(Request(scope), "too_large", TOO_LARGE,
                             status=413)(scope, receive, send)
            return
        if kind.startswith("application/json"):
            body = cleaned_json(body)
            scope = {**scope, "headers": with_length(scope["headers"], len(body))}
        else:
            found = refused_field(iter(parse_qsl(body.decode("latin-1"),
                                                 keep_blank_values=True)))
            if found is not None:
                await refuse(scope, receive, send, found)
                return
        await self.app(scope, replay(body, receive), send)


def with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(name, value) for name, value in headers if name != b"content-length"]
    return [*kept, (b"content-length", str(length).encode())]


async def read_body(receive: Receive) -> bytes | None:
    """The whole body, or None when it exceeds MAX_BODY."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay(body: bytes, then: Receive) -> Receive:
    """The body read already, then the connection's own messages (a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def refuse(scope: Scope, receive: Receive, send: Send, field: str) -> None:
    request = Request(scope)
    details = [problem(request, field or "body", "control_character", NOT_STORABLE)]
    response = error_body(request, "validation", N_("Some fields are not filled in correctly."),
                          details, status=422)
    await response(scope, receive, send)


class StrictParser(MultiPartParser):
    """Starlette's multipart parser, refusing a text field that is not UTF-8 (Starlette
    would decode it as Latin-1 and store mojibake) or holds control characters (a NUL cannot
    be stored: see above)."""

    def on_part_end(self) -> None:
        part = self._current_part
        if part.file is None:
            try:
                text = part.data.decode("utf-8")
            except UnicodeDecodeError:
                raise MultiPartException("a form field is not UTF-8 text") from None
            if REFUSED.search(text):
                raise MultiPartException("a form field holds control characters")
        super().on_part_end()


async def strict_form(request: Request, *, max_files: int, max_fields: int = 20) -> FormData:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise HTTPException(415, "send multipart/form-data")
    try:
        stream = request.stream()
        parser = StrictParser(request.headers, stream, max_files=max_files,
                              max_fields=max_fields)
        return await parser.parse()
    except MultiPartException as exc:
        raise HTTPException(400, exc.message) from None
    except RuntimeError:  # the CSRF check read the form already (no header): Starlette's
        return await request.form()
