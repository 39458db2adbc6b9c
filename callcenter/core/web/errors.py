"""Every error an HTTP client can see, mapped in one place to a status and a stable error_id.

API clients (and any request under /api/ or asking for JSON) get
`{"error_id": ..., "message": ..., "details": [...]}` with the message in the request's
language; a page request that is not signed in is sent to the sign-in page instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from callcenter.appeals.model.form import InvalidAppealForm
from callcenter.appeals.model.photos import (
    InvalidPhoto,
    PhotoNotFound,
    PhotoTooLarge,
    PhotoTooManyPixels,
    TooManyPhotos,
)
from callcenter.appeals.model.records import AppealNotFound, CallNotFound, StaleAppeal
from callcenter.appeals.model.search import InvalidSearch
from callcenter.callbacks.model import (
    AlreadyClaimed,
    AttemptNotFound,
    ItemGone,
    NotClaimed,
    WrongOutcome,
)
from callcenter.contractors.model.contractors import ContractorExists, InvalidContractor
from callcenter.contractors.model.desk import (
    ContractorAppealNotFound,
    NotAContractor,
    TextTooLong,
)
from callcenter.core.errors import DomainError, InvalidTransition, StoreUnavailable
from callcenter.core.web.i18n import N_, gettext, language_of
from callcenter.duty.model import DutyError, HandoverRefused
from callcenter.mail.model import AttachmentNotFound
from callcenter.outages.model.announcements import AnnouncementNotFound
from callcenter.outages.model.records import NotYourOutage, OutageMoveRefused, OutageNotFound
from callcenter.pops.model.pausing import NoSeat, PbxUnavailable, SeatNotInQueue
from callcenter.recordings.model.disputes import (
    DisputeClosed,
    DisputeNotFound,
    DisputeStillOpen,
    InvalidDispute,
    LinkExpired,
    LinkNotFound,
    LinkRevoked,
)
from callcenter.recordings.model.replay import (
    AppealNotFound as NoAppealToReplay,
)
from callcenter.recordings.model.replay import (
    InvalidReason,
    InvalidText,
    RecordingFileMissing,
    RecordingNotFound,
    RecordingUnavailable,
    ReplayNotAuthorized,
)
from callcenter.residents.model.status import StatusNotFound, StatusThrottled
from callcenter.routing.model.records import (
    AppealNotFound as NoAppealToAnswer,
)
from callcenter.routing.model.records import (
    ContractorMissing,
    ContractorNotFound,
    MessageNotFound,
    NotWithContractor,
    NotYourAppeal,
    TextRequired,
    UnknownService,
)
from callcenter.users.access import CsrfFailed
from callcenter.users.model import (
    Forbidden,
    InvalidUser,
    NotSignedIn,
    SignInFailed,
    SignInThrottled,
)


@dataclass(frozen=True)
class ErrorRule:
    status: int
    message: str


# Most specific first: the first rule whose class the exception is an instance of wins.
RULES: list[tuple[type[Exception], ErrorRule]] = [
    (SignInThrottled, ErrorRule(429, N_("Too many failed sign-ins. Wait a little and try "
                                        "again."))),
    (StatusThrottled, ErrorRule(429, N_("Too many unsuccessful tries. Wait a little and try "
                                        "again."))),
    (StatusNotFound, ErrorRule(404, N_("Nothing found. Check the appeal number and the "
                                       "digits or e-mail."))),
    (SignInFailed, ErrorRule(401, N_("Wrong user name or password."))),
    (NotSignedIn, ErrorRule(401, N_("Please sign in."))),
    (CsrfFailed, ErrorRule(403, N_("The form is out of date. Reload the page and try again."))),
    (ReplayNotAuthorized, ErrorRule(403, N_("This replay is not authorized for you. Give the "
                                            "reason and press play again."))),
    (NotAContractor, ErrorRule(403, N_("This account does not belong to a contractor."))),
    (Forbidden, ErrorRule(403, N_("You may not do this."))),
    (InvalidUser, ErrorRule(422, N_("The user data is not valid."))),
    (InvalidAppealForm, ErrorRule(422, N_("Some fields are not filled in correctly."))),
    (InvalidSearch, ErrorRule(422, N_("Some search fields are not filled in correctly."))),
    (AppealNotFound, ErrorRule(404, N_("There is no appeal with this number."))),
    (CallNotFound, ErrorRule(404, N_("There is no such call."))),
    (StaleAppeal, ErrorRule(409, N_("Someone else changed this appeal after you opened it. "
                                    "Your text is kept: check it and save again."))),

    (InvalidReason, ErrorRule(422, N_("Say why you are listening (at least 3 characters)."))),
    (InvalidText, ErrorRule(422, N_("The text is empty or too long."))),
    (InvalidDispute, ErrorRule(422, N_("The dispute data is not valid."))),
    (NoAppealToReplay, ErrorRule(404, N_("There is no appeal with this number."))),
    (RecordingNotFound, ErrorRule(404, N_("There is no such recording."))),
    (RecordingFileMissing, ErrorRule(410, N_("The recording's file is missing from the archive. "
                                             "This has been logged; tell the administrator."))),
    (RecordingUnavailable, ErrorRule(409, N_("This recording has no file to play: it is not "
                                             "stored yet, missing, corrupt or purged."))),
    (DisputeNotFound, ErrorRule(404, N_("There is no such dispute."))),
    (DisputeClosed, ErrorRule(409, N_("The dispute is closed."))),
    (DisputeStillOpen, ErrorRule(409, N_("A dispute about this appeal is still open: close it "
                                         "before releasing the legal hold."))),
    (LinkNotFound, ErrorRule(404, N_("There is no such link."))),
    (AttachmentNotFound, ErrorRule(404, N_("There is no such attachment."))),
    (LinkRevoked, ErrorRule(410, N_("This link was revoked. Ask the hotline for a new one."))),
    (LinkExpired, ErrorRule(410, N_("This link has expired. Ask the hotline for a new one."))),
    # A contractor never learns whether another contractor's appeal exists.
    (ContractorAppealNotFound, ErrorRule(404, N_("There is no appeal with this number."))),
    (NotYourAppeal, ErrorRule(404, N_("There is no appeal with this number."))),
    (NoAppealToAnswer, ErrorRule(404, N_("There is no appeal with this number."))),
    (NotWithContractor, ErrorRule(409, N_("The appeal is not with you now: it was answered "
                                          "already or is back with the hotline."))),
    (TextRequired, ErrorRule(422, N_("Fill in the text: it is required."))),
    (TextTooLong, ErrorRule(422, N_("The text is too long."))),
    (PhotoTooLarge, ErrorRule(413, N_("A photo is too large."))),
    (PhotoTooManyPixels, ErrorRule(413, N_("A photo has too many pixels: send a smaller one "
                                           "(a phone photo is fine)."))),
    (TooManyPhotos, ErrorRule(413, N_("Too many photos in one answer."))),
    (InvalidPhoto, ErrorRule(415, N_("Only JPEG, PNG and WebP photos are accepted."))),
    (PhotoNotFound, ErrorRule(404, N_("There is no such photo."))),
    (ContractorMissing, ErrorRule(404, N_("There is no contractor with this code."))),
    (ContractorNotFound, ErrorRule(422, N_("There is no active contractor with this code."))),
    (InvalidContractor, ErrorRule(422, N_("Some fields are not filled in correctly."))),
    (ContractorExists, ErrorRule(409, N_("A contractor with this code exists already."))),
    (MessageNotFound, ErrorRule(404, N_("There is no such dead letter: only dead letters can "
                                        "be resent."))),
    (UnknownService, ErrorRule(422, N_("There is no such emergency service."))),
    (HandoverRefused, ErrorRule(409, N_("The shift cannot be handed over or accepted now: it "
                                        "was done already, or the last handover still waits "
                                        "for the incoming officer."))),
    (DutyError, ErrorRule(422, N_("Some fields are not filled in correctly."))),
    (AlreadyClaimed, ErrorRule(409, N_("Another operator is calling this resident now."))),
    (NotClaimed, ErrorRule(409, N_("Take the item first: your hold on it has expired or "
                                   "was never taken."))),
    (ItemGone, ErrorRule(409, N_("This item is no longer on the list: someone has dealt "
                                 "with it."))),
    (AttemptNotFound, ErrorRule(404, N_("There is no such call-back."))),
    (OutageNotFound, ErrorRule(404, N_("There is no such outage."))),
    # A contractor never learns whether another contractor's outage exists.
    (NotYourOutage, ErrorRule(404, N_("There is no such outage."))),
    (OutageMoveRefused, ErrorRule(409, N_("The outage cannot move to that status now: "
                                          "someone has moved it already."))),
    (AnnouncementNotFound, ErrorRule(404, N_("There is no such announcement."))),
    (WrongOutcome, ErrorRule(422, N_("This result does not fit the call. Write down what the "
                                     "resident said where it is asked."))),
    (InvalidTransition, ErrorRule(409, N_("The appeal cannot move to that status now."))),
    (StoreUnavailable, ErrorRule(503, N_("The database is unavailable. Your input is kept; "
                                         "try again in a moment."))),
    (NoSeat, ErrorRule(409, N_("You have no seat: sign in again and pick your phone."))),
    (SeatNotInQueue, ErrorRule(409, N_("Your seat is not in the operators' queue."))),
    (PbxUnavailable, ErrorRule(503, N_("The phone system does not answer. Try again in a "
                                       "moment."))),
    (DomainError, ErrorRule(422, N_("The request cannot be done."))),
]
# What is wrong with one field, by the code the domain gives it.
PROBLEMS = {
    "required": N_("This field is required."),
    "too_long": N_("The text is too long."),
    "unknown_category": N_("Choose a category from the list."),
    "unknown_street": N_('There is no such street in the list. Pick one of the suggestions '
                         'or tick "Not in the list".'),
    "invalid_house": N_("This is not a house number. Examples: 12, 12А, 12/1, 12 корп. 2."),
    "invalid_flat": N_("This is not a flat number. Examples: 5, 5А."),
    "invalid_phone": N_("This is not a phone number."),
    "unknown_status": N_("There is no such status."),
    "invalid_number": N_("An appeal number looks like 2026-000042."),
    "before_date_from": N_("The end date is before the start date."),
    "contractor_code": N_("A code is 1-64 characters: latin letters, digits, - and _."),
    "contractor_name": N_("The name is required."),
    "contractor_kind": N_("Choose the kind from the list."),
    "contractor_email": N_("This is not an e-mail address."),
    "contractor_manager_email": N_("This is not an e-mail address."),
    "contractor_phone": N_("This is not a phone number. Examples: 0342 55 12 34, "
                           "+380 67 123 45 67, 104."),
    "contractor_night_phone": N_("This is not a phone number. Examples: 0342 55 12 34, "
                                 "+380 67 123 45 67, 104."),
    "contractor_channels": N_("E-mail delivery needs an e-mail address; webhook delivery "
                              "needs a URL and a secret reference."),
    "contractor_webhook_url": N_("Expected an http:// or https:// address."),
    "contractor_webhook_secret_ref": N_("Expected env:VARIABLE or file:/path (where the "
                                        "secret lives), never the secret itself."),
    "contractor_exists": N_("A contractor with this code exists already."),
    "not_offered": N_("This category cannot be filed here. Call 1580, or in an emergency "
                      "101, 104 or 112."),
    "invalid_email": N_("This is not an e-mail address."),
    "phone_or_email_required": N_("Give a phone number or an e-mail address, so that we "
                                  "can reach you."),
}
UNDOABLE = N_("The request cannot be done.")
INTERNAL = N_("Something went wrong on our side. It has been logged.")
HTTP_IDS = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
            413: "too_large", 415: "unsupported_media_type", 429: "too_many_requests"}
HTTP_MESSAGES = {404: N_("Not found."), 405: N_("This method is not allowed here.")}


def rule_for(exc: Exception) -> ErrorRule:
    """The table's rule; an error of a protocol that words its own refusals (Open311) carries
    its `http_status` and is answered with its own text."""
    status = getattr(exc, "http_status", None)
    if isinstance(status, int):
        return ErrorRule(status, str(exc))
    return rule_of(type(exc))


def rule_of(error: type[Exception]) -> ErrorRule:
    for kind, rule in RULES:
        if issubclass(error, kind):
            return rule
    return ErrorRule(500, INTERNAL)


class FieldProblem(BaseModel):
    field: str = Field(description="the field, dotted for a nested one (`channels.0`)")
    code: str = Field(description="a stable code of the problem (`required`, `too_long`...)")
    problem: str = Field(description="what is wrong, in the request's language")


class ErrorEnvelope(BaseModel):
    """Every error: a stable `error_id` to act on, a message in the request's language (`?lang=`
    or the language cookie; Ukrainian by default) and, for invalid input, each field's problem."""

    error_id: str = Field(description="stable: what went wrong (`appeal_not_found`...)")
    message: str
    details: list[FieldProblem] | None = Field(default=None,
                                               description="only when fields are at fault")


ENVELOPE_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}
Responses = dict[int | str, dict[str, Any]]


def raises(*errors: type[Exception]) -> Responses:
    """The OpenAPI `responses` of an operation that can raise these errors: each one's status
    and message as the table above maps it, all with the error envelope."""
    found: dict[int, list[str]] = {}
    for error in errors:
        rule = rule_of(error)
        found.setdefault(rule.status, []).append(f"`{error.error_id}`: {rule.message}"
                                                 if issubclass(error, DomainError)
                                                 else rule.message)
    return {status: documented(lines) for status, lines in sorted(found.items())}


def http_errors(*statuses: int) -> Responses:
    """The OpenAPI `responses` of HTTP-level refusals an operation makes itself (400, 415)."""
    return {status: documented([f"`{HTTP_IDS[status]}`: "
                                f"{HTTP_MESSAGES.get(status, UNDOABLE)}"])
            for status in statuses}


def documented(lines: list[str]) -> dict[str, Any]:
    return {"description": " ".join(dict.fromkeys(lines)),
            "content": {"application/json": {"schema": ENVELOPE_REF}}}


def wants_page(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


# Renders an error in a protocol's own format: (request, status, error_id, text, details).
ErrorFormat = Callable[[Request, int, str, str, Any], Response]


def error_format(request: Request) -> ErrorFormat | None:
    """The error format of the path's protocol (Open311 answers in its own), if it has one:
    `app.state.error_formats` maps a path prefix to it."""
    app = request.scope.get("app")
    formats: dict[str, ErrorFormat] = getattr(getattr(app, "state", None), "error_formats",
                                              None) or {}
    path = request.url.path
    return next((f for prefix, f in formats.items() if path.startswith(prefix)), None)


def error_body(request: Request, error_id: str, message: str, details: Any = None,
               status: int = 400) -> Response:
    text = gettext(language_of(request), message)
    custom = error_format(request)
    if custom is not None:
        return custom(request, status, error_id, text, details)
    content: dict[str, Any] = {"error_id": error_id, "message": text}
    if details:
        content["details"] = details
    return JSONResponse(content, status_code=status)


async def domain_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotSignedIn) and wants_page(request):
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)
    if isinstance(exc, Forbidden) and wants_page(request) and request.method == "GET":
        return RedirectResponse("/", status_code=303)  # another role's page: to one's home
    rule = rule_for(exc)
    error_id = getattr(exc, "error_id", "internal")
    headers = retry_header(exc, rule.status)
    response = error_body(request, error_id, rule.message, field_details(request, exc),
                          status=rule.status)
    if headers:
        response.headers.update(headers)
    return response


def retry_header(exc: Exception, status: int) -> dict[str, str] | None:
    """`Retry-After`: the true wait when the error knows it (a throttled sign-in), else a
    minute for what is only unavailable."""
    seconds = getattr(exc, "retry_after", None)
    if isinstance(seconds, int):
        return {"Retry-After": str(seconds)}
    return {"Retry-After": "60"} if status in (429, 503) else None


def field_details(request: Request, exc: Exception) -> list[dict[str, str]] | None:
    """Per-field problems of a domain error that has them, in the request's language."""
    if isinstance(exc, InvalidContractor):
        found = [(exc.field, "contractor_" + exc.field)]
    elif isinstance(exc, ContractorExists):
        found = [("code", "contractor_exists")]
    elif isinstance(exc, InvalidAppealForm):
        found = [(p.field, p.code) for p in exc.problems]
    elif isinstance(exc, InvalidSearch):
        found = [(exc.field, exc.code)]
    else:
        return None
    return [problem(request, field, code, PROBLEMS.get(code, N_("The value is not valid.")))
            for field, code in found]


def problem(request: Request, field: str, code: str, message: str) -> dict[str, str]:
    """One field's problem in the error envelope's `details`, in the request's language."""
    return {"field": field, "code": code, "problem": gettext(language_of(request), message)}


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    language = language_of(request)
    details = [{"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]),
                "code": e["type"], "problem": _problem(language, e)} for e in exc.errors()]
    return error_body(request, "validation", N_("Some fields are not filled in correctly."),
                      details, status=422)


def _problem(language: str, error: Any) -> str:
    kind = error["type"]
    if kind == "string_too_long":
        text = gettext(language, N_("The text is too long: at most %(limit)s characters."))
        return text % {"limit": error.get("ctx", {}).get("max_length", "?")}
    return gettext(language, _problem_message(kind))


def _problem_message(kind: str) -> str:
    if kind == "missing":
        return N_("This field is required.")
    if kind == "extra_forbidden":
        return N_("This field is not expected here.")
    if kind.startswith("string_too"):
        return N_("The text has a wrong length.")
    if kind.endswith("parsing") or kind.endswith("type"):
        return N_("The value has a wrong format.")
    return N_("The value is not valid.")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error_id = HTTP_IDS.get(exc.status_code, f"http_{exc.status_code}")
    message = HTTP_MESSAGES.get(exc.status_code, UNDOABLE)
    response = error_body(request, error_id, message, status=exc.status_code)
    response.headers.update(exc.headers or {})
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(DomainError, domain_error)
