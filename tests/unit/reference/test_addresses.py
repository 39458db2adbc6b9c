"""Typed addresses (callcenter.reference.model.addresses): houses, flats, splitting, formatting."""

from __future__ import annotations

import pytest

from callcenter.core.errors import InvalidHouseNumber
from callcenter.reference.model.addresses import (
    House,
    format_address,
    parse_address,
    parse_flat,
    parse_house,
)
from callcenter.reference.model.street_search import StreetIndex
from callcenter.reference.model.streets import Street

NEZALEZHNOSTI = Street("Незалежності", former=("Радянська",))


@pytest.fixture(scope="module")
def streets() -> StreetIndex:
    return StreetIndex([NEZALEZHNOSTI, Street("Галицька"), Street("24 Серпня"),
                        Street("Степана Бандери"), Street("Богдана Хмельницького"),
                        Street("Івана Павла ІІ"), Street("Південний", "бульвар", adjective=True),
                        Street("Героїв Маріуполя", former=("Лермонтова",))])


@pytest.mark.parametrize(
    ("typed", "house"),
    [
        ("12", House(12)),
        ("012", House(12)),
        ("12А", House(12, "А")),  # Cyrillic А
        ("12а", House(12, "А")),
        ("12A", House(12, "А")),  # Latin A
        ("12a", House(12, "А")),
        ("12-А", House(12, "А")),
        ("12 - а", House(12, "А")),
        ("12 а", House(12, "А")),
        ("12–А", House(12, "А")),  # en dash
        ("12Б", House(12, "Б")),
        ("12Є", House(12, "Є")),
        ("12/1", House(12, fraction="1")),
        ("12 / 1", House(12, fraction="1")),
        ("12А/1", House(12, "А", "1")),
        ("12/1а", House(12, fraction="1А")),
        ("12 корп. 2", House(12, building="2")),
        ("12, корп.2", House(12, building="2")),
        ("12 корпус 2", House(12, building="2")),
        ("12 к. 2", House(12, building="2")),
        ("12к2", House(12, building="2")),
        ("буд. 12", House(12)),
        ("будинок 12А", House(12, "А")),
        ("б. 7", House(7)),
        ("д. 7", House(7)),
        ("№ 7", House(7)),
        ("буд. №7", House(7)),
        ("１２", House(12)),  # full-width digits
        (" 12А, ", House(12, "А")),
        ("262Б", House(262, "Б")),
    ],
)
def test_parse_house_accepts_what_operators_type(typed: str, house: House) -> None:
    assert parse_house(typed) == house


@pytest.mark.parametrize(
    ("house", "text"),
    [(House(12), "12"), (House(12, "А"), "12А"), (House(12, fraction="1"), "12/1"),
     (House(12, "А", "1", "2"), "12А/1 корп. 2"), (House(12, building="2"), "12 корп. 2")],
)
def test_houses_print_canonically(house: House, text: str) -> None:
    assert str(house) == text
    assert parse_house(text) == house  # and read back the same


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "expected a number"),
        ("абв", "expected a number"),
        ("0", "house numbers start at 1"),
        ("12АБ", "expected a number"),
        ("12 кв 5", "expected a number"),
        ("12b", "'b' is a Latin letter; type the Ukrainian one"),  # Б or В?
        ("12ы", "'ы' is not a Ukrainian letter"),
        ("12345", "expected a number"),
        ("12/", "expected a number"),
    ],
)
def test_bad_houses_are_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(InvalidHouseNumber, match=reason) as caught:
        parse_house(typed)
    assert caught.value.error_id == "invalid_house_number"
    assert caught.value.text == typed


@pytest.mark.parametrize(("typed", "flat"), [("5", "5"), ("кв. 5", "5"), ("кв.5", "5"),
                                             ("кв 5", "5"), ("квартира 17", "17"),
                                             ("5а", "5А"), ("кв. 05", "5")])
def test_parse_flat(typed: str, flat: str) -> None:
    assert parse_flat(typed) == flat


@pytest.mark.parametrize("typed", ["", "кв.", "п'ять", "0", "кв. 5 6"])
def test_bad_flats_are_refused(typed: str) -> None:
    with pytest.raises(InvalidHouseNumber, match="expected a flat number"):
        parse_flat(typed)


@pytest.mark.parametrize(
    ("typed", "street", "house", "flat"),
    [
        ("вул. Незалежності, 12А, кв. 5", "Незалежності", House(12, "А"), "5"),
        ("Незалежності 12а кв5", "Незалежності", House(12, "А"), "5"),
        ("незалежносты 12", "Незалежності", House(12), None),
        ("Незалежності, буд. 5, квартира 17", "Незалежності", House(5), "17"),
        ("Незалежності 12 корп. 2 кв. 8", "Незалежності", House(12, building="2"), "8"),
        ("вул. 24 Серпня, 5", "24 Серпня", House(5), None),  # a name that starts with digits
        ("24 серпня 5 кв. 12", "24 Серпня", House(5), "12"),
        ("Галицкая 10", "Галицька", House(10), None),
        ("лермонтова 3/1", "Героїв Маріуполя", House(3, fraction="1"), None),
        ("пр-т Бандери буд. 7 кв. 3", "Степана Бандери", House(7), "3"),
        ("Б. Хмельницького 5", "Богдана Хмельницького", House(5), None),
        ("Івана Павла ІІ 10", "Івана Павла ІІ", House(10), None),
        ("Південний бульвар, 32", "Південний", House(32), None),
        ("м. Івано-Франківськ, вул. Галицька, 2", "Галицька", House(2), None),
        ("Незалежності", "Незалежності", None, None),
        ("вул.Незалежності,12,кв.5", "Незалежності", House(12), "5"),  # no spaces at all
    ],
)
def test_parse_address_splits_and_finds_the_street(
        streets: StreetIndex, typed: str, street: str, house: House | None,
        flat: str | None) -> None:
    parsed = parse_address(typed, streets)
    assert parsed.street is not None
    assert (parsed.street.street.name, parsed.house, parsed.flat) == (street, house, flat)


def test_parse_address_keeps_what_was_typed_for_the_street(streets: StreetIndex) -> None:
    parsed = parse_address("вул. Радянська, 3", streets)
    assert parsed.street_text == "вул. Радянська"
    assert parsed.street is not None and parsed.street.formerly == "Радянська"


def test_an_unknown_street_is_kept_as_typed(streets: StreetIndex) -> None:
    parsed = parse_address("Абракадабрська 7, кв. 2", streets)
    assert (parsed.street_text, parsed.street, parsed.house, parsed.flat) == (
        "Абракадабрська", None, House(7), "2")


def test_a_flat_alone(streets: StreetIndex) -> None:
    parsed = parse_address("кв. 5", streets)
    assert (parsed.street_text, parsed.street, parsed.house, parsed.flat) == ("", None, None, "5")


def test_a_bad_house_in_an_address_is_an_error(streets: StreetIndex) -> None:
    with pytest.raises(InvalidHouseNumber):
        parse_address("Незалежності 12b", streets)


@pytest.mark.parametrize(
    ("street", "house", "flat", "text"),
    [
        (NEZALEZHNOSTI, House(12, "А"), "5", "вул. Незалежності, 12А, кв. 5"),
        (NEZALEZHNOSTI, "12-а", "кв. 5", "вул. Незалежності, 12А, кв. 5"),
        (NEZALEZHNOSTI, "12/1", None, "вул. Незалежності, 12/1"),
        (NEZALEZHNOSTI, None, None, "вул. Незалежності"),
        (Street("Ринок", "площа"), "4", None, "пл. Ринок, 4"),
        (Street("Південний", "бульвар", adjective=True), "32", "1", "Південний бульвар, 32, кв. 1"),
        (NEZALEZHNOSTI, "12 корп. 2", "8", "вул. Незалежності, 12 корп. 2, кв. 8"),
        ("  Садове   товариство «Мир» ", "3", None, "Садове товариство «Мир», 3"),
    ],
)
def test_format_address(street: Street | str, house: House | str | None, flat: str | None,
                        text: str) -> None:
    assert format_address(street, house, flat) == text


def test_format_address_refuses_a_bad_house() -> None:
    with pytest.raises(InvalidHouseNumber):
        format_address(NEZALEZHNOSTI, "дванадцять")
