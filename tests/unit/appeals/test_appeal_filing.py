"""Filing from outside: the operator's form rules plus a public category and a contact."""

from __future__ import annotations

import tomllib

import pytest

from callcenter.appeals.model.filing import ExternalAppeal, check_filing
from callcenter.appeals.model.form import InvalidAppealForm
from callcenter.appeals.model.statuses import Channel, Status
from callcenter.reference.model.categories import parse_categories
from callcenter.reference.model.street_search import StreetIndex
from callcenter.reference.model.streets import parse_streets

with open("config/categories.toml", "rb") as _c, open("config/streets.toml", "rb") as _s:
    CATEGORIES = parse_categories(tomllib.load(_c))
    STREETS = StreetIndex(parse_streets(tomllib.load(_s)))
GOOD = ExternalAppeal(channel=Channel.WEB, category="road_potholes",
                      street="вул. Незалежності", house="12", description="Яма",
                      contact_email=" Oksana@Example.ORG ")


def check(appeal: ExternalAppeal):  # type: ignore[no-untyped-def]
    return check_filing(appeal, categories=CATEGORIES, streets=STREETS, area_code="342")


def problems(appeal: ExternalAppeal) -> set[tuple[str, str]]:
    with pytest.raises(InvalidAppealForm) as refused:
        check(appeal)
    return {(p.field, p.code) for p in refused.value.problems}


def test_a_good_filing_is_registered_with_its_email_lower_cased() -> None:
    filing = check(GOOD)
    assert filing.completion.status == Status.REGISTERED
    assert filing.contact_email == "oksana@example.org"
    assert filing.completion.address == "вул. Незалежності, 12"


def test_what_residents_may_not_file_alone() -> None:
    from dataclasses import replace

    assert ("category", "not_offered") in problems(replace(GOOD, category="gas_smell"))
    assert ("category", "not_offered") in problems(replace(GOOD, category="information_request"))
    assert problems(replace(GOOD, contact_email="")) == {
        ("contact_phone", "phone_or_email_required")}
    assert problems(replace(GOOD, contact_email="oksana@")) == {
        ("contact_email", "invalid_email")}
    assert ("contact_email", "too_long") in problems(
        replace(GOOD, contact_email="a" * 250 + "@example.org"))
    assert check(replace(GOOD, contact_email="", contact_required=False)).contact_email is None
    with pytest.raises(ValueError):
        check(replace(GOOD, channel=Channel.PHONE))
