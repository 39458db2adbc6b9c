"""`[duty]` in the configuration: the check times and windows are validated at start."""

from __future__ import annotations

import pytest

from callcenter.core import config as configuration


def test_defaults_are_three_checks_a_day() -> None:
    duty = configuration.load(environ={}).duty
    assert duty.alerting_checks == ("08:00", "14:00", "20:00")
    assert duty.check_window_minutes == 30


def test_the_environment_overrides_the_list() -> None:
    duty = configuration.load(environ={"CALLCENTER_DUTY__ALERTING_CHECKS": "07:30,19:30",
                                       "CALLCENTER_DUTY__SIGNAL_EMAILS": "mayor@x.ua"}).duty
    assert duty.alerting_checks == ("07:30", "19:30")
    assert duty.signal_emails == ("mayor@x.ua",)


@pytest.mark.parametrize(("key", "value"), [("ALERTING_CHECKS", "08:0"),
                                            ("ALERTING_CHECKS", "24:00"),
                                            ("CHECK_WINDOW_MINUTES", "0"),
                                            ("REMIND_AT", "09-00")])
def test_bad_values_are_refused(key: str, value: str) -> None:
    with pytest.raises(configuration.ConfigError, match="duty"):
        configuration.load(environ={f"CALLCENTER_DUTY__{key}": value})
