"""Residents' personal data on both databases: the retention purge anonymizes what is due and
nothing under legal hold, keeps what the reports need, logs its counts; a resident's request
to see or erase is served by number and phone from the CLI."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from structlog.testing import capture_logs

from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.calls.tables import Call
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.recordings.tables import Recording
from callcenter.residents.wiring import build_privacy
from tests.integration.residents_rig import Residents, residents

NOW = datetime.now(UTC)
LONG_AGO = NOW - timedelta(days=6 * 366)
LAST_YEAR = NOW - timedelta(days=365)


@dataclass
class Ran:
    code: int
    out: str
    err: str


async def run_cli(argv: list[str]) -> Ran:
    """The command as cron or a clerk runs it: a process of its own."""
    done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "callcenter", *argv],
                                   capture_output=True, text=True, timeout=120, check=False)
    return Ran(done.returncode, done.stdout, done.stderr)


@pytest.fixture
async def city(database_url: str, tmp_path: Path) -> AsyncIterator[Residents]:
    async with residents(database_url, tmp_path, sms_url="http://127.0.0.1:9/sms") as made:
        yield made


async def closed(city: Residents, number: str, at: datetime) -> None:
    async with city.web.db.transaction() as session:
        await session.execute(update(Appeal).where(Appeal.number == number).values(
            status="closed", updated_at=at, contact_email="olena@example.org",
            answer="Зроблено. Питання — на olena@example.org або 0671234567"))
        appeal_id = await session.scalar(select(Appeal.id).where(Appeal.number == number))
        session.add(AppealHistory(appeal_id=appeal_id, at=at, actor="sup", action="closed",
                                  from_status="done", to_status="closed",
                                  comment="мешканка (067) 123-45-67 задоволена"))


async def hold_recording(city: Residents, number: str) -> None:
    async with city.web.db.transaction() as session:
        appeal = await session.scalar(select(Appeal).where(Appeal.number == number))
        assert appeal is not None and appeal.call_id is not None
        session.add(Recording(id="r" * 32, call_id=appeal.call_id, appeal_id=None,
                              announced_path="/x.wav", state="stored", legal_hold=True,
                              next_attempt_at=NOW, created_at=NOW, updated_at=NOW))


async def test_the_purge_anonymizes_what_is_due_and_keeps_what_reports_need(
        city: Residents) -> None:
    old, held, recent = [await city.call_and_save(phone) for phone in (
        "+380671234567", "+380501234567", "+380931234567")]
    for number, at in ((old, LONG_AGO), (held, LONG_AGO), (recent, LAST_YEAR)):
        await closed(city, number, at)
    await hold_recording(city, held)
    privacy = build_privacy(city.web.config, city.web.db)

    with capture_logs() as logs:
        dry = await privacy.purge(dry_run=True)
    assert (dry.due, dry.held, dry.anonymized, dry.numbers) == (2, 1, 0, (old,))
    assert (await city.appeal(old)).caller == "+380671234567"  # a dry run changes nothing
    assert next(e for e in logs if e["event"] == "privacy_purge")["due"] == 2

    report = await privacy.purge()
    assert (report.due, report.held, report.anonymized, report.numbers) == (2, 1, 1, (old,))
    again = await privacy.purge()
    assert (again.due, again.anonymized) == (1, 0)  # only the held one, still kept

    gone = await city.appeal(old)
    assert (gone.caller, gone.caller_name, gone.contact_name, gone.contact_phone,
            gone.contact_email, gone.flat) == (None,) * 6
    assert (gone.category, gone.street, gone.house, gone.status) == (
        "roof_leak", "вулиця Галицька", "3", "closed")
    assert gone.address == "вул. Галицька, 3"
    assert gone.description == "Тече дах, дзвоніть [телефон]"
    assert gone.answer == "Зроблено. Питання — на [e-mail] або [телефон]"
    assert gone.opened_at is not None and gone.search_phone == "" and gone.search_name == ""
    history = await city.history(old)
    assert history[-1].action == "anonymized"
    assert not any("123-45-67" in h.comment for h in history)
    async with city.web.db.reading() as session:
        caller = await session.scalar(select(Call.caller).where(Call.id == gone.call_id))
        messages = (await session.scalars(select(OutboxMessageRow).where(
            OutboxMessageRow.appeal_id == gone.id))).all()
    assert caller is None
    sms = [m for m in messages if m.channel == "sms"]
    assert sms and all(m.state == "cancelled" and "4567" not in m.payload for m in sms)
    assert all("671234567" not in m.payload for m in messages if m.state != "pending")
    kept = await city.appeal(held)
    assert kept.caller == "+380501234567" and kept.flat == "17"
    assert (await city.appeal(recent)).caller == "+380931234567"


async def test_a_resident_sees_and_erases_their_data_from_the_cli(city: Residents) -> None:
    number = await city.call_and_save("+380671234567")
    url = city.web.config.database.url
    base = ["--database", url, "privacy"]

    other = await run_cli([*base, "show", number, "--phone", "0671234560"])  # not theirs
    assert (other.code, "no appeal" in other.err) == (1, True)
    show = await run_cli([*base, "show", number, "--phone", "067 123 45 67", "--json"])
    assert show.code == 0, show.err
    shown = json.loads(show.out)
    assert (shown["number"], shown["caller"], shown["anonymized"], shown["held"]) == (
        number, "+380671234567", False, False)
    assert shown["address"] == "вул. Галицька, 3, кв. 17"

    erase = await run_cli([*base, "erase", number, "--phone", "+380671234567",
                           "--actor", "clerk"])
    assert (erase.code, "removed" in erase.out) == (0, True), erase.err
    erased = await city.appeal(number)
    assert (erased.caller, erased.flat, erased.status) == (None, None, "assigned")
    assert (await city.history(number))[-1].actor == "clerk"
    assert (await run_cli([*base, "show", number, "--phone", "+380671234567"])).code == 1


async def test_the_cli_purge_and_a_held_appeal_refused_erasure(city: Residents) -> None:
    number = await city.call_and_save("+380671234567")
    await closed(city, number, LONG_AGO)
    await hold_recording(city, number)
    base = ["--database", city.web.config.database.url, "privacy"]
    purge = await run_cli([*base, "purge", "--dry-run"])
    assert purge.code == 0, purge.err
    assert "1 due, 1 under legal hold (kept), would anonymize 0" in purge.out
    assert '"privacy_purge"' in purge.err or "privacy_purge" in purge.err  # the run's log
    erase = await run_cli([*base, "erase", number, "--phone", "+380671234567"])
    assert (erase.code, "legal hold" in erase.err) == (1, True)
    assert (await city.appeal(number)).caller == "+380671234567"
