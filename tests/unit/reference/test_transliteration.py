"""Ukrainian -> Latin by the national standard (callcenter.reference.model.transliteration)."""

from __future__ import annotations

import pytest

from callcenter.reference.model.transliteration import transliterate


@pytest.mark.parametrize(
    ("ukrainian", "latin"),
    [
        ("Незалежності", "Nezalezhnosti"),
        ("Січових Стрільців", "Sichovykh Striltsiv"),
        ("Гната Хоткевича", "Hnata Khotkevycha"),
        ("Щорса", "Shchorsa"),
        ("Ґудзика", "Gudzyka"),
        # є ї й ю я: ye yi y yu ya at the start of a word, ie i i iu ia inside it
        ("Євгена Коновальця", "Yevhena Konovaltsia"),
        ("Їжакевича", "Yizhakevycha"),
        ("Йосипа", "Yosypa"),
        ("Юліана", "Yuliana"),
        ("Яремче", "Yaremche"),
        ("Маріуполя", "Mariupolia"),
        ("Стрийська", "Stryiska"),
        ("Героїв", "Heroiv"),
        # зг is zgh; the soft sign and the apostrophe are dropped
        ("Згурського", "Zghurskoho"),
        ("Вʼячеслава", "Viacheslava"),
        ("Об'єднання", "Obiednannia"),
        ("Подільська", "Podilska"),
        ("24 Серпня", "24 Serpnia"),
        ("Івана Павла ІІ", "Ivana Pavla II"),
    ],
)
def test_transliterate_follows_the_national_table(ukrainian: str, latin: str) -> None:
    assert transliterate(ukrainian) == latin


def test_text_that_is_not_ukrainian_passes_through() -> None:
    assert transliterate("St. 12/1 (A)") == "St. 12/1 (A)"
