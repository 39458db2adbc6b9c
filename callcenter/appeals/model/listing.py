"""Read models of appeals and their JSON form (`callcenter appeals list --json`).

The JSON fields are a contract scripts rely on: fields may be added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class CallRecording:
    """One recording of the appeal's call, as the archive holds it. Paths are relative to
    `recordings.dir`: `stored_path` is null until the recording is stored and for one that never
    came or was corrupt, `original_path` until the file arrived; each is null again once
    retention has deleted its file."""

    id: str
    state: str  # pending | stored | missing | corrupt | purged
    format: str | None
    duration: float | None  # seconds
    stored_path: str | None  # the compressed copy (what plays)
    stored_sha256: str | None
    original_path: str | None  # the WAV as Asterisk wrote it
    original_sha256: str | None


@dataclass(frozen=True, slots=True)
class AppealListItem:
    number: str
    status: str
    channel: str
    caller: str | None
    caller_name: str | None
    opened_at: datetime
    line: str | None
    trunk: str | None
    carrier: str | None
    call_id: str | None
    pbx: str | None
    call_outcome: str | None
    operator: str | None
    answered_at: datetime | None
    ended_at: datetime | None
    recording_path: str | None  # as Asterisk announced it: the spool, emptied once archived
    recording_problem: str | None = None
    recordings: tuple[CallRecording, ...] = ()


@dataclass(frozen=True, slots=True)
class HistoryItem:
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    comment: str


def _local(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value is not None else None


def appeal_json(item: AppealListItem, timezone: str) -> dict[str, Any]:
    zone = ZoneInfo(timezone)
    return {
        "number": item.number,
        "status": item.status,
        "channel": item.channel,
        "caller": item.caller,
        "caller_name": item.caller_name,
        "line": item.line,
        "trunk": item.trunk,
        "carrier": item.carrier,
        "call_id": item.call_id,
        "pbx": item.pbx,
        "call_outcome": item.call_outcome,
        "operator": item.operator,
        "opened_at": _local(item.opened_at, zone),
        "answered_at": _local(item.answered_at, zone),
        "ended_at": _local(item.ended_at, zone),
        "recording_path": item.recording_path,
        "recording_problem": item.recording_problem,
        "recordings": [recording_json(r) for r in item.recordings],
    }


def recording_json(recording: CallRecording) -> dict[str, Any]:
    return {
        "id": recording.id,
        "state": recording.state,
        "format": recording.format,
        "duration": recording.duration,
        "stored_path": recording.stored_path,
        "stored_sha256": recording.stored_sha256,
        "original_path": recording.original_path,
        "original_sha256": recording.original_sha256,
    }
