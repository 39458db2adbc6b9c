"""The 08:00 digest on the one scheduler: today's outages by e-mail through the outbox to the
leadership list, exactly once a day (two processes, a late start catching up once)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.core.scheduler import Scheduler
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.outages import wiring
from callcenter.reference.service import load_reference
from tests.integration.portal_rig import residents_web

LEADERS = ("mayor@if.example.org", "deputy@if.example.org")


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def scheduler(db: Database, clock: Clock) -> Scheduler:
    config = Config()
    config = config.replace(outages=dataclasses.replace(config.outages,
                                                        digest_emails=LEADERS))
    found = Scheduler(db, now=clock)
    wiring.schedule(config, found, load_reference(config.reference).streets)
    return found


async def digests(db: Database) -> list[tuple[str, str, str]]:
    async with db.reading() as session:
        rows = (await session.execute(
            select(OutboxMessageRow.recipient, OutboxMessageRow.idempotency_key,
                   OutboxMessageRow.payload)
            .where(OutboxMessageRow.event == "outages.digest"))).all()
    return [(to, key, str(json.loads(payload)["text"])) for to, key, payload in rows]


async def test_the_morning_digest_goes_once_a_day(database_url: str, tmp_path: Path) -> None:
    start = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT09:00")
    async with residents_web(database_url, tmp_path) as rig:
        token = await rig.web.token("sofia", "supervisor")
        async with rig.web.client(token) as staff:
            made = await staff.post("/outages", data={
                "utility": "water", "kind": "planned", "places": "вул. Галицька: 1-15 непарні",
                "start": start, "expected_end": start[:11] + "17:00",
                "note": "Заміна засувки", "internal_note": "", "contractor": "vodokanal"})
            assert made.status_code == 303, made.text[-800:]
    db = Database(database_url)
    try:
        tomorrow = datetime.now(UTC).date() + timedelta(days=1)
        # 07:59 and 08:00 in Kyiv on the outage's day (UTC+2 in winter, +3 in summer)
        eight = datetime.fromisoformat(f"{tomorrow}T08:00").replace(
            tzinfo=ZoneInfo("Europe/Kyiv")).astimezone(UTC)
        clock = Clock(eight - timedelta(minutes=1))
        first, second = scheduler(db, clock), scheduler(db, clock)
        await first.tick()
        assert await digests(db) == []
        clock.at = eight + timedelta(seconds=20)
        await first.tick()
        await second.tick()  # another process: nothing more
        sent = await digests(db)
        assert sorted(to for to, _, _ in sent) == sorted(LEADERS)
        assert all("вул. Галицька: 1-15 непарні" in text and "09:00" in text
                   and "vodokanal" not in text for _, _, text in sent), sent
        clock.at = eight + timedelta(hours=3)  # a restart later that morning
        await scheduler(db, clock).tick()
        assert len(await digests(db)) == 2
        clock.at = eight + timedelta(days=1, hours=3)  # the next day, started late: catches up
        await scheduler(db, clock).tick()
        assert len(await digests(db)) == 4
    finally:
        await db.close()
