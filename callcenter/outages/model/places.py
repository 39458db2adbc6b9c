"""Where an outage is, and the address check "is this house affected now, or soon?".

Places reuse the reference model: the street list the operators use (a former name or an
alias finds today's street) and its house ranges (`1-99 odd`, `2-40 парні`, `12А`, several
separated by commas; an empty spec is the whole street). A district of config/routing.toml
becomes one whole-street place per street in it.

`OutageIndex` keeps, per street key, the places of the outages not yet over with their house
specs parsed once, so one check costs a dictionary look-up and the few places on that street.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from callcenter.core.errors import InvalidHouseNumber, InvalidHouseRange
from callcenter.outages.model.records import FINAL, InvalidOutage, Outage, Place
from callcenter.reference.model.addresses import (
    House,
    HouseSpec,
    parse_address,
    parse_house_spec,
)
from callcenter.reference.model.street_search import StreetIndex
from callcenter.reference.model.streets import Street

When = Literal["now", "soon"]
WHOLE = HouseSpec(everything=True)


@dataclass(frozen=True, slots=True)
class Hit:
    outage: Outage
    when: When


@dataclass(frozen=True, slots=True)
class Address:
    street_key: str
    street: str
    house: House | None


def street_place(street_text: str, houses: str, streets: StreetIndex) -> Place:
    """A place from a typed street and house spec; InvalidOutage says what is wrong."""
    found = streets.best(street_text) if street_text.strip() else None
    if found is None:
        raise InvalidOutage({"street": f"{street_text!r} is not in the street list"})
    spec = " ".join(houses.split())
    try:
        house_spec(spec)
    except InvalidHouseRange as exc:
        raise InvalidOutage({"houses": str(exc)}) from None
    return Place(found.street.key, found.street.short, spec)


def district_places(name: str, districts: Mapping[str, tuple[Street, ...]]) -> tuple[Place, ...]:
    streets = districts.get(name.strip())
    if not streets:
        raise InvalidOutage({"district": f"{name!r} is not a district"})
    return tuple(Place(s.key, s.short, "", name.strip()) for s in streets)


def house_spec(text: str) -> HouseSpec:
    return parse_house_spec(text) if text.strip() else WHOLE


def address_of(text: str, streets: StreetIndex) -> Address | None:
    """The street (and house, if one was typed) an address names; None when no street."""
    try:
        parsed = parse_address(text, streets)
    except InvalidHouseNumber:
        return None
    if parsed.street is None:
        return None
    return Address(parsed.street.street.key, parsed.street.street.short, parsed.house)


def covers(spec: HouseSpec, house: House | None) -> bool:
    """A street typed without a house is covered by any place on it."""
    return house is None or spec.contains(house)


def hit(outage: Outage, now: datetime, soon_seconds: float) -> Hit | None:
    if outage.is_current(now):
        return Hit(outage, "now")
    if outage.starts_at > now and outage.starts_within(now, soon_seconds):
        return Hit(outage, "soon")
    return None


class OutageIndex:
    """Outages not over, by street key; rebuilt whole when an outage changes."""

    def __init__(self, outages: Iterable[Outage]) -> None:
        self._by_street: dict[str, list[tuple[HouseSpec, Outage]]] = {}
        for outage in outages:
            if outage.status in FINAL:
                continue
            for place in outage.places:
                self._by_street.setdefault(place.street_key, []).append(
                    (house_spec(place.houses), outage))

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_street.values())

    def find(self, street_key: str, house: House | None, now: datetime,
             soon_seconds: float) -> list[Hit]:
        """Current first, then the soonest to start; each outage once."""
        found: dict[int, Hit] = {}
        for spec, outage in self._by_street.get(street_key, ()):
            if outage.id in found or not covers(spec, house):
                continue
            one = hit(outage, now, soon_seconds)
            if one is not None:
                found[outage.id] = one
        return ordered(found.values())


def find_by_scan(outages: Iterable[Outage], street_key: str, house: House | None,
                 now: datetime, soon_seconds: float) -> list[Hit]:
    """The same answer as `OutageIndex.find` by looking at every outage (the bench's
    baseline, and the tests' oracle)."""
    found: dict[int, Hit] = {}
    for outage in outages:
        if outage.status in FINAL:
            continue
        for place in outage.places:
            if place.street_key == street_key and covers(house_spec(place.houses), house):
                one = hit(outage, now, soon_seconds)
                if one is not None:
                    found[outage.id] = one
                break
    return ordered(found.values())


def ordered(hits: Iterable[Hit]) -> list[Hit]:
    return sorted(hits, key=lambda h: (h.when != "now", h.outage.starts_at, h.outage.id))


DISTRICT_WORDS = ("мікрорайон", "мкр.", "мкр", "район", "district")
DISTRICT_WORD = DISTRICT_WORDS[0]  # as the form asks for it


def parse_places(text: str, streets: StreetIndex,
                 districts: Mapping[str, tuple[Street, ...]]) -> tuple[Place, ...]:
    """Places as typed on the form, one a line: `вул. Незалежності: 1-15 непарні, 20`,
    `Шевченка` (the whole street), `мікрорайон Центр` (every street of the district)."""
    places: list[Place] = []
    problems: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            places += _line_places(line, streets, districts)
        except InvalidOutage as exc:
            problems[f"places.{number}"] = "; ".join(exc.problems.values())
    if problems:
        raise InvalidOutage(problems)
    return tuple(dict.fromkeys(places))


def _line_places(line: str, streets: StreetIndex,
                 districts: Mapping[str, tuple[Street, ...]]) -> tuple[Place, ...]:
    first, _, rest = line.partition(" ")
    if first.lower() in DISTRICT_WORDS:
        return district_places(rest, districts)
    street, _, houses = line.partition(":")
    return (street_place(street, houses, streets),)


def places_text(places: Iterable[Place], districts: Mapping[str, tuple[Street, ...]]) -> str:
    """The places as the form shows them for editing, one a line, read back by `parse_places`
    into the same places: a district as `мікрорайон Центр` while its streets are still the
    district's, anything else street by street (a district whose list has changed since would
    come back with other streets: its streets are kept instead, without its name)."""
    places = tuple(places)
    named = {p.district for p in places if p.district}
    kept = {name for name in named if _same_streets(name, places, districts)}
    lines = [f"{DISTRICT_WORD} {p.district}" if p.district in kept else _street_line(p)
             for p in places]
    return "\n".join(dict.fromkeys(lines))


def _same_streets(name: str, places: tuple[Place, ...],
                  districts: Mapping[str, tuple[Street, ...]]) -> bool:
    try:
        today = district_places(name, districts)
    except InvalidOutage:  # no longer a district
        return False
    return today == tuple(p for p in places if p.district == name)


def _street_line(place: Place) -> str:
    return f"{place.street}: {place.houses}" if place.houses else place.street
