"""What anonymizing takes out of free text, and what it leaves for the reports."""

from __future__ import annotations

from datetime import UTC, datetime

from callcenter.residents.model.privacy import cutoff_of, scrub, without_flat


def test_phone_numbers_e_mails_and_flats_are_taken_out_of_free_text() -> None:
    text = ("Тече дах над кв. 12, дзвоніть 067 123 45 67 або +38(050)111-22-33, "
            "пишіть olena.k@ukr.net; квартира 7А теж")
    cleaned = scrub(text)
    assert cleaned == ("Тече дах над [квартира], дзвоніть [телефон] або [телефон], "
                       "пишіть [e-mail]; [квартира] теж")


def test_what_the_reports_need_stays() -> None:
    text = "Звернення 2026-000123 від 2026-01-31, о 10:30, будинок 12, 3 під'їзд, 25.12.2025"
    assert scrub(text) == text
    assert scrub(None) is None


def test_the_flat_leaves_the_address() -> None:
    assert without_flat("вул. Незалежності, 12А, кв. 5") == "вул. Незалежності, 12А"
    assert without_flat("вул. Незалежності, 12А") == "вул. Незалежності, 12А"
    assert without_flat(None) is None


def test_the_cutoff_is_calendar_years_back() -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert cutoff_of(now, 5) == datetime(2021, 3, 1, 12, tzinfo=UTC)
    assert cutoff_of(datetime(2028, 2, 29, tzinfo=UTC), 1) == datetime(2027, 2, 28, tzinfo=UTC)
