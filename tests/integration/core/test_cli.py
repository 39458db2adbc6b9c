"""The command line as a user runs it: the demo, `appeals list --json`, and loud errors."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from callcenter.simulator import SimulatedPbx
from tests.integration.loopback_servers import free_port

ROOT = Path(__file__).resolve().parents[3]


def process_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A `python -m callcenter` child's environment: it runs this tree's code (the tests run in
    a temporary folder, where `callcenter` would be whichever copy pip installed)."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, **(extra or {})}


def callcenter(*args: str, cwd: Path, env: dict[str, str] | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "callcenter", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, check=False,
                          env=process_env(env))


def test_demo_then_appeals_list_json(tmp_path: Path) -> None:
    demo = callcenter("demo", "--calls", "3", "--interval", "0.2", "--port", str(free_port()),
                      cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    url = f"sqlite+aiosqlite:///{tmp_path}/var/callcenter.db"
    listing = callcenter("--database", url, "appeals", "list", "--json", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    everything = json.loads(listing.stdout)
    assert [r["opened_at"] for r in everything] == sorted(r["opened_at"] for r in everything)
    rows = [r for r in everything if r["channel"] == "phone"]  # demo residents also write
    assert len(rows) == 3 and len({r["number"] for r in everything}) == len(everything)
    required = {"number", "status", "channel", "caller", "caller_name", "line", "trunk",
                "carrier", "call_id", "call_outcome", "operator", "opened_at"}
    assert all(required <= set(r) for r in rows)
    assert {r["trunk"] for r in rows} == {"landline", "kyivstar", "vodafone"}
    assert all(r["call_outcome"] in {"answered", "abandoned"} for r in rows)
    assert all(r["opened_at"].endswith(("+02:00", "+03:00")) for r in rows)
    limited = callcenter("--database", url, "appeals", "list", "--json", "--limit", "1",
                         "--since", rows[1]["opened_at"], cwd=tmp_path)
    assert [r["number"] for r in json.loads(limited.stdout)] == [rows[1]["number"]]
    # a fresh install routes: the demo's start-up imported the shipped contractors
    assert "contractors_imported" in demo.stderr
    contractors = callcenter("--database", url, "contractors", "list", cwd=tmp_path)
    assert "hotline-coordinator" in contractors.stdout and "vodokanal" in contractors.stdout


def test_bad_config_value_names_the_key(tmp_path: Path) -> None:
    result = callcenter("appeals", "list", cwd=tmp_path, env={"CALLCENTER_AMI_PORT": "abc"})
    assert result.returncode == 2
    assert "ami.port: expected an integer, got 'abc'" in result.stderr


def test_bad_listing_arguments_are_named(tmp_path: Path) -> None:
    for args, message in [(["--limit", "0"], "not a positive whole number: '0'"),
                          (["--limit", "-5"], "not a positive whole number: '-5'"),
                          (["--since", "yesterday"], "not an ISO date or date-time")]:
        result = callcenter("appeals", "list", "--json", *args, cwd=tmp_path)
        assert result.returncode == 2
        assert message in result.stderr


async def test_serve_with_a_wrong_secret_stops_loudly(tmp_path: Path) -> None:
    async with SimulatedPbx() as pbx:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "callcenter", "serve", cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=process_env({
                "CALLCENTER_AMI_PORT": str(pbx.port), "CALLCENTER_AMI_SECRET": "wrong",
                "CALLCENTER_HTTP_PORT": str(free_port()),
                "CALLCENTER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cc.db"}))
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 3
    assert "refused AMI login for user 'callcenter'" in stderr.decode()


def test_users_add_list_and_disable(tmp_path: Path) -> None:
    env = {"CALLCENTER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cc.db"}
    added = subprocess.run(
        [sys.executable, "-m", "callcenter", "users", "add", "--role", "operator", "--seat",
         "PJSIP/op1001", "--display-name", "Олена Коваль", "--password-stdin", "olena"],
        input="long enough secret\n", cwd=tmp_path, capture_output=True, text=True,
        env=process_env(env), check=False, timeout=60)
    assert added.returncode == 0, added.stderr
    generated = callcenter("users", "add", "--role", "supervisor", "petro", cwd=tmp_path,
                           env=env)
    assert "password: " in generated.stdout
    duplicate = callcenter("users", "add", "--role", "admin", "olena", cwd=tmp_path, env=env)
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    bad_seat = callcenter("users", "add", "--role", "operator", "--seat", "op 1", "ivan",
                          cwd=tmp_path, env=env)
    assert bad_seat.returncode == 1 and "PJSIP/op1001" in bad_seat.stderr
    assert callcenter("users", "disable", "petro", cwd=tmp_path, env=env).returncode == 0
    listing = callcenter("users", "list", cwd=tmp_path, env=env).stdout.splitlines()
    assert listing[0].split()[:3] == ["olena", "operator", "PJSIP/op1001"]
    assert "Олена Коваль" in listing[0]
    assert listing[1].split()[:2] == ["petro", "supervisor"] and "disabled" in listing[1]


async def test_serve_runs_the_web_beside_the_listener(tmp_path: Path) -> None:
    port = free_port()
    async with SimulatedPbx() as pbx:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "callcenter", "serve", cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            env=process_env({"CALLCENTER_AMI_PORT": str(pbx.port),
                             "CALLCENTER_HTTP_PORT": str(port),
                             "CALLCENTER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cc.db"}))
        try:
            ready = await wait_ready(f"http://127.0.0.1:{port}/readyz")
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert ready == {"status": "ready", "checks": {"database": True, "ami": True, "loops": True}}
    assert process.returncode == 0, stderr.decode()


async def wait_ready(url: str) -> object:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                response = await client.get(url)
                if response.status_code == 200:
                    return response.json()
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never became ready")


async def test_a_split_install_listen_and_web_pops_through_the_database(
        tmp_path: Path) -> None:
    """`callcenter listen` (no web framework) beside `callcenter web`: a call that rings
    op1001 pops on the web process's socket, carried by the database."""
    port, url = free_port(), f"sqlite+aiosqlite:///{tmp_path}/cc.db"
    added = subprocess.run(
        [sys.executable, "-m", "callcenter", "users", "add", "--role", "operator", "--seat",
         "PJSIP/op1001", "--password-stdin", "olena"], input="long enough secret\n",
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60,
        env=process_env({"CALLCENTER_DATABASE_URL": url}))
    assert added.returncode == 0, added.stderr
    async with SimulatedPbx() as pbx:
        env = process_env({"CALLCENTER_AMI_PORT": str(pbx.port), "CALLCENTER_DATABASE_URL": url,
                           "CALLCENTER_HTTP_PORT": str(port)})
        listen = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "callcenter", "listen", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        web = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "callcenter", "web", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        try:
            pop = await pop_through_web(pbx, port)
        finally:
            for process in (listen, web):
                process.send_signal(signal.SIGTERM)
            _, listen_log = await asyncio.wait_for(listen.communicate(), 30)
            await asyncio.wait_for(web.wait(), 30)
    assert pop["seat"] == "PJSIP/op1001" and pop["card"]["caller"] == "+380342123456"
    assert listen.returncode == 0, listen_log.decode()
    assert "listening" in listen_log.decode()


async def pop_through_web(pbx: SimulatedPbx, port: int) -> dict[str, object]:
    from websockets.asyncio.client import connect

    await wait_ready(f"http://127.0.0.1:{port}/readyz")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        signed = await client.post("/api/auth/token", json={
            "username": "olena", "password": "long enough secret"})
    token = signed.json()["token"]
    async with connect(f"ws://127.0.0.1:{port}/ws/operator",
                       additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        assert json.loads(await ws.recv())["type"] == "hello"
        for _ in range(100):  # the listener logs in to the PBX in its own time
            await asyncio.sleep(0.1)
            if pbx.logged_in_clients():
                break
        call = pbx.start_call("pjsip-landline-answered", ring_seconds=30, talk_seconds=0.05)
        async with asyncio.timeout(20):
            while (message := json.loads(await ws.recv()))["type"] != "pop":
                pass
        await pbx.finish_call(call)
    return dict(message)
