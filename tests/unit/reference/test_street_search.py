"""Street suggestions (callcenter.reference.model.street_search) over a small Ivano-Frankivsk
list."""

from __future__ import annotations

import pytest

from callcenter.core.folding import fold
from callcenter.reference.model.street_search import StreetIndex, name_score, street_query
from callcenter.reference.model.streets import Street
from callcenter.reference.model.transliteration import transliterate

STREETS = [
    Street("Незалежності", aliases=("Стометрівка", "Независимости"), former=("Радянська",)),
    Street("Галицька"),
    Street("Шевченка"),
    Street("Гетьмана Мазепи"),
    Street("Січових Стрільців"),
    Street("Вовчинецька", former=("Юрія Гагаріна",)),
    Street("Гната Хоткевича"),
    Street("Степана Бандери"),
    Street("Вʼячеслава Чорновола"),
    Street("Героїв Маріуполя", former=("Лермонтова",)),
    Street("Героїв Харкова", former=("Чехова",)),
    Street("Михайла Мулика", former=("Гаркуші",)),
    Street("24 Серпня"),
    Street("Ринок", "площа"),
    Street("Південний", "бульвар", adjective=True),
    Street("Північний", "бульвар", adjective=True),
    Street("Набережна імені Василя Стефаника"),
    Street("Василіянок"),
    Street("Василя Стуса"),
    Street("Шопена"),
]


@pytest.fixture(scope="module")
def index() -> StreetIndex:
    return StreetIndex(STREETS)


def top(index: StreetIndex, text: str) -> str:
    found = index.suggest(text)
    assert found, f"nothing suggested for {text!r}"
    return found[0].street.name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("неза", "Незалежності"),  # the start of the name
        ("Незалежності", "Незалежності"),
        ("бандер", "Степана Бандери"),  # the start of a later word
        ("мазепи", "Гетьмана Мазепи"),
        ("стрільців", "Січових Стрільців"),
        ("24 серп", "24 Серпня"),
        ("набережна", "Набережна імені Василя Стефаника"),
    ],
)
def test_what_the_operator_is_typing_comes_first(index: StreetIndex, typed: str,
                                                 name: str) -> None:
    assert top(index, typed) == name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("незалежносты", "Незалежності"),  # Russian keyboard: ы for і
        ("незалежности", "Незалежності"),
        ("галицкая", "Галицька"),  # Russian spelling
        ("шевченко", "Шевченка"),  # nominative instead of genitive
        ("хоткевіча", "Гната Хоткевича"),
        ("січових стрелців", "Січових Стрільців"),
        ("мазепы", "Гетьмана Мазепи"),
    ],
)
def test_typos_and_russian_spellings_still_find_the_street(index: StreetIndex, typed: str,
                                                          name: str) -> None:
    assert top(index, typed) == name


@pytest.mark.parametrize("typed", ["В'ячеслава", "В’ячеслава", "Вʼячеслава", "Вячеслава",
                                   "в`ячеслава чорновола"])
def test_apostrophe_variants_all_match(index: StreetIndex, typed: str) -> None:
    assert top(index, typed) == "Вʼячеслава Чорновола"
    assert index.suggest(typed)[0].score >= 99


@pytest.mark.parametrize(
    "typed",
    ["вул. Незалежності", "вулиця Незалежності", "ул. Незалежності", "Незалежності вул.",
     "м. Івано-Франківськ, вул. Незалежності", "vul. Nezalezhnosti", "Nezalezhnosti St"],
)
def test_kind_words_and_the_city_typed_or_not(index: StreetIndex, typed: str) -> None:
    found = index.suggest(typed)[0]
    assert (found.street.name, found.score) == ("Незалежності", 100.0)


@pytest.mark.parametrize(("typed", "name"), [("пр-т Бандери", "Степана Бандери"),
                                             ("просп. Бандери", "Степана Бандери"),
                                             ("пл. Ринок", "Ринок"),
                                             ("Південний б-р", "Південний"),
                                             ("бульвар Південний", "Південний")])
def test_abbreviated_kinds(index: StreetIndex, typed: str, name: str) -> None:
    assert top(index, typed) == name


def test_initials_are_ignored(index: StreetIndex) -> None:
    assert top(index, "С. Бандери") == "Степана Бандери"
    assert top(index, "В.Стуса") == "Василя Стуса"


@pytest.mark.parametrize(
    ("typed", "name", "formerly"),
    [("лермонтова", "Героїв Маріуполя", "Лермонтова"),
     ("Гаркуші", "Михайла Мулика", "Гаркуші"),
     ("вул. Радянська", "Незалежності", "Радянська"),
     ("гагаріна", "Вовчинецька", "Юрія Гагаріна"),
     ("лермантова", "Героїв Маріуполя", "Лермонтова")],  # a typo in the old name too
)
def test_old_names_find_the_current_street_and_say_so(index: StreetIndex, typed: str,
                                                      name: str, formerly: str) -> None:
    found = index.suggest(typed)[0]
    assert (found.street.name, found.formerly, found.via) == (name, formerly, "former")


def test_aliases_find_the_street_without_a_formerly_note(index: StreetIndex) -> None:
    found = index.suggest("Стометрівка")[0]
    assert (found.street.name, found.via, found.formerly) == ("Незалежності", "alias", None)


def test_the_current_name_wins_over_an_alias_at_equal_score() -> None:
    index = StreetIndex([Street("Гарна", former=("Довга",)), Street("Довга")])
    found = index.suggest("довга")
    assert [(m.street.name, m.via) for m in found] == [("Довга", "name"), ("Гарна", "former")]


def test_several_streets_sharing_a_prefix_are_all_offered(index: StreetIndex) -> None:
    names = [m.street.name for m in index.suggest("героїв")]
    assert names[:2] == ["Героїв Харкова", "Героїв Маріуполя"]  # shorter names first
    assert {m.score for m in index.suggest("героїв")} == {99.0}


def test_exact_beats_prefix_beats_typo(index: StreetIndex) -> None:
    index2 = StreetIndex([Street("Шопена"), Street("Шопенгауера"), Street("Шопен")])
    assert [(m.street.name, m.score) for m in index2.suggest("шопен")] == [
        ("Шопен", 100.0), ("Шопена", 99.0), ("Шопенгауера", 99.0)]
    typo = index.suggest("шопна")[0]
    assert typo.street.name == "Шопена" and typo.score <= 95


def test_one_street_appears_once_with_its_best_name(index: StreetIndex) -> None:
    found = index.suggest("незалежн")
    assert [m.street.name for m in found].count("Незалежності") == 1
    assert found[0].via == "name"


def test_limit_and_empty_queries(index: StreetIndex) -> None:
    assert len(index.suggest("в", limit=3)) == 3
    assert index.suggest("") == []
    assert index.suggest("вул.") == []  # kept as typed (it could be a name), matches nothing
    assert index.suggest(" , . ") == []


def test_short_queries_are_not_fuzzy(index: StreetIndex) -> None:
    assert index.suggest("жж") == []
    assert index.suggest("xq") == []


def test_nonsense_finds_nothing(index: StreetIndex) -> None:
    assert index.suggest("абракадабра") == []


def test_best_is_the_top_match_only_when_good_enough(index: StreetIndex) -> None:
    best = index.best("галицкая")
    assert best is not None and best.street.name == "Галицька"
    assert index.best("абракадабра") is None
    assert index.best("шопна", min_score=99) is None


@pytest.mark.parametrize(
    ("typed", "query"),
    [("вул. Незалежності", "незалежності"), ("пр-т Миру", "миру"), ("С. Бандери", "бандери"),
     ("м. Івано-Франківськ, вул. Галицька", "галицька"), ("вулиця", "вулиця"),
     ("Південний б-р", "південний"), ("24 Серпня", "24 серпня")],
)
def test_street_query_keeps_only_the_name(typed: str, query: str) -> None:
    assert street_query(typed) == query


def test_a_typo_while_still_typing_the_beginning(index: StreetIndex) -> None:
    found = index.suggest("незолеж")[0]
    assert found.street.name == "Незалежності"
    assert 75 <= found.score < 95


@pytest.mark.parametrize(
    ("query", "key", "score"),
    [("незалежності", "незалежності", 100.0), ("неза", "незалежності", 99.0),
     ("бандер", "степана бандери", 97.0), ("абв", "незалежності", 0.0),
     ("жж", "жжук", 99.0), ("жж", "жук", 0.0)],
)
def test_name_score_tiers(query: str, key: str, score: float) -> None:
    assert name_score(query, key) == score


def test_name_score_typos_are_capped_below_prefixes() -> None:
    assert 75 <= name_score("галицкая", "галицька") <= 95
    assert 75 <= name_score("хоткевіча", "гната хоткевича") <= 95  # a later word
    assert name_score("незолеж", "незалежності") < name_score("незолеж", "незолеж")


QUERIES = ["неза", "незалежносты", "галицкая", "шевченко", "в", "ва", "бандер", "лермонтова",
           "гаркуші", "героїв", "В'ячеслава", "січових стрелців", "незолеж", "хоткевіча",
           "абракадабра", "Nezalez", "шопна", "24 серп", "стометрівка", "мазепы", "ринок"]


@pytest.mark.parametrize("typed", QUERIES)
def test_the_index_scores_every_street_as_name_score_does(index: StreetIndex,
                                                          typed: str) -> None:
    query = street_query(typed)
    expected = {}
    for street in STREETS:
        names = (street.name, transliterate(street.name), *street.aliases, *street.former)
        score = max(name_score(query, fold(name)) for name in names)
        if score:
            expected[street.name] = score
    found = index.suggest(typed, limit=len(STREETS))
    assert {m.street.name: m.score for m in found} == expected


def test_an_empty_index_suggests_nothing() -> None:
    assert StreetIndex([]).suggest("незалежності") == []
