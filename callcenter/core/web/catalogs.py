"""Keep the translation catalogs in step with the code: `python -m callcenter.core.web.catalogs`.

`update` re-extracts every message (Python `gettext`/`_`/`N_` calls and `{{ _("...") }}` in
templates) into messages.pot and merges it into each language's messages.po, keeping existing
translations. `check` lists Ukrainian messages still untranslated (the suite runs it too).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from callcenter.core.web.i18n import LANGUAGES, LOCALES

PACKAGE = Path(__file__).parents[2]
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extract() -> Catalog:
    template = Catalog(project="callcenter", fuzzy=False)
    found = extract_from_dir(PACKAGE, METHODS, keywords=KEYWORDS, options_map=OPTIONS)
    for _file, _line, message, _comments, _context in found:
        template.add(message)
    return template


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "messages.po"


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def update() -> None:
    template = extract()
    with (LOCALES / "messages.pot").open("wb") as handle:
        write_po(handle, template, omit_header=True, sort_output=True, no_location=True)
    for language in LANGUAGES:
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        with po_path(language).open("wb") as handle:
            write_po(handle, catalog, sort_output=True, no_location=True,
                     ignore_obsolete=True)


def untranslated(language: str = "uk") -> list[str]:
    catalog = read(language)
    return sorted(str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy))


def missing_from_catalog(language: str = "uk") -> list[str]:
    known = {m.id for m in read(language)}
    return sorted(str(m.id) for m in extract() if m.id and m.id not in known)


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
    problems = missing_from_catalog() + untranslated()
    for message in problems:
        print(f"untranslated (uk): {message!r}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
