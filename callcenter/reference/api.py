"""Reference data for the operator's page: categories, street suggestions, services directory.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from callcenter.core.web.i18n import lang_of
from callcenter.reference.model.categories import AddressNeed, Lang
from callcenter.reference.model.directory import DirectoryEntry
from callcenter.reference.model.street_search import StreetMatch
from callcenter.reference.service import Reference
from callcenter.users.access import Desk

router = APIRouter(tags=["reference"])


def reference_of(request: Request) -> Reference:
    reference: Reference = request.app.state.reference
    return reference


class CategoryOption(BaseModel):
    code: str
    label: str
    emergency: bool
    consultation: bool
    address: AddressNeed


class CategoryGroupView(BaseModel):
    label: str
    options: list[CategoryOption]


class StreetSuggestion(BaseModel):
    name: str  # the official name: вулиця Незалежності
    short: str  # as written in an address: вул. Незалежності
    name_en: str
    district: str | None
    formerly: str | None  # the former name typed, when that is how it was found
    score: float


class DirectoryEntryView(BaseModel):
    code: str
    name: str
    handles: str
    phones: list[str]
    hours: str | None
    address: str | None
    emergency: bool
    sample: bool  # placeholder data the city must replace


@router.get("/api/reference/categories")
async def categories(request: Request, _user: Desk) -> list[CategoryGroupView]:
    """Appeal categories by group, in the order of the select, named in the page's language."""
    groups = reference_of(request).categories.choices(lang_of(request))
    return [CategoryGroupView(label=group.label, options=[
        CategoryOption(code=c.code, label=c.label, emergency=c.emergency,
                       consultation=c.consultation, address=c.address)
        for c in group.options]) for group in groups]


@router.get("/api/reference/streets")
async def streets(request: Request, _user: Desk,
                  q: Annotated[str, Query(max_length=200)] = "",
                  limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[StreetSuggestion]:
    """Street suggestions for what was typed: prefixes, typos, aliases and former names."""
    return [_street(m) for m in reference_of(request).streets.suggest(q, limit=limit)]


def _street(match: StreetMatch) -> StreetSuggestion:
    street = match.street
    return StreetSuggestion(name=street.official, short=street.short, name_en=street.name_en,
                            district=street.district, formerly=match.formerly,
                            score=round(match.score, 1))


@router.get("/api/directory")
async def directory(request: Request, _user: Desk,
                    q: Annotated[str, Query(max_length=200)] = "",
                    limit: Annotated[int, Query(ge=1, le=100)] = 20
                    ) -> list[DirectoryEntryView]:
    """City services and their phone numbers: every word must begin a word of the entry (or
    be digits of one of its numbers)."""
    lang = lang_of(request)
    found = reference_of(request).directory.search(q, limit=limit)
    return [_entry(entry, lang) for entry in found]


def _entry(entry: DirectoryEntry, lang: Lang) -> DirectoryEntryView:
    return DirectoryEntryView(code=entry.code, name=entry.name(lang),
                              handles=entry.handles(lang), phones=list(entry.phones),
                              hours=entry.hours, address=entry.address,
                              emergency=entry.emergency, sample=entry.sample)
