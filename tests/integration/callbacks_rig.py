"""Appeals waiting for call-backs, seeded through the appeals' own rows: missed calls, done
appeals of a contractor, an appeal on control; and a clock the tests move."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from callcenter.appeals.model.statuses import Channel, Status
from callcenter.appeals.rows import open_appeal
from callcenter.appeals.tables import Appeal, AppealCounter, AppealHistory
from callcenter.callbacks.service import CallbackRules, Callbacks
from callcenter.callbacks.store.desk import SqlCallbacks
from callcenter.contractors.tables import ContractorRow
from callcenter.core.database import Database, insert_ignore
from callcenter.core.tables import Base
from callcenter.delivery.tables import OutboxMessageRow

T0 = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
COUNTERS = Base.metadata.tables[AppealCounter.__tablename__]


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Seed:
    db: Database
    contractor_id: int = 0
    numbers: dict[int, str] = field(default_factory=dict)

    async def contractor(self) -> int:
        async with self.db.transaction() as session:
            self.contractor_id = int(await session.scalar(insert(ContractorRow).values(
                code="vodokanal", name="Водоканал", kind="utility", channels="email",
                email="dispatch@vodokanal.example", active=True, created_at=T0,
                updated_at=T0).returning(ContractorRow.id)) or 0)
        return self.contractor_id

    async def appeal(self, status: Status, *, caller: str | None, at: datetime,
                     contractor: bool = False) -> int:
        async with self.db.transaction() as session:
            await session.execute(insert_ignore(self.db.dialect, COUNTERS).values(
                year=at.year, last=0))
            opened = await open_appeal(session, timezone="Europe/Kyiv", channel=Channel.PHONE,
                                       opened_at=at, call_pk=None, automatic=False,
                                       caller=caller, caller_name=None, comment="")
            values: dict[str, object] = {"status": status.value, "updated_at": at}
            if contractor:
                values.update(contractor_id=self.contractor_id, category="water_none",
                              address="вулиця Незалежності, 1", description="Немає води")
            await session.execute(Appeal.__table__.update().where(  # type: ignore[attr-defined]
                Appeal.id == opened.id).values(**values))
            if status is Status.DONE:
                session.add(AppealHistory(appeal_id=opened.id, at=at, actor="vodokanal",
                                          action="done", from_status="in_work",
                                          to_status="done", comment="Виконано"))
        self.numbers[opened.id] = opened.number
        return opened.id

    async def status(self, appeal_id: int) -> str:
        async with self.db.reading() as session:
            return str(await session.scalar(select(Appeal.status).where(
                Appeal.id == appeal_id)))

    async def outbox(self, appeal_id: int) -> list[OutboxMessageRow]:
        async with self.db.reading() as session:
            return list((await session.scalars(select(OutboxMessageRow).where(
                OutboxMessageRow.appeal_id == appeal_id))).all())

    async def history(self, appeal_id: int) -> list[tuple[str, str | None, str]]:
        async with self.db.reading() as session:
            rows = await session.execute(select(AppealHistory.action, AppealHistory.to_status,
                                                AppealHistory.comment)
                                         .where(AppealHistory.appeal_id == appeal_id)
                                         .order_by(AppealHistory.id))
            return [(r[0], r[1], r[2]) for r in rows]


def callbacks(db: Database, clock: Clock, **rules: float) -> Callbacks:
    return Callbacks(SqlCallbacks(db), CallbackRules(**rules), clock=clock)  # type: ignore[arg-type]
