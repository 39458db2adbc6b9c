"""A fresh install routes: the start-up of serve, web, worker and demo (`routing.wiring.prepare`)
migrates the database and imports config/contractors.toml into an EMPTY contractors table; a
table with contractors is left alone. Routing that finds no contractor at all logs the reason
as a warning, not a traceback."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from callcenter import main
from callcenter.contractors.model.contractors import Contractor
from callcenter.contractors.service.imports import read_contractors
from callcenter.contractors.store.contractors import SqlContractorStore
from callcenter.core.config import Config, DatabaseConfig, RoutingConfig
from callcenter.core.database import Database
from callcenter.routing.model.records import CoordinatorMissing
from callcenter.routing.wiring import build_routing, prepare
from tests.integration.routing_seed import registered_appeal
from tests.integration.routing_web import GAS, completed
from tests.web_rig import WebRig

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = {c.code for c in read_contractors(ROOT / "config" / "contractors.toml")}
KYIV_DAY = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # Wednesday 10:00 in Kyiv


def config_of(url: str, contractors: str = "config/contractors.toml") -> Config:
    return Config(database=DatabaseConfig(url=url),
                  routing=RoutingConfig(contractors=contractors))


async def codes_in(url: str) -> set[str]:
    db = Database(url)
    try:
        return await SqlContractorStore(db).codes()
    finally:
        await db.close()


def events(logs: list[dict[str, object]], name: str) -> list[dict[str, object]]:
    return [entry for entry in logs if entry["event"] == name]


async def test_a_fresh_database_gets_the_contractors_and_routes(
        empty_database_url: str) -> None:
    config = config_of(empty_database_url)
    with capture_logs() as logs:
        await prepare(config)
    assert await codes_in(empty_database_url) == SHIPPED
    [imported] = events(logs, "contractors_imported")
    assert imported["added"] == len(SHIPPED)
    db = Database(empty_database_url)
    try:
        routing_services = build_routing(config, db)  # the shipped rules, as serve loads them
        routing_services.appeal_router.clock = lambda: KYIV_DAY
        appeal_id = await registered_appeal(db, category="water_none",
                                            address="вул. Галицька, 5", at=KYIV_DAY)
        routed = await routing_services.appeal_router.appeal_registered(appeal_id)
    finally:
        await db.close()
    assert routed.decision is not None
    assert (routed.decision.contractor, routed.decision.priority) == ("vodokanal", "emergency")
    assert not routed.decision.fallback


async def test_contractors_already_there_are_left_alone(database_url: str) -> None:
    db = Database(database_url)
    try:
        await SqlContractorStore(db).upsert([Contractor(
            code="vodokanal", name="Наш водоканал", kind="utility", channels=("email",),
            email="ours@vodokanal.example.org")], at=KYIV_DAY)
    finally:
        await db.close()
    with capture_logs() as logs:
        await main.prepare(config_of(database_url))  # what serve, web and demo run
    assert await codes_in(database_url) == {"vodokanal"}
    assert events(logs, "contractors_imported") == []


async def test_a_second_start_imports_nothing_more(database_url: str) -> None:
    config = config_of(database_url)
    await prepare(config)
    with capture_logs() as logs:
        await prepare(config)
    assert await codes_in(database_url) == SHIPPED
    assert events(logs, "contractors_imported") == []


async def test_a_bad_contractors_file_is_logged_and_start_up_goes_on(
        database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "contractors.toml"
    bad.write_text('[[contractors]]\ncode = "BAD CODE"\n', encoding="utf-8")
    with capture_logs() as logs:
        await prepare(config_of(database_url, str(bad)))
    [problem] = events(logs, "contractors_not_imported")
    assert problem["log_level"] == "error" and "BAD CODE" in str(problem["problems"])
    assert await codes_in(database_url) == set()


async def test_routing_without_contractors_says_why(database_url: str) -> None:
    db = Database(database_url)
    try:
        appeal_router = build_routing(config_of(database_url), db).appeal_router
        appeal_id = await registered_appeal(db, category="water_none", address="Галицька 5")
        with pytest.raises(CoordinatorMissing, match="'vodokanal' is unavailable and the "
                                                     "coordinator 'hotline-coordinator'"):
            await appeal_router.appeal_registered(appeal_id)
        with capture_logs() as logs:
            assert await appeal_router.route_registered() == 0
    finally:
        await db.close()
    [failed] = events(logs, "routing_failed")
    assert failed["log_level"] == "warning" and "exc_info" not in failed
    assert "callcenter contractors import" in str(failed["reason"])


async def test_the_operators_save_logs_a_warning_not_a_traceback(web: WebRig) -> None:
    """No contractors imported (the rig does not run start-up): the save succeeds, the
    appeal stays registered, and the log says why in one line."""
    async with web.client(await web.token("olena", "operator", seat="PJSIP/op1001")) as client:
        with capture_logs() as logs:
            view = await completed(web, client, GAS)
    assert view["status"] == "registered"
    [failed] = events(logs, "routing_after_registration_failed")
    assert failed["log_level"] == "warning" and "exc_info" not in failed
    assert failed["error_id"] == "contractor_not_found"
    assert "'gas' is unavailable" in str(failed["reason"])
