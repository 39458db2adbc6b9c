"""Who may open a WebSocket, and every refusal mapped in one place to a close code.

The socket is accepted first and then closed with the code, so that clients (and the page)
can read it: 4401 not signed in or session expired, 4403 foreign Origin or a role that may
not, 4409 an operator without a seat. A browser always sends `Origin`; a client without one
must authenticate with a bearer token (a cookie alone is refused).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from fastapi import WebSocket
from starlette.requests import HTTPConnection

from callcenter.core.errors import DomainError, StoreUnavailable
from callcenter.pops.model.pausing import NoSeat
from callcenter.users.access import SESSION_COOKIE, Access
from callcenter.users.model import Forbidden, NotSignedIn, Principal, Role
from callcenter.users.service import Auth

CLOSE_CODES: list[tuple[type[DomainError], int, str]] = [
    (NotSignedIn, 4401, "not signed in"),
    (NoSeat, 4409, "pick a seat at sign-in"),
    (Forbidden, 4403, "forbidden"),
]
TOO_SLOW = 1013  # "try again later": the client did not read its messages in time
SESSION_RECHECK = 30.0  # seconds between checks that an open socket's session still stands


class ForeignOrigin(Forbidden):
    error_id = "foreign_origin"


def close_code(exc: DomainError) -> tuple[int, str]:
    for kind, code, reason in CLOSE_CODES:
        if isinstance(exc, kind):
            return code, reason
    return 1011, "server error"


def allow_socket(*roles: Role) -> Callable[[WebSocket], Awaitable[frozenset[Role]]]:
    """The access rule of a WebSocket route (walked by the access-matrix test); it returns
    the allowed roles for `admit`, which checks them once the socket is accepted."""
    allowed = frozenset(roles) | {Role.ADMIN}

    async def guard(websocket: WebSocket) -> frozenset[Role]:
        return allowed

    guard.access = Access(allowed)  # type: ignore[attr-defined]
    return guard


def socket_credentials(connection: HTTPConnection) -> tuple[str | None, bool]:
    scheme, _, value = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    return connection.cookies.get(SESSION_COOKIE), True


def own_origin(connection: HTTPConnection) -> str:
    scheme = "https" if connection.url.scheme in ("wss", "https") else "http"
    return f"{scheme}://{connection.headers.get('host', '')}".lower()


def check_origin(connection: HTTPConnection, *, from_cookie: bool) -> None:
    origin = connection.headers.get("origin")
    if origin is None:
        if from_cookie:
            raise ForeignOrigin("a browser socket without Origin")
        return
    allowed = {own_origin(connection)}
    allowed.update(o.rstrip("/").lower() for o in connection.app.state.allowed_origins)
    if origin.rstrip("/").lower() not in allowed:
        raise ForeignOrigin(f"Origin {origin!r} is not allowed")


async def principal_of(websocket: WebSocket, roles: frozenset[Role], *,
                       need_seat: bool) -> Principal:
    token, from_cookie = socket_credentials(websocket)
    check_origin(websocket, from_cookie=from_cookie)
    auth: Auth = websocket.app.state.auth
    principal = await auth.principal(token)
    if principal.role not in roles:
        raise Forbidden("your role may not open this socket")
    if need_seat and not principal.seat:
        raise NoSeat("sign in again and pick a seat")
    return principal


async def admit(websocket: WebSocket, roles: frozenset[Role], *,
                need_seat: bool = False) -> Principal | None:
    """Accept the socket; the principal, or None after closing it with the refusal's code."""
    await websocket.accept()
    try:
        return await principal_of(websocket, roles, need_seat=need_seat)
    except DomainError as exc:
        code, reason = close_code(exc)
        with contextlib.suppress(Exception):  # the client may be gone already
            await websocket.close(code=code, reason=reason)
        return None



async def keep_session(websocket: WebSocket) -> None:
    """Return once the socket's session has ended (signed out, revoked, expired, the user
    disabled), after closing the socket with 4401 so the page asks to sign in again. Checked
    every `app.state.session_recheck` seconds; a database outage does not end a session."""
    token, _ = socket_credentials(websocket)
    auth: Auth = websocket.app.state.auth
    every = float(getattr(websocket.app.state, "session_recheck", SESSION_RECHECK))
    while True:
        await asyncio.sleep(every)
        try:
            await auth.principal(token)
        except NotSignedIn:
            with contextlib.suppress(Exception):  # the client may be gone already
                await websocket.close(code=4401, reason="session ended")
            return
        except StoreUnavailable:
            continue
