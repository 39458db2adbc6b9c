"""Composition of the AMI listener: link, intake, recordings and the pops' publishing side.

Kept apart from main.py (which adds the web app and the workers) so that a listener-only
process, `callcenter listen`, loads no web framework: it publishes pops through the database
to the `callcenter web` processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import structlog

from callcenter.callbacks.service import Dialer
from callcenter.callbacks.wiring import build_dialer
from callcenter.calls.ami import AmiQueueMembers
from callcenter.calls.model import ami_events
from callcenter.calls.model.tracker import CallTracker
from callcenter.calls.model.trunks import TrunkDirectory
from callcenter.calls.service.backlog import Backlog
from callcenter.calls.service.intake import Intake, utc_now
from callcenter.calls.service.reconciler import QueueLogReconciler
from callcenter.calls.store.away import SqlAwayCalls
from callcenter.calls.store.calls import SqlCallStore
from callcenter.core import logs, migrate
from callcenter.core.ami.link import AmiAuthError, AmiLink, LinkSettings
from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.core.pacing import Supervisor
from callcenter.outages.service.announcements import Announcer
from callcenter.outages.wiring import build_announcer
from callcenter.pops.wiring import PopSide, bind_link, link_frames, link_login, link_pops, wanted
from callcenter.recordings.audio import PydubEncoder
from callcenter.recordings.service.archive import Archive
from callcenter.recordings.service.recordings import Recordings, RecordingSettings
from callcenter.recordings.store.recordings import SqlRecordingStore

log = structlog.get_logger("callcenter")
RELOAD = "Reload"  # Event: Reload (class system), Asterisk reloaded a module or all


@dataclass
class Listener:
    """The running pieces of one AMI listener process."""

    db: Database
    intake: Intake
    link: AmiLink
    recordings: Recordings | None = None
    pops: PopSide | None = None
    queue_log: QueueLogReconciler | None = None
    dialer: Dialer | None = None  # call-backs: Originate and the outbound calls
    announcer: Announcer | None = None  # what callers hear before the queue (Setvar)
    supervisor: Supervisor = dataclasses.field(default_factory=Supervisor)

    async def run(self) -> None:
        """Every loop supervised: none ends the process but a refused AMI login."""
        keep = self.supervisor.keep
        async with asyncio.TaskGroup() as group:
            if self.pops is not None:
                group.create_task(self.pops.run(self.supervisor), name="pops")
            group.create_task(keep("ami-link", self.link.run, fatal=(AmiAuthError,)),
                              name="ami-link")
            loops = {"intake-consume": self.intake.consume, "intake-write": self.intake.write,
                     "intake-recordings": self.intake.look_up_recordings}
            if self.recordings is not None:
                loops["recordings"] = self.recordings.run
            if self.queue_log is not None:
                loops["queue-log"] = self.queue_log.run
            if self.dialer is not None:
                loops["callbacks"] = self.dialer.run
            if self.announcer is not None:
                loops["announcements"] = self.announcer.run
            for name, loop in loops.items():
                group.create_task(keep(name, loop), name=name)

    async def drain(self, timeout: float = 5.0) -> None:
        """Give the writer a moment to empty the backlog, then keep the rest in the journal."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while len(self.intake.backlog) or not self.intake.inbox.empty():
                    await asyncio.sleep(0.05)
        self.intake.backlog.save()
        await self.db.close()


def build_listener(config: Config) -> Listener:
    db = Database(config.database.url, echo=config.database.echo)
    trunks = TrunkDirectory(config.trunks, config.pbx.inbound_contexts)
    journal = Path(config.intake.journal)
    recordings = build_recordings(config, db)
    pops = link_pops(config, db)
    intake = Intake(
        tracker=CallTracker(trunks, area_code=config.pbx.area_code),
        store=SqlCallStore(db, pbx=config.pbx.name, timezone=config.timezone),
        backlog=Backlog(journal, memory_limit=config.intake.memory_queue),
        batch_size=config.intake.batch_size,
        retry_max=config.intake.retry_max,
        rejected=journal.with_name(journal.name + ".rejected"),
        watchers=[recordings, *([pops.service] if pops.service else [])],
    )
    settings = LinkSettings(**dataclasses.asdict(config.ami))
    dialer: list[Dialer] = []  # built once the link exists, which it needs
    announcer: list[Announcer] = []  # likewise
    to_pops, pops_login = link_frames(pops, intake), link_login(pops, intake)

    def on_frame(headers: ami_events.Headers) -> None:
        if ami_events.header(headers, "Event") == RELOAD:
            announcer[0].reloaded()  # a reload may have emptied the dialplan's globals
            return
        to_pops(headers)
        dialer[0].frame(headers)

    async def on_login(link: AmiLink) -> None:
        dialer[0].link_lost()  # calls followed before a reconnect ended unseen
        announcer[0].link_up()  # a restarted Asterisk has lost the announcement
        await pops_login(link)

    link = AmiLink(settings, on_frame=on_frame, on_login=on_login,
                   wanted=lambda event, variable: event == RELOAD or wanted(event, variable))
    dialer.append(build_dialer(config, db, link))
    announcer.append(build_announcer(config, db, link))
    bind_link(pops, config, intake=intake, link=link)
    return Listener(db, intake, link, recordings, pops,
                    build_queue_log(config, db, intake=intake, link=link), dialer[0],
                    announcer[0])


def build_queue_log(config: Config, db: Database, *, intake: Intake,
                    link: AmiLink) -> QueueLogReconciler | None:
    """With `[pbx] queue_log`: calls that ended while we were away are closed from it."""
    if not config.pbx.queue_log:
        return None
    reconciler = QueueLogReconciler(
        path=Path(config.pbx.queue_log), calls=SqlAwayCalls(db, pbx=config.pbx.name),
        members=AmiQueueMembers(link), record=intake.add_facts, clock=utc_now)
    intake.watchers.append(reconciler)
    return reconciler


def build_recordings(config: Config, db: Database) -> Recordings:
    r = config.recordings
    settings = RecordingSettings(
        spool_dir=r.spool_dir, asterisk_spool_dir=r.asterisk_spool_dir,
        timezone=config.timezone, workers=r.workers, settle_seconds=r.settle_seconds,
        missing_after=r.missing_after, original_days=r.original_days,
        retention_days=r.retention_days, remove_from_spool=r.remove_from_spool,
        poll_interval=r.poll_interval)
    encoder = PydubEncoder(format=r.format, bitrate=r.bitrate, sample_rate=r.sample_rate)
    return Recordings(store=SqlRecordingStore(db, pbx=config.pbx.name),
                      archive=Archive(Path(r.dir)), encoder=encoder, settings=settings)


async def run_until_signal(main: Callable[[], Awaitable[None]],
                           on_stop: Callable[[], Awaitable[None]], *,
                           first: Callable[[], Awaitable[None]] | None = None) -> None:
    """Run `main` until it ends or SIGINT/SIGTERM arrives; then run `on_stop`. With `first`,
    a signal awaits it (say, workers finishing the batch in hand) before `main` is
    cancelled."""
    task = asyncio.ensure_future(main())
    loop = asyncio.get_running_loop()
    finishing: list[asyncio.Future[None]] = []

    def stop() -> None:
        if first is None:
            task.cancel()
        elif not finishing:  # a second signal while finishing does not start it again
            finishing.append(asyncio.ensure_future(_then_cancel(first, task)))

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    try:
        await task
    except asyncio.CancelledError:
        log.info("stopping")
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await on_stop()


async def _then_cancel(first: Callable[[], Awaitable[None]], task: asyncio.Future[None]) -> None:
    try:
        await first()
    except Exception:  # stopping goes on whatever happened
        log.exception("graceful_stop_failed")
    finally:
        task.cancel()


async def listen(config: Config) -> None:
    """`callcenter listen`: the AMI listener alone. Its pops reach the operators through
    `callcenter web` processes (the database carries them), as in a split installation."""
    logs.configure(fmt=config.log.format, level=config.log.level)
    await migrate.prepare(config.database.url, config.database.owner_url)
    listener = build_listener(config)
    log.info("listening", ami=f"{config.ami.host}:{config.ami.port}", pbx=config.pbx.name)
    await run_until_signal(listener.run, listener.drain)
