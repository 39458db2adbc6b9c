"""The portal's pure rules: the signed fill-time stamp, the honeypot, what residents see."""

from __future__ import annotations

import pytest

from callcenter.portal.model import (
    PortalRules,
    Spam,
    check_honeypot,
    check_stamp,
    offered,
    stamp,
)
from callcenter.reference.model.categories import CategoryBook, CategoryGroup, parse_categories

SECRET = b"k" * 32
RULES = PortalRules(min_fill_seconds=3.0, max_form_age=3600.0)


def test_a_stamp_is_accepted_after_the_minimum_fill_time() -> None:
    check_stamp(stamp(SECRET, 1000.0), SECRET, now=1004.0, rules=RULES)


@pytest.mark.parametrize(("value", "now", "reason"), [
    (stamp(SECRET, 1000.0), 1001.0, "filled in"),
    (stamp(SECRET, 1000.0), 1000.0 + 7200, "too long ago"),
    (stamp(b"other" * 8, 1000.0), 1010.0, "forged"),
    ("1000." + "0" * 32, 1010.0, "forged"),
    ("", 1010.0, "forged"),
    ("999" + stamp(SECRET, 1000.0)[3:], 1010.0, "forged"),  # the time changed, not the mark
])
def test_a_robots_stamp_is_refused(value: str, now: float, reason: str) -> None:
    with pytest.raises(Spam) as refused:
        check_stamp(value, SECRET, now=now, rules=RULES)
    assert reason in refused.value.reason


def test_the_honeypot() -> None:
    check_honeypot("  ")
    with pytest.raises(Spam):
        check_honeypot("http://spam.example")


def book() -> CategoryBook:
    return parse_categories({
        "groups": [{"code": "roads", "name_uk": "Дороги", "name_en": "Roads"},
                   {"code": "gas", "name_uk": "Газ", "name_en": "Gas"},
                   {"code": "info", "name_uk": "Довідка", "name_en": "Info"}],
        "categories": [
            {"code": "potholes", "group": "roads", "name_uk": "Ями", "name_en": "Potholes",
             "keywords": ["вибоїна"], "portal": True},
            {"code": "signs", "group": "roads", "name_uk": "Знаки", "name_en": "Signs"},
            {"code": "gas_smell", "group": "gas", "name_uk": "Запах газу",
             "name_en": "Gas smell", "emergency": True, "portal": True},
            {"code": "info", "group": "info", "name_uk": "Довідка", "name_en": "Info",
             "consultation": True}]})


def test_residents_see_public_categories_only_and_can_search_them() -> None:
    groups = offered(book())
    assert [(g.label, [o.code for o in g.options]) for g in groups] == [("Дороги", ["potholes"])]
    assert [o.code for g in offered(book(), "вибоїна") for o in g.options] == ["potholes"]
    assert offered(book(), "знаки") == ()  # not marked for the portal
    assert [g.label for g in offered(book(), lang="en")] == ["Roads"]
    assert isinstance(book().groups[0], CategoryGroup)


def test_the_shipped_categories_offer_no_emergency() -> None:
    import tomllib

    with open("config/categories.toml", "rb") as handle:
        shipped = parse_categories(tomllib.load(handle))
    public = shipped.public
    assert len(public) > 20 and not any(c.emergency or c.consultation for c in public)
    assert shipped.get("gas_smell") not in public and shipped.get("road_potholes") in public
