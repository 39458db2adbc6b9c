"""Addresses as operators type them: street, house (`12А`, `12/1`, `12 корп. 2`), flat.

- `parse_house("12-а")` -> `House(12, "А")`; `parse_flat("кв. 5")` -> `"5"`.
- `parse_address("вул. Незалежності, 12А, кв. 5", streets)` -> the street meant (if one is
  good enough), the house and the flat.
- `format_address(street, house, flat)` -> `"вул. Незалежності, 12А, кв. 5"`.
- `in_range(house, "1-99 odd")` for routing rules: see `parse_house_spec`.

House letters are stored as upper-case Ukrainian letters; a Latin letter that looks exactly
like one (`12A`, `12a`) is taken as that letter, any other Latin letter is refused (`12b`
could mean Б or В).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import takewhile
from typing import Literal

from callcenter.core.errors import InvalidHouseNumber, InvalidHouseRange
from callcenter.core.folding import fold
from callcenter.reference.model.street_search import StreetIndex, StreetMatch
from callcenter.reference.model.streets import KIND_WORDS, Street

# Latin letters drawn exactly like a Ukrainian one (12A, 12a); `b` is not: Б or В?
_LATIN_LOOKALIKES = str.maketrans("ABCEHIKMOPTXaceiopxy", "АВСЕНІКМОРТХасеіорху")
_UKRAINIAN_LETTERS = frozenset("АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЮЯ")
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−", "-"))
_LETTER = r"[^\W\d_]"
_HOUSE = re.compile(
    rf"(?P<number>\d{{1,4}})\s*-?\s*(?P<suffix>{_LETTER})?"
    rf"(?:\s*/\s*(?P<fraction>\d{{1,4}}(?:\s*-?\s*{_LETTER})?))?"
    rf"(?:\s*,?\s*(?:корпус|корп|кор|к)\.?\s*(?P<building>\d{{1,3}}{_LETTER}?))?",
    re.IGNORECASE)
_HOUSE_WORDS = re.compile(r"^(?:будинок|буд|б|дом|д)\.?\s*", re.IGNORECASE)
_FLAT = re.compile(rf"(?:^|(?<=[\s,.]))(?:квартира|кварт|кв|apt)\.?\s*"
                   rf"(?P<flat>\d{{1,4}}\s*{_LETTER}?)(?!\w)", re.IGNORECASE)
_HOUSE_MARKERS = frozenset({"буд", "будинок", "б", "д", "дом"})


@dataclass(frozen=True, slots=True)
class House:
    """`12А/1 корп. 2` = House(12, "А", "1", "2"). For ranges only `number` counts."""

    number: int
    suffix: str = ""
    fraction: str = ""
    building: str = ""

    def __str__(self) -> str:
        text = f"{self.number}{self.suffix}"
        text += f"/{self.fraction}" if self.fraction else ""
        return text + (f" корп. {self.building}" if self.building else "")


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    street_text: str  # what was typed for the street, as typed
    street: StreetMatch | None  # the street meant, when one candidate is good enough
    house: House | None
    flat: str | None


def parse_house(text: str) -> House:
    """A house number as typed: `12`, `12А`, `12a`, `12-А`, `12 а`, `12/1`, `буд. 12 корп. 2`."""
    clean = _HOUSE_WORDS.sub("", _normal(text).strip(" ,")).strip(" ,")
    match = _HOUSE.fullmatch(clean)
    if not match:
        raise InvalidHouseNumber(text, "expected a number, then optionally a letter, "
                                       "/number and корп. number (12, 12А, 12/1, 12 корп. 2)")
    number = int(match["number"])
    if number == 0:
        raise InvalidHouseNumber(text, "house numbers start at 1")
    return House(number, _letter(match["suffix"] or "", text),
                 _with_letter(match["fraction"], text), _with_letter(match["building"], text))


def parse_flat(text: str) -> str:
    """A flat number typed alone or with its word: `5`, `кв. 5`, `квартира 5а` -> `5`, `5А`."""
    clean = _normal(text).strip(" ,")
    match = _FLAT.fullmatch(clean) or re.fullmatch(rf"(?P<flat>\d{{1,4}}\s*{_LETTER}?)", clean)
    if not match or int(re.sub(r"\D", "", match["flat"])) == 0:
        raise InvalidHouseNumber(text, "expected a flat number (5, кв. 5, 5А)")
    return _with_letter(match["flat"], text)


def parse_address(text: str, streets: StreetIndex) -> ParsedAddress:
    """Split a typed address into street, house and flat, and find the street meant."""
    normal = _normal(text)
    flat_match = _last_flat(normal)
    flat = _with_letter(flat_match["flat"], text) if flat_match else None
    rest = normal[:flat_match.start()] + normal[flat_match.end():] if flat_match else normal
    street_text, house_text = _split_house(rest)
    house = parse_house(house_text) if house_text else None
    street = streets.best(street_text) if street_text else None
    return ParsedAddress(street_text, street, house, flat)


def format_address(street: Street | str, house: House | str | None = None,
                   flat: str | None = None) -> str:
    """`вул. Незалежності, 12А, кв. 5`; a street not in the list is kept as given."""
    parts = [street.short if isinstance(street, Street) else " ".join(street.split())]
    if house:
        parts.append(str(parse_house(house) if isinstance(house, str) else house))
    if flat:
        parts.append(f"кв. {parse_flat(flat)}")
    return ", ".join(parts)


def _normal(text: str) -> str:
    """NFKC (full-width digits, odd spaces), one kind of dash, and no `№` (NFKC makes it No)."""
    return unicodedata.normalize("NFKC", text.replace("№", " ")).translate(_DASHES)


def _letter(raw: str, text: str) -> str:
    if not raw:
        return ""
    letter = raw.translate(_LATIN_LOOKALIKES).upper()
    if letter not in _UKRAINIAN_LETTERS:
        reason = (f"{raw!r} is a Latin letter; type the Ukrainian one" if raw.isascii()
                  else f"{raw!r} is not a Ukrainian letter")
        raise InvalidHouseNumber(text, reason)
    return letter


def _with_letter(raw: str | None, text: str) -> str:
    """`1`, `1 а`, `1-а` -> `1`, `1А`, `1А` (the part after `/`, a building, a flat)."""
    if not raw:
        return ""
    number = int("".join(takewhile(str.isdigit, raw)))  # the patterns capture digits first
    return str(number) + _letter(re.sub(r"[\d\s-]", "", raw), text)


def _last_flat(text: str) -> re.Match[str] | None:
    found = list(_FLAT.finditer(text))
    return found[-1] if found else None


def _split_house(text: str) -> tuple[str, str]:
    """(street, house): the house starts at `буд.` or at the first number after a name word."""
    named = False
    for token in re.finditer(r"\S+", text.replace(",", ", ")):
        word = fold(token.group())
        if named and (word in _HOUSE_MARKERS or token.group()[0].isdigit()):
            street = token.string[:token.start()]
            return _street_part(street), token.string[token.start():].strip(" ,")
        named = named or (any(ch.isalpha() for ch in word) and word not in KIND_WORDS)
    return _street_part(text), ""


def _street_part(text: str) -> str:
    return " ".join(text.split()).strip(" ,")


Side = Literal["odd", "even", "both"]
_SIDES: dict[str, Side] = {"odd": "odd", "непарні": "odd", "непарна": "odd", "even": "even",
                           "парні": "even", "парна": "even", "all": "both", "усі": "both"}
_RANGE = re.compile(r"(?P<first>\d{1,4})\s*-\s*(?P<last>\d{1,4})(?:\s+(?P<side>\S+))?")
_EVERYTHING = frozenset({"all", "*", "усі", "всі", "все"})


@dataclass(frozen=True, slots=True)
class HouseRange:
    """Houses `first`..`last` on one or both sides; `12А` counts as 12, `12/1` as 12."""

    first: int
    last: int
    side: Side = "both"

    def contains(self, house: House) -> bool:
        if not self.first <= house.number <= self.last:
            return False
        return self.side == "both" or (house.number % 2 == 1) == (self.side == "odd")


@dataclass(frozen=True, slots=True)
class HouseSpec:
    """Which houses a routing rule covers: everything, ranges, or single houses."""

    everything: bool = False
    ranges: tuple[HouseRange, ...] = ()
    houses: tuple[House, ...] = ()  # `12А`: this number and letter (any /n, any корп.)

    def contains(self, house: House) -> bool:
        return (self.everything or any(r.contains(house) for r in self.ranges)
                or any(_same_house(h, house) for h in self.houses))


def parse_house_spec(spec: str) -> HouseSpec:
    """`all`; `1-99 odd` / `2-40 even` (also непарні / парні) / `1-20`; `12`, `12А`;
    several separated by commas or semicolons: `1-15 odd, 2-10 even, 12А`."""
    parts = [part.strip() for part in re.split(r"[,;]", _normal(spec)) if part.strip()]
    if not parts:
        raise InvalidHouseRange(spec, "empty; use 'all' for every house")
    if len(parts) == 1 and parts[0].lower() in _EVERYTHING:
        return HouseSpec(everything=True)
    ranges: list[HouseRange] = []
    houses: list[House] = []
    for part in parts:
        _spec_part(spec, part, ranges, houses)
    return HouseSpec(ranges=tuple(ranges), houses=tuple(houses))


def in_range(house: House | str, spec: HouseSpec | str) -> bool:
    """Whether `house` is covered by `spec` (both may be given as typed text)."""
    target = parse_house(house) if isinstance(house, str) else house
    rule = parse_house_spec(spec) if isinstance(spec, str) else spec
    return rule.contains(target)


def _spec_part(spec: str, part: str, ranges: list[HouseRange], houses: list[House]) -> None:
    match = _RANGE.fullmatch(part)
    if match:
        ranges.append(_house_range(spec, match))
        return
    try:
        houses.append(parse_house(part))
    except InvalidHouseNumber as exc:
        raise InvalidHouseRange(spec, f"{part!r} is neither a range (1-99 odd) nor a house "
                                      "(12А)") from exc


def _house_range(spec: str, match: re.Match[str]) -> HouseRange:
    first, last = int(match["first"]), int(match["last"])
    side = _SIDES.get((match["side"] or "all").lower())
    if side is None:
        raise InvalidHouseRange(spec, f"side {match['side']!r}: expected odd or even")
    if not 0 < first <= last:
        raise InvalidHouseRange(spec, f"{first}-{last}: expected 1 <= first <= last")
    return HouseRange(first, last, side)


def _same_house(rule: House, house: House) -> bool:
    if (rule.number, rule.suffix) != (house.number, house.suffix):
        return False
    return all(not wanted or wanted == got for wanted, got in
               ((rule.fraction, house.fraction), (rule.building, house.building)))
