"""The services directory (callcenter.reference.model.directory): parsing and search."""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.core.errors import ReferenceDataError
from callcenter.reference.model.categories import parse_categories
from callcenter.reference.model.directory import Directory, check_categories, parse_directory


def service(code: str, name_uk: str, **fields: Any) -> dict[str, Any]:
    return {"code": code, "name_uk": name_uk, "name_en": fields.pop("name_en", code),
            "handles_uk": fields.pop("handles_uk", "—"), "handles_en": "—",
            "phones": fields.pop("phones", ["(0342) 00-00-00"]), **fields}


SERVICES = [
    service("gas_emergency", "Аварійна газова служба", phones=["104"], emergency=True,
            tags=["газ", "запах газу"], categories=["gas_smell"]),
    service("water_utility", "КП «Івано-Франківськводоекотехпром»",
            name_en="Water utility", handles_uk="Холодна вода, пориви водопроводу, каналізація",
            phones=["(0342) 75-25-75"], tags=["водоканал"], address="вул. Коновальця",
            categories=["water_none"], sample=True),
    service("heating_emergency", "Теплокомуненерго: аварійна служба",
            handles_uk="Опалення і гаряча вода", phones=["15-82", "(0342) 56-47-82"],
            tags=["тепло", "гаряча вода"], categories=["heating_none", "gas_smell"]),
    service("greenery", "Служба зеленого господарства", tags=["газон", "дерева"]),
]


@pytest.fixture(scope="module")
def directory() -> Directory:
    return parse_directory({"services": SERVICES})


def codes(found: list[Any]) -> list[str]:
    return [entry.code for entry in found]


def test_fields_are_kept(directory: Directory) -> None:
    water = directory.entries[1]
    assert (water.name("en"), water.address, water.sample) == ("Water utility",
                                                                "вул. Коновальця", True)
    assert water.phones == ("(0342) 75-25-75",)
    assert directory.entries[0].emergency and not water.emergency
    assert water.handles("uk").startswith("Холодна вода")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("водоканал", ["water_utility"]),  # a tag
        ("ВОДОКАНАЛ", ["water_utility"]),
        ("водоекотехпром", ["water_utility"]),  # a part of the name, quotes and hyphen aside
        ("каналізація", ["water_utility"]),  # what they handle
        ("гаряча вода", ["heating_emergency"]),  # every word must be found
        ("тепло аварійна", ["heating_emergency"]),
        ("коновальця", ["water_utility"]),  # the address
        ("water", ["water_utility"]),  # the English name
        ("1582", ["heating_emergency"]),  # a phone number, as typed or with punctuation
        ("15-82", ["heating_emergency"]),
        ("564782", ["heating_emergency"]),
        ("104", ["gas_emergency"]),
        ("газ", ["gas_emergency", "greenery"]),  # the name first, then a tag (газон)
        ("аварійна", ["gas_emergency", "heating_emergency"]),  # equal: file order
        ("трамвай", []),
    ],
)
def test_search(directory: Directory, query: str, expected: list[str]) -> None:
    assert codes(directory.search(query)) == expected


def test_an_empty_query_lists_everything_in_file_order(directory: Directory) -> None:
    assert codes(directory.search("")) == [s["code"] for s in SERVICES]
    assert len(directory.search("", limit=2)) == 2


def test_for_category_puts_emergency_lines_first(directory: Directory) -> None:
    assert codes(directory.for_category("gas_smell")) == ["gas_emergency", "heating_emergency"]
    assert codes(directory.for_category("nothing")) == []
    assert codes(directory.emergency()) == ["gas_emergency"]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (service("x", "X", phones=[]), r"service #1 \('x'\): phones: expected at least one"),
        (service("x", "X", phones=["дзвоніть"]), r"phones: 'дзвоніть' is not a phone number"),
        (service("x", "X", phones=["12"]), r"phones: '12' is not a phone number"),
        (service("X-1", "X"), r"code: expected snake_case"),
        (service("x", "X", sample="так"), r"sample: expected true or false"),
        (service("x", "X", fax="1"), r"fax: unknown field"),
        ({"code": "x", "name_uk": "X"}, r"service #1 \('x'\): name_en: missing"),
    ],
)
def test_bad_entries_are_named(item: dict[str, Any], message: str) -> None:
    with pytest.raises(ReferenceDataError, match=message):
        parse_directory({"services": [item]})


def test_duplicate_codes() -> None:
    with pytest.raises(ReferenceDataError, match=r"service #2 \('x'\): code 'x' already used"):
        parse_directory({"services": [service("x", "X"), service("x", "Y")]})


def test_categories_named_by_services_must_exist(directory: Directory) -> None:
    book = parse_categories({
        "groups": [{"code": "g", "name_uk": "Г", "name_en": "G"}],
        "categories": [{"code": "gas_smell", "group": "g", "name_uk": "Запах газу",
                        "name_en": "Gas smell", "consultation": True}],
    })
    with pytest.raises(ReferenceDataError, match=r"service 'water_utility': categories: "
                                                 r"'water_none' is not a category code"):
        check_categories(directory, book)
