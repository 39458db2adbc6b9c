"""The duty desk's use cases: write the journal, log a check, raise the alarm of a missed one
(a timed job), hand the shift over and accept it, the mayor's assignments and their reminders,
and a period gathered for export."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from callcenter.delivery.model.outbox import NewMessage
from callcenter.duty.model import (
    Alarm,
    Assignment,
    AssignmentStatus,
    Check,
    CheckSlot,
    DutyError,
    Entry,
    EntryKind,
    Handover,
    HandoverRefused,
    assignment_mail,
    check_slot,
    kind_of,
    missed_check_mail,
    result_of,
    signal_mail,
    slot_at,
    slots_of_day,
    status_of,
    text_of,
)

Mail = Callable[[int], Sequence[NewMessage]]  # the e-mails of a row, once its id is known


class DutyStore(Protocol):
    async def add_entry(self, kind: EntryKind, text: str, author_id: int, author: str,
                        at: datetime, corrects_id: int | None, mail: Mail | None) -> Entry: ...
    async def entries(self, since: datetime, until: datetime) -> list[Entry]: ...
    async def add_check(self, slot: CheckSlot | None, result: str, remarks: str,
                        by_id: int, by: str, at: datetime) -> Check: ...
    async def checks(self, since: datetime, until: datetime) -> list[Check]: ...
    async def raise_alarm(self, slot: CheckSlot, at: datetime,
                          messages: Sequence[NewMessage]) -> bool: ...
    async def alarms(self, since: datetime, until: datetime) -> list[Alarm]: ...
    async def latest_handover(self) -> Handover | None: ...
    async def handover(self, handover_id: int) -> Handover | None: ...
    async def hand_over(self, follows: int, summary: str, by_id: int, by: str,
                        at: datetime) -> Handover: ...
    async def accept(self, handover_id: int, by_id: int, by: str, at: datetime) -> None: ...
    async def handovers(self, since: datetime, until: datetime) -> list[Handover]: ...
    async def add_assignment(self, text: str, meeting_date: date, owner: str,
                             owner_email: str, deadline: date, by: str,
                             at: datetime) -> Assignment: ...
    async def add_note(self, assignment_id: int, text: str, status: AssignmentStatus | None,
                       author: str, at: datetime) -> None: ...
    async def assignments(self) -> list[Assignment]: ...
    async def remind(self, messages: Sequence[NewMessage], at: datetime) -> int: ...


@dataclass(frozen=True)
class DutySettings:
    checks: tuple[str, ...] = ("08:00", "14:00", "20:00")
    window: int = 30
    alarm_emails: tuple[str, ...] = ()
    signal_emails: tuple[str, ...] = ()
    remind_days: int = 2
    timezone: str = "Europe/Kyiv"
    page_url: str = "http://127.0.0.1:8580/duty"


@dataclass(frozen=True)
class Writer:
    user_id: int
    name: str


@dataclass(frozen=True)
class SlotState:
    slot: CheckSlot
    check: Check | None
    missed: bool  # its window closed with no check (alarmed or about to be)
    open_now: bool


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime
    entries: list[Entry]
    checks: list[Check]
    alarms: list[Alarm]
    handovers: list[Handover]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class DutyDesk:
    store: DutyStore
    settings: DutySettings = field(default_factory=DutySettings)
    now: Callable[[], datetime] = utc_now

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def today(self) -> date:
        return self.now().astimezone(self.zone).date()

    # The journal.

    async def write(self, who: Writer, kind: str, text: str,
                    corrects_id: int | None = None) -> Entry:
        chosen, body = kind_of(kind), text_of(text, "text")
        at = self.now()
        mail: Mail | None = None
        if chosen is EntryKind.SIGNAL and self.settings.signal_emails:
            local = at.astimezone(self.zone).strftime("%d.%m.%Y %H:%M")
            recipients = self.settings.signal_emails

            def mail(entry_id: int) -> Sequence[NewMessage]:
                return signal_mail(entry_id, body, who.name, local, recipients)
        return await self.store.add_entry(chosen, body, who.user_id, who.name, at,
                                          corrects_id, mail)

    # The alerting-system checks.

    async def log_check(self, who: Writer, result: str, remarks: str = "") -> Check:
        outcome = result_of(result)
        note = text_of(remarks, "remarks", required=False)
        at = self.now()
        slot = slot_at(at, self.settings.checks, self.settings.window, self.zone)
        return await self.store.add_check(slot, outcome.value, note, who.user_id, who.name, at)

    def slot_closing(self, at: str, due: datetime) -> CheckSlot:
        """The check at `at` whose window closed at `due` (the scheduler's instant)."""
        day = (due - timedelta(minutes=self.settings.window)).astimezone(self.zone).date()
        return check_slot(day, at, self.settings.window, self.zone)

    async def sweep_check(self, at: str, due: datetime) -> bool:
        """The timed job of the check at `at`: an alarm when no check was logged in its
        window (once: a unique row with the e-mails in one transaction). True if raised."""
        slot = self.slot_closing(at, due)
        logged = await self.store.checks(slot.opens, slot.closes)
        if logged:
            return False
        recipients = self.settings.alarm_emails
        messages = missed_check_mail(slot, recipients, page_url=self.settings.page_url)
        return await self.store.raise_alarm(slot, self.now(), messages)

    async def day(self, day: date | None = None) -> list[SlotState]:
        day = day or self.today()
        now = self.now()
        slots = slots_of_day(day, self.settings.checks, self.settings.window, self.zone)
        if not slots:
            return []
        logged = await self.store.checks(slots[0].opens, slots[-1].closes)
        states = []
        for slot in slots:
            check = next((c for c in logged if c.day == slot.day and c.slot == slot.at), None)
            states.append(SlotState(slot, check, check is None and now > slot.closes,
                                    slot.holds(now)))
        return states

    async def alarms_of(self, day: date) -> list[Alarm]:
        """The alarms of the checks of a local day (raised that day or the next)."""
        start = datetime.combine(day, time(0), tzinfo=self.zone).astimezone(UTC)
        return [a for a in await self.store.alarms(start, start + timedelta(days=2))
                if a.day == day]

    async def recent_alarms(self, hours: int = 24) -> list[Alarm]:
        now = self.now()
        return await self.store.alarms(now - timedelta(hours=hours), now)

    # Handing over the shift.

    async def hand_over(self, who: Writer, summary: str) -> Handover:
        text = text_of(summary, "summary")
        latest = await self.store.latest_handover()
        if latest is not None and latest.accepted_at is None:
            raise HandoverRefused("the last handover awaits the incoming officer's "
                                  "acknowledgement")
        return await self.store.hand_over(latest.id if latest else 0, text, who.user_id,
                                          who.name, self.now())

    async def accept(self, who: Writer, handover_id: int) -> Handover:
        handover = await self.store.handover(handover_id)
        if handover is None:
            raise DutyError("no such handover")
        if handover.accepted_at is not None:
            raise HandoverRefused("this shift was accepted already")
        if handover.handed_by == who.name:
            raise HandoverRefused("the incoming officer accepts, not the outgoing one")
        await self.store.accept(handover_id, who.user_id, who.name, self.now())
        accepted = await self.store.handover(handover_id)
        assert accepted is not None
        return accepted

    async def latest_handover(self) -> Handover | None:
        return await self.store.latest_handover()

    # The mayor's assignments.

    async def add_assignment(self, who: Writer, text: str, meeting_date: date, owner: str,
                             deadline: date, owner_email: str = "") -> Assignment:
        if deadline < meeting_date:
            raise DutyError("deadline: before the meeting")
        return await self.store.add_assignment(
            text_of(text, "text"), meeting_date, text_of(owner, "owner", limit=200),
            text_of(owner_email, "owner_email", required=False, limit=254), deadline,
            who.name, self.now())

    async def add_note(self, who: Writer, assignment_id: int, text: str,
                       status: str = "") -> None:
        chosen = status_of(status) if status else None
        body = text_of(text, "text", required=chosen is None)
        await self.store.add_note(assignment_id, body, chosen, who.name, self.now())

    async def assignments(self) -> list[Assignment]:
        return await self.store.assignments()

    async def overdue(self) -> list[Assignment]:
        today = self.today()
        return [a for a in await self.store.assignments() if a.overdue(today)]

    async def remind(self, due: datetime) -> int:
        """The timed job: an e-mail to each open assignment's owner (else the supervisors)
        whose deadline comes within `remind_days`; once per assignment and deadline."""
        today = due.astimezone(self.zone).date()
        horizon = today + timedelta(days=self.settings.remind_days)
        messages: list[NewMessage] = []
        for a in await self.store.assignments():
            if a.status in (AssignmentStatus.DONE, AssignmentStatus.CANCELLED):
                continue
            if today <= a.deadline <= horizon:
                to = (a.owner_email,) if a.owner_email else self.settings.alarm_emails
                messages += assignment_mail(a.id, a.text, a.deadline, to)
        return await self.store.remind(messages, self.now())

    # Export.

    async def period(self, since: datetime, until: datetime) -> Period:
        if until <= since:
            raise DutyError("period: the end is before the start")
        return Period(since, until, await self.store.entries(since, until),
                      await self.store.checks(since, until),
                      await self.store.alarms(since, until),
                      await self.store.handovers(since, until))
