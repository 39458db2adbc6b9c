"""The duty desk's rows (private): inserts only, except an assignment's status, which moves
with a note beside it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import IntegrityError

from callcenter.core.database import Database, insert_ignore
from callcenter.delivery.model.outbox import NewMessage
from callcenter.delivery.rows import insert_messages
from callcenter.duty.model import (
    Alarm,
    Assignment,
    AssignmentStatus,
    Check,
    CheckResult,
    CheckSlot,
    DutyError,
    Entry,
    EntryKind,
    Handover,
    HandoverRefused,
)
from callcenter.duty.service import Mail
from callcenter.duty.tables import (
    DutyAlarm,
    DutyAssignment,
    DutyAssignmentNote,
    DutyCheck,
    DutyEntry,
    DutyHandover,
    DutyHandoverAck,
)

ALARMS: Table = DutyAlarm.__table__  # type: ignore[assignment]


def _entry(row: DutyEntry) -> Entry:
    return Entry(row.id, EntryKind(row.kind), row.text, row.author, row.at, row.corrects_id)


def _check(row: DutyCheck) -> Check:
    return Check(row.id, row.day, row.slot, CheckResult(row.result), row.remarks,
                 row.checked_by, row.at)


class SqlDutyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _send(self, session: object, messages: Sequence[NewMessage], at: datetime) -> int:
        if not messages:
            return 0
        sent = await insert_messages(session, self.db.dialect, messages,  # type: ignore[arg-type]
                                     appeal_id=None, decision_id=None, contractor_id=None,
                                     at=at)
        return len(sent)

    async def add_entry(self, kind: EntryKind, text: str, author_id: int, author: str,
                        at: datetime, corrects_id: int | None, mail: Mail | None) -> Entry:
        async with self.db.transaction() as session:
            if corrects_id is not None and await session.get(DutyEntry, corrects_id) is None:
                raise DutyError("corrects: no such entry")
            row = DutyEntry(kind=kind.value, text=text, author_id=author_id, author=author,
                            at=at, corrects_id=corrects_id)
            session.add(row)
            await session.flush()
            if mail is not None:
                await self._send(session, mail(row.id), at)
            return _entry(row)

    async def entries(self, since: datetime, until: datetime) -> list[Entry]:
        async with self.db.reading() as session:
            rows = await session.scalars(select(DutyEntry).where(
                DutyEntry.at >= since, DutyEntry.at < until).order_by(DutyEntry.at, DutyEntry.id))
            return [_entry(r) for r in rows]

    async def add_check(self, slot: CheckSlot | None, result: str, remarks: str,
                        by_id: int, by: str, at: datetime) -> Check:
        async with self.db.transaction() as session:
            row = DutyCheck(day=slot.day if slot else None, slot=slot.at if slot else None,
                            result=result, remarks=remarks, checked_by_id=by_id,
                            checked_by=by, at=at)
            session.add(row)
            await session.flush()
            return _check(row)

    async def checks(self, since: datetime, until: datetime) -> list[Check]:
        async with self.db.reading() as session:
            rows = await session.scalars(select(DutyCheck).where(
                DutyCheck.at >= since, DutyCheck.at <= until).order_by(DutyCheck.at))
            return [_check(r) for r in rows]

    async def raise_alarm(self, slot: CheckSlot, at: datetime,
                          messages: Sequence[NewMessage]) -> bool:
        async with self.db.transaction() as session:
            raised = await session.scalar(insert_ignore(self.db.dialect, ALARMS).values(
                day=slot.day, slot=slot.at, raised_at=at).returning(ALARMS.c.id))
            if raised is None:
                return False
            await self._send(session, messages, at)
            return True

    async def alarms(self, since: datetime, until: datetime) -> list[Alarm]:
        async with self.db.reading() as session:
            rows = await session.scalars(select(DutyAlarm).where(
                DutyAlarm.raised_at >= since, DutyAlarm.raised_at <= until)
                .order_by(DutyAlarm.raised_at))
            return [Alarm(r.day, r.slot, r.raised_at) for r in rows]

    async def _handovers(self, *where: object, limit: int | None = None,
                         newest: bool = False) -> list[Handover]:
        query = (select(DutyHandover, DutyHandoverAck)
                 .outerjoin(DutyHandoverAck, DutyHandoverAck.handover_id == DutyHandover.id)
                 .where(*where)  # type: ignore[arg-type]
                 .order_by(DutyHandover.id.desc() if newest else DutyHandover.id).limit(limit))
        async with self.db.reading() as session:
            return [Handover(h.id, h.follows, h.summary, h.handed_by, h.handed_at,
                             a.accepted_by if a else None, a.accepted_at if a else None)
                    for h, a in (await session.execute(query)).all()]

    async def latest_handover(self) -> Handover | None:
        found = await self._handovers(limit=1, newest=True)
        return found[0] if found else None

    async def handover(self, handover_id: int) -> Handover | None:
        found = await self._handovers(DutyHandover.id == handover_id)
        return found[0] if found else None

    async def handovers(self, since: datetime, until: datetime) -> list[Handover]:
        return await self._handovers(DutyHandover.handed_at >= since,
                                     DutyHandover.handed_at < until)

    async def hand_over(self, follows: int, summary: str, by_id: int, by: str,
                        at: datetime) -> Handover:
        try:
            async with self.db.transaction() as session:
                row = DutyHandover(follows=follows, summary=summary, handed_by_id=by_id,
                                   handed_by=by, handed_at=at)
                session.add(row)
                await session.flush()
        except IntegrityError:
            raise HandoverRefused("this shift was handed over already") from None
        return Handover(row.id, follows, summary, by, at, None, None)

    async def accept(self, handover_id: int, by_id: int, by: str, at: datetime) -> None:
        try:
            async with self.db.transaction() as session:
                session.add(DutyHandoverAck(handover_id=handover_id, accepted_by_id=by_id,
                                            accepted_by=by, accepted_at=at))
                await session.flush()
        except IntegrityError:
            raise HandoverRefused("this shift was accepted already") from None

    async def add_assignment(self, text: str, meeting_date: date, owner: str,
                             owner_email: str, deadline: date, by: str,
                             at: datetime) -> Assignment:
        async with self.db.transaction() as session:
            row = DutyAssignment(text=text, meeting_date=meeting_date, owner=owner,
                                 owner_email=owner_email, deadline=deadline,
                                 status=AssignmentStatus.OPEN.value, created_by=by,
                                 created_at=at)
            session.add(row)
            await session.flush()
            return Assignment(row.id, text, meeting_date, owner, owner_email, deadline,
                              AssignmentStatus.OPEN, ())

    async def add_note(self, assignment_id: int, text: str, status: AssignmentStatus | None,
                       author: str, at: datetime) -> None:
        async with self.db.transaction() as session:
            if await session.get(DutyAssignment, assignment_id) is None:
                raise DutyError("no such assignment")
            session.add(DutyAssignmentNote(assignment_id=assignment_id, text=text,
                                           status=status.value if status else "",
                                           author=author, at=at))
            if status is not None:
                await session.execute(update(DutyAssignment).where(
                    DutyAssignment.id == assignment_id).values(status=status.value))

    async def assignments(self) -> list[Assignment]:
        async with self.db.reading() as session:
            rows = list(await session.scalars(select(DutyAssignment).order_by(
                DutyAssignment.deadline, DutyAssignment.id)))
            notes = await session.scalars(select(DutyAssignmentNote).order_by(
                DutyAssignmentNote.at, DutyAssignmentNote.id))
        by_assignment: dict[int, list[tuple[datetime, str, str]]] = {}
        for n in notes:
            by_assignment.setdefault(n.assignment_id, []).append((n.at, n.author, n.text))
        return [Assignment(r.id, r.text, r.meeting_date, r.owner, r.owner_email, r.deadline,
                           AssignmentStatus(r.status), tuple(by_assignment.get(r.id, ())))
                for r in rows]

    async def remind(self, messages: Sequence[NewMessage], at: datetime) -> int:
        async with self.db.transaction() as session:
            return await self._send(session, messages, at)

    async def count_entries(self) -> int:
        async with self.db.reading() as session:
            return int(await session.scalar(select(func.count()).select_from(DutyEntry)) or 0)
