"""Claims, attempts, outcomes and control on SQLAlchemy (the `CallbackStore` of the service).

A claim is one row per resident's phone (unique): INSERT .. ON CONFLICT DO NOTHING, else a
conditional UPDATE that only takes an expired claim (or renews one's own), so of two operators
racing exactly one wins on SQLite and PostgreSQL alike. Every appeal change is written with its
history row, and a returned appeal's message to the contractor in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model.records import AppealNotFound
from callcenter.appeals.model.statuses import Status
from callcenter.appeals.rows import change_status
from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.callbacks.model import (
    CHECKABLE,
    FINAL,
    AlreadyClaimed,
    Attempt,
    AttemptNotFound,
    Claim,
    ItemGone,
    Kind,
    NotClaimed,
    Outcome,
    Plan,
    ReturnedAppeal,
    WorkItem,
    WrongOutcome,
    claim_status,
    returned_messages,
)
from callcenter.callbacks.service import PlanFor
from callcenter.callbacks.store.worklist import candidates
from callcenter.callbacks.tables import AppealControl, CallbackAttempt, CallbackClaim
from callcenter.calls.tables import Call
from callcenter.contractors.rows import contractor_by_id
from callcenter.core.database import Database, insert_ignore
from callcenter.core.tables import Base
from callcenter.delivery.rows import insert_messages, lock_appeal

CLAIMS = Base.metadata.tables[CallbackClaim.__tablename__]


class SqlCallbacks:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def candidates(self, now: datetime) -> list[WorkItem]:
        return await candidates(self._db, now)

    # -- claims ---------------------------------------------------------------------------

    async def claim(self, kind: Kind, appeal_id: int, *, username: str, seat: str,
                    now: datetime, expires_at: datetime) -> Claim:
        async with self._db.transaction() as session:
            appeal = await lock_appeal(session, appeal_id)
            phone = await _phone_of(session, kind, appeal)
            await session.execute(delete(CallbackClaim).where(
                CallbackClaim.username == username, CallbackClaim.phone != phone))
            values = {"phone": phone, "appeal_id": appeal_id, "kind": kind.value,
                      "username": username, "seat": seat, "claimed_at": now,
                      "expires_at": expires_at}
            taken = await session.scalar(insert_ignore(self._db.dialect, CLAIMS)
                                         .values(**values).returning(CLAIMS.c.id))
            if taken is None:
                result = await session.execute(update(CallbackClaim).where(
                    CallbackClaim.phone == phone,
                    (CallbackClaim.expires_at <= now) | (CallbackClaim.username == username))
                    .values(**values))
                if not result.rowcount:  # type: ignore[attr-defined]
                    raise AlreadyClaimed(f"{phone} is being called by another operator")
            assert appeal is not None
            target = claim_status(kind, Status(appeal.status))
            if target is not None:
                await change_status(session, appeal, target, at=now, actor=username,
                                    action="callback_claimed", comment="")
        return Claim(kind, appeal_id, phone, username, seat, expires_at)

    async def release(self, username: str) -> None:
        async with self._db.transaction() as session:
            await session.execute(delete(CallbackClaim).where(
                CallbackClaim.username == username))

    # -- attempts -------------------------------------------------------------------------

    async def new_attempt(self, kind: Kind, appeal_id: int, *, username: str, seat: str,
                          now: datetime) -> int:
        async with self._db.transaction() as session:
            claim = await session.scalar(select(CallbackClaim).where(
                CallbackClaim.appeal_id == appeal_id, CallbackClaim.kind == kind.value,
                CallbackClaim.username == username, CallbackClaim.expires_at > now))
            if claim is None:
                raise NotClaimed("take the item first (or again: the claim expired)")
            busy = await session.scalar(select(CallbackAttempt.id).where(
                CallbackAttempt.username == username,  # (not one a dead process left)
                CallbackAttempt.updated_at > now - timedelta(minutes=5),
                CallbackAttempt.state.in_(("pending", "originating"))))
            if busy is not None:
                return int(busy)  # a second click while the first call is being placed
            claim.expires_at = now + (claim.expires_at - claim.claimed_at)
            claim.claimed_at, claim.seat = now, seat
            attempt = CallbackAttempt(appeal_id=appeal_id, phone=claim.phone, kind=kind.value,
                                      username=username, seat=seat, state="pending",
                                      words="", created_at=now, updated_at=now)
            session.add(attempt)
            await session.flush()
            return int(attempt.id)

    async def attempt(self, attempt_id: int) -> Attempt:
        query = (select(CallbackAttempt, Appeal.number, Call.answered_at, Call.ended_at)
                 .join(Appeal, Appeal.id == CallbackAttempt.appeal_id)
                 .outerjoin(Call, Call.id == CallbackAttempt.call_id)
                 .where(CallbackAttempt.id == attempt_id))
        async with self._db.reading() as session:
            row = (await session.execute(query)).first()
        if row is None:
            raise AttemptNotFound(f"no call-back attempt {attempt_id}")
        a = row[0]
        return Attempt(a.id, Kind(a.kind), a.appeal_id, row.number, a.phone, a.username,
                       a.state, a.error, Outcome(a.outcome) if a.outcome else None,
                       row.answered_at is not None, row.ended_at is not None, a.updated_at)

    async def expire_pending(self, before: datetime, stuck_before: datetime,
                             now: datetime) -> int:
        """Fail attempts nobody took by `before`, and those a process took and never
        finished by `stuck_before` (it died while placing them)."""
        stuck = (CallbackAttempt.state == "originating") & (CallbackAttempt.updated_at
                                                            < stuck_before)
        async with self._db.transaction() as session:
            result = await session.execute(update(CallbackAttempt).where(
                ((CallbackAttempt.state == "pending") & (CallbackAttempt.created_at < before))
                | stuck).values(state="failed", error="pbx_unavailable", updated_at=now))
        return int(result.rowcount)  # type: ignore[attr-defined]

    # -- outcomes -------------------------------------------------------------------------

    async def record(self, attempt_id: int, *, username: str, outcome: Outcome, words: str,
                     now: datetime, plan_for: PlanFor, public_base_url: str) -> Attempt:
        async with self._db.transaction() as session:
            attempt = await session.scalar(select(CallbackAttempt).where(
                CallbackAttempt.id == attempt_id).with_for_update())
            if attempt is None or attempt.username != username:
                raise AttemptNotFound(f"no call-back attempt {attempt_id} of yours")
            if attempt.outcome is not None or attempt.state != "connected":
                raise WrongOutcome("this call-back has an outcome already or never connected")
            kind = Kind(attempt.kind)
            plan = plan_for(kind, await _no_answers_before(session, attempt))
            appeal = await lock_appeal(session, attempt.appeal_id)
            assert appeal is not None
            await _apply(session, self._db.dialect, plan, appeal, attempt, now=now,
                         public_base_url=public_base_url)
            attempt.outcome, attempt.words, attempt.updated_at = outcome.value, words, now
            await session.execute(delete(CallbackClaim).where(
                CallbackClaim.phone == attempt.phone))
        return await self.attempt(attempt_id)

    # -- control --------------------------------------------------------------------------

    async def set_control(self, number: str, *, on: bool, by: str, note: str,
                          now: datetime) -> None:
        async with self._db.transaction() as session:
            appeal = await session.scalar(select(Appeal).where(Appeal.number == number))
            if appeal is None:
                raise AppealNotFound(number)
            await session.execute(delete(AppealControl).where(
                AppealControl.appeal_id == appeal.id))
            if on:
                session.add(AppealControl(appeal_id=appeal.id, set_by=by, set_at=now,
                                          note=note))
            session.add(AppealHistory(appeal_id=appeal.id, at=now, actor=by,
                                      action="control_on" if on else "control_off",
                                      from_status=None, to_status=None, comment=note))


async def _phone_of(session: AsyncSession, kind: Kind, appeal: Appeal | None) -> str:
    """The number to call for a worklist item that is still due, else ItemGone."""
    status = Status(appeal.status) if appeal is not None else None
    if appeal is None or status is None:
        raise ItemGone("no such appeal")
    if kind is Kind.MISSED:
        ok = status is Status.MISSED and appeal.caller is not None
        phone = appeal.caller
    else:
        phone = appeal.contact_phone or appeal.caller
        ok = phone is not None and (status in CHECKABLE if kind is Kind.CHECK
                                    else await _on_control(session, appeal.id, status))
    if not ok or phone is None:
        raise ItemGone(f"appeal {appeal.number} is not waiting for a {kind} call")
    return phone


async def _on_control(session: AsyncSession, appeal_id: int, status: Status) -> bool:
    if status in FINAL:
        return False
    checked = await session.scalar(select(AppealControl.checked_at.is_(None)).where(
        AppealControl.appeal_id == appeal_id))
    return bool(checked)


async def _no_answers_before(session: AsyncSession, attempt: CallbackAttempt) -> int:
    """Unanswered call-backs of the same item since its last other outcome."""
    same = (CallbackAttempt.phone == attempt.phone if attempt.kind == Kind.MISSED.value
            else CallbackAttempt.appeal_id == attempt.appeal_id)
    outcomes = await session.scalars(select(CallbackAttempt.outcome).where(
        same, CallbackAttempt.kind == attempt.kind, CallbackAttempt.outcome.is_not(None),
        CallbackAttempt.id != attempt.id).order_by(CallbackAttempt.id.desc()))
    count = 0
    for outcome in outcomes:
        if outcome != Outcome.NO_ANSWER.value:
            break
        count += 1
    return count


async def _apply(session: AsyncSession, dialect: str, plan: Plan, appeal: Appeal,
                 attempt: CallbackAttempt, *, now: datetime, public_base_url: str) -> None:
    actor = attempt.username
    if plan.status is not None:
        await change_status(session, appeal, plan.status, at=now, actor=actor,
                            action=plan.action, comment=plan.comment)
    else:
        session.add(AppealHistory(appeal_id=appeal.id, at=now, actor=actor,
                                  action=plan.action, from_status=None, to_status=None,
                                  comment=plan.comment))
    if plan.tell_contractor and appeal.contractor_id is not None:
        await _tell_contractor(session, dialect, appeal, attempt, now=now,
                               public_base_url=public_base_url, words=plan.comment)
    if plan.end_control:
        await session.execute(update(AppealControl).where(
            AppealControl.appeal_id == appeal.id, AppealControl.checked_at.is_(None))
            .values(checked_at=now))
    if plan.others_duplicate:
        await _others_duplicate(session, appeal, now=now, actor=actor)


async def _tell_contractor(session: AsyncSession, dialect: str, appeal: Appeal,
                           attempt: CallbackAttempt, *, now: datetime,
                           public_base_url: str, words: str) -> None:
    assert appeal.contractor_id is not None
    contractor = await contractor_by_id(session, appeal.contractor_id)
    if contractor is None:
        return
    card = ReturnedAppeal(appeal.id, appeal.number, appeal.category, appeal.address,
                          appeal.description, appeal.caller_name,
                          appeal.contact_phone or appeal.caller, appeal.opened_at,
                          appeal.priority, appeal.deadline)
    messages = returned_messages(card, contractor, words=words, attempt_id=attempt.id,
                                 public_base_url=public_base_url)
    await insert_messages(session, dialect, messages, appeal_id=appeal.id, decision_id=None,
                          contractor_id=appeal.contractor_id, at=now)


async def _others_duplicate(session: AsyncSession, appeal: Appeal, *, now: datetime,
                            actor: str) -> None:
    """A missed caller reached: the other missed appeals of the number join this one."""
    others = await session.scalars(select(Appeal).where(
        Appeal.caller == appeal.caller, Appeal.status == Status.MISSED.value,
        Appeal.id != appeal.id).order_by(Appeal.id))
    for other in others.all():
        await change_status(session, other, Status.DUPLICATE, at=now, actor=actor,
                            action="callback_duplicate", comment=appeal.number)
        other.duplicate_of_id = appeal.id
