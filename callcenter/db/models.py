"""Tables. Every change here needs an alembic migration (`alembic check` must stay clean)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
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
                      Index("ix_appeals_category_address_key", "category", "address_key"),
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
    # Why the call's recording is missing, corrupt or incomplete; null while all is well.
    recording_problem: Mapped[str | None] = mapped_column(Text)

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

    # Routing and delivery (tables in dispatch_models.py). `delivery` is a flag apart from the
    # status: none | pending | delivered | failed (domain.outbox.Delivery).
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"), index=True)
    priority: Mapped[str | None] = mapped_column(String(16))
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    delivery: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    planned_date: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)  # for the resident; notes go to history
    address_key: Mapped[str | None] = mapped_column(String(256))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))


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

class Recording(Base):
    """One MixMonitor file of a call: pending until stored (or found missing / corrupt).

    `id` is unguessable (it will appear in URLs); paths are relative to `recordings.dir`.
    """

    __tablename__ = "recordings"
    __table_args__ = (UniqueConstraint("call_id", "announced_path"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    announced_path: Mapped[str] = mapped_column(String(1024))
    state: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(16))
    duration: Mapped[float | None] = mapped_column(Float)
    original_sha256: Mapped[str | None] = mapped_column(String(64))
    original_size: Mapped[int | None] = mapped_column(BigInteger)
    original_path: Mapped[str | None] = mapped_column(String(512))
    stored_sha256: Mapped[str | None] = mapped_column(String(64))
    stored_size: Mapped[int | None] = mapped_column(BigInteger)
    stored_path: Mapped[str | None] = mapped_column(String(512))
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    stored_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    original_purge_after: Mapped[datetime | None] = mapped_column(UtcDateTime())
    purge_after: Mapped[datetime | None] = mapped_column(UtcDateTime())
    original_purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PopMessage(Base):
    """A screen-pop message on its way to the other web processes (pruned after an hour)."""

    __tablename__ = "pop_messages"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    # The publishing process (a random token): a process skips its own messages.
    origin: Mapped[str] = mapped_column(String(32))
    seat: Mapped[str | None] = mapped_column(String(128))  # None: for the board only
    body: Mapped[str] = mapped_column(Text)  # the JSON message as sent to the socket


class PopCommand(Base):
    """Pause / resume asked in a web-only process, for the process holding the AMI link."""

    __tablename__ = "pop_commands"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    seat: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))  # pause | resume
    # pending -> taken -> done | failed; pending -> expired when nobody took it in time
    state: Mapped[str] = mapped_column(String(16), index=True)
    error_id: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(Text)  # the "paused" message, JSON
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

class ReplayAudit(Base):
    """Append-only: every replay of a recording (and every export of it in an evidence bundle).

    Triggers on both engines reject UPDATE and DELETE (migration 0050). A replay played in the
    browser issues a short-lived ticket, kept here as its hash and bound to the session (or
    contractor link) that obtained it, so the player's Range requests are one audited replay.
    """

    __tablename__ = "replay_audit"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    who: Mapped[str] = mapped_column(String(200))
    via: Mapped[str] = mapped_column(String(24))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("contractor_links.id"))
    reason: Mapped[str] = mapped_column(Text)
    client: Mapped[str] = mapped_column(String(128))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("user_sessions.id"))
    ticket_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    ticket_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Dispute(Base):
    """A supervisor's dispute with a contractor about an appeal; closed with a decision."""

    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    # The contractor's code; the contractors table comes later, so no foreign key yet.
    contractor: Mapped[str] = mapped_column(String(64), index=True)
    claim: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8), index=True)
    decision: Mapped[str | None] = mapped_column(Text)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_by: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DisputeNote(Base):
    """Append-only (triggers reject UPDATE and DELETE): what was said and found meanwhile."""

    __tablename__ = "dispute_notes"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)


class ContractorLink(Base):
    """A time-limited link that lets a contractor hear an appeal's call (or one recording)."""

    __tablename__ = "contractor_links"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # SHA-256 of the token; the token itself is only in the link handed to the contractor.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    recording_id: Mapped[str | None] = mapped_column(ForeignKey("recordings.id"))
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"))
    contractor: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(200))
