"""Operators' use cases on appeals: read one, complete it, add another from the same call,
search.

`complete_appeal` is the single place an appeal becomes `registered` (or `consultation`) from
the operator's form; routing to contractors hooks in there (`on_registered`, given by the
composition root), after the registration is committed: a routing failure leaves the appeal
`registered` for the worker's sweep to route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import structlog

from callcenter.appeals.model.form import AppealForm, Completion, check_form
from callcenter.appeals.model.records import AppealDetails, AppealNotFound, SearchPage
from callcenter.appeals.model.search import (
    InvalidSearch,
    SearchRequest,
    SearchTerms,
    search_terms,
)
from callcenter.appeals.model.statuses import Status
from callcenter.core.errors import DomainError
from callcenter.reference.model.categories import CategoryBook
from callcenter.reference.model.street_search import StreetIndex
from callcenter.users.model import Principal

log = structlog.get_logger("callcenter.appeals")


class AppealStore(Protocol):
    async def details(self, number: str) -> AppealDetails | None: ...

    async def complete(self, *, number: str, version: int, completion: Completion,
                       at: datetime, user_id: int, actor: str) -> None:
        """Store the completion unless the appeal is past `version` (`StaleAppeal`) or may
        not move to its status (`InvalidTransition`); `AppealNotFound` if there is none."""

    async def open_from_call(self, *, call_id: str, at: datetime, actor: str) -> str:
        """A new appeal linked to the call (`CallNotFound` if none); returns its number."""

    async def search(self, terms: SearchTerms) -> SearchPage: ...


@dataclass(frozen=True, slots=True)
class AppealRules:
    """What checking a form and reading a search need from the configuration."""

    categories: CategoryBook
    streets: StreetIndex
    timezone: str
    area_code: str


def utc_now() -> datetime:
    return datetime.now(UTC)


# Told the number of each appeal the operator registered, once it is committed.
OnRegistered = Callable[[str], Awaitable[object]]


async def route_after_registration(on_registered: OnRegistered | None, number: str) -> None:
    """Route a registered appeal now; a failure is logged, never raised (the appeal is
    registered already and the routing sweep retries). Operators' saves and filings alike."""
    if on_registered is None:
        return
    try:
        await on_registered(number)
    except DomainError as exc:  # e.g. no contractors imported: a reason, not a traceback
        log.warning("routing_after_registration_failed", number=number, reason=str(exc),
                    error_id=exc.error_id)
    except Exception:
        log.exception("routing_after_registration_failed", number=number)


class Appeals:
    def __init__(self, store: AppealStore, rules: AppealRules, *,
                 clock: Callable[[], datetime] = utc_now,
                 on_registered: OnRegistered | None = None) -> None:
        self.store = store
        self.rules = rules
        self._clock = clock
        self.on_registered = on_registered

    async def details(self, number: str) -> AppealDetails:
        found = await self.store.details(number.strip())
        if found is None:
            raise AppealNotFound(number)
        return found

    async def complete_appeal(self, *, number: str, form: AppealForm,
                              user: Principal) -> AppealDetails:
        """Check the form and store it: the appeal is registered (or a consultation, closed at
        once). Returns the appeal as stored — the registered appeal routing starts from."""
        completion = check_form(form, categories=self.rules.categories,
                                streets=self.rules.streets, area_code=self.rules.area_code)
        await self.store.complete(number=number, version=form.version, completion=completion,
                                  at=self._clock(), user_id=user.user_id, actor=user.username)
        log.info("appeal_completed", number=number, status=completion.status.value,
                 category=completion.category, user=user.username)
        if completion.status == Status.REGISTERED:
            await self._registered(number)
        return await self.details(number)

    async def _registered(self, number: str) -> None:
        await route_after_registration(self.on_registered, number)

    async def add_appeal_from_call(self, call_id: str, user: Principal) -> AppealDetails:
        """Another appeal from the same call (a resident with two problems)."""
        number = await self.store.open_from_call(call_id=call_id.strip(), at=self._clock(),
                                                 actor=user.username)
        log.info("appeal_added_from_call", number=number, call_id=call_id, user=user.username)
        return await self.details(number)

    async def search(self, request: SearchRequest) -> SearchPage:
        category = request.category.strip()
        if category and self.rules.categories.get(category) is None:
            raise InvalidSearch("category", "unknown_category")
        terms = search_terms(request, timezone=self.rules.timezone,
                             area_code=self.rules.area_code,
                             statuses=frozenset(s.value for s in Status))
        return await self.store.search(terms)
