"""The admins' page of Open311 keys (`/admin/open311`): the keys issued, a form to issue one
(shown once, on the page that answers the form) and a button to revoke each. Plain forms with
the session's CSRF token: no script."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from callcenter.core.web.i18n import N_, gettext, language_of
from callcenter.core.web.pages import render
from callcenter.open311.model.spec import KeyExists, Open311Error
from callcenter.open311.service import ApiKeys
from callcenter.users.access import allow
from callcenter.users.model import Principal

pages = APIRouter(include_in_schema=False)
Admin = Annotated[Principal, Depends(allow())]
Name = Annotated[str, Form(max_length=128)]
NAME_TAKEN = N_("A key with this name exists already: choose another name.")
NAME_BAD = N_("The name is 1 to 128 characters: who the key is for, e.g. city-app.")


def keys_of(request: Request) -> ApiKeys:
    found: ApiKeys = request.app.state.open311_keys
    return found


@pages.get("/admin/open311", response_class=HTMLResponse)
async def keys_page(request: Request, user: Admin) -> HTMLResponse:
    return await _page(request, user)


@pages.post("/admin/open311/keys", response_class=HTMLResponse)
async def add_key(request: Request, user: Admin, name: Name) -> HTMLResponse:
    language = language_of(request)
    try:
        key = await keys_of(request).add_key(name)
    except KeyExists:
        return await _page(request, user, error=gettext(language, NAME_TAKEN), status=409)
    except Open311Error:
        return await _page(request, user, error=gettext(language, NAME_BAD), status=422)
    return await _page(request, user, new_key=key, new_name=name.strip())


@pages.post("/admin/open311/keys/revoke", response_class=HTMLResponse)
async def revoke_key(request: Request, user: Admin, name: Name) -> HTMLResponse:
    await keys_of(request).revoke_key(name)
    return await _page(request, user)


async def _page(request: Request, user: Principal, *, error: str = "", new_key: str = "",
                new_name: str = "", status: int = 200) -> HTMLResponse:
    return render(request, "open311/admin_keys.html", status=status, principal=user,
                  keys=await keys_of(request).keys(), error=error, new_key=new_key,
                  new_name=new_name)
