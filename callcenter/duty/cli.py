"""`callcenter duty`: the journal of a period to a file (PDF or XLSX), and the mayor's
assignments past their deadline as the paragraph for the weekly note."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.duty.model import weekly_note
from callcenter.duty.pages import export
from callcenter.duty.wiring import build_duty

COMMANDS = frozenset({"duty"})


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    duty = sub.add_parser("duty", help="the duty desk: export the journal, the assignments")
    commands = duty.add_subparsers(dest="duty_command", required=True)
    out = commands.add_parser("export", help="the journal of local days SINCE..UNTIL to a file")
    out.add_argument("--since", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    out.add_argument("--until", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    out.add_argument("--output", "-o", type=Path, required=True,
                     help="a .pdf or .xlsx file (the suffix picks the format)")
    commands.add_parser("weekly", help="the mayor's assignments for the weekly note (text)")


def run(args: argparse.Namespace, config: Config) -> int:
    return asyncio.run(_run(args, config))


async def _run(args: argparse.Namespace, config: Config) -> int:
    db = Database(config.database.url)
    try:
        desk = build_duty(config, db)
        if args.duty_command == "weekly":
            print(weekly_note(await desk.assignments(), desk.today()))
            return 0
        start = datetime.combine(args.since, time(0), tzinfo=desk.zone).astimezone(UTC)
        end = datetime.combine(args.until + timedelta(days=1), time(0), tzinfo=desk.zone)
        period = await desk.period(start, end.astimezone(UTC))
        render = export.xlsx if args.output.suffix.lower() == ".xlsx" else export.pdf
        args.output.write_bytes(render(period, desk.zone))
        return 0
    finally:
        await db.close()
