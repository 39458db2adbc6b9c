"""The photos contractors attach to their answers, as files: by appeal number for the hotline
staff, and (through `photo_file`) for the contractor's own desk.

A photo is served only from inside the attachments archive: a stored name leading out of it
is "not found", like a missing file or the photo of another appeal. What a file is, is judged
by its first bytes, as the upload was.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from PIL import Image, UnidentifiedImageError

from callcenter.appeals.model.photos import (
    HEAD,
    InvalidPhoto,
    Photo,
    PhotoNotFound,
    PhotoRules,
    PhotoTooManyPixels,
    check_dimensions,
    photo_kind,
)
from callcenter.recordings.service.archive import Archive


class PhotoStore(Protocol):
    async def photos(self, number: str) -> list[Photo]:
        """The appeal's photos, oldest first; none when there is no such appeal."""


@dataclass(frozen=True, slots=True)
class PhotoFile:
    path: Path
    kind: str | None  # `jpg`, `png` or `webp` by the file's first bytes; None: not a photo


class AppealPhotos:
    """The hotline's read path: any appeal's photos (the web layer decides who may)."""

    def __init__(self, store: PhotoStore, archive: Archive) -> None:
        self.store = store
        self.archive = archive

    async def file(self, number: str, photo_id: int) -> PhotoFile:
        photos = await self.store.photos(number.strip())
        return await photo_file(self.archive, photos, photo_id, number=number)


async def photo_file(archive: Archive, photos: Sequence[Photo], photo_id: int, *,
                     number: str) -> PhotoFile:
    """The file of photo `photo_id` among `photos` (those of appeal `number`)."""
    for photo in photos:
        if photo.id == photo_id:
            found = await asyncio.to_thread(_open, archive, photo.ref)
            if found is not None:
                return found
    raise PhotoNotFound(f"no photo {photo_id} of appeal {number}")


def _open(archive: Archive, ref: str) -> PhotoFile | None:
    path = archive.stored(ref)
    if path is None:
        return None
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    try:
        return PhotoFile(path, photo_kind(head))
    except InvalidPhoto:
        return PhotoFile(path, None)


def check_image(source: BinaryIO, rules: PhotoRules) -> None:
    """Refuse an upload whose header is unreadable or claims too many pixels (blocking: call
    it in a thread). Pillow reads the header only; the pixels are never decoded here."""
    source.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                size = image.size
    except Image.DecompressionBombError as exc:
        raise PhotoTooManyPixels(rules.max_pixels) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidPhoto("the image header cannot be read") from exc
    finally:
        source.seek(0)
    check_dimensions(size, rules)
