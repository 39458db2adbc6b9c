"""Call-backs and control checks: the worklist's items, what each outcome does, the outbound
call followed on the AMI stream, and the contractor's message for a returned appeal.

Pure: no I/O. The rules (DESIGN.md statuses, issue 18):
- missed calls: one item per caller number (withheld numbers have none), the oldest first;
- appeals a contractor marked `done`: claiming one puts it `on_check`; confirmed -> `closed`,
  not confirmed -> `returned` with the resident's words (the contractor is told);
- appeals a supervisor put on control: the resident's words are noted;
- no answer: offered again after a pause, up to `callback_attempts`; then a control check is
  `closed` as "resident not reached", a missed caller and a control leave the list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from callcenter.appeals.model.statuses import Status
from callcenter.calls.model.ami_events import Headers, header
from callcenter.contractors.model.contractors import Contractor
from callcenter.core.errors import DomainError
from callcenter.delivery.model.outbox import EMAIL, WEBHOOK, NewMessage


class Kind(StrEnum):
    MISSED = "missed"  # a missed call to call back
    CHECK = "check"  # the contractor says done: does the resident agree?
    CONTROL = "control"  # a supervisor put the appeal on control


class Outcome(StrEnum):
    CONFIRMED = "confirmed"  # the resident confirms the work is done
    NOT_CONFIRMED = "not_confirmed"  # it is not: back to the contractor
    NO_ANSWER = "no_answer"  # nobody answered (or busy)
    REACHED = "reached"  # a missed caller reached: the operator completes the appeal
    CONSULTATION = "consultation"  # a missed caller reached: information given
    TALKED = "talked"  # a control call: the resident's words noted


OUTCOMES: dict[Kind, frozenset[Outcome]] = {
    Kind.MISSED: frozenset({Outcome.REACHED, Outcome.CONSULTATION, Outcome.NO_ANSWER}),
    Kind.CHECK: frozenset({Outcome.CONFIRMED, Outcome.NOT_CONFIRMED, Outcome.NO_ANSWER}),
    Kind.CONTROL: frozenset({Outcome.TALKED, Outcome.NO_ANSWER}),
}
CHECKABLE = frozenset({Status.DONE, Status.ON_CHECK})
# Appeals a control no longer concerns (a final status).
FINAL = frozenset({Status.CLOSED, Status.CONSULTATION, Status.REJECTED, Status.DUPLICATE})
NOT_REACHED = "Мешканця не вдалося застати: {count} дзвінки без відповіді"
RETURNED_EVENT = "appeal.returned"


class CallbackError(DomainError):
    error_id = "callback_error"


class AlreadyClaimed(CallbackError):
    """Another operator is calling this resident now."""

    error_id = "callback_claimed"


class NotClaimed(CallbackError):
    """The operator holds no (current) claim on this item: it expired or was never taken."""

    error_id = "callback_not_claimed"


class ItemGone(CallbackError):
    """The item left the worklist (done by someone else, or the appeal moved on)."""

    error_id = "callback_item_gone"


class AttemptNotFound(CallbackError):
    error_id = "callback_attempt_not_found"


class WrongOutcome(CallbackError):
    """An outcome that does not fit the item, or an attempt that cannot take one (yet)."""

    error_id = "callback_wrong_outcome"


@dataclass(frozen=True, slots=True)
class WorkItem:
    kind: Kind
    appeal_id: int
    number: str  # the appeal's number
    phone: str  # E.164
    status: Status
    waiting_since: datetime
    tries: int = 1  # missed: how often the caller tried; else 1
    no_answers: int = 0  # unanswered call-backs so far
    category: str | None = None
    address: str | None = None
    contractor: str | None = None
    claimed_by: str | None = None  # an operator's user name while the claim holds
    claim_expires: datetime | None = None
    last_no_answer: datetime | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    kind: Kind
    appeal_id: int
    phone: str
    username: str
    seat: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    id: int
    kind: Kind
    appeal_id: int
    number: str
    phone: str
    username: str
    state: str  # pending | originating | connected | failed
    error: str | None
    outcome: Outcome | None
    call_answered: bool = False  # the resident picked up (the outbound call's answer time)
    call_ended: bool = False
    updated_at: datetime | None = None  # the last change of `state`


def overdue(attempt: Attempt, now: datetime, *, pending_seconds: float,
            stuck_seconds: float) -> bool:
    """Nobody took it in time (no process holds the AMI link), or the process that took it
    died while placing it (`originating` longer than any ring)."""
    if attempt.updated_at is None:
        return False
    age = (now - attempt.updated_at).total_seconds()
    return ((attempt.state == "pending" and age > pending_seconds)
            or (attempt.state == "originating" and age > stuck_seconds))


def by_waiting(items: Sequence[WorkItem]) -> list[WorkItem]:
    """Oldest waiting first; the kind and appeal only break ties."""
    return sorted(items, key=lambda i: (i.waiting_since, i.kind.value, i.appeal_id))


def due_again(last_no_answer: datetime | None, now: datetime, retry_seconds: float) -> bool:
    """An unanswered resident is offered again once the pause after the last try is over."""
    return last_no_answer is None or (now - last_no_answer).total_seconds() >= retry_seconds


def claim_status(kind: Kind, status: Status) -> Status | None:
    """What claiming the item does to its appeal: a `done` appeal goes `on_check`."""
    return Status.ON_CHECK if kind is Kind.CHECK and status is Status.DONE else None


@dataclass(frozen=True, slots=True)
class Plan:
    """What an outcome does to the appeal (and the others of a missed caller)."""

    status: Status | None = None  # the appeal's new status, None: unchanged
    action: str = "callback"  # the history row's action
    comment: str = ""
    tell_contractor: bool = False
    end_control: bool = False  # the control check is over
    others_duplicate: bool = False  # a missed caller's other missed appeals: duplicates
    leaves_list: bool = True
    notes: list[str] = field(default_factory=list)


def plan_outcome(kind: Kind, outcome: Outcome, *, words: str, no_answers_before: int,
                 max_attempts: int) -> Plan:
    if outcome not in OUTCOMES[kind]:
        raise WrongOutcome(f"{outcome} does not fit a {kind} call-back")
    words = words.strip()
    if outcome is Outcome.NO_ANSWER:
        return _no_answer(kind, no_answers_before + 1, max_attempts)
    if outcome is Outcome.CONFIRMED:
        return Plan(Status.CLOSED, "callback_confirmed", words or "Мешканець підтвердив "
                    "виконання", end_control=True)
    if outcome is Outcome.NOT_CONFIRMED:
        return Plan(Status.RETURNED, "callback_not_confirmed", words, tell_contractor=True,
                    end_control=True)
    if outcome is Outcome.CONSULTATION:
        return Plan(Status.CONSULTATION, "callback_consultation", words,
                    others_duplicate=True)
    if outcome is Outcome.REACHED:
        return Plan(None, "callback_reached", words, others_duplicate=True)
    return Plan(None, "callback_talked", words, end_control=True)


def _no_answer(kind: Kind, count: int, max_attempts: int) -> Plan:
    if count < max_attempts:
        return Plan(None, "callback_no_answer", f"Спроба {count} з {max_attempts}: "
                    "мешканець не відповів", leaves_list=False)
    comment = NOT_REACHED.format(count=count)
    if kind is Kind.CHECK:
        return Plan(Status.CLOSED, "callback_not_reached", comment, end_control=True)
    return Plan(None, "callback_not_reached", comment, end_control=kind is Kind.CONTROL)


def needs_words(outcome: Outcome) -> bool:
    """The resident's words are required where someone acts on them."""
    return outcome in (Outcome.NOT_CONFIRMED, Outcome.TALKED)


# -- the contractor's message for a returned appeal -------------------------------------------

@dataclass(frozen=True, slots=True)
class ReturnedAppeal:
    id: int
    number: str
    category: str | None
    address: str | None
    description: str | None
    caller_name: str | None
    phone: str | None
    opened_at: datetime
    priority: str | None
    deadline: datetime | None


def returned_messages(appeal: ReturnedAppeal, contractor: Contractor, *, words: str,
                      attempt_id: int, public_base_url: str) -> list[NewMessage]:
    """To every channel of the contractor, in the shape of routing's assignment messages (the
    e-mail text and the webhook receivers read the same payload)."""
    base = f"appeal:{appeal.id}:returned:{attempt_id}"
    payload: dict[str, Any] = {
        "event": RETURNED_EVENT,
        "appeal": {"number": appeal.number, "category": appeal.category,
                   "category_name": None, "address": appeal.address,
                   "description": appeal.description, "resident_name": appeal.caller_name,
                   "resident_phone": appeal.phone, "opened_at": appeal.opened_at.isoformat()},
        "contractor": {"code": contractor.code, "name": contractor.name},
        "assignment": {"priority": appeal.priority or "normal", "reason": "",
                       "deadline": appeal.deadline.isoformat() if appeal.deadline else None},
        "note": words,
        "answer_url": f"{public_base_url.rstrip('/')}/contractor/appeals/{appeal.number}",
    }
    messages = []
    for channel in contractor.channels:
        key = f"{base}:{channel}"
        recipient = (contractor.email if channel == EMAIL else contractor.webhook_url) or ""
        secret = contractor.webhook_secret_ref if channel == WEBHOOK else None
        messages.append(NewMessage(key, RETURNED_EVENT, channel, recipient,
                                   {**payload, "idempotency_key": key}, False, secret))
    return messages


# -- the outbound call on the AMI stream -------------------------------------------------------

ACTION_PREFIX = "callback-"


def action_id(attempt_id: int, token: str) -> str:
    return f"{ACTION_PREFIX}{attempt_id}-{token}"


def attempt_of(action: str) -> int | None:
    """The attempt an Originate's ActionID names (None: not one of ours)."""
    if not action.startswith(ACTION_PREFIX):
        return None
    number = action.removeprefix(ACTION_PREFIX).split("-", 1)[0]
    return int(number) if number.isdigit() else None


@dataclass(frozen=True, slots=True)
class CallFact:
    """What happened to an outbound call: `started` (the operator answered; `attempt_id`,
    `channel`), `answered` (the resident did), `recording` (`path`), `ended` (`cause`)."""

    kind: str
    linkedid: str
    at: datetime
    attempt_id: int | None = None
    channel: str = ""
    path: str = ""
    cause: int | None = None
    cause_text: str = ""


class OutboundCalls:
    """Follows the call-backs we originated, by Linkedid (= the operator leg's Uniqueid).

    The OriginateResponse of a call-back starts it; the resident's DialEnd ANSWER answers
    it; the operator leg's Hangup ends it. MixMonitor announces its file (VarSet
    MIXMONITOR_FILENAME) before the OriginateResponse, so the last few are remembered.
    """

    KEEP_RECORDINGS = 256

    def __init__(self) -> None:
        self.following: dict[str, bool] = {}  # linkedid -> answered
        self._recordings: dict[str, str] = {}  # uniqueid -> announced path

    def handle(self, headers: Headers, at: datetime) -> list[CallFact]:
        event = header(headers, "Event")
        if event == "OriginateResponse":
            return self._originated(headers, at)
        if event == "VarSet" and header(headers, "Variable") == "MIXMONITOR_FILENAME":
            self._remember(header(headers, "Uniqueid"), header(headers, "Value"))
            return []
        linkedid = header(headers, "Linkedid")
        if linkedid not in self.following:
            return []
        if event == "DialEnd" and header(headers, "DestUniqueid") != linkedid:
            return self._dial_ended(headers, linkedid, at)
        if event == "Hangup" and header(headers, "Uniqueid") == linkedid:
            del self.following[linkedid]
            cause = header(headers, "Cause")
            return [CallFact("ended", linkedid, at, cause=int(cause) if cause.isdigit()
                             else None, cause_text=header(headers, "Cause-txt"))]
        return []

    def _originated(self, headers: Headers, at: datetime) -> list[CallFact]:
        attempt = attempt_of(header(headers, "ActionID"))
        linkedid = header(headers, "Uniqueid")
        if attempt is None or header(headers, "Response") != "Success" or not linkedid:
            return []
        self.following[linkedid] = False
        facts = [CallFact("started", linkedid, at, attempt_id=attempt,
                          channel=header(headers, "Channel"))]
        path = self._recordings.pop(linkedid, "")
        if path:
            facts.append(CallFact("recording", linkedid, at, path=path))
        return facts

    def _dial_ended(self, headers: Headers, linkedid: str, at: datetime) -> list[CallFact]:
        if header(headers, "DialStatus") != "ANSWER" or self.following[linkedid]:
            return []
        self.following[linkedid] = True
        return [CallFact("answered", linkedid, at)]

    def _remember(self, uniqueid: str, path: str) -> None:
        if not uniqueid or not path:
            return
        self._recordings[uniqueid] = path
        while len(self._recordings) > self.KEEP_RECORDINGS:
            del self._recordings[next(iter(self._recordings))]

    def forget_all(self) -> list[str]:
        """After the link was lost: the calls followed (their ends were not seen)."""
        lost, self.following = list(self.following), {}
        return lost


NUMBER = re.compile(r"\+?[0-9]{3,15}")
SEAT = re.compile(r"[A-Za-z0-9_]+/[A-Za-z0-9_.@-]+")


def originate_problem(seat: str, number: str) -> str | None:
    """What keeps a call-back from being asked of Asterisk: a number the dialplan cannot dial
    or a seat that is not a channel (nothing else may reach an AMI action's headers)."""
    if not NUMBER.fullmatch(number):
        return "invalid_number"
    if not SEAT.fullmatch(seat):
        return "invalid_seat"
    return None


def reply_error(reply: Mapping[str, str] | Sequence[Mapping[str, str]]) -> str | None:
    """Why an Originate failed, from its reply (None: it was answered by the operator)."""
    frames = [reply] if isinstance(reply, Mapping) else list(reply)
    if not frames:
        return "pbx_refused"
    last = frames[-1]
    if last.get("Event") == "OriginateResponse":
        if last.get("Response") == "Success":
            return None
        return {"3": "seat_no_answer", "5": "seat_busy"}.get(str(last.get("Reason")),
                                                             "seat_unreachable")
    if "permission denied" in str(last.get("Message", "")).lower():
        return "permission_denied"
    return "pbx_refused"
