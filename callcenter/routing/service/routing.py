"""Routing appeals: route a registered appeal, reassign it, spot duplicates, record hand-offs.

`appeal_registered` decides with the pure `domain.routing.route` and then, in ONE transaction,
stores the decision, assigns the appeal (registered -> assigned, with its history row) and
writes an outbox message per channel of the contractor (the transactional outbox). Workers
deliver them later; nothing is sent from here.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from callcenter.appeals.model.statuses import Status
from callcenter.contractors.model.contractors import Contractor
from callcenter.core.errors import DomainError, InvalidTransition, StoreUnavailable
from callcenter.core.pacing import every
from callcenter.delivery.model.notices import Notifier
from callcenter.delivery.model.outbox import NewMessage
from callcenter.routing.model.houses import address_key
from callcenter.routing.model.policy import (
    DISPATCHER_LABEL,
    AppealFacts,
    EmergencyContact,
    RoutingDecision,
    route,
    to_coordinator,
)
from callcenter.routing.model.records import (
    AppealCard,
    AppealNotFound,
    Assignment,
    ContractorNotFound,
    CoordinatorMissing,
    CurrentRouting,
    TextRequired,
    UnknownService,
)
from callcenter.routing.model.rules import Rules
from callcenter.routing.service.ports import RoutingStore, RoutingTx
from callcenter.routing.service.rules import RuleHolder

log = structlog.get_logger("callcenter.dispatching")
SYSTEM = "system"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Routed:
    assignment: Assignment
    decision: RoutingDecision | None  # None: the appeal had been routed before, nothing done

    @property
    def already(self) -> bool:
        return self.decision is None


class AppealRouter:
    def __init__(self, *, store: RoutingStore, rules: RuleHolder, notifier: Notifier,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.rules = rules
        self.notifier = notifier
        self.clock = clock

    async def appeal_registered(self, appeal_id: int, *, actor: str = SYSTEM) -> Routed:
        """Route the appeal once; called again, it returns the assignment already made."""
        async with self.store.transaction() as tx:
            appeal = await _appeal(tx, appeal_id)
            if appeal.status != Status.REGISTERED:
                return await _already_routed(tx, appeal)
            now, rules = self.clock(), self.rules.rules  # one set of rules per decision
            decision = route(AppealFacts.of(appeal.category, appeal.address), rules, now)
            decision, contractor = await self._deliverable(tx, decision, rules)
            await tx.set_address_key(appeal_id, address_key(appeal.address))
            await tx.move(appeal_id, Status.ASSIGNED, at=now, actor=actor, action="assigned",
                          comment=f"{contractor.code}: {decision.reason}")
            assignment = await tx.add_assignment(appeal_id, decision, contractor, at=now,
                                                 actor=actor)
            await self._tell(tx, self.notifier.appeal_assigned(appeal, contractor, assignment),
                             assignment, now)
        log.info("appeal_routed", number=appeal.number, contractor=contractor.code,
                 rule=decision.rule_id, fallback=decision.fallback)
        return Routed(assignment, decision)

    async def _deliverable(self, tx: RoutingTx, decision: RoutingDecision, rules: Rules
                           ) -> tuple[RoutingDecision, Contractor]:
        """The decision and its contractor; an unknown or inactive one -> the coordinator."""
        contractor = await tx.contractor(decision.contractor)
        if contractor is None or not contractor.active:
            wanted = decision.contractor
            state = "немає в довіднику" if contractor is None else "вимкнено"
            decision = to_coordinator(decision, rules,
                                      f"виконавця «{wanted}» {state}: передано координатору")
            contractor = await tx.contractor(decision.contractor)
            if contractor is None:
                raise CoordinatorMissing(decision.contractor, wanted)
        return with_appeal_router(decision, contractor), contractor

    async def preview(self, category: str | None, address: str | None) -> RoutingDecision:
        """What routing would decide now, dispatcher phones filled in: the operator's form
        shows whom to call at once before the appeal is even registered."""
        rules = self.rules.rules
        decision = route(AppealFacts.of(category, address), rules, self.clock())
        async with self.store.transaction() as tx:
            decision, _ = await self._deliverable(tx, decision, rules)
        return decision

    async def reassign(self, appeal_id: int, *, contractor: str, reason: str,
                       actor: str) -> Assignment:
        """A supervisor (or the coordinator, for a redirected appeal) picks the contractor.

        What the previous contractor was not sent yet is cancelled (an assignment arriving
        after its withdrawal would mislead); if it was told, it is told of the withdrawal."""
        if not reason.strip():
            raise TextRequired("a reason for the reassignment")
        async with self.store.transaction() as tx:
            appeal = await _appeal(tx, appeal_id)
            target = await tx.contractor(contractor)
            if target is None or not target.active:
                raise ContractorNotFound(contractor)
            previous = await tx.current_assignment(appeal_id)
            told = previous is not None and await tx.cancel_pending(previous.id)
            now = self.clock()
            decision = self._manual(appeal, target, previous, reason, actor, now)
            await tx.move(appeal_id, Status.ASSIGNED, at=now, actor=actor, action="reassigned",
                          comment=f"{target.code}: {reason}")
            assignment = await tx.add_assignment(appeal_id, decision, target, at=now,
                                                 actor=actor)
            await self._tell(tx, self.notifier.appeal_assigned(appeal, target, assignment),
                             assignment, now)
            if previous is not None and told and previous.contractor_id != target.id:
                await self._withdraw(tx, appeal, previous, reason, now)
        log.info("appeal_reassigned", number=appeal.number, contractor=target.code, actor=actor)
        return assignment

    def _manual(self, appeal: AppealCard, target: Contractor, previous: Assignment | None,
                reason: str, actor: str, now: datetime) -> RoutingDecision:
        rules = self.rules.rules
        deadline = appeal.deadline or rules.calendar.add(now, rules.deadlines["normal"])
        return RoutingDecision(
            contractor=target.code, rule_id=None, reason=f"перепризначено ({actor}): {reason}",
            deadline=deadline, priority=appeal.priority or "normal",
            callback=_callback(target.code, previous, rules.coordinator))

    async def _withdraw(self, tx: RoutingTx, appeal: AppealCard, previous: Assignment,
                        reason: str, now: datetime) -> None:
        old = await tx.contractor_by_id(previous.contractor_id)
        if old is not None:
            await self._tell(tx, self.notifier.appeal_withdrawn(appeal, old, previous, reason),
                             previous, now)

    async def _tell(self, tx: RoutingTx, messages: list[NewMessage], assignment: Assignment,
                    now: datetime) -> None:
        await tx.enqueue(messages, appeal_id=assignment.appeal_id, decision_id=assignment.id,
                         contractor_id=assignment.contractor_id, at=now)

    async def duplicates_of(self, category: str | None, address: str | None, *,
                            exclude: int | None = None) -> list[AppealCard]:
        """Open appeals with the same category at the same place (offered to the operator)."""
        key = address_key(address)
        if not category or key is None:
            return []
        return await self.store.duplicates(category, key, exclude=exclude)

    async def link_duplicate(self, appeal_id: int, *, original_id: int, actor: str) -> None:
        async with self.store.transaction() as tx:
            appeal = await _appeal(tx, appeal_id)
            original = await _appeal(tx, original_id)
            await tx.move(appeal_id, Status.DUPLICATE, at=self.clock(), actor=actor,
                          action="duplicate", comment=f"дублікат звернення {original.number}")
            await tx.link_duplicate(appeal.id, original.id)

    async def record_handoff(self, appeal_id: int, *, contact: EmergencyContact, actor: str,
                             comment: str = "", reached: bool = True) -> None:
        """The operator passed an emergency to a service (104, 101, ... or a dispatcher), or
        (`reached` false) could not get through to it."""
        async with self.store.transaction() as tx:
            await _appeal(tx, appeal_id)
            text = f"{contact.label} {contact.phone or ''}".strip()
            if not reached:
                text = f"не вдалося додзвонитися: {text}"
            await tx.note(appeal_id, at=self.clock(), actor=actor,
                          action="handoff" if reached else "handoff_failed",
                          comment=f"{text}{': ' + comment if comment else ''}")

    async def routing(self, number: str) -> CurrentRouting:
        """The appeal with its current contractor, deadline and emergency contacts."""
        found = await self.store.routing_of(number.strip())
        if found is None:
            raise AppealNotFound(number)
        return found

    async def route_number(self, number: str, *, actor: str = SYSTEM) -> Routed:
        """`appeal_registered` by the appeal's number (the operator's completion hook)."""
        return await self.appeal_registered((await self.routing(number)).appeal.id,
                                            actor=actor)

    async def route_registered(self, *, limit: int = 500) -> int:
        """Route every appeal still `registered` (the process died between the operator's
        save and routing, or routing failed); return how many were routed now. One appeal
        that cannot be routed does not hold up the others."""
        routed = 0
        for appeal_id in await self.store.registered(limit=limit):
            try:
                routed += not (await self.appeal_registered(appeal_id)).already
            except StoreUnavailable:
                raise
            except DomainError as exc:
                log.warning("routing_failed", appeal_id=appeal_id, reason=str(exc),
                            error_id=exc.error_id)
        if routed:
            log.info("registered_appeals_routed", appeals=routed)
        return routed

    async def run(self, interval: float, stop: asyncio.Event | None = None) -> None:
        """`route_registered` every `interval` seconds until `stop` (a lost database is
        waited out): nothing stays `registered` for long."""
        await every(interval, stop, self.route_registered, postponed="routing_sweep_postponed")

    async def hand_off(self, number: str, *, code: str, actor: str, comment: str = "",
                       reached: bool = True) -> EmergencyContact:
        """Record that the operator passed the appeal to `code` (one of its emergency
        contacts, or any service of the rules such as 112), or could not get through."""
        current = await self.routing(number)
        contact = self._contact(current, code)
        await self.record_handoff(current.appeal.id, contact=contact, actor=actor,
                                  comment=comment.strip(), reached=reached)
        return contact

    def _contact(self, current: CurrentRouting, code: str) -> EmergencyContact:
        contacts = current.assignment.emergency_contacts if current.assignment else ()
        for contact in contacts:
            if contact.code == code:
                return contact
        service = self.rules.rules.services.get(code)
        if service is None:
            raise UnknownService(code)
        return EmergencyContact(service.code, service.label, service.phone)

    async def link_numbers(self, number: str, *, original: str, actor: str) -> None:
        """Link the appeal `number` as a duplicate of `original` (not sent again)."""
        appeal, first = await self.routing(number), await self.routing(original)
        if appeal.appeal.id == first.appeal.id:
            raise InvalidTransition(appeal.appeal.status, Status.DUPLICATE.value)
        await self.link_duplicate(appeal.appeal.id, original_id=first.appeal.id, actor=actor)

    async def reassign_number(self, number: str, *, contractor: str, reason: str,
                              actor: str) -> Assignment:
        appeal = await self.routing(number)
        return await self.reassign(appeal.appeal.id, contractor=contractor, reason=reason,
                                   actor=actor)


def with_appeal_router(decision: RoutingDecision, contractor: Contractor) -> RoutingDecision:
    """Fill in the contractor's night dispatcher where the rule says "dispatcher"."""
    phone = contractor.night_phone or contractor.phone
    contacts = tuple(
        EmergencyContact(c.code, f"{DISPATCHER_LABEL}: {contractor.name}", phone)
        if c.phone is None else c for c in decision.emergency_contacts)
    return dataclasses.replace(decision, emergency_contacts=contacts)


async def _appeal(tx: RoutingTx, appeal_id: int) -> AppealCard:
    appeal = await tx.appeal(appeal_id)
    if appeal is None:
        raise AppealNotFound(appeal_id)
    return appeal


async def _already_routed(tx: RoutingTx, appeal: AppealCard) -> Routed:
    current = await tx.current_assignment(appeal.id)
    if current is None:
        raise InvalidTransition(appeal.status, Status.ASSIGNED.value)
    return Routed(current, None)


def _callback(target: str, previous: Assignment | None, coordinator: str) -> bool:
    """A reassigned appeal: the coordinator (the hotline) always gets the full number; another
    contractor keeps the previous rule's call-back only if that rule was not the coordinator's."""
    if target == coordinator:
        return True
    return previous is not None and previous.callback and previous.contractor != coordinator
