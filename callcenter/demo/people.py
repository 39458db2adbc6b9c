"""The demo's people: the users a newcomer signs in as (a password each, new every start,
printed once), and the ones who work by themselves — a colleague operator who fills the
appeals of calls no person is answering, and the contractors, who take appeals into work,
finish most with an answer for the resident, and now and then say "not ours" or ask."""

from __future__ import annotations

import random
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select

from callcenter.appeals.model.form import AppealForm
from callcenter.appeals.model.statuses import Status
from callcenter.appeals.service.operators import Appeals
from callcenter.appeals.tables import Appeal
from callcenter.calls.tables import Call
from callcenter.contractors.service.desk import ContractorDesk
from callcenter.contractors.tables import ContractorRow
from callcenter.core.database import Database
from callcenter.core.errors import DomainError
from callcenter.pops.store.board import signed_in_operators
from callcenter.users.model import Principal, Role
from callcenter.users.service import Auth

log = structlog.get_logger("callcenter.demo")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    display_name: str
    seat: str | None = None
    contractor: str | None = None


PEOPLE = (
    DemoUser("operator", Role.OPERATOR, "Олена Демченко", "PJSIP/op1001"),
    DemoUser("supervisor", Role.SUPERVISOR, "Ірина Савчук"),
    DemoUser("admin", Role.ADMIN, "Адміністратор демо"),
)
COLLEAGUE = DemoUser("colleague", Role.OPERATOR, "Петро Колега (демо)", "SIP/op1001")

# What residents call about, as the colleague writes it down: (category, description).
EVERYDAY = (
    ("hot_water_none", "Немає гарячої води з самого ранку, у всьому під’їзді."),
    ("heating_insufficient", "Батареї ледь теплі, у квартирі +16."),
    ("elevator_broken", "Ліфт стоїть між поверхами, нікого в ньому немає."),
    ("street_lighting", "Не горять ліхтарі на всій вулиці, темно йти з роботи."),
    ("waste_not_collected", "Третій день не вивозять сміття, баки переповнені."),
    ("road_potholes", "Глибока яма на проїжджій частині, машини б’ють колеса."),
    ("roof_leak", "Протікає дах над останнім поверхом після дощу."),
    ("water_low_pressure", "Слабкий тиск холодної води, на п’ятий поверх не доходить."),
    ("tree_fallen", "Впало дерево на тротуар, пройти неможливо."),
    ("sewer_blockage", "Забилася каналізація в підвалі, стоїть запах."),
)
# What demo residents write on the portal (categories residents may file).
PORTAL_APPEALS = (
    ("road_potholes", "Біля зупинки велика яма, після дощу її не видно."),
    ("street_lighting", "Увечері не горить жоден ліхтар у дворі, дуже темно."),
    ("waste_not_collected", "Контейнери біля будинку не вивозять уже тиждень."),
    ("tree_trimming", "Гілки дерева лежать на дротах над тротуаром."),
)
BURST = ("water_pipe_burst", "Прорвало трубу, вода б’є з-під асфальту й заливає дорогу.")
DONE_ANSWERS = (
    "Бригада усунула несправність, роботи завершено.",
    "Замінили пошкоджену ділянку, подачу відновлено.",
    "Виконано: виїзд бригади, ремонт проведено, перевірено на місці.",
)
QUESTION = "Уточніть, будь ласка, номер під’їзду та чи є доступ до підвалу."
NOT_OURS = "Ця адреса не на нашому обслуговуванні: будинок обслуговує ОСББ."


def new_password() -> str:
    return secrets.token_urlsafe(9)  # 12 characters


async def ensure_users(auth: Auth, contractors: Sequence[str]
                       ) -> tuple[list[tuple[DemoUser, str]], dict[str, Principal]]:
    """Create the demo users or give them a new password; return what to print and the
    principals the demo acts as (the colleague, each contractor's user)."""
    shown: list[tuple[DemoUser, str]] = []
    for person in PEOPLE:
        shown.append((person, await _ensure(auth, person, new_password())))
    crews = new_password()
    acting = {"colleague": await _principal(auth, COLLEAGUE, new_password())}
    for code in contractors:
        crew = DemoUser(code, Role.CONTRACTOR, code, contractor=code)
        acting[code] = await _principal(auth, crew, crews)
    shown.append((DemoUser("<код виконавця>", Role.CONTRACTOR, "виконавці"), crews))
    return shown, acting


async def _ensure(auth: Auth, person: DemoUser, password: str) -> str:
    if await auth.store.find_user(person.username) is None:
        await auth.add_user(username=person.username, password=password,
                            role=person.role.value, display_name=person.display_name,
                            seat=person.seat, contractor=person.contractor)
    else:
        await auth.set_active(person.username, True)
        await auth.set_password(person.username, password)
    return password


async def _principal(auth: Auth, person: DemoUser, password: str) -> Principal:
    await _ensure(auth, person, password)
    user = await auth.store.find_user(person.username)
    assert user is not None
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name,
                     role=person.role, seat=person.seat, session_id=0, csrf_token="",
                     contractor=person.contractor)


@dataclass(frozen=True)
class Pace:
    """Real seconds before the demo's people act (shorter with a faster day)."""

    fill_after: float = 8.0  # the colleague types this long after the call ends
    take_after: float = 15.0  # a contractor takes an appeal into work after this ...
    answer_after: float = 40.0  # ... and answers it after this


class Colleague:
    """Fills the appeals of answered calls that rang no signed-in person's seat."""

    def __init__(self, db: Database, appeals: Appeals, principal: Principal,
                 streets: Sequence[str], burst_street: str, rng: random.Random,
                 pace: Pace) -> None:
        self.db, self.appeals, self.principal = db, appeals, principal
        self.streets, self.burst_street = streets, burst_street
        self.random, self.pace = rng, pace
        self.burst_calls: set[str] = set()  # Linkedids of calls about the burst
        # Answers a call about the burst by its registered outage (callcenter/demo/outages.py).
        self.outage_answer: Callable[[str, str], Awaitable[bool]] | None = None

    async def work(self) -> int:
        now = datetime.now(UTC)
        people = {seat for seat, who in (await signed_in_operators(self.db, now)).items()
                  if who.username != self.principal.username}
        done = 0
        for number, version, linkedid in await self._waiting(now, people):
            burst = linkedid in self.burst_calls
            if (burst and self.outage_answer is not None and await self.outage_answer(
                    number, self.principal.username)) or await self._fill(number, version, burst):
                done += 1
        return done

    async def _waiting(self, now: datetime, people: set[str]) -> list[tuple[str, int, str]]:
        query = (select(Appeal.number, Appeal.version, Call.linkedid, Call.operator)
                 .join(Call, Call.id == Appeal.auto_call_id)
                 .where(Appeal.status == Status.NEW.value, Call.answered_at.is_not(None),
                        Call.ended_at < now - timedelta(seconds=self.pace.fill_after))
                 .order_by(Appeal.id).limit(20))
        async with self.db.reading() as session:
            rows = (await session.execute(query)).all()
        return [(n, v, linkedid) for n, v, linkedid, seat in rows if seat not in people]

    async def _fill(self, number: str, version: int, burst: bool) -> bool:
        category, text = BURST if burst else self.random.choice(EVERYDAY)
        street = self.burst_street if burst else self.random.choice(self.streets)
        form = AppealForm(version=version, category=category, street=street,
                          house=str(self.random.randint(1, 60)), description=text)
        try:
            await self.appeals.complete_appeal(number=number, form=form, user=self.principal)
        except DomainError as exc:  # a person got there first, or the form changed
            log.info("demo_colleague_skipped", number=number, reason=str(exc))
            return False
        return True


class Crews:
    """The contractors' people: each appeal assigned to a demo contractor is taken into work,
    then most are done with an answer; some get a question, a few "not ours"."""

    def __init__(self, db: Database, desk: ContractorDesk, principals: dict[str, Principal],
                 rng: random.Random, pace: Pace) -> None:
        self.db, self.desk, self.principals = db, desk, principals
        self.random, self.pace = rng, pace

    async def work(self) -> int:
        now = datetime.now(UTC)
        acted = 0
        for number, status, code in await self._open(now):
            crew = self.principals.get(code)
            if crew is not None and await self._act(crew, number, status):
                acted += 1
        return acted

    async def _open(self, now: datetime) -> list[tuple[str, str, str]]:
        take = now - timedelta(seconds=self.pace.take_after)
        answer = now - timedelta(seconds=self.pace.answer_after)
        query = (select(Appeal.number, Appeal.status, ContractorRow.code)
                 .join(ContractorRow, ContractorRow.id == Appeal.contractor_id)
                 .where(((Appeal.status == Status.ASSIGNED.value) & (Appeal.assigned_at < take))
                        | ((Appeal.status == Status.IN_WORK.value)
                           & (Appeal.acknowledged_at < answer)))
                 .order_by(Appeal.id).limit(20))
        async with self.db.reading() as session:
            return [tuple(row) for row in (await session.execute(query)).all()]  # type: ignore[misc]

    async def _act(self, crew: Principal, number: str, status: str) -> bool:
        try:
            if status == Status.ASSIGNED.value:
                await self._first_look(crew, number)
            else:
                await self.desk.done(crew, number, answer=self.random.choice(DONE_ANSWERS))
        except DomainError as exc:
            log.info("demo_crew_skipped", number=number, reason=str(exc))
            return False
        return True

    async def _first_look(self, crew: Principal, number: str) -> None:
        roll = self.random.random()
        if roll < 0.08:
            await self.desk.not_ours(crew, number, reason=NOT_OURS)
        elif roll < 0.16:
            await self.desk.clarify(crew, number, question=QUESTION)
        else:
            await self.desk.take(crew, number, comment="Прийнято, бригада виїжджає.")
