"""Residents' personal data: what anonymizing an appeal keeps and what it removes.

Removed: names, phone numbers, e-mails, the flat, and contact details written into the free
text (phone numbers, e-mail addresses, flat numbers). Kept: what the reports need — the
category, the street and house, the dates, the status and the outcome, and the rest of the
description and answer. Names written into free text cannot be told from other words and stay;
the operator's form keeps names in their own fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from callcenter.core.errors import DomainError

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits with the usual separators; replaced when it holds 7 or more digits and is
# not an appeal number (2026-000123) or a date (2026-01-31, 31.01.2026).
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d \t().\-]{4,}\d(?!\w)")
NOT_PHONE = re.compile(r"^(\d{4}-\d{6,}|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4})$")
FLAT = re.compile(r"(?i)\b(кв(?:артира|\.)?)\s*№?\s*\d+[а-яa-z]?(?!\w)")
ADDRESS_FLAT = re.compile(r",\s*кв\.\s*[^,]+$")
PHONE_MARK, EMAIL_MARK, FLAT_MARK = "[телефон]", "[e-mail]", "[квартира]"


def scrub(text: str | None) -> str | None:
    """The text without phone numbers, e-mail addresses and flat numbers."""
    if text is None:
        return None
    text = EMAIL.sub(EMAIL_MARK, text)
    text = FLAT.sub(FLAT_MARK, text)
    return PHONE.sub(_phone, text)


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(ch.isdigit() for ch in found)
    if digits < 7 or NOT_PHONE.match(found.strip()):
        return found
    return PHONE_MARK


def without_flat(address: str | None) -> str | None:
    """`вул. Незалежності, 12А, кв. 5` -> `вул. Незалежності, 12А`."""
    return ADDRESS_FLAT.sub("", address) if address else address


class PersonNotFound(DomainError):
    """No appeal with this number and phone (the resident's request cannot be served)."""

    error_id = "person_not_found"

    def __init__(self, number: str) -> None:
        super().__init__(f"no appeal {number} with this phone number")


class UnderLegalHold(DomainError):
    """The appeal (or its recording) is under legal hold: its data may not be erased now."""

    error_id = "under_legal_hold"

    def __init__(self, number: str) -> None:
        super().__init__(f"appeal {number} is under legal hold (a disputed recording): its "
                         "data cannot be erased until the hold is released")


@dataclass(frozen=True, slots=True)
class PersonalData:
    """What the hotline keeps of a resident in one appeal (a resident's request to see it)."""

    appeal_id: int
    number: str
    status: str
    opened_at: datetime
    caller: str | None
    caller_name: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    address: str | None
    description: str | None
    answer: str | None
    sms_refused: bool
    anonymized: bool
    held: bool


@dataclass(frozen=True, slots=True)
class PurgeReport:
    cutoff: datetime
    due: int  # closed before the cutoff and not anonymized yet
    held: int  # of those, under legal hold: left alone
    anonymized: int  # 0 on a dry run
    dry_run: bool
    numbers: tuple[str, ...] = ()  # the appeals anonymized (or due, on a dry run)


def cutoff_of(now: datetime, keep_years: int) -> datetime:
    """`keep_years` calendar years before now (29 February falls back to the 28th)."""
    year = now.year - keep_years
    try:
        return now.replace(year=year)
    except ValueError:
        return now.replace(year=year, day=28)
