"""SMS to residents: who gets one, its text, and how many parts it takes.

Only a Ukrainian mobile number gets an SMS (phonenumbers' number type): never a landline, a
withheld number, a foreign number or a resident who said no. Texts come from config/sms.toml
with `{number}` and `{link}`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers

REGISTERED, DONE = "registered", "done"
EVENTS = (REGISTERED, DONE)
# The GSM 03.38 basic alphabet (and the escape table, two septets each): anything else makes
# the whole message UCS-2.
GSM_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLM"
             "NOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = "^{}\\[~]|€\f"
_MOBILE = frozenset({phonenumbers.PhoneNumberType.MOBILE})


class InvalidTexts(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class SmsTexts:
    registered: str
    done: str

    def text(self, event: str, *, number: str, link: str) -> str:
        template = self.registered if event == REGISTERED else self.done
        return template.format(number=number, link=link)


def parse_texts(data: Mapping[str, Any]) -> SmsTexts:
    """The texts of config/sms.toml: both events, each a string with only known fields."""
    found = {}
    for event in EVENTS:
        value = data.get(event)
        if not isinstance(value, str) or not value.strip():
            raise InvalidTexts(f"{event}: expected a text")
        try:
            value.format(number="2026-000001", link="https://x")
        except (KeyError, IndexError, ValueError) as exc:
            raise InvalidTexts(f"{event}: only {{number}} and {{link}} may be filled in") \
                from exc
        found[event] = value.strip()
    return SmsTexts(**found)


def status_link(base_url: str, number: str) -> str:
    return f"{base_url.rstrip('/')}/s/{number}"


def is_mobile(e164: str | None) -> bool:
    """A Ukrainian mobile number (E.164)."""
    if not e164 or not e164.startswith("+380"):
        return False
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in _MOBILE


def recipient(caller: str | None, contact_phone: str | None, *, refused: bool) -> str | None:
    """Where the SMS goes: the caller's mobile, else the contact phone if mobile; else none."""
    if refused:
        return None
    return next((p for p in (caller, contact_phone) if is_mobile(p)), None)


def parts(text: str) -> int:
    """How many SMS parts the text takes: GSM-7 160 (153 per part of a long one), UCS-2 70
    (67)."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        septets = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)
