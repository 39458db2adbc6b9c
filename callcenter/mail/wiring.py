"""Mail's composition: the intake on the appeals' filing, the attachments archive and the
mail store; the receiver `[mail] mode` names (smtp, imap) around it; `callcenter mail`."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from callcenter.appeals.service.filing import AppealFiling
from callcenter.appeals.service.operators import AppealRules
from callcenter.appeals.store.filing import SqlFilingStore
from callcenter.calls.wiring import run_until_signal
from callcenter.core import logs
from callcenter.core.config import Config, ConfigError
from callcenter.core.database import Database
from callcenter.delivery.model.residents import appeal_filed, mail_received
from callcenter.mail.model import MailRules
from callcenter.mail.senders import smtp
from callcenter.mail.senders.imap import ImapPoller, ImapSettings
from callcenter.mail.service import Letters, MailIntake
from callcenter.mail.store import SqlMailStore
from callcenter.recordings.service.archive import Archive
from callcenter.reference.service import load_reference
from callcenter.routing.wiring import prepare


def mail_rules(config: Config) -> MailRules:
    m = config.mail
    relay = parseaddr(config.smtp.from_address)[1].rpartition("@")[2]
    return MailRules(address=m.address.strip().lower(), max_message_bytes=m.max_message_bytes,
                     max_attachments=m.max_attachments, max_recipients=m.max_recipients,
                     domains=(relay,) if relay else ())


def build_intake(config: Config, db: Database) -> MailIntake:
    reference = load_reference(config.reference)
    rules = AppealRules(categories=reference.categories, streets=reference.streets,
                        timezone=config.timezone, area_code=config.pbx.area_code)
    base = config.notify.public_base_url
    filing = AppealFiling(
        SqlFilingStore(db, timezone=config.timezone), rules,
        confirmation=lambda n, e: appeal_filed(n, e, public_base_url=base),
        acknowledgement=lambda n, e: mail_received(n, e, public_base_url=base))
    return MailIntake(store=SqlMailStore(db, timezone=config.timezone), filing=filing,
                      archive=Archive(Path(config.attachments.dir)), rules=mail_rules(config))


def build_letters(config: Config, db: Database) -> Letters:
    return Letters(SqlMailStore(db, timezone=config.timezone),
                   Archive(Path(config.attachments.dir)))


@dataclass
class MailReceiver:
    """The receiver `[mail] mode` names, over one intake."""

    config: Config
    intake: MailIntake

    async def run(self) -> None:
        m = self.config.mail
        if m.mode == "smtp":
            handler = smtp.IntakeHandler(self.intake.take, self.intake.rules)
            await smtp.serve(handler, self.intake.rules, host=m.host, port=m.port)
        elif m.mode == "imap":
            await self.poller().run()

    def poller(self) -> ImapPoller:
        m = self.config.mail
        settings = ImapSettings(host=m.imap_host, port=m.imap_port, user=m.imap_user,
                                password=m.imap_password, folder=m.imap_folder,
                                tls=m.imap_tls, max_message_bytes=m.max_message_bytes)
        return ImapPoller(settings, self.intake.take, refuse=self.intake.answer_refusal,
                          interval=m.poll_seconds)


def build_receiver(config: Config, db: Database) -> MailReceiver | None:
    """The receiver, or None with `[mail] mode = off`."""
    if config.mail.mode == "off":
        return None
    return MailReceiver(config, build_intake(config, db))


async def run_mail(config: Config) -> None:
    """`callcenter mail`: migrate, then receive mail until SIGINT/SIGTERM."""
    if config.mail.mode == "off":
        raise ConfigError("mail.mode is off: set smtp or imap (CALLCENTER_MAIL__MODE)")
    logs.configure(fmt=config.log.format, level=config.log.level)
    await prepare(config)
    db = Database(config.database.url, echo=config.database.echo)
    receiver = MailReceiver(config, build_intake(config, db))
    await run_until_signal(receiver.run, db.close)
