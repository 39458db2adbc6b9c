"""Search keys and search terms of appeals (callcenter.appeals.model.search)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from callcenter.appeals.model.search import (
    AnyOf,
    InvalidSearch,
    SearchRequest,
    SearchTerms,
    address_key,
    day_bounds,
    is_whole_number,
    phone_patterns,
    search_keys,
    search_terms,
)

STATUSES = frozenset({"new", "registered"})


def terms(**fields: Any) -> SearchTerms:
    return search_terms(SearchRequest(**fields), timezone="Europe/Kyiv", area_code="342",
                        statuses=STATUSES)


def any_of(q: str) -> AnyOf:
    found = terms(q=q).any_of
    assert found is not None
    return found


def test_keys_are_folded_and_the_address_key_drops_kind_words() -> None:
    keys = search_keys(address="вул. Незалежності, 12А, кв. 5", caller="+380671234567",
                       caller_name="Олена ПЕТРІВ", contact_name="Іван", contact_phone=None,
                       description="Немає ГАРЯЧОЇ води")
    assert keys.address == "незалежності 12а кв 5"
    assert keys.name == "олена петрів іван"
    assert keys.text == "немає гарячої води"
    assert keys.phone == "380671234567"


@pytest.mark.parametrize("typed", ["вулиця Незалежності 12", "Незалежності, 12",
                                   "НЕЗАЛЕЖНОСТІ 12", "вул.незалежності 12"])
def test_an_address_typed_any_way_is_inside_the_stored_key(typed: str) -> None:
    assert address_key(typed) in address_key("вул. Незалежності, 12А, кв. 5")


@pytest.mark.parametrize(("typed", "expected"), [
    ("067 123 45 67", ("0671234567", "380671234567")),
    ("+38 (067) 123-45-67", ("380671234567",)),
    ("00380671234567", ("00380671234567", "380671234567")),
    ("4567", ("4567",)),
])
def test_phone_patterns(typed: str, expected: tuple[str, ...]) -> None:
    assert phone_patterns(typed, "342") == expected
    assert any(p in "380671234567" for p in phone_patterns(typed, "342"))


def test_days_are_bounded_in_the_configured_timezone() -> None:
    start, end = day_bounds(date(2026, 3, 1), date(2026, 3, 1), "Europe/Kyiv")
    assert start == datetime(2026, 2, 28, 22, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 1, 22, 0, tzinfo=UTC)
    with pytest.raises(InvalidSearch):
        day_bounds(date(2026, 3, 2), date(2026, 3, 1), "Europe/Kyiv")


def test_q_looks_for_a_number_a_phone_and_words() -> None:
    assert any_of("2026-0000").number == "2026-0000"
    words = any_of("Вулиця НЕЗАЛЕЖНОСТІ")
    assert (words.text, words.address, words.number, words.phones) == (
        "вулиця незалежності", "незалежності", "", ())
    # six digits may be a local number as well as a piece of one: both are looked for
    assert any_of("067 123").phones == ("067123", "380342067123")
    assert terms(q="   ").any_of is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"status": "lost"}, "status"),
    ({"number": "2026-00%"}, "number"),
    ({"phone": "12"}, "phone"),
    ({"phone": "no digits"}, "phone"),
])
def test_bad_search_fields_are_named(fields: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidSearch) as refused:
        terms(**fields)
    assert refused.value.field == field


def test_a_whole_number_is_told_from_a_prefix() -> None:
    assert is_whole_number("2026-000042") and is_whole_number("2026-1000000")
    assert not is_whole_number("2026-0000") and not is_whole_number("2026")


def test_limit_and_offset_are_kept_in_range() -> None:
    found = terms(limit=10_000, offset=-5)
    assert (found.limit, found.offset) == (200, 0)
