"""Search keys (callcenter.core.folding): what fold() does and what it must never do."""

from __future__ import annotations

import pytest

from callcenter.core.folding import fold, fold_digits


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("НЕЗАЛЕЖНОСТІ", "незалежності"),
        ("Вулиця  ГАЛИЦЬКА", "вулиця галицька"),
        ("вул. Незалежності, 12А", "вул незалежності 12а"),
        ("  Січових\tСтрільців \n", "січових стрільців"),
        ("Стрільців\u00a012", "стрільців 12"),  # no-break space
        ("«Газмережі»", "газмережі"),
        ('"Водоекотехпром"', "водоекотехпром"),
        ("„Теплокомуненерго“", "теплокомуненерго"),
        ("пр-т Миру", "пр т миру"),
        ("Івано–Франківськ", "івано франківськ"),  # en dash
        ("(0342) 50-62-00", "0342 50 62 00"),
        ("12/1", "12/1"),
        ("№ 5", "5"),  # NFKC alone would give "no 5"
        ("１２А", "12а"),  # full-width digits
    ],
)
def test_fold_lowers_and_drops_what_residents_vary(text: str, key: str) -> None:
    assert fold(text) == key


@pytest.mark.parametrize(
    "variant",
    ["Обʼєднання", "Об'єднання", "Об’єднання", "Об‘єднання", "Об`єднання", "Об´єднання",
     "Обʹєднання", "Об′єднання", "Обєднання"],
)
def test_every_apostrophe_and_none_give_the_same_key(variant: str) -> None:
    assert fold(variant) == "обєднання"


def test_latin_lookalikes_inside_cyrillic_words_become_cyrillic() -> None:
    assert fold("Незалежностi") == fold("Незалежності")  # Latin i
    assert fold("Cічових") == fold("Січових")  # Latin C
    assert fold("Їжакевича") == fold("Ïжакевича")  # Latin i with diaeresis


def test_latin_words_stay_latin() -> None:
    assert fold("Nezalezhnosti St") == "nezalezhnosti st"
    assert fold("Vodafone") == "vodafone"


def test_a_latin_letter_right_after_a_digit_is_a_house_letter() -> None:
    assert fold("12A") == fold("12а") == "12а"


def test_stress_marks_are_dropped() -> None:
    assert fold("Шевче\u0301нка") == "шевченка"


def test_g_with_upturn_and_yo_are_merged_other_letters_are_not() -> None:
    assert fold("Ґанок") == fold("ганок")
    assert fold("ёлка") == "елка"
    assert len({fold(letter) for letter in ["і", "и", "ї", "є", "е"]}) == 5


@pytest.mark.parametrize("text", ["50%", "a_b", "back\\slash", "100% _ \\ %%"])
def test_keys_never_hold_like_wildcards_or_escapes(text: str) -> None:
    key = fold(text)
    assert not set(key) & {"%", "_", "\\"}


@pytest.mark.parametrize(
    "text",
    ["вул. Незалежності, 12А, кв. 5", "Обʼєднання", "12A", "12-A", "Незалежностi-a", "ҐАНОК",
     "«Газмережі» (0342) 50-62-00", "x'б", "Шевче\u0301нка", "ß", ""],
)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_a_folded_query_is_a_substring_of_the_folded_field() -> None:
    field = fold("вулиця В’ячеслава Чорновола, 12")
    for typed in ["вячеслава", "В'ЯЧЕСЛАВА ЧОРН", "чорновола, 12", "Чорновола 12"]:
        assert fold(typed) in field


def test_fold_digits_keeps_only_digits() -> None:
    assert fold_digits("+38 (0342) 50-62-00") == "380342506200"
    assert fold_digits("0 800 50 40 20") == "0800504020"
    assert fold_digits("немає") == ""
