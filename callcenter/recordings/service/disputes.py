"""Disputes with contractors: opened by a supervisor with the claim (the appeal's recordings
go on legal hold), notes meanwhile, closed with a decision; time-limited links that let the
contractor hear the call. Every step writes the appeal's history (the store does it in the
same transaction as the step).

The legal hold is placed before the dispute is written: if writing the dispute fails, the
recordings stay held (safe) rather than a dispute existing over recordings retention may purge.
Closing a dispute keeps the hold: a decided dispute's evidence is kept; releasing it is a
deliberate act (`Recordings.hold(ids, on=False)`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import structlog

from callcenter.recordings.model.disputes import (
    CLAIM_MAX,
    DECISION_MAX,
    NOTE_MAX,
    Actor,
    ContractorLink,
    Dispute,
    DisputeNotFound,
    InvalidDispute,
    NewLink,
    Note,
    check_contractor,
    link_expiry,
)
from callcenter.recordings.model.replay import (
    RecordingNotFound,
    check_supervisor,
    clean_text,
    who_of,
)
from callcenter.users.model import Principal
from callcenter.users.service import token_hash

log = structlog.get_logger("callcenter.disputes")


class DisputeStore(Protocol):
    async def appeal_recording_ids(self, number: str) -> list[str]: ...

    async def open_dispute(self, *, number: str, contractor: str, claim: str, actor: Actor,
                           at: datetime, comment: str) -> Dispute: ...

    async def add_note(self, *, dispute_id: int, text: str, actor: Actor,
                       at: datetime) -> Note: ...

    async def close_dispute(self, *, dispute_id: int, decision: str, actor: Actor,
                            at: datetime) -> Dispute: ...

    async def dispute(self, dispute_id: int) -> Dispute | None: ...

    async def disputes_of(self, number: str) -> list[Dispute]: ...

    async def open_disputes(self, limit: int) -> list[Dispute]: ...

    async def add_link(self, link: NewLink, *, comment: str) -> ContractorLink: ...

    async def revoke_link(self, *, link_id: int, actor: Actor,
                          at: datetime) -> ContractorLink: ...

    async def links_of(self, number: str) -> list[ContractorLink]: ...

    async def release_hold(self, *, number: str, reason: str, actor: Actor,
                           at: datetime) -> int: ...


class Holder(Protocol):
    """Puts recordings on legal hold: `services.recordings.Recordings`."""

    async def hold(self, recording_ids: Sequence[str], *, on: bool) -> int: ...


@dataclass(frozen=True, slots=True)
class LinkGiven:
    """A new link; its token is only here, never stored (the store keeps its hash)."""

    token: str
    link: ContractorLink


def utc_now() -> datetime:
    return datetime.now(UTC)


def actor_of(principal: Principal) -> Actor:
    return Actor(principal.user_id, who_of(principal))


class Disputes:
    def __init__(self, store: DisputeStore, holder: Holder, *, link_hours: float = 72.0,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.holder = holder
        self.link_hours = link_hours
        self._clock = clock

    async def open(self, principal: Principal, *, number: str, contractor: str,
                   claim: str) -> Dispute:
        check_supervisor(principal)
        code = check_contractor(contractor)
        text = clean_text(claim, limit=CLAIM_MAX, field="claim")
        ids = await self.store.appeal_recording_ids(number)
        held = await self.holder.hold(ids, on=True)
        dispute = await self.store.open_dispute(
            number=number, contractor=code, claim=text, actor=actor_of(principal),
            at=self._clock(), comment=f"{text} ({held} recording(s) on legal hold)")
        log.info("dispute_opened", appeal=number, dispute=dispute.id, contractor=code,
                 held=held)
        return dispute

    async def add_note(self, principal: Principal, *, dispute_id: int, text: str) -> Note:
        check_supervisor(principal)
        note = clean_text(text, limit=NOTE_MAX, field="note")
        return await self.store.add_note(dispute_id=dispute_id, text=note,
                                         actor=actor_of(principal), at=self._clock())

    async def close(self, principal: Principal, *, dispute_id: int, decision: str) -> Dispute:
        check_supervisor(principal)
        text = clean_text(decision, limit=DECISION_MAX, field="decision")
        dispute = await self.store.close_dispute(dispute_id=dispute_id, decision=text,
                                                 actor=actor_of(principal), at=self._clock())
        log.info("dispute_closed", appeal=dispute.appeal_number, dispute=dispute_id)
        return dispute

    async def release_hold(self, principal: Principal, *, number: str, reason: str) -> int:
        """End the legal hold on the appeal's recordings (none of its disputes open); the
        retention purge may then remove them in due course. How many were released."""
        check_supervisor(principal)
        text = clean_text(reason, limit=NOTE_MAX, field="reason")
        released = await self.store.release_hold(number=number, reason=text,
                                                 actor=actor_of(principal), at=self._clock())
        log.info("legal_hold_released", appeal=number, released=released)
        return released

    async def dispute(self, dispute_id: int) -> Dispute:
        found = await self.store.dispute(dispute_id)
        if found is None:
            raise DisputeNotFound(f"no dispute {dispute_id}")
        return found

    async def of_appeal(self, number: str) -> list[Dispute]:
        return await self.store.disputes_of(number)

    async def open_list(self, limit: int = 200) -> list[Dispute]:
        return await self.store.open_disputes(limit)

    # -- contractor links ----------------------------------------------------------------------

    async def give_link(self, principal: Principal, *, number: str,
                        recording_id: str | None = None, dispute_id: int | None = None,
                        contractor: str | None = None, hours: float | None = None) -> LinkGiven:
        """A link for the contractor to hear the appeal's call (or one recording of it)."""
        check_supervisor(principal)
        code = await self._link_contractor(number, dispute_id, contractor)
        if recording_id is not None and recording_id not in (
                await self.store.appeal_recording_ids(number)):
            raise RecordingNotFound(f"appeal {number} has no recording {recording_id}")
        now = self._clock()
        token = secrets.token_urlsafe(32)
        actor = actor_of(principal)
        new = NewLink(token_hash=token_hash(token), appeal_number=number,
                      recording_id=recording_id, dispute_id=dispute_id, contractor=code,
                      expires_at=link_expiry(now, self.link_hours if hours is None else hours),
                      created_by_id=actor.user_id, created_by=actor.name, created_at=now)
        what = f"recording {recording_id}" if recording_id else "every recording of the appeal"
        link = await self.store.add_link(
            new, comment=f"for {code} until {new.expires_at.isoformat()}, {what}")
        log.info("contractor_link_given", appeal=number, link=link.id, contractor=code)
        return LinkGiven(token, link)

    async def _link_contractor(self, number: str, dispute_id: int | None,
                               contractor: str | None) -> str:
        if dispute_id is None:
            return check_contractor(contractor)
        dispute = await self.dispute(dispute_id)
        if dispute.appeal_number != number:
            raise InvalidDispute(f"dispute {dispute_id} is not about appeal {number}")
        dispute.check_open()
        if contractor and check_contractor(contractor) != dispute.contractor:
            raise InvalidDispute(f"dispute {dispute_id} is with {dispute.contractor}")
        return dispute.contractor

    async def revoke_link(self, principal: Principal, *, link_id: int) -> ContractorLink:
        check_supervisor(principal)
        link = await self.store.revoke_link(link_id=link_id, actor=actor_of(principal),
                                            at=self._clock())
        log.info("contractor_link_revoked", appeal=link.appeal_number, link=link_id)
        return link

    async def links_of(self, number: str) -> list[ContractorLink]:
        return await self.store.links_of(number)
