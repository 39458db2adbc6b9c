"""Tables of mail: every letter taken (unique on its Message-ID, so a letter delivered
twice is one letter) and its attachments (files in the attachments archive)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.appeals import tables as _appeals  # noqa: F401  (a foreign key's target)
from callcenter.core.tables import Base, Id, UtcDateTime


class MailLetter(Base):
    __tablename__ = "mail_letters"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)  # Message-ID or sha256:<hex>
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # appeal (opened it) | reply (joined it)
    sender: Mapped[str] = mapped_column(String(254), index=True)
    sender_name: Mapped[str] = mapped_column(String(128), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MailAttachment(Base):
    __tablename__ = "mail_attachments"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("mail_letters.id"), index=True)
    ref: Mapped[str] = mapped_column(String(512))  # in the attachments archive
    filename: Mapped[str] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
