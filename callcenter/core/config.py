"""Typed configuration: defaults < config/callcenter.toml (or $CALLCENTER_CONFIG) < environment.

Every key can be overridden as `CALLCENTER_<SECTION>__<KEY>` (top-level keys as
`CALLCENTER_<KEY>`), plus a few short aliases. `load()` is the only reader; nothing is read at
import time. A bad file or value raises `ConfigError` naming the key.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callcenter.calls.model.trunks import LINE_KINDS, Trunk

DEFAULT_FILE = Path("config/callcenter.toml")
ALIASES = {
    "CALLCENTER_DATABASE_URL": ("database", "url"),
    "CALLCENTER_AMI_HOST": ("ami", "host"),
    "CALLCENTER_AMI_PORT": ("ami", "port"),
    "CALLCENTER_AMI_USER": ("ami", "username"),
    "CALLCENTER_AMI_SECRET": ("ami", "secret"),
    "CALLCENTER_HTTP_HOST": ("http", "host"),
    "CALLCENTER_HTTP_PORT": ("http", "port"),
}


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class PbxConfig:
    name: str = "pbx1"
    area_code: str = "342"
    inbound_contexts: tuple[str, ...] = ("from-trunk",)
    # Asterisk's queue_log file as this process reads it (local or a mounted share); "" = none
    queue_log: str = ""


@dataclass(frozen=True)
class AmiConfig:
    host: str = "127.0.0.1"
    port: int = 5038
    username: str = "callcenter"
    secret: str = "callcenter"
    connect_timeout: float = 5.0
    action_timeout: float = 10.0
    ping_interval: float = 10.0
    ping_timeout: float = 5.0
    reconnect_min: float = 0.5
    reconnect_max: float = 30.0


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite+aiosqlite:///var/callcenter.db"
    echo: bool = False
    # PostgreSQL: the role that runs the migrations and owns the tables; `url`'s role is then
    # granted only what it needs (SELECT and INSERT on the audit). Empty: `url` does both.
    owner_url: str = ""


@dataclass(frozen=True)
class IntakeConfig:
    memory_queue: int = 10_000
    journal: str = "var/intake-journal.jsonl"
    batch_size: int = 500
    retry_max: float = 10.0


@dataclass(frozen=True)
class LogConfig:
    format: str = "console"
    level: str = "info"


@dataclass(frozen=True)
class DemoConfig:
    interval: float = 6.0


@dataclass(frozen=True)
class HttpConfig:
    host: str = "127.0.0.1"
    port: int = 8580
    # Origins allowed to open the operator WebSocket besides the server's own; empty = own only.
    allowed_origins: tuple[str, ...] = ()
    secure_cookies: bool = False
    session_hours: float = 12.0
    # Sign-in throttle (DESIGN-NOTES.md, "Throttling guessers"): failures allowed without
    # waiting per user name and per client address, then a delay from the first, doubling up
    # to the longest; a key that has not failed for `login_forget_after` seconds starts clean.
    login_free_failures: int = 3
    login_free_failures_per_address: int = 10
    login_first_delay: float = 1.0
    login_max_delay: float = 300.0
    login_forget_after: float = 900.0


@dataclass(frozen=True)
class ReferenceConfig:
    """Data files beside the config file: appeal categories, streets, city services directory."""

    categories: str = "config/categories.toml"
    streets: str = "config/streets.toml"
    directory: str = "config/directory.toml"


@dataclass(frozen=True)
class OperatorConfig:
    wrap_up_seconds: float = 30.0
    queue: str = "operators"


@dataclass(frozen=True)
class RecordingsConfig:
    spool_dir: str = "var/spool/monitor"
    asterisk_spool_dir: str = "/var/spool/asterisk/monitor"
    dir: str = "recordings"
    format: str = "mp3"
    bitrate: str = "32k"
    workers: int = 2
    settle_seconds: float = 2.0
    missing_after: float = 600.0
    original_days: int = 90
    retention_days: int = 1095
    sample_rate: int = 16000
    remove_from_spool: bool = True
    poll_interval: float = 1.0


@dataclass(frozen=True)
class ReplayConfig:
    """Supervisors' replays and disputes."""

    grant_minutes: float = 30.0  # a replay's ticket plays the file this long
    link_hours: float = 72.0  # a contractor's link works this long unless told otherwise


@dataclass(frozen=True)
class RoutingConfig:
    """Routing rules (a file, reloaded on SIGHUP) and the contractors file to import."""

    rules: str = "config/routing.toml"
    contractors: str = "config/contractors.toml"


@dataclass(frozen=True)
class AttachmentsConfig:
    """Photos contractors attach to their answers."""

    dir: str = "attachments"
    photo_max_bytes: int = 10 * 1024 * 1024
    photos_max: int = 10
    photo_max_pixels: int = 50_000_000


@dataclass(frozen=True)
class PortalConfig:
    """The residents' web form (`/portal`) and its spam protection (no third party)."""

    photos_max: int = 5  # bytes and pixels as [attachments]
    # A form sent sooner than this after the page was served is a robot's.
    min_fill_seconds: float = 3.0
    max_form_age_hours: float = 24.0
    # Per client address: this many appeals freely, then a wait from `first_delay` doubling
    # to `max_delay`; an address quiet for `forget_after` seconds starts clean.
    free_per_address: int = 5
    first_delay: float = 60.0
    max_delay: float = 3600.0
    forget_after: float = 3600.0
    # Signs the fill-time stamp; empty: a random key per process (several web processes
    # behind one balancer need one shared key here).
    secret: str = ""


@dataclass(frozen=True)
class MailConfig:
    """Mail to the hotline (`callcenter mail`, and inside `serve` unless `off`): a built-in
    SMTP receiver or polling an IMAP mailbox; every letter becomes an appeal."""

    mode: str = "off"  # off | smtp | imap
    address: str = "1580@1580.example.org"  # the hotline's address: mail from it is ours
    # smtp: where our receiver listens (aiosmtpd)
    host: str = "127.0.0.1"
    port: int = 2525
    # limits (both modes)
    max_message_bytes: int = 10_000_000
    max_attachments: int = 10
    max_recipients: int = 20
    # imap: the mailbox polled (read letters are flagged as seen, never deleted)
    imap_host: str = "127.0.0.1"
    imap_port: int = 993
    imap_tls: bool = True
    imap_user: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"
    poll_seconds: float = 30.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "127.0.0.1"
    port: int = 25
    from_address: str = "Гаряча лінія 1580 <noreply@1580.example.org>"
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 30.0


@dataclass(frozen=True)
class OutboxConfig:
    workers: int = 1
    max_attempts: int = 8
    backoff_base: float = 30.0
    backoff_max: float = 3600.0
    batch: int = 20
    poll_interval: float = 1.0
    lease: float = 300.0
    sweep_interval: float = 60.0
    in_serve: bool = True  # `callcenter serve` runs the workers and sweeps too


@dataclass(frozen=True)
class NotifyConfig:
    public_base_url: str = "http://127.0.0.1:8580"
    webhook_timeout: float = 10.0
    supervisor_emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicConfig:
    """The residents' status page and API (no sign-in), and the links SMS carry."""

    base_url: str = "http://127.0.0.1:8580"  # the status link: <base_url>/s/<number>
    free_failures_per_address: int = 10  # wrong tries a client address has before it waits ...
    address_first_delay: float = 60.0    # ... this long, doubling with each failure ...
    address_max_delay: float = 3600.0    # ... up to this
    free_failures_per_number: int = 5    # wrong tries at one appeal number before the number
    number_first_delay: float = 2.0      # binds an address that failed as often: growing delays
    number_max_delay: float = 600.0
    forget_after: float = 3600.0         # a key with no failure this long starts clean


@dataclass(frozen=True)
class SmsConfig:
    """SMS to residents through an HTTP gateway (empty url: no SMS is sent)."""

    url: str = ""
    token: str = ""  # better: CALLCENTER_SMS__TOKEN in the environment
    sender: str = "1580"
    timeout: float = 10.0
    texts: str = "config/sms.toml"


@dataclass(frozen=True)
class PrivacyConfig:
    keep_years: int = 5  # residents' data of appeals closed longer ago is anonymized


@dataclass(frozen=True)
class OutagesConfig:
    """The outage register: the address check, probable unreported outages, the digest."""

    soon_hours: float = 24.0  # an outage starting within this is "soon" at an address
    probable_calls: int = 5  # appeals of one utility on one street within the window ...
    probable_window_minutes: int = 30  # ... and no outage registered: flagged to supervisors
    digest_at: str = "08:00"  # local time of the morning digest
    digest_emails: tuple[str, ...] = ()  # the leadership list
    # What callers hear: announcements a supervisor switches on, played before the queue.
    sounds_dir: str = "var/sounds"  # where the backend writes their WAVs ...
    asterisk_sounds_dir: str = "/var/lib/asterisk/sounds/custom/1580"  # ... as Asterisk sees it
    notice_variable: str = "OUTAGE_NOTICE"  # the dialplan's global (dialplans/extensions.conf)
    notice_check_seconds: float = 30.0  # read the global back this often (a reload clears it)
    speech_voice: str = "uk"  # espeak-ng's voice for spoken announcements
    speech_rate: int = 140  # words per minute


@dataclass(frozen=True)
class DutyConfig:
    """The duty desk (`/duty`): the alerting-system checks, who hears of a missed one and of
    a signal, the reminders of the mayor's assignments."""

    alerting_checks: tuple[str, ...] = ("08:00", "14:00", "20:00")  # local times, HH:MM
    check_window_minutes: int = 30  # a check counts from this long before to this long after
    alarm_emails: tuple[str, ...] = ()  # a missed check; empty: [notify] supervisor_emails
    signal_emails: tuple[str, ...] = ()  # the mayor, the first deputy, the emergencies head
    remind_days: int = 2  # an assignment's owner is reminded this many days before its deadline
    remind_at: str = "09:00"
    # Call-backs and control checks (/operator/callbacks)
    callback_attempts: int = 3  # unanswered call-backs before an appeal is closed unreached
    callback_retry_minutes: float = 60.0  # an unanswered resident is tried again after this
    claim_minutes: float = 10.0  # an operator's claim on a resident lasts this long
    originate_timeout: float = 30.0  # seconds the operator's phone may ring (Originate Timeout)
    caller_id: str = '"Гаряча лінія 1580" <1580>'  # presented to both phones


def _default_trunks() -> tuple[Trunk, ...]:
    def both(name: str) -> tuple[str, ...]:
        return (f"PJSIP/{name}", f"SIP/{name}")

    return (
        Trunk("landline", "landline", both("landline")),
        Trunk("kyivstar", "mobile", both("kyivstar")),
        Trunk("vodafone", "mobile", both("vodafone")),
    )


@dataclass(frozen=True)
class Config:
    timezone: str = "Europe/Kyiv"
    pbx: PbxConfig = field(default_factory=PbxConfig)
    ami: AmiConfig = field(default_factory=AmiConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    intake: IntakeConfig = field(default_factory=IntakeConfig)
    log: LogConfig = field(default_factory=LogConfig)
    demo: DemoConfig = field(default_factory=DemoConfig)
    http: HttpConfig = field(default_factory=HttpConfig)
    reference: ReferenceConfig = field(default_factory=ReferenceConfig)
    operator: OperatorConfig = field(default_factory=OperatorConfig)
    recordings: RecordingsConfig = field(default_factory=RecordingsConfig)
    replay: ReplayConfig = field(default_factory=ReplayConfig)

    routing: RoutingConfig = field(default_factory=RoutingConfig)
    attachments: AttachmentsConfig = field(default_factory=AttachmentsConfig)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    portal: PortalConfig = field(default_factory=PortalConfig)
    mail: MailConfig = field(default_factory=MailConfig)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    public: PublicConfig = field(default_factory=PublicConfig)
    sms: SmsConfig = field(default_factory=SmsConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    outages: OutagesConfig = field(default_factory=OutagesConfig)
    duty: DutyConfig = field(default_factory=DutyConfig)
    trunks: tuple[Trunk, ...] = field(default_factory=_default_trunks)

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)


def load(path: str | os.PathLike[str] | None = None,
         environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    data = _read_file(_config_path(path, env))
    for (section, key), value in _env_overrides(env).items():
        target = data if section is None else data.setdefault(section, {})
        if not isinstance(target, dict):
            raise ConfigError(f"{section}: expected a table")
        target[RENAMED.get(section or "", {}).get(key, key)] = value
    config = _build(data)
    _validate(config)
    return config


def _config_path(path: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path | None:
    if path is not None:
        return Path(path)
    if env.get("CALLCENTER_CONFIG"):
        return Path(env["CALLCENTER_CONFIG"])
    return DEFAULT_FILE if DEFAULT_FILE.exists() else None


def _read_file(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}") from exc


def _env_overrides(env: Mapping[str, str]) -> dict[tuple[str | None, str], str]:
    found: dict[tuple[str | None, str], str] = {}
    for name, value in env.items():
        if name in ALIASES:
            found[ALIASES[name]] = value
        elif name.startswith("CALLCENTER_") and name != "CALLCENTER_CONFIG":
            rest = name.removeprefix("CALLCENTER_").lower()
            section, sep, key = rest.partition("__")
            if sep:
                found.setdefault((section, key), value)
            elif rest in {f.name for f in dataclasses.fields(Config)}:
                found.setdefault((None, rest), value)
    return found


def _build(data: dict[str, Any]) -> Config:
    known = {f.name: f for f in dataclasses.fields(Config)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown key or section")
    values: dict[str, Any] = {}
    hints = get_type_hints(Config)
    for name, value in data.items():
        if name == "trunks":
            values[name] = _trunks(value)
        elif dataclasses.is_dataclass(hints[name]):
            values[name] = _section(name, hints[name], value)
        else:
            values[name] = _coerce(name, hints[name], value)
    return Config(**values)


# Keys renamed since; the old name still works (the new one wins when both are given).
RENAMED = {"http": {"login_attempts": "login_free_failures", "login_lockout": "login_max_delay"}}


def _validate_duty(duty: DutyConfig) -> None:
    for at in (*duty.alerting_checks, duty.remind_at):
        hours, _, minutes = at.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2
                and int(hours) < 24 and int(minutes) < 60):
            raise ConfigError(f"duty: expected times as HH:MM, got {at!r}")
    if not 1 <= duty.check_window_minutes <= 180 or duty.remind_days < 0:
        raise ConfigError("duty.check_window_minutes: expected 1 to 180; "
                          "duty.remind_days: expected >= 0")


def _section(name: str, cls: Any, value: Any) -> Any:
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: expected a table")
    value = _renamed(name, value)
    hints = get_type_hints(cls)
    unknown = sorted(set(value) - set(hints))
    if unknown:
        raise ConfigError(f"{name}.{unknown[0]}: unknown key")
    return cls(**{k: _coerce(f"{name}.{k}", hints[k], v) for k, v in value.items()})


def _renamed(section: str, value: dict[str, Any]) -> dict[str, Any]:
    renamed = {k: v for k, v in value.items() if k not in RENAMED.get(section, {})}
    for old, new in RENAMED.get(section, {}).items():
        if old in value:
            renamed.setdefault(new, value[old])
    return renamed


def _coerce(key: str, kind: Any, value: Any) -> Any:
    try:
        if kind is bool:
            return _boolean(value)
        if kind is int:
            if isinstance(value, bool | float):
                raise ValueError
            return int(value)
        if kind is float:
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if kind is str:
            if not isinstance(value, str):
                raise ValueError
            return value
        return _strings(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{key}: expected {_kind_name(kind)}, got {value!r}") from exc


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"1", "true", "yes", "on", "0", "false",
                                                    "no", "off"}:
        return value.lower() in {"1", "true", "yes", "on"}
    raise ValueError


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError


def _kind_name(kind: Any) -> str:
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
    return names.get(kind, "a list of strings")


def _trunks(value: Any) -> tuple[Trunk, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError("trunks: expected a non-empty array of tables ([[trunks]])")
    return tuple(_trunk(i, item) for i, item in enumerate(value))


def _trunk(index: int, item: Any) -> Trunk:
    key = f"trunks[{index}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{key}: expected a table")
    name = _coerce(f"{key}.name", str, item.get("name"))
    kind = _coerce(f"{key}.kind", str, item.get("kind"))
    if kind not in LINE_KINDS:
        raise ConfigError(f"{key}.kind: expected one of {', '.join(LINE_KINDS)}, got {kind!r}")
    channels = _coerce(f"{key}.channels", tuple, item.get("channels", [f"PJSIP/{name}"]))
    return Trunk(name, kind, channels)


def _validate(config: Config) -> None:
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"timezone: unknown time zone {config.timezone!r}") from exc
    if config.log.format not in {"console", "json"}:
        raise ConfigError(f"log.format: expected console or json, got {config.log.format!r}")
    if not config.pbx.area_code.isdigit():
        raise ConfigError(f"pbx.area_code: expected digits, got {config.pbx.area_code!r}")
    if not 0 < config.ami.port < 65536:
        raise ConfigError(f"ami.port: expected 1..65535, got {config.ami.port}")
    if config.intake.memory_queue < 1 or config.intake.batch_size < 1:
        raise ConfigError("intake.memory_queue and intake.batch_size: expected at least 1")
    if not 0 < config.replay.grant_minutes <= 24 * 60:
        raise ConfigError(f"replay.grant_minutes: expected more than 0 and at most 1440, got "
                          f"{config.replay.grant_minutes}")
    if not 0 < config.replay.link_hours <= 720:
        raise ConfigError(f"replay.link_hours: expected more than 0 and at most 720, got "
                          f"{config.replay.link_hours}")
    _validate_sign_in(config.http)
    if config.recordings.workers < 1:
        raise ConfigError(f"recordings.workers: expected at least 1, got "
                          f"{config.recordings.workers}")
    if min(config.attachments.photo_max_bytes, config.attachments.photos_max,
           config.attachments.photo_max_pixels) < 1:
        raise ConfigError("attachments.photo_max_bytes, photos_max and photo_max_pixels: expected "
                          "at least 1")
    _validate_delivery(config)
    _validate_residents(config)
    _validate_portal(config.portal)
    _validate_mail(config.mail)
    _validate_outages(config.outages)


def _validate_mail(mail: MailConfig) -> None:
    if mail.mode not in {"off", "smtp", "imap"}:
        raise ConfigError(f"mail.mode: expected off, smtp or imap, got {mail.mode!r}")
    if "@" not in mail.address:
        raise ConfigError(f"mail.address: expected an e-mail address, got {mail.address!r}")
    if not 0 <= mail.port < 65536 or not 0 < mail.imap_port < 65536:
        raise ConfigError("mail.port and mail.imap_port: expected a port number")
    if min(mail.max_message_bytes, mail.max_attachments + 1, mail.max_recipients) < 1:
        raise ConfigError("mail.max_message_bytes and max_recipients: expected at least 1; "
                          "mail.max_attachments: at least 0")
    if mail.poll_seconds <= 0:
        raise ConfigError("mail.poll_seconds: expected more than 0")


def _validate_residents(config: Config) -> None:
    public = config.public
    if not public.base_url.startswith(("http://", "https://")):
        raise ConfigError(f"public.base_url: expected an http(s) URL, got {public.base_url!r}")
    if min(public.free_failures_per_address, public.free_failures_per_number) < 0:
        raise ConfigError("public.free_failures_per_address and free_failures_per_number: "
                          "expected at least 0")
    if not (0 < public.address_first_delay <= public.address_max_delay
            and 0 < public.number_first_delay <= public.number_max_delay):
        raise ConfigError("public: expected 0 < first delay <= max delay")
    if public.forget_after < max(public.address_max_delay, public.number_max_delay):
        raise ConfigError("public.forget_after: expected at least the longest max delay")
    if config.sms.url and not config.sms.url.startswith(("http://", "https://")):
        raise ConfigError(f"sms.url: expected an http(s) URL, got {config.sms.url!r}")
    if config.sms.timeout <= 0:
        raise ConfigError("sms.timeout: expected > 0")
    if config.privacy.keep_years < 1:
        raise ConfigError(f"privacy.keep_years: expected at least 1, got "
                          f"{config.privacy.keep_years}")


def _validate_outages(outages: OutagesConfig) -> None:
    if outages.soon_hours < 0 or outages.probable_calls < 1 \
            or outages.probable_window_minutes < 1:
        raise ConfigError("outages: expected soon_hours >= 0, probable_calls >= 1 and "
                          "probable_window_minutes >= 1")
    folder = outages.asterisk_sounds_dir
    if not folder.startswith("/") or re.search(r"[\s,&|()${}\\;\"']", folder):
        raise ConfigError(f"outages.asterisk_sounds_dir: expected an absolute path without "
                          f"spaces, commas, &, |, quotes or brackets (it goes into the "
                          f"dialplan's Playback), got {folder!r}")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,63}", outages.notice_variable):
        raise ConfigError(f"outages.notice_variable: expected a plain variable name, got "
                          f"{outages.notice_variable!r}")
    if outages.notice_check_seconds < 1 or not 80 <= outages.speech_rate <= 400:
        raise ConfigError("outages: expected notice_check_seconds >= 1 and speech_rate "
                          "between 80 and 400")


def _validate_portal(portal: PortalConfig) -> None:
    if portal.photos_max < 0 or portal.free_per_address < 1:
        raise ConfigError("portal.photos_max: expected at least 0; portal.free_per_address: "
                          "at least 1")
    if portal.min_fill_seconds < 0 or portal.max_form_age_hours <= 0:
        raise ConfigError("portal.min_fill_seconds: expected at least 0; "
                          "portal.max_form_age_hours: more than 0")
    if not 0 < portal.first_delay <= portal.max_delay <= portal.forget_after:
        raise ConfigError("portal: expected 0 < first_delay <= max_delay <= forget_after")


def _validate_sign_in(http: HttpConfig) -> None:
    if min(http.login_free_failures, http.login_free_failures_per_address) < 0:
        raise ConfigError("http.login_free_failures and http.login_free_failures_per_address: "
                          "expected at least 0")
    if not 0 < http.login_first_delay <= http.login_max_delay:
        raise ConfigError("http.login_first_delay: expected more than 0 and at most "
                          "http.login_max_delay")
    if http.login_forget_after < http.login_max_delay:
        raise ConfigError("http.login_forget_after: expected at least http.login_max_delay")


def _validate_delivery(config: Config) -> None:
    _validate_duty(config.duty)
    outbox, smtp, notify = config.outbox, config.smtp, config.notify
    if min(outbox.workers, outbox.max_attempts, outbox.batch) < 1:
        raise ConfigError("outbox.workers, outbox.max_attempts, outbox.batch: expected >= 1")
    if not 0 < outbox.backoff_base <= outbox.backoff_max:
        raise ConfigError("outbox.backoff_base: expected > 0 and <= outbox.backoff_max")
    if min(outbox.poll_interval, outbox.sweep_interval, smtp.timeout,
           notify.webhook_timeout) <= 0:
        raise ConfigError("outbox intervals, smtp.timeout, notify.webhook_timeout: expected > 0")
    slowest = max(smtp.timeout, notify.webhook_timeout, config.sms.timeout)
    if outbox.lease < 2 * slowest:
        raise ConfigError(f"outbox.lease: expected at least twice the slowest send timeout "
                          f"({2 * slowest:g} s), got {outbox.lease:g}")
    if not 0 < smtp.port < 65536:
        raise ConfigError(f"smtp.port: expected 1..65535, got {smtp.port}")
    if not notify.public_base_url.startswith(("http://", "https://")):
        raise ConfigError(f"notify.public_base_url: expected an http(s) URL, got "
                          f"{notify.public_base_url!r}")
