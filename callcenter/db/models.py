"""Tables. Every change here needs an alembic migration (`alembic check` must stay clean)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
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


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (UniqueConstraint("pbx", "linkedid"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    pbx: Mapped[str] = mapped_column(String(64))
    linkedid: Mapped[str] = mapped_column(String(64))
    trunk: Mapped[str] = mapped_column(String(64))
    line: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(128))
    caller: Mapped[str | None] = mapped_column(String(32), index=True)
    caller_raw: Mapped[str] = mapped_column(String(128))
    caller_name: Mapped[str | None] = mapped_column(String(256))
    carrier: Mapped[str | None] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    operator: Mapped[str | None] = mapped_column(String(128))
    outcome: Mapped[str] = mapped_column(String(16), default="in_progress")
    cause: Mapped[int | None] = mapped_column(Integer)
    cause_text: Mapped[str] = mapped_column(String(64), default="")
    recording_path: Mapped[str | None] = mapped_column(String(512))
    resynced: Mapped[bool] = mapped_column(Boolean, default=False)
    link_down: Mapped[bool] = mapped_column(Boolean, default=False)


class CallRing(Base):
    """One ring of one operator seat for a call (ring-all rings several)."""

    __tablename__ = "call_rings"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    seat: Mapped[str] = mapped_column(String(128))
    rang_at: Mapped[datetime] = mapped_column(UtcDateTime())
    result: Mapped[str | None] = mapped_column(String(16))


class AppealCounter(Base):
    __tablename__ = "appeal_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


def trigram_index(table: str, column: str) -> Index:
    """PostgreSQL only (pg_trgm): serves `LIKE '%key%'` on a search key. SQLite scans instead
    (`info["dialects"]` keeps alembic from expecting it there)."""
    index = Index(f"ix_{table}_{column}_trgm", column, postgresql_using="gin",
                  postgresql_ops={column: "gin_trgm_ops"}, info={"dialects": ("postgresql",)})
    return index.ddl_if(dialect="postgresql")


SEARCH_KEYS = ("search_address", "search_name", "search_text", "search_phone")


class Appeal(Base):
    __tablename__ = "appeals"
    __table_args__ = (UniqueConstraint("year", "sequence"),
                      *(trigram_index("appeals", key) for key in SEARCH_KEYS))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    # Any appeal born from a call links to it; only the automatic one also sets auto_call_id,
    # whose uniqueness guarantees exactly one automatic appeal per call.
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    auto_call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), unique=True)
    caller: Mapped[str | None] = mapped_column(String(32), index=True)
    caller_name: Mapped[str | None] = mapped_column(String(256))
    category: Mapped[str | None] = mapped_column(String(64), index=True)
    # The official street name (`вулиця Незалежності`), or as typed when not in the list.
    street: Mapped[str | None] = mapped_column(String(128))
    street_unlisted: Mapped[bool] = mapped_column(Boolean, server_default=false())
    house: Mapped[str | None] = mapped_column(String(32))
    flat: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(256))  # formatted, for display
    description: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(128))
    contact_phone: Mapped[str | None] = mapped_column(String(32), index=True)
    emergency: Mapped[bool] = mapped_column(Boolean, server_default=false())
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Optimistic concurrency: every change increments it; a form carries the one it saw.
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    # Search keys (domain/appeal_search.py), written by the code with every change.
    search_address: Mapped[str] = mapped_column(String(256), server_default="")
    search_name: Mapped[str] = mapped_column(String(256), server_default="")
    search_text: Mapped[str] = mapped_column(Text, server_default="")
    search_phone: Mapped[str] = mapped_column(String(64), server_default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class AppealHistory(Base):
    """Append-only: every change of an appeal, with who, when, from, to and why."""

    __tablename__ = "appeal_history"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    # The queue member interface the operator usually sits at (PJSIP/op1001).
    default_seat: Mapped[str | None] = mapped_column(String(128))
    # For contractor users: the contractor they answer for (its code).
    contractor: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UserSession(Base):
    """A revocable sign-in: a cookie for pages or a bearer token for API clients."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # SHA-256 of the token; the token itself is only ever in the client's hands.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    seat: Mapped[str | None] = mapped_column(String(128), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
