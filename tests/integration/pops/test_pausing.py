"""Pause, resume and wrap-up reach the simulator as AMI `QueuePause`, also when asked in a
web-only process (forwarded through the database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from callcenter.main import build_web
from callcenter.pops.wiring import web_pops
from callcenter.users.access import CSRF_HEADER, SESSION_COOKIE
from tests.integration.pop_stack import (
    PopStack,
    fast,
    open_socket,
    pop_stack,
    receive,
    receive_until,
)
from tests.web_rig import PASSWORD, WebRig, serving


def queue_pauses(stack: PopStack) -> list[tuple[str, str, str, str]]:
    return [(a.get("Interface", ""), a.get("Paused", ""), a.get("Reason", ""),
             a.get("Queue", "")) for a in stack.pbx.actions if a.get("Action") == "QueuePause"]


async def test_pause_and_resume_reach_asterisk_and_the_socket(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        token = await stack.operator("olena", "PJSIP/op1001")
        ws = await open_socket(stack.live, token)
        await receive(ws)
        async with stack.rig.client(token) as client:
            paused = await client.post("/api/operator/pause")
            told = await receive(ws)
            hello = await receive(again := await open_socket(stack.live, token))
            resumed = await client.post("/api/operator/resume")
            told_again = await receive(ws)
        await again.close()
        member = stack.pbx.queue.members["pjsip/op1001"]
    assert paused.status_code == 200, paused.text
    assert paused.json() == {"seat": "PJSIP/op1001", "paused": True, "reason": "manual",
                             "until": None}
    assert (told["type"], told["paused"], told["reason"]) == ("paused", True, "manual")
    assert (hello["paused"], hello["pause"]["reason"]) == (True, "manual")
    assert resumed.json()["paused"] is False
    assert (told_again["paused"], told_again["reason"]) == (False, None)
    assert queue_pauses(stack) == [("PJSIP/op1001", "true", "manual", "operators"),
                                   ("PJSIP/op1001", "false", "", "operators")]
    assert member.paused is False


async def test_refusals_have_their_error_ids(database_url: str, tmp_path: Path,
                                             eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        stranger = await stack.operator("ivan", "PJSIP/op1099")
        seatless = await stack.operator("petro", None)
        async with stack.rig.client(stranger) as client:
            not_member = await client.post("/api/operator/pause")
        async with stack.rig.client(seatless) as client:
            no_seat = await client.post("/api/operator/pause")
        stack.pbx.silent = True  # a hung Asterisk
        async with stack.rig.client(await stack.operator("olena", "PJSIP/op1001")) as client:
            hung = await client.post("/api/operator/pause")
    assert (not_member.status_code, not_member.json()["error_id"]) == (409, "seat_not_in_queue")
    assert (no_seat.status_code, no_seat.json()["error_id"]) == (409, "no_seat")
    assert (hung.status_code, hung.json()["error_id"]) == (503, "pbx_unavailable")
    assert hung.json()["message"] == "Телефонна станція не відповідає. Спробуйте ще раз за хвилину."


async def test_a_cookie_session_needs_the_csrf_token(database_url: str, tmp_path: Path,
                                                     eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        await stack.rig.user("olena", "operator", seat="PJSIP/op1001")
        signed = await stack.rig.auth.sign_in(username="olena", password=PASSWORD)
        async with stack.rig.client(cookies={SESSION_COOKIE: signed.token}) as client:
            stale = await client.post("/api/operator/pause")
            fine = await client.post("/api/operator/pause",
                                     headers={CSRF_HEADER: signed.principal.csrf_token})
    assert (stale.status_code, stale.json()["error_id"]) == (403, "csrf_failed")
    assert fine.status_code == 200


async def test_wrap_up_after_an_answered_call_then_resume_by_itself(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, wrap_up=0.3, eventually=eventually) as stack:
        ws = await open_socket(stack.live, await stack.operator("olena", "PJSIP/op1001"))
        await receive(ws)
        await stack.pbx.play("pjsip-landline-answered", **fast())
        await receive_until(ws, "ended")
        wrap_up = await receive(ws)
        back = await receive(ws)
    assert (wrap_up["type"], wrap_up["paused"], wrap_up["reason"]) == ("paused", True, "wrap_up")
    assert wrap_up["until"] is not None
    assert (back["type"], back["paused"]) == ("paused", False)
    assert queue_pauses(stack) == [("PJSIP/op1001", "true", "wrap_up", "operators"),
                                   ("PJSIP/op1001", "false", "", "operators")]


async def test_no_wrap_up_at_a_seat_where_nobody_is_signed_in(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, wrap_up=0.3, eventually=eventually) as stack:
        pausing = stack.listener.pops.pausing
        assert pausing is not None
        await stack.operator("petro", "PJSIP/op1002")  # signed in, but at the other seat
        await stack.pbx.play("pjsip-landline-answered", **fast())  # op1001 answers
        await eventually(lambda: pausing.wrap_ups_skipped == 1)
        ws = await open_socket(stack.live, await stack.operator("olena", "PJSIP/op1001"))
        await receive(ws)
        await stack.pbx.play("pjsip-landline-answered", **fast())
        await receive_until(ws, "paused")
        pauses = [p[:3] for p in queue_pauses(stack) if p[1] == "true"]
    assert pauses == [("PJSIP/op1001", "true", "wrap_up")]  # the second call's only


async def test_a_manual_pause_during_wrap_up_stays(database_url: str, tmp_path: Path,
                                                  eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, wrap_up=0.5, eventually=eventually) as stack:
        token = await stack.operator("olena", "PJSIP/op1001")
        ws = await open_socket(stack.live, token)
        await receive(ws)
        await stack.pbx.play("pjsip-landline-answered", **fast())
        await receive_until(ws, "paused")
        async with stack.rig.client(token) as client:
            assert (await client.post("/api/operator/pause")).status_code == 200
        pausing = stack.listener.pops.pausing  # type: ignore[union-attr]
        await eventually(lambda: not pausing._deadlines)  # the wrap-up ran out
        state = pausing.state("PJSIP/op1001")
    assert (state.paused, state.reason) == (True, "manual")
    assert [p[1:3] for p in queue_pauses(stack)] == [("true", "wrap_up"), ("true", "manual")]


async def test_a_web_only_process_forwards_pause_to_the_link_process(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        web_db = stack.listener.db
        app = build_web(stack.rig.config, web_db, pops=web_pops(web_db))
        rig = WebRig(app=app, db=web_db, auth=app.state.auth, config=stack.rig.config)
        token = await stack.operator("olena", "PJSIP/op1001")
        async with serving(rig) as other, rig.client(token) as client:
            assert other.port != stack.live.port
            paused = await client.post("/api/operator/pause")
            refused = await rig.client(await stack.operator("ivan", "PJSIP/op1099")).post(
                "/api/operator/pause")
    assert paused.status_code == 200, paused.text
    assert (paused.json()["paused"], paused.json()["reason"]) == (True, "manual")
    assert queue_pauses(stack)[0][:2] == ("PJSIP/op1001", "true")
    assert (refused.status_code, refused.json()["error_id"]) == (409, "seat_not_in_queue")


async def test_a_pause_made_on_the_phone_reaches_the_page_and_the_board(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        token = await stack.operator("olena", "PJSIP/op1001")
        ws = await open_socket(stack.live, token)
        await receive(ws)
        await stack.pbx.pause_on_phone("PJSIP/op1001", True, "обід")
        told = (await receive_until(ws, "paused"))[-1]
        assert stack.listener.pops is not None
        seat = stack.listener.pops.relay.board.seats["PJSIP/op1001"]
        seat_state = (seat.activity(), seat.pause_reason)
        await stack.pbx.pause_on_phone("PJSIP/op1001", False)
        resumed = (await receive_until(ws, "paused"))[-1]
        async with stack.rig.client(token) as client:  # our own pause: told once, not echoed
            await client.post("/api/operator/pause")
        ours = (await receive_until(ws, "paused"))[-1]
        await ws.send('{"type":"ping"}')
        after = await receive(ws)
    assert (told["paused"], told["reason"]) == (True, "phone")
    assert seat_state == ("paused", "phone")
    assert (resumed["paused"], resumed["reason"]) == (False, None)
    assert (ours["paused"], ours["reason"]) == (True, "manual")
    assert after["type"] == "pong"  # nothing in between: the QueueMemberPause echo was ignored


async def test_pauses_are_read_back_from_asterisk_after_a_reconnect(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        token = await stack.operator("olena", "PJSIP/op1001")
        ws = await open_socket(stack.live, token)
        await receive(ws)
        link = stack.listener.link
        await stack.pbx.drop_clients()
        await stack.pbx.pause_on_phone("PJSIP/op1001", True, tell=False)  # while we are away
        told = (await receive_until(ws, "paused"))[-1]
        logged_in_again = link.logged_in
    assert (told["paused"], told["reason"]) == (True, "phone")
    assert logged_in_again
    assert stack.listener.pops is not None and stack.listener.pops.pausing is not None
    assert stack.listener.pops.pausing.state("PJSIP/op1001").reason == "phone"
