"""Alembic environment: async engine, batch mode on SQLite (with foreign keys off while a
batch migration copies tables, so ON DELETE CASCADE never removes child rows)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.engine import Connection

from alembic import context
from callcenter.core.config import load
from callcenter.core.database import make_engine
from callcenter.core.tables import UtcDateTime
from callcenter.tables import metadata

config = context.config
target_metadata = metadata


def database_url() -> str:
    given = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    return str(given) if given else load().database.url


def render_item(type_: str, obj: Any, _context: Any) -> str | bool:
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def for_this_dialect(dialect: str) -> Any:
    """Leave out of comparisons what the models reserve for another engine
    (`info["dialects"]`, e.g. PostgreSQL's trigram indexes)."""

    def include(obj: Any, _name: Any, _type: str, _reflected: bool, _compare_to: Any) -> bool:
        dialects = getattr(obj, "info", {}).get("dialects")
        return dialects is None or dialect in dialects

    return include


def run_migrations(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=sqlite, compare_type=True, render_item=render_item,
                      include_object=for_this_dialect(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    engine = make_engine(database_url(), foreign_keys=False)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def main(**_: Any) -> None:
    if context.is_offline_mode():
        run_offline()
        return
    existing = config.attributes.get("connection")
    if existing is not None:
        run_migrations(existing)
        return
    asyncio.run(run_async())


main()
