"""Server-rendered pages: Jinja2 with gettext, one environment per language."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from callcenter.core.web.i18n import LANGUAGES, language_of, translations
from callcenter.users.model import Principal

# One tree of templates mirrored by feature (templates/<feature>/...): see DESIGN-NOTES.md.
TEMPLATES = Path(__file__).parents[2] / "templates"


@cache
def environment(language: str) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def render(request: Request, template: str, *, status: int = 200,
           principal: Principal | None = None, **context: Any) -> HTMLResponse:
    language = language_of(request)
    page = environment(language).get_template(template)
    html = page.render(request=request, lang=language, languages=LANGUAGES,
                       user=principal, csrf=principal.csrf_token if principal else "",
                       **context)
    return HTMLResponse(html, status_code=status)
