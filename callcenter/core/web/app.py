"""The FastAPI application: built from the services main.py hands over, never from globals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from callcenter.core.web import errors, health, openapi
from callcenter.core.web.crashes import CrashBarrier
from callcenter.core.web.health import Readiness
from callcenter.core.web.i18n import COOKIE, LANGUAGES
from callcenter.core.web.metrics import Metrics
from callcenter.core.web.pages import TEMPLATES
from callcenter.core.web.request_text import TextGuard
from callcenter.users.access import require_declared
from callcenter.users.service import Auth

STATIC = TEMPLATES.parent / "static"  # static/<feature>/..., beside templates/


@dataclass
class WebParts:
    auth: Auth
    readiness: Readiness
    metrics: Metrics = field(default_factory=Metrics)
    secure_cookies: bool = False
    allowed_origins: tuple[str, ...] = ()
    routers: list[APIRouter] = field(default_factory=list)
    state: dict[str, object] = field(default_factory=dict)
    # A protocol's own error format by path prefix (Open311: /open311/), see errors.error_body.
    error_formats: dict[str, errors.ErrorFormat] = field(default_factory=dict)


def create_app(parts: WebParts) -> FastAPI:
    app = FastAPI(title="callcenter 1580", version="0.1.0",
                  description="Hotline 1580: operators, appeals, contractors.")
    app.state.auth = parts.auth
    app.state.readiness = parts.readiness
    app.state.metrics = parts.metrics
    app.state.secure_cookies = parts.secure_cookies
    app.state.allowed_origins = parts.allowed_origins
    app.state.error_formats = parts.error_formats
    for name, value in parts.state.items():
        setattr(app.state, name, value)
    errors.install(app)
    app.add_middleware(TextGuard)
    app.add_middleware(CrashBarrier)  # outside the guard, inside the headers: see crashes.py
    app.middleware("http")(remember_language)
    app.middleware("http")(security_headers)
    for router in (health.router, *parts.routers):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    require_declared(app.routes)
    openapi.install(app)
    return app


Next = Callable[[Request], Awaitable[Response]]


async def remember_language(request: Request, call_next: Next) -> Response:
    response = await call_next(request)
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response


# Pages use only their own scripts, styles, images and sockets: no inline script, style or
# handler anywhere (a test loads every role's pages in Chromium and fails on a violation).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
# FastAPI's API docs (/docs, /redoc) load Swagger UI / ReDoc from their CDN and start them with
# an inline script; they show no data of ours but the schema.
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = (f"default-src 'self'; script-src 'self' 'unsafe-inline' {DOCS_CDN}; "
            f"style-src 'self' 'unsafe-inline' {DOCS_CDN}; img-src 'self' data: https:; "
            "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            "frame-ancestors 'none'")


def policy_for(app: FastAPI, path: str) -> str:
    docs = {app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    return DOCS_CSP if path in docs else CSP


async def security_headers(request: Request, call_next: Next) -> Response:
    response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy",
                                policy_for(request.app, request.url.path))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
