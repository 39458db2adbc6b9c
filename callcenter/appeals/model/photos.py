"""Photos a contractor attaches to its answer: what a file really is, judged by its bytes.

The file name and the declared content type are never believed: the first bytes say whether
an upload is a JPEG, a PNG or a WebP; anything else is refused, and so is a file above the
configured size, and an image whose header claims more pixels than the configured limit (a
"decompression bomb": 875 KB of PNG that a browser would expand to 30000 x 30000 pixels).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callcenter.core.errors import DomainError

HEAD = 16  # bytes enough to recognize every accepted format


class InvalidPhoto(DomainError):
    """Not a JPEG, PNG or WebP (whatever its name or declared type says), or empty."""

    error_id = "invalid_photo"


class PhotoTooLarge(DomainError):
    error_id = "photo_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"a photo may have at most {limit} bytes")
        self.limit = limit


class PhotoTooManyPixels(DomainError):
    error_id = "photo_too_many_pixels"

    def __init__(self, limit: int) -> None:
        super().__init__(f"a photo may have at most {limit} pixels")
        self.limit = limit


class TooManyPhotos(DomainError):
    error_id = "too_many_photos"

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} photos per answer")
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo attached to an appeal: `ref` is its file's name in the attachments archive."""

    id: int
    ref: str
    added_at: datetime
    actor: str


@dataclass(frozen=True, slots=True)
class PhotoRules:
    max_bytes: int
    max_count: int
    max_pixels: int = 50_000_000  # a 50-megapixel phone camera; a bomb claims far more


def photo_kind(head: bytes) -> str:
    """The file extension of a photo by its first bytes (`jpg`, `png`, `webp`)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    raise InvalidPhoto("only JPEG, PNG and WebP photos are accepted")


def check_photos(sizes: list[int], heads: list[bytes], rules: PhotoRules) -> list[str]:
    """The kinds of the uploaded photos, or the first reason to refuse them all."""
    if len(sizes) > rules.max_count:
        raise TooManyPhotos(rules.max_count)
    for size in sizes:
        if size > rules.max_bytes:
            raise PhotoTooLarge(rules.max_bytes)
        if size == 0:
            raise InvalidPhoto("an empty file is not a photo")
    return [photo_kind(head) for head in heads]


def check_dimensions(size: tuple[int, int] | None, rules: PhotoRules) -> None:
    """An image's width and height as its header says; None when the header cannot be read."""
    if size is None:
        raise InvalidPhoto("the image header cannot be read")
    width, height = size
    if width <= 0 or height <= 0:
        raise InvalidPhoto("an image without pixels is not a photo")
    if width * height > rules.max_pixels:
        raise PhotoTooManyPixels(rules.max_pixels)


class PhotoNotFound(DomainError):
    error_id = "photo_not_found"
