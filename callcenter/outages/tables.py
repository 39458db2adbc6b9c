"""Tables of outages: the outage, its places (one street each), its history, and the appeals
attached to it (a link table: the appeal is answered by the outage, not routed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.core.tables import Base, Id, UtcDateTime


class OutageRow(Base):
    __tablename__ = "outages"
    __table_args__ = (Index("ix_outages_status_starts_at", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    utility: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expected_end: Mapped[datetime | None] = mapped_column(UtcDateTime())
    actual_end: Mapped[datetime | None] = mapped_column(UtcDateTime())
    note: Mapped[str] = mapped_column(Text, default="")  # for residents
    internal_note: Mapped[str] = mapped_column(Text, default="")
    contractor: Mapped[str | None] = mapped_column(String(64), index=True)  # its code
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class OutagePlaceRow(Base):
    __tablename__ = "outage_places"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    outage_id: Mapped[int] = mapped_column(ForeignKey("outages.id", ondelete="CASCADE"),
                                           index=True)
    street_key: Mapped[str] = mapped_column(String(200), index=True)
    street: Mapped[str] = mapped_column(String(200))
    houses: Mapped[str] = mapped_column(String(500), default="")
    district: Mapped[str | None] = mapped_column(String(100))


class OutageHistoryRow(Base):
    __tablename__ = "outage_history"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    outage_id: Mapped[int] = mapped_column(ForeignKey("outages.id", ondelete="CASCADE"),
                                           index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")


class OutageAppealRow(Base):
    __tablename__ = "outage_appeals"

    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), primary_key=True)
    outage_id: Mapped[int] = mapped_column(ForeignKey("outages.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class AnnouncementRow(Base):
    """An announcement callers hear before the queue (model/announcements.py): switched on
    once, switched off once (by hand, or when its outage is over); never edited."""

    __tablename__ = "outage_announcements"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    sound: Mapped[str] = mapped_column(String(32))
    seconds: Mapped[float] = mapped_column(Float)
    outage_id: Mapped[int | None] = mapped_column(ForeignKey("outages.id"), index=True)
    on_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    on_by: Mapped[str] = mapped_column(String(128))
    off_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    off_by: Mapped[str | None] = mapped_column(String(128))
    off_reason: Mapped[str | None] = mapped_column(String(16))


class PbxNoticeRow(Base):
    """Per PBX, what its AMI process last set (or read back) in the dialplan's global."""

    __tablename__ = "pbx_notices"

    pbx: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
