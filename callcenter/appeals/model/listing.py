"""Read models of appeals and their JSON form (`callcenter appeals list --json`).

The JSON fields are a contract scripts rely on: fields may be added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


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
    recording_path: str | None
    recording_problem: str | None = None


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
    }
