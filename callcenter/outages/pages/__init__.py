"""Outages' pages. Staff (`/outages`: operators and supervisors see and enter every outage;
contractors their own): the list, a form to register one, its page to edit, resolve or
cancel, and a sheet upload with the template to download; the desk also reads the morning
digests sent (`/outages/digests`, a day's in full at `/outages/digests/{day}`). Residents
(`/vidkliuchennia`, no sign-in, no script): current, today's and planned outages by utility
and street, and a page per outage with the text for social media."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callcenter.core.errors import DomainError
from callcenter.core.web.i18n import N_, language_of
from callcenter.core.web.labels import Labels, local_time, names_of
from callcenter.core.web.pages import render
from callcenter.outages.api import PUBLIC, announcements_of, outages_of
from callcenter.outages.model.digests import DigestNotFound, parse_day
from callcenter.outages.model.places import parse_places, places_text, street_place
from callcenter.outages.model.records import (
    KIND_NAMES,
    STATUS_NAMES,
    UTILITY_TITLES,
    InvalidOutage,
    Kind,
    Outage,
    OutageDraft,
    Status,
    Utility,
)
from callcenter.outages.model.sheet import parse_local, template_csv, template_xlsx
from callcenter.outages.model.texts import addresses, day_post, outage_post, period_text
from callcenter.outages.service import Outages
from callcenter.outages.service.digests import DigestArchive
from callcenter.users.access import Desk, allow, public
from callcenter.users.model import Principal, Role

HISTORY_ACTIONS = {"created": N_("registered"), "edited": N_("changed"),
                   "status": N_("status changed"), "appeal": N_("an appeal answered by it")}
staff = APIRouter(include_in_schema=False)
digests = APIRouter(include_in_schema=False)
residents = APIRouter(include_in_schema=False, dependencies=[Depends(public())])
Staff = Annotated[Principal, Depends(allow(Role.OPERATOR, Role.SUPERVISOR, Role.CONTRACTOR))]
Text = Annotated[str, Form(max_length=4000)]


def scope(user: Principal) -> str | None:
    """A contractor sees and edits only the outages it reported."""
    return user.contractor or "-" if user.role == Role.CONTRACTOR else None


def shown(outage: Outage, tz: str, now: datetime) -> dict[str, object]:
    return {"o": outage, "utility": UTILITY_TITLES[outage.utility],
            "kind": KIND_NAMES[outage.kind], "status": STATUS_NAMES[outage.status_at(now)],
            "period": period_text(outage, tz), "addresses": addresses(outage.places)}


@staff.get("/outages", response_class=HTMLResponse)
async def staff_list(request: Request, user: Staff) -> HTMLResponse:
    return await _list(request, user)


@staff.post("/outages", response_class=HTMLResponse)
async def staff_create(request: Request, user: Staff, utility: Annotated[str, Form()],
                       kind: Annotated[str, Form()], places: Text, start: Text,
                       expected_end: Text = "", note: Text = "", internal_note: Text = "",
                       contractor: Annotated[str, Form(max_length=64)] = "") -> Response:
    service = outages_of(request)
    try:
        draft = _draft(service, utility, kind, places, start, expected_end, note,
                       internal_note, scope(user) or contractor.strip() or None)
        [outage_id] = await service.create([draft], user.username)
    except InvalidOutage as exc:
        return await _list(request, user, problems=exc.problems, status=422)
    return RedirectResponse(f"/outages/{outage_id}", status_code=303)


@staff.post("/outages/probable", response_class=HTMLResponse)
async def staff_register_probable(request: Request, user: Staff,
                                  utility: Annotated[str, Form()], street: Text,
                                  appeals: Annotated[int, Form()] = 0) -> Response:
    """One click on a probable unreported outage: an emergency one on the whole street from
    now, to be refined on its page."""
    service = outages_of(request)
    try:
        draft = OutageDraft(Utility(utility), Kind.EMERGENCY,
                            (street_place(street, "", service.streets),), service.clock(),
                            None, internal_note=f"Registered from {appeals} appeals")
        [outage_id] = await service.create([draft], user.username)
    except (InvalidOutage, ValueError):
        return await _list(request, user, problems={"street": street}, status=422)
    return RedirectResponse(f"/outages/{outage_id}", status_code=303)


@staff.get("/outages/template.csv")
async def sheet_csv(user: Staff) -> Response:
    return Response(template_csv(), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": 'attachment; filename="outages.csv"'})


@staff.get("/outages/template.xlsx")
async def sheet_xlsx(user: Staff) -> Response:
    return Response(template_xlsx(), media_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), headers={
        "content-disposition": 'attachment; filename="outages.xlsx"'})


@staff.post("/outages/upload", response_class=HTMLResponse)
async def staff_upload(request: Request, user: Staff,
                       sheet: Annotated[UploadFile, File()]) -> HTMLResponse:
    content = await sheet.read(5_000_000)
    try:
        result, ids = await outages_of(request).import_sheet(
            sheet.filename or "", content, user.username, contractor=scope(user))
    except InvalidOutage as exc:
        return await _list(request, user, problems=exc.problems, status=422)
    return await _list(request, user, sheet_problems=result.problems, imported=len(ids),
                       status=422 if result.problems else 200)


@staff.get("/outages/{outage_id}", response_class=HTMLResponse)
async def staff_one(request: Request, user: Staff, outage_id: int) -> HTMLResponse:
    return await _one(request, user, outage_id)


@staff.post("/outages/{outage_id}", response_class=HTMLResponse)
async def staff_edit(request: Request, user: Staff, outage_id: int,
                     utility: Annotated[str, Form()], kind: Annotated[str, Form()],
                     places: Text, start: Text, expected_end: Text = "", note: Text = "",
                     internal_note: Text = "") -> Response:
    service = outages_of(request)
    try:
        draft = _draft(service, utility, kind, places, start, expected_end, note,
                       internal_note, scope(user))
        await service.edit(outage_id, draft, user.username, contractor=scope(user))
    except InvalidOutage as exc:
        typed = {"utility": utility, "kind": kind, "places": places, "start": start,
                 "expected_end": expected_end, "note": note, "internal_note": internal_note}
        return await _one(request, user, outage_id, problems=exc.problems, status=422,
                          typed=typed)
    return RedirectResponse(f"/outages/{outage_id}", status_code=303)


@staff.post("/outages/{outage_id}/status", response_class=HTMLResponse)
async def staff_move(request: Request, user: Staff, outage_id: int,
                     status: Annotated[str, Form()], comment: Text = "") -> Response:
    try:
        wanted = Status(status)
    except ValueError:
        return await _one(request, user, outage_id, problems={"status": status}, status=422)
    await outages_of(request).move(outage_id, wanted, user.username, comment,
                                   contractor=scope(user))
    return RedirectResponse(f"/outages/{outage_id}", status_code=303)


async def _list(request: Request, user: Principal, *, problems: dict[str, str] | None = None,
                sheet_problems: object = (), imported: int = 0,
                status: int = 200) -> HTMLResponse:
    service = outages_of(request)
    now = service.clock()
    listed = await service.listing(contractor=scope(user))
    desk = user.role != Role.CONTRACTOR
    drawing = await service.drawing_calls() if desk else []
    probable = await service.probable() if desk else []
    playing = len((await announcements_of(request).view(recent=0)).playing) if desk else 0
    return render(request, "outages/staff.html", status=status, principal=user,
                  desk=desk, playing=playing,
                  drawing=[(shown(o, service.timezone, now), n) for o, n in drawing],
                  probable=probable,
                  outages=[shown(o, service.timezone, now) for o in listed],
                  utilities=UTILITY_TITLES, kinds=KIND_NAMES, problems=problems or {},
                  sheet_problems=sheet_problems, imported=imported,
                  districts=sorted(service.districts))


async def _one(request: Request, user: Principal, outage_id: int, *,
               problems: dict[str, str] | None = None, status: int = 200,
               typed: dict[str, str] | None = None) -> HTMLResponse:
    """An outage's page; after a refused edit the form shows what was typed, not the
    stored outage, so nothing typed is lost."""
    service = outages_of(request)
    page = await service.page(outage_id, contractor=scope(user))
    tz = service.timezone
    outage = page.outage
    form = {"places": places_text(outage.places, service.districts),
            "start": _local(outage.starts_at, tz), "expected_end": _local(outage.expected_end, tz),
            "note": outage.note, "internal_note": outage.internal_note,
            "utility": outage.utility.value, "kind": outage.kind.value, **(typed or {})}
    return render(request, "outages/staff_one.html", status=status, principal=user,
                  item=shown(outage, tz, service.clock()), history=page.history,
                  local=local_time(ZoneInfo(tz)), actions=HISTORY_ACTIONS,
                  labels=Labels(language_of(request), await names_of(request)),
                  utilities=UTILITY_TITLES, kinds=KIND_NAMES, statuses=STATUS_NAMES,
                  form=form, problems=problems or {}, post=outage_post(outage, tz), tz=tz,
                  can_announce=user.role in (Role.SUPERVISOR, Role.ADMIN))


def _local(moment: datetime | None, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _draft(service: Outages, utility: str, kind: str, places: str, start: str,
           expected_end: str, note: str, internal_note: str,
           contractor: str | None) -> OutageDraft:
    problems: dict[str, str] = {}
    try:
        found = parse_places(places, service.streets, service.districts)
    except InvalidOutage as exc:
        problems.update(exc.problems)
        found = ()
    times: list[datetime | None] = []
    for name, value in (("start", start), ("expected_end", expected_end)):
        try:
            times.append(parse_local(value, service.timezone, required=name == "start"))
        except InvalidOutage as exc:
            problems[name] = "; ".join(exc.problems.values())
            times.append(None)
    if utility not in Utility.__members__.values() or kind not in Kind.__members__.values():
        problems["utility"] = "choose"
    if problems or times[0] is None:
        raise InvalidOutage(problems or {"start": "required"})
    return OutageDraft(Utility(utility), Kind(kind), found, times[0], times[1], note.strip(),
                       internal_note.strip(), contractor)


# --- the morning digests sent ---

def archive_of(request: Request) -> DigestArchive:
    found: DigestArchive = request.app.state.outage_digests
    return found


def digest_words(request: Request, archive: DigestArchive) -> dict[str, Any]:
    return {"labels": Labels(language_of(request)),
            "when": local_time(ZoneInfo(archive.timezone))}


@digests.get("/outages/digests", response_class=HTMLResponse)
async def digest_list(request: Request, user: Desk,
                      before: Annotated[date | None, Query()] = None) -> HTMLResponse:
    archive = archive_of(request)
    found = await archive.recent(before)
    return render(request, "outages/digests.html", principal=user, digests=found.digests,
                  older=found.older, paged=before is not None,
                  **digest_words(request, archive))


@digests.get("/outages/digests/{day}", response_class=HTMLResponse)
async def digest_one(request: Request, user: Desk,
                     day: Annotated[str, Path(max_length=32)]) -> HTMLResponse:
    archive = archive_of(request)
    try:
        digest = await archive.of_day(parse_day(day))
    except DigestNotFound:
        return render(request, "outages/digest_missing.html", principal=user, status=404)
    return render(request, "outages/digest.html", principal=user, digest=digest,
                  **digest_words(request, archive))


# --- residents ---

@residents.get(PUBLIC, response_class=HTMLResponse)
async def public_list(request: Request, utility: Annotated[str, Query(max_length=16)] = "",
                      street: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    service = outages_of(request)
    now, tz = service.clock(), service.timezone
    listed = [o for o in await service.listing(days=1)
              if o.status != Status.CANCELLED and (not utility or o.utility == utility)]
    if street.strip():
        wanted = {h.outage.id for h in await service.at_address(street)}
        listed = [o for o in listed if o.id in wanted]
    today_end = datetime.combine(now.astimezone(ZoneInfo(tz)).date() + timedelta(days=1),
                                 datetime.min.time(), ZoneInfo(tz))
    sections = [
        ("now", [o for o in listed if o.is_current(now)]),
        ("today", [o for o in listed if o.status_at(now) == Status.PLANNED
                   and o.starts_at < today_end]),
        ("planned", [o for o in listed if o.status_at(now) == Status.PLANNED
                     and o.starts_at >= today_end]),
        ("resolved", [o for o in listed if o.status == Status.RESOLVED]),
    ]
    return render(request, "outages/public.html",
                  sections=[(name, [shown(o, tz, now) for o in items])
                            for name, items in sections],
                  utilities=UTILITY_TITLES, utility=utility, street=street,
                  day_post=day_post(listed, now.astimezone(ZoneInfo(tz)).date(), tz))


@residents.get(PUBLIC + "/{outage_id}", response_class=HTMLResponse)
async def public_one(request: Request, outage_id: int) -> HTMLResponse:
    service = outages_of(request)
    try:
        outage = await service.get(outage_id)
    except DomainError:
        return render(request, "outages/public_missing.html", status=404)
    return render(request, "outages/public_one.html",
                  item=shown(outage, service.timezone, service.clock()),
                  post=outage_post(outage, service.timezone))
