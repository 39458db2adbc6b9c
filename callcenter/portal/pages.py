"""The portal's pages (`/portal`): the form, the answer (the appeal's number and how to check
it), and street suggestions for the form's script. No sign-in; works without JavaScript (the
category search is a plain GET form, the street a plain text field the script only helps).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from callcenter.appeals.model.filing import ExternalAppeal
from callcenter.appeals.model.form import InvalidAppealForm
from callcenter.appeals.model.photos import (
    HEAD,
    InvalidPhoto,
    PhotoTooLarge,
    PhotoTooManyPixels,
    TooManyPhotos,
)
from callcenter.appeals.model.statuses import Channel
from callcenter.core.web.errors import PROBLEMS
from callcenter.core.web.i18n import N_, gettext, lang_of, language_of
from callcenter.core.web.pages import render
from callcenter.core.web.request_text import strict_form
from callcenter.portal.model import (
    EMERGENCY_NUMBERS,
    HONEYPOT,
    PortalThrottled,
    Spam,
    offered,
)
from callcenter.portal.service import Portal, Submission, Upload
from callcenter.users.access import client_of, public

router = APIRouter(tags=["portal"], dependencies=[Depends(public())])
TEXT_FIELDS = ("category", "street", "house", "flat", "description", "contact_name",
               "contact_phone", "contact_email")
FORM_SLACK = 1 << 20
PHOTO_PROBLEMS = {
    InvalidPhoto: N_("Only photos are accepted: JPEG, PNG or WebP."),
    PhotoTooLarge: N_("A photo is too large."),
    PhotoTooManyPixels: N_("A photo has too many pixels."),
    TooManyPhotos: N_("Too many photos."),
}
CONSENT_REQUIRED = N_("Without your consent we cannot accept the appeal: tick the box.")
HTML = {"text/html": {"schema": {"type": "string"}}}
PAGE: dict[int | str, dict[str, Any]] = {200: {"description": "The form", "content": HTML}}
FORM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": why, "content": HTML} for status, why in (
        (200, "The appeal's number and how to check it"),
        (400, "Not accepted (a robot's form, or a broken one)"),
        (413, "Too large"), (415, "Not multipart/form-data"),
        (429, "Too many appeals from this address: wait (Retry-After)"))}
# The form with its problems marked; the shell's envelope for a control character in a
# URL-encoded body (request_text.py).
FORM_RESPONSES[422] = {"description": "The form with its problems marked", "content": {
    **HTML, "application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}}
FORM_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object",
    "properties": {**{name: {"type": "string", "maxLength": 4000} for name in TEXT_FIELDS},
                   "street_unlisted": {"type": "string", "maxLength": 8},
                   "consent": {"type": "string", "maxLength": 8},
                   "stamp": {"type": "string", "maxLength": 64},
                   HONEYPOT: {"type": "string", "maxLength": 200},
                   "photos": {"type": "array", "items": {"type": "string",
                                                         "format": "binary"}}}}}}}


def portal_of(request: Request) -> Portal:
    found: Portal = request.app.state.portal
    return found


class StreetOption(BaseModel):
    name: str
    short: str


@router.get("/portal", response_class=HTMLResponse, responses=PAGE)
async def form_page(request: Request, q: Annotated[str, Query(max_length=100)] = "",
                    category: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
    """The form; `q` narrows the categories by keyword (a plain GET form: no script needed)."""
    return _form(request, values={"category": category}, query=q)


@router.post("/portal", response_class=HTMLResponse, responses=FORM_RESPONSES,
             openapi_extra={"requestBody": FORM_BODY})
async def submit(request: Request) -> HTMLResponse:
    """File the appeal (multipart: the form's fields and up to `[portal] photos_max` photos)."""
    portal = portal_of(request)
    rules = portal.photo_rules
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > rules.max_count * rules.max_bytes + FORM_SLACK:
        return _refused(request, 413, N_("The photos are too large together."))
    try:
        form = await strict_form(request, max_files=rules.max_count + 1, max_fields=30)
    except HTTPException as exc:
        return _refused(request, exc.status_code, N_("The form could not be read. Open it "
                                                     "again and fill it in."))
    try:
        return await _submit(request, portal, form)
    finally:
        await form.close()


async def _submit(request: Request, portal: Portal, form: FormData) -> HTMLResponse:
    values = {name: _text(form.get(name)) for name in TEXT_FIELDS}
    files = [f for f in form.getlist("photos")
             if isinstance(f, UploadFile) and (f.filename or f.size)]
    language = language_of(request)
    try:
        uploads = [Upload(size=f.size or 0, head=await _head(f), file=f.file) for f in files]
        number = await portal.submit(Submission(
            appeal=_appeal(values, unlisted=bool(_text(form.get("street_unlisted")))),
            stamp=_text(form.get("stamp")), honeypot=_text(form.get(HONEYPOT)),
            photos=uploads, consent=bool(_text(form.get("consent")))),
            client=client_of(request))
    except InvalidAppealForm as exc:
        problems = {p.field: _problem(language, p.code) for p in exc.problems}
        return _form(request, values=values, problems=problems, status=422)
    except (InvalidPhoto, PhotoTooLarge, PhotoTooManyPixels, TooManyPhotos) as exc:
        status = 413 if isinstance(exc, PhotoTooLarge | TooManyPhotos) else 422
        message = gettext(language, PHOTO_PROBLEMS[type(exc)])
        return _form(request, values=values, problems={"photos": message}, status=status)
    except Spam:
        return _refused(request, 400, N_("The form was not accepted. Open the form again, "
                                         "fill it in and send it."))
    except PortalThrottled as exc:
        page = _refused(request, 429, N_("Too many appeals from your network lately. Try "
                                         "again later or call 1580."))
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    return render(request, "portal/done.html", number=number,
                  email=values["contact_email"].strip())


@router.get("/portal/streets")
async def streets(request: Request, q: Annotated[str, Query(max_length=200)] = "",
                  limit: Annotated[int, Query(ge=1, le=20)] = 8) -> list[StreetOption]:
    """Street suggestions for the form's address (as the operators get them)."""
    matches = portal_of(request).filing.rules.streets.suggest(q, limit=limit)
    return [StreetOption(name=m.street.official, short=m.street.short) for m in matches]


def _appeal(values: dict[str, str], *, unlisted: bool) -> ExternalAppeal:
    v = values
    return ExternalAppeal(channel=Channel.WEB, category=v["category"], street=v["street"],
                          street_unlisted=unlisted, house=v["house"], flat=v["flat"],
                          description=v["description"], contact_name=v["contact_name"],
                          contact_phone=v["contact_phone"], contact_email=v["contact_email"])


def _form(request: Request, *, values: dict[str, str], query: str = "",
          problems: dict[str, str] | None = None, status: int = 200) -> HTMLResponse:
    portal = portal_of(request)
    groups = offered(portal.filing.rules.categories, query, lang_of(request))
    return render(request, "portal/form.html", status=status, groups=groups, query=query,
                  values=values, problems=problems or {}, stamp=portal.stamp(),
                  honeypot=HONEYPOT, photos_max=portal.photo_rules.max_count,
                  photo_mb=f"{round(portal.photo_rules.max_bytes / (1024 * 1024), 1):g}",
                  numbers=EMERGENCY_NUMBERS)


def _refused(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "portal/refused.html", status=status,
                  message=gettext(language_of(request), message))


def _problem(language: str, code: str) -> str:
    if code == "consent_required":
        return gettext(language, CONSENT_REQUIRED)
    return gettext(language, PROBLEMS.get(code, N_("The value is not valid.")))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


async def _head(upload: UploadFile) -> bytes:
    await upload.seek(0)
    head = await upload.read(HEAD)
    await upload.seek(0)
    return head
