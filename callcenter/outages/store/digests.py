"""The digests sent, read back from delivery's outbox table (never through its store): the
messages of the digest event in a range of days, grouped by day."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from callcenter.core.database import Database
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.outages.model.digests import (
    DIGEST_EVENT,
    Recipient,
    SentDigest,
    day_key,
    day_of_key,
    delivery_of,
)

Outbox = OutboxMessageRow


class SqlDigestArchive:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def sent_digests(self, since: date, before: date) -> list[SentDigest]:
        """The digests of the days from `since` up to `before` (not included), newest first."""
        async with self._db.reading() as session:
            rows = (await session.scalars(select(Outbox).where(
                Outbox.event == DIGEST_EVENT, Outbox.idempotency_key >= day_key(since),
                Outbox.idempotency_key < day_key(before))
                .order_by(Outbox.idempotency_key.desc(), Outbox.id))).all()
        by_day: dict[date, list[OutboxMessageRow]] = {}
        for row in rows:
            by_day.setdefault(day_of_key(row.idempotency_key), []).append(row)
        return [as_digest(day, sorted(found, key=lambda r: r.id))
                for day, found in by_day.items()]

    async def newest_digest_before(self, day: date) -> date | None:
        async with self._db.reading() as session:
            key = await session.scalar(select(func.max(Outbox.idempotency_key)).where(
                Outbox.event == DIGEST_EVENT, Outbox.idempotency_key < day_key(day)))
        return day_of_key(key) if key else None


def as_digest(day: date, rows: Sequence[OutboxMessageRow]) -> SentDigest:
    """The first message's subject and text (the job composes one for all recipients)."""
    payload = json.loads(rows[0].payload)
    return SentDigest(day, str(payload.get("subject", "")), str(payload.get("text", "")),
                      rows[0].created_at,
                      tuple(Recipient(r.recipient, delivery_of(r.state), r.sent_at)
                            for r in rows))
