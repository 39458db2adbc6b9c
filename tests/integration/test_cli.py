"""The command line as a user runs it: the demo, `appeals list --json`, and loud errors."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from callcenter.simulator import SimulatedPbx


def callcenter(*args: str, cwd: Path, env: dict[str, str] | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "callcenter", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, check=False,
                          env={**os.environ, **(env or {})})


def test_demo_then_appeals_list_json(tmp_path: Path) -> None:
    demo = callcenter("demo", "--calls", "3", "--interval", "0.2", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    url = f"sqlite+aiosqlite:///{tmp_path}/var/demo.db"
    listing = callcenter("--database", url, "appeals", "list", "--json", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert [r["number"][-6:] for r in rows] == ["000001", "000002", "000003"]
    assert [r["opened_at"] for r in rows] == sorted(r["opened_at"] for r in rows)
    required = {"number", "status", "channel", "caller", "caller_name", "line", "trunk",
                "carrier", "call_id", "call_outcome", "operator", "opened_at"}
    assert all(required <= set(r) for r in rows)
    assert {r["trunk"] for r in rows} == {"landline", "kyivstar", "vodafone"}
    assert all(r["call_outcome"] in {"answered", "abandoned"} for r in rows)
    assert all(r["opened_at"].endswith(("+02:00", "+03:00")) for r in rows)
    limited = callcenter("--database", url, "appeals", "list", "--json", "--limit", "1",
                         "--since", rows[1]["opened_at"], cwd=tmp_path)
    assert [r["number"] for r in json.loads(limited.stdout)] == [rows[1]["number"]]


def test_bad_config_value_names_the_key(tmp_path: Path) -> None:
    result = callcenter("appeals", "list", cwd=tmp_path, env={"CALLCENTER_AMI_PORT": "abc"})
    assert result.returncode == 2
    assert "ami.port: expected an integer, got 'abc'" in result.stderr


async def test_serve_with_a_wrong_secret_stops_loudly(tmp_path: Path) -> None:
    async with SimulatedPbx() as pbx:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "callcenter", "serve", cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "CALLCENTER_AMI_PORT": str(pbx.port),
                 "CALLCENTER_AMI_SECRET": "wrong",
                 "CALLCENTER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cc.db"})
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 3
    assert "refused AMI login for user 'callcenter'" in stderr.decode()
