"""The JSON of the operators' list of letters waiting to be completed."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from callcenter.mail.model import WaitingLetter


class AttachmentView(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class LetterView(BaseModel):
    number: str
    sender: str
    sender_name: str
    subject: str
    text: str
    received_at: datetime
    attachments: list[AttachmentView]


def letter_view(letter: WaitingLetter) -> LetterView:
    return LetterView(
        number=letter.number, sender=letter.sender, sender_name=letter.sender_name,
        subject=letter.subject, text=letter.text, received_at=letter.received_at,
        attachments=[AttachmentView(id=a.id, filename=a.filename, content_type=a.content_type,
                                    size=a.size, url=f"/api/mail/attachments/{a.id}")
                     for a in letter.attachments])
