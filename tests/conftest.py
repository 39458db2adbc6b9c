"""Shared fixtures: real databases (SQLite always; PostgreSQL when reachable, always under CI)."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from callcenter.core import migrate
from tests.web_rig import LiveWeb, WebRig, make_web, serving

pytest_plugins = ["tests.hang_report"]
PG_HOST, PG_PORT = "127.0.0.1", 5432
Eventually = Callable[..., Awaitable[Any]]


def postgres_reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=0.5):
            return True
    except OSError:
        return False


def require_postgres() -> None:
    if postgres_reachable():
        return
    if os.environ.get("CI"):
        pytest.fail("PostgreSQL at 127.0.0.1:5432 is required under CI (.ci/run starts it)")
    pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user="postgres",
                                 database="postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def create_pg_database() -> str:
    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    return name


async def drop_pg_database(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Any
                             ) -> AsyncIterator[str]:
    """A fresh, empty database on each engine (no schema)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/callcenter.db"
        return
    require_postgres()
    name = await create_pg_database()
    try:
        yield f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        await drop_pg_database(name)


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One database per engine migrated for real to the newest revision, once a session;
    each test's database is a copy of it (the migrations' own tests start from empty ones:
    tests/integration/core/test_migrations.py)."""
    made: dict[str, str] = {"folder": str(tmp_path_factory.mktemp("templates"))}
    yield made
    if "postgresql" in made:
        asyncio.run(drop_pg_database(made["postgresql"]))


@pytest.fixture
async def database_url(empty_database_url: str, migrated_templates: dict[str, str]) -> str:
    """A fresh database on each engine, at the newest revision: a copy of the session's
    migrated template (SQLite's backup API; PostgreSQL's CREATE DATABASE ... TEMPLATE)."""
    if empty_database_url.startswith("sqlite"):
        template = await _sqlite_template(migrated_templates)
        await asyncio.to_thread(_copy_sqlite, template, empty_database_url.split("///", 1)[1])
    else:
        template = await _pg_template(migrated_templates)
        name = empty_database_url.rsplit("/", 1)[1]
        await drop_pg_database(name)
        await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return empty_database_url


async def _sqlite_template(made: dict[str, str]) -> str:
    if "sqlite" not in made:
        path = str(Path(made["folder"]) / "template.db")
        await asyncio.to_thread(migrate.upgrade, f"sqlite+aiosqlite:///{path}")
        made["sqlite"] = path
    return made["sqlite"]


def _copy_sqlite(template: str, target: str) -> None:
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


async def _pg_template(made: dict[str, str]) -> str:
    if "postgresql" not in made:
        name = f"cc_template_{uuid.uuid4().hex[:12]}"
        await _admin(f'CREATE DATABASE "{name}"')
        made["postgresql"] = name
        await asyncio.to_thread(
            migrate.upgrade, f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/{name}")
        # a template may have no other session while it is copied
        await _admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
    return made["postgresql"]


async def _eventually(check: Callable[[], Any], timeout: float = 10.0,
                      interval: float = 0.02) -> Any:
    """Wait until `check()` (sync or async) returns something truthy; return it."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {check}")
        await asyncio.sleep(interval)


@pytest.fixture
def eventually() -> Eventually:
    return _eventually


@pytest.fixture
async def web(database_url: str) -> AsyncIterator[WebRig]:
    """The web app as main.py builds it, on a fresh database of each engine."""
    rig = await make_web(database_url)
    try:
        yield rig
    finally:
        await rig.db.close()


@pytest.fixture
async def live_web(web: WebRig) -> AsyncIterator[LiveWeb]:
    """The same app served by uvicorn on a loopback port (WebSockets, Chromium)."""
    async with serving(web) as live:
        yield live
