"""The evidence bundle as a streamed ZIP.

`zipfile` writes into a sink that the generator drains after every block, so memory holds
about one block (1 MiB) whatever the size of the recordings; on an unseekable sink zipfile
writes data descriptors, and ZIP64 when a file needs it. Contents:

    README.txt                what this is
    appeal.json               the appeal
    history.json/.csv         the appeal's history
    disputes.json             its disputes with notes, and the contractor links given
    audit.json/.csv           every replay and export of its recordings (this one included)
    recordings/<id>.<format>  the compressed copy; recordings/<id>.wav the original WAV
    manifest.json             each file's SHA-256 and size, and for audio the SHA-256
                              recorded at ingest and whether the file still matches it
    SHA256SUMS                `sha256sum -c SHA256SUMS` checks every file above
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from callcenter.recordings.model.recordings import Digest
from callcenter.recordings.model.replay import RecordingFileMissing
from callcenter.recordings.service.evidence import Bundle
from callcenter.recordings.service.replay import file_in_archive

log = structlog.get_logger("callcenter.evidence")
BLOCK = 1 << 20
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
README = """Evidence bundle of appeal {number} / Докази у зверненні {number}

Made {made_at} by {made_by}. Reason: {reason}

appeal.json        the appeal / звернення
history.json/.csv  its history / історія звернення
disputes.json      disputes, notes, decisions, contractor links / спори, нотатки, рішення
audit.json/.csv    every replay and export of its recordings / журнал прослуховувань
recordings/        the compressed copy and the original WAV / записи: стислий і оригінал
manifest.json      SHA-256 of every file and the SHA-256 recorded when the call was stored
SHA256SUMS         check with: sha256sum -c SHA256SUMS
"""


@dataclass(frozen=True, slots=True)
class AudioEntry:
    name: str
    recording_id: str
    kind: str  # compressed | original
    relative: str
    recorded_sha256: str | None


class _Sink(io.RawIOBase):
    """Collects what zipfile writes until the generator drains it; cannot seek."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def chunks(bundle: Bundle) -> Iterator[bytes]:
    """The ZIP, block by block (a sync generator: Starlette runs it in a worker thread)."""
    sink = _Sink()
    listed: list[dict[str, Any]] = []
    with zipfile.ZipFile(sink, "w") as archive:
        for name, data in documents(bundle):
            _write_bytes(archive, name, data)
            listed.append({"name": name, "size": len(data),
                           "sha256": hashlib.sha256(data).hexdigest()})
            yield sink.drain()
        for entry in audio_entries(bundle):
            yield from _write_audio(archive, sink, entry, bundle, listed)
        manifest = _json({"appeal": bundle.appeal.number, "made_at": bundle.made_at,
                          "made_by": bundle.made_by, "reason": bundle.reason,
                          "files": listed}, bundle)
        _write_bytes(archive, "manifest.json", manifest)
        sums = "".join(f"{f['sha256']}  {f['name']}\n" for f in listed if f.get("sha256"))
        sums += f"{hashlib.sha256(manifest).hexdigest()}  manifest.json\n"
        _write_bytes(archive, "SHA256SUMS", sums.encode())
    yield sink.drain()


def documents(bundle: Bundle) -> list[tuple[str, bytes]]:
    readme = README.format(number=bundle.appeal.number, made_by=bundle.made_by,
                           made_at=_local(bundle.made_at, bundle), reason=bundle.reason)
    audit = [_plain(a, bundle) for a in bundle.audit]
    history = [_plain(h, bundle) for h in bundle.history]
    disputes = {"disputes": [_plain(d, bundle) for d in bundle.disputes],
                "contractor_links": [_plain(link, bundle) for link in bundle.links]}
    return [("README.txt", readme.encode()),
            ("appeal.json", _json(_plain(bundle.appeal, bundle), bundle)),
            ("history.json", _json(history, bundle)), ("history.csv", _csv(history)),
            ("disputes.json", _json(disputes, bundle)),
            ("audit.json", _json(audit, bundle)), ("audit.csv", _csv(audit))]


def audio_entries(bundle: Bundle) -> list[AudioEntry]:
    entries = []
    for r in bundle.recordings:
        if r.stored_path and r.state == "stored":
            entries.append(AudioEntry(f"recordings/{r.id}.{r.format or 'bin'}", r.id,
                                      "compressed", r.stored_path, r.stored_sha256))
        if r.original_path:
            entries.append(AudioEntry(f"recordings/{r.id}.wav", r.id, "original",
                                      r.original_path, r.original_sha256))
    return entries


def _write_audio(archive: zipfile.ZipFile, sink: _Sink, entry: AudioEntry, bundle: Bundle,
                 listed: list[dict[str, Any]]) -> Iterator[bytes]:
    listing: dict[str, Any] = {"name": entry.name, "recording": entry.recording_id,
                               "kind": entry.kind, "recorded_sha256": entry.recorded_sha256}
    listed.append(listing)
    try:
        path = file_in_archive(bundle.archive_dir, entry.relative,
                               recording_id=entry.recording_id)
        handle = path.open("rb")
    except (OSError, RecordingFileMissing) as exc:
        log.error("evidence_file_missing", recording=entry.recording_id, path=entry.relative,
                  error=str(exc))
        listing.update(present=False, problem=f"not in the archive: {entry.relative}")
        return
    with handle:
        info = _info(entry.name, deflate=entry.kind == "original")
        info.file_size = _size(handle)
        sha = hashlib.sha256()
        with archive.open(info, "w") as target:
            while block := handle.read(BLOCK):
                sha.update(block)
                target.write(block)
                yield sink.drain()
    digest = Digest(sha.hexdigest(), info.file_size)
    listing.update(present=True, size=digest.size, sha256=digest.sha256,
                   matches_record=digest.sha256 == entry.recorded_sha256)
    if not listing["matches_record"]:
        log.error("evidence_hash_mismatch", recording=entry.recording_id, path=entry.relative)


def _size(handle: io.BufferedReader) -> int:
    size = handle.seek(0, io.SEEK_END)
    handle.seek(0)
    return size


def _info(name: str, *, deflate: bool = True) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    return info


def _write_bytes(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    archive.writestr(_info(name), data)


def _local(value: datetime, bundle: Bundle) -> str:
    return value.astimezone(ZoneInfo(bundle.timezone)).isoformat()


def _plain(record: Any, bundle: Bundle) -> dict[str, Any]:
    """A frozen dataclass as JSON-ready values, times in the configured zone."""
    out: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, datetime):
            value = _local(value, bundle)
        elif isinstance(value, tuple):
            value = [_plain(v, bundle) for v in value]
        out[field.name] = value
    return out


def _json(value: Any, bundle: Bundle) -> bytes:
    def default(item: Any) -> Any:
        return _local(item, bundle) if isinstance(item, datetime) else str(item)

    return json.dumps(value, ensure_ascii=False, indent=2, default=default).encode() + b"\n"


def _csv(rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM (spreadsheets read Cyrillic right); formulas defused."""
    text = io.StringIO()
    if rows:
        writer = csv.DictWriter(text, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return ("\ufeff" + text.getvalue()).encode()


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value
