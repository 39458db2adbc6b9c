"""Completing an appeal from the operator's form (callcenter.appeals.model.form)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from callcenter.appeals.model.form import (
    AppealForm,
    InvalidAppealForm,
    check_form,
    clean_text,
    resolve_street,
)
from callcenter.appeals.model.statuses import Status
from callcenter.reference.model.categories import CategoryBook, parse_categories
from callcenter.reference.model.street_search import StreetIndex
from callcenter.reference.model.streets import Street

CATEGORIES: dict[str, Any] = {
    "groups": [
        {"code": "water", "name_uk": "Водопостачання", "name_en": "Water", "address": "house"},
        {"code": "roads", "name_uk": "Дороги", "name_en": "Roads", "address": "street"},
        {"code": "transport", "name_uk": "Транспорт", "name_en": "Transport"},
        {"code": "info", "name_uk": "Довідки", "name_en": "Information", "address": "house"},
    ],
    "categories": [
        {"code": "water_none", "group": "water", "name_uk": "Немає води",
         "name_en": "No water", "emergency": True},
        {"code": "manhole_open", "group": "water", "name_uk": "Відкритий люк",
         "name_en": "Open manhole", "address": "street"},
        {"code": "road_potholes", "group": "roads", "name_uk": "Ями", "name_en": "Potholes"},
        {"code": "transport_schedule", "group": "transport", "name_uk": "Розклад",
         "name_en": "Schedule"},
        {"code": "information_request", "group": "info", "name_uk": "Консультація",
         "name_en": "Consultation", "consultation": True},
    ],
}
STREETS = [
    Street("Незалежності", aliases=("Стометрівка",), former=("Радянська",)),
    Street("Шевченка"),
    Street("Шевченка", "провулок"),
    Street("Галицька"),
]


@pytest.fixture(scope="module")
def book() -> CategoryBook:
    return parse_categories(CATEGORIES)


@pytest.fixture(scope="module")
def streets() -> StreetIndex:
    return StreetIndex(STREETS)


def form(**fields: Any) -> AppealForm:
    base = AppealForm(version=1, category="water_none", street="вул. Незалежності",
                      house="12а", flat="кв. 5", description="Немає води з ранку")
    return dataclasses.replace(base, **fields)


def check(book: CategoryBook, streets: StreetIndex, **fields: Any) -> Any:
    return check_form(form(**fields), categories=book, streets=streets, area_code="342")


def problems(book: CategoryBook, streets: StreetIndex, **fields: Any) -> dict[str, str]:
    with pytest.raises(InvalidAppealForm) as refused:
        check(book, streets, **fields)
    return {p.field: p.code for p in refused.value.problems}


def test_a_complete_form_registers_with_the_official_street(book: CategoryBook,
                                                          streets: StreetIndex) -> None:
    done = check(book, streets)
    assert done.status is Status.REGISTERED
    assert (done.category, done.street, done.house, done.flat) == (
        "water_none", "вулиця Незалежності", "12А", "5")
    assert done.address == "вул. Незалежності, 12А, кв. 5"
    assert done.emergency is True  # the category's default
    assert done.street_unlisted is False


def test_an_alias_or_a_former_name_is_stored_as_the_current_street(
        book: CategoryBook, streets: StreetIndex) -> None:
    assert check(book, streets, street="Радянська").street == "вулиця Незалежності"
    assert check(book, streets, street="стометрівка").street == "вулиця Незалежності"


def test_a_typo_is_not_a_street_until_picked_from_the_suggestions(
        book: CategoryBook, streets: StreetIndex) -> None:
    assert problems(book, streets, street="Незалежносты") == {"street": "unknown_street"}


def test_a_street_not_in_the_list_is_kept_as_typed(book: CategoryBook,
                                                   streets: StreetIndex) -> None:
    done = check(book, streets, street="  Нова   Забудова ", street_unlisted=True)
    assert (done.street, done.street_unlisted) == ("Нова Забудова", True)
    assert done.address == "Нова Забудова, 12А, кв. 5"


def test_the_kind_tells_apart_two_streets_of_one_name(book: CategoryBook,
                                                      streets: StreetIndex) -> None:
    assert resolve_street("пров. Шевченка", streets) == STREETS[2]
    assert resolve_street("вулиця Шевченка", streets) == STREETS[1]
    assert resolve_street("Шевченка", streets) is None  # ambiguous


def test_every_problem_is_reported_at_once(book: CategoryBook, streets: StreetIndex) -> None:
    assert problems(book, streets, category="", street="", house="", flat="",
                    description=" ") == {
        "category": "required", "description": "required"}
    assert problems(book, streets, category="no_such", house="12b", flat="0",
                    contact_phone="call me") == {
        "category": "unknown_category", "house": "invalid_house", "flat": "invalid_flat",
        "contact_phone": "invalid_phone"}


@pytest.mark.parametrize(("category", "street", "house", "expected"), [
    ("water_none", "", "", {"street": "required", "house": "required"}),
    ("water_none", "Галицька", "", {"house": "required"}),
    ("manhole_open", "Галицька", "", {}),  # a category may need less than its group
    ("road_potholes", "", "", {"street": "required"}),
    ("road_potholes", "Галицька", "", {}),
    ("transport_schedule", "", "", {}),
    ("transport_schedule", "", "12", {"street": "required"}),  # a house needs its street
])
def test_the_category_decides_how_much_address_is_needed(
        book: CategoryBook, streets: StreetIndex, category: str, street: str, house: str,
        expected: dict[str, str]) -> None:
    fields = {"category": category, "street": street, "house": house, "flat": ""}
    if expected:
        assert problems(book, streets, **fields) == expected
    else:
        check(book, streets, **fields)


def test_consultation_only_needs_neither_address_nor_description(
        book: CategoryBook, streets: StreetIndex) -> None:
    done = check(book, streets, category="", street="", house="", flat="", description="",
                 consultation=True, emergency=True)
    assert done.status is Status.CONSULTATION
    assert done.category == "information_request"
    assert (done.address, done.emergency) == (None, False)
    # a consultation about a category keeps that category
    assert check(book, streets, consultation=True).category == "water_none"


def test_the_operator_may_override_the_emergency_default(book: CategoryBook,
                                                         streets: StreetIndex) -> None:
    assert check(book, streets, emergency=False).emergency is False
    assert check(book, streets, category="road_potholes", emergency=True).emergency is True


def test_the_contact_phone_is_stored_as_e164(book: CategoryBook, streets: StreetIndex) -> None:
    assert check(book, streets, contact_phone="067 123-45-67").contact_phone == "+380671234567"
    assert check(book, streets, contact_phone="50 62 00").contact_phone == "+380342506200"


def test_texts_have_limits_and_lose_control_characters(book: CategoryBook,
                                                       streets: StreetIndex) -> None:
    assert problems(book, streets, description="х" * 4001) == {"description": "too_long"}
    done = check(book, streets, description="a\x00b\r\nc\x1b[31m\td")
    assert done.description == "ab\nc[31m\td"
    assert clean_text("  <b>'; DROP TABLE appeals; --</b>  ") == (
        "<b>'; DROP TABLE appeals; --</b>")
