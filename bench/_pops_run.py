"""The orchestrator of bench/pops.py: databases, operators, the fake Asterisk (in this
process), the server, client and baseline processes, and the table."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import secrets
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from _databases import postgres_database, postgres_reachable, sqlite_database
from _pops_frames import call_frames
from _target import SECRET, USERNAME

from callcenter.core.database import Database
from callcenter.simulator import SimulatedPbx
from callcenter.users.model import Role
from callcenter.users.store import SqlUserStore

SCRIPT = Path(__file__).resolve().with_name("pops.py")
TARGET_P99 = 0.050


class BenchError(Exception):
    pass


@dataclass
class Result:
    label: str
    latencies: list[float]  # seconds, one per seat that got its pop
    seats: int
    texts: dict[str, str]
    server_mean: float | None = None  # the server's own receipt -> socket write mean

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# -- processes ---------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def process(*args: str) -> AsyncIterator[asyncio.subprocess.Process]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), *args, stdout=asyncio.subprocess.PIPE, limit=2**26)
    try:
        yield child
    finally:
        if child.returncode is None:
            child.terminate()
        await child.wait()


async def line_from(child: asyncio.subprocess.Process, wanted: str, timeout: float) -> str:
    """The first line of the child's output starting with `wanted`."""
    assert child.stdout is not None
    async with asyncio.timeout(timeout):
        while raw := await child.stdout.readline():
            line = raw.decode().strip()
            if line.startswith(wanted):
                return line
    raise BenchError(f"a process ended before saying {wanted!r} (exit {child.returncode})")


# -- operators ---------------------------------------------------------------------------


def seat_name(index: int) -> str:
    return f"PJSIP/op{2001 + index}"


async def make_operators(url: str, count: int) -> list[tuple[str, str]]:
    """`count` operators with a bearer session each (stored directly: hashing 500 argon2
    passwords would take minutes and measure nothing of interest here)."""
    db = Database(url)
    store = SqlUserStore(db)
    now = datetime.now(UTC)
    seats = []
    try:
        for index in range(count):
            seat, token = seat_name(index), secrets.token_urlsafe(32)
            user_id = await store.add_user(username=f"bench{index:04d}", display_name="",
                                           role=Role.OPERATOR, password_hash="-",
                                           default_seat=seat, contractor=None, at=now)
            await store.create_session(
                user_id=user_id, token_hash=hashlib.sha256(token.encode()).hexdigest(),
                kind="bearer", seat=seat, csrf_token="-", client="bench", at=now,
                expires_at=now + timedelta(hours=1))
            seats.append((seat, token))
    finally:
        await db.close()
    return seats


# -- one measurement of ours -------------------------------------------------------------


async def measure_ours(label: str, url: str, seats: int, directory: Path,
                       timeout: float, profile: str = "") -> Result:
    operators = await make_operators(url, seats)
    tokens = directory / f"tokens-{label[:3]}.json"
    tokens.write_text(json.dumps(operators))
    enter, ring = call_frames([seat for seat, _ in operators])
    async with SimulatedPbx(username=USERNAME, secret=SECRET) as pbx:
        http_port = free_port()
        async with process("--role", "server", "--port", str(pbx.port), "--http-port",
                           str(http_port), "--db", url, "--journal",
                           str(directory / f"{label[:3]}.jsonl"),
                           *(["--profile", profile] if profile else [])) as server:
            await line_from(server, "logged_in", timeout)
            await pbx.send_raw(enter)
            await line_from(server, f"cards {seats}", timeout)
            async with process("--role", "clients", "--url",
                               f"ws://127.0.0.1:{http_port}/ws/operator", "--tokens",
                               str(tokens), "--timeout", str(timeout)) as clients:
                await line_from(clients, "connected", timeout)
                if profile:
                    server.send_signal(signal.SIGUSR1)
                    await asyncio.sleep(0.5)
                sent = time.monotonic()
                await pbx.send_raw(ring)
                found = json.loads(await line_from(clients, "{", timeout + 5))
            if profile:
                await asyncio.sleep(4.0)  # the server writes its profile
            server_mean = await server_latency(http_port)
    return Result(label, [t - sent for t in found["arrivals"].values()], seats,
                  found["texts"], server_mean)


async def server_latency(http_port: int) -> float | None:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"http://127.0.0.1:{http_port}/metrics")).text
    values = {}
    for line in text.splitlines():
        for name in ("callcenter_pop_latency_seconds_sum", "callcenter_pop_latency_seconds_count"):
            if line.startswith(name + " "):
                values[name] = float(line.split()[1])
    count = values.get("callcenter_pop_latency_seconds_count", 0.0)
    return values["callcenter_pop_latency_seconds_sum"] / count if count else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the baseline ------------------------------------------------------------------------


async def measure_baseline(texts: dict[str, str], directory: Path, timeout: float) -> Result:
    seats = sorted(texts)
    tokens = directory / "tokens-baseline.json"
    tokens.write_text(json.dumps([(seat, "-") for seat in seats]))
    async with process("--role", "baseline") as server:
        ws_port, trigger_port = map(int, (await line_from(server, "ports", timeout)).split()[1:])
        async with process("--role", "clients", "--url", f"ws://127.0.0.1:{ws_port}",
                           "--tokens", str(tokens), "--timeout", str(timeout),
                           "--no-hello") as clients:
            await line_from(clients, "connected", timeout)
            data = "".join(f"{seat}\t{texts[seat]}\n" for seat in seats).encode()
            _, writer = await asyncio.open_connection("127.0.0.1", trigger_port)
            sent = time.monotonic()
            writer.write(data)
            await writer.drain()
            found = json.loads(await line_from(clients, "{", timeout + 5))
            writer.close()
    return Result("(a) bare websockets, the same messages", [t - sent for t in
                  found["arrivals"].values()], len(seats), found["texts"])


# -- the table ---------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def row(result: Result, baseline: Result | None, judged: bool) -> str:
    if not result.latencies:
        return f"{result.label:<44} no pop arrived"
    p50, p95, p99 = (result.percentile(p) for p in (50, 95, 99))
    ratio = f"{p99 / baseline.percentile(99):6.1f}" if baseline and baseline.latencies else ""
    verdict = ""
    if judged:
        verdict = "PASS" if p99 < TARGET_P99 and len(result.latencies) == result.seats else "FAIL"
        verdict += f" (p99 < {TARGET_P99 * 1000:.0f} ms)"
    return (f"{result.label:<44}{ms(p50)}{ms(p95)}{ms(p99)}{ms(max(result.latencies))}"
            f"  {len(result.latencies):>5}/{result.seats:<5}{ratio:>7}   {verdict}")


def report(results: list[Result], baseline: Result) -> None:
    print(f"{'':<44}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  {'arrived':>11}{'ratio':>7}")
    print(row(baseline, None, judged=False))
    for index, result in enumerate(results):
        print(row(result, baseline, judged=index == 0))
    for result in results:
        if result.server_mean is not None:
            print(f"    {result.label}: the server's own mean, frame receipt -> socket write: "
                  f"{result.server_mean * 1000:.1f} ms; "
                  f"mean over all: {statistics.mean(result.latencies) * 1000:.1f} ms")
    print("    ratio = p99 / the baseline's p99, measured in this run (times in ms)")


@contextlib.contextmanager
def database(kind: str, directory: Path) -> Iterator[str]:
    if kind == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        yield sqlite_database(directory, "pops")


def orchestrate(args: argparse.Namespace) -> int:
    kinds = ["sqlite"]
    if not args.no_postgres and postgres_reachable():
        kinds.append("postgresql")
    labels = {"sqlite": "(b) AgentCalled -> pop, SQLite",
              "postgresql": "(b) AgentCalled -> pop, PostgreSQL"}
    print(f"screen-pop benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {args.seats} calls "
          f"entered, then {args.seats} AgentCalled to {args.seats} seats back to back; "
          f"one server process", flush=True)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="cc-bench-pops-") as tmp:
        for kind in kinds:
            with database(kind, Path(tmp)) as url:
                profile = args.profile if kind == "sqlite" else ""
                results.append(asyncio.run(measure_ours(labels[kind], url, args.seats,
                                                        Path(tmp), args.timeout, profile)))
        texts = results[0].texts or {seat_name(i): "{}" for i in range(args.seats)}
        baseline = asyncio.run(measure_baseline(texts, Path(tmp), args.timeout))
    report(results, baseline)
    return 0


def main(args: argparse.Namespace) -> int:
    try:
        return orchestrate(args)
    except (BenchError, TimeoutError) as exc:
        print(f"bench: {exc!r}", file=sys.stderr)
        return 1
