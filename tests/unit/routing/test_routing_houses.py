"""House numbers, house ranges and the minimal address parser (domain.routing_houses)."""

from __future__ import annotations

import pytest

from callcenter.routing.model.houses import (
    House,
    HouseSpecError,
    address_key,
    parse_address,
    parse_house,
    parse_house_spec,
    street_key,
)


@pytest.mark.parametrize(
    ("text", "house"),
    [
        ("12", House(12)),
        ("12А", House(12, "А")),
        ("12а", House(12, "А")),
        ("12 А", House(12, "А")),
        ("12-А", House(12, "А")),
        ("12A", House(12, "А")),  # Latin A typed on the wrong layout
        ("12/1", House(12, "", "1")),
        ("12А/1", House(12, "А", "1")),
        (" 7 ", House(7)),
    ],
)
def test_houses_are_parsed_and_normalized(text: str, house: House) -> None:
    assert parse_house(text) == house


@pytest.mark.parametrize("text", ["", "0", "abc", "кв. 5", "12АБ", "99999", "1-99", "-5"])
def test_non_houses_are_none(text: str) -> None:
    assert parse_house(text) is None


def test_house_prints_as_written_normalized() -> None:
    assert [str(parse_house(t)) for t in ("12а", "12/1", "12 а/3")] == ["12А", "12/1", "12А/3"]


@pytest.mark.parametrize(
    ("spec", "inside", "outside"),
    [
        ("1-99", ["1", "50", "99", "12А", "12/1"], ["100", "0А"]),
        ("1-99 odd", ["1", "13", "99", "13А", "13/2"], ["2", "12А", "101", "98"]),
        ("2-40 even", ["2", "40", "12А", "12/1"], ["1", "41", "42", "13"]),
        ("1-99 непарні", ["1", "99"], ["2"]),
        ("2-40 парні", ["2"], ["3"]),
        ("12А", ["12А", "12а"], ["12", "12Б", "12/1", "12А/1"]),
        ("12/1", ["12/1"], ["12", "12/2", "12А"]),
        ("12", ["12"], ["12А", "12/1", "13"]),
    ],
)
def test_house_spec_matching(spec: str, inside: list[str], outside: list[str]) -> None:
    parsed = parse_house_spec(spec)
    for text in inside:
        house = parse_house(text)
        assert house is not None and parsed.matches(house), text
    for text in outside:
        house = parse_house(text)
        assert house is None or not parsed.matches(house), text


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("5-1", "expected 1 <= first <= last"),
        ("0-10", "expected 1 <= first <= last"),
        ("1-99999", "expected 1 <= first <= last <= 10000"),
        ("1-20 weird", "side must be odd or even"),
        ("вулиця", "not a house or a range"),
        ("", "non-empty string"),
    ],
)
def test_bad_house_specs_say_why(spec: str, message: str) -> None:
    with pytest.raises(HouseSpecError, match=message):
        parse_house_spec(spec)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("вул. Незалежності", "незалежності"),
        ("вулиця Незалежності", "незалежності"),
        ("Незалежності", "незалежності"),
        ("  НЕЗАЛЕЖНОСТІ ", "незалежності"),
        ("просп. Незалежності", "незалежності"),
        ("вул.Січових Стрільців", "січових стрільців"),
        ("вул. Об’єднання", "об'єднання"),
        ("Обʼєднання", "об'єднання"),
        ("Галицькa", "галицька"),  # a Latin "a" inside a Cyrillic word
        ("Main Street", "main street"),
        ("24 Серпня", "24 серпня"),
    ],
)
def test_street_keys_compare_loosely(name: str, key: str) -> None:
    assert street_key(name) == key


@pytest.mark.parametrize(
    ("address", "street", "house"),
    [
        ("м. Івано-Франківськ, вул. Незалежності, 12А, кв. 5", "незалежності", "12А"),
        ("Незалежності 12а кв 5", "незалежності", "12А"),
        ("вул. Галицька, 12/1", "галицька", "12/1"),
        ("вул. 24 Серпня 5", "24 серпня", "5"),
        ("Івано-Франківськ, Пасічна, 3", "пасічна", "3"),
        ("просп. Незалежності", "незалежності", None),
        ("вул.Шевченка,7", "шевченка", "7"),
    ],
)
def test_addresses_give_street_and_house(address: str, street: str, house: str | None) -> None:
    parsed = parse_address(address)
    assert parsed.street == street
    assert (str(parsed.house) if parsed.house else None) == house


@pytest.mark.parametrize("address", [None, "", "   "])
def test_empty_addresses(address: str | None) -> None:
    assert parse_address(address).street is None
    assert address_key(address) is None


def test_same_place_written_differently_has_one_key() -> None:
    keys = {address_key(a) for a in ("вул. Незалежності, 12а", "Незалежності 12 А",
                                      "м. Івано-Франківськ, вулиця Незалежності, 12А, кв. 3")}
    assert keys == {"незалежності|12А"}
    assert address_key("Незалежності 12Б") != address_key("Незалежності 12А")
