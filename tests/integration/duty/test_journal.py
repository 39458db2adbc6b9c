"""The shift journal: written by operators and supervisors, a signal e-mailed to the city's
leadership, and append-only: attacked through the API (no way to change or delete; a
correction is a new entry) and in SQL on both engines (triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from callcenter.core.database import make_engine
from callcenter.duty.service import DutyDesk
from callcenter.duty.store import SqlDutyStore
from callcenter.duty.tables import APPEND_ONLY
from tests.integration.duty_rig import SETTINGS, Clock, desk_on, duty_mail
from tests.web_rig import WebRig


def with_signal_list(web: WebRig) -> None:
    web.app.state.duty = DutyDesk(SqlDutyStore(web.db), SETTINGS)


async def test_operators_write_and_a_signal_goes_to_the_leadership(web: WebRig) -> None:
    with_signal_list(web)
    async with web.client(await web.token("olena", "operator", seat="PJSIP/op1001")) as op:
        made = await op.post("/api/duty/entries", json={
            "kind": "camera", "text": "Камера 12: затор на вул. Незалежності"})
        signal = await op.post("/api/duty/entries", json={
            "kind": "signal", "text": "Сигнал «Повітряна тривога» о 10:15"})
        listed = await op.get("/api/duty/entries")
    assert made.status_code == signal.status_code == 201, made.text
    assert [e["kind"] for e in listed.json()] == ["camera", "signal"]
    mail = await duty_mail(web.db)
    assert sorted(m["to"] for m in mail) == ["deputy@city.example", "dsns@city.example",
                                             "mayor@city.example"]
    assert all("Повітряна тривога" in m["text"] for m in mail)
    async with web.client(await web.token("ivan", "contractor")) as contractor:
        assert (await contractor.post("/api/duty/entries", json={
            "kind": "camera", "text": "x"})).status_code == 403


async def test_the_api_has_no_way_to_change_or_delete_an_entry(web: WebRig) -> None:
    async with web.client(await web.token("maria", "supervisor")) as sup:
        first = (await sup.post("/api/duty/entries", json={
            "kind": "reported", "text": "Доповіли першому заступнику"})).json()
        for method in ("PUT", "PATCH", "DELETE"):
            for path in (f"/api/duty/entries/{first['id']}", "/api/duty/entries"):
                answer = await sup.request(method, path, json={"text": "змінено"})
                assert answer.status_code in (404, 405), (method, path, answer.status_code)
        fixed = await sup.post("/api/duty/entries", json={
            "kind": "reported", "text": "Доповіли міському голові", "corrects": first["id"]})
        stray = await sup.post("/api/duty/entries", json={
            "kind": "reported", "text": "x", "corrects": 999999})
        empty = await sup.post("/api/duty/entries", json={"kind": "reported", "text": "  "})
        entries = (await sup.get("/api/duty/entries")).json()
    assert fixed.status_code == 201 and fixed.json()["corrects"] == first["id"]
    assert stray.status_code == empty.status_code == 422
    assert [(e["text"], e["corrects"]) for e in entries] == [
        ("Доповіли першому заступнику", None), ("Доповіли міському голові", first["id"])]


@pytest.mark.parametrize("table", APPEND_ONLY)
async def test_sql_cannot_change_or_delete_the_journal(database_url: str, table: str) -> None:
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    seed = {
        "duty_entries": ("INSERT INTO duty_entries (id, kind, text, author_id, author, at) "
                         "VALUES (1, 'camera', 'a', 1, 'x', :now)"),
        "duty_checks": ("INSERT INTO duty_checks (id, result, remarks, checked_by_id, "
                        "checked_by, at) VALUES (1, 'ok', '', 1, 'x', :now)"),
        "duty_handovers": ("INSERT INTO duty_handovers (id, follows, summary, handed_by_id, "
                           "handed_by, handed_at) VALUES (1, 0, 's', 1, 'x', :now)"),
        "duty_handover_acks": ("INSERT INTO duty_handover_acks (handover_id, accepted_by_id, "
                               "accepted_by, accepted_at) VALUES (1, 2, 'y', :now)"),
        "duty_assignment_notes": ("INSERT INTO duty_assignment_notes (id, assignment_id, "
                                  "text, status, author, at) VALUES (1, 1, 'n', '', 'x', :now)"),
    }
    setup = [seed["duty_handovers"]] if table == "duty_handover_acks" else []
    if table == "duty_assignment_notes":
        setup = ["INSERT INTO duty_assignments (id, text, meeting_date, owner, owner_email, "
                 "deadline, status, created_by, created_at) VALUES (1, 't', '2026-12-01', "
                 "'o', '', '2026-12-10', 'open', 'x', :now)"]
    key = "handover_id" if table == "duty_handover_acks" else "id"
    try:
        async with engine.begin() as connection:
            for statement in (*setup, seed[table]):
                await connection.execute(text(statement), {"now": now})
        for attack in (f"UPDATE {table} SET {key} = {key}", f"DELETE FROM {table}"):
            with pytest.raises((DBAPIError, IntegrityError), match="append-only"):
                async with engine.begin() as connection:
                    await connection.execute(text(attack))
        async with engine.connect() as connection:
            assert (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_the_checks_of_a_day_through_the_api(web: WebRig) -> None:
    clock = Clock(datetime(2026, 10, 25, 12, 10, tzinfo=UTC))  # 14:10 EET, the autumn change
    desk = web.app.state.duty = desk_on(web.db, clock)
    assert await desk.sweep_check("08:00", datetime(2026, 10, 25, 6, 30, tzinfo=UTC))
    async with web.client(await web.token("olena", "operator", seat="PJSIP/op1001")) as op:
        logged = await op.post("/api/duty/checks", json={"result": "fault",
                                                        "remarks": "Гучномовець №3 мовчить"})
        day = await op.get("/api/duty/checks")
        bad = await op.post("/api/duty/checks", json={"result": "maybe"})
    assert logged.status_code == 201 and bad.status_code == 422
    assert [(s["at"], s["missed"], s["alarmed"], (s["check"] or {}).get("id"))
            for s in day.json()] == [("08:00", True, True, None),
                                     ("14:00", False, False, logged.json()["id"]),
                                     ("20:00", False, False, None)]
