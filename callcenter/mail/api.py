"""The operators' side of mail: letters whose appeal waits to be completed, and their
attachments (always downloaded, never shown in the page: a letter's file is anyone's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from callcenter.core.web.bounds import RowId
from callcenter.core.web.errors import raises
from callcenter.mail.model import AttachmentNotFound
from callcenter.mail.schemas import LetterView, letter_view
from callcenter.mail.service import Letters
from callcenter.users.access import Desk

router = APIRouter(tags=["mail"])


def letters_of(request: Request) -> Letters:
    letters: Letters = request.app.state.mail_letters
    return letters


@router.get("/api/mail/letters")
async def waiting_letters(request: Request, _user: Desk,
                          limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[LetterView]:
    """Letters whose appeal is still `new` (an operator completes it), oldest first: the
    sender, subject, text and attachments."""
    return [letter_view(letter) for letter in await letters_of(request).waiting(limit)]


@router.get("/api/mail/attachments/{attachment_id}", response_class=FileResponse,
            responses={200: {"content": {"application/octet-stream": {}}},
                       **raises(AttachmentNotFound)})
async def get_attachment(attachment_id: RowId, request: Request, _user: Desk) -> FileResponse:
    """A letter's attachment as it came, as a download."""
    found, path = await letters_of(request).attachment(attachment_id)
    return FileResponse(path, media_type="application/octet-stream", filename=found.filename,
                        headers={"Cache-Control": "private",
                                 "X-Content-Type-Options": "nosniff"})
