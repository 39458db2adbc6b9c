"""Who gets an SMS, what it says, and that it fits one part."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from callcenter.residents.model.sms import (
    EVENTS,
    InvalidTexts,
    is_mobile,
    parse_texts,
    parts,
    recipient,
    status_link,
)

TEXTS = Path(__file__).parents[3] / "config" / "sms.toml"


def test_only_ukrainian_mobile_numbers_get_an_sms() -> None:
    assert is_mobile("+380671234567")  # Kyivstar
    assert is_mobile("+380501234567")  # Vodafone
    assert is_mobile("+380931234567")  # lifecell
    assert not is_mobile("+380342123456")  # an Ivano-Frankivsk landline
    assert not is_mobile("+380442345678")  # a Kyiv landline
    assert not is_mobile("+48501234567")  # a Polish mobile
    assert not is_mobile(None) and not is_mobile("") and not is_mobile("anonymous")


def test_the_caller_first_then_the_contact_phone_and_never_when_refused() -> None:
    assert recipient("+380671234567", "+380501234567", refused=False) == "+380671234567"
    assert recipient("+380342123456", "+380501234567", refused=False) == "+380501234567"
    assert recipient(None, None, refused=False) is None
    assert recipient("+380342123456", None, refused=False) is None
    assert recipient("+380671234567", None, refused=True) is None


def test_cyrillic_takes_ucs2_parts_and_latin_gsm_parts() -> None:
    assert parts("Я" * 70) == 1
    assert parts("Я" * 71) == 2
    assert parts("Я" * 134) == 2 and parts("Я" * 135) == 3
    assert parts("a" * 160) == 1 and parts("a" * 161) == 2
    assert parts("€" * 80) == 1 and parts("€" * 81) == 2  # two septets each


@pytest.mark.parametrize("event", EVENTS)
def test_the_configured_texts_fit_one_sms_part(event: str) -> None:
    texts = parse_texts(tomllib.loads(TEXTS.read_text(encoding="utf-8")))
    link = status_link("https://1580.if.ua/", "2026-000123")
    text = texts.text(event, number="2026-000123", link=link)
    assert link == "https://1580.if.ua/s/2026-000123"
    assert "2026-000123" in text and link in text
    assert parts(text) == 1, (len(text), text)
    longer = "2026-1234567"  # past a million appeals in a year the number widens
    assert parts(texts.text(event, number=longer, link=status_link("https://1580.if.ua",
                                                                    longer))) == 1


def test_texts_with_unknown_fields_or_missing_are_refused() -> None:
    with pytest.raises(InvalidTexts, match="registered"):
        parse_texts({"done": "x"})
    with pytest.raises(InvalidTexts, match="only"):
        parse_texts({"registered": "{name}", "done": "x"})
    with pytest.raises(InvalidTexts):
        parse_texts({"registered": "{0}", "done": "x"})
