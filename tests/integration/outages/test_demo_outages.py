"""The demo's outages: a planned one soon on Галицька, the burst registered once, and two of
every three calls about it answered by the outage, and the announcement callers hear
switched on once, about the burst."""

from __future__ import annotations

from pathlib import Path

from callcenter.demo.outages import DemoOutages
from callcenter.outages.model.records import Kind, Status
from callcenter.outages.service import Outages
from tests.integration.outages.test_outage_calls import new_appeal
from tests.integration.portal_rig import residents_web
from tests.sounds import require_tool


async def test_the_demo_registers_and_answers(database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        require_tool("espeak-ng")
        service: Outages = rig.web.app.state.outages
        announcements = rig.web.app.state.announcements
        announcements.sounds.folder = tmp_path / "sounds"
        demo = DemoOutages(service, "вулиця Незалежності", announcements, "supervisor")
        planned = await demo.plan()
        early = await new_appeal(rig.web.db, category="water_pipe_burst",
                                 street="вулиця Незалежності", house="3")
        before = await demo.answer(early, "colleague")
        emergency = await demo.burst_began()
        assert await demo.burst_began() == emergency
        numbers = [await new_appeal(rig.web.db, category="water_pipe_burst",
                                    street="вулиця Незалежності", house=str(h))
                   for h in range(1, 7)]
        answered = [await demo.answer(n, "colleague") for n in numbers]
        soon = await service.at_address("Галицька 7")
        now = await service.at_address("Незалежності 40")
        burst = await service.get(emergency)
        playing = (await announcements.view()).playing
    assert before is False
    assert answered == [True, True, False, True, True, False]
    assert [(h.outage.id, h.when) for h in soon] == [(planned, "soon")]
    assert [(h.outage.id, h.when) for h in now] == [(emergency, "now")]
    assert (burst.kind, burst.status, burst.calls) == (Kind.EMERGENCY, Status.ACTIVE, 4)
    assert [(a.outage_id, a.on_by) for a in playing] == [(emergency, "supervisor")]
    assert playing[0].text.startswith("Увага! Аварійне відключення водопостачання.")
