"""Tables of recordings, the append-only replay audit, disputes, their notes and
contractor links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.appeals import tables as _appeals  # noqa: F401  (a foreign key's target)
from callcenter.calls import tables as _calls  # noqa: F401  (a foreign key's target)
from callcenter.core.tables import Base, Id, UtcDateTime
from callcenter.users import tables as _users  # noqa: F401  (a foreign key's target)


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
