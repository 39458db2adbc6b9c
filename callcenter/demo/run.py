"""`callcenter demo`: one process, one database, the whole hotline (see the package's doc)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import random
import secrets
import socket
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import structlog
from sqlalchemy import func, inspect, select, update
from sqlalchemy.engine import make_url

from callcenter.appeals.tables import Appeal
from callcenter.calls.tables import Call
from callcenter.calls.wiring import run_until_signal
from callcenter.contractors.tables import ContractorRow
from callcenter.core import logs
from callcenter.core.config import Config
from callcenter.core.database import Database, make_engine
from callcenter.core.errors import DomainError
from callcenter.demo import pages
from callcenter.demo.callbacks import CallBacker
from callcenter.demo.day import CityDay, NextCall
from callcenter.demo.duty import duty_day
from callcenter.demo.mailbox import Mailbox, MailCatcher
from callcenter.demo.outages import DemoOutages
from callcenter.demo.people import (
    PEOPLE,
    PORTAL_APPEALS,
    Colleague,
    Crews,
    DemoUser,
    Pace,
    ensure_users,
)
from callcenter.demo.phones import Caller, callers, scenario_for
from callcenter.main import Server, build_server, open_http
from callcenter.portal.wiring import file_demo_appeal
from callcenter.reference.service import load_reference
from callcenter.routing.wiring import prepare
from callcenter.simulator.demo import write_recording
from callcenter.simulator.pbx import SimulatedPbx
from callcenter.users.model import Role
from callcenter.users.wiring import build_auth

log = structlog.get_logger("callcenter.demo")
PBX_NAME = "demo"  # the demo's calls are on this PBX: how it knows its own appeals
PEOPLE_EVERY = 2.0  # seconds between the demo people's rounds
RESIDENTS_DOMAIN = "demo.example.com"  # the demo's residents who write on the portal
HEARD_AND_LEFT = "pjsip-caller-hangs-up-during-notice"  # a caller told by the announcement
SUPERVISOR = next(p.username for p in PEOPLE if p.role == Role.SUPERVISOR)
PORTAL_EVERY = 6  # one portal appeal per so many calls
MAIL_EVERY = 5  # one resident's e-mail per so many calls
DEMO_LETTERS = (
    ("Не працює ліфт", "Добрий день! У нашому під'їзді вже другий день не працює ліфт, "
                       "на дев'ятому поверсі живуть літні люди. Допоможіть, будь ласка."),
    ("Сміття у дворі", "Біля нашого будинку переповнені контейнери, сміття лежить на "
                       "землі. Прошу вжити заходів."),
    ("Немає гарячої води", "Третій день у квартирі немає гарячої води, ніхто нічого не "
                           "пояснює. Коли дадуть?"),
    ("Яма на дорозі", "На перехресті біля школи глибока яма, машини об'їжджають її по "
                      "тротуару. Фото додаю."),
)


@dataclass(frozen=True)
class DemoOptions:
    calls: int | None = None  # stop after this many calls (else until Ctrl-C)
    interval: float = 6.0  # real seconds between calls at an ordinary hour's rate
    speed: float = 96.0  # simulated seconds per real second: a day in 15 minutes
    seed: int = 1580


class ForeignDatabase(DomainError):
    error_id = "demo_foreign_database"


async def demo(config: Config, options: DemoOptions) -> None:
    logs.configure(fmt=config.log.format, level=config.log.level)
    await refuse_foreign(config.database.url)
    os.environ.setdefault(pages.SECRET_ENV, secrets.token_hex(16))
    os.environ.setdefault(pages.SMS_TOKEN_ENV, secrets.token_hex(16))
    mailbox = Mailbox()
    with MailCatcher(mailbox) as catcher:
        async with SimulatedPbx(username=config.ami.username, secret=config.ami.secret) as pbx:
            config = demo_config(config, pbx_port=pbx.port, smtp_port=catcher.port)
            pbx.callback_spool = Path(config.recordings.spool_dir)  # call-backs' WAVs
            await prepare(config)
            server = build_server(config, http_sockets=open_http(config))
            await Hotline(config, server, pbx, mailbox, options).run()


def demo_config(config: Config, *, pbx_port: int, smtp_port: int) -> Config:
    base = f"http://{config.http.host}:{config.http.port}"
    relay = config.smtp.from_address.rpartition("@")[2].strip("> ") or "1580.example.org"
    return config.replace(
        mail=dataclasses.replace(config.mail, mode="smtp", host="127.0.0.1", port=free_port(),
                                 address=f"1580@{relay}"),
        pbx=dataclasses.replace(config.pbx, name=PBX_NAME, queue_log=""),
        ami=dataclasses.replace(config.ami, host="127.0.0.1", port=pbx_port),
        smtp=dataclasses.replace(config.smtp, host="127.0.0.1", port=smtp_port,
                                 starttls=False, username="", password=""),
        notify=dataclasses.replace(config.notify, public_base_url=base),
        public=dataclasses.replace(config.public, base_url=base),
        sms=dataclasses.replace(config.sms, url=base + "/demo/sms",
                                token=os.environ[pages.SMS_TOKEN_ENV]))


def free_port() -> int:
    """A loopback port free right now, for the demo's mail receiver."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def refuse_foreign(url: str) -> None:
    """The demo writes only into an empty database or one it made itself."""
    foreign = await foreign_appeals(url)
    if foreign:
        raise ForeignDatabase(
            f"the database {make_url(url).render_as_string(hide_password=True)} holds "
            f"{foreign} appeals the demo did not make; the demo will not write into it. "
            "Give it another: callcenter --database sqlite+aiosqlite:///var/demo.db demo")


async def foreign_appeals(url: str) -> int:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        return 0
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            if "appeals" not in tables:
                return 0
            demo_call = select(Call.id).where(Call.id == Appeal.call_id, Call.pbx == PBX_NAME)
            demo_resident = Appeal.call_id.is_(None) & func.coalesce(
                Appeal.contact_email, "").like(f"%@{RESIDENTS_DOMAIN}")
            query = select(func.count()).select_from(Appeal).where(
                ~demo_call.exists() & ~demo_resident)
            return int((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()


class Hotline:
    """The running demo: the server, the calls of the day, the people who work by themselves."""

    def __init__(self, config: Config, server: Server, pbx: SimulatedPbx, mailbox: Mailbox,
                 options: DemoOptions) -> None:
        self.config, self.server, self.pbx, self.options = config, server, pbx, options
        self.db: Database = server.listener.db
        self.mailbox = mailbox
        self.day = CityDay(seed=options.seed, speed=options.speed, interval=options.interval)
        self.callers = callers(options.seed)
        self.random = random.Random(options.seed + 1)
        self.base = config.notify.public_base_url
        self.streets: list[str] = []
        self.outages: DemoOutages | None = None
        self.backer: CallBacker | None = None  # call-backs through the simulated Asterisk

    async def run(self) -> None:
        codes = await self.point_webhooks()
        shown, acting = await ensure_users(build_auth(self.config, self.db), codes)
        await duty_day(self.server.app.state.duty)
        app = self.server.app
        app.include_router(pages.router)
        app.state.demo_mailbox = self.mailbox
        pace = Pace()
        reference = load_reference(self.config.reference)
        streets = self.streets = [s.official for s in reference.streets.streets]
        burst = next((s.official for s in reference.streets.streets
                      if s.name == self.day.burst.street), streets[0])
        colleague = Colleague(self.db, app.state.appeals, acting["colleague"], streets, burst,
                              self.random, pace)
        crews = Crews(self.db, app.state.contractor_desk, acting, self.random, pace)
        self.outages = DemoOutages(app.state.outages, burst, app.state.announcements,
                                   SUPERVISOR)
        colleague.outage_answer = self.outages.answer
        await self.outages.plan()
        self.backer = CallBacker(app.state.callbacks, acting["colleague"].username,
                                 self.random)
        print(guide(self.base, shown), flush=True)
        log.info("demo_started", http=self.base, database=self.config.database.url,
                 speed=self.options.speed, seed=self.options.seed)
        await run_until_signal(lambda: self.everything(colleague, crews), self.server.stop,
                               first=self.server.finish_work)

    async def everything(self, colleague: Colleague, crews: Crews) -> None:
        async with asyncio.TaskGroup() as group:
            serving = group.create_task(self.server.run(), name="server")
            people = group.create_task(self.people(colleague, crews), name="demo-people")
            await self.logged_in()
            await self.play_day(colleague)
            await self.pbx.wait_idle()
            # the last recordings settle and are stored, then the demo stops by itself
            await asyncio.sleep(self.config.recordings.settle_seconds + 3.0)
            people.cancel()
            serving.cancel()

    async def logged_in(self) -> None:
        while not self.server.listener.link.logged_in:
            await asyncio.sleep(0.05)

    async def play_day(self, colleague: Colleague) -> None:
        placed = 0
        while self.options.calls is None or placed < self.options.calls:
            call = self.day.next_call() if placed else self.day.next_call_now()
            await asyncio.sleep(call.after)
            # the first calls come in on each trunk in turn (callers alternate trunks)
            caller = self.callers[placed if placed < 3 else call.caller]
            linkedid = self.place(caller, self.scenario(caller, call))
            if call.burst:
                colleague.burst_calls.add(linkedid)
                if self.outages is not None:
                    await self.outages.burst_began()
            placed += 1
            if placed % PORTAL_EVERY == 0:
                await self.resident_writes(placed // PORTAL_EVERY)
            if placed % MAIL_EVERY == 2:
                await self.resident_mails(placed // MAIL_EVERY)

    def scenario(self, caller: Caller, call: NextCall) -> str:
        """Half the callers about the burst hang up once the announcement told them."""
        heard = self.pbx.globals.get(self.config.outages.notice_variable, "")
        if call.burst and heard and self.random.random() < 0.5:
            return HEARD_AND_LEFT
        return scenario_for(caller, call.answered, self.random)

    def place(self, caller: Caller, scenario: str) -> str:
        ring = self.random.uniform(3.0, 8.0)
        talk = self.random.uniform(8.0, 20.0)
        linkedid = self.pbx.start_call(scenario, caller=caller.number, caller_name=caller.name,
                                       trunk=caller.trunk, ring_seconds=ring,
                                       talk_seconds=talk)
        write_recording(Path(self.config.recordings.spool_dir) / f"{linkedid}.wav",
                        ring + talk, freq=self.random.choice((330.0, 392.0, 440.0, 494.0)))
        return linkedid

    async def resident_writes(self, index: int) -> None:
        """A demo resident files on the portal (confirmed by e-mail: see /demo)."""
        category, text = self.random.choice(PORTAL_APPEALS)
        try:
            number = await file_demo_appeal(
                self.server.app.state.portal, category=category, description=text,
                street=self.random.choice(self.streets), house=str(self.random.randint(1, 40)),
                name="Мешканець (демо)", email=f"resident{index}@{RESIDENTS_DOMAIN}")
        except DomainError as exc:
            log.warning("demo_resident_refused", reason=str(exc))
            return
        log.info("demo_resident_filed", number=number,
                 status=f"{self.base}/status (e-mail resident{index}@{RESIDENTS_DOMAIN})")

    async def resident_mails(self, index: int) -> None:
        """A demo resident writes to the hotline's address, through the demo's own SMTP
        receiver: the letter waits in the operators' list (`Letters to complete`)."""
        subject, text = self.random.choice(DEMO_LETTERS)
        letter = EmailMessage()
        letter["From"] = f"Мешканка {index} (демо) <writer{index}@{RESIDENTS_DOMAIN}>"
        letter["To"] = self.config.mail.address
        letter["Subject"] = subject
        letter["Message-ID"] = f"<demo-{secrets.token_hex(8)}@{RESIDENTS_DOMAIN}>"
        letter.set_content(text)
        try:
            _, reply = await aiosmtplib.send(letter, hostname=self.config.mail.host,
                                             port=self.config.mail.port, timeout=10)
        except (aiosmtplib.SMTPException, OSError) as exc:
            log.warning("demo_resident_mail_failed", reason=str(exc))
            return
        log.info("demo_resident_mailed", reply=reply)

    async def people(self, colleague: Colleague, crews: Crews) -> None:
        while True:
            workers: list[Colleague | Crews | CallBacker] = [colleague, crews]
            if self.backer is not None:
                workers.append(self.backer)
            for who in workers:
                with contextlib.suppress(DomainError):  # the database away: next round
                    await who.work()
            await asyncio.sleep(PEOPLE_EVERY)

    async def point_webhooks(self) -> list[str]:
        """Every contractor's webhook goes to the demo's receiver; returns their codes."""
        async with self.db.transaction() as session:
            await session.execute(
                update(ContractorRow).where(ContractorRow.webhook_url.is_not(None))
                .values(webhook_url=self.base + "/demo/hooks/" + ContractorRow.code,
                        webhook_secret_ref=f"env:{pages.SECRET_ENV}"))
            codes = (await session.execute(select(ContractorRow.code))).scalars().all()
        return list(codes)


def guide(base: str, shown: list[tuple[DemoUser, str]]) -> str:
    where = {"operator": "/operator", "supervisor": "/supervisor/board",
             "admin": "/admin/contractors"}
    lines = ["", "The 1580 hotline demo is running. Open it in a browser and sign in:", ""]
    for person, password in shown:
        path = where.get(person.username, "/contractor")
        lines.append(f"  {person.username:<16} {password:<14} {base}{path}")
    lines += [
        "",
        "  (passwords are new at every start; every contractor signs in with its code,",
        "   e.g. vodokanal, teplo, hotline-coordinator)",
        "",
        "What to look at:",
        f"  1. As `operator` (seat PJSIP/op1001) keep {base}/operator open: the phone rings",
        "     there within seconds - the caller pops up; fill the appeal and save it (Ctrl+Enter)",
        "     and see whom it was routed to. Calls you do not take, a colleague fills in.",
        f"  2. {base}/demo: the letters, webhooks and SMS sent; demo residents also write on",
        f"     the portal ({base}/portal) and can check their appeal at {base}/status;",
        "     others send e-mails: they wait under \"Letters to complete\" on /operator.",
        "  3. The contractors take appeals into work and answer by themselves; see the answers",
        "     on the appeal's page and in the caller's next pop.",
        f"  4. {base}/operator/callbacks: missed calls, done appeals to check, appeals on",
        "     control; take one and press Call (your phone, then the resident's, rings in the",
        "     simulated Asterisk). A colleague calls back by himself now and then.",
        f"  5. As `supervisor`: the live board ({base}/supervisor/board), replay a recording",
        f"     ({base}/supervisor), deliveries ({base}/supervisor/outbox), the duty desk",
        f"     ({base}/duty: a check logged, one missed and its alarm, the journal).",
        f"  6. Outages: {base}/vidkliuchennia (public; hot water planned on Галицька, and the",
        "     water company registers the burst on Незалежності when it begins: the colleague",
        f"     then answers most calls about it by the outage); staff at {base}/outages.",
        "     The supervisor switches on the announcement callers hear before the queue,",
        f"     and half the callers about the burst hang up once told: {base}/outages/announcement",
        "  7. Another terminal, same folder: callcenter appeals list",
        "",
        "A compressed day: quiet night, a morning peak, a water main bursts around 12:30.",
        "Ctrl-C stops it.",
        "",
    ]
    return "\n".join(lines)
