"""Engine and the one session scope: commit, roll back, or raise StoreUnavailable.

Which errors mean "the database is away" is decided in `callcenter/core/database_faults.py`;
engines never put bound parameters (residents' numbers) into an error's text.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from callcenter.core.database_faults import Fault, classify, describe, mark_disconnects
from callcenter.core.errors import StoreUnavailable


def make_engine(url: str, *, echo: bool = False, foreign_keys: bool = True) -> AsyncEngine:
    """An engine; `foreign_keys=False` is for SQLite batch migrations, which copy tables."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, parsed.database, echo, foreign_keys)
    else:
        engine = create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10,
                                     hide_parameters=True)
    event.listen(engine.sync_engine, "handle_error", mark_disconnects)
    return engine


def _sqlite_engine(url: str, database: str | None, echo: bool,
                   foreign_keys: bool) -> AsyncEngine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30},
                                 hide_parameters=True)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below) so writers take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Readers begin deferred: WAL lets them run beside the one writer.
        reader = connection.get_execution_options().get("reader", False)
        connection.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")

    return engine


def insert_ignore(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """`INSERT .. ON CONFLICT DO NOTHING` on either engine."""
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


FAULT_WORDS = {Fault.LOST: "database unavailable", Fault.BUSY: "database busy"}


@dataclass
class Availability:
    """What the last scopes found: the database answering, or away since a moment (and
    why). Kept by the session scope, read by readiness and metrics."""

    available: bool = True
    reason: str | None = None
    outages: int = 0

    def succeeded(self) -> None:
        self.available, self.reason = True, None

    def lost(self, reason: str) -> None:
        if self.available:
            self.outages += 1
        self.available, self.reason = False, reason


class Database:
    """Owns the engine. `transaction()` is the only way code writes or reads."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.dialect = self.engine.dialect.name
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._readers = async_sessionmaker(self.engine.execution_options(reader=True),
                                           expire_on_commit=False)
        # SQLite has one writer at a time: queue writers here instead of in "database is locked".
        self._writer = asyncio.Lock() if self.dialect == "sqlite" else None
        self._closed = False
        self.availability = Availability()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        if self._writer is None:
            async with self._session() as session:
                yield session
            return
        async with self._writer, self._session() as session:
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only scope: never waits for the writer (SQLite WAL readers run beside it)."""
        async with self._session(self._readers) as session:
            yield session

    @asynccontextmanager
    async def _session(self, factory: async_sessionmaker[AsyncSession] | None = None
                       ) -> AsyncIterator[AsyncSession]:
        if self._closed:  # a scope opened after close() would leak a fresh connection
            raise StoreUnavailable("database closed")
        try:
            async with (factory or self._sessions)() as session, session.begin():
                yield session
        except Exception as exc:
            fault = classify(exc)
            if fault is None:
                raise
            domain = StoreUnavailable(f"{FAULT_WORDS[fault]}: {describe(exc)}")
            if fault is Fault.LOST:
                self.availability.lost(str(domain))
            raise domain from exc
        self.availability.succeeded()

    async def ping(self, timeout: float = 3.0) -> bool:
        """True when the database answers a trivial query within `timeout` seconds."""
        return await self.check(timeout) is None

    async def check(self, timeout: float = 3.0) -> str | None:
        """None when the database answers a trivial query within `timeout` seconds, else
        why not (short, for readiness)."""
        try:
            async with asyncio.timeout(timeout), self.reading() as session:
                await session.execute(text("SELECT 1"))
        except StoreUnavailable as exc:
            return str(exc)
        except TimeoutError:
            return f"database unavailable: no answer within {timeout:g} s"
        return None

    async def close(self) -> None:
        self._closed = True
        await self.engine.dispose()
