"""Admins edit contractors: the API (list, add, one, change) and the page /admin/contractors
(a list and an edit form, admin.js). A webhook's secret reference is never echoed in full."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from callcenter.contractors.model.contractors import (
    KINDS,
    Contractor,
    ContractorExists,
    InvalidContractor,
)
from callcenter.contractors.service.admin import ContractorsAdmin
from callcenter.core.web.errors import raises
from callcenter.core.web.i18n import N_, gettext, language_of
from callcenter.core.web.labels import Labels
from callcenter.core.web.pages import render
from callcenter.delivery.model.outbox import CHANNELS
from callcenter.routing.model.records import ContractorMissing
from callcenter.users.access import allow
from callcenter.users.model import Principal, Role

router = APIRouter(tags=["admin"])
pages = APIRouter(include_in_schema=False)
Admin = Annotated[Principal, Depends(allow(Role.ADMIN))]
Code = Annotated[str, Path(max_length=64)]
KIND_LABELS = {"utility": N_("Utility"), "housing": N_("Housing maintenance"),
               "city_department": N_("City department"), "coordinator": N_("Coordinator")}
SCRIPT_TEXTS = {"saved": N_("Saved."), "failed": N_("Not saved. Check the form and try again."),
                "network_failed": N_("The server does not answer. Your input is kept; "
                                     "try again."),
                "new": N_("New contractor"), "edit": N_("Edit contractor")}


def admin_of(request: Request) -> ContractorsAdmin:
    found: ContractorsAdmin = request.app.state.contractors_admin
    return found


class ContractorFields(BaseModel):
    name: str = Field(max_length=256)
    kind: str = Field(max_length=32)
    channels: list[str] = Field(max_length=len(CHANNELS))
    email: str | None = Field(default=None, max_length=256)
    manager_email: str | None = Field(default=None, max_length=256)
    phone: str | None = Field(default=None, max_length=32)
    night_phone: str | None = Field(default=None, max_length=32)
    webhook_url: str | None = Field(default=None, max_length=512)
    webhook_secret_ref: str | None = Field(
        default=None, max_length=256,
        description="env:VARIABLE or file:/path; left out or null keeps the stored one")
    active: bool = True


class NewContractor(ContractorFields):
    code: str = Field(max_length=64)


class ContractorView(BaseModel):
    code: str
    name: str
    kind: str
    channels: list[str]
    email: str | None
    manager_email: str | None
    phone: str | None
    night_phone: str | None
    webhook_url: str | None
    webhook_secret: str | None = Field(description="A hint of the secret reference, not it")
    active: bool


def secret_hint(ref: str | None) -> str | None:
    if not ref:
        return None
    scheme, _, rest = ref.partition(":")
    return f"{scheme}:…{rest[-4:]}" if len(rest) > 8 else f"{scheme}:…"


def view_of(c: Contractor) -> ContractorView:
    return ContractorView(code=c.code, name=c.name, kind=c.kind, channels=list(c.channels),
                          email=c.email, manager_email=c.manager_email, phone=c.phone,
                          night_phone=c.night_phone, webhook_url=c.webhook_url,
                          webhook_secret=secret_hint(c.webhook_secret_ref), active=c.active)


@router.get("/api/admin/contractors")
async def list_contractors(request: Request, _user: Admin) -> list[ContractorView]:
    return [view_of(c) for c in await admin_of(request).all()]


@router.post("/api/admin/contractors", status_code=201,
             responses=raises(InvalidContractor, ContractorExists))
async def add_contractor(body: NewContractor, request: Request,
                         user: Admin) -> ContractorView:
    return view_of(await admin_of(request).add(user, body.model_dump()))


@router.get("/api/admin/contractors/{code}",
             responses=raises(ContractorMissing))
async def get_contractor(code: Code, request: Request, _user: Admin) -> ContractorView:
    return view_of(await admin_of(request).get(code))


@router.put("/api/admin/contractors/{code}",
             responses=raises(ContractorMissing, InvalidContractor))
async def change_contractor(code: Code, body: ContractorFields, request: Request,
                            user: Admin) -> ContractorView:
    """Replace the contractor's fields; from now on the import from config/ leaves it alone."""
    return view_of(await admin_of(request).change(user, code, body.model_dump()))


@pages.get("/admin/contractors", response_class=HTMLResponse)
async def contractors_page(request: Request, user: Admin) -> HTMLResponse:
    language = language_of(request)
    kinds = {k: gettext(language, KIND_LABELS.get(k, k)) for k in KINDS}
    found: list[Any] = [view_of(c) for c in await admin_of(request).all()]
    return render(request, "contractors/admin_contractors.html", principal=user, contractors=found,
                  kinds=kinds, channels=CHANNELS, channel_label=Labels(language).channel,
                  texts={k: gettext(language, v) for k, v in SCRIPT_TEXTS.items()})
