"""Words for stored codes (statuses, priorities, history actions, channels, lines, call
outcomes, people, contractors) in the reader's language, and history comments written by the
system turned into sentences; a code without a label is shown as it is.

People and contractors are named from `Names` (user name or seat -> display name, contractor
code -> name), loaded once per page by `names_of`: pages never show a user name, a seat or a
contractor code (the API and the CLI keep them)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Protocol

from starlette.requests import Request

from callcenter.core.web.i18n import N_, gettext, lang_of

STATUSES = {
    "new": N_("New"),
    "missed": N_("Missed call"),
    "consultation": N_("Consultation"),
    "rejected": N_("Rejected"),
    "registered": N_("Registered"),
    "assigned": N_("Sent to the contractor"),
    "in_work": N_("In work"),
    "clarification": N_("Clarification"),
    "redirected": N_("Redirected"),
    "done": N_("Done"),
    "on_check": N_("On check"),
    "returned": N_("Returned"),
    "closed": N_("Closed"),
    "duplicate": N_("Duplicate"),
}
PRIORITIES = {"emergency": N_("Emergency"), "urgent": N_("Urgent"), "normal": N_("Normal")}
ACTIONS = {
    "opened": N_("Appeal opened"),
    "call_ended": N_("Call ended"),
    "call_answered": N_("Call answered"),
    "completed": N_("Form completed"),
    "registered": N_("Registered"),
    "assigned": N_("Sent to the contractor"),
    "reassigned": N_("Sent to another contractor"),
    "delivery": N_("Delivery to the contractor"),
    "resend": N_("Sent again"),
    "reminder": N_("Reminder to the contractor"),
    "escalated": N_("Escalated to the manager"),
    "handoff": N_("Handed off to an emergency service"),
    "duplicate": N_("Marked as a duplicate"),
    "in_work": N_("Taken into work"),
    "planned": N_("Planned date"),
    "done": N_("Done"),
    "not_ours": N_("Not within our competence"),
    "clarification": N_("Question to the hotline"),
    "dispute_opened": N_("Dispute opened"),
    "dispute_note": N_("Dispute note"),
    "dispute_closed": N_("Dispute closed"),
    "contractor_link_given": N_("Link to the recording given"),
    "contractor_link_revoked": N_("Link to the recording revoked"),
    "legal_hold_released": N_("Deletion ban lifted"),
    "recording_missing": N_("Recording not found"),
    "handoff_failed": N_("Could not get through"),
    "callback_claimed": N_("Taken for a control call"),
    "callback_confirmed": N_("The resident confirmed the work"),
    "callback_not_confirmed": N_("The resident did not confirm the work"),
    "callback_no_answer": N_("Call-back: no answer"),
    "callback_not_reached": N_("The resident could not be reached"),
    "callback_reached": N_("The resident was reached by a call-back"),
    "callback_consultation": N_("Call-back: information given"),
    "callback_talked": N_("Control call: the resident's words"),
    "callback_duplicate": N_("Joined to the appeal of the same caller"),
    "control_on": N_("Placed on control"),
    "control_off": N_("Taken off control"),
}
ACTORS = {"system": N_("System"), "escalation": N_("System"), "outbox": N_("Delivery service"),
          "1580": N_("Hotline 1580"), "operator": N_("Operator")}
DELIVERY = {"none": N_("nothing to send"), "pending": N_("waiting"),
            "delivered": N_("delivered"), "failed": N_("not delivered")}
CHANNELS = {"phone": N_("Phone"), "web": N_("Web portal"), "email": N_("E-mail"),
            "open311": N_("Open311"), "webhook": N_("Webhook")}
LINES = {"landline": N_("Landline"), "mobile": N_("Mobile")}
OUTCOMES = {"in_progress": N_("In progress"), "answered": N_("Answered"),
            "abandoned": N_("Abandoned"), "failed": N_("Failed"),
            "unknown": N_("Unknown (the link to the PBX was down)")}
# Comments the system writes in English or with codes: what to keep of them (None: nothing).
NOTES: dict[str, tuple[re.Pattern[str], str | None]] = {
    "assigned": (re.compile(r"(?P<contractor>[^:\s]+):.*", re.S), N_("To %(contractor)s")),
    "reassigned": (re.compile(r"(?P<contractor>[^:\s]+): (?P<text>.*)", re.S),
                   N_("To %(contractor)s: %(text)s")),
    "delivery": (re.compile(r"\S+: \w+ -> (?P<delivery>\w+)"), N_("Delivery: %(delivery)s")),
    "dispute_opened": (re.compile(r"dispute \d+ with (?P<contractor>\S+): (?P<text>.*?)"
                                  r"(?: \(\d+ recording\(s\) on legal hold\))?", re.S),
                       N_("With %(contractor)s: %(text)s")),
    "dispute_note": (re.compile(r"dispute \d+: (?P<text>.*)", re.S), "%(text)s"),
    "dispute_closed": (re.compile(r"dispute \d+ with \S+: (?P<text>.*)", re.S),
                       N_("Decision: %(text)s")),
    "legal_hold_released": (re.compile(r".*? released: (?P<text>.*)", re.S),
                            N_("Reason: %(text)s")),
    "contractor_link_given": (re.compile(r"link \d+: for (?P<contractor>\S+) .*", re.S),
                              N_("For %(contractor)s")),
    "contractor_link_revoked": (re.compile(r"link \d+ for (?P<contractor>\S+)"),
                                N_("For %(contractor)s")),
}
SILENT = {"opened", "completed", "call_ended", "call_answered", "resend", "reminder",
          "escalated", "recording_missing", "registered"}
DATE_TIME = "%d.%m.%Y %H:%M"
SIGNED = re.compile(r"(.+) \([\w.@\-]+\)")


@dataclass(frozen=True)
class Names:
    """Display names: of users (by user name and by seat) and of contractors (by code)."""

    people: dict[str, str] = field(default_factory=dict)
    contractors: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)


class NamedContractor(Protocol):
    code: str
    name: str


class ContractorList(Protocol):
    def all(self) -> Awaitable[list[NamedContractor]]: ...


async def names_of(request: Request) -> Names:
    """Everyone's display name and every contractor's name, for one page."""
    people: Callable[[], Awaitable[dict[str, str]]] = request.app.state.auth.display_names
    contractors: ContractorList | None = getattr(request.app.state, "contractors_admin", None)
    found = await contractors.all() if contractors is not None else []
    reference = getattr(request.app.state, "reference", None)
    lang = lang_of(request)
    categories = ({c.code: c.name(lang) for c in reference.categories.categories}
                  if reference is not None else {})
    return Names(await people(), {c.code: c.name for c in found}, categories)


def local_time(zone: tzinfo) -> Callable[[datetime | None], str]:
    """One date format on every page: 06.12.2026 19:44 in the desk's time zone."""
    def show(value: datetime | None) -> str:
        return value.astimezone(zone).strftime(DATE_TIME) if value else ""
    return show


def human_size(size: int | None) -> tuple[float | int, str]:
    """(number, unit) with unit one of B, KB, MB, GB: 56529 -> (55, "KB")."""
    value = float(size or 0)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return (round(value) if unit in ("B", "KB") else round(value, 1)), unit
        value /= 1024
    return round(value, 1), "GB"


class Labels:
    def __init__(self, language: str, names: Names | None = None) -> None:
        self.language = language
        self.names = names or Names()

    def _word(self, table: dict[str, str], code: str | None) -> str:
        if code is None:
            return ""
        known = table.get(code)
        return gettext(self.language, known) if known else code

    def status(self, code: str | None) -> str:
        return self._word(STATUSES, code)

    def priority(self, code: str | None) -> str:
        return self._word(PRIORITIES, code)

    def action(self, code: str) -> str:
        return self._word(ACTIONS, code)

    def channel(self, code: str) -> str:
        return self._word(CHANNELS, code)

    def line(self, code: str) -> str:
        return self._word(LINES, code)

    def outcome(self, code: str) -> str:
        return self._word(OUTCOMES, code)

    def delivery(self, code: str) -> str:
        return self._word(DELIVERY, code)

    def statuses(self) -> dict[str, str]:
        return {code: gettext(self.language, label) for code, label in STATUSES.items()}

    def person(self, who: str | None) -> str:
        """A user name or a seat as the person's display name; system actors in words."""
        if not who:
            return ""
        signed = SIGNED.fullmatch(who)  # "Name (username)", as disputes keep who acted
        if signed:
            return signed.group(1)
        if who in self.names.people:
            return self.names.people[who]
        return self._word(ACTORS, who) if who in ACTORS else who

    def contractor(self, code: str | None) -> str:
        return self.names.contractors.get(code or "", code or "")

    def category(self, code: str | None) -> str:
        return self.names.categories.get(code or "", code or "")

    def size(self, size: int | None) -> str:
        number, unit = human_size(size)
        units = {"B": N_("B"), "KB": N_("KB"), "MB": N_("MB"), "GB": N_("GB")}
        shown = str(number).replace(".", ",") if self.language == "uk" else str(number)
        return f"{shown} {gettext(self.language, units[unit])}"

    def note(self, action: str, comment: str | None) -> str:
        """A history comment as people read it: the system's own notes in words, without
        codes; what a person typed, as typed."""
        text = comment or ""
        if action in SILENT:
            return ""
        rule = NOTES.get(action)
        if rule is None:
            return text
        pattern, template = rule
        found = pattern.fullmatch(text)
        if found is None or template is None:
            return "" if template is None else text
        parts = found.groupdict()
        if "contractor" in parts:
            parts["contractor"] = self.contractor(parts["contractor"])
        if "delivery" in parts:
            parts["delivery"] = self._word(DELIVERY, parts["delivery"])
        return gettext(self.language, template) % parts
