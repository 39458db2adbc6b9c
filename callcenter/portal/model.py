"""The portal's rules, pure: which categories residents see (and the keyword search), and the
spam protection that needs no third party — a honeypot field, a minimum fill time carried by a
signed stamp, and a per-address allowance (the sign-in throttle's growing delays).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from callcenter.core.errors import DomainError
from callcenter.core.throttle import DelayPolicy
from callcenter.reference.model.categories import Category, CategoryBook, Lang

HONEYPOT = "website"  # a field people never see nor fill; robots fill every field
EMERGENCY_NUMBERS = ("101", "104", "112", "1580")


class Spam(DomainError):
    """A submission refused as a robot's: logged, never stored."""

    error_id = "portal_spam"

    def __init__(self, reason: str) -> None:
        super().__init__(f"submission refused: {reason}")
        self.reason = reason


class PortalThrottled(DomainError):
    error_id = "portal_throttled"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many appeals from this address; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class PortalRules:
    photos_max: int = 5
    min_fill_seconds: float = 3.0
    max_form_age: float = 24 * 3600.0
    per_address: DelayPolicy = field(default_factory=lambda: DelayPolicy(
        free=4, first=60.0, cap=3600.0, forget=3600.0))  # 5 appeals, then waits


def stamp(secret: bytes, issued_at: float) -> str:
    """The hidden field that says when the form was served: `<seconds>.<signature>`."""
    at = str(int(issued_at))
    return f"{at}.{_signature(secret, at)}"


def check_stamp(value: str, secret: bytes, *, now: float, rules: PortalRules) -> None:
    """Refuse a forged stamp, a form sent too soon after it was served, or a stale one."""
    at, _, signature = value.partition(".")
    if not at.isdigit() or not hmac.compare_digest(signature, _signature(secret, at)):
        raise Spam("forged or missing form stamp")
    age = now - int(at)
    if age < rules.min_fill_seconds:
        raise Spam(f"filled in {age:.0f} s")
    if age > rules.max_form_age:
        raise Spam("form served too long ago")


def check_honeypot(value: str) -> None:
    if value.strip():
        raise Spam("honeypot filled")


def _signature(secret: bytes, text: str) -> str:
    return hmac.new(secret, b"portal-stamp:" + text.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Offer:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class OfferGroup:
    label: str
    options: tuple[Offer, ...]


def offered(book: CategoryBook, query: str = "", lang: Lang = "uk") -> tuple[OfferGroup, ...]:
    """The public categories by group (narrowed by the keyword search when given)."""
    public = {c.code for c in book.public}
    matching = {c.code for c in book.matching(query)} if query.strip() else public
    found = []
    for group in book.groups:
        options = tuple(Offer(c.code, c.name(lang)) for c in book.categories
                        if c.group == group.code and c.code in public & matching)
        if options:
            found.append(OfferGroup(group.name(lang), options))
    return tuple(found)


def is_offered(category: Category | None) -> bool:
    return category is not None and category.public
