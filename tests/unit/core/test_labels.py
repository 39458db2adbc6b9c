"""Words for codes on pages: history comments the system wrote, people, sizes, dates."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from callcenter.core.web.labels import ACTIONS, Labels, Names, human_size, local_time

NAMES = Names(people={"olena": "Олена Коваль", "PJSIP/op1001": "Олена Коваль"},
              contractors={"vodokanal": "Водоканал"},
              categories={"water_none": "Відсутнє холодне водопостачання"})
UK = Labels("uk", NAMES)


@pytest.mark.parametrize(("action", "comment", "shown"), [
    ("opened", "call on trunk kyivstar", ""),
    ("completed", "category water_none; вул. Галицька, 3; emergency", ""),
    ("assigned", "vodokanal: правило «water»: категорія «water_none»", "Виконавець: Водоканал"),
    ("reassigned", "vodokanal: газовики не їдуть",
     "Виконавець: Водоканал. Причина: газовики не їдуть"),
    ("delivery", "доставка: pending -> failed", "Доставка: не доставлено"),
    ("dispute_opened", "dispute 3 with vodokanal: Не чули (2 recording(s) on legal hold)",
     "Виконавець: Водоканал. Суть: Не чули"),
    ("dispute_note", "dispute 3: Підвал названо на 0:02", "Підвал названо на 0:02"),
    ("dispute_closed", "dispute 3 with vodokanal: Визнано", "Рішення: Визнано"),
    ("contractor_link_given", "link 4: for vodokanal until 2026-12-10T00:00:00+00:00, all",
     "Для: Водоканал"),
    ("legal_hold_released", "2 recording(s) released: спір закрито", "Причина: спір закрито"),
    ("in_work", "Бригада виїхала", "Бригада виїхала"),
])
def test_system_comments_become_sentences_and_typed_ones_stay(action: str, comment: str,
                                                              shown: str) -> None:
    assert UK.note(action, comment) == shown


def test_every_action_the_code_writes_has_a_word() -> None:
    for code in ACTIONS:
        assert UK.action(code) != code


def test_people_are_named_never_by_user_name_or_seat() -> None:
    assert UK.person("olena") == UK.person("PJSIP/op1001") == "Олена Коваль"
    assert UK.person("Ірина Мельник (iryna)") == "Ірина Мельник"
    assert UK.person("system") == "Система"
    assert UK.contractor("vodokanal") == "Водоканал"
    assert UK.category("water_none") == "Відсутнє холодне водопостачання"


def test_statuses_and_priorities_agree_in_gender() -> None:
    assert [UK.status(s) for s in ("registered", "assigned", "done", "closed", "returned")] == [
        "Зареєстровано", "Передано виконавцю", "Виконано", "Закрито", "Повернуто"]
    assert [UK.priority(p) for p in ("emergency", "urgent", "normal")] == [
        "Аварійний", "Терміновий", "Звичайний"]


def test_sizes_are_human() -> None:
    assert human_size(56529) == (55, "KB")
    assert human_size(512) == (512, "B")
    assert UK.size(56529) == "55 КБ"
    assert UK.size(3 * 1024 * 1024 + 512 * 1024) == "3,5 МБ"
    assert Labels("en").size(56529) == "55 KB"


def test_one_date_format_in_kyiv_time() -> None:
    show = local_time(ZoneInfo("Europe/Kyiv"))
    assert show(datetime(2026, 12, 6, 17, 44, tzinfo=UTC)) == "06.12.2026 19:44"
    assert show(None) == ""
