"""The operators' appeal use cases (callcenter.appeals.service.operators) over a hand-written
store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from callcenter.appeals.model.form import AppealForm, Completion, InvalidAppealForm
from callcenter.appeals.model.records import (
    AppealDetails,
    AppealNotFound,
    AppealSummary,
    SearchPage,
)
from callcenter.appeals.model.search import InvalidSearch, SearchRequest, SearchTerms
from callcenter.appeals.model.statuses import Status
from callcenter.appeals.service.operators import AppealRules, Appeals
from callcenter.reference.model.categories import parse_categories
from callcenter.reference.model.street_search import StreetIndex
from callcenter.reference.model.streets import Street
from callcenter.users.model import Principal, Role
from tests.unit.appeals.test_appeal_form import CATEGORIES

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
OLENA = Principal(user_id=7, username="olena", display_name="Олена", role=Role.OPERATOR,
                  seat="PJSIP/op1001", session_id=1, csrf_token="x")


def details(number: str, status: str = "new") -> AppealDetails:
    summary = AppealSummary(number=number, status=status, channel="phone", opened_at=NOW,
                            caller=None, caller_name=None, category=None, address=None,
                            description=None, emergency=False)
    return AppealDetails(summary=summary, version=1, updated_at=NOW, street=None,
                         street_unlisted=False, house=None, flat=None, contact_name=None,
                         contact_phone=None, completed_by=None, completed_at=None, call=None,
                         siblings=[], history=[])


@dataclass
class FakeStore:
    appeals: dict[str, AppealDetails] = field(default_factory=dict)
    completed: list[dict[str, object]] = field(default_factory=list)
    opened: list[dict[str, object]] = field(default_factory=list)
    searched: list[SearchTerms] = field(default_factory=list)

    async def details(self, number: str) -> AppealDetails | None:
        return self.appeals.get(number)

    async def complete(self, *, number: str, version: int, completion: Completion,
                       at: datetime, user_id: int, actor: str) -> None:
        self.completed.append({"number": number, "version": version, "completion": completion,
                               "at": at, "user_id": user_id, "actor": actor})
        self.appeals[number] = details(number, completion.status.value)

    async def open_from_call(self, *, call_id: str, at: datetime, actor: str) -> str:
        self.opened.append({"call_id": call_id, "at": at, "actor": actor})
        self.appeals["2026-000002"] = details("2026-000002")
        return "2026-000002"

    async def search(self, terms: SearchTerms) -> SearchPage:
        self.searched.append(terms)
        return SearchPage(items=[], total=0)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(appeals={"2026-000001": details("2026-000001")})


@pytest.fixture
def service(store: FakeStore) -> Appeals:
    rules = AppealRules(categories=parse_categories(CATEGORIES),
                        streets=StreetIndex([Street("Незалежності")]), timezone="Europe/Kyiv",
                        area_code="342")
    return Appeals(store, rules, clock=lambda: NOW)


async def test_completing_stores_the_checked_form_with_its_actor(service: Appeals,
                                                                 store: FakeStore) -> None:
    form = AppealForm(version=3, category="road_potholes", street="незалежності",
                      description="Яма")
    stored = await service.complete_appeal(number="2026-000001", form=form, user=OLENA)
    assert stored.status == "registered"
    [call] = store.completed
    assert (call["number"], call["version"], call["at"], call["user_id"], call["actor"]) == (
        "2026-000001", 3, NOW, 7, "olena")
    completion = call["completion"]
    assert isinstance(completion, Completion)
    assert (completion.street, completion.status) == ("вулиця Незалежності", Status.REGISTERED)


async def test_a_bad_form_never_reaches_the_store(service: Appeals, store: FakeStore) -> None:
    with pytest.raises(InvalidAppealForm):
        await service.complete_appeal(number="2026-000001", form=AppealForm(version=1),
                                      user=OLENA)
    assert store.completed == []


async def test_another_appeal_from_the_call_is_opened_by_the_operator(
        service: Appeals, store: FakeStore) -> None:
    added = await service.add_appeal_from_call(" 1795907974.0 ", OLENA)
    assert added.number == "2026-000002"
    assert store.opened == [{"call_id": "1795907974.0", "at": NOW, "actor": "olena"}]


async def test_a_missing_appeal_is_not_found(service: Appeals) -> None:
    with pytest.raises(AppealNotFound):
        await service.details("2026-999999")


async def test_search_checks_the_category_and_passes_folded_terms(service: Appeals,
                                                                  store: FakeStore) -> None:
    with pytest.raises(InvalidSearch):
        await service.search(SearchRequest(category="no_such"))
    await service.search(SearchRequest(q="НЕЗАЛЕЖНОСТІ", category="water_none",
                                       date_from=date(2026, 3, 1)))
    [terms] = store.searched
    assert terms.any_of is not None and terms.any_of.text == "незалежності"
    assert terms.category == "water_none"
    assert terms.opened_from == datetime(2026, 2, 28, 22, 0, tzinfo=UTC)
