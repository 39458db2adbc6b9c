"""Finding appeals: the search keys stored with each appeal and the terms of a search.

Keys (see `folding.fold`) are computed by the code on every write, never by the database, so
SQLite and PostgreSQL compare the same strings with a plain `LIKE`:

- `search_address`: the folded address without kind words (`незалежності 12а кв 5`), so
  `вулиця Незалежності 12`, `вул. незалежності, 12` and `Незалежності 12` all find it;
- `search_name`: the caller's name and the contact's name;
- `search_text`: the description;
- `search_phone`: the digits of the caller's and the contact's numbers (E.164 without `+`),
  so `067 123 45 67`, `+38 (067) 123-45-67` and `1234567` are substrings of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from callcenter.core import phones
from callcenter.core.errors import DomainError
from callcenter.core.folding import fold, fold_digits
from callcenter.reference.model.streets import KIND_WORDS

_NUMBER = re.compile(r"\d{1,4}(?:-\d{0,9})?")
_WHOLE_NUMBER = re.compile(r"\d{4}-\d{6,9}")
MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class SearchKeys:
    address: str
    name: str
    text: str
    phone: str


def address_key(text: str | None) -> str:
    """Folded, without street kind words (`вул`, `вулиця`, `просп`, ...)."""
    return " ".join(w for w in fold(text or "").split() if w not in KIND_WORDS)


def search_keys(*, address: str | None, caller: str | None, caller_name: str | None,
                contact_name: str | None, contact_phone: str | None,
                description: str | None) -> SearchKeys:
    names = " ".join(n for n in (caller_name, contact_name) if n)
    numbers = " ".join(fold_digits(n) for n in (caller, contact_phone) if n)
    return SearchKeys(address=address_key(address), name=fold(names),
                      text=fold(description or ""), phone=numbers)


class InvalidSearch(DomainError):
    error_id = "invalid_search"

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"search: {field}: {code}")
        self.field = field
        self.code = code


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A search as the operator typed it (any field may be empty)."""

    q: str = ""  # anything: number, phone, address, name or words of the description
    number: str = ""
    phone: str = ""
    address: str = ""
    category: str = ""
    status: str = ""
    date_from: date | None = None  # days in the configured timezone, both included
    date_to: date | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class AnyOf:
    """The `q` field: matches when any of these does (empty strings are left out)."""

    number: str = ""
    phones: tuple[str, ...] = ()
    text: str = ""  # against the address, name and description keys
    address: str = ""


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """A search ready for the database: folded keys and UTC bounds; every field narrows."""

    any_of: AnyOf | None = None
    number: str = ""  # the number, or a prefix of it
    phones: tuple[str, ...] = ()  # digit strings, any of which is a substring of the key
    address: str = ""  # a substring of the address key
    category: str = ""
    status: str = ""
    opened_from: datetime | None = None
    opened_before: datetime | None = None
    limit: int = 50
    offset: int = 0


def search_terms(request: SearchRequest, *, timezone: str, area_code: str,
                 statuses: frozenset[str]) -> SearchTerms:
    if request.status and request.status not in statuses:
        raise InvalidSearch("status", "unknown_status")
    opened_from, opened_before = day_bounds(request.date_from, request.date_to, timezone)
    return SearchTerms(
        any_of=_any_of(request.q, area_code), number=_number(request.number),
        phones=_phones(request.phone, area_code, field="phone"),
        address=address_key(request.address), category=request.category.strip(),
        status=request.status, opened_from=opened_from, opened_before=opened_before,
        limit=max(1, min(request.limit, MAX_LIMIT)), offset=max(0, request.offset))


def is_whole_number(text: str) -> bool:
    """`2026-000042`: looked up exactly (the unique index), a shorter one as a prefix."""
    return _WHOLE_NUMBER.fullmatch(text) is not None


def _any_of(q: str, area_code: str) -> AnyOf | None:
    text = fold(q)
    if not text:
        return None
    digits = fold_digits(q)
    looks_like_number = _NUMBER.fullmatch(q.strip()) is not None
    return AnyOf(number=q.strip() if looks_like_number else "",
                 phones=phone_patterns(q, area_code) if len(digits) >= 3 else (),
                 text=text, address=address_key(q))


def _number(typed: str) -> str:
    typed = typed.strip()
    if typed and not _NUMBER.fullmatch(typed):
        raise InvalidSearch("number", "invalid_number")
    return typed


def _phones(typed: str, area_code: str, *, field: str) -> tuple[str, ...]:
    if not typed.strip():
        return ()
    if len(fold_digits(typed)) < 3:
        raise InvalidSearch(field, "invalid_phone")
    return phone_patterns(typed, area_code)


def phone_patterns(typed: str, area_code: str) -> tuple[str, ...]:
    """The digits typed and, when they make a whole number, its E.164 digits too
    (`0 67 123 45 67` -> `0671234567`, `380671234567`; `00380...` only matches as the
    latter)."""
    digits = fold_digits(typed)
    full = phones.normalize(typed, area_code=area_code)
    found = [digits]
    if full and fold_digits(full) != digits:
        found.append(fold_digits(full))
    return tuple(found)


def day_bounds(first: date | None, last: date | None, timezone: str
               ) -> tuple[datetime | None, datetime | None]:
    """[start of `first`, start of the day after `last`) in `timezone`, as aware datetimes."""
    if first and last and first > last:
        raise InvalidSearch("date_to", "before_date_from")
    zone = ZoneInfo(timezone)
    start = datetime.combine(first, time(), zone) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), zone) if last else None
    return start, end
