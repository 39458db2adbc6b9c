"""Who may open the pop and board sockets: each refusal has its close code (docs/screen-pops.md)."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from callcenter.users.access import SESSION_COOKIE
from tests.integration.pop_stack import open_socket, receive
from tests.web_rig import PASSWORD, LiveWeb


async def closed_with(ws: object) -> int:
    with pytest.raises(ConnectionClosed) as refused:
        await ws.recv()  # type: ignore[attr-defined]
    assert refused.value.rcvd is not None
    return refused.value.rcvd.code


async def test_a_foreign_origin_is_refused_with_4403(live_web: LiveWeb) -> None:
    token = await live_web.rig.token("olena", "operator", seat="PJSIP/op1001")
    ws = await open_socket(live_web, token, origin="http://evil.example")
    assert await closed_with(ws) == 4403


async def test_an_allowed_origin_is_let_in(live_web: LiveWeb) -> None:
    live_web.rig.app.state.allowed_origins = ("https://desk.city.example",)
    token = await live_web.rig.token("olena", "operator", seat="PJSIP/op1001")
    ws = await open_socket(live_web, token, origin="https://desk.city.example")
    assert (await receive(ws))["type"] == "hello"
    await ws.close()


async def test_no_session_or_an_ended_one_is_refused_with_4401(live_web: LiveWeb) -> None:
    assert await closed_with(await open_socket(live_web, None)) == 4401
    assert await closed_with(await open_socket(live_web, "made-up-token")) == 4401
    token = await live_web.rig.token("olena", "operator", seat="PJSIP/op1001")
    await live_web.rig.auth.sign_out(token)
    assert await closed_with(await open_socket(live_web, token)) == 4401


async def test_an_open_socket_closes_when_its_session_is_revoked(live_web: LiveWeb) -> None:
    live_web.rig.app.state.session_recheck = 0.1
    token = await live_web.rig.token("olena", "operator", seat="PJSIP/op1001")
    board_token = await live_web.rig.token("sofia", "supervisor")
    ws = await open_socket(live_web, token)
    board = await open_socket(live_web, board_token, path="/ws/board")
    assert (await receive(ws))["type"] == "hello"
    await live_web.rig.auth.revoke_all("olena")  # e.g. an admin ends her sessions
    assert await closed_with(ws) == 4401
    await live_web.rig.auth.sign_out(board_token)
    with pytest.raises(ConnectionClosed) as ended:
        while True:  # the board frames sent before the sign-out, then the close
            await board.recv()
    assert ended.value.rcvd is not None and ended.value.rcvd.code == 4401


async def test_other_roles_and_seatless_operators_are_refused(live_web: LiveWeb) -> None:
    supervisor = await live_web.rig.token("sofia", "supervisor")
    assert await closed_with(await open_socket(live_web, supervisor)) == 4403
    seatless = await live_web.rig.token("olena", "operator")
    assert await closed_with(await open_socket(live_web, seatless)) == 4409
    operator = await live_web.rig.token("petro", "operator", seat="PJSIP/op1002")
    assert await closed_with(await open_socket(live_web, operator, path="/ws/board")) == 4403


async def test_a_browser_cookie_needs_an_origin(live_web: LiveWeb) -> None:
    await live_web.rig.user("olena", "operator", seat="PJSIP/op1001")
    signed = await live_web.rig.auth.sign_in(username="olena", password=PASSWORD)
    cookie = {"Cookie": f"{SESSION_COOKIE}={signed.token}"}
    url = live_web.ws_url + "/ws/operator"
    async with connect(url, origin=Origin(live_web.url), additional_headers=cookie) as ws:
        hello = json.loads(await ws.recv())
    assert (hello["type"], hello["seat"], hello["user"]) == ("hello", "PJSIP/op1001", "olena")
    async with connect(url, additional_headers=cookie) as ws:
        assert await closed_with(ws) == 4403
    bearer = {"Authorization": f"Bearer {signed.token}"}
    async with connect(url, additional_headers=bearer) as ws:  # an API client: no Origin
        assert json.loads(await ws.recv())["type"] == "hello"


async def test_ping_is_answered_and_junk_is_ignored(live_web: LiveWeb) -> None:
    token = await live_web.rig.token("olena", "operator", seat="PJSIP/op1001")
    ws = await open_socket(live_web, token)
    await receive(ws)
    await ws.send("not json")
    await ws.send(b"\x00binary")
    await ws.send(json.dumps({"type": "something else"}))
    await ws.send(json.dumps({"type": "ping"}))
    assert await receive(ws) == {"type": "pong"}
    await ws.close()


async def test_the_board_socket_sends_the_board(live_web: LiveWeb) -> None:
    token = await live_web.rig.token("sofia", "supervisor")
    await live_web.rig.token("olena", "operator", seat="PJSIP/op1001")
    ws = await open_socket(live_web, token, path="/ws/board")
    board = await receive(ws)
    await ws.close()
    assert board["type"] == "board"
    assert board["waiting"] == []
    assert [(s["seat"], s["state"], s["user"]) for s in board["seats"]] == [
        ("PJSIP/op1001", "idle", "olena")]


async def test_the_board_page_is_ukrainian_by_default(live_web: LiveWeb) -> None:
    token = await live_web.rig.token("sofia", "supervisor")
    async with live_web.rig.client(token) as client:
        page = await client.get("/supervisor/board")
        english = await client.get("/supervisor/board?lang=en")
        script = await client.get("/static/pops/board.js")
    assert page.status_code == 200
    assert "Табло в реальному часі" in page.text
    assert 'data-state-wrap_up="обробка після дзвінка"' in page.text
    assert "Live board" in english.text
    assert "/ws/board" in script.text
