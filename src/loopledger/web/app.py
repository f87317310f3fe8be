"""The app factory: ``create_app(db_url=None, private=False, ...)`` -> a FastAPI application.

It opens the ledger at ``db_url`` (default ``$LOOPLEDGER_DB``, else the documented SQLite file;
see :func:`loopledger.ledger.storage.default_url`), mounts the routers (ledger reads, map,
measures, stress tests, editing, sign-in, the page) and the vendored static files, and installs
what protects the ledger from its clients:

* bodies larger than ``max_body_bytes`` (default 1 MB) are refused with 413 before they are
  read, whether or not they declare a length;
* errors are JSON 4xx bodies naming the field (:mod:`loopledger.web.errors`), and no answer
  names anything inside the server;
* security headers on every response (:mod:`loopledger.web.headers`: CSP, no framing,
  nosniff, no referrer);
* computed views kept as bytes per ledger state, gzip when accepted, ETag / 304 and
  Cache-Control, repeated requests answered before routing (:mod:`loopledger.web.viewcache`);
* signed session cookies (``secret_key``, default ``$LOOPLEDGER_SECRET`` or a random key per
  process, so sessions end when the server restarts), ``SameSite=Lax``, HTTP-only, ``Secure``
  with ``secure_cookies``; a session ends after ``session_idle`` seconds without a request
  and ``session_lifetime`` seconds after sign-in, and on the server when the account signs
  out, changes password or role, or is disabled;
* failed sign-ins throttled per account and client address, and views that must be computed
  rate-limited per client address (``view_rate`` per second, ``view_burst`` at once;
  :mod:`loopledger.web.limits`);
* with ``private=True`` every page and API route except ``/login`` and static files needs a
  signed-in user or an API token (readers included); otherwise reading is open and only
  editing needs an editor.

The OpenAPI page at ``/docs`` (Swagger UI, vendored) and ``/openapi.json`` document the
JSON API.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse

from .._version import __version__
from ..ledger import Ledger
from . import errors
from .errors import ApiError, body
from .headers import SecurityHeaders
from .limits import ClientScope, FailureThrottle, RateLimiter
from .site import Site, user_of
from .viewcache import EXCHANGE, FastViews

ENV_SECRET = "LOOPLEDGER_SECRET"
MAX_BODY_BYTES = 1_000_000
STATIC = Path(__file__).parent / "static"
#: seconds a session survives without a request, and at most from sign-in
SESSION_IDLE = 24 * 3600
SESSION_LIFETIME = 7 * 24 * 3600
#: views a client may have computed: this many at once, then this many per second
VIEW_BURST = 60
VIEW_RATE = 2.0

DESCRIPTION = """
The JSON API of loopledger: a sourced, dated ledger of deals between companies, its network
view, measures of circularity and stress tests. Money is **USD billions**; an unknown amount is
`null`, never 0. Dates are `YYYY-MM-DD`.

Errors are JSON: `{"detail": "...", "errors": [{"field": "...", "reason": "..."}]}` with a
4xx status (422 invalid input, 404 unknown id, 409 edit conflict, 401/403 sign-in or role,
413 body too large, 429 too many failed sign-ins or too many new views from one address, with
`Retry-After`; 501 a measure this installation does not have yet).

Reading needs no sign-in unless the server runs with `--private`. Editing needs an editor:
a session cookie (sign in at `/login`; send the `X-CSRF-Token` header from `GET /api/me`) or
`Authorization: Bearer NAME:SECRET` (an API token from `loopledger user add NAME --token`).
"""


def create_app(db_url: str | None = None, private: bool = False, *, ledger: Ledger | None = None,
               secret_key: str | None = None, max_body_bytes: int = MAX_BODY_BYTES,
               https_only: bool = False, secure_cookies: bool = False,
               session_idle: int = SESSION_IDLE, session_lifetime: int = SESSION_LIFETIME,
               view_rate: float | None = VIEW_RATE, view_burst: int = VIEW_BURST,
               login_throttle: FailureThrottle | None = None, user_map: Any = None) -> FastAPI:
    """Build the web app over the ledger at ``db_url`` (or over ``ledger``, if given).

    Parameters
    ----------
    db_url : database URL or SQLite path; default ``$LOOPLEDGER_DB``, else the user's file.
    private : require sign-in for reading too (default False: reading is public).
    ledger : an open :class:`~loopledger.ledger.Ledger` to serve instead of opening ``db_url``.
    secret_key : key signing session cookies; default ``$LOOPLEDGER_SECRET``, else random.
    max_body_bytes : larger request bodies get 413 (default 1,000,000).
    secure_cookies : behind HTTPS: the session cookie is ``Secure`` (named
        ``__Host-loopledger_session``) and responses carry ``Strict-Transport-Security``.
        ``https_only`` is the earlier name of the same switch.
    session_idle, session_lifetime : seconds a session lasts without a request (default one
        day) and at most from sign-in (default seven days).
    view_rate, view_burst : views computed for one client address per second and at once
        (defaults 2 and 60; ``view_rate=None``: no limit). Cached views are never limited.
    login_throttle : the :class:`~loopledger.web.limits.FailureThrottle` of sign-ins
        (default: 5 failures lock an account, 20 an address).
    user_map : a :class:`~loopledger.web.usermap.UserMap` (a user's edge list): the page and
        ``/api/network`` then draw it instead of the ledger, read-only (``serve --edges``).

    >>> from loopledger import load_default
    >>> app = create_app(ledger=load_default())
    >>> sorted(r.path for r in app.routes if r.path.startswith("/api/net"))
    ['/api/network']
    """
    if ledger is None:
        ledger = Ledger.open("sqlite://" if user_map is not None and db_url is None else db_url)
    # views are cached under the latest audit id read from the database: the Site asks the
    # ledger to check that id (Ledger.refresh) at the start of every read, edit and computed
    # view, so it never answers from reads older than the state a view is kept under
    secure = secure_cookies or https_only
    site = Site(ledger=ledger, private=private, session_lifetime=session_lifetime,
                logins=login_throttle or FailureThrottle(),
                views=None if view_rate is None else RateLimiter(view_rate, view_burst),
                user_map=user_map)
    app = FastAPI(title="loopledger", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None,
                  openapi_tags=[
                      {"name": "ledger", "description": "Companies, deals, facts and the map."},
                      {"name": "measures", "description": "Cycles, circulation, promises, exposure, look-through (docs/methods.md 1-8)."},
                      {"name": "stress", "description": "Stress tests and the too-big-to-fail table (docs/methods.md 6)."},
                      {"name": "editing", "description": "Editors only: every edit needs a source."},
                      {"name": "session", "description": "Who is signed in; API tokens."},
                  ])
    app.state.site = site
    errors.install(app)

    from .routes import edits, measures, pages, session
    from .routes import ledger as ledger_routes

    # specific paths first: /api/deals/{id}/history before /api/deals/{id}
    app.include_router(ledger_routes.router)
    app.include_router(measures.router)
    app.include_router(edits.router)
    app.include_router(session.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs():
        """The OpenAPI page, with Swagger UI served from the package (works offline). It is
        started by a static script, not an inline one, so the page keeps the strict CSP."""
        return HTMLResponse(DOCS_PAGE, headers={"Cache-Control": "no-store"})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True}

    # middleware: the last added runs first (headers and the last word on errors, computed
    # views answered from their bytes, the client's address, the body limit, then the
    # session, then the private gate)
    app.add_middleware(PrivateGate)
    app.add_middleware(SessionMiddleware,
                       secret_key=secret_key or os.environ.get(ENV_SECRET) or secrets.token_urlsafe(32),
                       session_cookie="__Host-loopledger_session" if secure else "loopledger_session",
                       same_site="lax", https_only=secure, max_age=session_idle)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(ClientScope)
    app.add_middleware(FastViews)
    app.add_middleware(SecurityHeaders, hsts=secure)
    return app


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>loopledger API</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/vendor/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, counting what actually arrives (a
    client may lie about, or leave out, Content-Length)."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_big = JSONResponse(body(f"request body larger than {self.max_bytes} bytes",
                                    [{"field": "body", "reason": "too large"}]), status_code=413)
        if declared is not None:
            try:
                if int(declared) > self.max_bytes:
                    return await too_big(scope, receive, send)
            except ValueError:
                return await JSONResponse(body("invalid Content-Length"), status_code=400)(scope, receive, send)
        seen = 0
        started = False

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(413, f"request body larger than {self.max_bytes} bytes")
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await too_big(scope, receive, send)
        except Exception as e:  # a wrapped _TooLarge (e.g. inside an exception group)
            if _contains_too_large(e) and not started:
                await too_big(scope, receive, send)
            else:
                raise


class _TooLarge(StarletteHTTPException):
    """Raised while the body is read; an HTTPException so that FastAPI's body parsing passes
    it on (it turns other errors into 400) and the app answers 413."""


def _contains_too_large(e: BaseException) -> bool:
    if isinstance(e, _TooLarge):
        return True
    inner = getattr(e, "exceptions", None) or []
    cause = e.__cause__ or e.__context__
    return any(_contains_too_large(x) for x in inner) or (cause is not None and _contains_too_large(cause))


class PrivateGate:
    """With ``--private``, every route but sign-in and static files needs a user."""

    OPEN = ("/login", "/static/", "/healthz")

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        site: Site = scope["app"].state.site
        path = scope.get("path", "")
        if not site.private or path.startswith(self.OPEN):
            return await self.app(scope, receive, send)
        request = Request(scope, receive)
        try:
            user = await anyio.to_thread.run_sync(user_of, request)
        except ApiError as e:  # a rejected token (401) or a locked address (429)
            response = JSONResponse(body(e.detail, e.errors), status_code=e.status, headers=e.headers)
            return await response(scope, receive, send)
        if user is not None:
            exchange = EXCHANGE.get()
            if exchange is not None:  # views are kept per user on a private server
                exchange["user"] = user.name
            return await self.app(scope, receive, send)
        if path.startswith("/api/") or path in ("/openapi.json",) or path.startswith("/docs"):
            response = JSONResponse(body("this server is private: sign in or send an API token",
                                         [{"field": "user", "reason": "not signed in"}]),
                                    status_code=401, headers={"WWW-Authenticate": "Bearer"})
        else:
            target = path + (f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else "")
            response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        await response(scope, receive, send)
