"""The admins' page of users (`/admin/users`): add a user, disable or enable one, reset a
password (a new one is generated and shown once) and set the usual seat. The same rules as
`callcenter users` (the users service checks names, roles, seats and passwords); plain HTML
forms with the CSRF field, posting back here."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callcenter.core.web.i18n import N_, gettext, language_of
from callcenter.core.web.labels import Labels, names_of
from callcenter.core.web.pages import render
from callcenter.users.access import only
from callcenter.users.model import InvalidUser, Principal, Role
from callcenter.users.service import Auth

router = APIRouter(include_in_schema=False)
Admin = Annotated[Principal, Depends(only(Role.ADMIN))]
Name = Annotated[str, Path(max_length=64)]
Field = Annotated[str, Form(max_length=256)]
ROLES = {"operator": N_("Operator"), "supervisor": N_("Supervisor"),
         "contractor": N_("Contractor"), "admin": N_("Administrator")}
# The users service's refusals (users/model.py, service.py) in words; first match wins.
REFUSALS = [
    ("user name is", N_("A user name is 2-64 characters: latin letters, digits, '.', '_' or "
                        "'-'.")),
    ("already exists", N_("Such a user already exists.")),
    ("seat is", N_("A seat looks like PJSIP/op1001.")),
    ("password has", N_("A password has at least 10 characters.")),
    ("unknown role", N_("Choose a role.")),
    ("needs --contractor", N_("A contractor's user needs the contractor.")),
    ("no user", N_("There is no such user.")),
]
DONE = {"added": N_("User %(name)s is added."), "disabled": N_("User %(name)s is disabled."),
        "enabled": N_("User %(name)s is enabled."),
        "seat": N_("The seat of %(name)s is saved.")}


def auth_of(request: Request) -> Auth:
    auth: Auth = request.app.state.auth
    return auth


def refusal(language: str, error: InvalidUser) -> str:
    text = str(error)
    for part, message in REFUSALS:
        if part in text:
            return gettext(language, message)
    return gettext(language, N_("The change is refused."))


async def page(request: Request, user: Principal, *, error: str = "", password: str = "",
               name: str = "", status: int = 200) -> HTMLResponse:
    language = language_of(request)
    done = request.query_params.get("done", "")
    shown = request.query_params.get("name", "")
    notice = gettext(language, DONE[done]) % {"name": shown} if done in DONE else ""
    return render(request, "users/admin_users.html", principal=user, status=status,
                  users=await auth_of(request).users(), error=error, notice=notice,
                  password=password, password_of=name,
                  labels=Labels(language, await names_of(request)),
                  roles={k: gettext(language, v) for k, v in ROLES.items()})


def back(done: str, name: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/users?done={done}&name={quote(name)}", status_code=303)


@router.get("/admin/users", response_class=HTMLResponse)
async def users_page(request: Request, user: Admin) -> HTMLResponse:
    return await page(request, user)


@router.post("/admin/users", response_class=HTMLResponse)
async def add_user(request: Request, user: Admin, username: Field = "", display_name: Field = "",
                   role: Field = "", seat: Field = "", contractor: Field = "") -> Response:
    password = secrets.token_urlsafe(12)
    try:
        await auth_of(request).add_user(
            username=username, password=password, role=role, display_name=display_name,
            seat=seat or None, contractor=(contractor or None) if role == "contractor" else None)
    except InvalidUser as exc:
        return await page(request, user, error=refusal(language_of(request), exc), status=422)
    return await page(request, user, password=password, name=username.strip().lower())


@router.post("/admin/users/{name}/active", response_class=HTMLResponse)
async def set_active(request: Request, name: Name, user: Admin, active: Field = "") -> Response:
    language = language_of(request)
    if name == user.username:
        return await page(request, user, status=422, error=gettext(
            language, N_("You cannot disable yourself.")))
    try:
        await auth_of(request).set_active(name, active == "1")
    except InvalidUser as exc:
        return await page(request, user, error=refusal(language, exc), status=422)
    return back("enabled" if active == "1" else "disabled", name)


@router.post("/admin/users/{name}/password", response_class=HTMLResponse)
async def reset_password(request: Request, name: Name, user: Admin) -> Response:
    password = secrets.token_urlsafe(12)
    try:
        await auth_of(request).set_password(name, password)
    except InvalidUser as exc:
        return await page(request, user, error=refusal(language_of(request), exc), status=422)
    return await page(request, user, password=password, name=name)


@router.post("/admin/users/{name}/seat", response_class=HTMLResponse)
async def set_seat(request: Request, name: Name, user: Admin, seat: Field = "") -> Response:
    try:
        await auth_of(request).set_seat(name, seat or None)
    except InvalidUser as exc:
        return await page(request, user, error=refusal(language_of(request), exc), status=422)
    return back("seat", name)
