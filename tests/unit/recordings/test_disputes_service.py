"""services.disputes with a hand-written store and holder: the hold comes first, links take
the dispute's contractor, bad input never reaches the store."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from callcenter.recordings.model.disputes import (
    Actor,
    ContractorLink,
    Dispute,
    DisputeClosed,
    DisputeNotFound,
    DisputeState,
    InvalidDispute,
    NewLink,
    Note,
)
from callcenter.recordings.model.replay import InvalidText, RecordingNotFound
from callcenter.recordings.service.disputes import Disputes
from callcenter.users.model import Forbidden, Principal, Role
from callcenter.users.service import token_hash

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
NUMBER = "2026-000001"


class FakeStore:
    def __init__(self, journal: list[str]) -> None:
        self.journal = journal
        self.disputes: dict[int, Dispute] = {}
        self.links: list[NewLink] = []
        self.fail_open = False

    async def appeal_recording_ids(self, number: str) -> list[str]:
        return ["r1", "r2"] if number == NUMBER else []

    async def open_dispute(self, *, number: str, contractor: str, claim: str, actor: Actor,
                           at: datetime, comment: str) -> Dispute:
        if self.fail_open:
            raise RuntimeError("database gone")
        self.journal.append(f"open {contractor}: {comment}")
        dispute = Dispute(len(self.disputes) + 1, number, contractor, claim, DisputeState.OPEN,
                          actor.name, at)
        self.disputes[dispute.id] = dispute
        return dispute

    async def add_note(self, *, dispute_id: int, text: str, actor: Actor,
                       at: datetime) -> Note:
        self.journal.append(f"note {text}")
        return Note(1, at, actor.name, text)

    async def close_dispute(self, *, dispute_id: int, decision: str, actor: Actor,
                            at: datetime) -> Dispute:
        closed = dataclasses.replace(self.disputes[dispute_id], state=DisputeState.CLOSED,
                                     decision=decision, closed_by=actor.name, closed_at=at)
        self.disputes[dispute_id] = closed
        return closed

    async def dispute(self, dispute_id: int) -> Dispute | None:
        return self.disputes.get(dispute_id)

    async def disputes_of(self, number: str) -> list[Dispute]:
        return [d for d in self.disputes.values() if d.appeal_number == number]

    async def open_disputes(self, limit: int) -> list[Dispute]:
        return [d for d in self.disputes.values() if d.state is DisputeState.OPEN][:limit]

    async def add_link(self, link: NewLink, *, comment: str) -> ContractorLink:
        self.links.append(link)
        self.journal.append(f"link {comment}")
        return ContractorLink(len(self.links), link.appeal_number, link.recording_id,
                              link.dispute_id, link.contractor, link.expires_at,
                              link.created_by, link.created_at)

    async def revoke_link(self, *, link_id: int, actor: Actor,
                          at: datetime) -> ContractorLink:
        raise NotImplementedError

    async def links_of(self, number: str) -> list[ContractorLink]:
        return []


class FakeHolder:
    def __init__(self, journal: list[str]) -> None:
        self.journal = journal

    async def hold(self, recording_ids: Sequence[str], *, on: bool) -> int:
        self.journal.append(f"hold {list(recording_ids)} {on}")
        return len(recording_ids)


def supervisor(role: Role = Role.SUPERVISOR) -> Principal:
    return Principal(user_id=3, username="svitlana", display_name="Світлана", role=role,
                     seat=None, session_id=1, csrf_token="c")


@pytest.fixture
def journal() -> list[str]:
    return []


@pytest.fixture
def store(journal: list[str]) -> FakeStore:
    return FakeStore(journal)


@pytest.fixture
def disputes(store: FakeStore, journal: list[str]) -> Disputes:
    return Disputes(store, FakeHolder(journal), link_hours=72, clock=lambda: T0)


async def test_opening_holds_the_recordings_first(disputes: Disputes,
                                                  journal: list[str]) -> None:
    dispute = await disputes.open(supervisor(), number=NUMBER, contractor=" Vodokanal ",
                                  claim="  Про підвал не чули  ")
    assert journal == ["hold ['r1', 'r2'] True",
                       "open vodokanal: Про підвал не чули (2 recording(s) on legal hold)"]
    assert dispute.opened_by == "Світлана (svitlana)" and dispute.claim == "Про підвал не чули"


async def test_a_failed_write_leaves_the_recordings_held(disputes: Disputes, store: FakeStore,
                                                         journal: list[str]) -> None:
    store.fail_open = True
    with pytest.raises(RuntimeError):
        await disputes.open(supervisor(), number=NUMBER, contractor="water", claim="c")
    assert journal == ["hold ['r1', 'r2'] True"]  # safe: held, nothing purged meanwhile


async def test_bad_input_and_roles_never_reach_the_store(disputes: Disputes,
                                                         journal: list[str]) -> None:
    with pytest.raises(InvalidDispute):
        await disputes.open(supervisor(), number=NUMBER, contractor="вода", claim="c")
    with pytest.raises(InvalidText):
        await disputes.open(supervisor(), number=NUMBER, contractor="water", claim=" ")
    with pytest.raises(InvalidText):
        await disputes.add_note(supervisor(), dispute_id=1, text="x" * 4001)
    for role in (Role.OPERATOR, Role.CONTRACTOR):
        with pytest.raises(Forbidden):
            await disputes.open(supervisor(role), number=NUMBER, contractor="water", claim="c")
        with pytest.raises(Forbidden):
            await disputes.give_link(supervisor(role), number=NUMBER, contractor="water")
    assert journal == []


async def test_a_link_takes_the_disputes_contractor(disputes: Disputes,
                                                    store: FakeStore) -> None:
    dispute = await disputes.open(supervisor(), number=NUMBER, contractor="water", claim="c")
    given = await disputes.give_link(supervisor(), number=NUMBER, dispute_id=dispute.id,
                                     recording_id="r2")
    [stored] = store.links
    assert stored.contractor == "water" and stored.recording_id == "r2"
    assert stored.token_hash == token_hash(given.token) and len(given.token) >= 40
    assert stored.expires_at == T0 + timedelta(hours=72)
    with pytest.raises(InvalidDispute, match="is with water"):
        await disputes.give_link(supervisor(), number=NUMBER, dispute_id=dispute.id,
                                 contractor="teplo")


async def test_link_checks(disputes: Disputes, store: FakeStore) -> None:
    dispute = await disputes.open(supervisor(), number=NUMBER, contractor="water", claim="c")
    with pytest.raises(RecordingNotFound):
        await disputes.give_link(supervisor(), number=NUMBER, contractor="water",
                                 recording_id="elsewhere")
    with pytest.raises(InvalidDispute):
        await disputes.give_link(supervisor(), number="2026-000002", dispute_id=dispute.id)
    with pytest.raises(InvalidDispute):
        await disputes.give_link(supervisor(), number=NUMBER)  # whose link?
    with pytest.raises(InvalidDispute):
        await disputes.give_link(supervisor(), number=NUMBER, contractor="water", hours=0)
    with pytest.raises(DisputeNotFound):
        await disputes.give_link(supervisor(), number=NUMBER, dispute_id=99)
    await disputes.close(supervisor(), dispute_id=dispute.id, decision="вирішено")
    with pytest.raises(DisputeClosed):
        await disputes.give_link(supervisor(), number=NUMBER, dispute_id=dispute.id)
    given = await disputes.give_link(supervisor(), number=NUMBER, contractor="water", hours=1)
    assert given.link.expires_at == T0 + timedelta(hours=1)
    assert len(store.links) == 1
