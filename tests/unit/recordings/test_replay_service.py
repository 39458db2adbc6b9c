"""services.replay with a hand-written store: one audit row per replay, tickets bound to the
session or link that obtained them, files only from inside the archive."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from callcenter.appeals.model.listing import HistoryItem
from callcenter.recordings.model.disputes import ContractorLink, LinkExpired, LinkNotFound
from callcenter.recordings.model.replay import (
    AppealNotFound,
    AppealSummary,
    AppealWithRecordings,
    AuditEntry,
    InvalidReason,
    NewAudit,
    RecordingFileMissing,
    RecordingInfo,
    RecordingNotFound,
    RecordingUnavailable,
    ReplayNotAuthorized,
    Ticket,
    Via,
)
from callcenter.recordings.service.replay import Replays, ReplaySettings
from callcenter.users.model import Forbidden, Principal, Role
from callcenter.users.service import token_hash

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
NUMBER = "2026-000001"


class FakeStore:
    def __init__(self) -> None:
        self.recordings: dict[str, RecordingInfo] = {}
        self.audit: list[NewAudit] = []
        self.links: dict[str, ContractorLink] = {}

    async def appeal(self, number: str) -> AppealSummary | None:
        if number != NUMBER:
            return None
        return AppealSummary(NUMBER, "new", "phone", T0, None, None, None, None)

    async def recordings_of(self, number: str) -> list[RecordingInfo]:
        return [r for r in self.recordings.values() if r.appeal_number == number]

    async def recording(self, recording_id: str) -> RecordingInfo | None:
        return self.recordings.get(recording_id)

    async def append_audit(self, entries: Sequence[NewAudit]) -> list[int]:
        self.audit.extend(entries)
        return list(range(len(self.audit) - len(entries) + 1, len(self.audit) + 1))

    async def ticket(self, ticket_hash: str) -> Ticket | None:
        for number, entry in enumerate(self.audit, start=1):
            if entry.ticket_hash == ticket_hash and entry.ticket_expires_at is not None:
                return Ticket(number, entry.recording_id, entry.session_id, entry.link_id,
                              entry.ticket_expires_at)
        return None

    async def audit_of(self, recording_ids: Sequence[str]) -> list[AuditEntry]:
        return [AuditEntry(i, e.at, e.recording_id, e.user_id, e.who, e.via, e.reason,
                           e.client, e.link_id)
                for i, e in enumerate(self.audit, start=1) if e.recording_id in recording_ids]

    async def link_by_token(self, token_hash: str) -> ContractorLink | None:
        return self.links.get(token_hash)

    async def history(self, number: str) -> list[HistoryItem]:
        return []

    async def appeals_with_recordings(self, limit: int) -> list[AppealWithRecordings]:
        return []


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def recording(recording_id: str = "r1", **changes: object) -> RecordingInfo:
    base = RecordingInfo(
        id=recording_id, appeal_number=NUMBER, call_id="1.0", state="stored", format="mp3",
        duration=8.0, original_sha256="o", original_size=1, original_path=f"{recording_id}.wav",
        stored_sha256="s", stored_size=3, stored_path=f"2026/11/28/{recording_id}.mp3",
        legal_hold=False, entered_at=T0, stored_at=T0)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def supervisor(session: int = 7, role: Role = Role.SUPERVISOR) -> Principal:
    return Principal(user_id=1, username="svitlana", display_name="svitlana", role=role,
                     seat=None, session_id=session, csrf_token="c")


@pytest.fixture
def world(tmp_path: Path) -> tuple[Replays, FakeStore, Clock]:
    store, clock = FakeStore(), Clock()
    for name in ("r1", "r2"):
        store.recordings[name] = recording(name)
        path = tmp_path / "2026/11/28" / f"{name}.mp3"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"ID3")
    return Replays(store, ReplaySettings(tmp_path, grant_minutes=30), clock=clock), store, clock


async def test_a_replay_is_audited_once_and_played_many_times(
        world: tuple[Replays, FakeStore, Clock]) -> None:
    replays, store, _ = world
    grant = await replays.authorize(supervisor(), recording_id="r1", reason="спір з водоканалом",
                                    client="10.0.0.9")
    for _ in range(5):
        playable = await replays.play(supervisor(), recording_id="r1", grant=grant.token)
    [entry] = store.audit
    assert entry.via is Via.SUPERVISOR and entry.session_id == 7 and entry.client == "10.0.0.9"
    assert entry.ticket_hash == token_hash(grant.token) != grant.token
    assert grant.expires_at == T0 + timedelta(minutes=30)
    assert playable.media_type == "audio/mpeg" and playable.stat.st_size == 3


async def test_a_ticket_plays_nothing_else(world: tuple[Replays, FakeStore, Clock]) -> None:
    replays, _, clock = world
    grant = await replays.authorize(supervisor(), recording_id="r1", reason="спір",
                                    client="")
    attempts = [
        dict(principal=supervisor(session=8), recording_id="r1", grant=grant.token),
        dict(principal=supervisor(), recording_id="r2", grant=grant.token),
        dict(principal=supervisor(), recording_id="r1", grant="guessed"),
        dict(principal=supervisor(), recording_id="r1", grant=""),
    ]
    for attempt in attempts:
        with pytest.raises(ReplayNotAuthorized):
            await replays.play(attempt.pop("principal"), **attempt)  # type: ignore[arg-type]
    clock.now = T0 + timedelta(minutes=30)
    with pytest.raises(ReplayNotAuthorized):
        await replays.play(supervisor(), recording_id="r1", grant=grant.token)


async def test_operators_are_refused_by_the_service_too(
        world: tuple[Replays, FakeStore, Clock]) -> None:
    replays, store, _ = world
    for role in (Role.OPERATOR, Role.CONTRACTOR):
        with pytest.raises(Forbidden):
            await replays.authorize(supervisor(role=role), recording_id="r1", reason="спір",
                                    client="")
        with pytest.raises(Forbidden):
            await replays.play(supervisor(role=role), recording_id="r1", grant="x")
    assert store.audit == []


async def test_no_reason_no_replay(world: tuple[Replays, FakeStore, Clock]) -> None:
    replays, store, _ = world
    with pytest.raises(InvalidReason):
        await replays.authorize(supervisor(), recording_id="r1", reason="  ", client="")
    assert store.audit == []


async def test_what_cannot_be_played_is_said_and_not_audited(
        world: tuple[Replays, FakeStore, Clock], tmp_path: Path) -> None:
    replays, store, _ = world
    store.recordings["pending"] = recording("pending", state="pending", stored_path=None)
    store.recordings["escape"] = recording("escape", stored_path="../../etc/passwd")
    (tmp_path / "2026/11/28/r2.mp3").unlink()
    cases = {"nope": RecordingNotFound, "pending": RecordingUnavailable,
             "escape": RecordingFileMissing, "r2": RecordingFileMissing}
    with capture_logs() as logs:
        for recording_id, error in cases.items():
            with pytest.raises(error):
                await replays.authorize(supervisor(), recording_id=recording_id,
                                        reason="спір", client="")
    assert store.audit == []
    events = [e["event"] for e in logs if e["log_level"] == "error"]
    assert events == ["recording_path_outside_archive", "recording_file_missing"]
    with pytest.raises(AppealNotFound):
        await replays.recordings_of("2026-999999")


def contractor_link(**changes: object) -> ContractorLink:
    base = ContractorLink(id=4, appeal_number=NUMBER, recording_id="r1", dispute_id=2,
                          contractor="water", expires_at=T0 + timedelta(hours=72),
                          created_by="svitlana", created_at=T0)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


async def test_a_contractor_link_replays_like_a_supervisor(
        world: tuple[Replays, FakeStore, Clock]) -> None:
    replays, store, clock = world
    store.links[token_hash("tok")] = contractor_link()
    view = await replays.link_view("tok")
    grant = await replays.authorize_link(token="tok", recording_id="r1", client="1.2.3.4")
    await replays.play_link(token="tok", recording_id="r1", grant=grant.token)
    [entry] = store.audit
    assert [r.id for r in view.recordings] == ["r1"]
    assert entry.who == "contractor link 4" and entry.link_id == 4 and entry.user_id is None
    assert entry.via is Via.CONTRACTOR_LINK and entry.reason == "contractor link for water, " \
        "dispute 2"
    with pytest.raises(RecordingNotFound):
        await replays.authorize_link(token="tok", recording_id="r2", client="")
    with pytest.raises(ReplayNotAuthorized):
        await replays.play(supervisor(), recording_id="r1", grant=grant.token)
    with pytest.raises(LinkNotFound):
        await replays.link_view("other")
    clock.now = T0 + timedelta(hours=72)
    with pytest.raises(LinkExpired):
        await replays.play_link(token="tok", recording_id="r1", grant=grant.token)
