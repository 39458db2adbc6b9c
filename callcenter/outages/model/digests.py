"""The morning digests as they were sent: one a day, the same subject and text to every
recipient of the list, each recipient's message with its own delivery state.

The outbox keeps them (`outages:digest:<day>:<address>`); a day's key prefix sorts by day, so
a range of days is a range of keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from callcenter.core.errors import DomainError

DIGEST_EVENT = "outages.digest"
KEY_PREFIX = "outages:digest:"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The outbox's states in the words of the appeals' delivery flag (core/web/labels.py).
DELIVERY_OF_STATE = {"sent": "delivered", "dead": "failed", "cancelled": "failed"}


class DigestNotFound(DomainError):
    error_id = "digest_not_found"

    def __init__(self, day: str) -> None:
        super().__init__(f"no digest was sent for {day!r}")


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    delivery: str  # delivered | pending | failed
    delivered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SentDigest:
    day: date
    subject: str
    text: str
    queued_at: datetime  # when the job put it into the outbox
    recipients: tuple[Recipient, ...]


@dataclass(frozen=True, slots=True)
class DigestList:
    """One page of the archive, newest day first; `older` is the `before` of the next page
    (None when nothing older was sent)."""

    digests: tuple[SentDigest, ...]
    older: date | None = None


def digest_key(day: date, to: str) -> str:
    return f"{KEY_PREFIX}{day.isoformat()}:{to}"


def day_key(day: date) -> str:
    """The first key of a day's messages: keys of that day and later sort at or after it."""
    return f"{KEY_PREFIX}{day.isoformat()}"


def day_of_key(key: str) -> date:
    return date.fromisoformat(key.removeprefix(KEY_PREFIX)[:10])


def delivery_of(state: str) -> str:
    return DELIVERY_OF_STATE.get(state, "pending")


def parse_day(text: str) -> date:
    """A day as the URL has it (`2026-12-07`); DigestNotFound for anything else."""
    try:
        if ISO_DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise DigestNotFound(text)
