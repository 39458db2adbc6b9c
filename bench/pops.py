"""Screen-pop latency: `python3 bench/pops.py [--seats 500] [--no-postgres]`.

N calls enter first (their pop cards are ready), then the fake Asterisk sends N AgentCalled
frames to N different seats back to back; N WebSocket clients in another process record when
each pop arrives. Prints p50/p95/p99 from the frames' send to the pops' arrival (both
processes read the same CLOCK_MONOTONIC), against a bare websockets server sending the same
messages to the same clients (the baseline, measured in this run), and PASS/FAIL for
p99 < 50 ms on SQLite with one server process. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seats", type=int, default=500, help="calls, seats and clients")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per step")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--profile", metavar="FILE", default="",
                        help="cProfile the server during the burst into FILE")
    internal = parser.add_argument_group("one process (internal: run by the orchestrator)")
    internal.add_argument("--role", choices=["server", "clients", "baseline"])
    internal.add_argument("--port", type=int, default=0)
    internal.add_argument("--http-port", type=int, default=0)
    internal.add_argument("--db", default="")
    internal.add_argument("--journal", default="")
    internal.add_argument("--url", default="")
    internal.add_argument("--tokens", default="")
    internal.add_argument("--no-hello", action="store_true")
    return parser.parse_args(argv)


def role(args: argparse.Namespace) -> int:
    if args.role == "server":
        from _pops_server import run_server

        asyncio.run(run_server(args.port, args.http_port, args.db, Path(args.journal),
                               args.profile))
    elif args.role == "clients":
        from _pops_clients import run_clients

        seats = [tuple(pair) for pair in json.loads(Path(args.tokens).read_text())]
        asyncio.run(run_clients(args.url, seats, hello=not args.no_hello,  # type: ignore[arg-type]
                                timeout=args.timeout))
    else:
        from _pops_baseline import run_baseline

        asyncio.run(run_baseline())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.role:
        return role(args)
    from _pops_run import main as orchestrator

    return orchestrator(args)


if __name__ == "__main__":
    sys.exit(main())
