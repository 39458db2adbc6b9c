"""Commands of routing and delivery: worker, contractors, outbox, routing, escalation."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from callcenter.contractors.model.contractors import ContractorsError
from callcenter.contractors.service.imports import import_contractors
from callcenter.contractors.store.contractors import SqlContractorStore
from callcenter.core import logs
from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.core.errors import DomainError, StoreUnavailable
from callcenter.core.scheduler import TimedJobs
from callcenter.delivery.model.outbox import OutboxRow, OutboxState
from callcenter.delivery.service.admin import OutboxAdmin
from callcenter.delivery.store import SqlOutboxStore
from callcenter.routing.model.policy import AppealFacts, route
from callcenter.routing.model.rules import Rules, RulesError
from callcenter.routing.service.rules import read_rules

COMMANDS = frozenset({"worker", "contractors", "outbox", "routing", "escalation"})
T = TypeVar("T")


def add_commands(sub: Any) -> None:
    worker = sub.add_parser("worker", help="deliver the outbox and run the escalation sweep")
    worker.add_argument("--name", help="worker name in the delivery log (default host-pid)")
    contractors = sub.add_parser("contractors", help="contractors").add_subparsers(
        dest="contractors_command", required=True)
    imports = contractors.add_parser("import", help="upsert contractors from a file (by code)")
    imports.add_argument("file", nargs="?", help="default: [routing] contractors")
    contractors.add_parser("list", help="contractors in the database")
    outbox = sub.add_parser("outbox", help="outgoing messages").add_subparsers(
        dest="outbox_command", required=True)
    listing = outbox.add_parser("list", help="newest first")
    listing.add_argument("--state", choices=[s.value for s in OutboxState])
    listing.add_argument("--limit", type=int, default=50)
    outbox.add_parser("dead", help="dead letters (gave up after the last attempt)")
    log = outbox.add_parser("log", help="the delivery log: attempts, responses, errors")
    log.add_argument("--contractor", help="one contractor's (code)")
    log.add_argument("--limit", type=int, default=50)
    resend = outbox.add_parser("resend", help="a dead letter back to the queue")
    resend.add_argument("id", type=int)
    resend.add_argument("--actor", default="cli")
    _routing_commands(sub)
    escalation = sub.add_parser("escalation", help="reminders and overdue appeals")
    esc = escalation.add_subparsers(dest="escalation_command", required=True)
    esc.add_parser("sweep", help="enqueue the reminders due now (idempotent; any timer)")
    esc.add_parser("overdue", help="appeals past their deadline")


def _routing_commands(sub: Any) -> None:
    routing = sub.add_parser("routing", help="routing rules").add_subparsers(
        dest="routing_command", required=True)
    check = routing.add_parser("check", help="validate a rules file (and its contractors)")
    check.add_argument("file", nargs="?", help="default: [routing] rules")
    explain = routing.add_parser("explain", help="which contractor an appeal would get")
    explain.add_argument("--category", required=True)
    explain.add_argument("--address", default="")
    explain.add_argument("--at", help="ISO date-time (config zone); default now")
    explain.add_argument("--file", help="default: [routing] rules")


def run(args: argparse.Namespace, config: Config, *, jobs: TimedJobs | None = None) -> int:
    """`jobs`: registers the timed jobs `callcenter worker` runs (composed in main.py)."""
    logs.configure(fmt=config.log.format, level=config.log.level)  # to stderr, not stdout
    try:
        return _run(args, config, jobs)
    except RulesError as exc:
        _problems("routing rules", exc.problems)
    except ContractorsError as exc:
        _problems("contractors", exc.problems)
    except DomainError as exc:
        if isinstance(exc, StoreUnavailable):
            raise
        print(f"callcenter: {exc}", file=sys.stderr)
        return 1
    return 2


def _problems(what: str, problems: list[str]) -> None:
    print(f"callcenter: {what}: {len(problems)} problem(s):", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)


def _run(args: argparse.Namespace, config: Config, jobs: TimedJobs | None) -> int:
    # The services' composition brings the HTTP and SMTP clients: imported by the commands
    # that run them, so `callcenter listen` (which shares this CLI) does without.
    from callcenter.routing import wiring

    if args.command == "worker":
        asyncio.run(wiring.run_worker(config, name=args.name, jobs=jobs))
        return 0
    if args.command == "contractors":
        return _contractors(args, config)
    if args.command == "outbox":
        return _outbox(args, config)
    if args.command == "routing":
        return check_rules(args, config) if args.routing_command == "check" else explain(
            args, config)
    return _escalation(args, config)


def with_db(config: Config, use: Callable[[Database], Awaitable[T]]) -> T:
    async def go() -> T:
        db = Database(config.database.url)
        try:
            return await use(db)
        finally:
            await db.close()

    return asyncio.run(go())


def _contractors(args: argparse.Namespace, config: Config) -> int:
    if args.contractors_command == "list":
        for c in with_db(config, lambda db: SqlContractorStore(db).all()):
            print(f"{c.code:<24} {'on ' if c.active else 'off'} {','.join(c.channels):<14} "
                  f"{c.name}")
        return 0
    path = Path(args.file or config.routing.contractors)
    counts = with_db(config, lambda db: import_contractors(path, SqlContractorStore(db)))
    print(f"{path}: {counts.inserted} added, {counts.updated} updated, "
          f"{counts.unchanged} unchanged (nothing deleted)"
          + (f"; {counts.kept} kept as an admin edited them" if counts.kept else ""))
    return 0


def _outbox(args: argparse.Namespace, config: Config) -> int:
    def admin(db: Database) -> OutboxAdmin:
        return OutboxAdmin(store=SqlOutboxStore(db))

    if args.outbox_command == "resend":
        row = with_db(config, lambda db: admin(db).resend(args.id, actor=args.actor))
        print(f"message {row.id} ({row.key}) queued again")
        return 0
    if args.outbox_command == "log":
        attempts = with_db(config, lambda db: admin(db).delivery_log(
            contractor=args.contractor, limit=args.limit))
        for a in attempts:
            print(f"{a.at.astimezone(ZoneInfo(config.timezone)):%Y-%m-%d %H:%M:%S} "
                  f"{'ok  ' if a.ok else 'FAIL'} #{a.message_id:<6} try {a.attempt:<2} "
                  f"{a.channel:<8} {a.contractor or '-':<20} {a.code or '-':>4} "
                  f"{a.duration_ms:>6} ms  {a.error or a.text}".rstrip())
        return 0
    state = "dead" if args.outbox_command == "dead" else args.state
    limit = getattr(args, "limit", 200)
    rows = with_db(config, lambda db: admin(db).messages(state=state, limit=limit))
    for row in rows:
        print(_outbox_line(row, config.timezone))
    return 0


def _outbox_line(row: OutboxRow, timezone: str) -> str:
    when = row.next_attempt_at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S")
    return (f"{row.id:>7} {row.state:<8} {row.attempts:>2} {when}  {row.event:<17} "
            f"{row.channel:<8} {row.appeal_number or '-':<12} {row.contractor or '-':<20} "
            f"{row.recipient}  {row.last_error}").rstrip()


def check_rules(args: argparse.Namespace, config: Config) -> int:
    path = Path(args.file or config.routing.rules)
    rules = read_rules(path, timezone=config.timezone)
    print(f"{path}: {len(rules.rules)} rules, {len(rules.contractors())} contractors, "
          f"coordinator {rules.coordinator}: valid")
    return _check_contractors(rules, config)


def _check_contractors(rules: Rules, config: Config) -> int:
    try:
        known = with_db(config, lambda db: SqlContractorStore(db).codes())
    except (StoreUnavailable, SQLAlchemyError) as exc:
        print(f"contractors not checked: database unavailable ({exc})")
        return 0
    if not known:
        print("contractors not checked: none in the database yet "
              "(callcenter contractors import)")
        return 0
    missing = sorted(rules.contractors() - known)
    for code in missing:
        print(f"unknown contractor {code!r}: not in the database (appeals routed to it would "
              "go to the coordinator)", file=sys.stderr)
    return 1 if missing else 0


def explain(args: argparse.Namespace, config: Config) -> int:
    rules = read_rules(Path(args.file or config.routing.rules), timezone=config.timezone)
    zone = ZoneInfo(config.timezone)
    now = datetime.fromisoformat(args.at) if args.at else datetime.now(zone)
    now = now if now.tzinfo else now.replace(tzinfo=zone)
    decision = route(AppealFacts.of(args.category, args.address), rules, now)
    print(json.dumps({
        "contractor": decision.contractor, "rule": decision.rule_id, "reason": decision.reason,
        "priority": decision.priority, "deadline": decision.deadline.isoformat(),
        "duty": decision.duty, "fallback": decision.fallback, "callback": decision.callback,
        "call_now": [{"label": c.label, "phone": c.phone} for c in decision.emergency_contacts],
    }, ensure_ascii=False, indent=2))
    return 0


def _escalation(args: argparse.Namespace, config: Config) -> int:
    from callcenter.routing import wiring

    async def sweep(db: Database) -> int:
        return await wiring.build_routing(config, db).escalation.sweep()

    async def overdue(db: Database) -> list[Any]:
        return await wiring.build_routing(config, db).escalation.overdue()

    if args.escalation_command == "sweep":
        print(f"{with_db(config, sweep)} reminder message(s) enqueued")
        return 0
    zone = ZoneInfo(config.timezone)
    for item in with_db(config, overdue):
        print(f"{item.number}  {item.deadline.astimezone(zone):%Y-%m-%d %H:%M}  "
              f"{item.priority:<9} {item.status:<9} {item.contractor:<20} "
              f"{item.category or '-'}  {item.address or '-'}")
    return 0
