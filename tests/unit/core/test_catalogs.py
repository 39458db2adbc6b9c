"""Every message in the code and templates has a Ukrainian translation."""

from __future__ import annotations

from callcenter.core.web import catalogs
from callcenter.core.web.i18n import gettext


def test_every_message_is_in_the_catalog() -> None:
    assert catalogs.missing_from_catalog("uk") == [], (
        "run `python3 -m callcenter.core.web.catalogs update` and translate the new messages")


def test_every_ukrainian_message_is_translated() -> None:
    assert catalogs.untranslated("uk") == []


def test_english_falls_back_to_the_message_itself() -> None:
    assert gettext("en", "Sign in") == "Sign in"
    assert gettext("uk", "Sign in") == "Увійти"
