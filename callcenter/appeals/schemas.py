"""The JSON shapes of the appeals API (OpenAPI is generated from these)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from callcenter.appeals.model.form import LIMITS, AppealForm
from callcenter.appeals.model.listing import CallRecording, HistoryItem
from callcenter.appeals.model.photos import Photo
from callcenter.appeals.model.records import AppealDetails, AppealSummary, CallInfo
from callcenter.appeals.model.statuses import COMPLETABLE, FINAL, Status
from callcenter.core.web.bounds import MAX_VERSION
from callcenter.core.web.labels import Labels
from callcenter.reference.model.categories import CategoryBook, Lang


class CompleteRequest(BaseModel):
    """The operator's form. `version` is the appeal's version the form was opened with: if the
    appeal changed since, the save is refused with 409 and nothing is overwritten.

    Refused with 422 (each field's problem in `details`) though the schema allows it: a
    `category` that is empty (unless `consultation`) or not a code of
    `GET /api/reference/categories`; no `street` when the category's `address` is `street` or
    `house`, no `house` when it is `house`, a `house` or `flat` without a street; a `street`
    not in the list unless `street_unlisted`; a `house` or `flat` that is not a number like
    12, 12А, 12/1; an empty `description` unless `consultation`; a `contact_phone` that is not
    a phone number. Control characters but new lines and tabs are dropped from the text."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=MAX_VERSION)
    category: str = Field(default="", max_length=LIMITS["category"],
                          description="a category code; required unless consultation")
    street: str = Field(default="", max_length=LIMITS["street"])
    street_unlisted: bool = Field(default=False,
                                  description="the street is not in the list: keep it as typed")
    house: str = Field(default="", max_length=LIMITS["house"])
    flat: str = Field(default="", max_length=LIMITS["flat"])
    description: str = Field(default="", max_length=LIMITS["description"],
                             description="what happened; required unless consultation")
    contact_name: str = Field(default="", max_length=LIMITS["contact_name"])
    contact_phone: str = Field(default="", max_length=LIMITS["contact_phone"])
    emergency: bool | None = Field(default=None, description="null: the category's default")
    consultation: bool = Field(default=False,
                               description="consultation only: answered on the spot, closed")
    sms_refused: bool = Field(default=False,
                              description="the resident does not want SMS about this appeal")

    def form(self) -> AppealForm:
        return AppealForm(**self.model_dump())


class CallRecordingView(BaseModel):
    """One recording of the call in the archive. Paths are relative to `recordings.dir`:
    `stored_path` is null until the recording is stored and for one that never came or was
    corrupt, `original_path` until the file arrived; each is null again once retention has
    deleted its file."""

    id: str
    state: str = Field(description="pending, stored, missing, corrupt or purged")
    format: str | None = Field(description="the compressed copy's format, e.g. mp3")
    duration: float | None = Field(description="seconds")
    stored_path: str | None = Field(description="the compressed copy (what plays)")
    stored_sha256: str | None
    original_path: str | None = Field(description="the WAV as Asterisk wrote it, kept")
    original_sha256: str | None


class CallView(BaseModel):
    call_id: str
    line: str
    trunk: str
    carrier: str | None
    outcome: str
    operator: str | None
    entered_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    recording_path: str | None = Field(
        description="the recording's path as Asterisk announced it (MIXMONITOR_FILENAME): a "
                    "file in Asterisk's spool, removed once archived; see `recordings`")
    recordings: list[CallRecordingView] = Field(
        description="the call's recordings as archived, oldest first")


class SiblingView(BaseModel):
    number: str
    status: str
    status_label: str


class HistoryView(BaseModel):
    at: datetime
    actor: str
    action: str
    action_label: str
    from_status: str | None
    to_status: str | None
    comment: str


class PhotoView(BaseModel):
    id: int
    url: str = Field(description="the photo's file (JPEG, PNG or WebP)")
    added_at: datetime
    actor: str = Field(description="the contractor's user who attached it")


class AppealRow(BaseModel):
    number: str
    status: str
    status_label: str
    channel: str
    opened_at: datetime
    caller: str | None
    caller_name: str | None
    category: str | None
    category_name: str | None
    address: str | None
    description: str | None
    emergency: bool


class AppealView(AppealRow):
    version: int
    updated_at: datetime
    street: str | None
    street_unlisted: bool
    house: str | None
    flat: str | None
    contact_name: str | None
    contact_phone: str | None
    completed_by: str | None
    completed_at: datetime | None
    final: bool
    completable: bool = Field(description="the form may still be completed (new or missed)")
    call: CallView | None
    siblings: list[SiblingView]
    history: list[HistoryView]
    photos: list[PhotoView] = Field(description="the contractors' photos, oldest first")
    answer: str | None = Field(
        default=None, description="the contractor's answer meant for the resident (what was "
                                  "done), as the operator reads it out; null until answered")


class SearchResult(BaseModel):
    items: list[AppealRow]
    total: int
    total_capped: bool = Field(description="there are more than `total` (counting stops)")
    limit: int
    offset: int


class Views:
    """Builds the views in one language and one timezone."""

    def __init__(self, labels: Labels, categories: CategoryBook, lang: Lang,
                 timezone: str) -> None:
        self.labels = labels
        self.categories = categories
        self.lang = lang
        self.zone = ZoneInfo(timezone)

    def time(self, value: datetime) -> datetime:
        return value.astimezone(self.zone)

    def maybe_time(self, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(self.zone)

    def category_name(self, code: str | None) -> str | None:
        found = self.categories.get(code) if code else None
        return found.name(self.lang) if found else code

    def row(self, item: AppealSummary) -> AppealRow:
        return AppealRow(
            number=item.number, status=item.status, status_label=self.labels.status(item.status),
            channel=item.channel, opened_at=self.time(item.opened_at), caller=item.caller,
            caller_name=item.caller_name, category=item.category,
            category_name=self.category_name(item.category), address=item.address,
            description=item.description, emergency=item.emergency)

    def appeal(self, item: AppealDetails) -> AppealView:
        return AppealView(
            **self.row(item.summary).model_dump(), version=item.version,
            updated_at=self.time(item.updated_at), street=item.street,
            street_unlisted=item.street_unlisted, house=item.house, flat=item.flat,
            contact_name=item.contact_name, contact_phone=item.contact_phone,
            completed_by=item.completed_by, completed_at=self.maybe_time(item.completed_at),
            final=Status(item.status) in FINAL,
            completable=Status(item.status) in COMPLETABLE,
            call=self.call(item.call) if item.call else None,
            siblings=[SiblingView(number=s.number, status=s.status,
                                  status_label=self.labels.status(s.status))
                      for s in item.siblings],
            history=[self.history(h) for h in item.history],
            photos=[self.photo(item.number, p) for p in item.photos], answer=item.answer)

    def call(self, call: CallInfo) -> CallView:
        return CallView(call_id=call.call_id, line=call.line, trunk=call.trunk,
                        carrier=call.carrier, outcome=call.outcome, operator=call.operator,
                        entered_at=self.time(call.entered_at),
                        answered_at=self.maybe_time(call.answered_at),
                        ended_at=self.maybe_time(call.ended_at),
                        recording_path=call.recording_path,
                        recordings=[self.recording(r) for r in call.recordings])

    def recording(self, recording: CallRecording) -> CallRecordingView:
        return CallRecordingView.model_validate(recording, from_attributes=True)

    def history(self, item: HistoryItem) -> HistoryView:
        return HistoryView(at=self.time(item.at), actor=item.actor, action=item.action,
                           action_label=self.labels.action(item.action),
                           from_status=item.from_status, to_status=item.to_status,
                           comment=item.comment)

    def photo(self, number: str, photo: Photo) -> PhotoView:
        return PhotoView(id=photo.id, url=f"/api/appeals/{number}/photos/{photo.id}",
                         added_at=self.time(photo.added_at), actor=photo.actor)
