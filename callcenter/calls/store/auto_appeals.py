"""The automatic appeals of one batch's calls: opened at entry, moved when the call ends.

Exactly one automatic appeal per call: `appeals.auto_call_id` is unique. Numbers come from the
per-year counter, bumped once per year and batch by the number of appeals the batch opens,
and given out in the order the calls entered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model import statuses as appeals
from callcenter.appeals.rows import (
    APPEALS,
    caller_keys,
    history_row,
    insert_appeals,
    insert_history,
    move_appeals,
    reserve_sequences,
)
from callcenter.appeals.tables import AppealCounter
from callcenter.calls.model.facts import CallEnded, CallEntered, CallReconciled
from callcenter.calls.store.changes import CallChanges
from callcenter.core.database import insert_ignore
from callcenter.core.tables import Base

NEW = appeals.Status.NEW
MISSED = appeals.Status.MISSED
COUNTERS = Base.metadata.tables[AppealCounter.__tablename__]
log = structlog.get_logger("callcenter.db")
CallPlan = tuple[int, CallChanges]  # (calls.id, what the batch does to the call)


class FoundAppeal(NamedTuple):
    id: int
    status: str


class AutoAppeals:
    """One transaction's automatic appeals. `new_years`: the counter rows it created, to be
    remembered only once the transaction committed."""

    def __init__(self, session: AsyncSession, *, dialect: str, timezone: str,
                 known_years: set[int]) -> None:
        self._session = session
        self._dialect = dialect
        self._timezone = timezone
        self._known_years = known_years
        self.new_years: set[int] = set()  # counter rows this transaction created

    async def settle(self, *, new: Sequence[CallPlan], stored: Sequence[CallPlan]) -> None:
        """Open the automatic appeal of every call the batch created, and of a stored call
        whose `CallEntered` finds none (a replay finds its own); move those of calls that
        ended. A stored call's row is locked (FOR UPDATE on PostgreSQL, the one writer on
        SQLite) before its appeal is looked up, so a concurrent store waits and then finds
        the appeal; the unique `auto_call_id` still guards it."""
        concerned = [(pk, c) for pk, c in stored
                     if c.entered is not None or c.target or c.answered_late]
        found = await self._find([pk for pk, _ in concerned]) if concerned else {}
        history: list[dict[str, Any]] = []
        to_open = [*new, *((pk, c) for pk, c in concerned
                           if pk not in found and c.entered is not None)]
        await self._open(to_open, history)
        moves = [self._moved(found[pk].id, changes, history) for pk, changes in concerned
                 if pk in found and found[pk].status == NEW.value and changes.target]
        moves += [self._answered_late(found[pk].id, changes, history)
                  for pk, changes in concerned
                  if pk in found and found[pk].status == MISSED.value and changes.answered_late]
        if moves:
            await move_appeals(self._session, moves)
        await insert_history(self._session, history)

    async def _find(self, call_pks: list[int]) -> dict[int, FoundAppeal]:
        """The automatic appeals of these calls, by call id."""
        query = (select(APPEALS.c.auto_call_id, APPEALS.c.id, APPEALS.c.status)
                 .where(APPEALS.c.auto_call_id.in_(call_pks)).with_for_update())
        rows = (await self._session.execute(query)).all()
        return {int(call_pk): FoundAppeal(int(appeal_id), status)
                for call_pk, appeal_id, status in rows}

    # -- opening -------------------------------------------------------------------------

    async def _open(self, calls: Sequence[CallPlan], history: list[dict[str, Any]]) -> None:
        """Numbers in entry order, one counter update per year, one insert."""
        ordered = sorted(calls, key=lambda plan: plan[1].entered_order)
        numbers = await self._numbers([_entered(changes).at for _, changes in ordered])
        rows = [self._appeal_row(pk, changes, number)
                for (pk, changes), number in zip(ordered, numbers, strict=True)]
        if not rows:
            return
        ids = await insert_appeals(self._session, rows)
        for (pk, changes), row in zip(ordered, rows, strict=True):
            entered = _entered(changes)
            history.append(history_row(
                ids[pk], at=entered.at, action="opened", from_status=None,
                to_status=NEW.value, comment=_opened_comment(entered)))
            if row["status"] != NEW.value:
                self._moved(ids[pk], changes, history)
            log.info("appeal_opened", number=row["number"], call_id=entered.call_id)

    async def _numbers(self, opened: list[datetime]) -> list[tuple[int, int]]:
        """(year, sequence) for appeals opened at these times, in this order."""
        years = [appeals.year_of(at, self._timezone) for at in opened]
        next_free: dict[int, int] = {}
        for year in dict.fromkeys(years):
            await self._ensure_counter(year)
            next_free[year] = await reserve_sequences(self._session, year, years.count(year))
        numbers = []
        for year in years:
            numbers.append((year, next_free[year]))
            next_free[year] += 1
        return numbers

    @staticmethod
    def _appeal_row(pk: int, changes: CallChanges, number: tuple[int, int]) -> dict[str, Any]:
        """A new automatic appeal; already moved if its call ended after entering."""
        entered, (year, sequence) = _entered(changes), number
        status, updated_at = NEW, entered.at
        if changes.target and changes.ended and changes.ended_after_entered:
            status, updated_at = changes.target, changes.ended.at
        return {"number": appeals.format_number(year, sequence), "year": year,
                "sequence": sequence, "channel": appeals.Channel.PHONE.value,
                "status": status.value, "call_id": pk, "auto_call_id": pk,
                "caller": entered.caller, "caller_name": entered.caller_name,
                "opened_at": entered.at, "updated_at": updated_at,
                **caller_keys(entered.caller, entered.caller_name)}

    async def _ensure_counter(self, year: int) -> None:
        if year in self._known_years or year in self.new_years:
            return
        await self._session.execute(
            insert_ignore(self._dialect, COUNTERS).values(year=year, last=0))
        self.new_years.add(year)

    # -- moving --------------------------------------------------------------------------

    @staticmethod
    def _moved(appeal_id: int, changes: CallChanges,
               history: list[dict[str, Any]]) -> dict[str, Any]:
        """A call's end moves its appeal from `new`: the history row, the new values."""
        assert changes.target is not None and changes.ended is not None
        appeals.check_transition(NEW, changes.target)
        at = changes.ended.at
        history.append(history_row(
            appeal_id, at=at, action="call_ended", from_status=NEW.value,
            to_status=changes.target.value, comment=_ended_comment(changes.ended)))
        return {"appeal_id": appeal_id, "new_status": changes.target.value, "new_at": at}

    @staticmethod
    def _answered_late(appeal_id: int, changes: CallChanges,
                       history: list[dict[str, Any]]) -> dict[str, Any]:
        """Asterisk's record shows somebody did answer a call we closed as unanswered: its
        appeal goes back from `missed`, as if we had seen the answer."""
        record = changes.answered_late
        assert record is not None
        appeals.check_transition(MISSED, NEW)
        history.append(history_row(
            appeal_id, at=record.at, action="call_answered", from_status=MISSED.value,
            to_status=NEW.value, comment=_answered_comment(record)))
        return {"appeal_id": appeal_id, "new_status": NEW.value, "new_at": record.at}


def _entered(changes: CallChanges) -> CallEntered:
    assert changes.entered is not None, "an appeal is opened by its call's CallEntered"
    return changes.entered


def _opened_comment(entered: CallEntered) -> str:
    return f"call on trunk {entered.trunk}"


def _answered_comment(record: CallReconciled) -> str:
    return f"call answered by {record.seat or 'an operator'} (Asterisk's queue_log)"


def _ended_comment(ended: CallEnded) -> str:
    return f"call {ended.outcome}" + (" while the AMI link was down" if ended.link_down
                                      else "")
