"""Who may call what: every endpoint declares its roles with `allow(...)` or `public()`.

The declaration is a FastAPI dependency carrying an `Access` marker, so a test can walk every
route and fail the suite for an endpoint that declares nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import BaseRoute

from callcenter.users.model import Forbidden, Principal, Role
from callcenter.users.service import Auth

SESSION_COOKIE = "cc_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class CsrfFailed(Forbidden):
    error_id = "csrf_failed"


@dataclass(frozen=True)
class Access:
    roles: frozenset[Role] | None  # None: anyone, signed in or not

    @property
    def public(self) -> bool:
        return self.roles is None


def auth_of(request: Request) -> Auth:
    auth: Auth = request.app.state.auth
    return auth


def credentials(request: Request) -> tuple[str | None, bool]:
    """The session token and whether it came from the cookie (which needs CSRF protection)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    return request.cookies.get(SESSION_COOKIE), True


async def current_principal(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    token, from_cookie = credentials(request)
    principal = await auth_of(request).principal(token)
    if from_cookie and request.method in UNSAFE:
        await check_csrf(request, principal)
    request.state.principal = principal
    return principal


async def check_csrf(request: Request, principal: Principal) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None and _is_form(request):
        given = str((await request.form()).get(CSRF_FIELD, ""))
    if not given or not secrets.compare_digest(given, principal.csrf_token):
        raise CsrfFailed("the form is stale; reload the page and try again")


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


Guard = Callable[[Request], Awaitable[Any]]


def client_of(request: Request) -> str:
    """The client's address as the audit and the sign-in throttle record it."""
    return request.client.host if request.client else ""


def allow(*roles: Role) -> Guard:
    """Signed-in users with one of these roles (admins always pass)."""
    return only(*roles, Role.ADMIN)


def only(*roles: Role) -> Guard:
    """Signed-in users with exactly one of these roles, admins included only if named: for
    data scoped to the user (a contractor's own appeals), which an admin has none of."""
    allowed = frozenset(roles)

    async def guard(request: Request) -> Principal:
        principal = await current_principal(request)
        if principal.role not in allowed:
            raise Forbidden("your role may not do this")
        return principal

    guard.access = Access(allowed)  # type: ignore[attr-defined]
    return guard


def signed_in() -> Guard:
    return allow(*Role)


def public() -> Guard:
    async def guard(request: Request) -> None:
        return None

    guard.access = Access(None)  # type: ignore[attr-defined]
    return guard


def access_of(route: BaseRoute) -> Access | None:
    """The declared access of a route, found among its dependencies."""
    if not isinstance(route, APIRoute | APIWebSocketRoute):
        return None
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        marker = getattr(dependency.call, "access", None)
        if isinstance(marker, Access):
            return marker
        pending.extend(dependency.dependencies)
    return None


Endpoint = APIRoute | APIWebSocketRoute


def endpoints(routes: list[BaseRoute]) -> list[Endpoint]:
    """Every endpoint, also inside included routers (which FastAPI keeps as nested nodes).

    Our routers are included without a prefix, so each endpoint's path is the served path.
    """
    found: list[Endpoint] = []
    for route in routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            found.extend(endpoints(nested.routes))
        elif isinstance(route, APIRoute | APIWebSocketRoute):
            found.append(route)
    return found


def require_declared(routes: list[BaseRoute]) -> None:
    """Refuse to build an app with an endpoint that declares no access."""
    missing = [r.path for r in endpoints(routes) if access_of(r) is None]
    if missing:
        raise RuntimeError(f"endpoints without an access rule: {', '.join(missing)}")


# The hotline's desk (operators and supervisors): the operator's page and what it calls.
desk = allow(Role.OPERATOR, Role.SUPERVISOR)
Desk = Annotated[Principal, Depends(desk)]
# Oversight (supervisors and admins): the outbox, overdue appeals, reassignment.
Oversight = Annotated[Principal, Depends(allow(Role.SUPERVISOR, Role.ADMIN))]
