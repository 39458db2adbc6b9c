"""Outages' composition: the store, the street list, the districts and category groups of
the routing rules file, and the [outages] settings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from callcenter.core.ami.link import AmiLink
from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.core.scheduler import Scheduler
from callcenter.outages.ami import AmiNotice
from callcenter.outages.audio import SoundMaker
from callcenter.outages.service import Outages, OutagesDigest, OutageSettings
from callcenter.outages.service.announcements import Announcements, Announcer
from callcenter.outages.service.digests import DigestArchive
from callcenter.outages.store import SqlOutageStore
from callcenter.outages.store.announcements import SqlAnnouncements
from callcenter.outages.store.digests import SqlDigestArchive
from callcenter.reference.model.street_search import StreetIndex
from callcenter.reference.model.streets import Street
from callcenter.reference.service import located
from callcenter.routing.service.rules import read_rules


def build_outages(config: Config, db: Database, streets: StreetIndex) -> Outages:
    rules = read_rules(located(config.routing.rules), timezone=config.timezone)
    districts: dict[str, tuple[Street, ...]] = {}
    for name, keys in rules.districts.items():
        found = [streets.best(key) for key in sorted(keys)]
        districts[name] = tuple(m.street for m in found if m is not None)
    o = config.outages
    settings = OutageSettings(timezone=config.timezone, soon_hours=o.soon_hours,
                              probable_calls=o.probable_calls,
                              probable_window_minutes=o.probable_window_minutes)
    groups = {name: sorted(codes) for name, codes in rules.groups.items()}
    return Outages(SqlOutageStore(db), streets, districts, settings, groups)


def build_digest(config: Config, db: Database) -> OutagesDigest:
    store = SqlOutageStore(db)
    return OutagesDigest(store, config.timezone, mail=store,
                         recipients=config.outages.digest_emails)


def build_digest_archive(config: Config, db: Database) -> DigestArchive:
    """The digests sent, for their pages."""
    return DigestArchive(SqlDigestArchive(db), config.timezone)


def schedule(config: Config, scheduler: Scheduler, streets: StreetIndex) -> None:
    """The 08:00 digest (`[outages] digest_at`, to `digest_emails`) and, every minute, time's
    moves of the register (planned -> active, with their history rows)."""
    if config.outages.digest_emails:
        scheduler.daily("outages-digest", config.outages.digest_at,
                        build_digest(config, scheduler.db).send)
    outages = build_outages(config, scheduler.db, streets)

    async def advance(_due: datetime) -> None:
        await outages.advance()

    scheduler.every("outages-advance", 1, advance)


def build_sounds(config: Config) -> SoundMaker:
    o = config.outages
    return SoundMaker(Path(o.sounds_dir), voice=o.speech_voice, rate=o.speech_rate)


def build_announcements(config: Config, db: Database) -> Announcements:
    """The supervisors' switch of what callers hear before the queue (the web side)."""
    return Announcements(SqlAnnouncements(db), build_sounds(config), pbx=config.pbx.name,
                         folder=config.outages.asterisk_sounds_dir, timezone=config.timezone,
                         check_seconds=config.outages.notice_check_seconds)


def build_announcer(config: Config, db: Database, link: AmiLink) -> Announcer:
    """In the process holding the AMI link: keeps the dialplan's global as the register
    says."""
    o = config.outages
    return Announcer(SqlAnnouncements(db), AmiNotice(link, o.notice_variable),
                     pbx=config.pbx.name, folder=o.asterisk_sounds_dir,
                     check_seconds=o.notice_check_seconds)
