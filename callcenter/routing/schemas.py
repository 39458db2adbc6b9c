"""The JSON shapes of routing, hand-offs, duplicates and reassignment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from callcenter.core.phones import readable
from callcenter.core.web.i18n import N_, gettext
from callcenter.core.web.labels import Labels
from callcenter.routing.model.policy import EmergencyContact
from callcenter.routing.model.records import AppealCard, CurrentRouting, OverdueAppeal
from callcenter.routing.model.rules import Rules

PRIORITIES = {"emergency": N_("Emergency"), "urgent": N_("Urgent"), "normal": N_("Normal")}


class ContactView(BaseModel):
    code: str
    label: str
    phone: str | None
    phone_display: str | None = Field(
        default=None, description="the phone as people read it (0342 000 159, 104)")


class ContractorView(BaseModel):
    code: str
    name: str
    phone: str | None
    night_phone: str | None
    phone_display: str | None = Field(default=None, description="`phone` as people read it")
    night_phone_display: str | None = Field(default=None,
                                            description="`night_phone` as people read it")


class RoutingView(BaseModel):
    """Where the appeal went: shown to the operator right after saving."""

    number: str
    status: str
    status_label: str
    routed: bool = Field(description="false: not routed yet (the worker's sweep will)")
    contractor: ContractorView | None
    deadline: datetime | None
    priority: str | None
    priority_label: str
    reason: str | None
    emergency_contacts: list[ContactView] = Field(
        description="whom to call now: the services the rule names for this category and the "
                    "contractor's dispatcher (the operator's page shows only these at once)")
    services: list[ContactView] = Field(description="every emergency service of the rules")


class HandoffRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40,
                      description="a code of the appeal's `emergency_contacts` or `services` "
                                  "(GET .../routing); any other is refused (422)")
    comment: str = Field(default="", max_length=500)
    reached: bool = Field(default=True,
                          description="false: the operator could not get through (written to "
                                      "the history as `handoff_failed`, not `handoff`)")


class DuplicateView(BaseModel):
    number: str
    status: str
    status_label: str
    category: str | None
    address: str | None
    description: str | None
    opened_at: datetime


class LinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    original: str = Field(min_length=1, max_length=24, description="the open appeal's number")


class ReassignRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contractor: str = Field(min_length=1, max_length=64,
                            description="the code of an active contractor (else 422)")
    reason: str = Field(min_length=1, max_length=500)


class AssignedView(BaseModel):
    number: str
    contractor: str
    deadline: datetime
    priority: str


class OverdueView(BaseModel):
    number: str
    status: str
    status_label: str
    contractor: str
    deadline: datetime
    priority: str
    priority_label: str
    category: str | None
    address: str | None


class RoutingViews:
    """Builds the views in one language and one timezone."""

    def __init__(self, labels: Labels, timezone: str) -> None:
        self.labels = labels
        self.zone = ZoneInfo(timezone)

    def time(self, value: datetime) -> datetime:
        return value.astimezone(self.zone)

    def priority(self, code: str | None) -> str:
        known = PRIORITIES.get(code or "")
        return gettext(self.labels.language, known) if known else (code or "")

    def routing(self, current: CurrentRouting, rules: Rules) -> RoutingView:
        a, c, appeal = current.assignment, current.contractor, current.appeal
        return RoutingView(
            number=appeal.number, status=appeal.status,
            status_label=self.labels.status(appeal.status), routed=a is not None,
            contractor=ContractorView(code=c.code, name=c.name, phone=c.phone,
                                      night_phone=c.night_phone, phone_display=readable(c.phone),
                                      night_phone_display=readable(c.night_phone))
            if c else None,
            deadline=self.time(a.deadline) if a else None,
            priority=a.priority if a else None,
            priority_label=self.priority(a.priority if a else None),
            reason=a.reason if a else None,
            emergency_contacts=[contact(e) for e in (a.emergency_contacts if a else ())],
            services=[ContactView(code=s.code, label=s.label, phone=s.phone,
                                  phone_display=readable(s.phone))
                      for s in rules.services.values()])

    def duplicate(self, card: AppealCard) -> DuplicateView:
        return DuplicateView(number=card.number, status=card.status,
                             status_label=self.labels.status(card.status),
                             category=card.category, address=card.address,
                             description=card.description, opened_at=self.time(card.opened_at))

    def overdue(self, item: OverdueAppeal) -> OverdueView:
        return OverdueView(number=item.number, status=item.status,
                           status_label=self.labels.status(item.status),
                           contractor=item.contractor, deadline=self.time(item.deadline),
                           priority=item.priority, priority_label=self.priority(item.priority),
                           category=item.category, address=item.address)


def contact(item: EmergencyContact) -> ContactView:
    return ContactView(code=item.code, label=item.label, phone=item.phone,
                       phone_display=readable(item.phone))
