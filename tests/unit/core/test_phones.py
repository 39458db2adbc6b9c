"""Residents' numbers: E.164 normalization, carrier, masking (callcenter.core.phones)."""

from __future__ import annotations

import pytest

from callcenter.core import phones
from callcenter.core.phones import carrier_of, mask, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+380342123456", "+380342123456"),
        ("380342123456", "+380342123456"),
        ("0342123456", "+380342123456"),
        ("123456", "+380342123456"),  # six-digit local number takes the area code
        (" 123456 ", "+380342123456"),
        ("0671234567", "+380671234567"),
        ("+380 (67) 123-45-67", "+380671234567"),
        ("00380671234567", "+380671234567"),
        ("80671234567", "+380671234567"),  # the old long-distance prefix 8
        ("8 0342 123456", "+380342123456"),
        ("sip:0671234567@192.168.10.21", "+380671234567"),  # a gateway sending a URI
        ("SIP:+380501234567@gw;user=phone", "+380501234567"),
        ("tel:+380671234567", "+380671234567"),
    ],
)
def test_normalize_gives_e164(raw: str, expected: str) -> None:
    assert normalize(raw, area_code="342") == expected


def test_normalize_uses_the_configured_area_code() -> None:
    assert normalize("123456", area_code="322") == "+380322123456"  # Lviv


@pytest.mark.parametrize("raw", ["", "   ", "anonymous", "Anonymous", "<unknown>", "restricted"])
def test_withheld_numbers_are_none(raw: str) -> None:
    assert normalize(raw, area_code="342") is None


@pytest.mark.parametrize("raw", ["abc", "1001", "1580", "abc123456", "landline",
                                 "asterisk", "sip:landline@10.0.0.1"])
def test_garbage_and_operator_extensions_are_none(raw: str) -> None:
    assert normalize(raw, area_code="342") is None


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("+380671234567", "Київстар"),
        ("+380501234567", "Vodafone Україна"),
        ("+380631234567", "lifecell"),
        ("+380342123456", None),  # landline
        (None, None),
        ("", None),
    ],
)
def test_carrier_of(number: str | None, carrier: str | None) -> None:
    assert carrier_of(number) == carrier


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+380671234567", "+38067***4567"),
        ("+380342123456", "+38034***3456"),
        (None, None),
    ],
)
def test_mask(number: str | None, masked: str | None) -> None:
    assert mask(number) == masked


def test_mask_never_shows_a_short_value_in_full() -> None:
    assert mask("1001") == "***"


def test_the_ukrainian_carriers_are_those_of_phonenumbers() -> None:
    from phonenumbers import carrier, parse
    from phonenumbers.carrierdata import CARRIER_DATA

    from callcenter.core.phones import UA_CARRIERS

    theirs = {key[3:]: names["uk"] for key, names in CARRIER_DATA.items()
              if key.startswith("380")}
    assert theirs == UA_CARRIERS
    for prefix in [f"{n:02d}" for n in range(100)]:
        number = f"+380{prefix}1234567"
        assert carrier_of(number) == (carrier.name_for_number(parse(number), "uk") or None)


def test_a_foreign_mobile_number_still_gets_its_carrier() -> None:
    assert carrier_of("+48601234567") is not None  # Poland: looked up in phonenumbers
    assert carrier_of("+380441234567") is None  # Kyiv landline


@pytest.mark.parametrize("text", ["+380342000159", "0342 55 12 34", "+380 (67) 123-45-67",
                                  "0 800 50 40 20", "104", "112", "15-80", "+48 22 123 45 67"])
def test_phones_an_operator_can_dial(text: str) -> None:
    assert phones.is_dialable(text)


@pytest.mark.parametrize("text", ["abc", "", "12", "555", "0342", "+380 abc 12 34",
                                  "nine one one"])
def test_not_phones(text: str) -> None:
    assert not phones.is_dialable(text)


@pytest.mark.parametrize("text, read", [
    ("+380342000159", "0342 000 159"), ("+380671234567", "067 123 4567"),
    ("104", "104"), ("+48221234567", "+48 22 123 45 67"), ("not a phone", "not a phone"),
    (None, None)])
def test_phones_as_people_read_them(text: str | None, read: str | None) -> None:
    assert phones.readable(text) == read
