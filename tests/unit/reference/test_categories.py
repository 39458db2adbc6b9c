"""Appeal categories (callcenter.reference.model.categories): parsing, lookup, select choices,
search."""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.core.errors import ReferenceDataError
from callcenter.reference.model.categories import CategoryBook, UnknownCategory, parse_categories


def data(**changes: Any) -> dict[str, Any]:
    """A small valid categories file; keyword arguments replace its parts."""
    base: dict[str, Any] = {
        "groups": [
            {"code": "water", "name_uk": "Водопостачання", "name_en": "Water supply"},
            {"code": "info", "name_uk": "Довідки", "name_en": "Information"},
        ],
        "categories": [
            {"code": "water_none", "group": "water", "name_uk": "Відсутнє водопостачання",
             "name_en": "No water", "emergency": True, "keywords": ["немає води"]},
            {"code": "water_quality", "group": "water", "name_uk": "Неякісна вода",
             "name_en": "Poor water quality", "keywords": ["іржава", "брудна"]},
            {"code": "information_request", "group": "info",
             "name_uk": "Інформаційний запит", "name_en": "Information request",
             "consultation": True},
        ],
    }
    base.update(changes)
    return base


def category(**fields: Any) -> dict[str, Any]:
    return {"code": "extra", "group": "water", "name_uk": "Додаткова", "name_en": "Extra",
            **fields}


@pytest.fixture
def book() -> CategoryBook:
    return parse_categories(data())


def test_categories_keep_file_order_and_fields(book: CategoryBook) -> None:
    assert [c.code for c in book.categories] == ["water_none", "water_quality",
                                                 "information_request"]
    first = book.by_code("water_none")
    assert (first.group, first.emergency, first.consultation) == ("water", True, False)
    assert first.keywords == ("немає води",)
    assert book.by_code("water_quality").emergency is False


def test_lookup_by_code(book: CategoryBook) -> None:
    assert book.get("water_none") is book.by_code("water_none")
    assert book.get("nope") is None
    with pytest.raises(UnknownCategory, match="'nope'") as caught:
        book.by_code("nope")
    assert caught.value.error_id == "unknown_category"


def test_the_consultation_category_is_identifiable(book: CategoryBook) -> None:
    assert book.consultation.code == "information_request"


def test_choices_for_a_select_in_either_language(book: CategoryBook) -> None:
    uk, en = book.choices("uk"), book.choices("en")

    assert [g.label for g in uk] == ["Водопостачання", "Довідки"]
    assert [o.label for o in uk[0].options] == ["Відсутнє водопостачання", "Неякісна вода"]
    assert [g.label for g in en] == ["Water supply", "Information"]
    assert [(o.code, o.label, o.emergency) for o in en[0].options] == [
        ("water_none", "No water", True), ("water_quality", "Poor water quality", False)]


def test_names_in_either_language(book: CategoryBook) -> None:
    assert book.by_code("water_none").name("en") == "No water"
    assert book.by_code("water_none").name("uk") == "Відсутнє водопостачання"


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("вода", ["water_quality"]),  # a word of the name
        ("НЕМАЄ ВОДИ", ["water_none"]),  # a keyword, any case
        ("іржава", ["water_quality"]),
        ("water", ["water_none", "water_quality"]),  # English names too
        ("інформ", ["information_request"]),  # the start of a word
        ("", ["water_none", "water_quality", "information_request"]),
        ("газ", []),
    ],
)
def test_matching_finds_categories_by_the_start_of_their_words(
        book: CategoryBook, query: str, codes: list[str]) -> None:
    assert [c.code for c in book.matching(query)] == codes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"groups": []}, r"groups: expected a non-empty array"),
        ({"categories": "x"}, r"categories: expected a non-empty array"),
        ({"categories": [category(code="Bad-Code")]}, r"category #1 \('Bad-Code'\): code: "
                                                      r"expected snake_case"),
        ({"categories": [category(group="gas")]}, r"category #1 \('extra'\): group: 'gas' is "
                                                  r"not one of the \[\[groups\]\]"),
        ({"categories": [category(name_en="")]}, r"'extra'\): name_en: expected a non-empty"),
        ({"categories": [category(name_uk=None)]}, r"'extra'\): name_uk: missing"),
        ({"categories": [category(emergency="yes")]}, r"emergency: expected true or false"),
        ({"categories": [category(keywords="газ")]}, r"keywords: expected a list"),
        ({"categories": [category(colour="red")]}, r"colour: unknown field"),
        ({"categories": ["water"]}, r"category #1: expected a table"),
    ],
)
def test_bad_entries_are_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ReferenceDataError, match=message):
        parse_categories(data(**changes))


def test_duplicate_codes_name_both_entries() -> None:
    items = [*data()["categories"], category(code="water_none")]
    with pytest.raises(ReferenceDataError,
                       match=r"category #4 \('water_none'\): code 'water_none' already used "
                             r"by category #1"):
        parse_categories(data(categories=items))


def test_exactly_one_consultation_category() -> None:
    none = [c for c in data()["categories"] if not c.get("consultation")]
    two = [*data()["categories"], category(consultation=True)]
    for categories in (none, two):
        with pytest.raises(ReferenceDataError, match="exactly one category must have "
                                                     "consultation = true"):
            parse_categories(data(categories=categories))


def test_a_consultation_cannot_be_an_emergency() -> None:
    items = [{**c, "emergency": True} if c.get("consultation") else c
             for c in data()["categories"]]
    with pytest.raises(ReferenceDataError, match="cannot be an emergency"):
        parse_categories(data(categories=items))


def test_how_much_address_comes_from_the_group_unless_the_category_says() -> None:
    groups = [{"code": "water", "name_uk": "В", "name_en": "W", "address": "house"},
              {"code": "info", "name_uk": "Д", "name_en": "I", "address": "house"}]
    book = parse_categories(data(groups=groups, categories=[
        category(code="water_none"), category(code="manhole", address="street"),
        {"code": "information_request", "group": "info", "name_uk": "К", "name_en": "C",
         "consultation": True}]))
    assert [c.address for c in book.categories] == ["house", "street", "none"]
    assert book.choices()[0].options[1].address == "street"
    assert parse_categories(data()).by_code("water_none").address == "none"  # the default


def test_an_unknown_address_need_is_named() -> None:
    with pytest.raises(ReferenceDataError, match=r"category #4 \('extra'\): address: expected "
                                                 "one of house, street, none"):
        parse_categories(data(categories=[*data()["categories"], category(address="flat")]))
