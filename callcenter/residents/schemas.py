"""The public status's HTTP shapes: what a resident sends and sees (no sign-in)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from callcenter.core.web.labels import Labels
from callcenter.reference.model.categories import CategoryBook
from callcenter.residents.model.status import PublicAppeal, public_address

NUMBER_PATTERN = r"^[0-9]{4}-[0-9]{6,12}$"


class StatusRequest(BaseModel):
    """The pair: the appeal's number and the last four digits of the phone it was filed with
    (the caller's number or the contact phone), or the contact e-mail."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(max_length=24, pattern=NUMBER_PATTERN,
                        description="the appeal's number, YYYY-NNNNNN",
                        examples=["2026-000042"])
    key: str = Field(min_length=1, max_length=254,
                     description="the last four digits of the phone, or the e-mail address",
                     examples=["4567"])


class PublicStatusView(BaseModel):
    """What a resident may see of an appeal: never internal notes, the hotline's or anyone's
    names, phone numbers, the flat, or another appeal. Times in the hotline's time zone."""

    number: str
    status: str = Field(description="the status code (`registered`, `in_work`, `done`...)")
    status_text: str = Field(description="the status in words, in the request's language")
    opened_at: datetime
    changed_at: datetime = Field(description="when the appeal last changed")
    category: str | None
    category_name: str | None
    address: str | None = Field(description="street and house, never the flat")
    contractor: str | None = Field(description="who is working on it (the organization)")
    deadline: datetime | None
    planned_date: date | None = Field(description="the day the contractor plans the work")
    answer: str | None = Field(description="the contractor's answer for the resident")


@dataclass(frozen=True)
class PublicViews:
    labels: Labels
    categories: CategoryBook
    language: Literal["uk", "en"]
    timezone: str

    def view(self, appeal: PublicAppeal) -> PublicStatusView:
        category = self.categories.get(appeal.category or "")
        return PublicStatusView(
            number=appeal.number, status=appeal.status.value,
            status_text=self.labels.status(appeal.status.value),
            opened_at=self._time(appeal.opened_at), changed_at=self._time(appeal.changed_at),
            category=appeal.category,
            category_name=category.name(self.language) if category else None,
            address=public_address(appeal.street, appeal.house), contractor=appeal.contractor,
            deadline=self._time(appeal.deadline) if appeal.deadline else None,
            planned_date=appeal.planned_date, answer=appeal.answer)

    def _time(self, value: datetime) -> datetime:
        return value.astimezone(ZoneInfo(self.timezone))
