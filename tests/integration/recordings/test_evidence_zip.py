"""The evidence ZIP is streamed block by block from files on a real disk, never held whole."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from callcenter.appeals.model.listing import HistoryItem
from callcenter.recordings.model.replay import AppealSummary, AuditEntry, RecordingInfo, Via
from callcenter.recordings.service.evidence import Bundle
from callcenter.recordings.service.evidence_zip import BLOCK, chunks

T0 = datetime(2026, 11, 28, 21, 30, tzinfo=UTC)


def bundle(archive: Path, *, size: int) -> Bundle:
    mp3 = archive / "2026/11/28/r1.mp3"
    mp3.parent.mkdir(parents=True)
    mp3.write_bytes(os.urandom(size))
    recording = RecordingInfo(
        id="r1", appeal_number="2026-000001", call_id="1.0", state="stored", format="mp3",
        duration=600.0, original_sha256=None, original_size=None, original_path=None,
        stored_sha256=hashlib.sha256(mp3.read_bytes()).hexdigest(), stored_size=size,
        stored_path="2026/11/28/r1.mp3", legal_hold=True, entered_at=T0, stored_at=T0)
    return Bundle(
        appeal=AppealSummary("2026-000001", "assigned", "phone", T0, "+380342523456", None,
                             "вул. Січових Стрільців, 5", None),
        recordings=[recording],
        audit=[AuditEntry(1, T0, "r1", 1, "svitlana", Via.SUPERVISOR, "+1 спір", "::1")],
        history=[HistoryItem(T0, "system", "opened", None, "new", "call")],
        disputes=[], links=[], made_at=T0, made_by="svitlana", reason="суд",
        archive_dir=archive, timezone="Europe/Kyiv")


def test_a_large_recording_streams_in_blocks(tmp_path: Path) -> None:
    made = bundle(tmp_path, size=5 * BLOCK + 123)
    parts = list(chunks(made))
    assert len(parts) >= 6
    assert max(len(p) for p in parts) <= BLOCK + 64 * 1024  # about one block at a time
    archive = zipfile.ZipFile(io.BytesIO(b"".join(parts)))
    assert archive.testzip() is None
    data = archive.read("recordings/r1.mp3")
    assert data == (tmp_path / "2026/11/28/r1.mp3").read_bytes()
    assert archive.getinfo("recordings/r1.mp3").compress_type == zipfile.ZIP_STORED
    sums = dict(reversed(line.split("  ")) for line in
                archive.read("SHA256SUMS").decode().splitlines())
    assert sums["recordings/r1.mp3"] == hashlib.sha256(data).hexdigest()
    assert "23:30:00+02:00" in archive.read("appeal.json").decode()  # Kyiv time
    assert archive.read("audit.csv").decode("utf-8-sig").splitlines()[1].count("'+1 спір") == 1


def test_an_empty_appeal_still_gives_a_bundle(tmp_path: Path) -> None:
    empty = replace(bundle(tmp_path, size=10), recordings=[], audit=[])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks(empty))))
    assert "recordings/r1.mp3" not in archive.namelist()
    assert archive.read("audit.csv").decode("utf-8-sig") == ""
