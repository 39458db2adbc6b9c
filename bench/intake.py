"""Intake throughput and memory: `python3 bench/intake.py [--calls N] [--concurrent K] ...`.

A simulator process (the feeder) writes a stream of N calls built from the captured traces
(ids renumbered, K calls interleaved) as fast as it can.  The same stream is consumed, each
time in a fresh process, by (a) bare panoramisk with a no-op handler (the baseline) and (b)
the listener all the way into the database (SQLite, then PostgreSQL if 127.0.0.1:5432
answers).  A last run measures the listener's peak memory with --memory-calls calls live at
once.  Prints events/s, the ratio to the baseline of this run and PASS/FAIL per target; exits
0 unless something crashed.  See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from _target import Target


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per throughput run")
    parser.add_argument("--concurrent", type=int, default=50, help="calls live at once")
    parser.add_argument("--memory-calls", type=int, default=1000,
                        help="calls of the memory run, all live at once")
    parser.add_argument("--timeout", type=float, default=45.0, help="seconds per run")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--profile", metavar="FILE",
                        help="only profile the listener on SQLite (cProfile) into FILE")
    consumer = parser.add_argument_group("one consumer (internal: run by the orchestrator)")
    consumer.add_argument("--role", choices=["panoramisk", "listener"])
    consumer.add_argument("--port", type=int, default=0)
    consumer.add_argument("--events", type=int, default=0)
    consumer.add_argument("--db", default="")
    consumer.add_argument("--journal", default="")
    return parser.parse_args(argv)


def consume(args: argparse.Namespace) -> int:
    """One consumer, in this process (imports only what that consumer needs)."""
    target = Target(args.port, args.events, args.calls, args.timeout)
    if args.role == "panoramisk":
        from _baseline import run_panoramisk

        asyncio.run(run_panoramisk(target))
    else:
        from _listener import run_listener

        asyncio.run(run_listener(target, args.db, Path(args.journal)))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.role:
        return consume(args)
    from _orchestrator import main as orchestrator

    return orchestrator(args)


if __name__ == "__main__":
    sys.exit(main())
