"""Signing in and out: bearer tokens for API clients, a cookie and a form for pages."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from callcenter.core.errors import DomainError, StoreUnavailable
from callcenter.core.web.errors import raises, retry_header, rule_for
from callcenter.core.web.i18n import N_, gettext, language_of
from callcenter.core.web.pages import render
from callcenter.users.access import (
    SESSION_COOKIE,
    auth_of,
    client_of,
    credentials,
    public,
    signed_in,
)
from callcenter.users.model import Principal, Role, SignInFailed, SignInThrottled
from callcenter.users.service import SignedIn

router = APIRouter()
LOGIN_CSRF = "cc_login_csrf"
HOMES = {Role.OPERATOR: "/operator", Role.SUPERVISOR: "/supervisor",
         Role.CONTRACTOR: "/contractor", Role.ADMIN: "/supervisor"}


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    seat: str | None = Field(default=None, max_length=128)


class UserView(BaseModel):
    username: str
    display_name: str
    role: Role
    seat: str | None
    contractor: str | None

    @classmethod
    def of(cls, principal: Principal) -> UserView:
        return cls(username=principal.username, display_name=principal.display_name,
                   role=principal.role, seat=principal.seat, contractor=principal.contractor)


class TokenView(BaseModel):
    token: str
    expires_at: datetime
    user: UserView


@router.post("/api/auth/token", tags=["auth"], dependencies=[Depends(public())],
             responses=raises(SignInFailed, SignInThrottled, StoreUnavailable))
async def issue_token(body: TokenRequest, request: Request) -> TokenView:
    """Sign in as an API client; send the token as `Authorization: Bearer <token>`."""
    signed = await auth_of(request).sign_in(username=body.username, password=body.password,
                                            seat=body.seat, kind="bearer",
                                            client=client_of(request))
    return TokenView(token=signed.token, expires_at=signed.expires_at,
                     user=UserView.of(signed.principal))


@router.post("/api/auth/logout", tags=["auth"], status_code=204)
async def revoke_token(request: Request,
                       _user: Annotated[Principal, Depends(signed_in())]) -> Response:
    """End the session this token (or cookie) belongs to."""
    token, _ = credentials(request)
    if token:
        await auth_of(request).sign_out(token)
    return Response(status_code=204)


@router.get("/api/me", tags=["auth"])
async def me(user: Annotated[Principal, Depends(signed_in())]) -> UserView:
    return UserView.of(user)


@router.get("/login", include_in_schema=False, dependencies=[Depends(public())])
async def login_page(request: Request, next: str = "/") -> Response:
    return login_form(request, next_url=next)


def login_form(request: Request, *, next_url: str, error: str = "", username: str = "",
               seat: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "users/login.html", status=status, login_csrf=token,
                      next=safe_next(next_url), error=error, username=username, seat=seat)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict",
                        secure=request.app.state.secure_cookies, path="/login")
    return response


def safe_next(target: str) -> str:
    """Only a path on this site: never an open redirect."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.post("/login", include_in_schema=False, dependencies=[Depends(public())])
async def login_submit(request: Request, username: Annotated[str, Form(max_length=64)],
                       password: Annotated[str, Form(max_length=256)],
                       login_csrf: Annotated[str, Form(max_length=64)] = "",
                       seat: Annotated[str, Form(max_length=128)] = "",
                       next: Annotated[str, Form(max_length=512)] = "/") -> Response:
    language = language_of(request)
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not secrets.compare_digest(expected, login_csrf):
        message = gettext(language, N_("The form is out of date. Reload the page and try again."))
        return login_form(request, next_url=next, error=message, username=username,
                          seat=seat, status=403)
    try:
        signed = await auth_of(request).sign_in(username=username, password=password,
                                                seat=seat or None, client=client_of(request))
    except DomainError as exc:
        rule = rule_for(exc)
        page = login_form(request, next_url=next, error=gettext(language, rule.message),
                          username=username, seat=seat, status=rule.status)
        page.headers.update(retry_header(exc, rule.status) or {})
        return page
    return signed_in_redirect(request, signed, next)


def signed_in_redirect(request: Request, signed: SignedIn, next_url: str) -> Response:
    target = safe_next(next_url)
    if target == "/":
        target = HOMES[signed.principal.role]
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, signed.token, httponly=True, samesite="lax",
                        secure=request.app.state.secure_cookies, expires=signed.expires_at)
    response.delete_cookie(LOGIN_CSRF, path="/login")
    return response


@router.post("/logout", include_in_schema=False)
async def logout(request: Request,
                 _user: Annotated[Principal, Depends(signed_in())]) -> Response:
    token, _ = credentials(request)
    if token:
        await auth_of(request).sign_out(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", include_in_schema=False)
async def home(request: Request, user: Annotated[Principal, Depends(signed_in())]) -> Any:
    return RedirectResponse(HOMES[user.role], status_code=303)
