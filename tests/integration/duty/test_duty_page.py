"""The duty desk's page in Chromium at 1366x768: a supervisor logs a check, writes and
corrects a journal entry, hands the shift over; all in Ukrainian, nothing wider than the
screen, the alarm of a missed check in sight."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from callcenter.duty.model import check_slot
from callcenter.duty.service import DutyDesk
from tests.integration.browser import chromium, sign_in
from tests.web_rig import LiveWeb, WebRig

SCREEN = {"width": 1366, "height": 768}


async def test_the_duty_page_at_1366(live_web: LiveWeb, tmp_path: Path) -> None:
    await live_web.rig.user("maria", "supervisor")
    desk: DutyDesk = live_web.rig.app.state.duty
    missed = check_slot(desk.today(), "08:00", 30, desk.zone)
    await desk.store.raise_alarm(missed, datetime.now(UTC), [])
    async with chromium(tmp_path / "profile") as browser:
        page = await browser.new_page()
        await page.set_viewport_size(SCREEN)
        await sign_in(page, live_web, "maria", "/duty")
        await page.select_option("#check-form select[name=result]", "fault")
        await page.fill("#check-form input[name=remarks]", "Гучномовець №3 мовчить")
        await page.click("#check-form button[type=submit]")
        await page.wait_for_url("**/duty")
        await page.select_option("#entry-form select[name=kind]", "camera")
        await page.fill("#entry-form textarea[name=text]", "Камера 7: скупчення людей")
        await page.click("#entry-form button[type=submit]")
        await page.wait_for_url("**/duty")
        first = await page.get_attribute("#entries tbody tr", "data-entry")
        await page.fill("#entry-form input[name=corrects]", str(first))
        await page.fill("#entry-form textarea[name=text]", "Камера 8: скупчення людей")
        await page.click("#entry-form button[type=submit]")
        await page.wait_for_url("**/duty")
        await page.fill("#handover-form textarea[name=summary]", "Зміна без пригод")
        await page.click("#handover-form button[type=submit]")
        await page.wait_for_url("**/duty")
        body = await page.inner_text("body")
        await page.screenshot(path=str(tmp_path / "duty-1366.png"))
        await page.screenshot(path=str(tmp_path / "duty-full.png"), full_page=True)
        wide = await page.evaluate("document.documentElement.scrollWidth")
    assert "Журнал зміни" in body and "Камера 8: скупчення людей" in body
    assert f"виправляє № {first}" in body
    assert "не зареєстровано вчасно" in body  # the alarm
    assert "Гучномовець №3 мовчить" in body or "поза графіком" in body or "Несправність" in body
    assert "Зміна без пригод" in body and "Я приймаю зміну" not in body  # own handover
    assert wide <= SCREEN["width"]


async def test_the_supervisors_board_shows_a_missed_check(web: WebRig) -> None:
    desk: DutyDesk = web.app.state.duty
    async with web.client(await web.token("maria", "supervisor")) as sup:
        quiet = await sup.get("/supervisor/board")
        await desk.store.raise_alarm(check_slot(desk.today(), "14:00", 30, desk.zone),
                                     datetime.now(UTC), [])
        loud = await sup.get("/supervisor/board")
    assert quiet.status_code == loud.status_code == 200
    assert "duty-alarms" not in quiet.text
    assert "Перевірку системи оповіщення о 14:00" in loud.text and 'href="/duty"' in loud.text


async def test_the_forms_refuse_bad_input_without_a_server_error(web: WebRig) -> None:
    async with web.client(await web.token("maria", "supervisor")) as sup:
        answers = [
            await sup.post("/duty/entries", data={"kind": "gossip", "text": "x"}),
            await sup.post("/duty/entries", data={"kind": "camera", "text": "x",
                                                  "corrects": str(2**64)}),
            await sup.post("/duty/assignments/99999999999999999999/notes", data={"text": "x"}),
            await sup.post("/duty/assignments/5/notes", data={"text": "x"}),
            await sup.post("/duty/handovers/accept", data={"handover": "7"}),
            await sup.get("/duty/export?since=2026-12-07&until=2026-12-01"),
            await sup.get("/duty/export?since=0001-01-01&until=2026-12-01"),
        ]
    assert [a.status_code for a in answers] == [422, 422, 422, 422, 422, 422, 422]
    assert "Деякі поля заповнено неправильно" in answers[0].text  # the page, with the error


async def test_the_page_exports_a_period(web: WebRig) -> None:
    desk: DutyDesk = web.app.state.duty
    day = desk.today().isoformat()
    async with web.client(await web.token("olena", "operator", seat="PJSIP/op1001")) as op:
        await op.post("/api/duty/entries", json={"kind": "information",
                                                 "text": "Надійшло штормове попередження"})
        pdf = await op.get(f"/duty/export?since={day}&until={day}&format=pdf")
        xlsx = await op.get(f"/duty/export?since={day}&until={day}&format=xlsx")
    assert pdf.status_code == xlsx.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert f'duty-journal-{day}-{day}.xlsx' in xlsx.headers["content-disposition"]
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "Надійшло штормове попередження" in text
