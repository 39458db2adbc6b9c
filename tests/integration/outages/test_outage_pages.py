"""The outage register on the web: staff enter and close outages, contractors through their
API (only their own), a sheet with broken rows imports nothing, the public pages and feeds."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
from icalendar import Calendar
from openpyxl import Workbook

from tests.integration.portal_rig import residents_web
from tests.web_rig import PASSWORD

SOON = (datetime.now(UTC) + timedelta(hours=2)).astimezone().strftime("%Y-%m-%dT%H:%M")
NEW = {"utility": "water", "kind": "emergency",
       "places": "вул. Радянська: 1-15 непарні, 20\nмікрорайон Каскад",
       "start": "2026-01-05T09:00", "expected_end": "2099-01-05T17:00",
       "note": "Підвезення води", "internal_note": "Бригада 3", "contractor": "vodokanal"}


def sheet(rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    page = book.active
    assert page is not None
    for row in rows:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_staff_register_resolve_and_the_public_sees_it(database_url: str,
                                                             tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        token = await rig.web.token("sofia", "supervisor")
        async with rig.web.client(token) as staff, rig.web.client() as anyone:
            bad = await staff.post("/outages", data={**NEW, "places": "Неіснуюча: 1-3"})
            made = await staff.post("/outages", data=NEW)
            assert made.status_code == 303, made.text[-1500:]
            page = made.headers["location"]
            one = await staff.get(page)
            check = await anyone.get("/api/outages/check",
                                     params={"address": "Незалежності 15"})
            miss = await anyone.get("/api/outages/check",
                                    params={"address": "Незалежності 16"})
            public = await anyone.get("/vidkliuchennia")
            public_one = await anyone.get(page.replace("/outages", "/vidkliuchennia"))
            closed = await staff.post(page + "/status", data={"status": "resolved",
                                                              "comment": "Відновили"})
            after = await staff.get(page)
            anon = await anyone.get("/outages")
    assert bad.status_code == 422 and "Неіснуюча" in bad.text
    assert "вул. Незалежності: 1-15 непарні, 20" in one.text  # the former name resolved
    assert "вул. Дністровська, вул. Євгена Коновальця (вулиці повністю)" in one.text  # district
    assert '<span id="contractor">vodokanal</span>' in one.text
    assert [h["when"] for h in check.json()] == ["now"] and miss.json() == []
    assert public.status_code == 200 and "Аварійне відключення водопостачання" in public.text
    assert "Бригада 3" not in public.text and "Бригада 3" not in public_one.text
    assert "Підвезення води" in public_one.text
    assert closed.status_code == 303 and "Відновили" in after.text and 'id="resolve"' not in \
        after.text
    assert anon.status_code in (303, 401)


async def test_contractors_report_their_own(database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        water = await rig.web.token("vodokanal", "contractor")
        await rig.web.user("teplo", "contractor", contractor="teplo")
        signed = await rig.web.auth.sign_in(username="teplo", password=PASSWORD, kind="bearer")
        heat = signed.token
        body = {"utility": "water", "kind": "planned", "places": "Шевченка",
                "starts_at": "2099-03-29T02:30:00+03:00", "note": "Заміна засувки"}
        async with rig.web.client(water) as mine, rig.web.client(heat) as other:
            made = await mine.post("/api/contractor/outages", json=body)
            outage = made.json()
            listed = await mine.get("/api/contractor/outages")
            theirs = await other.get("/api/contractor/outages")
            foreign = await other.post(f"/api/contractor/outages/{outage['id']}/status",
                                       json={"status": "cancelled"})
            cancel = await mine.post(f"/api/contractor/outages/{outage['id']}/status",
                                     json={"status": "cancelled", "comment": "Перенесено"})
    assert made.status_code == 201, made.text
    assert outage["status"] == "planned" and outage["addresses"] == ["вул. Шевченка (уся вулиця)"]
    assert [o["id"] for o in listed.json()] == [outage["id"]] and theirs.json() == []
    assert foreign.status_code == 404 and "outage_not_found" in foreign.text
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"


async def test_a_sheet_with_broken_rows_imports_nothing(database_url: str,
                                                        tmp_path: Path) -> None:
    header = ["Послуга", "Вид", "Вулиця", "Будинки", "Початок", "Орієнтовне завершення",
              "Примітка"]
    good = ["water", "planned", "Незалежності", "2-40 парні", "2099-12-07 09:00",
            "2099-12-07 17:00", "Ремонт"]
    broken = [header, good,
              ["steam", "planned", "Незалежності", "1-5", "2099-12-07 09:00", "", ""],
              ["gas", "аварійне", "Нема такої", "1-5", "2099-12-07 09:00", "", ""],
              ["gas", "planned", "Шевченка", "9-3", "2099-12-07 09:00", "", ""],
              ["power", "planned", "Шевченка", "", "2099-03-29 03:30", "", ""],
              ["power", "planned", "Шевченка", "", "2099-12-07 09:00", "2099-12-07 08:00", ""]]
    async with residents_web(database_url, tmp_path) as rig:
        token = await rig.web.token("olena", "operator")
        async with rig.web.client(token) as staff:
            refused = await staff.post("/outages/upload", files={
                "sheet": ("day.xlsx", sheet(broken), "application/octet-stream")})
            empty = await staff.get("/api/outages")
            template = await staff.get("/outages/template.csv")
            taken = await staff.post("/outages/upload", files={
                "sheet": ("day.csv", template.content, "text/csv")})
            xlsx = await staff.post("/outages/upload", files={
                "sheet": ("day.xlsx", sheet([header, good]), "application/octet-stream")})
            listed = await staff.get("/api/outages")
    assert refused.status_code == 422
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\w+)</td>", refused.text)
    assert rows == [("3", "utility"), ("4", "street"), ("5", "houses"), ("6", "start"),
                    ("7", "expected_end")], refused.text[-3000:]
    assert empty.json() == []
    assert taken.status_code == 200 and xlsx.status_code == 200, taken.text[-2000:]
    assert len(listed.json()) == 2


async def test_feeds_are_valid_and_stable(database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        token = await rig.web.token("sofia", "supervisor")
        async with rig.web.client(token) as staff, rig.web.client() as anyone:
            for street in ("Незалежності: 1-9", "Шевченка"):
                made = await staff.post("/outages", data={**NEW, "places": street})
                assert made.status_code == 303
            first = await anyone.get("/vidkliuchennia/feed.atom")
            second = await anyone.get("/vidkliuchennia/feed.atom")
            ics = await anyone.get("/vidkliuchennia/calendar.ics")
            ics_again = await anyone.get("/vidkliuchennia/calendar.ics")
    assert first.content == second.content and ics.content == ics_again.content
    feed = feedparser.parse(first.content)
    assert not feed.bozo, feed.bozo_exception
    ids = [e.id for e in feed.entries]
    assert len(ids) == 2 and len(set(ids)) == 2 and all(i.startswith("tag:") for i in ids)
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == sorted(
        f"outage-{i.rsplit('/', 1)[1]}@1580.hotline" for i in ids)


async def test_a_refused_edit_keeps_what_was_typed_and_a_missing_outage_is_404(
        database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        token = await rig.web.token("sofia", "supervisor")
        async with rig.web.client(token) as staff:
            made = await staff.post("/outages", data=NEW)
            page = made.headers["location"]
            typed = {**NEW, "places": "вул. Радянська: 1-15 непарні\nНеіснуюча вулиця: 3",
                     "note": "Підвезення води о 14:00, цистерна біля школи"}
            refused = await staff.post(page, data=typed)
            missing = await staff.get("/outages/999999")
            moved_twice = [await staff.post(page + "/status", data={"status": "cancelled"})
                           for _ in range(2)]
            after = await staff.get(page)
    assert refused.status_code == 422
    assert "Неіснуюча вулиця: 3" in refused.text  # the form shows what was typed ...
    assert "цистерна біля школи" in refused.text  # ... not the stored outage
    assert missing.status_code == 404 and "Такого відключення немає" in missing.text
    assert moved_twice[0].status_code == 303 and moved_twice[1].status_code == 409
    assert "зареєстровано" in after.text and "змінено стан" in after.text
