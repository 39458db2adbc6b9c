"""Streets (callcenter.reference.model.streets): names as written, parsing, clashes between
names."""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.core.errors import ReferenceDataError
from callcenter.reference.model.streets import Street, english_name, parse_streets


def streets(*items: dict[str, Any]) -> dict[str, Any]:
    return {"streets": list(items)}


def test_official_and_short_names() -> None:
    street = Street("Незалежності", "вулиця")
    assert street.official == "вулиця Незалежності"
    assert street.short == "вул. Незалежності"
    assert Street("Ринок", "площа").short == "пл. Ринок"
    assert Street("Миру", "проспект").short == "просп. Миру"


def test_adjective_names_come_before_the_kind() -> None:
    street = Street("Південний", "бульвар", adjective=True)
    assert street.official == street.short == "Південний бульвар"


def test_english_names_follow_the_national_transliteration() -> None:
    assert english_name("Незалежності", "вулиця") == "Nezalezhnosti St"
    assert english_name("Північний", "бульвар") == "Pivnichnyi Blvd"
    assert english_name("Ринок", "площа") == "Rynok Sq"


def test_parse_fills_defaults_and_keeps_the_rest() -> None:
    parsed = parse_streets(streets(
        {"name": "Незалежності", "aliases": ["Стометрівка"], "former": ["Радянська"],
         "district": "Центр"},
        {"name": "Південний", "kind": "бульвар", "adjective": True,
         "name_en": "Pivdennyi Boulevard"},
    ))
    assert parsed[0] == Street("Незалежності", "вулиця", "Nezalezhnosti St", False,
                               ("Стометрівка",), ("Радянська",), "Центр")
    assert parsed[1].name_en == "Pivdennyi Boulevard"  # given names win
    assert parsed[1].adjective


def test_the_same_name_may_exist_with_another_kind() -> None:
    parsed = parse_streets(streets({"name": "Шевченка"},
                                   {"name": "Шевченка", "kind": "провулок"}))
    assert [s.short for s in parsed] == ["вул. Шевченка", "пров. Шевченка"]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([], r"streets: expected a non-empty array"),
        ([{"name": "Довга", "kind": "алея"}], r"street #1 \('Довга'\): kind: expected one of "
                                             r"вулиця, проспект"),
        ([{"name": " "}], r"street #1 \(' '\): name: expected a non-empty string"),
        ([{"kind": "вулиця"}], r"street #1: name: missing"),
        ([{"name": "Довга", "name_en": "Довга St"}], r"name_en: expected Latin letters"),
        ([{"name": "Довга", "former": "Стара"}], r"former: expected a list"),
        ([{"name": "Довга", "old": ["Стара"]}], r"old: unknown field"),
        ([{"name": "Довга"}, {"name": "довга"}], r"street #2 \('довга'\): name 'вулиця довга' "
                                                 r"already used by street #1"),
    ],
)
def test_bad_entries_are_named(items: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ReferenceDataError, match=message):
        parse_streets(streets(*items))


def test_an_alias_leads_to_one_street_only() -> None:
    with pytest.raises(ReferenceDataError, match=r"street #2 \('Галицька'\): alias or former "
                                                 r"name 'стара' is also a name of street #1"):
        parse_streets(streets({"name": "Довга", "former": ["Стара"]},
                              {"name": "Галицька", "aliases": ["стара"]}))


def test_an_alias_never_hides_a_current_name() -> None:
    with pytest.raises(ReferenceDataError, match=r"street #1 \('Героїв Маріуполя'\): alias or "
                                                 r"former name 'Галицька' is also a name of "
                                                 r"street #2"):
        parse_streets(streets({"name": "Героїв Маріуполя", "former": ["Галицька"]},
                              {"name": "Галицька"}))
