"""What every feature's tables share: the metadata with its naming convention, the id type,
UTC datetimes on both engines, and PostgreSQL trigram indexes.

Every change to a feature's `tables.py` needs an alembic migration (`alembic check` stays clean).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive UTC text) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if not isinstance(value, datetime):
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def trigram_index(table: str, column: str) -> Index:
    """PostgreSQL only (pg_trgm): serves `LIKE '%key%'` on a search key. SQLite scans instead
    (`info["dialects"]` keeps alembic from expecting it there)."""
    index = Index(f"ix_{table}_{column}_trgm", column, postgresql_using="gin",
                  postgresql_ops={column: "gin_trgm_ops"}, info={"dialects": ("postgresql",)})
    return index.ddl_if(dialect="postgresql")


class ScheduledRun(Base):
    """One claimed occurrence of a timed job (`callcenter.core.scheduler`): the primary key
    (job, slot) is the exactly-once guarantee, whoever inserts it first runs it."""

    __tablename__ = "scheduled_runs"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[str] = mapped_column(String(32), primary_key=True)  # local day or UTC minute
    owner: Mapped[str] = mapped_column(String(128))  # host-pid of the process that ran it
    state: Mapped[str] = mapped_column(String(8))  # running | done | failed
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error: Mapped[str] = mapped_column(Text, default="")
