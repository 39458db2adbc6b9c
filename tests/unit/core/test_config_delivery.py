"""The [routing], [smtp], [outbox] and [notify] config sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.core.config import ConfigError, load

SHIPPED = Path(__file__).resolve().parents[3] / "config" / "callcenter.toml"


def test_the_shipped_file_has_the_delivery_sections() -> None:
    config = load(SHIPPED, {})
    assert config.routing.rules == "config/routing.toml"
    assert (config.smtp.port, config.smtp.starttls) == (25, False)
    assert (config.outbox.max_attempts, config.outbox.lease) == (8, 300.0)
    assert config.notify.public_base_url.startswith("http")


def test_environment_overrides_delivery_keys() -> None:
    config = load(SHIPPED, {"CALLCENTER_SMTP__HOST": "mail.example.org",
                            "CALLCENTER_SMTP__STARTTLS": "true",
                            "CALLCENTER_OUTBOX__WORKERS": "4",
                            "CALLCENTER_NOTIFY__SUPERVISOR_EMAILS": "a@x.org, b@x.org"})
    assert (config.smtp.host, config.smtp.starttls) == ("mail.example.org", True)
    assert config.outbox.workers == 4
    assert config.notify.supervisor_emails == ("a@x.org", "b@x.org")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CALLCENTER_OUTBOX__WORKERS": "0"}, "outbox.workers"),
        ({"CALLCENTER_OUTBOX__BACKOFF_BASE": "0"}, "outbox.backoff_base"),
        ({"CALLCENTER_OUTBOX__BACKOFF_BASE": "100", "CALLCENTER_OUTBOX__BACKOFF_MAX": "10"},
         "outbox.backoff_base"),
        ({"CALLCENTER_OUTBOX__LEASE": "10"}, "outbox.lease: expected at least twice"),
        ({"CALLCENTER_NOTIFY__WEBHOOK_TIMEOUT": "-1"}, "notify.webhook_timeout"),
        ({"CALLCENTER_SMTP__PORT": "70000"}, "smtp.port"),
        ({"CALLCENTER_NOTIFY__PUBLIC_BASE_URL": "1580.example.org"}, "public_base_url"),
        ({"CALLCENTER_OUTBOX__MAX_ATTEMPTS": "many"}, "outbox.max_attempts: expected an integer"),
    ],
)
def test_bad_delivery_values_name_the_key(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load(SHIPPED, environ)
