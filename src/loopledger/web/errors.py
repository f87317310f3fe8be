"""How errors reach a web client: always JSON, always a 4xx that names the wrong field.

Every body has the same shape::

    {"detail": "one line for a human", "errors": [{"field": "as_of", "reason": "..."}]}

loopledger's own exceptions map to status codes once, here: ``ValidationError`` -> 422 (one
entry per :class:`~loopledger.errors.Problem`), ``NotFoundError`` -> 404, ``ConflictError``
-> 409 (another editor changed the record first), any other ``LedgerError`` -> 400. FastAPI's
request validation (wrong types, missing fields, unknown enum values) also gives 422 with the
field named. An unexpected exception becomes a 500 JSON body with no internals in it; tests
check that no client input gets there.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ConflictError, LedgerError, NotFoundError, ValidationError

log = logging.getLogger("loopledger.web")


class ApiError(Exception):
    """An HTTP error with a message and, where it applies, the field at fault."""

    def __init__(self, status: int, detail: str, field: str | None = None,
                 errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors if errors is not None else (
            [{"field": field, "reason": detail}] if field else []
        )
        self.headers = headers


def body(detail: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def _field(loc: tuple | list) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def request_validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors():
        msg = str(e.get("msg", "invalid value"))
        msg = msg.removeprefix("Value error, ")
        field = "body" if e.get("type") == "json_invalid" else _field(e.get("loc", ()))
        out.append({"field": field, "reason": msg})
    return out


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into JSON error bodies."""

    @app.exception_handler(ApiError)
    async def _api(_req: Request, exc: ApiError):
        return JSONResponse(body(exc.detail, exc.errors), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError):
        errors = request_validation_errors(exc)
        first = errors[0] if errors else {"field": "body", "reason": "invalid request"}
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return JSONResponse(body(f"{first['field']}: {first['reason']}{more}", errors), status_code=422)

    @app.exception_handler(ValidationError)
    async def _ledger_invalid(_req: Request, exc: ValidationError):
        errors = [{"field": p.column or "record", "reason": p.reason} for p in exc.problems]
        return JSONResponse(body(str(exc), errors), status_code=422)

    @app.exception_handler(NotFoundError)
    async def _not_found(_req: Request, exc: NotFoundError):
        return JSONResponse(body(str(exc)), status_code=404)

    @app.exception_handler(ConflictError)
    async def _conflict(_req: Request, exc: ConflictError):
        return JSONResponse(body(str(exc), [{"field": "expected_version", "reason": str(exc)}]),
                            status_code=409)

    @app.exception_handler(LedgerError)
    async def _ledger(_req: Request, exc: LedgerError):
        return JSONResponse(body(str(exc)), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException):
        errors = []
        if exc.status_code == 413:
            errors = [{"field": "body", "reason": "too large"}]
        elif exc.status_code == 400 and "parsing the body" in str(exc.detail):
            errors = [{"field": "body", "reason": "not valid JSON (or not UTF-8)"}]
        return JSONResponse(body(str(exc.detail), errors), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(req: Request, exc: Exception):  # pragma: no cover - a bug if reached
        log.exception("unexpected error on %s %s", req.method, req.url.path)
        return JSONResponse(body("internal error: the request was not applied"), status_code=500)
