"""The demo's outages: a planned one registered at the start (hot water, starting within the
day: "soon" on the pops of its street) and an emergency one the water company registers when
the water main bursts (around 12:30 simulated); the colleague then answers most calls about
the burst by it ("already known, crews at work") instead of routing them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog

from callcenter.core.errors import DomainError
from callcenter.outages.model.places import street_place
from callcenter.outages.model.records import Kind, OutageDraft, Utility
from callcenter.outages.service import Outages

log = structlog.get_logger("callcenter.demo")
ANSWER_EVERY = 3  # of every three calls about the burst, two are answered by the outage


class DemoOutages:
    def __init__(self, outages: Outages, burst_street: str) -> None:
        self.outages, self.burst_street = outages, burst_street
        self.emergency: int | None = None
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
        return self.emergency

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
