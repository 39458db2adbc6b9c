"""The composition root: builds adapters, wires services, runs them in one TaskGroup."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import signal
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import structlog
import uvicorn
from fastapi import APIRouter, FastAPI

from callcenter.appeals import api as appeal_api
from callcenter.appeals import pages as operator_pages
from callcenter.appeals.model.photos import PhotoRules
from callcenter.appeals.service.filing import AppealFiling
from callcenter.appeals.service.operators import AppealRules, Appeals, OnRegistered
from callcenter.appeals.service.photos import AppealPhotos
from callcenter.appeals.store.appeals import SqlAppealStore
from callcenter.appeals.store.filing import SqlFilingStore
from callcenter.callbacks import api as callbacks_api
from callcenter.callbacks import pages as callbacks_pages
from callcenter.callbacks.wiring import build_callbacks
from callcenter.calls.wiring import Listener, build_listener, build_recordings, run_until_signal
from callcenter.contractors import pages as contractor_pages
from callcenter.contractors.api import admin as admin_contractors
from callcenter.contractors.api import desk as contractor_api
from callcenter.contractors.service.admin import ContractorsAdmin
from callcenter.contractors.service.desk import ContractorDesk
from callcenter.contractors.store.contractors import SqlContractorStore
from callcenter.contractors.store.desk import SqlContractorDesk
from callcenter.core import logs
from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.core.pacing import Supervisor
from callcenter.core.scheduler import Scheduler
from callcenter.core.web.app import WebParts, create_app
from callcenter.core.web.health import Readiness
from callcenter.core.web.listening import open_http_sockets
from callcenter.core.web.metrics import Metrics
from callcenter.delivery import api as outbox_api
from callcenter.delivery import pages as outbox_pages
from callcenter.delivery.model.residents import appeal_filed
from callcenter.duty import api as duty_api
from callcenter.duty import pages as duty_pages
from callcenter.duty import wiring as duty_wiring
from callcenter.mail import api as mail_api
from callcenter.mail.wiring import MailReceiver, build_letters, build_receiver
from callcenter.open311 import api as open311_api
from callcenter.open311 import pages as open311_pages
from callcenter.open311.service import ApiKeys, Open311
from callcenter.open311.store import SqlOpen311Store
from callcenter.outages import api as outages_api
from callcenter.outages import pages as outages_pages
from callcenter.outages import wiring as outages_wiring
from callcenter.outages.pages import announcements as announcement_pages
from callcenter.outages.wiring import build_digest_archive, build_outages
from callcenter.pops.api import board as board_routes
from callcenter.pops.api import operator as pop_routes
from callcenter.pops.api.operator import PopWeb
from callcenter.pops.api.sockets import SocketRegistry
from callcenter.pops.store.board import figures_since, signed_in_operators
from callcenter.pops.wiring import PopSide, web_pops
from callcenter.portal import pages as portal_pages
from callcenter.portal.wiring import build_portal
from callcenter.recordings.api import disputes as dispute_api
from callcenter.recordings.api import replay as replay_api
from callcenter.recordings.pages import listen as listen_pages
from callcenter.recordings.pages import supervisor as supervisor_pages
from callcenter.recordings.schemas import Supervision
from callcenter.recordings.service.archive import Archive
from callcenter.recordings.service.disputes import Disputes
from callcenter.recordings.service.evidence import EvidenceExport
from callcenter.recordings.service.replay import Replays, ReplaySettings
from callcenter.recordings.store.disputes import SqlDisputeStore
from callcenter.recordings.store.replay import SqlReplayStore
from callcenter.reference import api as reference_api
from callcenter.reference.service import Reference, load_reference
from callcenter.residents import api as residents_api
from callcenter.residents import pages as residents_pages
from callcenter.residents.wiring import build_sms, build_statuses, registered_hook
from callcenter.routing import api as routing_api
from callcenter.routing import pages as overdue_pages
from callcenter.routing.wiring import (
    RoutingServices,
    Worker,
    build_routing,
    build_worker,
    prepare,
)
from callcenter.users import api as users_api
from callcenter.users import pages as users_pages
from callcenter.users.wiring import build_auth

log = structlog.get_logger("callcenter")


def web_parts(pops: PopSide, metrics: Metrics) -> tuple[list[APIRouter], PopWeb]:
    """This process's pop sockets, fed by the relay, and the pop and board routes."""
    sockets = SocketRegistry(metrics)
    pops.relay.sockets = sockets

    parts = PopWeb(pops.relay, sockets, pops.pauses,
                   board_routes.CachedOperators(lambda now: signed_in_operators(pops.db, now)),
                   lambda since: figures_since(pops.db, since))
    return [pop_routes.router, board_routes.router], parts


def build_web(config: Config, db: Database, *, listener: Listener | None = None,
              metrics: Metrics | None = None, pops: PopSide | None = None,
              routing_services: RoutingServices | None = None,
              supervisor: Supervisor | None = None) -> FastAPI:
    """The web app; `listener` is given in the process that holds the AMI link, `pops` in a
    web-only one (its `run()` follows the other processes' pops). An appeal the operator
    registers is routed at once by `routing_services` (built here unless given). Readiness
    and metrics tell of the database and of the process's loops (`supervisor`, the
    listener's where there is one)."""
    metrics = metrics or Metrics()
    routing_services = routing_services or build_routing(config, db)
    supervisor = listener.supervisor if listener is not None else supervisor or Supervisor()
    readiness = Readiness(database=db.check, loops=supervisor.failing)
    metrics.watch_database(db.availability)
    metrics.watch_loops(supervisor.failures)
    if listener is not None:
        link = listener.link
        readiness.ami_logged_in = lambda: link.logged_in
        metrics.watch_link(lambda: link.reconnects, lambda: link.logged_in)
        metrics.watch_calls(lambda: listener.intake.tracker.calls_in_progress)
    pops = listener.pops if listener is not None and listener.pops else pops or web_pops(db)
    routers, pop_web = web_parts(pops, metrics)
    reference = load_reference(config.reference)
    attachments = Archive(Path(config.attachments.dir))
    sms = build_sms(config, db)
    routing_services.answers.on_done = sms.appeal_done
    parts = WebParts(auth=build_auth(config, db), readiness=readiness, metrics=metrics,
                     secure_cookies=config.http.secure_cookies,
                     allowed_origins=config.http.allowed_origins,
                     # routing_api first: /api/appeals/overdue is not an appeal number
                     routers=[users_api.router, *routers, routing_api.router, appeal_api.router,
                              reference_api.router, operator_pages.router,
                              replay_api.router, dispute_api.router, supervisor_pages.router,
                              listen_pages.router, outbox_pages.router,
                              outbox_api.router, overdue_pages.router,
                              contractor_api.router, contractor_pages.router,
                              admin_contractors.router, admin_contractors.pages,
                              users_pages.router, residents_api.router, residents_pages.router,
                              portal_pages.router, open311_api.router, open311_pages.pages,
                              mail_api.router,
                              outages_api.open_router, outages_api.router,
                              # digests first: /outages/digests is not an outage's id
                              announcement_pages.router, outages_pages.digests,
                              outages_pages.staff, outages_pages.residents,
                              duty_api.router, duty_pages.router,
                              callbacks_api.router, callbacks_pages.router],
                     error_formats={open311_api.PREFIX.rsplit("/", 1)[0] + "/":
                                    open311_api.open311_errors},
                     state={"pops": pop_web, "reference": reference,
                            "appeals": build_appeals(
                                config, db, reference,
                                on_registered=registered_hook(
                                    routing_services.appeal_router.route_number, sms)),
                            "supervision": build_supervision(config, db),
                            "routing_services": routing_services,
                            "contractor_desk": build_contractor_desk(config, db, routing_services,
                                                                     attachments),
                            "appeal_photos": AppealPhotos(
                                SqlAppealStore(db, pbx=config.pbx.name,
                                               timezone=config.timezone), attachments),
                            "contractors_admin": ContractorsAdmin(SqlContractorStore(db)),
                            "public_statuses": build_statuses(config, db),
                            "mail_letters": build_letters(config, db),
                            "outages": build_outages(config, db, reference.streets),
                            "announcements": outages_wiring.build_announcements(config, db),
                            "outage_digests": build_digest_archive(config, db),
                            "duty": duty_wiring.build_duty(config, db),
                            "callbacks": build_callbacks(config, db),
                            **residents_side(config, db, reference, routing_services,
                                             attachments)})
    return create_app(parts)


def build_filing(config: Config, db: Database, reference: Reference,
                 routing_services: RoutingServices) -> AppealFiling:
    """Appeals filed from outside (portal, Open311): routed at once as an operator's save is,
    an e-mail confirmation through the outbox when the resident gave an address."""
    rules = AppealRules(categories=reference.categories, streets=reference.streets,
                        timezone=config.timezone, area_code=config.pbx.area_code)
    base = config.notify.public_base_url
    return AppealFiling(SqlFilingStore(db, timezone=config.timezone), rules,
                        on_registered=routing_services.appeal_router.route_number,
                        confirmation=lambda number, email: appeal_filed(
                            number, email, public_base_url=base))


def residents_side(config: Config, db: Database, reference: Reference,
                   routing_services: RoutingServices, attachments: Archive) -> dict[str, object]:
    """The portal's and Open311's services for the web app's state."""
    filing = build_filing(config, db, reference, routing_services)
    return {"portal": build_portal(config, filing, attachments),
            "open311": Open311(SqlOpen311Store(db), filing, reference.categories,
                               timezone=config.timezone),
            "open311_keys": ApiKeys(SqlOpen311Store(db))}


def build_appeals(config: Config, db: Database, reference: Reference, *,
                  on_registered: OnRegistered | None = None) -> Appeals:
    rules = AppealRules(categories=reference.categories, streets=reference.streets,
                        timezone=config.timezone, area_code=config.pbx.area_code)
    return Appeals(SqlAppealStore(db, pbx=config.pbx.name, timezone=config.timezone), rules,
                   on_registered=on_registered)


def build_contractor_desk(config: Config, db: Database, routing_services: RoutingServices,
                          attachments: Archive) -> ContractorDesk:
    a = config.attachments
    return ContractorDesk(store=SqlContractorDesk(db), answers=routing_services.answers,
                          photos=attachments,
                          photo_rules=PhotoRules(max_bytes=a.photo_max_bytes,
                                                 max_count=a.photos_max,
                                                 max_pixels=a.photo_max_pixels))


def build_supervision(config: Config, db: Database) -> Supervision:
    """Replays, disputes and evidence bundles for the supervisors' pages and API."""
    archive = Path(config.recordings.dir)
    replays_store, disputes_store = SqlReplayStore(db), SqlDisputeStore(db)
    return Supervision(
        replays=Replays(replays_store, ReplaySettings(archive, config.replay.grant_minutes)),
        disputes=Disputes(disputes_store, build_recordings(config, db),
                          link_hours=config.replay.link_hours),
        evidence=EvidenceExport(replays_store, disputes_store, archive_dir=archive,
                                timezone=config.timezone),
        timezone=config.timezone)


class HttpServer(uvicorn.Server):
    """uvicorn without its own signal handling: `run_until_signal` owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def uvicorn_config(app: FastAPI, config: Config) -> uvicorn.Config:
    return uvicorn.Config(app, host=config.http.host, port=config.http.port, log_config=None,
                          access_log=False, lifespan="off", ws_ping_interval=20.0,
                          ws_ping_timeout=20.0, ws_per_message_deflate=False)


def open_http(config: Config) -> list[socket.socket]:
    """The HTTP port, bound (HttpPortUnavailable, naming the address, if it cannot be)."""
    return open_http_sockets(config.http.host, config.http.port)


async def serve_http(app: FastAPI, config: Config,
                     sockets: list[socket.socket] | None = None) -> None:
    """Serve `app` on `sockets` (opened first by the commands, so a busy port stops them
    before anything starts), else on the configured port opened here."""
    server = HttpServer(uvicorn_config(app, config))
    task = asyncio.ensure_future(server.serve(sockets=sockets or open_http(config)))
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        server.should_exit = True
        await task
        raise
    if not server.started:
        raise OSError(f"cannot listen on {config.http.host}:{config.http.port}")


def timed_jobs(config: Config, scheduler: Scheduler) -> None:
    """Every feature's timed jobs, on the scheduler of `worker` and of `serve` with
    `[outbox] in_serve` (one line a feature)."""
    duty_wiring.schedule(config, scheduler)
    outages_wiring.schedule(config, scheduler, load_reference(config.reference).streets)


@dataclass
class Server:
    """The running pieces of `callcenter serve`: the AMI listener, the web app and, with
    `[outbox] in_serve`, the outbox workers and sweeps on the same database."""

    config: Config
    listener: Listener
    app: FastAPI
    worker: Worker | None
    http_sockets: list[socket.socket] | None = None  # opened by `serve` before the rest
    mail: MailReceiver | None = None  # `[mail] mode` smtp or imap

    worker_stop: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    worker_done: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(self.listener.run(), name="listener")
            group.create_task(serve_http(self.app, self.config, self.http_sockets),
                              name="http")
            if self.worker is not None:
                group.create_task(self._work(self.worker), name="worker")
            if self.mail is not None:
                group.create_task(self.mail.run(), name="mail")

    async def _work(self, worker: Worker) -> None:
        try:
            await worker.run(self.worker_stop)
        finally:
            self.worker_done.set()

    async def finish_work(self) -> None:
        """On SIGTERM, before the rest stops: the outbox workers finish (send and record) the
        batch in hand, so a restart sends nothing twice (bounded: a lease covers the rest)."""
        if self.worker is None:
            return
        self.worker_stop.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.config.notify.webhook_timeout + 5.0):
                await self.worker_done.wait()

    async def stop(self) -> None:
        if self.worker is not None:
            await self.worker.close()
        await self.listener.drain()


def build_server(config: Config, *, http_sockets: list[socket.socket] | None = None
                 ) -> Server:
    listener = build_listener(config)
    routing_services = build_routing(config, listener.db)
    app = build_web(config, listener.db, listener=listener, routing_services=routing_services)
    worker = (build_worker(config, routing_services=routing_services,
                           supervisor=listener.supervisor, jobs=timed_jobs)
              if config.outbox.in_serve else None)
    return Server(config, listener, app, worker, http_sockets,
                  mail=build_receiver(config, listener.db))


@contextlib.contextmanager
def reload_on_hangup(app: FastAPI) -> Iterator[None]:
    """SIGHUP reloads the routing rules this process routes with (a broken file is refused
    and the rules in use are kept)."""
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGHUP, app.state.routing_services.rules.reload)
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGHUP)


async def serve(config: Config) -> None:
    logs.configure(fmt=config.log.format, level=config.log.level)
    await prepare(config)
    http_sockets = open_http(config)  # a busy port stops us before the AMI login
    server = build_server(config, http_sockets=http_sockets)
    log.info("serving", ami=f"{config.ami.host}:{config.ami.port}", pbx=config.pbx.name,
             http=f"http://{config.http.host}:{config.http.port}/",
             outbox_workers=len(server.worker.workers) if server.worker else 0,
             mail=config.mail.mode)
    with reload_on_hangup(server.app):
        await run_until_signal(server.run, server.stop, first=server.finish_work)


async def serve_web(config: Config) -> None:
    """Only the web side (no AMI link): for more web processes beside one `serve`."""
    logs.configure(fmt=config.log.format, level=config.log.level)
    await prepare(config)
    http_sockets = open_http(config)
    db = Database(config.database.url, echo=config.database.echo)
    pops, supervisor = web_pops(db), Supervisor()
    app = build_web(config, db, pops=pops, supervisor=supervisor)
    log.info("serving_web", http=f"http://{config.http.host}:{config.http.port}/")

    async def both() -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(pops.run(supervisor), name="pops")
            group.create_task(serve_http(app, config, http_sockets), name="http")

    with reload_on_hangup(app):
        await run_until_signal(both, db.close)
