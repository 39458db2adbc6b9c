"""Outage reads open to other features' stores: the outages now or soon at addresses, as the
screen pop's card asks (an indexed query on the places' street keys, house ranges checked
here), and an outage record from its rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.core.errors import InvalidHouseNumber
from callcenter.core.folding import fold
from callcenter.outages.model.places import Hit, covers, hit, house_spec, ordered
from callcenter.outages.model.records import Kind, Outage, Place, Status, Utility
from callcenter.outages.tables import OutagePlaceRow, OutageRow
from callcenter.reference.model.addresses import House, parse_house

OPEN = [Status.PLANNED.value, Status.ACTIVE.value]


async def outages_at(session: AsyncSession, addresses: Sequence[tuple[str, str | None]],
                     now: datetime, soon_seconds: float) -> list[Hit]:
    """Outages now or starting within `soon_seconds` at any of the (official street name,
    house) pairs (a house None: anywhere on the street); each once, current first."""
    wanted: dict[str, list[House | None]] = {}
    for street, house in addresses:
        wanted.setdefault(fold(street), []).append(_house(house))
    if not wanted:
        return []
    rows = (await session.execute(
        select(OutageRow, OutagePlaceRow).join(OutagePlaceRow,
                                               OutagePlaceRow.outage_id == OutageRow.id)
        .where(OutagePlaceRow.street_key.in_(list(wanted)), OutageRow.status.in_(OPEN),
               OutageRow.starts_at <= now + timedelta(seconds=soon_seconds)))).all()
    matched: dict[int, OutageRow] = {}
    for outage, place in rows:
        spec = house_spec(place.houses)
        if any(covers(spec, h) for h in wanted[place.street_key]):
            matched[outage.id] = outage
    places = await places_of(session, list(matched))
    found = [hit(as_outage(r, tuple(places.get(i, ()))), now, soon_seconds)
             for i, r in matched.items()]
    return ordered(h for h in found if h is not None)


async def places_of(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[Place]]:
    places: dict[int, list[Place]] = {}
    if not ids:
        return places
    found = await session.scalars(select(OutagePlaceRow).where(
        OutagePlaceRow.outage_id.in_(list(ids))).order_by(OutagePlaceRow.id))
    for p in found:
        places.setdefault(p.outage_id, []).append(
            Place(p.street_key, p.street, p.houses, p.district))
    return places


def as_outage(row: OutageRow, places: tuple[Place, ...], calls: int = 0) -> Outage:
    return Outage(row.id, Utility(row.utility), Kind(row.kind), Status(row.status), places,
                  row.starts_at, row.expected_end, row.actual_end, row.note,
                  row.internal_note, row.contractor, row.created_at, row.updated_at, calls)


def _house(text: str | None) -> House | None:
    if not text:
        return None
    try:
        return parse_house(text)
    except InvalidHouseNumber:
        return None
