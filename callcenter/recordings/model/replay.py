"""Replays of recordings, pure: who may listen, why, through which ticket, and the audit of it.

A replay is authorized once (a reason, an audit row) and then played through a short-lived
ticket bound to the session (or contractor link) that obtained it, so the player's many Range
requests are one audited replay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from callcenter.core.errors import DomainError
from callcenter.users.model import Forbidden, Principal, Role

REASON_MIN = 3
REASON_MAX = 500
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
MEDIA_TYPES = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "aac": "audio/aac",
               "ogg": "audio/ogg", "wav": "audio/wav"}
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class Via(StrEnum):
    """How a recording was heard (or taken)."""

    SUPERVISOR = "supervisor"  # a supervisor's (or admin's) player
    CONTRACTOR_LINK = "contractor_link"  # a time-limited link given to a contractor
    EVIDENCE = "evidence_export"  # inside an evidence bundle


class InvalidReason(DomainError):
    error_id = "invalid_reason"


class InvalidText(DomainError):
    error_id = "invalid_text"


class RecordingNotFound(DomainError):
    error_id = "recording_not_found"


class AppealNotFound(DomainError):
    error_id = "appeal_not_found"


class RecordingUnavailable(DomainError):
    """The recording has no playable file: still pending, missing, corrupt or purged."""

    error_id = "recording_unavailable"


class RecordingFileMissing(DomainError):
    """The database says stored, but the file is not in the archive."""

    error_id = "recording_file_missing"


class ReplayNotAuthorized(Forbidden):
    """No ticket, a ticket of another session or link, for another recording, or expired."""

    error_id = "replay_not_authorized"


def clean_text(text: str, *, limit: int, field: str, minimum: int = 1) -> str:
    """One line or a paragraph of user text: control characters out, ends trimmed."""
    cleaned = _CONTROL.sub("", text).strip()
    if len(cleaned) < minimum or len(cleaned) > limit:
        raise InvalidText(f"{field}: {minimum}-{limit} characters, got {len(cleaned)}")
    return cleaned


def check_reason(reason: str | None) -> str:
    """Why someone listens: required, a few words, one line."""
    cleaned = _SPACES.sub(" ", _CONTROL.sub("", reason or "")).strip()
    if len(cleaned) < REASON_MIN:
        raise InvalidReason("say why you listen to this recording (at least "
                            f"{REASON_MIN} characters)")
    if len(cleaned) > REASON_MAX:
        raise InvalidReason(f"the reason is longer than {REASON_MAX} characters")
    return cleaned


def check_supervisor(principal: Principal) -> None:
    """Replays and disputes are for supervisors and admins; the web layer checks it too."""
    if principal.role not in SUPERVISORS:
        raise Forbidden("only supervisors and admins replay recordings and handle disputes")


def who_of(principal: Principal) -> str:
    if principal.display_name and principal.display_name != principal.username:
        return f"{principal.display_name} ({principal.username})"
    return principal.username


def media_type(format: str | None) -> str:
    return MEDIA_TYPES.get((format or "").lower(), "application/octet-stream")


@dataclass(frozen=True, slots=True)
class AppealSummary:
    number: str
    status: str
    channel: str
    opened_at: datetime
    caller: str | None
    category: str | None
    address: str | None
    description: str | None


@dataclass(frozen=True, slots=True)
class AppealWithRecordings:
    """A line of the supervisors' list: an appeal that has recordings."""

    number: str
    status: str
    opened_at: datetime
    recordings: int
    on_hold: int
    open_disputes: int


@dataclass(frozen=True, slots=True)
class RecordingInfo:
    """A recording as supervisors see it (paths are relative to the archive)."""

    id: str
    appeal_number: str | None
    call_id: str  # the call's Linkedid
    state: str
    format: str | None
    duration: float | None
    original_sha256: str | None
    original_size: int | None
    original_path: str | None
    stored_sha256: str | None
    stored_size: int | None
    stored_path: str | None
    legal_hold: bool
    entered_at: datetime
    stored_at: datetime | None
    problem: str | None = None

    @property
    def playable(self) -> bool:
        return self.state == "stored" and self.stored_path is not None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    recording_id: str
    user_id: int | None
    who: str
    via: Via
    reason: str
    client: str
    link_id: int | None = None


@dataclass(frozen=True, slots=True)
class NewAudit:
    """An audit row to append; with a ticket when the replay is played through one."""

    at: datetime
    recording_id: str
    user_id: int | None
    who: str
    via: Via
    reason: str
    client: str
    link_id: int | None = None
    session_id: int | None = None
    ticket_hash: str | None = None
    ticket_expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Ticket:
    """What a replay's audit row says about the ticket it issued."""

    audit_id: int
    recording_id: str
    session_id: int | None
    link_id: int | None
    expires_at: datetime

    def admits(self, *, recording_id: str, session_id: int | None, link_id: int | None,
               now: datetime) -> bool:
        """This ticket plays this recording for this session (or link) right now."""
        owner_matches = ((session_id is not None and self.session_id == session_id)
                         or (link_id is not None and self.link_id == link_id))
        return owner_matches and self.recording_id == recording_id and now < self.expires_at


@dataclass(frozen=True, slots=True)
class Grant:
    """A ticket in the client's hands: its token goes into the audio URL."""

    token: str
    recording_id: str
    expires_at: datetime
    audit_id: int
