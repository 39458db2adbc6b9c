"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) in our terms.

- A service is a category residents may file (`Category.public`); its `service_code` is the
  category's code. Categories that need a house may be given a flat: the one attribute.
- A service request is an appeal; its `service_request_id` is the appeal's number. Statuses
  map onto the specification's two: `closed` for consultation, rejected, closed and duplicate,
  `open` for every other status; `status_notes` is the contractor's answer for the resident.
- Every time is ISO 8601 with the offset of the configured zone.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from callcenter.core.errors import DomainError
from callcenter.reference.model.categories import Category

Format = Literal["xml", "json"]
FORMATS: tuple[Format, ...] = ("xml", "json")
CLOSED_STATUSES = frozenset({"consultation", "rejected", "closed", "duplicate"})
NOT_PUBLISHED = frozenset({"new", "missed"})  # not yet an appeal anyone filed
WINDOW = timedelta(days=90)  # the specification's default and widest date range
LIMIT = 1000  # the specification's default number of requests
MAX_IDS = 100
# The specification's field lists, in its order.
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group")
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url")
ATTRIBUTE_FIELDS = ("variable", "code", "datatype", "required", "datatype_description",
                    "order", "description")
FLAT = "flat"


class Open311Error(DomainError):
    """A refusal in the specification's error format: an HTTP status, a description."""

    error_id = "open311"

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.http_status = status
        self.description = description


def status_of(appeal_status: str) -> Literal["open", "closed"]:
    return "closed" if appeal_status in CLOSED_STATUSES else "open"


def statuses_for(status: str) -> frozenset[str] | None:
    """The Open311 statuses a `status` filter names (`open`, `closed` or both, comma
    separated); None for no filter."""
    wanted = frozenset(s.strip() for s in status.split(",") if s.strip())
    if not wanted:
        return None
    if not wanted <= {"open", "closed"}:
        raise Open311Error(400, "status: expected open, closed or both, comma separated")
    return wanted


def service(category: Category, group_name: str) -> dict[str, Any]:
    return {"service_code": category.code, "service_name": category.name_uk,
            "description": category.name_uk, "metadata": category.address == "house",
            "type": "realtime", "keywords": ", ".join(category.keywords),
            "group": group_name}


def attributes(category: Category) -> list[dict[str, Any]]:
    """What a category needs besides the specification's fields: a flat for a house."""
    if category.address != "house":
        return []
    return [{"variable": True, "code": FLAT, "datatype": "string", "required": False,
             "datatype_description": "Номер квартири, наприклад 5 або 5А", "order": 1,
             "description": "Квартира"}]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One appeal as Open311 shows it (no resident's contact ever)."""

    number: str
    status: str
    answer: str | None
    category: str | None
    description: str | None
    contractor: str | None
    opened_at: datetime
    updated_at: datetime
    deadline: datetime | None
    address: str | None
    photo_id: int | None  # the first photo, for media_url


def request_fields(record: RequestRecord, *, names: Mapping[str, str], zone: str,
                   media_base: str) -> dict[str, Any]:
    """The specification's fields of one request, in its order; unknown ones left out."""
    fields: dict[str, Any] = {
        "service_request_id": record.number, "status": status_of(record.status),
        "status_notes": record.answer or "",
        "service_name": names.get(record.category or "", record.category or ""),
        "service_code": record.category or "", "description": record.description or "",
        "agency_responsible": record.contractor or "", "service_notice": "",
        "requested_datetime": iso(record.opened_at, zone),
        "updated_datetime": iso(record.updated_at, zone),
        "expected_datetime": iso(record.deadline, zone) if record.deadline else None,
        "address": record.address or "",
        "media_url": (f"{media_base.rstrip('/')}/{record.number}/{record.photo_id}"
                      if record.photo_id is not None else None),
    }
    return {k: v for k, v in fields.items() if v is not None}


def iso(value: datetime, zone: str) -> str:
    return value.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class RequestQuery:
    ids: tuple[str, ...] = ()  # when given, every other filter is ignored (the spec)
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[str] | None = None
    limit: int = LIMIT


def request_query(*, ids: str, service_code: str, start_date: str, end_date: str,
                  status: str, now: datetime, zone: str) -> RequestQuery:
    """The filters of GET requests, checked; by default the last 90 days, at most 1000."""
    wanted = tuple(i.strip() for i in ids.split(",") if i.strip())
    if len(wanted) > MAX_IDS:
        raise Open311Error(400, f"service_request_id: at most {MAX_IDS} ids")
    if wanted:
        return RequestQuery(ids=wanted)
    start, end = parse_time(start_date, "start_date", zone), parse_time(end_date, "end_date", zone)
    if start and end and end < start:
        raise Open311Error(400, "end_date: before start_date")
    if start and end and end - start > WINDOW:
        raise Open311Error(400, "start_date, end_date: may not span more than 90 days")
    if start is None:
        start = (end or now) - WINDOW
    codes = tuple(c.strip() for c in service_code.split(",") if c.strip())
    return RequestQuery(service_codes=codes, start=start, end=end,
                        statuses=statuses_for(status))


def parse_time(text: str, field: str, zone: str) -> datetime | None:
    """An ISO 8601 time; without an offset it is read in the configured zone."""
    text = text.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{field}: expected an ISO 8601 time such as "
                                f"2026-12-01T08:00:00+02:00") from None
    if not 2000 <= value.year <= 2199:
        raise Open311Error(400, f"{field}: expected a year from 2000 to 2199")
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))


def filter_statuses(records: Sequence[RequestRecord],
                    statuses: frozenset[str] | None) -> list[RequestRecord]:
    return [r for r in records if statuses is None or status_of(r.status) in statuses]


# -- api keys ---------------------------------------------------------------------------

def new_key() -> str:
    return secrets.token_urlsafe(24)


def key_hash(key: str) -> str:
    """Keys are stored as their SHA-256 only (a key is random: no slow hash is needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None


class KeyExists(DomainError):
    error_id = "open311_key_exists"

    def __init__(self, name: str) -> None:
        super().__init__(f"an Open311 key named {name!r} exists already")
