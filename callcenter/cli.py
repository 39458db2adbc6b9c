"""`callcenter` command line: serve, demo, db, appeals."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from callcenter import config as configuration
from callcenter import dispatch_cli
from callcenter import main as app
from callcenter.ami.link import AmiAuthError
from callcenter.db import appeal_queries, migrate
from callcenter.db.engine import Database
from callcenter.domain.errors import StoreUnavailable
from callcenter.domain.listing import AppealListItem, HistoryItem, appeal_json


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="callcenter", description="1580 hotline backend")
    p.add_argument("--config", help="config file (default: $CALLCENTER_CONFIG or "
                                    "config/callcenter.toml)")
    p.add_argument("--database", help="database URL (overrides the config)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the AMI listener against the configured Asterisk")
    demo = sub.add_parser("demo", help="run everything against the built-in PBX (SQLite)")
    demo.add_argument("--calls", type=int, help="stop after this many calls")
    demo.add_argument("--interval", type=float, help="seconds between calls")
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command",
                                                                     required=True)
    db.add_parser("upgrade", help="apply migrations up to the newest")
    db.add_parser("check", help="fail if the models drifted from the migrations")
    appeals = sub.add_parser("appeals", help="appeals").add_subparsers(dest="appeals_command",
                                                                       required=True)
    listing = appeals.add_parser("list", help="list appeals, oldest first")
    listing.add_argument("--json", action="store_true", help="a JSON array for scripts")
    listing.add_argument("--since", type=_since, help="ISO date or date-time (config zone)")
    listing.add_argument("--limit", type=int)
    history = appeals.add_parser("history", help="the history of one appeal")
    history.add_argument("number")
    dispatch_cli.add_commands(sub)
    return p


def _since(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date or date-time: {text!r}") from exc


def load_config(args: argparse.Namespace) -> configuration.Config:
    config = configuration.load(args.config)
    if args.command == "demo" and not args.database:
        args.database = app.DEMO_DATABASE
    if args.database:
        config = config.replace(database=configuration.DatabaseConfig(url=args.database))
    if args.command == "demo" and args.interval:
        config = config.replace(demo=configuration.DemoConfig(interval=args.interval))
    return config


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        config = load_config(args)
        return dispatch(args, config)
    except configuration.ConfigError as exc:
        print(f"callcenter: configuration error: {exc}", file=sys.stderr)
        return 2
    except AmiAuthError as exc:
        print(f"callcenter: {exc}\nCheck [ami] username/secret (CALLCENTER_AMI_USER, "
              "CALLCENTER_AMI_SECRET) and manager.conf.", file=sys.stderr)
        return 3
    except StoreUnavailable as exc:
        print(f"callcenter: {exc}", file=sys.stderr)
        return 4


def dispatch(args: argparse.Namespace, config: configuration.Config) -> int:
    if args.command in dispatch_cli.COMMANDS:
        return dispatch_cli.run(args, config)
    if args.command == "serve":
        _run(app.serve(config))
    elif args.command == "demo":
        _run(app.demo(config, calls=args.calls))
    elif args.command == "db":
        run_db(args.db_command, config.database.url)
    elif args.appeals_command == "list":
        print_appeals(config, args)
    else:
        return print_history(config, args.number)
    return 0


def _run(coro: object) -> None:
    try:
        asyncio.run(coro)  # type: ignore[arg-type]
    except* AmiAuthError as group:
        raise group.exceptions[0] from None


def run_db(command: str, url: str) -> None:
    if command == "upgrade":
        migrate.upgrade(url)
    else:
        migrate.check(url)


def print_appeals(config: configuration.Config, args: argparse.Namespace) -> None:
    since = args.since
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=ZoneInfo(config.timezone))
    items = asyncio.run(_fetch(config.database.url, since, args.limit))
    rows = [appeal_json(item, config.timezone) for item in items]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return
    for row in rows:
        print(f"{row['number']}  {row['opened_at'][:19]}  {row['status']:<12} "
              f"{row['call_outcome'] or '':<12} {row['trunk'] or row['channel']:<9} "
              f"{row['caller'] or 'withheld':<14} {row['caller_name'] or ''}")


async def _fetch(url: str, since: datetime | None, limit: int | None
                 ) -> list[AppealListItem]:
    db = Database(url)
    try:
        return await appeal_queries.list_appeals(db, since=since, limit=limit)
    finally:
        await db.close()


def print_history(config: configuration.Config, number: str) -> int:
    async def fetch() -> list[HistoryItem]:
        db = Database(config.database.url)
        try:
            return await appeal_queries.appeal_history(db, number)
        finally:
            await db.close()

    rows = asyncio.run(fetch())
    if not rows:
        print(f"callcenter: no appeal {number}", file=sys.stderr)
        return 1
    for r in rows:
        print(f"{r.at.isoformat()}  {r.actor:<10} {r.action:<12} "
              f"{r.from_status or '-'} -> {r.to_status or '-'}  {r.comment}")
    return 0
