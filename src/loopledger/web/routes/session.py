"""Signing in and out, who am I, and API tokens.

Sessions are signed cookies (Starlette's ``SessionMiddleware``, itsdangerous); the cookie
holds only the user name and the session's CSRF token, and the role is read from the ledger
on every request, so disabling a user or changing a role takes effect at once. The sign-in
form itself carries the CSRF token (against login CSRF). Scripts use an API token instead:
``Authorization: Bearer NAME:SECRET`` (``loopledger user add NAME --token`` or
``POST /api/me/token``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..auth import add_user, authenticate_password
from ..errors import ApiError
from ..site import CSRF_HEADER, SiteDep, UserDep, check_csrf, csrf_token
from ..templating import render

router = APIRouter(tags=["session"])


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a user to another host after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    site: SiteDep,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
):
    check_csrf(request, csrf_token_)
    user = authenticate_password(site.store, name.strip(), password)
    if user is None:
        return render(request, "login.html", {"next": _safe_next(next),
                                              "error": "Unknown user or wrong password."},
                      status_code=401)
    request.session.clear()
    request.session["user"] = user.name
    csrf_token(request)  # a fresh token for the new session
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=128)] = ""):
    check_csrf(request, csrf_token_ or request.headers.get(CSRF_HEADER))
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.get("/api/me", tags=["session"], summary="Who am I")
def me(request: Request, site: SiteDep, user: UserDep) -> dict[str, Any]:
    """The signed-in user (``null`` when anonymous), whether they may edit, and the CSRF token
    a cookie session must send in the ``X-CSRF-Token`` header."""
    return {
        "user": user.name if user else None,
        "role": user.role if user else None,
        "can_edit": bool(user and user.can_edit),
        "private": site.private,
        "csrf_token": csrf_token(request),
    }


@router.post("/api/me/token", tags=["session"], summary="New API token")
def new_token(request: Request, site: SiteDep, user: UserDep) -> dict[str, Any]:
    """Issue a new API token for the signed-in user (the old one stops working). It is shown
    once; only its hash is stored."""
    if user is None:
        raise ApiError(401, "sign in to get an API token", field="user")
    if not getattr(request.state, "via_token", False):
        check_csrf(request, request.headers.get(CSRF_HEADER))
    token = site.run(lambda led: add_user(led.store, user.name, user.role, token=True, actor=user.name))
    return {"user": user.name, "token": token}
