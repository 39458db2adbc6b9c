"""Streets and houses as routing sees them: a minimal address parser and house-range matcher.

Stand-in until the reference module (`callcenter/reference/model/addresses.py`) lands: routing only
calls
`parse_address`, `street_key`, `parse_house` and `HouseSpec.matches`, so swapping the parser
changes nothing else.

Houses: `12`, `12А` (a separate building), `12/1` (a building with a fraction: corner building
or block), `12А/1`. A house spec in the rules is an exact house (`12А`, `12/1`: only that
building), or a range of base numbers (`1-99`, `1-99 odd`, `2-40 even`; Ukrainian `непарні` /
`парні` too) that covers every building whose base number is in it, letters and fractions
included (`1-99 odd` covers 13А and 13/2 but not 12А).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_HOUSE = 10_000
# Latin letters that look like Cyrillic ones, as typed on the wrong keyboard layout.
_LOOKALIKES = str.maketrans("ABCEHIKMOPTXabcehikmoptx", "АВСЕНІКМОРТХавсенікмортх")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})
_STREET_PREFIXES = (
    "вулиця", "вул.", "вул", "проспект", "просп.", "пр-т", "бульвар", "бульв.", "б-р",
    "площа", "пл.", "провулок", "пров.", "майдан", "узвіз",
)
_CITY_PARTS = ("м.", "місто", "м ", "івано-франківськ")
_HOUSE = re.compile(r"^(\d{1,5})([А-ЯҐЄІЇ]?)(?:/(\d{1,4}[А-ЯҐЄІЇ]?))?$")
_RANGE = re.compile(r"^(\d{1,5})\s*[-–—]\s*(\d{1,5})(?:\s+(\S+))?$")
_PARITY = {"odd": 1, "непарні": 1, "even": 0, "парні": 0}


class HouseSpecError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class House:
    number: int
    letter: str = ""
    fraction: str = ""

    def __str__(self) -> str:
        return f"{self.number}{self.letter}" + (f"/{self.fraction}" if self.fraction else "")


@dataclass(frozen=True, slots=True)
class HouseSpec:
    """An exact house, or a range of base numbers with an optional side (odd / even)."""

    text: str
    exact: House | None = None
    low: int = 0
    high: int = 0
    parity: int | None = None

    def matches(self, house: House) -> bool:
        if self.exact is not None:
            return house == self.exact
        if not self.low <= house.number <= self.high:
            return False
        return self.parity is None or house.number % 2 == self.parity


def parse_house(text: str) -> House | None:
    """`12`, `12а`, `12 А`, `12-А`, `12A` (Latin), `12/1` -> House; None when not a house."""
    cleaned = text.translate(_LOOKALIKES).upper().strip()
    cleaned = re.sub(r"(?<=\d)[\s-]+(?=[А-ЯҐЄІЇ])", "", cleaned)  # 12 А, 12-А -> 12А
    found = _HOUSE.match(re.sub(r"\s*/\s*", "/", cleaned))
    if found is None or not 0 < int(found[1]) <= MAX_HOUSE:
        return None
    return House(int(found[1]), found[2], found[3] or "")


def parse_house_spec(text: str) -> HouseSpec:
    """A house spec from the rules; HouseSpecError names what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise HouseSpecError(f"house spec must be a non-empty string, got {text!r}")
    found = _RANGE.match(text.strip().lower())
    if found is None:
        exact = parse_house(text)
        if exact is None:
            raise HouseSpecError(f"not a house or a range of houses: {text!r}")
        return HouseSpec(text, exact=exact)
    low, high, side = int(found[1]), int(found[2]), found[3]
    if not 0 < low <= high <= MAX_HOUSE:
        raise HouseSpecError(f"range {text!r}: expected 1 <= first <= last <= {MAX_HOUSE}")
    if side is not None and side not in _PARITY:
        raise HouseSpecError(f"range {text!r}: side must be odd or even, got {side!r}")
    return HouseSpec(text, low=low, high=high, parity=_PARITY[side] if side else None)


def street_key(name: str) -> str:
    """A street name compared loosely: lower case, no `вул.`-like prefix, one space, one
    apostrophe, Latin lookalikes turned Cyrillic."""
    text = " ".join(name.translate(_APOSTROPHES).lower().replace(".", ". ").split())
    words = [_cyrillic(word) for word in text.split(" ")]
    while words and words[0] in _STREET_PREFIXES:
        words = words[1:]
    return " ".join(words).replace(" .", ".").strip(" ,")


def _cyrillic(word: str) -> str:
    """Latin lookalikes inside a Cyrillic word become Cyrillic; a Latin word stays as it is."""
    if any("а" <= ch <= "я" or ch in "ґєії" for ch in word):
        return word.translate(_LOOKALIKES)
    return word


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    street: str | None
    house: House | None


def parse_address(text: str | None) -> ParsedAddress:
    """`м. Івано-Франківськ, вул. Незалежності, 12А, кв. 5` -> street key and house.

    Comma-separated parts: the city is skipped, the first part with letters is the street, the
    first part that is a house is the house; without commas the last token that is a house.
    Flats, entrances and floors after the house are ignored.
    """
    if not text or not text.strip():
        return ParsedAddress(None, None)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    parts = [p for p in parts if not p.lower().startswith(_CITY_PARTS)]
    if len(parts) == 1:
        return _parse_one_part(parts[0])
    street = next((p for p in parts if parse_house(p) is None), None)
    house = next((h for h in map(parse_house, parts) if h is not None), None)
    return ParsedAddress(street_key(street) if street else None, house)


def _parse_one_part(text: str) -> ParsedAddress:
    """`Незалежності 12А кв 5`, `24 Серпня 5`: the first house after the street's first word."""
    tokens = street_key(text).split()
    for index in range(1, len(tokens)):
        house = parse_house(" ".join(tokens[index:index + 2])) or parse_house(tokens[index])
        if house is not None:
            return ParsedAddress(" ".join(tokens[:index]), house)
    return ParsedAddress(street_key(text), None)


def address_key(text: str | None) -> str | None:
    """The same place written differently gives the same key (duplicate detection)."""
    parsed = parse_address(text)
    if parsed.street is None:
        return None
    return parsed.street + ("|" + str(parsed.house) if parsed.house else "")
