"""Signing in and out, who am I, and API tokens.

Sessions are signed cookies (Starlette's ``SessionMiddleware``, itsdangerous); the cookie
holds the user name, the account's session generation, when it was issued and the session's
CSRF token, and the role is read from the ledger on every request, so disabling a user or
changing a role takes effect at once. The sign-in form itself carries the CSRF token (against
login CSRF). Failed sign-ins are logged and throttled per account and per client address
(:class:`~loopledger.web.limits.FailureThrottle`): a locked account or address gets 429 with
``Retry-After``, even with the right password. Signing out ends every session of the account
on the server. Scripts use an API token instead: ``Authorization: Bearer NAME:SECRET``
(``loopledger user add NAME --token``, or ``POST /api/me/token``, which asks for the password
again: a stolen cookie cannot mint a token).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Optional

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field

from ..auth import MAX_TOKEN_DAYS, TOKEN_DAYS, add_user, as_utc, authenticate_password, end_sessions
from ..errors import ApiError
from ..limits import retry_header
from ..schemas import Body
from ..site import CSRF_HEADER, SiteDep, UserDep, check_csrf, client_address, csrf_token, start_session
from ..templating import render

log = logging.getLogger("loopledger.web")

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
    name = name.strip()
    keys = (("user", name.lower()), ("addr", client_address(request)))
    wait = site.logins.retry_after(*keys)
    if wait:
        log.warning("sign-in refused for %r from %s: locked for %.0f s after repeated failures",
                    name, keys[1][1], wait)
        return render(request, "login.html", {"next": _safe_next(next), "error":
                      f"Too many failed sign-ins: try again in {max(1, round(wait))} seconds."},
                      status_code=429, headers=retry_header(wait))
    user = authenticate_password(site.store, name, password)
    if user is None:
        site.logins.failed(*keys)
        log.warning("sign-in failed for %r from %s (%d recent failures for the account)",
                    name, keys[1][1], site.logins.failures(keys[0]))
        return render(request, "login.html", {"next": _safe_next(next),
                                              "error": "Unknown user or wrong password."},
                      status_code=401)
    site.logins.succeeded(keys[0])
    start_session(request, user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, site: SiteDep,
           csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=128)] = ""):
    """Sign out: ends every session of the account on the server (copied cookies too)."""
    check_csrf(request, csrf_token_ or request.headers.get(CSRF_HEADER))
    name = request.session.get("user")
    if isinstance(name, str) and site.store.user(name) is not None:
        site.run(lambda led: end_sessions(led.store, name))
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


class TokenRequest(Body):
    """What a new API token needs: the account's password again, and how long it lasts."""

    password: str = Field(min_length=1, max_length=1024, description="the account's password")
    days: Optional[int] = Field(None, ge=1, le=MAX_TOKEN_DAYS,
                                description=f"days the token lasts (default {TOKEN_DAYS})")


@router.post("/api/me/token", tags=["session"], summary="New API token")
def new_token(request: Request, site: SiteDep, user: UserDep, body: TokenRequest) -> dict[str, Any]:
    """Issue a new API token for the signed-in user (the old one stops working), after the
    account's password is given again. It is shown once; only its hash is stored; it expires
    after ``days`` days (default 90)."""
    if user is None:
        raise ApiError(401, "sign in to get an API token", field="user")
    if not getattr(request.state, "via_token", False):
        check_csrf(request, request.headers.get(CSRF_HEADER))
    keys = (("user", user.name), ("addr", client_address(request)))
    wait = site.logins.retry_after(*keys)
    if wait:
        raise ApiError(429, f"too many wrong passwords: try again in {max(1, round(wait))} s",
                       field="password", headers=retry_header(wait))
    if authenticate_password(site.store, user.name, body.password) is None:
        site.logins.failed(*keys)
        log.warning("token refused for %r from %s: wrong password", user.name, keys[1][1])
        raise ApiError(403, "wrong password: a new API token needs the account's password", field="password")
    days = body.days or TOKEN_DAYS
    token = site.run(lambda led: add_user(led.store, user.name, user.role, token=True, actor=user.name,
                                          token_days=days))
    row = site.store.user(user.name) or {}
    expires = as_utc(row.get("token_expires"))
    return {"user": user.name, "token": token, "days": days,
            "expires": expires.isoformat() if expires is not None else None}
