"""The public status of an appeal: who may see it (the pair), what they see, how guessing is
slowed.

The pair is the appeal's number and a key: the last four digits of the caller's number or of
the contact phone, or the contact e-mail. An appeal with neither has no public status. A wrong
pair, an unknown number and an appeal without a public status all answer the same "not found".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from callcenter.appeals.model.statuses import Status
from callcenter.core.errors import DomainError
from callcenter.core.throttle import DelayPolicy, Strikes, wait_of

NUMBER = re.compile(r"^\d{4}-\d{6,12}$")
DIGITS = 4


class StatusNotFound(DomainError):
    """No appeal with this number and key (no hint which half was wrong)."""

    error_id = "status_not_found"

    def __init__(self) -> None:
        super().__init__("no appeal with this number and phone digits or e-mail")


class StatusThrottled(DomainError):
    """Too many wrong tries lately: try again after `retry_after` seconds."""

    error_id = "too_many_tries"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many wrong tries; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Contacts:
    """What an appeal's pair can match."""

    caller: str | None
    contact_phone: str | None
    contact_email: str | None

    @property
    def public(self) -> bool:
        """An appeal has a public status only with a phone or an e-mail to pair it with."""
        return any(len(_digits(p)) >= DIGITS for p in (self.caller, self.contact_phone)) \
            or bool(self.contact_email)


def matches(contacts: Contacts, key: str) -> bool:
    """The key (four digits, or an e-mail) pairs with the appeal."""
    key = key.strip()
    if "@" in key:
        email = contacts.contact_email
        return bool(email) and key.casefold() == (email or "").strip().casefold()
    if len(key) != DIGITS or not key.isascii() or not key.isdigit():
        return False
    return any(len(_digits(p)) >= DIGITS and _digits(p).endswith(key)
               for p in (contacts.caller, contacts.contact_phone))


def _digits(phone: str | None) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


@dataclass(frozen=True, slots=True)
class PublicAppeal:
    """What a resident sees of an appeal: never notes, operators, phone numbers or the flat."""

    number: str
    status: Status
    opened_at: datetime
    changed_at: datetime
    category: str | None  # the code; pages and the API show its name
    street: str | None
    house: str | None
    contractor: str | None  # the contractor's name
    deadline: datetime | None
    planned_date: date | None
    answer: str | None  # the contractor's answer meant for the resident


def public_address(street: str | None, house: str | None) -> str | None:
    """The street and house, never the flat."""
    if not street:
        return None
    return f"{street}, {house}" if house else street


# -- guessing: growing delays per client address and per appeal number ---------------------

ADDRESS_POLICY = DelayPolicy(free=10, first=60.0, cap=3600.0, forget=3600.0)
NUMBER_POLICY = DelayPolicy(free=5, first=2.0, cap=600.0, forget=3600.0)


@dataclass(frozen=True, slots=True)
class StatusLimits:
    address: DelayPolicy = ADDRESS_POLICY
    number: DelayPolicy = NUMBER_POLICY


def throttle_keys(address: str, number: str) -> list[str]:
    return [f"status-address:{address}", f"status-number:{number}"]


def status_wait(limits: StatusLimits, address: Strikes | None, number: Strikes | None,
                now: float) -> float:
    """Seconds before this address may try this number: the sign-in rule (DESIGN-NOTES.md,
    "Throttling guessers"). An address waits out its own delay; the number's growing delay binds
    it only once it failed itself `limits.number.free` times lately, so a guesser elsewhere
    never keeps the resident with the right pair out."""
    own = wait_of(address, limits.address, now)
    recent = address.current(limits.address, now) if address else None
    if recent is None or recent.failures < limits.number.free:
        return own
    return max(own, wait_of(number, limits.number, now))
