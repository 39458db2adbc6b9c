"""The morning digests sent, read back on the desk's pages: the real 08:00 job on two past
days, a real worker delivering the first day's to a real SMTP server that refuses one
address, then the list (newest first, each recipient's delivery in words), a day in full as
the e-mail carried it, a day never sent or not a day at all answered by the not-found page,
and a page of older days."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.core.scheduler import Scheduler
from callcenter.outages import wiring
from callcenter.outages.service.digests import DigestArchive
from callcenter.outages.store.digests import SqlDigestArchive
from callcenter.reference.service import load_reference
from callcenter.routing.wiring import build_worker
from tests.integration.loopback_servers import SmtpSink
from tests.integration.portal_rig import residents_web
from tests.integration.routing_web import routing_services_of
from tests.web_rig import WebRig

KYIV = ZoneInfo("Europe/Kyiv")
MAYOR, DEPUTY = "mayor@if.example.org", "deputy@if.example.org"
PRE = re.compile(r'<pre class="post" id="digest-text">(.*?)</pre>', re.S)


class RefusingSink(SmtpSink):
    """The SMTP sink refusing one mailbox, as a mail server does for an address it lacks."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address == self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def digest_job(db: Database, day: date) -> None:
    """The scheduler's 08:00 run on `day`, as `callcenter worker` registers it."""
    config = Config()
    config = config.replace(outages=dataclasses.replace(config.outages,
                                                        digest_emails=(MAYOR, DEPUTY)))
    eight = datetime.combine(day, datetime.min.time().replace(hour=8), KYIV).astimezone(UTC)
    scheduler = Scheduler(db, now=lambda: eight + timedelta(seconds=20))
    wiring.schedule(config, scheduler, load_reference(config.reference).streets)
    await scheduler.tick()


async def deliver(web: WebRig, smtp: SmtpSink) -> None:
    """One pass of a real outbox worker; one attempt only, so a refusal is final."""
    config = web.config.replace(
        smtp=dataclasses.replace(web.config.smtp, host="127.0.0.1", port=smtp.port, timeout=5),
        outbox=dataclasses.replace(web.config.outbox, max_attempts=1))
    worker = build_worker(config, name="test", routing_services=routing_services_of(web))
    try:
        await worker.workers[0].run_once()
    finally:
        await worker.close()


def row_of(page: str, day: date) -> str:
    found = re.search(rf'<tr data-day="{day.isoformat()}">(.*?)</tr>', page, re.S)
    assert found, page[-2000:]
    return found.group(1)


def states(fragment: str) -> dict[str, str]:
    return dict(re.findall(r'data-recipient="([^"]+)">.*?<span class="badge \w+">([^<]+)</span>',
                           fragment, re.S))


async def test_past_digests_on_the_desk_s_pages(database_url: str, tmp_path: Path) -> None:
    today = datetime.now(KYIV).date()
    first, second = today - timedelta(days=2), today - timedelta(days=1)
    async with residents_web(database_url, tmp_path) as rig:
        web = rig.web
        async with web.client(await web.token("sofia", "supervisor")) as staff:
            made = await staff.post("/outages", data={
                "utility": "water", "kind": "emergency", "places": "вул. Галицька: 1-15 непарні",
                "start": f"{first - timedelta(days=1)}T09:00", "expected_end": "",
                "note": "", "internal_note": "Бригада 3", "contractor": "vodokanal"})
            assert made.status_code == 303, made.text[-800:]
        await digest_job(web.db, first)
        smtp = RefusingSink(DEPUTY)
        smtp.start()
        try:
            await deliver(web, smtp)
        finally:
            smtp.stop()
        await digest_job(web.db, second)  # not delivered yet
        async with web.client(await web.token("sofia", "supervisor")) as staff, \
                web.client(await web.token("olena", "operator")) as operator, \
                web.client(await web.token("voda", "contractor")) as contractor:
            listing = await staff.get("/outages/digests")
            one = await staff.get(f"/outages/digests/{first}")
            older = await staff.get(f"/outages/digests?before={second}")
            missing = [await staff.get(f"/outages/digests/{path}") for path in (
                today + timedelta(days=30), "2026-13-45", "вчора", "1")]
            by_operator = await operator.get("/outages/digests")
            by_contractor = await contractor.get("/outages/digests", follow_redirects=False)
            outages = await staff.get("/outages")
        archive = DigestArchive(SqlDigestArchive(web.db), "Europe/Kyiv", days=1)
        latest = await archive.recent()  # today: none; the link leads to yesterday's
        assert latest.digests == () and latest.older == second + timedelta(days=1)
        step = await archive.recent(latest.older)
        assert [d.day for d in step.digests] == [second]
        assert step.older == first + timedelta(days=1)
    [mail] = smtp.messages
    assert mail["To"] == MAYOR
    assert listing.status_code == 200 and by_operator.status_code == 200
    assert by_contractor.status_code in (303, 403)
    assert listing.text.index(f'data-day="{second}"') < listing.text.index(f'data-day="{first}"')
    assert first.strftime("%d.%m.%Y") in row_of(listing.text, first)
    assert f"1580: відключення на {first.strftime('%d.%m.%Y')}" in row_of(listing.text, first)
    assert states(row_of(listing.text, first)) == {MAYOR: "доставлено", DEPUTY: "не доставлено"}
    assert states(row_of(listing.text, second)) == {MAYOR: "очікує", DEPUTY: "очікує"}
    assert 'id="older"' not in listing.text
    assert one.status_code == 200 and f"<h1 id=\"subject\">{mail['Subject']}</h1>" in one.text
    shown = PRE.search(one.text)
    assert shown and html.unescape(shown.group(1)).strip() == mail.get_content().strip()
    assert "вул. Галицька: 1-15 непарні" in shown.group(1) and "Бригада 3" in shown.group(1)
    assert states(one.text) == {MAYOR: "доставлено", DEPUTY: "не доставлено"}
    assert [d for d in (first, second) if f'data-day="{d}"' in older.text] == [first]
    assert 'id="newest"' in older.text
    assert [m.status_code for m in missing] == [404] * 4
    assert all("За цей день зведення не надсилали" in m.text for m in missing)
    assert 'href="/outages/digests"' in outages.text
