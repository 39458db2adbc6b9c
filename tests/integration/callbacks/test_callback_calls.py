"""A call-back placed through the simulated Asterisk over real TCP: the web asks, the process
holding the AMI link sends Originate (the operator's phone first, then the resident through
[from-operator]), and the outbound call is tracked, recorded and linked; refused, timed out,
the operator's phone or the resident not answering."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from callcenter.appeals.model.statuses import Status
from callcenter.appeals.tables import Appeal
from callcenter.callbacks.tables import CallbackAttempt
from callcenter.calls.tables import Call
from callcenter.core.config import DutyConfig
from callcenter.demo.callbacks import CallBacker
from callcenter.main import Listener, build_listener, build_web
from callcenter.simulator import SimulatedPbx
from tests.integration.callbacks_rig import T0, Seed
from tests.integration.pop_stack import stack_config
from tests.web_rig import WebRig

RESIDENT = "+380342509999"
SEAT = "PJSIP/op1001"


@dataclass
class Rig:
    pbx: SimulatedPbx
    listener: Listener
    web: WebRig
    seed: Seed
    client: httpx.AsyncClient

    async def attempt(self, attempt_id: int) -> dict[str, Any]:
        response = await self.client.get(f"/api/operator/callbacks/attempts/{attempt_id}")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    async def call_row(self) -> Call | None:
        async with self.web.db.reading() as session:
            return await session.scalar(select(Call).where(Call.direction == "outbound"))

    async def appeals(self) -> int:
        async with self.web.db.reading() as session:
            return int(await session.scalar(select(func.count()).select_from(Appeal)) or 0)


@contextlib.asynccontextmanager
async def rig(database_url: str, tmp_path: Path, eventually: Any, *,
              ring: float = 5.0) -> AsyncIterator[Rig]:
    async with SimulatedPbx() as pbx:
        pbx.callback_seconds = (0.1, 0.3)
        config = stack_config(database_url, pbx, tmp_path).replace(
            duty=DutyConfig(originate_timeout=ring))
        listener = build_listener(config)
        app = build_web(config, listener.db, listener=listener)
        web = WebRig(app=app, db=listener.db, auth=app.state.auth, config=config)
        task = asyncio.create_task(listener.run())
        try:
            await eventually(lambda: listener.link.logged_in)
            seed = Seed(listener.db)
            await seed.contractor()
            token = await web.token("olena", "operator", seat=SEAT)
            async with web.client(token) as client:
                yield Rig(pbx, listener, web, seed, client)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await listener.db.close()


async def place(r: Rig, appeal_id: int, kind: str = "check") -> int:
    item = {"kind": kind, "appeal_id": appeal_id}
    claimed = await r.client.post("/api/operator/callbacks/claim", json=item)
    assert claimed.status_code == 200, claimed.text
    called = await r.client.post("/api/operator/callbacks/call", json=item)
    assert called.status_code == 200, called.text
    return int(called.json()["id"])


async def test_a_call_back_rings_the_operator_first_and_is_tracked_as_outbound(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        appeal = await r.seed.appeal(Status.DONE, caller=RESIDENT, at=T0, contractor=True)
        appeals_before = await r.appeals()
        attempt_id = await place(r, appeal)

        ended = await eventually(lambda: _ended(r, attempt_id))

        assert ended["state"] == "connected" and ended["answered"]
        [originate] = [a for a in r.pbx.actions if a.get("Action") == "Originate"]
        assert (originate["Channel"], originate["Context"], originate["Exten"]) == (
            SEAT, "from-operator", RESIDENT)
        call = await eventually(r.call_row)
        assert (call.operator, call.caller, call.outcome) == (SEAT, RESIDENT, "answered")
        assert call.answered_at is not None and call.ended_at is not None
        assert call.recording_path == f"/var/spool/asterisk/monitor/{call.linkedid}.wav"
        async with r.web.db.reading() as session:
            linked = await session.scalar(select(CallbackAttempt.call_id).where(
                CallbackAttempt.id == attempt_id))
        assert linked == call.id
        assert await r.appeals() == appeals_before  # a call-back opens no appeal
        async with r.web.db.reading() as session:  # nor an inbound call (the landline leg)
            assert await session.scalar(select(func.count()).select_from(Call)) == 1
        saved = await r.client.post(f"/api/operator/callbacks/attempts/{attempt_id}/outcome",
                                    json={"outcome": "confirmed"})
        assert saved.status_code == 200, saved.text
        assert await r.seed.status(appeal) == "closed"


async def _ended(r: Rig, attempt_id: int) -> dict[str, Any] | None:
    data = await r.attempt(attempt_id)
    return data if data["ended"] or data["state"] == "failed" else None


async def test_the_resident_not_answering_is_a_failed_call_and_tried_again_later(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        r.pbx.callees[RESIDENT] = "no_answer"
        appeal = await r.seed.appeal(Status.DONE, caller=RESIDENT, at=T0, contractor=True)
        attempt_id = await place(r, appeal)
        ended = await eventually(lambda: _ended(r, attempt_id))
        assert ended["state"] == "connected" and not ended["answered"]
        call = await eventually(r.call_row)
        assert call.outcome == "failed" and call.answered_at is None
        saved = await r.client.post(f"/api/operator/callbacks/attempts/{attempt_id}/outcome",
                                    json={"outcome": "no_answer"})
        assert saved.status_code == 200, saved.text
        assert await r.seed.status(appeal) == "on_check"
        listed = (await r.client.get("/api/operator/callbacks")).json()
        assert listed == []  # offered again after the pause, not now


async def test_an_originate_refused_for_privilege_fails_the_attempt(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        r.pbx.write_classes = frozenset({"reporting", "agent"})  # no `originate`
        appeal = await r.seed.appeal(Status.MISSED, caller=RESIDENT, at=T0)
        attempt_id = await place(r, appeal, kind="missed")
        failed = await eventually(lambda: _ended(r, attempt_id))
        assert (failed["state"], failed["error"]) == ("failed", "permission_denied")
        assert await r.call_row() is None
        refused = await r.client.post(
            f"/api/operator/callbacks/attempts/{attempt_id}/outcome",
            json={"outcome": "no_answer"})
        assert refused.status_code == 422  # nobody was called: no outcome to record


async def test_an_originate_never_answered_times_out(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually, ring=0.2) as r:
        r.pbx.originate_silent = True  # queued, then no OriginateResponse ever
        appeal = await r.seed.appeal(Status.MISSED, caller=RESIDENT, at=T0)
        attempt_id = await place(r, appeal, kind="missed")
        failed = await eventually(lambda: _ended(r, attempt_id), timeout=15.0)
        assert (failed["state"], failed["error"]) == ("failed", "pbx_timeout")


async def test_the_operators_phone_not_answering_fails_the_attempt(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually, ring=0.3) as r:
        r.pbx.seats_away.add(SEAT)
        appeal = await r.seed.appeal(Status.MISSED, caller=RESIDENT, at=T0)
        attempt_id = await place(r, appeal, kind="missed")
        failed = await eventually(lambda: _ended(r, attempt_id))
        assert (failed["state"], failed["error"]) == ("failed", "seat_no_answer")
        assert await r.call_row() is None


async def test_the_demo_colleague_calls_back_through_the_simulator(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        appeal = await r.seed.appeal(Status.DONE, caller=RESIDENT, at=T0, contractor=True)
        backer = CallBacker(r.web.app.state.callbacks, "colleague", random.Random(3), every=1)
        assert await backer.work() == 1  # placed

        async def recorded() -> bool:
            await backer.work()
            return backer.attempt is None

        await eventually(recorded)
        assert await r.seed.status(appeal) in ("closed", "returned")
        [originate] = [a for a in r.pbx.actions if a.get("Action") == "Originate"]
        assert originate["Channel"] == "PJSIP/op1002"


async def test_a_supervisor_puts_an_appeal_on_control_from_its_page(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        appeal = await r.seed.appeal(Status.IN_WORK, caller=RESIDENT, at=T0, contractor=True)
        number = r.seed.numbers[appeal]
        boss = await r.web.token("iryna", "supervisor")
        async with r.web.client(boss) as supervisor:
            page = await supervisor.get(f"/appeals/{number}")
            assert 'action="/appeals/' + number + '/control"' in page.text
            sent = await supervisor.post(f"/appeals/{number}/control",
                                         data={"on": "true", "note": "Скарга до мера"})
            assert sent.status_code == 303, sent.text
        [item] = (await r.client.get("/api/operator/callbacks")).json()
        assert (item["kind"], item["number"]) == ("control", number)
        operator_page = await r.client.get(f"/appeals/{number}")
        assert "/control" not in operator_page.text  # operators have no control buttons
