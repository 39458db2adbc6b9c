"""Routing and delivery throughput: `python3 bench/routing.py [--appeals N] [--messages M]`.

Each figure is printed with a baseline measured in the same run:

1. route() over N appeals (categories and streets of config/routing.toml, some unknown,
   opened over a week) against a dict lookup category -> contractor;
2. route and enqueue (AppealRouter.appeal_registered: decision, assignment, history, outbox in
   one transaction per appeal) into a fresh SQLite and PostgreSQL database, against the same
   rows written with bare SQLAlchemy Core (decisions computed beforehand);
3. outbox delivery of M messages per channel to a local receiver (a separate process: HTTP and
   aiosmtpd) by the outbox workers, against bare httpx / aiosmtplib with as many in flight.

Prints appeals/s and messages/s, the ratio to the baseline, PASS/FAIL against the targets in
bench/README.md; exits 0 unless something failed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _bare_writes import plan, write_all
from _databases import postgres_database, postgres_reachable, sqlite_database
from _routing_runs import (
    Figure,
    bare_mails,
    bare_posts,
    deliver_all,
    route_all,
    route_and_enqueue_all,
    stats,
)
from _routing_seed import SECRET_ENV, appeal_rows, enqueue, messages, rules, sink_contractor

from callcenter.contractors.store.contractors import SqlContractorStore
from callcenter.core.database import Database
from callcenter.core.logs import configure

SINK = Path(__file__).resolve().with_name("_sink.py")
ROW = "{:<46} {:>12} {:>7}   {}"
# Targets: ratios to the baseline of the same run (see bench/README.md).
TARGETS = {"dispatch-sqlite": 0.5, "deliver-webhook": 0.5, "deliver-email": 0.5}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=2_000, help="per channel")
    parser.add_argument("--pg-concurrency", type=int, default=8,
                        help="appeals routed at once on PostgreSQL (SQLite: 1)")
    parser.add_argument("--pg-workers", type=int, default=4,
                        help="outbox workers on PostgreSQL (SQLite: 1)")
    parser.add_argument("--batch", type=int, default=10, help="messages a worker claims")
    parser.add_argument("--no-postgres", action="store_true")
    return parser.parse_args(argv)


def line(label: str, figure: Figure, baseline: Figure | None, target: float | None) -> str:
    ratio = figure.rate / baseline.rate if baseline and baseline.rate else None
    verdict = ""
    if target is not None and ratio is not None:
        verdict = f"{'PASS' if ratio >= target else 'FAIL'} (ratio >= {target}) "
    return ROW.format(label, f"{figure.rate:,.0f}", f"{ratio:.2f}" if ratio else "1.00",
                      verdict + figure.note)


@contextlib.contextmanager
def databases(directory: Path, name: str, skip_postgres: bool) -> Iterator[list[tuple[str, str]]]:
    with contextlib.ExitStack() as stack:
        found = [("SQLite", sqlite_database(directory, name))]
        if not skip_postgres and postgres_reachable():
            found.append(("PostgreSQL", stack.enter_context(postgres_database())))
        yield found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def sink() -> Iterator[tuple[int, int]]:
    http, smtp = free_port(), free_port()
    process = subprocess.Popen([sys.executable, str(SINK), str(http), str(smtp)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        yield http, smtp
    finally:
        process.terminate()
        process.wait(10)


def print_routing(rows: list[dict[str, Any]]) -> None:
    decided, looked_up = route_all(rows)
    print(line("(0) dict lookup category -> contractor", looked_up, None, None))
    print(line("(1) route(): full rules, pure", decided, looked_up, None), flush=True)


async def route_and_enqueue_pair(label: str, urls: tuple[str, str], rows: list[dict[str, Any]],
                        concurrency: int) -> None:
    writes = await plan(urls[0], rows)
    bare = await write_all(urls[0], writes, concurrency)
    ours = await route_and_enqueue_all(urls[1], rows, concurrency)
    print(line(f"(2a) same writes, bare SQLAlchemy -> {label}", bare, None, None))
    target = TARGETS["dispatch-sqlite"] if label == "SQLite" else None
    print(line(f"(2b) route + enqueue -> {label}", ours, bare, target), flush=True)


async def delivery_pair(label: str, url: str, channel: str, count: int, workers: int,
                        batch: int, ports: tuple[int, int]) -> None:
    http, smtp = ports
    contractor = sink_contractor(http)
    batch_of = messages(contractor, channel, count)
    db = Database(url)
    await SqlContractorStore(db).upsert([contractor], at=dt.datetime.now(dt.UTC))
    await enqueue(db, batch_of)
    await db.close()
    await stats(http, reset=True)
    ours = await deliver_all(url, channel, count, workers, batch, smtp)
    received = _received(channel, await stats(http), count)
    in_flight = workers * batch
    if channel == "webhook":
        bare = await bare_posts([m.payload for m in batch_of], http, in_flight)
    else:
        bare = await bare_mails(batch_of, smtp, in_flight)
    client = "httpx" if channel == "webhook" else "aiosmtplib"
    print(line(f"(3a) bare {client}, {in_flight} in flight", bare, None, None))
    print(line(f"(3b) outbox -> {channel}, {label}", ours, bare,
               TARGETS[f"deliver-{channel}"]) + received, flush=True)


def _received(channel: str, counts: dict[str, int], count: int) -> str:
    """What the receiver got: every message once, no repeats."""
    got, distinct = ((counts["posts"], counts["keys"]) if channel == "webhook"
                     else (counts["mails"], counts["message_ids"]))
    return f"; received {got:,}, distinct {distinct:,} of {count:,}"


async def run(args: argparse.Namespace, urls: dict[str, list[tuple[str, str]]]) -> None:
    rows = appeal_rows(args.appeals, rules())
    print(f"routing benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
          f"{os.cpu_count()} CPUs: {args.appeals:,} appeals, {args.messages:,} messages per "
          f"channel\n" + ROW.format("", "per second", "ratio", "target / notes"), flush=True)
    print_routing(rows)
    for (label, bare_url), (_, our_url) in zip(urls["bare"], urls["ours"], strict=True):
        concurrency = 1 if label == "SQLite" else args.pg_concurrency
        await route_and_enqueue_pair(label, (bare_url, our_url), rows, concurrency)
    with sink() as ports:
        for label, url in urls["delivery"]:
            workers = 1 if label == "SQLite" else args.pg_workers
            for channel in ("webhook", "email"):
                await delivery_pair(label, url, channel, args.messages, workers, args.batch,
                                    ports)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure(level="error")
    # SIGTERM (and SIGINT, which background jobs ignore) unwind: temporary databases dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    os.environ.setdefault(SECRET_ENV, "bench-secret")
    with tempfile.TemporaryDirectory(prefix="cc-bench-routing-") as tmp, \
            contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(databases(Path(tmp), name, args.no_postgres))
                for name in ("bare", "ours", "delivery")}  # migrated before the loop starts
        asyncio.run(run(args, urls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
