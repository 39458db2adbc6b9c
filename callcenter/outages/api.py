"""Outages' HTTP API. Public (no sign-in): the JSON list, the address check, an Atom feed and
an iCalendar feed, with stable ids (`tag:` URIs and UIDs by outage id; an entry's `updated`
and an event's DTSTAMP are the outage's last change), so a feed read twice is identical and a
reader never sees repeats. Contractors (their sign-in): their own outages as JSON, register one,
move its status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event
from pydantic import BaseModel, Field

from callcenter.outages.model.places import Hit, parse_places
from callcenter.outages.model.records import (
    FINAL,
    InvalidOutage,
    Kind,
    Outage,
    OutageDraft,
    Status,
    Utility,
)
from callcenter.outages.model.texts import addresses, headline, outage_post, period_text
from callcenter.outages.service import Outages
from callcenter.outages.service.announcements import Announcements
from callcenter.users.access import allow, only, public
from callcenter.users.model import Principal, Role

router = APIRouter(tags=["outages"])
open_router = APIRouter(tags=["outages"], dependencies=[Depends(public())])
Contractor = Annotated[Principal, Depends(only(Role.CONTRACTOR))]
Desk = Annotated[Principal, Depends(allow(Role.OPERATOR, Role.SUPERVISOR))]
FEED_SIZE = 100
TAG = "tag:1580.hotline,2026:outage/"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
PUBLIC = "/vidkliuchennia"


def outages_of(request: Request) -> Outages:
    found: Outages = request.app.state.outages
    return found


def announcements_of(request: Request) -> Announcements:
    found: Announcements = request.app.state.announcements
    return found


class OutageIn(BaseModel):
    utility: Utility
    kind: Kind
    places: str = Field(max_length=4000, description="one a line: `вул. Незалежності: "
                        "1-15 непарні, 20`, `Шевченка`, `мікрорайон Центр`")
    starts_at: datetime
    expected_end: datetime | None = None
    note: str = Field("", max_length=2000)
    internal_note: str = Field("", max_length=2000)


class AttachIn(BaseModel):
    number: str = Field(max_length=24, description="the appeal's number (2026-000123)")


class StatusIn(BaseModel):
    status: Status
    comment: str = Field("", max_length=2000)


def as_json(outage: Outage, tz: str, *, internal: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": outage.id, "utility": outage.utility.value, "kind": outage.kind.value,
        "status": outage.status.value, "starts_at": outage.starts_at.isoformat(),
        "expected_end": outage.expected_end.isoformat() if outage.expected_end else None,
        "actual_end": outage.actual_end.isoformat() if outage.actual_end else None,
        "title": headline(outage), "period": period_text(outage, tz),
        "addresses": addresses(outage.places),
        "places": [{"street": p.street, "houses": p.houses, "district": p.district}
                   for p in outage.places],
        "note": outage.note, "updated_at": outage.updated_at.isoformat(),
        "calls": outage.calls}
    if internal:
        body["internal_note"] = outage.internal_note
    return body


def hit_json(hit: Hit, tz: str) -> dict[str, Any]:
    return {"when": hit.when, **as_json(hit.outage, tz)}


@open_router.get("/api/outages")
async def public_outages(request: Request) -> list[dict[str, Any]]:
    """Outages not over and those ended or changed in the last day, by start."""
    service = outages_of(request)
    listed = await service.listing(days=1)
    return [as_json(o, service.timezone) for o in listed if o.status != Status.CANCELLED]


@open_router.get("/api/outages/check")
async def check(request: Request, address: Annotated[str, Query(max_length=200)]
                ) -> list[dict[str, Any]]:
    """Outages now (`when` = now) or starting soon at an address (`Незалежності 12`)."""
    service = outages_of(request)
    return [hit_json(h, service.timezone) for h in await service.at_address(address)]


@open_router.get(PUBLIC + "/feed.atom")
async def atom(request: Request) -> Response:
    service = outages_of(request)
    listed = await service.latest(FEED_SIZE)
    base = str(request.base_url).rstrip("/")
    feed = FeedGenerator()
    feed.id(TAG + "feed")
    feed.title("Відключення: гаряча лінія 1580")
    feed.subtitle("Планові та аварійні відключення води, тепла, світла й газу")
    feed.link(href=f"{base}{PUBLIC}", rel="alternate")
    feed.link(href=f"{base}{PUBLIC}/feed.atom", rel="self")
    feed.language("uk")
    feed.author({"name": "Гаряча лінія 1580"})
    feed.updated(max((o.updated_at for o in listed), default=EPOCH))
    feed.generator("callcenter")
    for outage in listed:
        entry = feed.add_entry(order="append")
        entry.id(f"{TAG}{outage.id}")
        entry.title(f"{headline(outage)}: {', '.join(addresses(outage.places))}"[:300])
        entry.link(href=f"{base}{PUBLIC}/{outage.id}")
        entry.updated(outage.updated_at)
        entry.published(outage.created_at)
        entry.content(outage_post(outage, service.timezone), type="text")
    return Response(feed.atom_str(pretty=True), media_type="application/atom+xml")


@open_router.get(PUBLIC + "/calendar.ics")
async def calendar(request: Request) -> Response:
    service = outages_of(request)
    listed = await service.latest(FEED_SIZE)
    base = str(request.base_url).rstrip("/")
    cal = Calendar()
    cal.add("prodid", "-//Hotline 1580//Outages//UK")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Відключення 1580")
    for outage in sorted(listed, key=lambda o: o.id):
        event = Event()
        event.add("uid", f"outage-{outage.id}@1580.hotline")
        event.add("dtstamp", outage.updated_at.astimezone(UTC))
        event.add("last-modified", outage.updated_at.astimezone(UTC))
        event.add("dtstart", outage.starts_at.astimezone(UTC))
        event.add("dtend", _end(outage).astimezone(UTC))
        event.add("summary", headline(outage))
        event.add("location", "; ".join(addresses(outage.places)))
        event.add("description", outage_post(outage, service.timezone))
        event.add("url", f"{base}{PUBLIC}/{outage.id}")
        event.add("status", "CANCELLED" if outage.status == Status.CANCELLED else "CONFIRMED")
        cal.add_component(event)
    return Response(cal.to_ical(), media_type="text/calendar; charset=utf-8")


def _end(outage: Outage) -> datetime:
    end = outage.actual_end or outage.expected_end
    if end is None or end <= outage.starts_at:
        return outage.starts_at + timedelta(hours=1)
    return end


@router.get("/api/contractor/outages")
async def contractor_outages(request: Request, user: Contractor) -> list[dict[str, Any]]:
    service = outages_of(request)
    listed = await service.listing(contractor=user.contractor or "-", days=30)
    return [as_json(o, service.timezone, internal=True) for o in listed]


@router.post("/api/contractor/outages", status_code=201)
async def contractor_report(request: Request, user: Contractor, body: OutageIn
                            ) -> dict[str, Any]:
    service = outages_of(request)
    places = parse_places(body.places, service.streets, service.districts)
    if body.starts_at.tzinfo is None:
        raise InvalidOutage({"starts_at": "a time with its offset (2026-12-07T09:00+02:00)"})
    draft = OutageDraft(body.utility, body.kind, places, body.starts_at, body.expected_end,
                        body.note, body.internal_note, user.contractor or "-")
    [outage_id] = await service.create([draft], user.username)
    return as_json(await service.get(outage_id), service.timezone, internal=True)


@router.post("/api/contractor/outages/{outage_id}/status")
async def contractor_move(request: Request, user: Contractor, outage_id: int,
                          body: StatusIn) -> dict[str, Any]:
    service = outages_of(request)
    await service.move(outage_id, body.status, user.username, body.comment,
                       contractor=user.contractor or "-")
    outage = await service.get(outage_id)
    return as_json(outage, service.timezone, internal=True) | {
        "final": outage.status in FINAL}


@router.post("/api/outages/{outage_id}/appeals")
async def attach(request: Request, user: Desk, outage_id: int, body: AttachIn
                 ) -> dict[str, Any]:
    """One click on the pop: the appeal is answered by this outage (status `consultation`,
    linked, "already known, crews at work" in its history) instead of being routed."""
    service = outages_of(request)
    attached = await service.attach(outage_id, body.number, user.username)
    outage = await service.get(outage_id)
    return {"attached": attached, "number": body.number, "outage": outage.id,
            "calls": outage.calls}


@router.get("/api/outages/watch")
async def watch(request: Request, user: Desk) -> dict[str, Any]:
    """For supervisors: outages drawing calls in the last hour, and probable unreported
    outages (many appeals of one utility on one street, no outage registered there)."""
    service = outages_of(request)
    return {"drawing": [{"calls_last_hour": n, **as_json(o, service.timezone)}
                        for o, n in await service.drawing_calls()],
            "probable": [{"utility": p.utility.value, "street": p.street,
                          "appeals": p.appeals} for p in await service.probable()],
            "announcements": [{"id": a.id, "text": a.text, "on_at": a.on_at.isoformat(),
                               "calls": a.calls, "left_before_queue": a.left_before_queue}
                              for a in (await announcements_of(request).view(0)).playing]}
