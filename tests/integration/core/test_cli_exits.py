"""How `callcenter` processes end, run as real processes: a busy HTTP port, SIGTERM, a reader
that stops reading (`callcenter appeals list --json | head -1`)."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Eventually

from callcenter.calls.model.facts import CallEntered
from callcenter.calls.store.calls import SqlCallStore
from callcenter.core import migrate
from callcenter.core.database import Database
from callcenter.simulator import SimulatedPbx
from tests.integration.core.test_cli import process_env


def log_lines(stderr: bytes) -> list[dict[str, Any]]:
    """The JSON log lines (CALLCENTER_LOG__FORMAT=json) among what the process wrote."""
    lines = [line for line in stderr.decode().splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines]


async def start(command: str, tmp_path: Path, **env: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "callcenter", command, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        env=process_env({"CALLCENTER_LOG__FORMAT": "json",
                         "CALLCENTER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cc.db",
                         **env}))


@pytest.mark.parametrize("command", ["serve", "web"])
async def test_a_busy_http_port_exits_5_naming_the_address(tmp_path: Path,
                                                           command: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        async with SimulatedPbx() as pbx:
            process = await start(command, tmp_path, CALLCENTER_AMI_PORT=str(pbx.port),
                                  CALLCENTER_HTTP_HOST="127.0.0.1",
                                  CALLCENTER_HTTP_PORT=str(port))
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
            logins = pbx.logged_in_clients()
    assert process.returncode == 5, stderr.decode()
    assert f"cannot open the HTTP port 127.0.0.1:{port}" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    events = {line["event"] for line in log_lines(stderr)}
    assert not events & {"serving", "serving_web", "ami_logged_in"} and logins == 0


async def test_sigterm_closes_the_ami_link_without_a_warning(tmp_path: Path,
                                                             eventually: Eventually) -> None:
    """We close the link ourselves: an info line `ami_link_closed`, not `ami_link_lost`."""
    async with SimulatedPbx() as pbx:
        process = await start("listen", tmp_path, CALLCENTER_AMI_PORT=str(pbx.port))
        try:
            await eventually(lambda: process.returncode is not None
                             or pbx.logged_in_clients(), timeout=60)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
    lines = log_lines(stderr)
    assert process.returncode == 0, stderr.decode()
    assert ("info", "ami_link_closed") in {(line["level"], line["event"]) for line in lines}
    assert [line for line in lines if line["level"] not in ("debug", "info")] == []


async def seed_appeals(url: str, count: int) -> None:
    """`count` calls, each with its automatic appeal: far more JSON than a pipe buffers."""
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    try:
        await SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv").apply([
            CallEntered(f"{n}.0", t0 + timedelta(seconds=n), "landline", "landline",
                        f"PJSIP/landline-{n}", "+380342523456", "523456", None, None)
            for n in range(count)])
    finally:
        await db.close()


def listing(url: str, tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "callcenter", "--database", url, "appeals", "list", *args],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=process_env())


def ended(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    assert process.stderr is not None
    with process.stderr:
        errors = process.stderr.read().decode()
    return process.wait(timeout=60), errors


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """`callcenter appeals list --json | head -1`: exit 141 (as a command killed by SIGPIPE),
    nothing on stderr; also when the little there is to write waits in Python's buffer and
    the reader is gone before the flush at exit."""
    url = f"sqlite+aiosqlite:///{tmp_path}/cc.db"
    asyncio.run(seed_appeals(url, 500))
    whole, short = listing(url, tmp_path, "--json"), listing(url, tmp_path, "--limit", "1")
    assert whole.stdout is not None and short.stdout is not None
    head = subprocess.Popen(["head", "-1"], stdin=whole.stdout, stdout=subprocess.PIPE)
    whole.stdout.close()  # head alone reads the pipe, and closes it after one line
    short.stdout.close()  # nobody reads this one at all
    first, _ = head.communicate(timeout=60)
    assert first == b"[\n"
    assert ended(whole) == ended(short) == (141, "")
