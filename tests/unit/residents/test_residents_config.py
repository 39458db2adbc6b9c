"""The [public], [sms] and [privacy] config sections, and the SMS texts file."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.core.config import ConfigError, load
from callcenter.residents.wiring import read_texts, status_limits

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "config" / "callcenter.toml"


def test_the_shipped_file_has_the_residents_sections() -> None:
    config = load(SHIPPED, {})
    assert config.sms.url == ""  # no gateway until one is configured: no SMS at all
    assert config.privacy.keep_years == 5
    limits = status_limits(config)
    assert (limits.address.free, limits.address.first, limits.address.cap) == (10, 60, 3600)
    assert (limits.number.free, limits.number.forget) == (5, 3600)
    texts = read_texts(str(ROOT / config.sms.texts))
    assert "{number}" in texts.registered and "{link}" in texts.done


def test_environment_overrides_the_residents_keys() -> None:
    config = load(SHIPPED, {"CALLCENTER_SMS__TOKEN": "secret", "CALLCENTER_SMS__URL":
                            "https://api.turbosms.ua/message/send.json",
                            "CALLCENTER_PUBLIC__BASE_URL": "https://1580.if.ua",
                            "CALLCENTER_PRIVACY__KEEP_YEARS": "3"})
    assert (config.sms.token, config.public.base_url, config.privacy.keep_years) == (
        "secret", "https://1580.if.ua", 3)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CALLCENTER_PUBLIC__BASE_URL": "1580.if.ua"}, "public.base_url"),
        ({"CALLCENTER_PUBLIC__ADDRESS_FIRST_DELAY": "0"}, "public: expected 0 < first"),
        ({"CALLCENTER_PUBLIC__FORGET_AFTER": "10"}, "public.forget_after"),
        ({"CALLCENTER_SMS__URL": "ftp://x"}, "sms.url"),
        ({"CALLCENTER_SMS__TIMEOUT": "0"}, "sms.timeout"),
        ({"CALLCENTER_SMS__TIMEOUT": "500"}, "outbox.lease"),
        ({"CALLCENTER_PRIVACY__KEEP_YEARS": "0"}, "privacy.keep_years"),
    ],
)
def test_bad_values_are_refused(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load(SHIPPED, environ)


def test_a_bad_texts_file_is_a_config_error(tmp_path: Path) -> None:
    broken = tmp_path / "sms.toml"
    broken.write_text('registered = "{name}"\ndone = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sms\.texts"):
        read_texts(str(broken))
    with pytest.raises(ConfigError, match="does not exist"):
        read_texts(str(tmp_path / "none.toml"))
