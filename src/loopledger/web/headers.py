"""Security headers on every response, and the last word on errors.

:class:`SecurityHeaders` is the outermost ASGI middleware of the app. It adds to every
response (pages, JSON, static files, error bodies, the 413 of an oversized body):

* ``Content-Security-Policy``: scripts, styles, images, fonts and requests from this server
  only (the page and the API docs load no inline script, no inline style and nothing from
  elsewhere: Cytoscape.js and Swagger UI are vendored), no plugins, no ``<base>`` rewriting,
  forms posting here only, and ``frame-ancestors 'none'``: no other site may frame the page
  (clickjacking);
* ``X-Frame-Options: DENY`` (the same, for browsers that predate CSP 2);
* ``X-Content-Type-Options: nosniff``: a browser never runs a file as a type it guessed;
* ``Referrer-Policy: no-referrer``: following a source link tells the other site nothing;
* ``Cross-Origin-Opener-Policy`` and ``Cross-Origin-Resource-Policy: same-origin``;
* with ``hsts`` (``loopledger serve --secure-cookies``, i.e. behind HTTPS),
  ``Strict-Transport-Security``.

An exception no handler turned into a response ends here as a JSON 500 with no internals in it
(no stack trace, SQL, path or exception text; the log has them), so that every answer a client
sees carries the headers and names nothing inside the server.
"""

from __future__ import annotations

import json
import logging

log = logging.getLogger("loopledger.web")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
HSTS = "max-age=31536000"
INTERNAL_ERROR = {"detail": "internal error: the request was not applied", "errors": []}


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` (and HSTS with ``hsts``) to every response."""

    def __init__(self, app, hsts: bool = False):
        self.app = app
        extra = {**HEADERS, **({"strict-transport-security": HSTS} if hsts else {})}
        self.headers = [(k.encode(), v.encode()) for k, v in extra.items()]
        self.names = {k for k, _ in self.headers}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(k, v) for k, v in self.headers if k not in have]]
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            payload = json.dumps(INTERNAL_ERROR).encode()
            await with_headers({"type": "http.response.start", "status": 500, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
            await send({"type": "http.response.body", "body": payload})
