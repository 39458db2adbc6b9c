"""The digests' keys and days: a day's keys sort within its range, a URL's day is a date or
nothing, the outbox's states in the delivery flag's words."""

from __future__ import annotations

from datetime import date

import pytest

from callcenter.outages.model.digests import (
    DigestNotFound,
    day_key,
    day_of_key,
    delivery_of,
    digest_key,
    parse_day,
)


def test_a_day_s_keys_sort_between_its_start_and_the_next_day_s() -> None:
    key = digest_key(date(2026, 12, 7), "mayor@if.example.org")
    assert day_key(date(2026, 12, 7)) <= key < day_key(date(2026, 12, 8))
    assert day_of_key(key) == date(2026, 12, 7)


@pytest.mark.parametrize("text", ["2026-13-45", "2026-2-3", "20261207", "вчора", "1", ""])
def test_only_a_real_iso_day_is_a_day(text: str) -> None:
    with pytest.raises(DigestNotFound):
        parse_day(text)
    assert parse_day("2026-12-07") == date(2026, 12, 7)


def test_outbox_states_in_the_delivery_flag_s_words() -> None:
    assert [delivery_of(s) for s in ("sent", "pending", "sending", "dead", "cancelled")] == [
        "delivered", "pending", "pending", "failed", "failed"]
