"""Applies the call tracker's facts to the database, idempotently, a batch per transaction."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.db.engine import Database
from callcenter.db.models import Appeal, AppealCounter, AppealHistory, Call, CallRing
from callcenter.domain import appeals
from callcenter.domain.appeal_search import search_keys
from callcenter.domain.events import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallFact,
    CallQueued,
    CallRang,
    CallRingTimedOut,
    LinkResynced,
    RecordingAnnounced,
)

SYSTEM = "system"
PK_CACHE_LIMIT = 50_000
log = structlog.get_logger("callcenter.db")
Handler = Callable[[AsyncSession, Any], Coroutine[Any, Any, None]]


class SqlCallStore:
    """The `CallStore` of services.intake on SQLAlchemy."""

    def __init__(self, db: Database, *, pbx: str, timezone: str) -> None:
        self._db = db
        self._pbx = pbx
        self._timezone = timezone
        self._pks: dict[str, int] = {}
        self._fresh_pks: dict[str, int] = {}
        self._years: set[int] = set()
        self._fresh_years: set[int] = set()
        self._handlers: dict[type, Handler] = {
            CallEntered: self._entered,
            CallQueued: self._queued,
            CallRang: self._rang,
            CallRingTimedOut: self._ring_timed_out,
            CallAnswered: self._answered,
            RecordingAnnounced: self._recording,
            CallEnded: self._ended,
            LinkResynced: self._resynced,
        }

    async def apply(self, facts: Sequence[CallFact]) -> None:
        self._fresh_pks = {}
        self._fresh_years = set()
        async with self._db.transaction() as session:
            for fact in facts:
                await self._handlers[type(fact)](session, fact)
        # Only committed rows may be remembered.
        if len(self._pks) > PK_CACHE_LIMIT:
            self._pks.clear()
        self._pks.update(self._fresh_pks)
        self._years.update(self._fresh_years)

    def _where_call(self, call_id: str) -> Any:
        return (Call.pbx == self._pbx) & (Call.linkedid == call_id)

    async def _call_pk(self, session: AsyncSession, call_id: str) -> int | None:
        """The row id of a call; (pbx, linkedid) -> id never changes, so it is cached."""
        pk = self._pks.get(call_id) or self._fresh_pks.get(call_id)
        if pk is None:
            pk = await session.scalar(select(Call.id).where(self._where_call(call_id)))
            if pk is not None:
                self._fresh_pks[call_id] = pk
        return pk

    # -- entering: the call row and its automatic appeal ---------------------------------

    async def _entered(self, session: AsyncSession, fact: CallEntered) -> None:
        values = {
            "pbx": self._pbx, "linkedid": fact.call_id, "trunk": fact.trunk, "line": fact.line,
            "channel": fact.channel, "caller": fact.caller, "caller_raw": fact.caller_raw,
            "caller_name": fact.caller_name, "carrier": fact.carrier, "entered_at": fact.at,
            "outcome": "in_progress", "cause_text": "", "resynced": fact.resynced,
            "link_down": False,
        }
        fresh = await session.scalar(
            self._insert_ignore(Call).values(**values).returning(Call.id))
        if fresh is not None:
            # A row this transaction created cannot have an appeal yet, nor can another
            # transaction add one before we commit: no check, no savepoint needed.
            self._fresh_pks[fact.call_id] = fresh
            await self._new_auto_appeal(session, fresh, fact)
            return
        pk = await self._call_pk(session, fact.call_id)
        if pk is not None and not await self._has_auto_appeal(session, pk):
            await self._open_auto_appeal(session, pk, fact)

    def _insert_ignore(self, table: type[Any]) -> Any:
        return insert_ignore(self._db.dialect, table)

    async def _has_auto_appeal(self, session: AsyncSession, call_pk: int) -> bool:
        found = await session.scalar(select(Appeal.id).where(Appeal.auto_call_id == call_pk))
        return found is not None

    async def _open_auto_appeal(self, session: AsyncSession, call_pk: int,
                                fact: CallEntered) -> None:
        try:
            async with session.begin_nested():
                await self._new_auto_appeal(session, call_pk, fact)
        except IntegrityError:
            return  # another process opened it first: exactly one automatic appeal per call

    async def _new_auto_appeal(self, session: AsyncSession, call_pk: int,
                               fact: CallEntered) -> None:
        year = appeals.year_of(fact.at, self._timezone)
        if year not in self._years:
            await session.execute(self._insert_ignore(AppealCounter).values(year=year, last=0))
            self._fresh_years.add(year)
        number = await open_appeal(
            session, timezone=self._timezone, channel=appeals.Channel.PHONE, opened_at=fact.at,
            call_pk=call_pk, automatic=True, caller=fact.caller, caller_name=fact.caller_name,
            comment=f"call on trunk {fact.trunk}")
        log.info("appeal_opened", number=number, call_id=fact.call_id)

    # -- during the call -----------------------------------------------------------------

    async def _queued(self, session: AsyncSession, fact: CallQueued) -> None:
        await session.execute(update(Call).where(self._where_call(fact.call_id))
                              .values(queued_at=func.coalesce(Call.queued_at, fact.at)))

    async def _rang(self, session: AsyncSession, fact: CallRang) -> None:
        pk = await self._call_pk(session, fact.call_id)
        if pk is not None:
            await session.execute(insert(CallRing).values(call_id=pk, seat=fact.seat,
                                                          rang_at=fact.at))

    async def _ring_timed_out(self, session: AsyncSession, fact: CallRingTimedOut) -> None:
        await self._close_ring(session, fact.call_id, fact.seat, "no_answer")

    async def _close_ring(self, session: AsyncSession, call_id: str, seat: str,
                          result: str) -> None:
        pk = await self._call_pk(session, call_id)
        latest = (select(func.max(CallRing.id)).where(
            CallRing.call_id == pk, CallRing.seat == seat, CallRing.result.is_(None))
            .scalar_subquery())
        await session.execute(update(CallRing).where(CallRing.id == latest)
                              .values(result=result))

    async def _answered(self, session: AsyncSession, fact: CallAnswered) -> None:
        await session.execute(
            update(Call).where(self._where_call(fact.call_id), Call.answered_at.is_(None))
            .values(answered_at=fact.at, operator=fact.seat))
        await self._close_ring(session, fact.call_id, fact.seat, "answered")

    async def _recording(self, session: AsyncSession, fact: RecordingAnnounced) -> None:
        await session.execute(update(Call).where(self._where_call(fact.call_id))
                              .values(recording_path=fact.path))

    # -- the end ------------------------------------------------------------------------

    async def _ended(self, session: AsyncSession, fact: CallEnded) -> None:
        row = (await session.execute(
            select(Call.id, Call.answered_at).where(self._where_call(fact.call_id),
                                                    Call.ended_at.is_(None)))).first()
        self._pks.pop(fact.call_id, None)
        if row is None:
            return  # unknown or already ended: applying a fact twice changes nothing
        await session.execute(update(Call).where(Call.id == row.id).values(
            ended_at=fact.at, outcome=fact.outcome, cause=fact.cause, cause_text=fact.cause_text,
            link_down=fact.link_down))
        target = appeals.status_after_call(fact.outcome, answered=row.answered_at is not None)
        if target is not None:
            await self._move_auto_appeal(session, row.id, target, fact)

    async def _move_auto_appeal(self, session: AsyncSession, call_pk: int,
                                target: appeals.Status, fact: CallEnded) -> None:
        appeal = await session.scalar(select(Appeal).where(Appeal.auto_call_id == call_pk))
        if appeal is None or appeal.status != appeals.Status.NEW:
            return
        comment = f"call {fact.outcome}" + (" while the AMI link was down" if fact.link_down
                                            else "")
        await change_status(session, appeal, target, at=fact.at, actor=SYSTEM,
                            action="call_ended", comment=comment)

    async def _resynced(self, session: AsyncSession, fact: LinkResynced) -> None:
        lost = (await session.scalars(
            select(Call.linkedid).where(Call.pbx == self._pbx, Call.ended_at.is_(None),
                                        Call.linkedid.not_in(fact.live_call_ids)))).all()
        for call_id in lost:
            await self._ended(session, CallEnded(call_id, fact.at, "unknown", None, "",
                                                 link_down=True))


def insert_ignore(dialect_name: str, table: type[Any]) -> Any:
    """`INSERT .. ON CONFLICT DO NOTHING` on either engine."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


async def next_sequence(session: AsyncSession, year: int) -> int:
    """The next appeal sequence of a year (its counter row must exist); the row lock
    serializes concurrent writers."""
    value = await session.scalar(
        update(AppealCounter).where(AppealCounter.year == year)
        .values(last=AppealCounter.last + 1).returning(AppealCounter.last))
    if value is None:
        raise LookupError(f"no appeal counter row for {year}")
    return int(value)


async def open_appeal(session: AsyncSession, *, timezone: str, channel: appeals.Channel,
                      opened_at: datetime, call_pk: int | None, automatic: bool,
                      caller: str | None, caller_name: str | None, comment: str,
                      actor: str = SYSTEM) -> str:
    year = appeals.year_of(opened_at, timezone)
    sequence = await next_sequence(session, year)
    number = appeals.format_number(year, sequence)
    status = appeals.Status.NEW.value
    keys = search_keys(address=None, caller=caller, caller_name=caller_name,
                       contact_name=None, contact_phone=None, description=None)
    appeal_id = await session.scalar(insert(Appeal).values(
        number=number, year=year, sequence=sequence, channel=channel.value, status=status,
        call_id=call_pk, auto_call_id=call_pk if automatic else None, caller=caller,
        caller_name=caller_name, opened_at=opened_at, updated_at=opened_at,
        search_name=keys.name, search_phone=keys.phone,
    ).returning(Appeal.id))
    await session.execute(insert(AppealHistory).values(
        appeal_id=appeal_id, at=opened_at, actor=actor, action="opened", from_status=None,
        to_status=status, comment=comment))
    return number


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
