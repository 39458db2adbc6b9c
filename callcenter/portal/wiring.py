"""The portal's composition: its use case on the filing, the attachments archive, the photo
rules of [attachments] and the spam rules of [portal]."""

from __future__ import annotations

import secrets

from callcenter.appeals.model.filing import ExternalAppeal
from callcenter.appeals.model.photos import PhotoRules
from callcenter.appeals.model.statuses import Channel
from callcenter.appeals.service.filing import AppealFiling
from callcenter.core.config import Config
from callcenter.core.throttle import DelayPolicy, MemoryStrikes
from callcenter.portal.model import PortalRules
from callcenter.portal.service import Portal
from callcenter.recordings.service.archive import Archive


def build_portal(config: Config, filing: AppealFiling, attachments: Archive) -> Portal:
    p, a = config.portal, config.attachments
    rules = PortalRules(photos_max=p.photos_max, min_fill_seconds=p.min_fill_seconds,
                        max_form_age=p.max_form_age_hours * 3600.0,
                        per_address=DelayPolicy(free=p.free_per_address - 1, first=p.first_delay,
                                                cap=p.max_delay, forget=p.forget_after))
    secret = p.secret.encode() if p.secret else secrets.token_bytes(32)
    return Portal(filing=filing, archive=attachments,
                  photo_rules=PhotoRules(max_bytes=a.photo_max_bytes, max_count=p.photos_max,
                                         max_pixels=a.photo_max_pixels),
                  rules=rules, strikes=MemoryStrikes(), secret=secret)


async def file_demo_appeal(portal: Portal, *, category: str, street: str = "", house: str = "",
                           description: str, name: str = "", phone: str = "",
                           email: str = "") -> str:
    """A demo resident's appeal, filed on the portal's path (the form's spam checks aside):
    registered, routed, confirmed by e-mail when `email` is given. Its number."""
    return await portal.filing.file(ExternalAppeal(
        channel=Channel.WEB, category=category, street=street, house=house,
        description=description, contact_name=name, contact_phone=phone,
        contact_email=email))
