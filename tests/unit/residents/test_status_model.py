"""Who may see an appeal's public status, and how guessing is slowed."""

from __future__ import annotations

from callcenter.core.throttle import DelayPolicy, Strikes
from callcenter.residents.model.status import (
    Contacts,
    StatusLimits,
    matches,
    public_address,
    status_wait,
)

PHONE = Contacts("+380671234567", None, None)
BOTH = Contacts("+380342123456", "+380501119988", "Olena@Example.org")


def test_the_last_four_digits_of_the_caller_or_the_contact_phone_match() -> None:
    assert matches(PHONE, "4567")
    assert matches(PHONE, " 4567 ")
    assert matches(BOTH, "3456") and matches(BOTH, "9988")
    assert not matches(PHONE, "4566")
    assert not matches(PHONE, "34567")  # exactly four digits
    assert not matches(PHONE, "567")
    assert not matches(PHONE, "45 67")
    assert not matches(PHONE, "٤٥٦٧")  # Arabic-Indic digits are not ours


def test_the_e_mail_matches_whatever_its_case() -> None:
    assert matches(BOTH, "olena@example.ORG")
    assert not matches(BOTH, "olena@example.org.ua")
    assert not matches(PHONE, "someone@example.org")  # no e-mail given: no e-mail matches


def test_an_appeal_with_neither_phone_nor_e_mail_has_no_public_status() -> None:
    assert not Contacts(None, None, None).public
    assert not Contacts(None, "", "").public
    assert PHONE.public and Contacts(None, None, "a@b.ua").public
    assert not matches(Contacts(None, None, None), "")


def test_the_public_address_never_has_the_flat() -> None:
    assert public_address("вулиця Незалежності", "12А") == "вулиця Незалежності, 12А"
    assert public_address("вулиця Незалежності", None) == "вулиця Незалежності"
    assert public_address(None, "12") is None


LIMITS = StatusLimits(address=DelayPolicy(free=10, first=60, cap=3600, forget=3600),
                      number=DelayPolicy(free=3, first=2, cap=600, forget=3600))


def test_a_clean_address_is_never_held_by_the_numbers_delay() -> None:
    guessed = Strikes(failures=50, last=100.0)  # the number was guessed at elsewhere
    assert status_wait(LIMITS, None, guessed, 101.0) == 0.0
    assert status_wait(LIMITS, Strikes(2, 100.0), guessed, 101.0) == 0.0  # a typo or two


def test_a_guesser_is_slowed_by_the_number_then_stopped_by_its_address() -> None:
    number = Strikes(failures=5, last=100.0)
    assert status_wait(LIMITS, Strikes(3, 100.0), number, 100.0) == 4.0  # 2, then 4
    assert status_wait(LIMITS, Strikes(11, 100.0), None, 100.0) == 60.0
    assert status_wait(LIMITS, Strikes(30, 100.0), None, 100.0) == 3600.0  # capped
    assert status_wait(LIMITS, Strikes(30, 100.0), None, 3700.0) == 0.0  # forgotten
