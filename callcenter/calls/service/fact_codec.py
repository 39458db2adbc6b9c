"""Call facts to and from JSON lines, for the intake journal."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from callcenter.calls.model import facts as events

_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (events.CallEntered, events.CallQueued, events.CallRang,
                events.CallRingTimedOut, events.CallRingEnded, events.CallAnswered,
                events.RecordingAnnounced, events.CallEnded, events.LinkResynced,
                events.CallReconciled)
}
TIMES = frozenset({"at", "queued_at", "answered_at", "ended_at"})  # ISO 8601 or null


def encode(fact: events.CallFact) -> str:
    data: dict[str, Any] = {"type": type(fact).__name__}
    for field in dataclasses.fields(fact):
        value = getattr(fact, field.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, frozenset):
            value = sorted(value)
        data[field.name] = value
    return json.dumps(data, ensure_ascii=False)


def decode(line: str) -> events.CallFact:
    """Raises ValueError on a line that is not a fact (e.g. torn by a crash mid-write)."""
    try:
        data = json.loads(line)
        cls = _TYPES[data.pop("type")]
        for name in TIMES & data.keys():
            if data[name] is not None:
                data[name] = datetime.fromisoformat(data[name])
        if "live_call_ids" in data:
            data["live_call_ids"] = frozenset(data["live_call_ids"])
        fact: events.CallFact = cls(**data)
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a journal line: {line[:120]!r}") from exc
    return fact
