"""Composition of routing and delivery: the services on the database, and the worker process.

`build_routing(config, db)` gives the services the web process calls (routing on
registration, contractors' answers, reassignment, dead letters, overdue appeals);
`run_worker(config)` is `callcenter worker`: outbox workers, the escalation sweep and the sweep
routing appeals left `registered` in one TaskGroup, the routing rules reloaded on SIGHUP, a
graceful stop on SIGTERM / SIGINT. `callcenter serve` runs the same `Worker` on its own
database when `[outbox] in_serve` is on.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import structlog

from callcenter.contractors.model.contractors import ContractorsError
from callcenter.contractors.service.answers import ContractorAnswers
from callcenter.contractors.service.imports import seed_contractors
from callcenter.contractors.store.contractors import SqlContractorStore
from callcenter.core import logs, migrate
from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.core.errors import ReferenceDataError
from callcenter.core.pacing import Supervisor
from callcenter.core.scheduler import Scheduler, TimedJobs
from callcenter.delivery.model.notices import Notifier
from callcenter.delivery.senders.email import SmtpSettings
from callcenter.delivery.senders.sms import SmsSettings
from callcenter.delivery.senders.transport import ChannelTransport
from callcenter.delivery.service.admin import OutboxAdmin
from callcenter.delivery.service.worker import OutboxWorker, WorkerSettings
from callcenter.delivery.store import SqlOutboxStore
from callcenter.reference.service import load_categories, located
from callcenter.routing.service.escalation import Escalation
from callcenter.routing.service.routing import AppealRouter
from callcenter.routing.service.rules import RuleHolder
from callcenter.routing.store import SqlRoutingStore

log = structlog.get_logger("callcenter.worker")


@dataclass
class RoutingServices:
    db: Database
    rules: RuleHolder
    appeal_router: AppealRouter
    answers: ContractorAnswers
    escalation: Escalation
    outbox: OutboxAdmin


async def prepare(config: Config) -> None:
    """Start-up of every long-running process (serve, web, worker, demo): migrate the database
    to head, then import `[routing] contractors` if the contractors table is empty, so that a
    fresh install routes appeals at once. A table with contractors is left alone (admins
    edit them; `callcenter contractors import` updates them on purpose)."""
    await migrate.prepare(config.database.url, config.database.owner_url)
    await migrate.when_database_answers(lambda: import_if_empty(config),
                                        step="contractors import")


async def import_if_empty(config: Config) -> None:
    path = located(config.routing.contractors)
    db = Database(config.database.url, echo=config.database.echo)
    try:
        counts = await seed_contractors(path, SqlContractorStore(db))
    except ContractorsError as exc:  # the process still serves calls; routing will say why
        log.error("contractors_not_imported", file=str(path), problems=exc.problems)
        return
    finally:
        await db.close()
    if counts is not None:
        log.info("contractors_imported", file=str(path), added=counts.inserted,
                 reason="the contractors table was empty")


def notifier_of(config: Config) -> Notifier:
    return Notifier(public_base_url=config.notify.public_base_url, timezone=config.timezone,
                    supervisors=config.notify.supervisor_emails,
                    category_names=category_names(config))


def category_names(config: Config) -> dict[str, str]:
    """Category code -> Ukrainian name for the e-mails; empty (codes shown) with a warning when
    the categories file cannot be read, so delivery never stops for it."""
    try:
        book = load_categories(config.reference.categories)
    except ReferenceDataError as exc:
        log.warning("category_names_unavailable", error=str(exc))
        return {}
    return {c.code: c.name_uk for c in book.categories}


def build_routing(config: Config, db: Database) -> RoutingServices:
    """The services; loads the routing rules (RulesError when the file is bad). A relative
    path not found from the working directory is the file shipped with the source tree, as
    for the reference data."""
    rules = RuleHolder(located(config.routing.rules), timezone=config.timezone)
    rules.load()
    store = SqlRoutingStore(db)
    notifier = notifier_of(config)
    return RoutingServices(
        db=db, rules=rules,
        appeal_router=AppealRouter(store=store, rules=rules, notifier=notifier),
        answers=ContractorAnswers(store=store),
        escalation=Escalation(store=store, rules=rules, notifier=notifier),
        outbox=OutboxAdmin(store=SqlOutboxStore(db)))


def smtp_settings(config: Config) -> SmtpSettings:
    return SmtpSettings(**dataclasses.asdict(config.smtp))


def sms_settings(config: Config) -> SmsSettings:
    s = config.sms
    return SmsSettings(url=s.url, token=s.token, sender=s.sender, timeout=s.timeout)


def worker_settings(config: Config) -> WorkerSettings:
    o = config.outbox
    return WorkerSettings(max_attempts=o.max_attempts, backoff_base=o.backoff_base,
                          backoff_max=o.backoff_max, batch=o.batch,
                          poll_interval=o.poll_interval, lease=o.lease)


@dataclass
class Worker:
    """The running pieces of `callcenter worker`."""

    routing_services: RoutingServices
    transport: ChannelTransport
    workers: list[OutboxWorker]
    sweep_interval: float
    owns_db: bool = True
    supervisor: Supervisor = dataclasses.field(default_factory=Supervisor)
    scheduler: Scheduler | None = None  # the timed jobs (digest, duty checks, reminders)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: then every worker finishes (sends and records) the batch in hand,
        so a restart sends nothing twice. Each loop is kept going by the supervisor."""
        services, interval = self.routing_services, self.sweep_interval
        loops = {worker.name: partial(worker.run, stop) for worker in self.workers}
        loops["escalation-sweep"] = partial(services.escalation.run, interval, stop)
        loops["routing-sweep"] = partial(services.appeal_router.run, interval, stop)
        if self.scheduler is not None:
            loops["scheduler"] = partial(self.scheduler.run, stop)
        async with asyncio.TaskGroup() as group:
            for name, loop in loops.items():
                group.create_task(self.supervisor.keep(name, loop), name=name)

    async def close(self) -> None:
        await self.transport.close()
        if self.owns_db:
            await self.routing_services.db.close()


def default_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def build_worker(config: Config, *, name: str | None = None,
                 routing_services: RoutingServices | None = None,
                 supervisor: Supervisor | None = None,
                 jobs: TimedJobs | None = None) -> Worker:
    """A worker on its own database, or on the one of `routing_services` (`callcenter serve`,
    with the supervisor of its other loops), which it then leaves open. `jobs` registers the
    timed jobs on its scheduler."""
    owns_db = routing_services is None
    if routing_services is None:
        routing_services = build_routing(
            config, Database(config.database.url, echo=config.database.echo))
    db = routing_services.db
    transport = ChannelTransport(smtp_settings(config),
                                 webhook_timeout=config.notify.webhook_timeout,
                                 sms=sms_settings(config))
    count = 1 if db.dialect == "sqlite" else config.outbox.workers
    store = SqlOutboxStore(db)
    name = name or default_name()
    workers = [OutboxWorker(store=store, transport=transport, name=f"{name}-{i + 1}",
                            settings=worker_settings(config)) for i in range(count)]
    scheduler = Scheduler(db, timezone=config.timezone, owner=name)
    if jobs is not None:
        jobs(config, scheduler)
    return Worker(routing_services, transport, workers, config.outbox.sweep_interval, owns_db,
                  supervisor or Supervisor(), scheduler)


@contextlib.contextmanager
def signals(rules: RuleHolder, stop: asyncio.Event) -> Iterator[None]:
    """SIGHUP reloads the routing rules; SIGTERM and SIGINT ask for a graceful stop."""
    loop = asyncio.get_running_loop()
    handlers = {signal.SIGHUP: rules.reload, signal.SIGTERM: stop.set, signal.SIGINT: stop.set}
    for sig, handler in handlers.items():
        loop.add_signal_handler(sig, handler)
    try:
        yield
    finally:
        for sig in handlers:
            loop.remove_signal_handler(sig)


async def run_worker(config: Config, *, name: str | None = None,
                     jobs: TimedJobs | None = None) -> None:
    logs.configure(fmt=config.log.format, level=config.log.level)
    await prepare(config)
    worker = build_worker(config, name=name, jobs=jobs)
    log.info("worker_started", workers=len(worker.workers), rules=config.routing.rules,
             smtp=f"{config.smtp.host}:{config.smtp.port}")
    stop = asyncio.Event()
    try:
        with signals(worker.routing_services.rules, stop):
            await worker.run(stop)
    finally:
        await worker.close()
    log.info("worker_stopped")
