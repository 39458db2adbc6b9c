"""The worklist's candidates in a few queries: missed callers (one per number), appeals to
check (`done`, `on_check`), appeals on control; with their unanswered tries and claims."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model.statuses import Status
from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.callbacks.model import CHECKABLE, FINAL, Kind, Outcome, WorkItem
from callcenter.callbacks.tables import AppealControl, CallbackAttempt, CallbackClaim
from callcenter.contractors.tables import ContractorRow
from callcenter.core.database import Database

PHONE = func.coalesce(Appeal.contact_phone, Appeal.caller)
LIMIT = 500  # per kind: more than a shift can call


async def candidates(db: Database, now: datetime) -> list[WorkItem]:
    async with db.reading() as session:
        rows = [*await _missed(session), *await _checks(session), *await _controls(session)]
        tries = await _no_answers(session, rows)
        claims = await _claims(session, now)
    items = []
    for kind, row, waiting, count in rows:
        key = (kind, row.caller if kind is Kind.MISSED else row.id)
        no_answers = [at for at in tries.get(key, []) if at >= waiting]
        claim = claims.get(row.phone)
        items.append(WorkItem(
            kind, row.id, row.number, row.phone, Status(row.status), waiting, count,
            len(no_answers), row.category, row.address, row.contractor,
            claim[0] if claim else None, claim[1] if claim else None,
            max(no_answers) if no_answers else None))
    return items


def _appeal_columns() -> tuple[Any, ...]:
    return (Appeal.id, Appeal.number, Appeal.caller, PHONE.label("phone"), Appeal.status,
            Appeal.category, Appeal.address, ContractorRow.name.label("contractor"))


Row = tuple[Kind, Any, datetime, int]


async def _missed(session: AsyncSession) -> list[Row]:
    """One per caller: the oldest missed appeal stands for all of them (withheld: none)."""
    groups = (select(Appeal.caller, func.min(Appeal.id).label("first"),
                     func.min(Appeal.opened_at).label("since"), func.count().label("tries"))
              .where(Appeal.status == Status.MISSED.value, Appeal.caller.is_not(None))
              .group_by(Appeal.caller).order_by(func.min(Appeal.opened_at)).limit(LIMIT)
              .subquery())
    query = (select(*_appeal_columns(), groups.c.since, groups.c.tries)
             .join(groups, groups.c.first == Appeal.id)
             .outerjoin(ContractorRow, ContractorRow.id == Appeal.contractor_id))
    return [(Kind.MISSED, r, r.since, int(r.tries)) for r in await session.execute(query)]


async def _checks(session: AsyncSession) -> list[Row]:
    """Done by the contractor (or on check already): since the last move to `done`."""
    done_at = (select(AppealHistory.appeal_id, func.max(AppealHistory.at).label("at"))
               .where(AppealHistory.to_status == Status.DONE.value)
               .group_by(AppealHistory.appeal_id).subquery())
    query = (select(*_appeal_columns(), func.coalesce(done_at.c.at, Appeal.updated_at)
                    .label("since"))
             .outerjoin(done_at, done_at.c.appeal_id == Appeal.id)
             .outerjoin(ContractorRow, ContractorRow.id == Appeal.contractor_id)
             .where(Appeal.status.in_([s.value for s in CHECKABLE]), PHONE.is_not(None))
             .order_by(Appeal.updated_at).limit(LIMIT))
    return [(Kind.CHECK, r, r.since, 1) for r in await session.execute(query)]


async def _controls(session: AsyncSession) -> list[Row]:
    """On control, not checked yet; a `done` one is a check instead."""
    skip = [s.value for s in (*FINAL, *CHECKABLE)]
    query = (select(*_appeal_columns(), AppealControl.set_at.label("since"))
             .join(AppealControl, AppealControl.appeal_id == Appeal.id)
             .outerjoin(ContractorRow, ContractorRow.id == Appeal.contractor_id)
             .where(AppealControl.checked_at.is_(None), Appeal.status.not_in(skip),
                    PHONE.is_not(None))
             .order_by(AppealControl.set_at).limit(LIMIT))
    return [(Kind.CONTROL, r, r.since, 1) for r in await session.execute(query)]


async def _no_answers(session: AsyncSession, rows: Iterable[Row]
                      ) -> dict[tuple[Kind, Any], list[datetime]]:
    """Unanswered call-backs: by caller number for missed calls, by appeal for the rest."""
    phones = {row.caller for kind, row, _, _ in rows if kind is Kind.MISSED}
    appeals = {row.id for kind, row, _, _ in rows if kind is not Kind.MISSED}
    found: dict[tuple[Kind, Any], list[datetime]] = defaultdict(list)
    query = select(CallbackAttempt.kind, CallbackAttempt.phone, CallbackAttempt.appeal_id,
                   CallbackAttempt.created_at).where(
        CallbackAttempt.outcome == Outcome.NO_ANSWER.value)
    if phones:
        for r in await session.execute(query.where(CallbackAttempt.kind == Kind.MISSED.value,
                                                   CallbackAttempt.phone.in_(sorted(phones)))):
            found[(Kind.MISSED, r.phone)].append(r.created_at)
    if appeals:
        for r in await session.execute(query.where(CallbackAttempt.kind != Kind.MISSED.value,
                                                   CallbackAttempt.appeal_id.in_(appeals))):
            found[(Kind(r.kind), r.appeal_id)].append(r.created_at)
    return found


async def _claims(session: AsyncSession, now: datetime) -> dict[str, tuple[str, datetime]]:
    rows = await session.execute(select(CallbackClaim.phone, CallbackClaim.username,
                                        CallbackClaim.expires_at)
                                 .where(CallbackClaim.expires_at > now))
    return {r.phone: (r.username, r.expires_at) for r in rows}
