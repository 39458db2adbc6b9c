"""PostgreSQL restarted, and stopped for 20 s, under `callcenter serve` during a burst of 300
calls (issue 11): on a cluster of the test's own, `serve` as a real process, the built-in PBX as
its Asterisk. `serve` stays up, every call has exactly one appeal with the right outcome and a
recordings row, `/readyz` and `/metrics` say when the database is away, and no log line holds a
resident's full number or an SQL parameter list."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from callcenter.appeals.store.queries import list_appeals
from callcenter.core.database import Database
from callcenter.recordings.tables import Recording
from callcenter.simulator import SimulatedPbx
from tests.integration.loopback_servers import free_port
from tests.integration.pg_cluster import PgCluster, own_cluster

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[3]
CALLS = 300
SCENARIOS = {"pjsip-landline-answered": "answered",
             "pjsip-kyivstar-operator-hangup": "answered",
             "pjsip-vodafone-abandoned": "abandoned"}
PREFIXES = {"pjsip-landline-answered": "+380342", "pjsip-kyivstar-operator-hangup": "+38067",
            "pjsip-vodafone-abandoned": "+38050"}
# A resident's number unmasked: +380 and nine digits, or ten digits starting with 0.
FULL_NUMBER = re.compile(r"\+380\d{9}|\b0\d{9}\b")


@dataclass
class Running:
    """A `python -m callcenter <command>` process, its log and its HTTP address."""

    process: asyncio.subprocess.Process
    log: Path
    http: str

    def alive(self) -> bool:
        return self.process.returncode is None

    async def get(self, path: str) -> httpx.Response:
        async with httpx.AsyncClient(timeout=5.0) as client:
            return await client.get(self.http + path)


@contextlib.asynccontextmanager
async def running(command: str, cluster: PgCluster, tmp_path: Path, *,
                  ami_port: int | None = None) -> AsyncIterator[Running]:
    """The command against the cluster (and the PBX), JSON logs to `<command>.log`; stopped
    with SIGTERM at the end, which it must survive to exit 0."""
    port = free_port()
    env = {**os.environ, "CALLCENTER_DATABASE_URL": cluster.url,
           **({"CALLCENTER_AMI_PORT": str(ami_port)} if ami_port else {}),
           "CALLCENTER_HTTP_PORT": str(port),
           "CALLCENTER_LOG__FORMAT": "json", "CALLCENTER_OPERATOR__WRAP_UP_SECONDS": "0",
           "CALLCENTER_OUTBOX__POLL_INTERVAL": "0.2",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    log = tmp_path / f"{command}.log"
    with log.open("wb") as sink:  # the child keeps its own descriptor
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "callcenter", command, cwd=tmp_path, env=env,
            stdout=sink, stderr=sink)
    try:
        yield Running(process, log, f"http://127.0.0.1:{port}")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            await process.wait()


def caller(scenario: str, n: int) -> str:
    """A distinct resident per call, half of them dialled in the national format."""
    prefix = PREFIXES[scenario]
    number = prefix + f"{n:0{13 - len(prefix)}d}"  # +380 and nine digits
    return number if n % 2 else "0" + number[4:]


async def burst(pbx: SimulatedPbx) -> dict[str, str]:
    """300 calls over about three seconds; each call's id -> the outcome it must get."""
    expected = {}
    names = list(SCENARIOS)
    for n in range(CALLS):
        scenario = names[n % len(names)]
        call_id = pbx.start_call(scenario, caller=caller(scenario, n), ring_seconds=0.5,
                                 talk_seconds=0.5)
        expected[call_id] = SCENARIOS[scenario]
        await asyncio.sleep(0.01)  # the callers' pace, not a wait for a condition
    return expected


async def stored(url: str) -> tuple[dict[str, str], list[str], int]:
    """Each appeal's call id -> its call outcome, the appeal numbers, recordings rows."""
    db = Database(url)
    try:
        items = await list_appeals(db)
        async with db.reading() as session:
            recordings = await session.scalar(select(func.count()).select_from(Recording))
    finally:
        await db.close()
    return ({i.call_id or "": i.call_outcome or "" for i in items}, [i.number for i in items],
            int(recordings or 0))


async def settled(url: str, expected: dict[str, str]) -> bool:
    outcomes, _, recordings = await stored(url)
    return (len(outcomes) == len(expected) and "in_progress" not in outcomes.values()
            and recordings == len(expected))


def leaks(log: Path) -> list[str]:
    """Log lines with a resident's full number or an SQL parameter list."""
    return [line for line in log.read_text(errors="replace").splitlines()
            if FULL_NUMBER.search(line) or "parameters:" in line]


async def run_fault(cluster: PgCluster, tmp_path: Path, eventually: Any,
                    fault: Callable[[Running], Awaitable[None]]) -> Running:
    """Running, the burst with `fault` one second after the AMI login, then every check."""
    async with SimulatedPbx() as pbx, \
            running("serve", cluster, tmp_path, ami_port=pbx.port) as serve:
        await eventually(lambda: pbx.logged_in_clients() == 1 or not serve.alive(), timeout=60)
        calls = asyncio.create_task(burst(pbx))
        await asyncio.sleep(1.0)  # the moment of the fault, by the recipe
        await fault(serve)
        expected = await calls
        await pbx.wait_idle()
        await eventually(lambda: settled(cluster.url, expected) if serve.alive() else True,
                         timeout=90, interval=0.5)
        assert serve.alive(), serve.log.read_text()[-3000:]
        outcomes, numbers, recordings = await stored(cluster.url)
    assert outcomes == expected  # every call once, none doubled, the right outcome
    assert len(set(numbers)) == CALLS and recordings == CALLS
    assert serve.process.returncode == 0, serve.log.read_text()[-3000:]
    assert leaks(serve.log) == []
    return serve


async def test_serve_survives_a_postgres_restart_during_a_burst(
        tmp_path: Path, eventually: Any) -> None:
    async with own_cluster() as cluster:
        serve = await run_fault(cluster, tmp_path, eventually,
                                lambda _serve: cluster.ctl("restart"))
    assert "intake_waiting_for_database" in serve.log.read_text()  # the fault did hit


async def test_serve_survives_postgres_stopped_for_20_seconds(
        tmp_path: Path, eventually: Any) -> None:
    async with own_cluster() as cluster:
        outage = Outage(cluster, eventually)
        serve = await run_fault(cluster, tmp_path, eventually, outage.stop_for_20_seconds)
    assert "intake_waiting_for_database" in serve.log.read_text()
    assert outage.readyz["status"] == "not_ready"
    assert outage.readyz["checks"]["database"] is False
    assert outage.readyz["reasons"]["database"].startswith("database unavailable: ")
    assert "callcenter_database_available 0.0" in outage.metrics


@dataclass
class Outage:
    """PostgreSQL stopped for 20 s, and what serve said of it meanwhile."""

    cluster: PgCluster
    eventually: Any
    readyz: dict[str, Any] = field(default_factory=dict)
    metrics: str = ""

    async def stop_for_20_seconds(self, serve: Running) -> None:
        await self.cluster.ctl("stop")
        self.readyz = (await self.eventually(lambda: away(serve), timeout=15)).json()
        self.metrics = (await serve.get("/metrics")).text
        await asyncio.sleep(20.0)  # the length of the outage, not a wait for a condition
        await self.cluster.ctl("start")
        await self.eventually(lambda: back(serve), timeout=30)


async def away(serve: Running) -> httpx.Response | None:
    response = await serve.get("/readyz")
    return response if response.status_code == 503 else None


async def back(process: Running) -> bool:
    """Ready (False while it is not, or not listening yet)."""
    with contextlib.suppress(httpx.TransportError):
        return (await process.get("/readyz")).status_code == 200
    return False


async def test_listen_web_and_worker_survive_postgres_restarts(
        tmp_path: Path, eventually: Any) -> None:
    """The split installation: each process rides out two restarts (one during calls, one
    idle), and a call after them still lands."""
    async with own_cluster() as cluster, SimulatedPbx() as pbx, \
            running("web", cluster, tmp_path) as web:
        await eventually(lambda: back(web) if web.alive() else True, timeout=60)
        assert web.alive(), web.log.read_text()
        async with running("worker", cluster, tmp_path) as worker, \
                running("listen", cluster, tmp_path, ami_port=pbx.port) as listen:
            processes = (web, worker, listen)
            await eventually(lambda: pbx.logged_in_clients() == 1 or not listen.alive(),
                             timeout=60)
            first = await pbx.play("pjsip-landline-answered", ring_seconds=0.2,
                                   talk_seconds=0.2)
            pbx.start_call("pjsip-vodafone-abandoned", ring_seconds=2.0)
            await cluster.ctl("restart")  # during that call
            await pbx.wait_idle()
            await cluster.ctl("restart")  # idle
            last = await pbx.play("pjsip-kyivstar-operator-hangup", ring_seconds=0.2,
                                  talk_seconds=0.2)
            await eventually(lambda: appeals_of(cluster.url, 3), timeout=60, interval=0.5)
            await eventually(lambda: back(web), timeout=30)
            assert [p.alive() for p in processes] == [True, True, True]
            outcomes, _, _ = await stored(cluster.url)
    assert outcomes[first] == outcomes[last] == "answered"
    assert [p.process.returncode for p in processes] == [0, 0, 0]
    assert [leaks(p.log) for p in processes] == [[], [], []]


async def appeals_of(url: str, count: int) -> bool:
    outcomes, _, _ = await stored(url)
    return len(outcomes) == count and "in_progress" not in outcomes.values()
