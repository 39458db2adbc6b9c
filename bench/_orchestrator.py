"""The orchestrator: for each measurement a fresh feeder process and a fresh consumer
process (this script again, with --role); then the table."""

from __future__ import annotations

import argparse
import contextlib
import json
import pstats
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _databases import postgres_database, postgres_reachable, sqlite_database
from _feeder import BenchError, count_events, feeder
from _report import Row, header, line, sanity

SCRIPT = Path(__file__).resolve().with_name("intake.py")
SLACK = 60.0  # seconds a consumer process may take beyond its own timeout (start, stop)


@dataclass(frozen=True)
class Run:
    label: str
    role: str  # "panoramisk" or "listener"
    database: str  # "", "sqlite" or "postgresql"
    calls: int
    concurrent: int
    check: str  # see _report.Row


def runs(args: argparse.Namespace) -> list[Run]:
    n, k, m = args.calls, args.concurrent, args.memory_calls
    planned = [Run("(a) panoramisk, no-op handler", "panoramisk", "", n, k, ""),
               Run("(b) listener -> SQLite", "listener", "sqlite", n, k, "ratio")]
    if not args.no_postgres and postgres_reachable():
        planned.append(Run("(b) listener -> PostgreSQL", "listener", "postgresql", n, k, ""))
    planned.append(Run(f"(b) listener -> SQLite, {m:,} calls live", "listener", "sqlite",
                       m, m, "memory"))
    return planned


@contextlib.contextmanager
def database(kind: str, directory: Path, name: str) -> Iterator[str]:
    if kind == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        yield sqlite_database(directory, name) if kind == "sqlite" else ""


def measure(run: Run, args: argparse.Namespace, directory: Path, events: int,
            python: list[str]) -> dict[str, Any]:
    """One fresh feeder and one fresh consumer process; the consumer's result."""
    name = f"{run.role}-{run.database}-{run.calls}-{run.concurrent}"
    with database(run.database, directory, name) as url, \
            feeder(run.calls, run.concurrent) as port:
        command = [*python, str(SCRIPT), "--role", run.role, "--port", str(port),
                   "--events", str(events), "--calls", str(run.calls),
                   "--timeout", str(args.timeout), "--db", url,
                   "--journal", str(directory / f"{name}.jsonl")]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False,
                              timeout=args.timeout + SLACK)
    if done.returncode != 0 or not done.stdout.strip():
        raise BenchError(f"{run.label}: the consumer exited with {done.returncode}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def orchestrate(args: argparse.Namespace) -> int:
    events = {(n, k): count_events(n, k) for n, k in
              {(args.calls, args.concurrent), (args.memory_calls, args.memory_calls)}}
    print(header(args.calls, events[(args.calls, args.concurrent)], args.concurrent),
          flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="cc-bench-") as tmp:
        for index, planned in enumerate(runs(args)):
            directory = Path(tmp) / str(index)  # a run never sees another's database
            directory.mkdir()
            figures = measure(planned, args, directory,
                              events[(planned.calls, planned.concurrent)], [sys.executable])
            rows.append(Row(planned.label, figures, planned.check))
            print(line(rows[-1], rows[0].figures["events_per_s"]), flush=True)
    for row in rows:
        if (text := sanity(row)) is not None:
            print(text, flush=True)
    return 0


def profile(args: argparse.Namespace) -> int:
    """The listener on SQLite under cProfile; prints the top functions by own time."""
    run = Run("listener -> SQLite (cProfile)", "listener", "sqlite", args.calls,
              args.concurrent, "")
    events = count_events(args.calls, args.concurrent)
    with tempfile.TemporaryDirectory(prefix="cc-bench-") as tmp:
        python = [sys.executable, "-m", "cProfile", "-o", args.profile]
        figures = measure(run, args, Path(tmp), events, python)
    print(f"{run.label}: {figures['events_per_s']:,.0f} events/s (slowed by the profiler)")
    stats = pstats.Stats(args.profile)
    stats.sort_stats("tottime").print_stats(15)
    stats.sort_stats("cumulative").print_stats("callcenter/", 20)  # our code
    return 0


def main(args: argparse.Namespace) -> int:
    try:
        return profile(args) if args.profile else orchestrate(args)
    except (BenchError, subprocess.TimeoutExpired) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
