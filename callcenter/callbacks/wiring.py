"""Wiring of call-backs: the web's use cases, and the dialer in the process holding the AMI
link (calls/wiring.py hands it every frame and runs it)."""

from __future__ import annotations

from callcenter.callbacks.ami import AmiOriginator
from callcenter.callbacks.service import CallbackRules, Callbacks, Dialer
from callcenter.callbacks.store.desk import SqlCallbacks
from callcenter.callbacks.store.line import SqlCallbackLine
from callcenter.core.ami.link import AmiLink
from callcenter.core.config import Config
from callcenter.core.database import Database


def build_callbacks(config: Config, db: Database) -> Callbacks:
    d = config.duty
    rules = CallbackRules(attempts=d.callback_attempts, retry_minutes=d.callback_retry_minutes,
                          claim_minutes=d.claim_minutes,
                          public_base_url=config.notify.public_base_url)
    return Callbacks(SqlCallbacks(db), rules)


def build_dialer(config: Config, db: Database, link: AmiLink) -> Dialer:
    originator = AmiOriginator(link, caller_id=config.duty.caller_id,
                               ring_seconds=config.duty.originate_timeout)
    return Dialer(SqlCallbackLine(db, pbx=config.pbx.name), originator)
