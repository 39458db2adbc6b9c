"""Contractors: who receives appeals, and how; validation of the import file.

Contractors live in the database (admins edit them); `parse_contractors` validates the
`[[contractors]]` tables of config/contractors.toml for the idempotent import and reports
every problem with its place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from callcenter.core.errors import DomainError
from callcenter.core.parsed_toml import Problems, strings
from callcenter.core.phones import is_dialable
from callcenter.delivery.model.outbox import CHANNELS, EMAIL, WEBHOOK

KINDS = ("utility", "housing", "city_department", "coordinator")
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
EMAIL_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
SECRET_REF = re.compile(r"^(env:[A-Za-z_][A-Za-z0-9_]*|file:/\S+)$")
OPTIONAL = ("email", "manager_email", "phone", "night_phone", "webhook_url",
            "webhook_secret_ref")
KEYS = frozenset({"code", "name", "kind", "channels", "active", *OPTIONAL})


@dataclass(frozen=True, slots=True)
class ImportCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # edited by an admin since: the import leaves them alone


class ContractorsError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class InvalidContractor(DomainError):
    """A contractor an admin entered breaks a rule; `field` says where (for the form)."""

    error_id = "invalid_contractor"

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class ContractorExists(DomainError):
    error_id = "contractor_exists"


@dataclass(frozen=True, slots=True)
class Contractor:
    code: str
    name: str
    kind: str
    channels: tuple[str, ...]
    email: str | None = None
    manager_email: str | None = None
    phone: str | None = None
    night_phone: str | None = None
    webhook_url: str | None = None
    webhook_secret_ref: str | None = None
    active: bool = True
    id: int | None = None  # set once stored


def parse_contractors(data: Mapping[str, Any]) -> list[Contractor]:
    problems = Problems()
    items = data.get("contractors")
    unknown = sorted(set(data) - {"contractors"})
    problems.check(not unknown, f"{', '.join(unknown)}: unknown top-level key")
    if not isinstance(items, list) or not items:
        problems.add("contractors: expected a non-empty array of tables ([[contractors]])")
        items = []
    found: list[Contractor] = []
    for index, item in enumerate(items):
        place = f"contractors[{index}]" + (f" {item.get('code')!r}" if isinstance(item, dict)
                                           else "")
        contractor = problems.attempt(partial(contractor_of, item), place)
        if contractor is not None:
            problems.check(all(c.code != contractor.code for c in found),
                           f"{place}: duplicate code")
            found.append(contractor)
    problems.raise_if_any(ContractorsError)
    return found


def admin_contractor(item: Mapping[str, Any]) -> Contractor:
    """A contractor as an admin entered it, checked by the same rules as the import file;
    the first problem is an InvalidContractor naming its field."""
    try:
        return contractor_of(dict(item))
    except ValueError as exc:
        field, _, problem = str(exc).partition(": ")
        raise InvalidContractor(field if field in KEYS else "contractor", problem) from None


def contractor_of(item: Any) -> Contractor:
    if not isinstance(item, dict):
        raise ValueError("expected a table")
    unknown = sorted(set(item) - KEYS)
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown key")
    code, name, kind = item.get("code"), item.get("name"), item.get("kind")
    if not (isinstance(code, str) and CODE.match(code)):
        raise ValueError(f"code: expected a-z, 0-9, - and _, got {code!r}")
    if not (isinstance(name, str) and name.strip()):
        raise ValueError("name: expected a non-empty string")
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    active = item.get("active", True)
    if not isinstance(active, bool):
        raise ValueError(f"active: expected true or false, got {active!r}")
    contractor = Contractor(code=code, name=name.strip(), kind=kind, active=active,
                            channels=_channels(item.get("channels")), **_contacts(item))
    check_contractor(contractor)
    return contractor


def _channels(value: Any) -> tuple[str, ...]:
    channels = tuple(dict.fromkeys(strings(value if value is not None else [], "channels")))
    bad = [c for c in channels if c not in CHANNELS]
    if bad or not channels:
        raise ValueError(f"channels: expected some of {', '.join(CHANNELS)}, got {value!r}")
    return channels


def _contacts(item: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in OPTIONAL:
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key}: expected a string, got {value!r}")
        found[key] = value.strip() or None if value is not None else None
    return found


def check_contractor(c: Contractor) -> None:
    """The rules a contractor must satisfy wherever it comes from (file or admin page)."""
    for key in ("email", "manager_email"):
        value = getattr(c, key)
        if value is not None and not EMAIL_ADDRESS.match(value):
            raise ValueError(f"{key}: not an e-mail address: {value!r}")
    for key in ("phone", "night_phone"):  # operators are told to dial them
        value = getattr(c, key)
        if value is not None and not is_dialable(value):
            raise ValueError(f"{key}: not a phone number: {value!r}")
    if EMAIL in c.channels and not c.email:
        raise ValueError("channels: e-mail delivery needs `email`")
    if c.webhook_url is not None and not c.webhook_url.startswith(("https://", "http://")):
        raise ValueError(f"webhook_url: expected an http(s) URL, got {c.webhook_url!r}")
    if WEBHOOK in c.channels and not (c.webhook_url and c.webhook_secret_ref):
        raise ValueError("channels: webhook delivery needs `webhook_url` and "
                         "`webhook_secret_ref`")
    if c.webhook_secret_ref is not None and not SECRET_REF.match(c.webhook_secret_ref):
        raise ValueError("webhook_secret_ref: expected env:VARIABLE or file:/path, "
                         f"got {c.webhook_secret_ref!r} (never the secret itself)")
