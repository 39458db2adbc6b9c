"""Residents' personal data in the database: which appeals are due, and anonymizing one (the
appeal, its call, its history's free text, its outbox messages and their delivery log) in one
transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model.search import search_keys
from callcenter.appeals.model.statuses import FINAL
from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.core.phones import mask, normalize
from callcenter.delivery.model.outbox import SMS, OutboxState
from callcenter.delivery.tables import DeliveryAttemptRow, OutboxMessageRow
from callcenter.mail.tables import MailLetter
from callcenter.recordings.model.disputes import DisputeState
from callcenter.recordings.tables import Dispute, Recording
from callcenter.residents.model.privacy import PersonalData, scrub, without_flat

ANONYMIZED = "anonymized"
DONE_WITH = (OutboxState.SENT.value, OutboxState.DEAD.value, OutboxState.CANCELLED.value)


def held() -> ColumnElement[bool]:
    """The appeal's recording (its own or its call's) is under legal hold, or a dispute about
    it is open."""
    recording = exists().where(Recording.legal_hold.is_(True),
                               or_(Recording.appeal_id == Appeal.id,
                                   and_(Appeal.call_id.is_not(None),
                                        Recording.call_id == Appeal.call_id)))
    dispute = exists().where(Dispute.appeal_id == Appeal.id,
                             Dispute.state == DisputeState.OPEN.value)
    return or_(recording, dispute)


def anonymized() -> ColumnElement[bool]:
    return exists().where(AppealHistory.appeal_id == Appeal.id,
                          AppealHistory.action == ANONYMIZED)


class SqlPrivacyStore:
    def __init__(self, db: Database, *, area_code: str) -> None:
        self.db = db
        self.area_code = area_code

    async def due(self, cutoff: datetime) -> list[tuple[int, str, bool]]:
        query = (select(Appeal.id, Appeal.number, held())
                 .where(Appeal.status.in_([s.value for s in FINAL]),
                        Appeal.updated_at < cutoff, ~anonymized())
                 .order_by(Appeal.id))
        async with self.db.reading() as session:
            rows = (await session.execute(query)).all()
        return [(int(i), str(n), bool(h)) for i, n, h in rows]

    async def personal_data(self, number: str, phone: str) -> PersonalData | None:
        e164 = normalize(phone, area_code=self.area_code)
        if e164 is None:
            return None
        query = (select(Appeal, held(), anonymized())
                 .where(Appeal.number == number,
                        or_(Appeal.caller == e164, Appeal.contact_phone == e164)))
        async with self.db.reading() as session:
            row = (await session.execute(query)).first()
        if row is None:
            return None
        a, on_hold, done = row
        return PersonalData(
            appeal_id=a.id, number=a.number, status=a.status, opened_at=a.opened_at,
            caller=a.caller, caller_name=a.caller_name, contact_name=a.contact_name,
            contact_phone=a.contact_phone, contact_email=a.contact_email, address=a.address,
            description=a.description, answer=a.answer, sms_refused=a.sms_refused,
            anonymized=bool(done), held=bool(on_hold))

    async def anonymize(self, appeal_id: int, *, at: datetime, actor: str,
                        reason: str) -> None:
        async with self.db.transaction() as session:
            appeal = await session.scalar(select(Appeal).where(Appeal.id == appeal_id)
                                          .with_for_update())
            if appeal is None:
                return
            _appeal(appeal)
            session.add(AppealHistory(appeal_id=appeal.id, at=at, actor=actor,
                                      action=ANONYMIZED, from_status=None, to_status=None,
                                      comment=reason))
            await _history(session, appeal.id)
            if appeal.call_id is not None:
                await session.execute(update(Call).where(Call.id == appeal.call_id)
                                      .values(caller=None, caller_raw="", caller_name=None))
            await _messages(session, appeal.id)
            await _letters(session, appeal.id)


async def _letters(session: AsyncSession, appeal_id: int) -> None:
    """The resident's letters (mail): the sender gone, subject and text scrubbed."""
    rows = (await session.scalars(select(MailLetter)
                                  .where(MailLetter.appeal_id == appeal_id))).all()
    for row in rows:
        row.sender, row.sender_name = "", ""
        row.subject = scrub(row.subject) or ""
        row.text = scrub(row.text) or ""


def _appeal(appeal: Appeal) -> None:
    """Names, numbers, e-mails and the flat out; free text scrubbed; search keys rebuilt."""
    appeal.caller = appeal.caller_name = appeal.contact_name = None
    appeal.contact_phone = appeal.contact_email = appeal.flat = None
    appeal.address = without_flat(appeal.address)
    appeal.description = scrub(appeal.description)
    appeal.answer = scrub(appeal.answer)
    keys = search_keys(address=appeal.address, caller=None, caller_name=None,
                       contact_name=None, contact_phone=None, description=appeal.description)
    appeal.search_address, appeal.search_name = keys.address, keys.name
    appeal.search_text, appeal.search_phone = keys.text, keys.phone


async def _history(session: AsyncSession, appeal_id: int) -> None:
    rows = (await session.scalars(select(AppealHistory)
                                  .where(AppealHistory.appeal_id == appeal_id))).all()
    for row in rows:
        cleaned = scrub(row.comment) or ""
        if cleaned != row.comment:
            row.comment = cleaned


async def _messages(session: AsyncSession, appeal_id: int) -> None:
    """Messages already sent (or given up) keep their rows, not the resident's data; an SMS
    not sent yet is cancelled."""
    mine = OutboxMessageRow.appeal_id == appeal_id
    await session.execute(update(OutboxMessageRow)
                          .where(mine, OutboxMessageRow.state.in_(DONE_WITH))
                          .values(payload='{"anonymized": true}'))
    texts = OutboxMessageRow.channel == SMS
    await session.execute(update(OutboxMessageRow)
                          .where(mine, texts, OutboxMessageRow.state == OutboxState.PENDING.value)
                          .values(state=OutboxState.CANCELLED.value,
                                  payload='{"anonymized": true}'))
    sms = (await session.scalars(select(OutboxMessageRow).where(
        mine, texts, OutboxMessageRow.state.in_(DONE_WITH)))).all()
    for message in sms:
        message.recipient = mask(message.recipient) or ""
    ids = [m.id for m in sms]
    if ids:
        for attempt in (await session.scalars(select(DeliveryAttemptRow).where(
                DeliveryAttemptRow.outbox_id.in_(ids)))).all():
            attempt.recipient = mask(attempt.recipient) or ""
