"""Completing, adding and finding appeals on real SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from callcenter.appeals.model.form import AppealForm
from callcenter.appeals.model.records import CallNotFound, StaleAppeal
from callcenter.appeals.model.search import SearchRequest
from callcenter.appeals.service.operators import AppealRules, Appeals
from callcenter.appeals.store import queries as appeal_queries
from callcenter.appeals.store.appeals import SqlAppealStore
from callcenter.appeals.tables import Appeal
from callcenter.calls.model.facts import CallAnswered, CallEnded, CallEntered
from callcenter.calls.store.calls import SqlCallStore
from callcenter.calls.tables import Call
from callcenter.core import config as configuration
from callcenter.core import migrate
from callcenter.core.database import Database, make_engine
from callcenter.core.errors import InvalidTransition
from callcenter.reference.service import load_reference
from callcenter.users.model import Principal, Role
from callcenter.users.store import SqlUserStore

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
FORM = AppealForm(version=1, category="water_none", street="незалежності", house="12а",
                  flat="5", description="Немає холодної води з ранку")


@dataclass
class Desk:
    db: Database
    calls: SqlCallStore
    appeals: Appeals
    olena: Principal
    now: list[datetime]

    async def call(self, call_id: str, *, caller: str | None = "+380671234567",
                   name: str | None = "Олена Петрів", at: datetime = T0,
                   answered: bool = True) -> str:
        """A call as the intake stores it; returns its automatic appeal's number."""
        facts: list[object] = [CallEntered(call_id, at, "kyivstar", "mobile",
                                           "PJSIP/kyivstar-1", caller, caller or "", name,
                                           "Київстар")]
        if answered:
            facts.append(CallAnswered(call_id, at, "PJSIP/op1001"))
        await self.calls.apply(facts)  # type: ignore[arg-type]
        async with self.db.reading() as session:
            number = await session.scalar(
                sa.select(Appeal.number).join(Call, Appeal.auto_call_id == Call.id)
                .where(Call.linkedid == call_id))
        assert number is not None
        return number

    async def complete(self, number: str, **changes: object) -> None:
        form = dataclasses.replace(FORM, **changes)  # type: ignore[arg-type]
        await self.appeals.complete_appeal(number=number, form=form, user=self.olena)

    async def numbers(self, **search: object) -> list[str]:
        found = await self.appeals.search(SearchRequest(**search))  # type: ignore[arg-type]
        return [item.number for item in found.items]


@pytest.fixture
async def desk(database_url: str) -> AsyncIterator[Desk]:
    db = Database(database_url)
    users = SqlUserStore(db)
    user_id = await users.add_user(username="olena", display_name="Олена", role=Role.OPERATOR,
                                   password_hash="x", default_seat="PJSIP/op1001",
                                   contractor=None, at=T0)
    olena = Principal(user_id=user_id, username="olena", display_name="Олена",
                      role=Role.OPERATOR, seat="PJSIP/op1001", session_id=0, csrf_token="")
    reference = load_reference(configuration.ReferenceConfig())
    rules = AppealRules(categories=reference.categories, streets=reference.streets,
                        timezone="Europe/Kyiv", area_code="342")
    now = [T0 + timedelta(minutes=5)]
    store = SqlAppealStore(db, pbx="pbx1", timezone="Europe/Kyiv")
    try:
        yield Desk(db, SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv"),
                   Appeals(store, rules, clock=lambda: now[0]), olena, now)
    finally:
        await db.close()


async def test_completing_registers_with_history_actor_and_keys(desk: Desk) -> None:
    number = await desk.call("100.1")
    await desk.complete(number, contact_phone="050 111 22 33")
    stored = await desk.appeals.details(number)
    assert (stored.status, stored.version, stored.completed_by) == ("registered", 2, "olena")
    assert stored.summary.address == "вул. Незалежності, 12А, кв. 5"
    assert (stored.street, stored.house, stored.flat) == ("вулиця Незалежності", "12А", "5")
    assert stored.summary.emergency is True
    assert stored.completed_at == desk.now[0]
    assert stored.contact_phone == "+380501112233"
    last = stored.history[-1]
    assert (last.actor, last.action, last.from_status, last.to_status) == (
        "olena", "completed", "new", "registered")
    async with desk.db.reading() as session:
        keys = (await session.execute(sa.select(
            Appeal.search_address, Appeal.search_name, Appeal.search_text,
            Appeal.search_phone).where(Appeal.number == number))).one()
    assert tuple(keys) == ("незалежності 12а кв 5", "олена петрів",
                           "немає холодної води з ранку", "380671234567 380501112233")


async def test_a_stale_form_is_refused_and_changes_nothing(desk: Desk) -> None:
    number = await desk.call("100.2")
    await desk.complete(number)
    with pytest.raises(StaleAppeal) as stale:
        await desk.complete(number, description="інший текст")
    assert (stale.value.expected, stale.value.current) == (1, 2)
    stored = await desk.appeals.details(number)
    assert stored.summary.description == FORM.description
    assert [h.action for h in stored.history] == ["opened", "completed"]


async def test_an_appeal_changed_by_the_intake_makes_the_form_stale(desk: Desk) -> None:
    """The call ends unanswered while a form is open: the appeal is missed, version 2."""
    number = await desk.call("100.3", answered=False)
    await desk.calls.apply([CallEnded("100.3", T0, "abandoned", 16, "")])
    with pytest.raises(StaleAppeal):
        await desk.complete(number, version=1)
    await desk.complete(number, version=2)  # the operator saw the change and saves again
    assert (await desk.appeals.details(number)).status == "registered"


async def test_a_completed_appeal_cannot_be_completed_again(desk: Desk) -> None:
    number = await desk.call("100.4")
    await desk.complete(number, consultation=True, description="")
    assert (await desk.appeals.details(number)).status == "consultation"
    with pytest.raises(InvalidTransition):
        await desk.complete(number, version=2)


async def test_another_appeal_from_the_same_call(desk: Desk) -> None:
    first = await desk.call("100.5")
    added = await desk.appeals.add_appeal_from_call("100.5", desk.olena)
    assert added.number != first
    assert (added.status, added.summary.channel, added.summary.caller) == (
        "new", "phone", "+380671234567")
    assert added.call is not None and added.call.call_id == "100.5"
    assert [(h.actor, h.action) for h in added.history] == [("olena", "opened")]
    assert [s.number for s in (await desk.appeals.details(first)).siblings] == [added.number]
    with pytest.raises(CallNotFound):
        await desk.appeals.add_appeal_from_call("no.such", desk.olena)


async def test_search_is_case_insensitive_in_cyrillic(desk: Desk) -> None:
    water = await desk.call("200.1", caller="+380671234567", name="ОЛЕНА Петрів")
    await desk.complete(water, description="Немає ГАРЯЧОЇ води, під'їзд 2")
    road = await desk.call("200.2", caller="+380342506200", name="Іван")
    await desk.complete(road, category="road_potholes", street="Галицька", house="",
                        flat="", description="Яма на дорозі")
    other = await desk.call("200.3", caller=None, name=None)
    assert await desk.numbers(q="незалежності") == [water]
    assert await desk.numbers(q="НЕЗАЛЕЖНОСТІ 12") == [water]
    assert await desk.numbers(address="вулиця Незалежності, 12А") == [water]
    assert await desk.numbers(q="олена") == [water]
    assert await desk.numbers(q="гарячої") == [water]
    assert await desk.numbers(q="підʼїзд") == [water]  # another apostrophe
    assert await desk.numbers(q="галицька") == [road]
    assert set(await desk.numbers()) == {water, road, other}
    assert await desk.numbers(status="new") == [other]
    assert await desk.numbers(category="road_potholes") == [road]


@pytest.mark.parametrize("typed", ["067 123 45 67", "+38 (067) 123-45-67", "0671234567",
                                   "380671234567", "4567"])
async def test_search_by_phone_in_any_format(desk: Desk, typed: str) -> None:
    mobile = await desk.call("300.1", caller="+380671234567")
    await desk.call("300.2", caller="+380501112299")
    assert await desk.numbers(phone=typed) == [mobile]
    assert await desk.numbers(q=typed) == [mobile]


async def test_search_by_number_prefix_date_and_pages(desk: Desk) -> None:
    early = await desk.call("400.1", at=datetime(2026, 3, 1, 22, 30, tzinfo=UTC))  # 2nd, Kyiv
    late = await desk.call("400.2", at=datetime(2026, 3, 2, 22, 30, tzinfo=UTC))  # 3rd, Kyiv
    assert await desk.numbers(number=early) == [early]
    assert await desk.numbers(number="2026-") == [late, early]  # newest first
    assert await desk.numbers(q=late) == [late]
    assert await desk.numbers(date_from=date(2026, 3, 2), date_to=date(2026, 3, 2)) == [early]
    assert await desk.numbers(date_from=date(2026, 3, 3)) == [late]
    page = await desk.appeals.search(SearchRequest(limit=1, offset=1))
    assert ([i.number for i in page.items], page.total) == ([early], 2)


async def test_hostile_text_is_stored_as_text(desk: Desk) -> None:
    number = await desk.call("500.1")
    hostile = "'); DROP TABLE appeals; -- <script>alert(1)</script> 100% _x_"
    await desk.complete(number, description=hostile)
    assert (await desk.appeals.details(number)).summary.description == hostile
    assert await desk.numbers(q="drop table") == [number]
    assert await desk.numbers(q="dr%op") == []  # LIKE '%dr%op%' would have matched


async def test_the_migration_fills_the_keys_of_existing_appeals(empty_database_url: str
                                                                ) -> None:
    url = empty_database_url
    await asyncio.to_thread(migrate.upgrade, url, "0002")
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(sa.text(
            "INSERT INTO appeals (number, year, sequence, channel, status, caller, "
            "caller_name, address, description, opened_at, updated_at) VALUES "
            "(:n, 2026, :s, 'phone', 'new', :caller, :name, :address, :text, :t, :t)"),
            [{"n": f"2026-{i:06d}", "s": i, "caller": "+380671234567", "name": "ОЛЕНА",
              "address": "вул. Незалежності, 12", "text": "Немає ВОДИ",
              "t": datetime(2026, 3, 1, 12, 0)} for i in range(1, 1203)])
    await engine.dispose()
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    try:
        async with db.reading() as session:
            keys = set((await session.execute(sa.select(
                Appeal.search_address, Appeal.search_name, Appeal.search_text,
                Appeal.search_phone, Appeal.version))).all())
    finally:
        await db.close()
    assert keys == {("незалежності 12", "олена", "немає води", "380671234567", 1)}


@pytest.mark.postgres
@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
async def test_postgresql_serves_the_keys_with_trigram_indexes(database_url: str) -> None:
    """SQLite scans the keys; PostgreSQL has trigram indexes for `LIKE '%key%'`."""
    engine = make_engine(database_url)
    async with engine.connect() as conn:
        found = (await conn.execute(sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'appeals' "
            "AND indexname LIKE '%_trgm'"))).all()
    await engine.dispose()
    assert {name for name, _ in found} == {f"ix_appeals_{key}_trgm" for key in
                                          ("search_address", "search_name", "search_text",
                                           "search_phone")}
    assert all("gin" in ddl and "gin_trgm_ops" in ddl for _, ddl in found)


async def test_the_total_is_exact_from_a_last_page_and_capped_beyond(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(appeal_queries, "COUNT_CAP", 2)
    numbers = [await desk.call(f"600.{i}") for i in range(4)]
    whole = await desk.appeals.search(SearchRequest(limit=10))
    assert (whole.total, whole.capped) == (4, False)  # the page was the last: no counting
    first = await desk.appeals.search(SearchRequest(limit=1))
    assert ([i.number for i in first.items], first.total, first.capped) == (
        [numbers[-1]], 2, True)
    past = await desk.appeals.search(SearchRequest(limit=1, offset=9))
    assert (past.items, past.total, past.capped) == ([], 2, True)
    exact = await desk.appeals.search(SearchRequest(limit=1, offset=3))
    assert (exact.total, exact.capped) == (4, False)
