"""The city's streets (config/streets.toml): official names, kinds, aliases and former names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from callcenter.core.errors import ReferenceDataError
from callcenter.core.folding import fold
from callcenter.reference.model.entries import Entry, check_unique, entries
from callcenter.reference.model.transliteration import transliterate


@dataclass(frozen=True, slots=True)
class StreetKind:
    word: str  # вулиця
    short: str  # вул.
    english: str  # St


KINDS: dict[str, StreetKind] = {k.word: k for k in (
    StreetKind("вулиця", "вул.", "St"),
    StreetKind("проспект", "просп.", "Ave"),
    StreetKind("бульвар", "бульв.", "Blvd"),
    StreetKind("площа", "пл.", "Sq"),
    StreetKind("майдан", "майдан", "Sq"),
    StreetKind("провулок", "пров.", "Ln"),
    StreetKind("набережна", "наб.", "Emb"),
    StreetKind("проїзд", "проїзд", "Pass"),
)}

# Words (folded) residents put before or after a street's name to say what kind it is,
# in Ukrainian, Russian and English, with the usual abbreviations.
KIND_WORDS = frozenset({
    "вул", "вулиця", "вулиці", "вулицю", "ул", "улица", "у", "пр", "просп", "проспект", "пр т",
    "пр кт", "бул", "бульв", "бульвар", "б р", "пл", "площа", "площі", "площадь", "пров",
    "провулок", "пер", "переулок", "наб", "набережна", "набережная", "майдан", "проїзд",
    "проезд", "street", "st", "str", "avenue", "ave", "av", "boulevard", "blvd", "square", "sq",
    "lane", "ln", "vul", "vulytsia", "prosp", "prospekt", "bulv", "bulvar", "pl", "ploshcha",
    "prov", "provulok",
})


@dataclass(frozen=True, slots=True)
class Street:
    """A street: `name` without its kind (`Незалежності`), `kind` one of KINDS (`вулиця`).

    `adjective` streets put the name first (`Південний бульвар`). `aliases` are other names
    residents use for the same street today (`Стометрівка`); `former` are its earlier official
    names (`Радянська`), shown as "formerly ..." when a search finds the street through one.
    """

    name: str
    kind: str = "вулиця"
    name_en: str = ""
    adjective: bool = False
    aliases: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    district: str | None = None

    @property
    def official(self) -> str:
        """`вулиця Незалежності`, `Південний бульвар`."""
        if self.adjective:
            return f"{self.name} {self.kind}"
        return f"{self.kind} {self.name}"

    @property
    def short(self) -> str:
        """The name as written in an address: `вул. Незалежності`, `Південний бульвар`."""
        if self.adjective:
            return self.official
        return f"{KINDS[self.kind].short} {self.name}"

    @property
    def key(self) -> str:
        """The search key: folded kind and name (`вулиця незалежності`)."""
        return fold(self.official)


def english_name(name: str, kind: str) -> str:
    """The English form by the national transliteration standard: `Nezalezhnosti St`."""
    return f"{transliterate(name)} {KINDS[kind].english}"


def parse_streets(data: Mapping[str, Any]) -> tuple[Street, ...]:
    """The streets file as loaded from TOML (`[[streets]]`), checked for clashes."""
    items = entries(data, "streets", what="street", name_key="name")
    streets = tuple(_street(entry) for entry in items)
    labels = [entry.label for entry in items]
    check_unique(((s.key, label) for s, label in zip(streets, labels, strict=True)),
                 "name")
    _check_other_names(streets, labels)
    return streets


def _street(entry: Entry) -> Street:
    entry.reject_unknown(("name", "kind", "name_en", "adjective", "aliases", "former",
                          "district"))
    name = entry.text("name")
    kind = entry.choice("kind", KINDS, default="вулиця")
    name_en = entry.optional_text("name_en") or english_name(name, kind)
    if not name_en.isascii():
        raise entry.fail(f"name_en: expected Latin letters, got {name_en!r}")
    return Street(name=name, kind=kind, name_en=name_en, adjective=entry.flag("adjective"),
                  aliases=entry.texts("aliases"), former=entry.texts("former"),
                  district=entry.optional_text("district"))


def _check_other_names(streets: tuple[Street, ...], labels: list[str]) -> None:
    """An alias or former name leads to exactly one street, and never hides a current name."""
    current = {fold(s.name): label for s, label in zip(streets, labels, strict=True)}
    seen: dict[str, str] = {}
    for street, label in zip(streets, labels, strict=True):
        for other in (*street.aliases, *street.former):
            key = fold(other)
            owner = seen.get(key) or (current.get(key) if current.get(key) != label else None)
            if owner:
                raise ReferenceDataError(f"{label}: alias or former name {other!r} is also "
                                         f"a name of {owner}")
            seen[key] = label
