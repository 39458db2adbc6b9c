"""Ingesting one spool file: keep the original (hashed as copied), read its header, make the
compressed copy from the kept original. Blocking file I/O and an encoder subprocess: the async
worker runs it in a thread of its bounded pool, never on the event loop.

Idempotent: run again for the same recording id (after a crash, a full disk, an unreadable
spool) it reuses whatever complete file an earlier attempt left and writes the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, Protocol

from callcenter.recordings.model.recordings import Archived, archive_paths
from callcenter.recordings.model.wav import HEADER_BYTES, CorruptRecording, WavInfo, inspect_wav
from callcenter.recordings.service.archive import Archive


class Encoder(Protocol):
    """Compresses the PCM audio of a WAV file into a format browsers play."""

    @property
    def format(self) -> str: ...

    def encode(self, source: Path, wav: WavInfo, target: BinaryIO) -> None: ...


@dataclass(frozen=True, slots=True)
class IngestJob:
    recording_id: str
    source: Path
    day: date  # the call's date: the archive folder


def ingest(job: IngestJob, *, archive: Archive, encoder: Encoder) -> Archived:
    stored_path, original_path = archive_paths(job.recording_id, job.day, encoder.format)
    original = archive.copy_in(job.source, original_path)
    kept = archive.path(original_path)
    try:
        wav = inspect_wav(_head(kept), original.size)
    except CorruptRecording as exc:
        return Archived(original, original_path, corrupt=str(exc))
    stored = archive.produce(stored_path, lambda out: encoder.encode(kept, wav, out))
    return Archived(original, original_path, problem=wav.problem, duration=wav.duration,
                    format=encoder.format, stored=stored, stored_path=stored_path)


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEADER_BYTES)
