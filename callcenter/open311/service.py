"""Open311's use cases: the services, filing a request (with an API key), reading requests,
and the keys admins issue. Filing is the appeals' own (`AppealFiling`): a request is an
ordinary appeal with channel `open311`, routed at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog

from callcenter.appeals.model.filing import ExternalAppeal
from callcenter.appeals.model.form import InvalidAppealForm, resolve_street
from callcenter.appeals.model.statuses import Channel
from callcenter.appeals.service.filing import AppealFiling
from callcenter.open311.model.spec import (
    FLAT,
    ApiKey,
    Open311Error,
    RequestQuery,
    RequestRecord,
    attributes,
    filter_statuses,
    key_hash,
    new_key,
    request_query,
    service,
)
from callcenter.reference.model.categories import Category, CategoryBook

log = structlog.get_logger("callcenter.open311")
TEXT_MAX = 4000
# Our form's fields as the specification names them, for the error descriptions.
SPEC_NAMES = {"category": "service_code", "street": "address_string",
              "house": "address_string", "flat": "attribute[flat]",
              "contact_phone": "phone", "contact_email": "email",
              "contact_name": "first_name, last_name", "description": "description"}


class Open311Store(Protocol):
    async def requests(self, query: RequestQuery, *,
                       categories: Sequence[str]) -> list[RequestRecord]: ...

    async def known_key(self, digest: str) -> str | None: ...

    async def add_key(self, name: str, digest: str, at: datetime) -> None: ...

    async def keys(self) -> list[ApiKey]: ...

    async def revoke_key(self, name: str, at: datetime) -> bool: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class ApiKeys:
    """The keys admins issue (`callcenter open311 keys add|list|revoke`); shown once, stored
    as their SHA-256."""

    def __init__(self, store: Open311Store, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self._clock = clock

    async def add_key(self, name: str) -> str:
        name = name.strip()
        if not 1 <= len(name) <= 128:
            raise Open311Error(400, "name: 1 to 128 characters")
        key = new_key()
        await self.store.add_key(name, key_hash(key), self._clock())
        log.info("open311_key_added", name=name)
        return key

    async def keys(self) -> list[ApiKey]:
        return await self.store.keys()

    async def revoke_key(self, name: str) -> bool:
        done = await self.store.revoke_key(name.strip(), self._clock())
        log.info("open311_key_revoked", name=name, revoked=done)
        return done


class Open311:
    def __init__(self, store: Open311Store, filing: AppealFiling, categories: CategoryBook,
                 *, timezone: str, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.filing = filing
        self.categories = categories
        self.timezone = timezone
        self._clock = clock

    @property
    def names(self) -> dict[str, str]:
        return {c.code: c.name_uk for c in self.categories.categories}

    def services(self) -> list[dict[str, Any]]:
        groups = {g.code: g.name_uk for g in self.categories.groups}
        return [service(c, groups.get(c.group, "")) for c in self.categories.public]

    def definition(self, code: str) -> dict[str, Any]:
        category = self._service(code, status=404)
        return {"service_code": category.code, "attributes": attributes(category)}

    async def post(self, fields: Mapping[str, str]) -> str:
        """File a request (form fields as the specification names them); its id."""
        client = await self.store.known_key(key_hash(fields.get("api_key", "")))
        if client is None:
            raise Open311Error(403, "api_key: missing, unknown or revoked")
        appeal = self._appeal(fields)
        try:
            number = await self.filing.file(appeal, actor=f"open311:{client}")
        except InvalidAppealForm as exc:
            listed = "; ".join(f"{SPEC_NAMES.get(p.field, p.field)}: {p.code}"
                               for p in exc.problems)
            raise Open311Error(400, listed) from None
        log.info("open311_request_filed", number=number, client=client)
        return number

    async def requests(self, *, ids: str = "", service_code: str = "", start_date: str = "",
                       end_date: str = "", status: str = "") -> list[RequestRecord]:
        query = request_query(ids=ids, service_code=service_code, start_date=start_date,
                              end_date=end_date, status=status, now=self._clock(),
                              zone=self.timezone)
        found = await self.store.requests(query, categories=self._published())
        return filter_statuses(found, query.statuses)

    async def request(self, number: str) -> RequestRecord:
        found = await self.store.requests(RequestQuery(ids=(number.strip(),)),
                                          categories=self._published())
        if not found:
            raise Open311Error(404, f"service_request_id: no request {number}")
        return found[0]

    async def token(self, token: str) -> str:
        """Requests get their id at once; a token is that id (for clients that ask)."""
        return (await self.request(token)).number

    # -- helpers ------------------------------------------------------------------------

    def _published(self) -> list[str]:
        return [c.code for c in self.categories.public]

    def _service(self, code: str, *, status: int) -> Category:
        found = self.categories.get(code.strip())
        if found is None or not found.public:
            raise Open311Error(status, f"service_code: no service {code}")
        return found

    def _appeal(self, fields: Mapping[str, str]) -> ExternalAppeal:
        for name, value in fields.items():
            if len(value) > TEXT_MAX:
                raise Open311Error(400, f"{name}: at most {TEXT_MAX} characters")
        category = self._service(fields.get("service_code", ""), status=400)
        street, house, flat = split_address(fields.get("address_string", ""))
        if not street and category.address != "none" and (
                fields.get("lat") or fields.get("long") or fields.get("address_id")):
            raise Open311Error(400, "address_string: this service needs a street address; "
                                    "coordinates alone are not enough")
        unlisted = bool(street) and resolve_street(street, self.filing.rules.streets) is None
        name = " ".join(p for p in (fields.get("first_name", "").strip(),
                                    fields.get("last_name", "").strip()) if p)
        media = fields.get("media_url", "").strip()
        description = fields.get("description", "").strip()
        if media:
            description = f"{description}\nФото: {media}".strip()
        return ExternalAppeal(
            channel=Channel.OPEN311, category=category.code, street=street,
            street_unlisted=unlisted, house=house,
            flat=fields.get(f"attribute[{FLAT}]", "") or flat, description=description,
            contact_name=name, contact_phone=fields.get("phone", ""),
            contact_email=fields.get("email", ""), contact_required=False)


def split_address(text: str) -> tuple[str, str, str]:
    """`вул. Незалежності, 12А, кв. 5` -> street, house, flat (blank where not given)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    street = parts[0] if parts else ""
    house = parts[1] if len(parts) > 1 else ""
    flat = parts[2] if len(parts) > 2 else ""
    for prefix in ("буд.", "будинок", "б."):
        house = house.removeprefix(prefix).strip()
    for prefix in ("кв.", "квартира"):
        flat = flat.removeprefix(prefix).strip()
    return street, house, flat
