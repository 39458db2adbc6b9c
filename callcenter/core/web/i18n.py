"""Ukrainian by default, English on request: gettext catalogs compiled from the .po files.

The catalogs live in `web/locale/<lang>/LC_MESSAGES/messages.po` (extracted with pybabel, see
README); they are compiled in memory at start-up, so no binary .mo files live in git.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import HTTPConnection

LOCALES = Path(__file__).parent / "locale"
LANGUAGES = ("uk", "en")
DEFAULT = "uk"
COOKIE = "cc_lang"


@cache
def translations(language: str) -> Translations:
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def language_of(connection: HTTPConnection) -> str:
    """?lang= beats the cookie, which beats the default (Ukrainian, whatever the browser says)."""
    for candidate in (connection.query_params.get("lang"), connection.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT


def lang_of(connection: HTTPConnection) -> Literal["uk", "en"]:
    """The language as the reference data names it (categories have `uk` and `en` labels)."""
    return "en" if language_of(connection) == "en" else "uk"


def gettext(language: str, message: str) -> str:
    return translations(language).gettext(message)


def N_(message: str) -> str:
    return message
