"""`/readyz` and `/metrics` tell when the database is away and when a loop of the process
failed, with the reason (issue 11)."""

from __future__ import annotations

import httpx

from callcenter import main
from callcenter.core.database import Database
from callcenter.core.pacing import Supervisor
from tests.web_rig import BASE, web_config

NOWHERE = "postgresql+asyncpg://postgres@127.0.0.1:9/nowhere"  # nobody listens on port 9


async def get(db: Database, supervisor: Supervisor, path: str) -> httpx.Response:
    app = main.build_web(web_config(db.url), db, supervisor=supervisor)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        return await client.get(path)


async def test_a_loop_that_failed_lately_makes_the_process_not_ready(database_url: str) -> None:
    db, supervisor = Database(database_url), Supervisor(first=0.001)
    attempts = [0]

    async def sweep() -> None:
        attempts[0] += 1
        if attempts[0] == 1:
            raise RuntimeError("the sweep broke")

    try:
        await supervisor.keep("routing-sweep", sweep)
        ready = await get(db, supervisor, "/readyz")
        metrics = (await get(db, supervisor, "/metrics")).text
    finally:
        await db.close()
    assert ready.status_code == 503
    assert ready.json() == {"status": "not_ready",
                            "checks": {"database": True, "loops": False},
                            "reasons": {"loop routing-sweep": "RuntimeError: the sweep broke"}}
    assert 'callcenter_loop_failures_total{loop="routing-sweep"} 1.0' in metrics
    assert "callcenter_database_available 1.0" in metrics


async def test_a_database_away_is_not_ready_with_the_reason() -> None:
    db = Database(NOWHERE)
    try:
        ready = await get(db, Supervisor(), "/readyz")
        metrics = (await get(db, Supervisor(), "/metrics")).text
    finally:
        await db.close()
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": False, "loops": True}
    assert ready.json()["reasons"]["database"].startswith(
        "database unavailable: ConnectionRefusedError")
    assert "callcenter_database_available 0.0" in metrics
    assert "callcenter_database_outages 1.0" in metrics
