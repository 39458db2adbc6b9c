"""The demo's outages: a planned one registered at the start (hot water, starting within the
day: "soon" on the pops of its street) and an emergency one the water company registers when
the water main bursts (around 12:30 simulated); the colleague then answers most calls about
the burst by it ("already known, crews at work") instead of routing them. A supervisor
switches on the announcement callers hear before the queue at once: during the burst many
callers hear it and hang up without waiting for an operator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog

from callcenter.core.errors import DomainError
from callcenter.outages.model.places import street_place
from callcenter.outages.model.records import Kind, OutageDraft, Utility
from callcenter.outages.service import Outages
from callcenter.outages.service.announcements import Announcements

log = structlog.get_logger("callcenter.demo")
ANSWER_EVERY = 3  # of every three calls about the burst, two are answered by the outage


class DemoOutages:
    def __init__(self, outages: Outages, burst_street: str,
                 announcements: Announcements | None = None, supervisor: str = "") -> None:
        self.outages, self.burst_street = outages, burst_street
        self.announcements, self.supervisor = announcements, supervisor
        self.emergency: int | None = None
        self.announced: int | None = None
        self._burst_calls = 0

    async def plan(self) -> int:
        """Hot water off on Галицька for the afternoon (starts in two real hours)."""
        start = datetime.now(UTC) + timedelta(hours=2)
        [outage_id] = await self.outages.create([OutageDraft(
            Utility.HOT_WATER, Kind.PLANNED,
            (street_place("Галицька", "1-29 непарні, 2-30 парні", self.outages.streets),),
            start, start + timedelta(hours=6), "Планова перевірка теплової мережі.",
            contractor="teplo")], "teplo-dispatcher")
        log.info("demo_outage_planned", outage=outage_id)
        return outage_id

    async def burst_began(self) -> int:
        """The water company registers the burst (once)."""
        if self.emergency is None:
            [self.emergency] = await self.outages.create([OutageDraft(
                Utility.WATER, Kind.EMERGENCY,
                (street_place(self.burst_street, "", self.outages.streets),),
                datetime.now(UTC), datetime.now(UTC) + timedelta(hours=3),
                "Пошкодження водогону. Аварійна бригада на місці; підвіз води організовано.",
                "Бригада №2, екскаватор", contractor="vodokanal")], "vodokanal-dispatcher")
            log.info("demo_outage_emergency", outage=self.emergency)
            await self.announce(self.emergency)
        return self.emergency

    async def announce(self, outage_id: int) -> None:
        """The supervisor switches on what callers hear about it (spoken by espeak-ng; a
        machine without it runs the demo without the announcement)."""
        if self.announcements is None:
            return
        try:
            text = await self.announcements.text_for(outage_id)
            self.announced = await self.announcements.speak(text, outage_id, self.supervisor)
        except DomainError as exc:
            log.warning("demo_announcement_skipped", reason=str(exc))
            return
        log.info("demo_announcement_on", announcement=self.announced, outage=outage_id)

    async def answer(self, number: str, actor: str) -> bool:
        """Answer a call about the burst by the outage (two of every three, once the outage
        is registered); False: fill the form as usual."""
        if self.emergency is None:
            return False
        self._burst_calls += 1
        if self._burst_calls % ANSWER_EVERY == 0:
            return False
        try:
            return await self.outages.attach(self.emergency, number, actor)
        except DomainError as exc:
            log.info("demo_outage_attach_skipped", number=number, reason=str(exc))
            return False
