"""The benchmark's city: appeal facts drawn from the sample rules, seeded databases, messages."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite

from callcenter.appeals.tables import Appeal, AppealCounter
from callcenter.contractors.model.contractors import Contractor
from callcenter.contractors.service.imports import read_contractors
from callcenter.contractors.store.contractors import SqlContractorStore
from callcenter.core.database import Database
from callcenter.delivery.model.notices import Notifier
from callcenter.delivery.model.outbox import NewMessage
from callcenter.routing.model.policy import AppealFacts
from callcenter.routing.model.records import AppealCard, Assignment
from callcenter.routing.model.rules import Rules
from callcenter.routing.service.rules import read_rules
from callcenter.routing.store import SqlRoutingStore

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "config" / "routing.toml"
CONTRACTORS = ROOT / "config" / "contractors.toml"
T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
SECRET_ENV = "CALLCENTER_BENCH_SECRET"
UNKNOWN = ["Невідома", "Садова", "Зелена"]
CHUNK = 2000


def rules() -> Rules:
    return read_rules(RULES, timezone="Europe/Kyiv")


def appeal_rows(count: int, sample: Rules, seed: int = 1580) -> list[dict[str, Any]]:
    """`count` appeals as rows: categories and streets of the rules (some unknown), house
    numbers with letters and fractions, opened over a week (nights and weekends too)."""
    rng = random.Random(seed)
    categories = sorted({c for group in sample.groups.values() for c in group}
                        | {"something_new"})  # the categories file's codes, and one unknown
    streets = sorted({a.name for r in sample.rules for a in r.areas}
                     | {s for streets in sample.districts.values() for s in streets}) + UNKNOWN
    return [_row(n, rng, categories, streets) for n in range(1, count + 1)]


def _row(n: int, rng: random.Random, categories: list[str], streets: list[str]
         ) -> dict[str, Any]:
    house = f"{rng.randint(1, 160)}{rng.choice(['', '', '', 'А', '/1'])}"
    opened = T0 + timedelta(minutes=rng.randint(0, 7 * 24 * 60))
    return {"number": f"2026-{n:06d}", "year": 2026, "sequence": n, "channel": "phone",
            "status": "registered", "category": rng.choice(categories),
            "address": f"вул. {rng.choice(streets)}, {house}", "description": "bench",
            "caller": f"+38067{rng.randint(1_000_000, 9_999_999)}",
            "caller_name": "Мешканець", "opened_at": opened, "updated_at": opened}


def facts(rows: list[dict[str, Any]]) -> list[tuple[AppealFacts, datetime]]:
    return [(AppealFacts.of(r["category"], r["address"]), r["opened_at"]) for r in rows]


async def seed(url: str, rows: list[dict[str, Any]]) -> Database:
    """Contractors from the sample file and the appeals, registered, not yet routed."""
    db = Database(url)
    await SqlContractorStore(db).upsert(read_contractors(CONTRACTORS), at=T0)
    inserter = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
    async with db.transaction() as session:
        await session.execute(inserter(AppealCounter).values(year=2026, last=len(rows))
                              .on_conflict_do_nothing())
    for start in range(0, len(rows), CHUNK):
        async with db.transaction() as session:
            await session.execute(insert(Appeal), rows[start:start + CHUNK])
    return db


def sink_contractor(http_port: int, smtp_domain: str = "sink.example.org") -> Contractor:
    return Contractor(code="bench-sink", name="Приймач бенчмарку", kind="utility",
                      channels=("email", "webhook"), email=f"dispatch@{smtp_domain}",
                      webhook_url=f"http://127.0.0.1:{http_port}/hook",
                      webhook_secret_ref=f"env:{SECRET_ENV}")


def messages(contractor: Contractor, channel: str, count: int) -> list[NewMessage]:
    """`count` assignment messages of one channel, as routing writes them."""
    notifier = Notifier(public_base_url="https://1580.example.org", timezone="Europe/Kyiv")
    return [m for n in range(1, count + 1)
            for m in notifier.appeal_assigned(_card(n), contractor, _assignment(n))
            if m.channel == channel]


async def enqueue(db: Database, batch: list[NewMessage]) -> None:
    """Straight into the outbox (not timed)."""
    store = SqlRoutingStore(db)
    for start in range(0, len(batch), CHUNK):
        async with store.transaction() as tx:
            await tx.enqueue(batch[start:start + CHUNK], appeal_id=None, decision_id=None,
                             contractor_id=None, at=T0)


def _card(n: int) -> AppealCard:
    return AppealCard(id=n, number=f"2026-{n:06d}", status="assigned", category="water_pipe_burst",
                      address="вул. Незалежності, 5", description="Тече вода з-під асфальту",
                      caller="+380671234567", caller_name="Мешканець", opened_at=T0)


def _assignment(n: int) -> Assignment:
    return Assignment(id=n, appeal_id=n, contractor_id=1, contractor="bench-sink",
                      rule_id="water", reason="правило «water»", priority="emergency",
                      deadline=T0 + timedelta(hours=4), callback=False, at=T0, actor="bench")
