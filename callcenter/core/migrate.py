"""Run alembic from code (`callcenter db upgrade`, start-up of `serve`, `listen`, `web`,
`worker` and `demo`), and wait for the database at start-up.

On PostgreSQL the tables may belong to another role than the one the processes use
(`[database] owner_url` runs the migrations and owns the tables, `url` works with them): after
every upgrade the working role is granted what it needs on every table, and on the append-only
tables (those the migrations guard with an `*_append_only` trigger: the replay audit, dispute
notes) only SELECT and INSERT. Only a table's owner can disable its triggers, so the working
role can neither rewrite the audit nor switch its guard off.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url

from alembic import command
from callcenter.core.database import make_engine
from callcenter.core.database_faults import classify, describe
from callcenter.core.errors import SchemaNotReady, StoreUnavailable
from callcenter.core.pacing import DatabaseOutage

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> AlembicConfig:
    ini = ROOT / "alembic.ini"
    if not ini.exists():
        raise FileNotFoundError(f"{ini} not found: install callcenter from its source tree "
                                "(pip install -e .) so that its migrations are at hand")
    config = AlembicConfig(str(ini))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


async def prepare(url: str, owner_url: str = "") -> None:
    """Upgrade to head off the event loop (alembic is synchronous), as the owner when there is
    one, then grant the working role of `url` its rights; once the database answers."""
    await when_database_answers(lambda: asyncio.to_thread(upgrade, owner_url or url),
                                step="migrations")
    role = working_role(url, owner_url)
    if role:
        await when_database_answers(lambda: grant(owner_url, role), step="grants")


def working_role(url: str, owner_url: str) -> str | None:
    """The role to grant: `url`'s user, when an owner apart from it migrates PostgreSQL."""
    if not owner_url:
        return None
    working, owner = make_url(url), make_url(owner_url)
    if working.get_backend_name() != "postgresql" or working.username == owner.username:
        return None
    return working.username


APPEND_ONLY = text("SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c "
                   "ON c.oid = t.tgrelid WHERE t.tgname LIKE '%\\_append\\_only' "
                   "AND NOT t.tgisinternal")


async def grant(owner_url: str, role: str) -> None:
    who = quote_identifier(role)
    engine = make_engine(owner_url)
    try:
        async with engine.begin() as connection:
            for statement in (
                    f"GRANT USAGE ON SCHEMA public TO {who}",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                    f"TO {who}",
                    f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {who}",
                    f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {who}"):
                await connection.execute(text(statement))
            for table in (await connection.execute(APPEND_ONLY)).scalars():
                await connection.execute(text(
                    f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote_identifier(table)} FROM {who}"))
    finally:
        await engine.dispose()


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def when_database_answers(run: Callable[[], Awaitable[T]], *, step: str) -> T:
    """`run()`, again while the database is away (starting, restarting, stopped): a process
    starting meanwhile waits for it (said once, `waiting_for_database`) instead of exiting.
    Any other error ends the start-up as before."""
    outage = DatabaseOutage("waiting_for_database", back="database_answers", first=0.5)
    while True:
        try:
            result = await run()
        except Exception as exc:
            if not isinstance(exc, StoreUnavailable) and classify(exc) is None:
                raise
            await outage.wait(_unavailable(exc), step=step)
            continue
        outage.over(step=step)
        return result


def _unavailable(exc: Exception) -> StoreUnavailable:
    if isinstance(exc, StoreUnavailable):
        return exc
    return StoreUnavailable(f"database unavailable: {describe(exc)}")


async def require_schema(url: str) -> None:
    """For commands that only read or add rows: the database must exist and be migrated to
    this version's head; otherwise SchemaNotReady names `callcenter db upgrade` (an SQLite
    file that is not there is not created by asking)."""
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    path = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if path and path != ":memory:" and not Path(path).exists():
        raise SchemaNotReady(f"there is no database at {path}: `callcenter db upgrade` creates "
                             "it (`callcenter demo` fills it with a demo day)")
    try:
        current = await current_revision(url)
    except Exception as exc:  # a command does not wait: it says so (exit 4)
        if not isinstance(exc, StoreUnavailable) and classify(exc) is None:
            raise
        raise _unavailable(exc) from exc
    heads = ScriptDirectory.from_config(alembic_config(url)).get_heads()
    if current is None:
        raise SchemaNotReady(f"the database {shown} was never migrated (it has no tables "
                             "yet): run `callcenter db upgrade`")
    if current not in heads:
        raise SchemaNotReady(f"the database {shown} is at migration {current}, this version "
                             f"needs {', '.join(heads)}: run `callcenter db upgrade`")


async def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision())
    finally:
        await engine.dispose()


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def check(url: str) -> None:
    """Raises alembic's AutogenerateDiffsDetected when the models drifted from migrations."""
    command.check(alembic_config(url))
