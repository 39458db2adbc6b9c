"""How `callcenter` processes end, run as real processes: a busy HTTP port, SIGTERM, a reader
that stops reading."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Eventually

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
