"""Outages' composition: the store, the street list, the districts and category groups of
the routing rules file, and the [outages] settings."""

from __future__ import annotations

from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.outages.service import Outages, OutagesDigest, OutageSettings
from callcenter.outages.store import SqlOutageStore
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
    return OutagesDigest(SqlOutageStore(db), config.timezone)
