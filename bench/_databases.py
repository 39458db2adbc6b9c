"""Fresh, migrated databases for one measurement: SQLite in a directory, PostgreSQL if up."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg

from callcenter.core import migrate

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"


def postgres_reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=0.5):
            return True
    except OSError:
        return False


def sqlite_database(directory: Path, name: str) -> str:
    url = f"sqlite+aiosqlite:///{directory / name}.db"
    migrate.upgrade(url)
    return url


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A temporary database (trust auth as user postgres), migrated; dropped afterwards."""
    name = f"cc_bench_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        url = f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
        migrate.upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(statement: str) -> None:
    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres")
    try:
        await conn.execute(statement)
    finally:
        await conn.close()
