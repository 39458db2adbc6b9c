"""A small city for routing tests: rules, contractors, registered appeals, a clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from callcenter.appeals.model.statuses import Channel, Status
from callcenter.appeals.rows import change_status, open_appeal
from callcenter.appeals.tables import Appeal, AppealCounter
from callcenter.contractors.model.contractors import Contractor
from callcenter.contractors.service.answers import ContractorAnswers
from callcenter.contractors.store.contractors import SqlContractorStore
from callcenter.core.database import Database
from callcenter.delivery.model.notices import Notifier
from callcenter.delivery.service.admin import OutboxAdmin
from callcenter.delivery.store import SqlOutboxStore
from callcenter.routing.service.escalation import Escalation
from callcenter.routing.service.routing import AppealRouter
from callcenter.routing.service.rules import RuleHolder
from callcenter.routing.store import SqlRoutingStore

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # Wednesday 10:00 in Kyiv: working hours
SECRET_ENV = "CALLCENTER_TEST_WEBHOOK_SECRET"
SECRET = b"test-secret-1580"
CALLER = "+380671234567"
RULES = """
coordinator = "coordinator"
[deadlines]
emergency = "4h"
urgent = "3d"
normal = "15d"
max = "45d"
[acknowledge]
emergency = "1h"
urgent = "4h"
normal = "1wd"
[emergency_services.gas]
phone = "104"
label = "Аварійна газова служба"
[groups]
water = ["water_none", "water_pipe_burst"]
housing = ["roof_leak", "stairwell"]

[[rules]]
id = "water"
groups = ["water"]
contractor = "vodokanal"
priority = "emergency"
call_now = ["dispatcher"]

[[rules]]
id = "housing"
groups = ["housing"]
contractor = "uk"

[[rules]]
id = "callback-housing"
categories = ["stairwell"]
contractor = "uk"
callback = true

[[rules]]
id = "power"
categories = ["power_outage"]
contractor = "ghost"

[[rules]]
id = "gas"
categories = ["gas_smell"]
contractor = "gas-off"
priority = "emergency"
deadline = "1h"
call_now = ["gas", "dispatcher"]
"""


def contractors(webhook_url: str) -> list[Contractor]:
    return [
        Contractor(code="coordinator", name="Координатор 1580", kind="coordinator",
                   channels=("email",), email="coordinator@1580.example.org",
                   manager_email="head@1580.example.org"),
        Contractor(code="vodokanal", name="Водоканал", kind="utility",
                   channels=("email", "webhook"), email="dispatch@vodokanal.example.org",
                   manager_email="boss@vodokanal.example.org", night_phone="+380342000202",
                   webhook_url=webhook_url, webhook_secret_ref=f"env:{SECRET_ENV}"),
        Contractor(code="uk", name="УК «Центр»", kind="housing", channels=("email",),
                   email="uk@uk.example.com", manager_email="director@uk.example.com"),
        Contractor(code="gas-off", name="Газ (вимкнено)", kind="utility", channels=("email",),
                   email="gas@gas.example.org", active=False),
    ]


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def rule_holder(tmp_path: Path, text: str = RULES) -> RuleHolder:
    path = tmp_path / "routing.toml"
    path.write_text(text, encoding="utf-8")
    holder = RuleHolder(path, timezone="Europe/Kyiv")
    holder.load()
    return holder


@dataclass
class City:
    db: Database
    clock: Clock
    rules: RuleHolder
    appeal_router: AppealRouter
    answers: ContractorAnswers
    escalation: Escalation
    admin: OutboxAdmin
    outbox: SqlOutboxStore
    ids: dict[str, int]

    async def registered(self, category: str | None, address: str | None, *,
                         caller: str | None = CALLER, description: str = "Опис") -> int:
        return await registered_appeal(self.db, category=category, address=address,
                                       caller=caller, description=description,
                                       at=self.clock())


async def build_city(url: str, tmp_path: Path, *, webhook_url: str = "http://127.0.0.1:9/h",
                     supervisors: tuple[str, ...] = ("sup@1580.example.org",)) -> City:
    db = Database(url)
    clock = Clock()
    store = SqlContractorStore(db)
    await store.upsert(contractors(webhook_url), at=clock())
    ids = {c.code: c.id for c in await store.all() if c.id is not None}
    rules = rule_holder(tmp_path)
    notifier = Notifier(public_base_url="https://1580.example.org", timezone="Europe/Kyiv",
                        supervisors=supervisors)
    store = SqlRoutingStore(db)
    outbox = SqlOutboxStore(db)
    return City(db, clock, rules,
                AppealRouter(store=store, rules=rules, notifier=notifier, clock=clock),
                ContractorAnswers(store=store, clock=clock),
                Escalation(store=store, rules=rules, notifier=notifier, clock=clock),
                OutboxAdmin(store=outbox, clock=clock), outbox, ids)


async def registered_appeal(db: Database, *, category: str | None, address: str | None,
                            caller: str | None = CALLER, description: str = "Опис",
                            at: datetime = T0) -> int:
    """What the operator page does: open an appeal, complete it, register it."""
    inserter = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
    async with db.transaction() as session:
        await session.execute(inserter(AppealCounter).values(year=at.year, last=0)
                              .on_conflict_do_nothing())
        opened = await open_appeal(session, timezone="Europe/Kyiv", channel=Channel.PHONE,
                                   opened_at=at, call_pk=None, automatic=False, caller=caller,
                                   caller_name="Марія Іваненко", comment="test")
        number = opened.number
        appeal = await session.scalar(select(Appeal).where(Appeal.number == number))
        assert appeal is not None
        appeal.category, appeal.address, appeal.description = category, address, description
        await change_status(session, appeal, Status.REGISTERED, at=at, actor="operator",
                            action="registered", comment="")
        return appeal.id
