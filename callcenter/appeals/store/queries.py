"""Read side of appeals: `callcenter appeals list`, one appeal in full (with the contractors'
photos), and the search."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVarTuple

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model.listing import AppealListItem, CallRecording
from callcenter.appeals.model.photos import Photo
from callcenter.appeals.model.records import (
    AppealDetails,
    AppealSummary,
    CallInfo,
    SearchPage,
    SiblingAppeal,
)
from callcenter.appeals.model.search import AnyOf, SearchTerms, is_whole_number
from callcenter.appeals.rows import history_item, photo, photos_of
from callcenter.appeals.tables import Appeal, AppealAttachmentRow, AppealHistory
from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.recordings.tables import Recording
from callcenter.users.tables import User

COUNT_CAP = 10_000  # "more than 10,000" is all a search needs to say
Columns = TypeVarTuple("Columns")


async def list_appeals(db: Database, *, since: datetime | None = None,
                       limit: int | None = None) -> list[AppealListItem]:
    """The appeals, oldest first, with their calls and the calls' recordings: two queries
    whatever the number of appeals."""
    listed = select(Appeal, Call).outerjoin(Call, Appeal.call_id == Call.id)
    their_calls = select(Appeal.call_id)
    async with db.reading() as session:
        rows = (await session.execute(_window(listed, since, limit))).all()
        recordings = await _recordings_of(session, _window(their_calls, since, limit))
    return [_item(appeal, call, recordings.get(call.id, ()) if call else ())
            for appeal, call in rows]


def _window(query: Select[*Columns], since: datetime | None,
            limit: int | None) -> Select[*Columns]:
    query = query.order_by(Appeal.opened_at, Appeal.id)
    if since is not None:
        query = query.where(Appeal.opened_at >= since)
    if limit is not None:
        query = query.limit(limit)
    return query


async def _recordings_of(session: AsyncSession,
                         call_ids: Select[int | None] | Sequence[int]
                         ) -> dict[int, tuple[CallRecording, ...]]:
    """The recordings of the calls `call_ids` selects, by call, oldest first."""
    rows = (await session.scalars(
        select(Recording).where(Recording.call_id.in_(call_ids))
        .order_by(Recording.created_at, Recording.id))).all()
    found: dict[int, list[CallRecording]] = {}
    for row in rows:
        found.setdefault(row.call_id, []).append(_recording(row))
    return {call_id: tuple(items) for call_id, items in found.items()}


def _recording(row: Recording) -> CallRecording:
    return CallRecording(id=row.id, state=row.state, format=row.format, duration=row.duration,
                         stored_path=row.stored_path, stored_sha256=row.stored_sha256,
                         original_path=row.original_path,
                         original_sha256=row.original_sha256)


def _item(appeal: Appeal, call: Call | None,
          recordings: tuple[CallRecording, ...]) -> AppealListItem:
    return AppealListItem(
        number=appeal.number,
        status=appeal.status,
        channel=appeal.channel,
        caller=appeal.caller,
        caller_name=appeal.caller_name,
        opened_at=appeal.opened_at,
        line=call.line if call else None,
        trunk=call.trunk if call else None,
        carrier=call.carrier if call else None,
        call_id=call.linkedid if call else None,
        pbx=call.pbx if call else None,
        call_outcome=call.outcome if call else None,
        operator=call.operator if call else None,
        answered_at=call.answered_at if call else None,
        ended_at=call.ended_at if call else None,
        recording_path=call.recording_path if call else None,
        recording_problem=appeal.recording_problem,
        recordings=recordings,
    )


async def appeal_details(db: Database, number: str) -> AppealDetails | None:
    query = (select(Appeal, Call, User.username).outerjoin(Call, Appeal.call_id == Call.id)
             .outerjoin(User, Appeal.completed_by == User.id).where(Appeal.number == number))
    async with db.reading() as session:
        row = (await session.execute(query)).first()
        if row is None:
            return None
        appeal, call, completed_by = row
        siblings = [] if call is None else (await session.execute(
            select(Appeal.number, Appeal.status)
            .where(Appeal.call_id == call.id, Appeal.id != appeal.id)
            .order_by(Appeal.id))).all()
        history = (await session.scalars(
            select(AppealHistory).where(AppealHistory.appeal_id == appeal.id)
            .order_by(AppealHistory.id))).all()
        photos = await photos_of(session, appeal.id)
        recordings = {} if call is None else await _recordings_of(session, [call.id])
    return AppealDetails(
        summary=_summary(appeal), version=appeal.version, updated_at=appeal.updated_at,
        street=appeal.street, street_unlisted=appeal.street_unlisted, house=appeal.house,
        flat=appeal.flat, contact_name=appeal.contact_name, contact_phone=appeal.contact_phone,
        completed_by=completed_by, completed_at=appeal.completed_at,
        call=_call_info(call, recordings.get(call.id, ())) if call else None,
        siblings=[SiblingAppeal(number, status) for number, status in siblings],
        history=[history_item(r) for r in history], photos=photos, answer=appeal.answer)


async def appeal_photos(db: Database, number: str) -> list[Photo]:
    """The photos of the appeal with this number; none when there is no such appeal."""
    query = (select(AppealAttachmentRow)
             .join(Appeal, Appeal.id == AppealAttachmentRow.appeal_id)
             .where(Appeal.number == number).order_by(AppealAttachmentRow.id))
    async with db.reading() as session:
        rows = (await session.scalars(query)).all()
    return [photo(r) for r in rows]


def _summary(appeal: Appeal) -> AppealSummary:
    return AppealSummary(number=appeal.number, status=appeal.status, channel=appeal.channel,
                         opened_at=appeal.opened_at, caller=appeal.caller,
                         caller_name=appeal.caller_name, category=appeal.category,
                         address=appeal.address, description=appeal.description,
                         emergency=appeal.emergency)


def _call_info(call: Call, recordings: tuple[CallRecording, ...]) -> CallInfo:
    return CallInfo(call_id=call.linkedid, line=call.line, trunk=call.trunk,
                    carrier=call.carrier, outcome=call.outcome, operator=call.operator,
                    entered_at=call.entered_at, answered_at=call.answered_at,
                    ended_at=call.ended_at, recording_path=call.recording_path,
                    recordings=recordings)


async def search_appeals(db: Database, terms: SearchTerms) -> SearchPage:
    """A page, newest first (the `opened_at` index lets a common term stop early), and the
    total: known from the page when it is the last one, else counted up to COUNT_CAP."""
    conditions = search_conditions(terms)
    page = (select(Appeal).where(*conditions)
            .order_by(Appeal.opened_at.desc(), Appeal.id.desc())
            .limit(terms.limit + 1).offset(terms.offset))  # one more: is there a next page?
    async with db.reading() as session:
        rows = (await session.scalars(page)).all()
        items = [_summary(r) for r in rows[:terms.limit]]
        if len(rows) <= terms.limit and (rows or terms.offset == 0):  # the last page
            return SearchPage(items=items, total=terms.offset + len(rows))
        matches = select(Appeal.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
        total = int(await session.scalar(select(func.count()).select_from(matches)) or 0)
    return SearchPage(items=items, total=min(total, COUNT_CAP), capped=total > COUNT_CAP)


def search_conditions(terms: SearchTerms) -> list[ColumnElement[bool]]:
    """Every term narrows; the keys are folded (no LIKE wildcards in them), numbers are digits
    and dashes only."""
    found: list[ColumnElement[bool]] = []
    if terms.any_of is not None:
        found.append(_any_of(terms.any_of))
    if terms.number:
        found.append(_number(terms.number))
    if terms.phones:
        found.append(_phones(terms.phones))
    if terms.address:
        found.append(Appeal.search_address.contains(terms.address))
    if terms.category:
        found.append(Appeal.category == terms.category)
    if terms.status:
        found.append(Appeal.status == terms.status)
    if terms.opened_from is not None:
        found.append(Appeal.opened_at >= terms.opened_from)
    if terms.opened_before is not None:
        found.append(Appeal.opened_at < terms.opened_before)
    return found


def _number(typed: str) -> ColumnElement[bool]:
    if is_whole_number(typed):
        return Appeal.number == typed
    return Appeal.number.startswith(typed)


def _phones(patterns: tuple[str, ...]) -> ColumnElement[bool]:
    return or_(*(Appeal.search_phone.contains(p) for p in patterns))


def _any_of(terms: AnyOf) -> ColumnElement[bool]:
    options: list[ColumnElement[bool]] = [Appeal.search_name.contains(terms.text),
                                          Appeal.search_text.contains(terms.text)]
    if terms.address:
        options.append(Appeal.search_address.contains(terms.address))
    if terms.number:
        options.append(_number(terms.number))
    if terms.phones:
        options.append(_phones(terms.phones))
    return or_(*options)
