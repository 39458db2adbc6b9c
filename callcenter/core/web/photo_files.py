"""A photo's file as an HTTP response: its content type by its first bytes (as the upload was
judged), shown inline, kept out of shared caches."""

from __future__ import annotations

from typing import Any

from fastapi.responses import FileResponse

from callcenter.appeals.service.photos import PhotoFile

MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# For the OpenAPI document of an endpoint serving photos.
PHOTO_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {media: {} for media in MEDIA_TYPES.values()},
          "description": "The photo's file"}}


def photo_response(photo: PhotoFile, *, cache: str) -> FileResponse:
    media = MEDIA_TYPES.get(photo.kind or "", "application/octet-stream")
    return FileResponse(photo.path, media_type=media, headers={"Cache-Control": cache},
                        content_disposition_type="inline")
