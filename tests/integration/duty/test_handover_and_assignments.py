"""Handing the shift over (once; accepted once, by someone else), the mayor's assignments
(reminders before the deadline once, through the scheduler; the overdue list), and the
export of a period as PDF (Cyrillic text read back) and XLSX."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from callcenter.core import config as configuration
from callcenter.core.database import Database
from callcenter.core.scheduler import Scheduler
from callcenter.duty.model import HandoverRefused, weekly_note
from callcenter.duty.pages import export
from callcenter.duty.wiring import schedule
from tests.integration.duty_rig import OLENA, Clock, desk_on, duty_mail
from tests.web_rig import WebRig


async def test_a_shift_is_handed_over_once_and_accepted_once(web: WebRig) -> None:
    async with web.client(await web.token("maria", "supervisor")) as outgoing, \
            web.client(await web.token("taras", "supervisor")) as incoming:
        first = await outgoing.post("/api/duty/handovers", json={
            "summary": "Зміна спокійна; камера 4 не працює, заявку подано."})
        twice = await outgoing.post("/api/duty/handovers", json={"summary": "ще раз"})
        own = await outgoing.post(f"/api/duty/handovers/{first.json()['id']}/accept")
        accepted = await incoming.post(f"/api/duty/handovers/{first.json()['id']}/accept")
        again = await incoming.post(f"/api/duty/handovers/{first.json()['id']}/accept")
        missing = await incoming.post("/api/duty/handovers/99999/accept")
        nxt = await incoming.post("/api/duty/handovers", json={"summary": "Наступна зміна"})
    async with web.client(await web.token("olena", "operator", seat="PJSIP/op1001")) as op:
        operator = await op.post("/api/duty/handovers", json={"summary": "x"})
    assert first.status_code == 201, first.text
    assert twice.status_code == 409 and twice.json()["error_id"] == "duty_handover_refused"
    assert own.status_code == 409
    assert accepted.status_code == 200 and accepted.json()["accepted_by"]
    assert again.status_code == 409
    assert missing.status_code == 422
    assert nxt.status_code == 201
    assert operator.status_code == 403


async def test_two_handovers_of_one_shift_racing_one_wins(database_url: str) -> None:
    db = Database(database_url)
    try:
        clock = Clock(datetime(2026, 6, 1, 5, tzinfo=UTC))
        desk = desk_on(db, clock)
        latest = await desk.latest_handover()
        assert latest is None
        await desk.store.hand_over(0, "перша", 1, "a", clock.at)
        with pytest.raises(HandoverRefused):  # the unique `follows`: the database refuses
            await desk.store.hand_over(0, "друга", 2, "b", clock.at)
    finally:
        await db.close()


async def test_assignments_are_reminded_once_and_listed_overdue(database_url: str) -> None:
    db = Database(database_url)
    try:
        clock = Clock(datetime(2026, 6, 1, 5, tzinfo=UTC))  # 08:00 Kyiv, Monday
        desk = desk_on(db, clock)
        soon = await desk.add_assignment(OLENA, "Підготувати довідку про аварії водогону",
                                         date(2026, 5, 29), "Олена Коваль", date(2026, 6, 3),
                                         "olena@city.example")
        late = await desk.add_assignment(OLENA, "Оновити графік чергувань", date(2026, 5, 22),
                                         "Петро Бондар", date(2026, 5, 29))
        later = await desk.add_assignment(OLENA, "Звіт за квартал", date(2026, 5, 29),
                                          "Петро Бондар", date(2026, 6, 30))
        await desk.add_note(OLENA, later.id, "Зібрано дані", "in_work")
        scheduler = Scheduler(db, now=clock)
        schedule(configuration.load(environ={}), scheduler, desk)
        for _ in range(3):  # 08:00, 09:00 (the reminders), 10:00
            await scheduler.tick()
            clock.move(hours=1)
        mail = [m for m in await duty_mail(db) if m["event"] == "duty.assignment_due"]
        assert [m["to"] for m in mail] == ["olena@city.example"]
        assert "03.06.2026" in mail[0]["subject"]
        assert [a.id for a in await desk.overdue()] == [late.id]
        assignments = await desk.assignments()
        assert {a.id: a.status.value for a in assignments} == {
            soon.id: "open", late.id: "open", later.id: "in_work"}
        note = weekly_note(assignments, desk.today())
        assert "Прострочені: 1" in note and "Оновити графік чергувань" in note
    finally:
        await db.close()


async def test_a_period_exports_as_pdf_and_xlsx_in_ukrainian(database_url: str) -> None:
    db = Database(database_url)
    try:
        clock = Clock(datetime(2026, 3, 29, 6, tzinfo=UTC))  # 09:00 EEST, the change day
        desk = desk_on(db, clock)
        await desk.write(OLENA, "emergency", "Прорив водогону на вул. Галицькій, 12; "
                                             "викликано аварійну бригаду")
        await desk.log_check(OLENA, "fault", "Гучномовець №3 мовчить")
        period = await desk.period(datetime(2026, 3, 28, 22, tzinfo=UTC),
                                   datetime(2026, 3, 29, 21, tzinfo=UTC))
        text = "".join(p.extract_text() for p in PdfReader(
            io.BytesIO(export.pdf(period, desk.zone))).pages)
        assert "Прорив водогону на вул. Галицькій" in " ".join(text.split())
        assert "Несправність" in text and "29.03.2026 09:00" in text
        book = load_workbook(io.BytesIO(export.xlsx(period, desk.zone)))
        journal = [[c.value for c in row] for row in book["Журнал"].iter_rows()]
        assert journal[0][:3] == ["№", "Час", "Вид запису"]
        assert journal[1][2] == "Надзвичайна подія" and "Галицькій" in journal[1][3]
        assert book["Перевірки"]["C2"].value == "Несправність"
    finally:
        await db.close()
