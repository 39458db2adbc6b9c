"""Every endpoint × every role × anonymous: only the declared roles get past the door.

A new endpoint without an access rule makes `create_app` refuse to start (and this suite
fail); one with a rule is called here by every role and must answer 401 / 403 exactly where
its rule says so.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from callcenter.users.access import access_of, allow, endpoints, require_declared
from callcenter.users.model import Role
from tests.web_rig import PASSWORD, LiveWeb, WebRig

ROLES = [role.value for role in Role]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


async def fresh_token(web: WebRig, role: str | None) -> str | None:
    if role is None:
        return None
    signed = await web.auth.sign_in(username=f"user-{role}", password=PASSWORD, kind="bearer")
    return signed.token


def http_routes(web: WebRig) -> list[tuple[str, str, APIRoute]]:
    out = []
    for route in endpoints(web.app.routes):
        if isinstance(route, APIRoute):
            out.extend((method, concrete(route.path), route) for method in sorted(route.methods))
    return out


async def test_every_route_has_a_rule_and_each_role_meets_it(web: WebRig) -> None:
    for role in ROLES:
        await web.user(f"user-{role}", role)
    failures = []
    assert len(http_routes(web)) >= 8  # the walk sees the included routers' endpoints
    for method, path, route in http_routes(web):
        access = access_of(route)
        assert access is not None, path
        for role in [None, *ROLES]:
            token = await fresh_token(web, role)  # a route may end its session (logout)
            async with web.client(token) as client:
                status = (await client.request(method, path, json={})).status_code
            if access.public:
                allowed = True
            else:
                allowed = role is not None and Role(role) in (access.roles or ())
            expected_refusal = {401} if role is None else {403}
            refused = status in {401, 403}
            if allowed == refused or (not allowed and status not in expected_refusal):
                failures.append(f"{method} {path} as {role or 'anonymous'}: {status}")
    assert not failures, "\n".join(failures)


async def test_websockets_refuse_anonymous_clients(live_web: LiveWeb) -> None:
    sockets = [r for r in endpoints(live_web.rig.app.routes)
               if isinstance(r, APIWebSocketRoute)]
    for route in sockets:
        async with connect(live_web.ws_url + concrete(route.path),
                                      origin=Origin(live_web.url)) as ws:
            with pytest.raises(ConnectionClosed) as refused:
                await ws.recv()
        assert refused.value.rcvd is not None
        assert refused.value.rcvd.code == 4401, route.path


def test_an_endpoint_without_a_rule_is_refused() -> None:
    from fastapi import APIRouter, Depends, FastAPI

    app = FastAPI()
    router = APIRouter()

    @router.get("/declared", dependencies=[Depends(allow(Role.SUPERVISOR))])
    async def declared() -> None: ...

    @router.get("/forgotten")
    async def forgotten() -> None: ...

    app.include_router(router)
    with pytest.raises(RuntimeError, match="/forgotten"):
        require_declared(app.routes)
