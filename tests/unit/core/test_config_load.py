"""Typed configuration (callcenter.core.config.load): defaults, the shipped file, env, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from callcenter.calls.model.trunks import Trunk
from callcenter.core.config import Config, ConfigError, load

SHIPPED = Path(__file__).resolve().parents[3] / "config" / "callcenter.toml"
WriteToml = Callable[[str], Path]


@pytest.fixture
def toml(tmp_path: Path) -> WriteToml:
    """Writes a config file in tmp_path and returns its path."""

    def write(text: str) -> Path:
        path = tmp_path / "callcenter.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_an_empty_file_gives_the_defaults(toml: WriteToml) -> None:
    config = load(toml(""), {})

    assert config == Config()
    assert config.timezone == "Europe/Kyiv"
    assert (config.pbx.name, config.pbx.area_code, config.pbx.inbound_contexts) == (
        "pbx1", "342", ("from-trunk",))
    assert (config.ami.host, config.ami.port, config.ami.ping_interval) == ("127.0.0.1", 5038, 10.0)
    assert config.log.format == "console"
    assert [t.name for t in config.trunks] == ["landline", "kyivstar", "vodafone"]


def test_the_shipped_file_loads_with_three_trunks() -> None:
    config = load(SHIPPED, {})

    assert config.trunks == (
        Trunk("landline", "landline", ("PJSIP/landline", "SIP/landline")),
        Trunk("kyivstar", "mobile", ("PJSIP/kyivstar", "SIP/kyivstar")),
        Trunk("vodafone", "mobile", ("PJSIP/vodafone", "SIP/vodafone")),
    )
    assert config.pbx.inbound_contexts == ("from-trunk",)
    assert config.timezone == "Europe/Kyiv"


def test_values_from_the_file(toml: WriteToml) -> None:
    path = toml('timezone = "UTC"\n[ami]\nport = 5039\nping_interval = 2\n'
                '[[trunks]]\nname = "lifecell"\nkind = "mobile"\n')

    config = load(path, {})

    assert (config.timezone, config.ami.port, config.ami.ping_interval) == ("UTC", 5039, 2.0)
    assert config.trunks == (Trunk("lifecell", "mobile", ("PJSIP/lifecell",)),)


@pytest.mark.parametrize(
    ("environ", "read", "expected"),
    [
        ({"CALLCENTER_AMI__PING_INTERVAL": "3"}, lambda c: c.ami.ping_interval, 3.0),
        ({"CALLCENTER_TIMEZONE": "UTC"}, lambda c: c.timezone, "UTC"),
        ({"CALLCENTER_DATABASE_URL": "postgresql+asyncpg://u:p@db/cc"},
         lambda c: c.database.url, "postgresql+asyncpg://u:p@db/cc"),
        ({"CALLCENTER_AMI_HOST": "10.0.0.5"}, lambda c: c.ami.host, "10.0.0.5"),
        ({"CALLCENTER_AMI_PORT": "5039"}, lambda c: c.ami.port, 5039),
        ({"CALLCENTER_AMI_USER": "hotline"}, lambda c: c.ami.username, "hotline"),
        ({"CALLCENTER_AMI_SECRET": "s3cret"}, lambda c: c.ami.secret, "s3cret"),
        ({"CALLCENTER_DATABASE__ECHO": "yes"}, lambda c: c.database.echo, True),
        ({"CALLCENTER_DATABASE__ECHO": "off"}, lambda c: c.database.echo, False),
        ({"CALLCENTER_PBX__INBOUND_CONTEXTS": "from-trunk, from-pstn"},
         lambda c: c.pbx.inbound_contexts, ("from-trunk", "from-pstn")),
        ({"CALLCENTER_LOG__FORMAT": "json"}, lambda c: c.log.format, "json"),
        ({"CALLCENTER_AMI_PORT": "5040", "CALLCENTER_AMI__PORT": "5041"},
         lambda c: c.ami.port, 5040),  # the alias wins
    ],
)
def test_environment_overrides_the_file(environ: dict[str, str],
                                        read: Callable[[Config], object],
                                        expected: object) -> None:
    assert read(load(SHIPPED, environ)) == expected


def test_environment_override_keeps_the_rest_of_the_section() -> None:
    config = load(SHIPPED, {"CALLCENTER_AMI__PING_INTERVAL": "3"})

    assert (config.ami.ping_interval, config.ami.port, config.ami.ping_timeout) == (3.0, 5038, 5.0)


def test_an_explicit_path_wins_over_callcenter_config(toml: WriteToml, tmp_path: Path) -> None:
    path = toml('timezone = "UTC"\n')

    config = load(path, {"CALLCENTER_CONFIG": str(tmp_path / "missing.toml")})

    assert config.timezone == "UTC"


def test_callcenter_config_names_the_file(toml: WriteToml) -> None:
    path = toml('timezone = "UTC"\n')

    assert load(None, {"CALLCENTER_CONFIG": str(path)}).timezone == "UTC"


@pytest.mark.parametrize(
    ("text", "environ", "prefix"),
    [
        ("[ami]\nport = 0\n", {}, "ami.port: "),
        ("[ami]\nport = 70000\n", {}, "ami.port: "),
        ('[ami]\nport = "high"\n', {}, "ami.port: "),
        ("[ami]\nport = true\n", {}, "ami.port: "),
        ("", {"CALLCENTER_AMI_PORT": "abc"}, "ami.port: "),
        ("", {"CALLCENTER_AMI__PING_INTERVAL": "soon"}, "ami.ping_interval: "),
        ("[ami]\nnonsense = 1\n", {}, "ami.nonsense: "),
        ("", {"CALLCENTER_AMI__NONSENSE": "1"}, "ami.nonsense: "),
        ("[nonsense]\nx = 1\n", {}, "nonsense: "),
        ("", {"CALLCENTER_NONSENSE__X": "1"}, "nonsense: "),
        ('ami = "x"\n', {}, "ami: "),
        ('[[trunks]]\nname = "gsm"\nkind = "cellular"\n', {}, "trunks[0].kind: "),
        ('[[trunks]]\nname = "a"\nkind = "mobile"\n[[trunks]]\nkind = "mobile"\n', {},
         "trunks[1].name: "),
        ('[[trunks]]\nname = "a"\nkind = "mobile"\nchannels = [1]\n', {},
         "trunks[0].channels: "),
        ("trunks = []\n", {}, "trunks: "),
        ('timezone = "Mars/Olympus_Mons"\n', {}, "timezone: "),
        ("", {"CALLCENTER_TIMEZONE": "Nowhere/Town"}, "timezone: "),
        ('[log]\nformat = "xml"\n', {}, "log.format: "),
        ('[pbx]\narea_code = "34x"\n', {}, "pbx.area_code: "),
        ("[database]\necho = \"maybe\"\n", {}, "database.echo: "),
        ("[intake]\nmemory_queue = 0\n", {}, "intake.memory_queue"),
    ],
)
def test_bad_values_name_the_key(toml: WriteToml, text: str, environ: dict[str, str],
                                 prefix: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(toml(text), environ)
    assert str(caught.value).startswith(prefix)


def test_bad_toml_syntax_names_the_file(toml: WriteToml) -> None:
    path = toml("[ami\nport = 5038\n")

    with pytest.raises(ConfigError) as caught:
        load(path, {})

    assert str(path) in str(caught.value)


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"

    with pytest.raises(ConfigError, match=r"nowhere\.toml"):
        load(path, {})


def test_a_fractional_port_is_rejected(toml: WriteToml) -> None:
    # Never truncate silently: 5038.5 is not a port.
    with pytest.raises(ConfigError) as caught:
        load(toml("[ami]\nport = 5038.5\n"), {})
    assert str(caught.value).startswith("ami.port: ")
