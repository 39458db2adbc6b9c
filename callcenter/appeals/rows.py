"""Rows of appeals that other features' stores write and read inside their own transaction:
numbers from the per-year counter, new appeals, status changes with their history, and the
history and photos as read models.

Like `tables.py`, this module is open to every feature's store (DESIGN-NOTES.md, "The house");
the rest of `appeals/store/` is private to appeals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model import statuses as appeals
from callcenter.appeals.model.filing import NewFiling
from callcenter.appeals.model.listing import HistoryItem
from callcenter.appeals.model.photos import Photo
from callcenter.appeals.model.search import search_keys
from callcenter.appeals.tables import Appeal, AppealAttachmentRow, AppealCounter, AppealHistory
from callcenter.core.database import Database, insert_ignore
from callcenter.core.tables import Base

SYSTEM = "system"
APPEALS = Base.metadata.tables[Appeal.__tablename__]
HISTORY = Base.metadata.tables[AppealHistory.__tablename__]
COUNTERS = Base.metadata.tables[AppealCounter.__tablename__]


class OpenedAppeal(NamedTuple):
    id: int
    number: str


async def reserve_sequences(session: AsyncSession, year: int, count: int = 1) -> int:
    """Take `count` consecutive appeal sequences of a year (its counter row must exist);
    returns the first. The row lock serializes concurrent writers."""
    value = await session.scalar(
        update(AppealCounter).where(AppealCounter.year == year)
        .values(last=AppealCounter.last + count).returning(AppealCounter.last))
    if value is None:
        raise LookupError(f"no appeal counter row for {year}")
    return int(value) - count + 1


async def next_sequence(session: AsyncSession, year: int) -> int:
    """The next appeal sequence of a year (its counter row must exist)."""
    return await reserve_sequences(session, year)


async def open_appeal(session: AsyncSession, *, timezone: str, channel: appeals.Channel,
                      opened_at: datetime, call_pk: int | None, automatic: bool,
                      caller: str | None, caller_name: str | None,
                      comment: str, actor: str = SYSTEM) -> OpenedAppeal:
    year = appeals.year_of(opened_at, timezone)
    sequence = await next_sequence(session, year)
    number = appeals.format_number(year, sequence)
    status = appeals.Status.NEW.value
    appeal_id = await session.scalar(insert(Appeal).values(
        number=number, year=year, sequence=sequence, channel=channel.value, status=status,
        call_id=call_pk, auto_call_id=call_pk if automatic else None, caller=caller,
        caller_name=caller_name, opened_at=opened_at, updated_at=opened_at,
        **caller_keys(caller, caller_name),
    ).returning(Appeal.id))
    await session.execute(insert(AppealHistory).values(
        appeal_id=appeal_id, at=opened_at, actor=actor, action="opened", from_status=None,
        to_status=status, comment=comment))
    assert appeal_id is not None
    return OpenedAppeal(int(appeal_id), number)


async def file_new(session: AsyncSession, dialect: str, filing: NewFiling, *, timezone: str,
                   at: datetime, actor: str) -> OpenedAppeal:
    """Open an appeal `new` from outside (a letter): its text and contact, no category; the
    search keys find it by the sender's name, address and words."""
    await session.execute(insert_ignore(dialect, COUNTERS)
                          .values(year=appeals.year_of(at, timezone), last=0))
    opened = await open_appeal(session, timezone=timezone, channel=filing.channel,
                               opened_at=at, call_pk=None, automatic=False, caller=None,
                               caller_name=None, actor=actor,
                               comment=f"filed through {filing.channel.value}")
    keys = search_keys(address=None, caller=None, caller_name=None,
                       contact_name=filing.contact_name, contact_phone=None,
                       description=" ".join(p for p in (filing.description,
                                                         filing.contact_email) if p))
    await session.execute(
        update(Appeal).where(Appeal.id == opened.id)
        .values(description=filing.description, contact_name=filing.contact_name or None,
                contact_email=filing.contact_email, search_name=keys.name,
                search_text=keys.text)
        .execution_options(synchronize_session=False))
    return opened


async def add_history(session: AsyncSession, appeal_id: int, *, at: datetime, actor: str,
                      action: str, comment: str) -> None:
    """A history row that changes no status (a note, a resident's letter)."""
    await session.execute(insert(AppealHistory).values(
        appeal_id=appeal_id, at=at, actor=actor, action=action, from_status=None,
        to_status=None, comment=comment))


def caller_keys(caller: str | None, caller_name: str | None) -> dict[str, str]:
    """The folded search keys a new appeal gets from its caller."""
    keys = search_keys(address=None, caller=caller, caller_name=caller_name,
                       contact_name=None, contact_phone=None, description=None)
    return {"search_name": keys.name, "search_phone": keys.phone}


async def change_status(session: AsyncSession, appeal: Appeal, target: appeals.Status, *,
                        at: datetime, actor: str, action: str, comment: str) -> None:
    """Move a loaded appeal; the ORM adds `version + 1` and refuses a concurrent change."""
    current = appeals.Status(appeal.status)
    appeals.check_transition(current, target)
    appeal.status = target.value
    appeal.updated_at = at
    session.add(AppealHistory(appeal_id=appeal.id, at=at, actor=actor, action=action,
                              from_status=current.value, to_status=target.value,
                              comment=comment))


# -- many at once (the intake's batches) ------------------------------------------------


def history_row(appeal_id: int, *, at: datetime, action: str, from_status: str | None,
                to_status: str, comment: str) -> dict[str, Any]:
    """A system history row for `insert_history`."""
    return {"appeal_id": appeal_id, "at": at, "actor": SYSTEM, "action": action,
            "from_status": from_status, "to_status": to_status, "comment": comment}


async def insert_appeals(session: AsyncSession, rows: list[dict[str, Any]]) -> dict[int, int]:
    """Insert automatic appeals (rows of `appeals` columns); auto_call_id -> appeal id."""
    result = await session.execute(
        insert(APPEALS).returning(APPEALS.c.id, APPEALS.c.auto_call_id), rows)
    return {int(auto_call_id): int(appeal_id) for appeal_id, auto_call_id in result}


async def move_appeals(session: AsyncSession, moves: list[dict[str, Any]]) -> None:
    """Set status and updated_at of many appeals: rows of appeal_id, new_status, new_at.
    The version moves too, so an operator's form opened before is refused as stale."""
    await session.execute(
        update(APPEALS).where(APPEALS.c.id == bindparam("appeal_id"))
        .values(status=bindparam("new_status"), updated_at=bindparam("new_at"),
                version=APPEALS.c.version + 1), moves)


async def insert_history(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(HISTORY), rows)


# -- read models of rows, shared with the contractors' desk and the replay store --------------

async def appeal_history(db: Database, number: str) -> list[HistoryItem]:
    query = (select(AppealHistory).join(Appeal, Appeal.id == AppealHistory.appeal_id)
             .where(Appeal.number == number).order_by(AppealHistory.id))
    async with db.reading() as session:
        rows = (await session.scalars(query)).all()
    return [history_item(r) for r in rows]


async def photos_of(session: AsyncSession, appeal_id: int) -> list[Photo]:
    """The photos attached to the appeal, oldest first."""
    rows = (await session.scalars(
        select(AppealAttachmentRow).where(AppealAttachmentRow.appeal_id == appeal_id)
        .order_by(AppealAttachmentRow.id))).all()
    return [photo(r) for r in rows]


def photo(row: AppealAttachmentRow) -> Photo:
    return Photo(id=row.id, ref=row.ref, added_at=row.added_at, actor=row.actor)


def history_item(row: AppealHistory) -> HistoryItem:
    return HistoryItem(at=row.at, actor=row.actor, action=row.action,
                       from_status=row.from_status, to_status=row.to_status,
                       comment=row.comment)
