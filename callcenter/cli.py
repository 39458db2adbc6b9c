"""`callcenter` command line: serve, demo, db, appeals, recordings, privacy.

Exit codes: 0 done; 1 the command found something for a person (see each command's help);
2 configuration error; 3 AMI login refused; 4 database unavailable; 5 the HTTP port could not
be opened; 141 standard output was closed before the command had written it all (a reader
such as `head` stopped early; 128 + SIGPIPE, as a shell reports it), quietly.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import TypeVar
from zoneinfo import ZoneInfo

from callcenter.appeals import rows as appeal_rows
from callcenter.appeals.model.listing import AppealListItem, HistoryItem, appeal_json
from callcenter.appeals.store import queries as appeal_queries
from callcenter.core import config as configuration
from callcenter.core import migrate
from callcenter.core.ami.link import AmiAuthError
from callcenter.core.database import Database
from callcenter.core.errors import DomainError, StoreUnavailable
from callcenter.core.web.listening import HttpPortUnavailable
from callcenter.duty import cli as duty_cli
from callcenter.open311 import cli as open311_cli
from callcenter.recordings.service.archive import Archive
from callcenter.recordings.service.upkeep import (
    PurgeReport,
    ReconcileReport,
    RecordingUpkeep,
    VerifyReport,
)
from callcenter.recordings.store.upkeep import SqlRecordingUpkeep
from callcenter.residents import cli as residents_cli
from callcenter.routing import cli as routing_cli
from callcenter.users import cli as user_commands

E = TypeVar("E", bound=Exception)
STDOUT_CLOSED = 141  # 128 + SIGPIPE: what a shell says of a command a closed pipe stopped


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="callcenter", description="1580 hotline backend")
    p.add_argument("--config", help="config file (default: $CALLCENTER_CONFIG or "
                                    "config/callcenter.toml)")
    p.add_argument("--database", help="database URL (overrides the config)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the AMI listener and the web server")
    sub.add_parser("listen", help="run only the AMI listener (pops go to `web` processes)")
    sub.add_parser("web", help="run only the web server (more web processes beside one serve)")
    sub.add_parser("mail", help="receive mail to the hotline ([mail] mode: smtp or imap): "
                                "letters become appeals")
    demo = sub.add_parser("demo", help="the whole hotline in one process against the built-in "
                                       "PBX, on the configured database")
    demo.add_argument("--calls", type=_positive, help="stop after this many calls")
    demo.add_argument("--interval", type=_seconds,
                      help="seconds between calls at an ordinary hour (default [demo] interval)")
    demo.add_argument("--speed", type=_seconds, default=96.0,
                      help="simulated seconds per real second (default 96: a day in 15 min)")
    demo.add_argument("--seed", type=int, default=1580, help="the day's random seed")
    demo.add_argument("--port", type=_positive, help="HTTP port (default [http] port)")
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command",
                                                                     required=True)
    db.add_parser("upgrade", help="apply migrations up to the newest")
    db.add_parser("check", help="fail if the models drifted from the migrations")
    appeals = sub.add_parser("appeals", help="appeals").add_subparsers(dest="appeals_command",
                                                                       required=True)
    listing = appeals.add_parser("list", help="list appeals, oldest first")
    listing.add_argument("--json", action="store_true", help="a JSON array for scripts")
    listing.add_argument("--since", type=_since, help="ISO date or date-time (config zone)")
    listing.add_argument("--limit", type=_positive, help="at most this many (the oldest first)")
    history = appeals.add_parser("history", help="the history of one appeal")
    history.add_argument("number")
    users_parser(sub)
    add_recordings_commands(sub)
    routing_cli.add_commands(sub)
    duty_cli.add_commands(sub)
    residents_cli.add_commands(sub)
    open311_cli.add_commands(sub)
    return p


def users_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = sub.add_parser("users", help="users, roles, seats, sessions").add_subparsers(
        dest="users_command", required=True)
    add = users.add_parser("add", help="add a user; the password is read from stdin "
                                       "(--password-stdin), asked for, or generated")
    add.add_argument("name")
    add.add_argument("--role", required=True,
                     choices=["operator", "supervisor", "contractor", "admin"])
    add.add_argument("--seat", help="an operator's default seat, e.g. PJSIP/op1001")
    add.add_argument("--display-name", default="", help="the name shown to colleagues")
    add.add_argument("--contractor", help="a contractor user's contractor code")
    add.add_argument("--password-stdin", action="store_true")
    users.add_parser("list", help="list users")
    for command, text in (("passwd", "set a new password (ends the user's sessions)"),
                          ("disable", "disable the account and end its sessions"),
                          ("enable", "enable the account"),
                          ("revoke", "end every session of the user")):
        one = users.add_parser(command, help=text)
        one.add_argument("name")
        if command == "passwd":
            one.add_argument("--password-stdin", action="store_true")
    seat = users.add_parser("seat", help="set (or clear with '-') an operator's default seat")
    seat.add_argument("name")
    seat.add_argument("seat")


def add_recordings_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    recordings = sub.add_parser("recordings", help="the recordings archive").add_subparsers(
        dest="recordings_command", required=True)
    recordings.add_parser(
        "reconcile", help="calls without recordings, spool files nobody claimed, archive files "
                          "without a row; fixes what it safely can; exit 1 if a file needs a "
                          "person")
    recordings.add_parser(
        "verify", help="recompute the SHA-256 of every archived file; exit 1 on any mismatch "
                       "or missing file")
    purge = recordings.add_parser(
        "purge", help="apply retention (originals after original_days, compressed copies "
                      "after retention_days; never on legal hold); exit 1 if a file could "
                      "not be deleted")
    purge.add_argument("--dry-run", action="store_true", help="only say what would go")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return value


def _since(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date or date-time: {text!r}") from exc


def load_config(args: argparse.Namespace) -> configuration.Config:
    config = configuration.load(args.config)
    if args.database:
        config = config.replace(database=configuration.DatabaseConfig(url=args.database))
    if args.command == "demo" and args.interval:
        config = config.replace(demo=configuration.DemoConfig(interval=args.interval))
    if args.command == "demo" and args.port:
        config = config.replace(http=dataclasses.replace(config.http, port=args.port))
    return config


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code (see the module's docstring)."""
    try:
        code = run(parser().parse_args(argv))
        sys.stdout.flush()  # a reader gone by now fails here, not in Python's exit
        return code
    except BrokenPipeError:
        return stdout_closed()


def stdout_closed() -> int:
    """The reader went away (`callcenter appeals list --json | head -1`): stop quietly, as a
    command killed by SIGPIPE would. Python flushes stdout once more on its way out; aimed at
    /dev/null, that flush has nothing to complain about."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return STDOUT_CLOSED


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args)
        return run_command(args, config)
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
    except HttpPortUnavailable as exc:
        print(f"callcenter: {exc}\nCheck [http] host/port (CALLCENTER_HTTP_HOST, "
              "CALLCENTER_HTTP_PORT); another process may hold the port.", file=sys.stderr)
        return 5
    except DomainError as exc:
        print(f"callcenter: {exc}", file=sys.stderr)
        return 1


def _app() -> ModuleType:
    """callcenter.main, imported when a command needs the web side (it is large)."""
    import callcenter.main

    return callcenter.main


# Commands that work on the tables but never migrate them: a database that is not there or
# not migrated is named as such (SchemaNotReady), not as "unavailable".
NEED_SCHEMA = frozenset({"appeals", "recordings", "contractors", "outbox",
                         "escalation", "duty"})


def run_command(args: argparse.Namespace, config: configuration.Config) -> int:
    if args.command in NEED_SCHEMA:
        asyncio.run(migrate.require_schema(config.database.url))
    if args.command in routing_cli.COMMANDS:
        return routing_cli.run(args, config, jobs=_app().timed_jobs if args.command == "worker"
                               else None)
    if args.command in residents_cli.COMMANDS:
        return residents_cli.run(args, config)
    if args.command in open311_cli.COMMANDS:
        return open311_cli.run(args, config)
    if args.command in duty_cli.COMMANDS:
        return duty_cli.run(args, config)
    if args.command == "listen":
        from callcenter.calls.wiring import listen  # no web framework in this process

        _run(listen(config))
    elif args.command == "serve":
        _run(_app().serve(config))
    elif args.command == "web":
        _run(_app().serve_web(config))
    elif args.command == "mail":
        from callcenter.mail.wiring import run_mail

        _run(run_mail(config))
    elif args.command == "users":
        return user_commands.run(args, config)
    elif args.command == "demo":
        from callcenter.demo.run import DemoOptions, demo

        _run(demo(config, DemoOptions(calls=args.calls, interval=config.demo.interval,
                                      speed=args.speed, seed=args.seed)))
    elif args.command == "db":
        run_db(args.db_command, config.database.url, config.database.owner_url)
    elif args.command == "recordings":
        return run_recordings(config, args)
    elif args.appeals_command == "list":
        print_appeals(config, args)
    else:
        return print_history(config, args.number)
    return 0


def _run(coro: object) -> None:
    try:
        asyncio.run(coro)  # type: ignore[arg-type]
    except* (AmiAuthError, HttpPortUnavailable) as group:
        raise first_leaf(group) from None


def first_leaf(group: BaseExceptionGroup[E]) -> E:
    """The first exception inside (possibly nested) task groups."""
    found = group.exceptions[0]
    while isinstance(found, BaseExceptionGroup):
        found = found.exceptions[0]
    return found


def run_db(command: str, url: str, owner_url: str = "") -> None:
    if command == "upgrade":
        asyncio.run(migrate.prepare(url, owner_url))
    else:
        migrate.check(owner_url or url)


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
            return await appeal_rows.appeal_history(db, number)
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


def run_recordings(config: configuration.Config, args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[RecordingUpkeep], Awaitable[int]]] = {
        "reconcile": reconcile,
        "verify": verify,
        "purge": lambda upkeep: purge(upkeep, dry_run=args.dry_run),
    }

    async def run() -> int:
        db = Database(config.database.url)
        r = config.recordings
        try:
            upkeep = RecordingUpkeep(
                store=SqlRecordingUpkeep(db, pbx=config.pbx.name), archive=Archive(Path(r.dir)),
                spool_dir=r.spool_dir, asterisk_spool_dir=r.asterisk_spool_dir)
            return await commands[args.recordings_command](upkeep)
        finally:
            await db.close()

    return asyncio.run(run())


def _lines(label: str, items: list[str]) -> None:
    for item in items:
        print(f"{label:<13} {item}")


async def reconcile(upkeep: RecordingUpkeep) -> int:
    report: ReconcileReport = await upkeep.reconcile()
    _lines("claimed", report.claimed)
    _lines("re-queued", report.requeued)
    _lines("retry now", report.retried)
    _lines("temp removed", report.temps_removed)
    _lines("no recording", report.unrecorded)
    _lines("UNCLAIMED", report.unclaimed)
    _lines("ORPHAN", report.orphans)
    print(f"reconcile: {len(report.claimed)} claimed, {len(report.requeued)} re-queued, "
          f"{len(report.retried)} retried now, {len(report.unrecorded)} calls without a "
          f"recording, {len(report.unclaimed)} spool files nobody claimed, "
          f"{len(report.orphans)} archive files without a recording")
    return 1 if report.needs_attention else 0


async def verify(upkeep: RecordingUpkeep) -> int:
    report: VerifyReport = await upkeep.verify()
    for problem in report.problems:
        print(problem)
    print(f"verify: {report.checked} files checked, {len(report.problems)} problems")
    return 1 if report.problems else 0


async def purge(upkeep: RecordingUpkeep, *, dry_run: bool) -> int:
    report: PurgeReport = await upkeep.purge(dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    for step in report.steps:
        print(f"{verb:<13} {step.id} {' '.join(step.paths)}")
    _lines("on hold", report.held)
    _lines("FAILED", report.failed)
    print(f"purge{' (dry run)' if dry_run else ''}: {len(report.steps)} recordings, "
          f"{sum(len(s.paths) for s in report.steps)} files {verb}, "
          f"{len(report.held)} kept on legal hold, {len(report.failed)} failed")
    return 1 if report.failed else 0
