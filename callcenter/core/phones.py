"""Residents' phone numbers: normalization to E.164, carrier, masking for logs."""

from __future__ import annotations

import phonenumbers

# What Asterisk and carriers put in CallerIDNum when the number is withheld.
_WITHHELD = frozenset({"", "anonymous", "unknown", "<unknown>", "restricted", "private",
                       "unavailable", "withheld", "s"})
_REGION = "UA"
_CARRIER_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE,
                            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
                            phonenumbers.PhoneNumberType.PAGER})
# Ukrainian mobile carriers by the two digits after +380, as phonenumbers' carrier data names
# them in Ukrainian. Kept here because that module loads every country's carriers (about
# 12 MB in every process); tests/unit/core/test_phones.py checks this table against it, so a
# phonenumbers update that changes a Ukrainian carrier fails the suite. Other countries'
# numbers still use phonenumbers (imported on the first such call).
UA_CARRIERS = {
    "39": "Київстар", "67": "Київстар", "68": "Київстар", "77": "Київстар", "96": "Київстар",
    "97": "Київстар", "98": "Київстар",
    "50": "Vodafone Україна", "66": "Vodafone Україна", "75": "Vodafone Україна",
    "95": "Vodafone Україна", "99": "Vodafone Україна",
    "63": "lifecell", "73": "lifecell", "93": "lifecell",
    "79": "J&Y", "91": "ТриМоб", "92": "PEOPLEnet", "94": "Інтертелеком",
}


def is_withheld(raw: str) -> bool:
    return raw.strip().lower() in _WITHHELD


def normalize(raw: str, *, area_code: str) -> str | None:
    """E.164 for a caller number, None when withheld or not a phone number.

    `+380342123456`, `380342123456`, `0342123456` and the six-digit local `123456` (with the
    configured area code) are the same resident.
    """
    text = _number_part(raw.strip())
    if is_withheld(text) or any(ch.isalpha() for ch in text):
        return None  # withheld, or a name such as `asterisk` or `landline`
    digits = "".join(ch for ch in text if ch.isdigit())
    candidate = _dialable(text, digits, area_code)
    try:
        number = phonenumbers.parse(candidate, _REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _number_part(text: str) -> str:
    """`sip:0671234567@gw;user=phone` -> `0671234567` (a gateway may send a URI)."""
    lowered = text.lower()
    for scheme in ("sips:", "sip:", "tel:"):
        if lowered.startswith(scheme):
            text = text[len(scheme):]
            break
    return text.split("@", 1)[0].split(";", 1)[0]


def _dialable(text: str, digits: str, area_code: str) -> str:
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if len(digits) == 6:
        return "0" + area_code + digits
    if digits.startswith("380") and len(digits) == 12:
        return "+" + digits
    if digits.startswith("80") and len(digits) == 11:
        return digits[1:]  # the old long-distance prefix 8: 8 067 ... is 067 ...
    return digits


def carrier_of(e164: str | None) -> str | None:
    """The mobile carrier's name in Ukrainian (Київстар, Vodafone Україна, lifecell), else None."""
    if not e164:
        return None
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code == 380:  # as phonenumbers would: only for mobile numbers
        kind = phonenumbers.number_type(number)
        return UA_CARRIERS.get(e164[4:6]) if kind in _CARRIER_TYPES else None
    from phonenumbers import carrier  # all countries' data: only when a foreign number calls

    return carrier.name_for_number(number, "uk") or None


def mask(number: str | None) -> str | None:
    """`+380671234567` -> `+38067***4567`, for logs."""
    if not number or len(number) < 8:
        return number and "***"
    return number[:6] + "***" + number[-4:]


def _parsed(text: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, _REGION)
    except phonenumbers.NumberParseException:
        return None


def _short(text: str) -> bool:
    """A service number such as 104, 112 or 1580 (written 15-80 too)."""
    from phonenumbers import shortnumberinfo  # small; only where short numbers are judged

    digits = "".join(ch for ch in text if ch.isdigit())
    number = _parsed(digits) if 2 < len(digits) < 7 else None
    return number is not None and shortnumberinfo.is_valid_short_number_for_region(number,
                                                                                    _REGION)


def is_dialable(text: str) -> bool:
    """A phone an operator can dial: a valid number (+380342000159, 0342 55 12 34,
    0 800 50 40 20) or a Ukrainian service number (104, 112, 1580); never `abc`."""
    if any(ch.isalpha() for ch in text) or not any(ch.isdigit() for ch in text):
        return False
    number = _parsed(text)
    return (number is not None and phonenumbers.is_valid_number(number)) or _short(text)


def readable(text: str | None) -> str | None:
    """A phone as people read it aloud: `+380342000159` -> `0342 000 159`,
    `+380671234567` -> `067 123 4567`, a foreign one in the international format, a service
    number (`104`) and anything unparsable as written."""
    if not text:
        return text
    number = _parsed(text)
    if number is None or not phonenumbers.is_valid_number(number):
        return text.strip()
    kind = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 380
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, kind)
