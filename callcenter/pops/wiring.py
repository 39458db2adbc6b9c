"""Wiring of screen pops, pause / wrap-up and the live board (used by listener_wiring.py and
main.py; the web side of it, sockets and routes, is wired in main.py).

In the process holding the AMI link the pop service is an intake watcher and the pop relay
publishes through the database; in every process the relay feeds the local sockets and the
board and follows the other processes' messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from callcenter.calls.model import ami_events
from callcenter.calls.model.ami_events import Headers
from callcenter.calls.service.intake import Intake
from callcenter.core.ami.link import AmiLink
from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.core.pacing import Supervisor
from callcenter.pops.ami import AmiQueuePauser
from callcenter.pops.model.pausing import MEMBER_EVENTS, member_pause
from callcenter.pops.service.pausing import PauseControl, Pausing
from callcenter.pops.service.relay import Envelope, PopRelay
from callcenter.pops.service.watcher import PopService
from callcenter.pops.store.board import signed_in_operators
from callcenter.pops.store.cards import SqlCardSource
from callcenter.pops.store.channel import PopChannel
from callcenter.pops.store.commands import CommandDrain, ForwardedPauses
from callcenter.pops.store.listen import subscribe


@dataclass
class PopSide:
    """Screen pops in one process."""

    db: Database
    relay: PopRelay
    channel: PopChannel
    pauses: PauseControl
    service: PopService | None = None  # the rest only where the AMI link is
    pausing: Pausing | None = None
    drain: CommandDrain | None = None
    queue: str = ""  # the operators' queue (where the AMI link is)

    def member_event(self, headers: Headers) -> None:
        """A queue member event from Asterisk: a pause made on the phone, say."""
        member = member_pause(headers, self.queue)
        if member is not None and self.pausing is not None:
            self.pausing.observed(member)

    async def resync_pauses(self) -> None:
        if self.pausing is not None:
            await self.pausing.resync()

    def receive(self, item: Envelope, deliver: bool) -> None:
        self.relay.receive(item, deliver=deliver)

    async def run(self, supervisor: Supervisor | None = None) -> None:
        """The pop loops of this process, each kept going by `supervisor`."""
        supervisor = supervisor or Supervisor()
        if self.service is not None:
            self.service.started()
        async with asyncio.TaskGroup() as group:
            for name, loop in self._loops().items():
                group.create_task(supervisor.keep(name, loop), name=name)

    def _loops(self) -> dict[str, Callable[[], Awaitable[None]]]:
        loops: dict[str, Callable[[], Awaitable[None]]] = {}
        if self.service is None:  # the process with the AMI link is the only publisher:
            # it has nothing to follow (following its own rows cost the hot path time)
            loops["pops-subscribe"] = lambda: subscribe(self.channel, self.receive)
        else:
            loops["pops-publish"] = self.channel.run_publisher
            loops["pop-cards"] = self.service.run
        if self.pausing is not None:
            loops["wrap-up"] = self.pausing.run
        if self.drain is not None:
            loops["pause-commands"] = self.drain.run
        return loops


def link_pops(config: Config, db: Database) -> PopSide:
    """The pop side of a process with an AMI link; finish with `bind_link` once built."""
    relay = PopRelay()
    channel = PopChannel(db, replays=False)
    relay.publisher = channel
    cards = SqlCardSource(db, pbx=config.pbx.name, timezone=config.timezone,
                          soon_hours=config.outages.soon_hours)
    service = PopService(cards=cards, relay=relay)
    return PopSide(db, relay, channel, ForwardedPauses(db), service=service)


def bind_link(pops: PopSide, config: Config, *, intake: Intake, link: AmiLink) -> None:
    assert pops.service is not None
    pops.service.receipt = lambda: intake.received
    pausing = Pausing(pauser=AmiQueuePauser(link, queue=config.operator.queue),
                      relay=pops.relay, wrap_up_seconds=config.operator.wrap_up_seconds,
                      signed_in=lambda now: signed_in_operators(pops.db, now))
    pops.service.wrap_up = pausing
    pops.pausing = pops.pauses = pausing
    pops.drain = CommandDrain(db=pops.db, pausing=pausing)
    pops.queue = config.operator.queue


def wanted(event: str, variable: str) -> bool:
    """The events the AMI link passes on: the intake's and the queue members'."""
    return ami_events.is_wanted(event, variable) or event in MEMBER_EVENTS


def link_frames(pops: PopSide, intake: Intake) -> Callable[[Headers], None]:
    """Where each frame from Asterisk goes: member events to pausing, the rest to intake."""

    def on_frame(headers: Headers) -> None:
        if ami_events.header(headers, "Event") in MEMBER_EVENTS:
            pops.member_event(headers)
        else:
            intake.frame_received(headers)

    return on_frame


def link_login(pops: PopSide, intake: Intake) -> Callable[[AmiLink], Awaitable[None]]:
    """After every AMI login: the live calls (intake), then the seats' pauses."""

    async def on_login(link: AmiLink) -> None:
        await intake.on_login(link)
        await pops.resync_pauses()

    return on_login


def web_pops(db: Database) -> PopSide:
    """The pop side of a web-only process: follows the channel, forwards pause requests."""
    return PopSide(db, PopRelay(), PopChannel(db), ForwardedPauses(db))
