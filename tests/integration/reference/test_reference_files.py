"""The shipped reference files load and hold together; the loader names the file at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.core.config import ReferenceConfig
from callcenter.core.errors import ReferenceDataError
from callcenter.core.folding import fold
from callcenter.reference.model.streets import english_name
from callcenter.reference.service import Reference, load_categories, load_reference, load_streets

CONFIG = Path(__file__).resolve().parents[3] / "config"
SHIPPED = ReferenceConfig(categories=str(CONFIG / "categories.toml"),
                          streets=str(CONFIG / "streets.toml"),
                          directory=str(CONFIG / "directory.toml"))


@pytest.fixture(scope="module")
def shipped() -> Reference:
    return load_reference(SHIPPED)


def test_the_default_paths_are_the_shipped_files() -> None:
    assert ReferenceConfig() == ReferenceConfig(categories="config/categories.toml",
                                                streets="config/streets.toml",
                                                directory="config/directory.toml")


# --- categories ---

@pytest.mark.parametrize(
    "code",
    ["water_none", "hot_water_none", "heating_none", "power_outage", "gas_smell",
     "sewer_blockage", "road_potholes", "street_lighting", "waste_not_collected",
     "elevator_broken", "roof_leak", "basement", "stairwell", "transport_schedule",
     "snow_clearing", "tree_trimming", "noise", "stray_animals", "e_ticket",
     "information_request", "cleanliness", "parking", "playgrounds", "social_aid", "other"],
)
def test_the_categories_a_city_hotline_needs_are_there(shipped: Reference, code: str) -> None:
    assert shipped.categories.get(code) is not None


@pytest.mark.parametrize("code", ["gas_smell", "water_none", "heating_none", "flooding",
                                  "elevator_stuck", "power_line_damage", "water_pipe_burst"])
def test_life_and_property_threats_start_as_emergencies(shipped: Reference, code: str) -> None:
    assert shipped.categories.by_code(code).emergency


def test_routine_categories_are_not_emergencies(shipped: Reference) -> None:
    for code in ["noise", "parking", "e_ticket", "information_request", "water_meters"]:
        assert not shipped.categories.by_code(code).emergency


def test_the_consultation_is_the_information_request(shipped: Reference) -> None:
    assert shipped.categories.consultation.code == "information_request"


def test_every_group_has_categories_and_names_in_both_languages(shipped: Reference) -> None:
    for lang in ("uk", "en"):
        for group in shipped.categories.choices(lang):
            assert group.label and group.options, group
            assert all(option.label for option in group.options)
    english = [c.name_en for c in shipped.categories.categories]
    assert all(name.isascii() for name in english)


# --- streets ---

def test_at_least_150_streets(shipped: Reference) -> None:
    assert len(shipped.streets) >= 150


def test_english_names_match_the_transliteration_standard(shipped: Reference) -> None:
    wrong = [(s.name, s.name_en) for s in shipped.streets.streets
             if s.name_en != english_name(s.name, s.kind)]
    assert wrong == []


def test_every_alias_and_former_name_finds_its_own_street_first(shipped: Reference) -> None:
    for street in shipped.streets.streets:
        for other in (*street.aliases, *street.former):
            found = shipped.streets.suggest(other)[0]
            assert (found.street, found.matched) == (street, other)


def test_every_street_is_found_by_its_own_name_first(shipped: Reference) -> None:
    for street in shipped.streets.streets:
        for typed in (street.name, street.short, fold(street.official)):
            assert shipped.streets.suggest(typed)[0].street == street, typed


@pytest.mark.parametrize(
    ("typed", "name", "formerly"),
    [("незалежносты", "Незалежності", None), ("галицкая", "Галицька", None),
     ("шевченко", "Шевченка", None), ("Стометрівка", "Незалежності", None),
     ("Радянська", "Незалежності", "Радянська"), ("Лермонтова", "Героїв Маріуполя", "Лермонтова"),
     ("Гаркуші", "Михайла Мулика", "Гаркуші"), ("гагаріна", "Вовчинецька", "Юрія Гагаріна"),
     ("Чорновола", "Вʼячеслава Чорновола", None), ("В'ячеслава", "Вʼячеслава Чорновола", None),
     ("пр-т Бандери", "Степана Бандери", None), ("Набережна", "Набережна імені Василя Стефаника",
                                                 None)],
)
def test_operators_examples_on_the_shipped_list(shipped: Reference, typed: str, name: str,
                                               formerly: str | None) -> None:
    found = shipped.streets.suggest(typed)[0]
    assert (found.street.name, found.formerly) == (name, formerly)


# --- directory ---

@pytest.mark.parametrize("number", ["101", "102", "103", "104", "112"])
def test_the_national_emergency_numbers_are_real_entries(shipped: Reference, number: str) -> None:
    found = [e for e in shipped.directory.emergency() if number in e.phones]
    assert len(found) == 1 and not found[0].sample


def test_the_hotline_itself_is_listed(shipped: Reference) -> None:
    assert shipped.directory.search("1580")[0].code == "hotline_1580"


def test_every_emergency_category_says_whom_to_call(shipped: Reference) -> None:
    missing = [c.code for c in shipped.categories.categories
               if c.emergency and not shipped.directory.for_category(c.code)]
    assert missing == []


def test_the_directory_finds_utilities_by_everyday_words(shipped: Reference) -> None:
    assert shipped.directory.search("водоканал")[0].code == "water_utility"
    assert shipped.directory.search("опалення")[0].code == "heating_emergency"
    assert shipped.directory.search("світло")[0].code in {"power_distributor",
                                                           "street_lighting_service"}
    assert shipped.directory.search("цнап")[0].code == "admin_services_centre"


# --- the loader names the file at fault ---

def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ReferenceDataError, match=rf"^{path}: cannot read"):
        load_categories(path)


def test_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "streets.toml"
    path.write_text("[[streets]\nname = ", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=rf"^{path}: not valid TOML"):
        load_streets(path)


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "streets.toml"
    path.write_bytes('[[streets]]\nname = "Довга"\n'.encode("cp1251"))
    with pytest.raises(ReferenceDataError, match=rf"^{path}: not valid TOML"):
        load_streets(path)


def test_a_bad_entry(tmp_path: Path) -> None:
    path = tmp_path / "streets.toml"
    path.write_text('[[streets]]\nname = "Довга"\nkind = "алея"\n', encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=rf"^{path}: street #1 \('Довга'\): kind"):
        load_streets(path)


def test_a_directory_naming_an_unknown_category(tmp_path: Path) -> None:
    directory = tmp_path / "directory.toml"
    directory.write_text(
        '[[services]]\ncode = "x"\nname_uk = "Х"\nname_en = "X"\nhandles_uk = "-"\n'
        'handles_en = "-"\nphones = ["101"]\ncategories = ["no_such_category"]\n',
        encoding="utf-8")
    config = ReferenceConfig(categories=SHIPPED.categories, streets=SHIPPED.streets,
                             directory=str(directory))
    with pytest.raises(ReferenceDataError, match=rf"^{directory}: service 'x': categories: "
                                                 "'no_such_category'"):
        load_reference(config)


def test_relative_paths_fall_back_to_the_source_tree(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`callcenter serve` started in another directory without a config file."""
    monkeypatch.chdir(tmp_path)
    assert len(load_reference(ReferenceConfig()).categories) > 50
    with pytest.raises(ReferenceDataError, match=r"^config/nothing\.toml: cannot read"):
        load_categories("config/nothing.toml")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "streets.toml").write_text("streets = 1\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"^config/streets\.toml: streets"):
        load_streets("config/streets.toml")  # the working directory's file wins
