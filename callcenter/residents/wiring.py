"""The residents' side from the configuration: the public status, SMS, privacy."""

from __future__ import annotations

import tomllib
from collections.abc import Awaitable, Callable

from callcenter.core.config import Config, ConfigError
from callcenter.core.database import Database
from callcenter.core.throttle import DelayPolicy
from callcenter.reference.service import located
from callcenter.residents.model.sms import InvalidTexts, SmsTexts, parse_texts
from callcenter.residents.model.status import StatusLimits
from callcenter.residents.service.privacy import Privacy
from callcenter.residents.service.sms import ResidentSms
from callcenter.residents.service.status import PublicStatuses, StatusThrottle
from callcenter.residents.store.privacy import SqlPrivacyStore
from callcenter.residents.store.sms import SqlSmsStore
from callcenter.residents.store.status import SqlStatusStore


def status_limits(config: Config) -> StatusLimits:
    p = config.public
    return StatusLimits(
        address=DelayPolicy(free=p.free_failures_per_address, first=p.address_first_delay,
                            cap=p.address_max_delay, forget=p.forget_after),
        number=DelayPolicy(free=p.free_failures_per_number, first=p.number_first_delay,
                           cap=p.number_max_delay, forget=p.forget_after))


def build_statuses(config: Config, db: Database) -> PublicStatuses:
    return PublicStatuses(SqlStatusStore(db), StatusThrottle(status_limits(config)),
                          timezone=config.timezone)


def read_texts(path: str) -> SmsTexts:
    try:
        with located(path).open("rb") as handle:  # relative: here, else the shipped file
            return parse_texts(tomllib.load(handle))
    except FileNotFoundError as exc:
        raise ConfigError(f"sms.texts: {path} does not exist") from exc
    except (tomllib.TOMLDecodeError, InvalidTexts) as exc:
        raise ConfigError(f"sms.texts: {path}: {exc}") from exc


def build_sms(config: Config, db: Database) -> ResidentSms:
    """SMS to residents; with no gateway configured (`[sms] url` empty) nothing is enqueued
    and the texts file is not read."""
    enabled = bool(config.sms.url)
    texts = read_texts(config.sms.texts) if enabled else SmsTexts("", "")
    return ResidentSms(SqlSmsStore(db), texts, base_url=config.public.base_url,
                       enabled=enabled)


def build_privacy(config: Config, db: Database) -> Privacy:
    return Privacy(SqlPrivacyStore(db, area_code=config.pbx.area_code),
                   keep_years=config.privacy.keep_years)


def registered_hook(route: Callable[[str], Awaitable[object]],
                    sms: ResidentSms) -> Callable[[str], Awaitable[None]]:
    """What the operator's save calls once an appeal is registered: the resident's SMS is
    enqueued (never raises), then the appeal is routed (the appeals service logs a failure)."""
    async def registered(number: str) -> None:
        await sms.appeal_registered(number)
        await route(number)
    return registered
