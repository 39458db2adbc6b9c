"""The duty desk's rules, pure: journal entry kinds, the alerting-system check windows, the
handover chain, the assignments' states, and the e-mails the desk sends (outbox messages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from callcenter.core.errors import DomainError
from callcenter.delivery.model.outbox import EMAIL, NewMessage

MAX_TEXT = 4000
CHECK_MISSED, SIGNAL, ASSIGNMENT_DUE = "duty.check_missed", "duty.signal", "duty.assignment_due"


class DutyError(DomainError):
    error_id = "duty_invalid"


class HandoverRefused(DomainError):
    """The shift was handed over already, or the handover awaits acknowledgement."""

    error_id = "duty_handover_refused"
    status_code = 409


class EntryKind(StrEnum):
    INFORMATION = "information"  # incoming information
    REPORTED = "reported"  # what was reported, to whom
    EMERGENCY = "emergency"  # an emergency and what was done
    CAMERA = "camera"  # a camera observation
    SIGNAL = "signal"  # a signal received by the alerting system


KIND_NAMES = {
    EntryKind.INFORMATION: "Вхідна інформація",
    EntryKind.REPORTED: "Доповідь",
    EntryKind.EMERGENCY: "Надзвичайна подія",
    EntryKind.CAMERA: "Спостереження з камер",
    EntryKind.SIGNAL: "Сигнал системи оповіщення",
}


class CheckResult(StrEnum):
    OK = "ok"
    FAULT = "fault"


RESULT_NAMES = {CheckResult.OK: "Справна", CheckResult.FAULT: "Несправність"}


class AssignmentStatus(StrEnum):
    OPEN = "open"
    IN_WORK = "in_work"
    DONE = "done"
    CANCELLED = "cancelled"


STATUS_NAMES = {AssignmentStatus.OPEN: "Нове", AssignmentStatus.IN_WORK: "У роботі",
                AssignmentStatus.DONE: "Виконано", AssignmentStatus.CANCELLED: "Знято"}
FINAL = frozenset({AssignmentStatus.DONE, AssignmentStatus.CANCELLED})


def text_of(value: str, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise DutyError(f"{what}: required")
    if len(cleaned) > limit:
        raise DutyError(f"{what}: at most {limit} characters")
    return cleaned


def kind_of(value: str) -> EntryKind:
    try:
        return EntryKind(value)
    except ValueError:
        raise DutyError(f"kind: one of {', '.join(EntryKind)}") from None


def result_of(value: str) -> CheckResult:
    try:
        return CheckResult(value)
    except ValueError:
        raise DutyError("result: ok or fault") from None


def status_of(value: str) -> AssignmentStatus:
    try:
        return AssignmentStatus(value)
    except ValueError:
        raise DutyError(f"status: one of {', '.join(AssignmentStatus)}") from None


# The alerting-system checks.

@dataclass(frozen=True, slots=True)
class CheckSlot:
    day: date  # local
    at: str  # "08:00"
    opens: datetime  # UTC
    closes: datetime  # UTC

    def holds(self, moment: datetime) -> bool:
        return self.opens <= moment <= self.closes


def clock_time(at: str) -> time:
    hours, _, minutes = at.partition(":")
    return time(int(hours), int(minutes))


def check_slot(day: date, at: str, window: int, zone: ZoneInfo) -> CheckSlot:
    """The check due at `at` (local) on `day`: its window, `window` minutes either side."""
    due = datetime.combine(day, clock_time(at), tzinfo=zone).astimezone(UTC)
    return CheckSlot(day, at, due - timedelta(minutes=window), due + timedelta(minutes=window))


def slots_of_day(day: date, times: tuple[str, ...], window: int,
                 zone: ZoneInfo) -> list[CheckSlot]:
    return [check_slot(day, at, window, zone) for at in sorted(times)]


def slot_at(moment: datetime, times: tuple[str, ...], window: int,
            zone: ZoneInfo) -> CheckSlot | None:
    """The check whose window holds `moment` (also the day before's, for late-night times)."""
    local = moment.astimezone(zone).date()
    for day in (local, local - timedelta(days=1), local + timedelta(days=1)):
        for slot in slots_of_day(day, times, window, zone):
            if slot.holds(moment):
                return slot
    return None


def closing_time(at: str, window: int) -> str:
    """The local time a check's window closes, as the scheduler's daily time ("08:30")."""
    moment = datetime.combine(date(2000, 1, 1), clock_time(at)) + timedelta(minutes=window)
    return moment.strftime("%H:%M")


def missed_check_mail(slot: CheckSlot, recipients: tuple[str, ...], *,
                      page_url: str) -> list[NewMessage]:
    day, key = slot.day.isoformat(), f"duty:check:{slot.day.isoformat()}:{slot.at}"
    subject = f"Пропущено перевірку системи оповіщення о {slot.at} ({day})"
    text = (f"Перевірку системи оповіщення «Атріс» (термінал П-160), призначену на {slot.at} "
            f"{day}, не зареєстровано в журналі чергового вчасно.\n\n"
            f"Будь ласка, проведіть перевірку і внесіть її в журнал: {page_url}\n\n"
            "--\nАвтоматичний лист гарячої лінії 1580.\n")
    return _mails(key, CHECK_MISSED, recipients, subject, text)


def signal_mail(entry_id: int, text: str, author: str, at: str,
                recipients: tuple[str, ...]) -> list[NewMessage]:
    subject = f"Сигнал системи оповіщення ({at})"
    body = (f"Черговий гарячої лінії 1580 зареєстрував сигнал системи оповіщення.\n\n"
            f"Час: {at}\nЗаписав: {author}\n\n{text}\n\n"
            "--\nАвтоматичний лист гарячої лінії 1580.\n")
    return _mails(f"duty:signal:{entry_id}", SIGNAL, recipients, subject, body)


def assignment_mail(assignment_id: int, text: str, deadline: date,
                    recipients: tuple[str, ...]) -> list[NewMessage]:
    subject = f"Нагадування: доручення міського голови до {deadline.strftime('%d.%m.%Y')}"
    body = (f"Строк виконання доручення спливає {deadline.strftime('%d.%m.%Y')}.\n\n{text}\n\n"
            "--\nАвтоматичний лист гарячої лінії 1580.\n")
    key = f"duty:assignment:{assignment_id}:due:{deadline.isoformat()}"
    return _mails(key, ASSIGNMENT_DUE, recipients, subject, body)


def _mails(key: str, event: str, recipients: tuple[str, ...], subject: str,
           text: str) -> list[NewMessage]:
    return [NewMessage(f"{key}:{EMAIL}:{to}", event, EMAIL, to,
                       {"event": event, "subject": subject, "text": text,
                        "idempotency_key": f"{key}:{to}"})
            for to in dict.fromkeys(recipients)]


# Records as the desk shows them.

@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    kind: EntryKind
    text: str
    author: str
    at: datetime
    corrects_id: int | None


@dataclass(frozen=True, slots=True)
class Check:
    id: int
    day: date | None  # the slot it answers; None: logged outside every window
    slot: str | None
    result: CheckResult
    remarks: str
    checked_by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Alarm:
    day: date
    slot: str
    raised_at: datetime


@dataclass(frozen=True, slots=True)
class Handover:
    id: int
    follows: int  # the handover this one follows; 0 for the first
    summary: str
    handed_by: str
    handed_at: datetime
    accepted_by: str | None
    accepted_at: datetime | None


@dataclass(frozen=True, slots=True)
class Assignment:
    id: int
    text: str
    meeting_date: date
    owner: str
    owner_email: str
    deadline: date
    status: AssignmentStatus
    notes: tuple[tuple[datetime, str, str], ...]  # (at, author, text)

    def overdue(self, today: date) -> bool:
        return self.status not in FINAL and self.deadline < today


def weekly_note(assignments: list[Assignment], today: date) -> str:
    """The paragraph for the weekly note to the mayor: the overdue, then the open ones."""
    lines = [f"Доручення міського голови станом на {today.strftime('%d.%m.%Y')}:"]
    for title, chosen in (
            ("Прострочені", [a for a in assignments if a.overdue(today)]),
            ("У роботі", [a for a in assignments
                          if a.status not in FINAL and not a.overdue(today)])):
        lines.append(f"{title}: {len(chosen)}")
        lines += [f"  - {a.text} (нарада {a.meeting_date.strftime('%d.%m.%Y')}, "
                  f"відповідальний {a.owner}, строк {a.deadline.strftime('%d.%m.%Y')})"
                  for a in chosen]
    return "\n".join(lines)
