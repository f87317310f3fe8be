"""Server-rendered HTML: the Jinja2 environment and what every page is given (the signed-in
user, the CSRF token, whether the server is private). Templates autoescape; nothing a user
typed reaches a page unescaped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from .._version import __version__
from ..vocabulary import label
from .site import csrf_token, user_of

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
#: ``{{ code | words }}``: the vocabulary's words for a code (the code itself if it has none)
TEMPLATES.env.filters["words"] = label


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200,
           headers: dict[str, str] | None = None):
    user = user_of(request)
    ctx = {
        "user": user,
        "csrf_token": csrf_token(request),
        "private": request.app.state.site.private,
        "version": __version__,
        **(context or {}),
    }
    response = TEMPLATES.TemplateResponse(request, name, ctx, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers or {})
    return response
