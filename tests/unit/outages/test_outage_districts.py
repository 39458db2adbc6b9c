"""A district entered whole keeps its name: stored street by street with the district's name,
the edit form gets it back as the line that was typed (read again into the same places), the
texts name it once; a district whose list changed since, or that is gone, comes back as its
streets."""

from __future__ import annotations

from callcenter.outages.model.places import parse_places, places_text
from callcenter.outages.model.records import Place
from callcenter.outages.model.texts import addresses
from callcenter.reference.model.street_search import StreetIndex
from callcenter.reference.model.streets import Street

STREETS = StreetIndex([Street("Незалежності", former=("Радянська",)), Street("Шевченка"),
                       Street("Галицька"), Street("24 Серпня")])
DISTRICTS = {"Центр": (Street("Незалежності"), Street("Галицька")),
             "Бам": (Street("24 Серпня"),)}
TYPED = "Шевченка: 1-9\nмікрорайон Центр\nвул. Радянська: 2-40 парні\nмкр Бам"


def stored(places: tuple[Place, ...]) -> tuple[Place, ...]:
    """As the store keeps them: one row a street (key, shown name, houses, district)."""
    rows = [(p.street_key, p.street, p.houses, p.district) for p in places]
    return tuple(Place(*row) for row in rows)


def test_a_district_comes_back_as_typed_and_reads_into_the_same_places() -> None:
    places = parse_places(TYPED, STREETS, DISTRICTS)
    text = places_text(stored(places), DISTRICTS)
    assert text.splitlines() == ["вул. Шевченка: 1-9", "мікрорайон Центр",
                                 "вул. Незалежності: 2-40 парні", "мікрорайон Бам"]
    again = parse_places(text, STREETS, DISTRICTS)
    assert again == places
    assert {p.district for p in again} == {None, "Центр", "Бам"}


def test_a_changed_or_removed_district_comes_back_street_by_street() -> None:
    places = parse_places("мікрорайон Центр\nмкр Бам", STREETS, DISTRICTS)
    changed = {"Центр": (Street("Незалежності"), Street("Галицька"), Street("Шевченка"))}
    text = places_text(places, changed)
    assert text.splitlines() == ["вул. Незалежності", "вул. Галицька", "вул. 24 Серпня"]
    assert [p.street_key for p in parse_places(text, STREETS, changed)] == [
        p.street_key for p in places]


def test_texts_name_the_district_once_with_its_streets() -> None:
    places = parse_places("мікрорайон Центр\nвул. Незалежності: 2-40 парні\nШевченка: 1-9",
                          STREETS, DISTRICTS)
    assert addresses(places) == [
        "мікрорайон Центр: вул. Незалежності, вул. Галицька (вулиці повністю)",
        "вул. Шевченка: 1-9"]
