"""`callcenter privacy`: the retention purge (from cron) and a resident's request to see or
erase their data, by the appeal's number and the phone it was filed with."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any, TypeVar

from callcenter.core import logs
from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.residents.model.privacy import PersonalData, PurgeReport
from callcenter.residents.service.privacy import Privacy
from callcenter.residents.wiring import build_privacy

COMMANDS = frozenset({"privacy"})
T = TypeVar("T")


def add_commands(sub: Any) -> None:
    privacy = sub.add_parser("privacy", help="residents' personal data").add_subparsers(
        dest="privacy_command", required=True)
    purge = privacy.add_parser("purge", help="anonymize appeals closed more than [privacy] "
                                             "keep_years ago (not under legal hold)")
    purge.add_argument("--dry-run", action="store_true", help="count, change nothing")
    for command, text in (("show", "what an appeal holds of the resident"),
                          ("erase", "anonymize an appeal at the resident's request")):
        one = privacy.add_parser(command, help=text)
        one.add_argument("number", help="the appeal's number, YYYY-NNNNNN")
        one.add_argument("--phone", required=True,
                         help="the phone the appeal was filed with (caller or contact)")
        one.add_argument("--json", action="store_true")
        if command == "erase":
            one.add_argument("--actor", default="cli", help="who served the request")


def run(args: argparse.Namespace, config: Config) -> int:
    logs.configure(fmt=config.log.format, level=config.log.level)  # to stderr, not stdout

    async def purge(privacy: Privacy) -> int:
        print_report(await privacy.purge(dry_run=args.dry_run))
        return 0

    async def show(privacy: Privacy) -> int:
        print_data(await privacy.show(args.number, args.phone), args.json)
        return 0

    async def erase(privacy: Privacy) -> int:
        found = await privacy.erase(args.number, args.phone, actor=args.actor)
        print(f"appeal {found.number}: the resident's data was removed")
        return 0

    commands = {"purge": purge, "show": show, "erase": erase}
    return asyncio.run(_with_privacy(config, commands[args.privacy_command]))


async def _with_privacy(config: Config, work: Callable[[Privacy], Awaitable[T]]) -> T:
    db = Database(config.database.url, echo=config.database.echo)
    try:
        return await work(build_privacy(config, db))
    finally:
        await db.close()


def print_report(report: PurgeReport) -> None:
    verb = "would anonymize" if report.dry_run else "anonymized"
    count = report.due - report.held if report.dry_run else report.anonymized
    print(f"closed before {report.cutoff.date().isoformat()}: {report.due} due, "
          f"{report.held} under legal hold (kept), {verb} {count}")
    for number in report.numbers:
        print(f"  {number}")


def print_data(data: PersonalData, as_json: bool) -> None:
    values = asdict(data)
    values.pop("appeal_id")
    if as_json:
        print(json.dumps(values, ensure_ascii=False, indent=2, default=_text))
        return
    for name, value in values.items():
        print(f"{name:>14}: {_text(value) if value is not None else '-'}")


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
