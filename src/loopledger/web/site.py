"""What every request shares: the ledger, who is asking, and the view cache.

One :class:`Site` per app holds the :class:`~loopledger.ledger.Ledger`, the edit lock and the
computed views. Edits go through :meth:`Site.run`, one at a time under the edit lock; reads go
through :meth:`Site.read` and computed views (the map, cycles, circulation ...) through
:meth:`Site.json` / :meth:`Site.cached`, which take no lock: a view is computed once per
ledger state and key (single-flight: a second request for the same key waits for the first
one's result, requests for other keys and views already computed never wait), encoded once
and served as bytes, gzip-compressed when the client accepts it, with an ETag and a
Cache-Control policy (:mod:`loopledger.web.viewcache`). The ledger state is the id of the
latest audit record in the database, read per request, and the count of edits made through
this process, so any edit, from any process, invalidates every view before its response is
sent.

A view the cache does not hold yet costs the client one token of its rate limit
(:class:`~loopledger.web.limits.RateLimiter`, per client address); an answer from the cache
costs nothing.

The FastAPI dependencies defined here translate HTTP into plain values: the signed-in user
(session cookie or ``Authorization: Bearer NAME:SECRET``), the CSRF check for cookie sessions,
and the query parameters every view shares (``as_of``, ``status``, ``kind``), each rejected
with a 422 naming it when it cannot be read.

A session cookie holds the user name, the account's session ``generation``, when it was
issued and its CSRF token. It is honoured only while the account is active, its generation
unchanged and the session younger than ``session_lifetime`` (absolute, however active), so a
copied cookie dies with sign-out, a password or role change or ``loopledger user disable``.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal, Optional

from fastapi import Depends, Query, Request

from ..ledger import Ledger
from ..ledger.dates import PartialDate
from ..ledger.view import View
from ..results import jsonable
from ..vocabulary import BINDING_STATUSES, DealKind, Status
from .auth import TokenChecker, User
from .errors import ApiError
from .limits import CLIENT, FailureThrottle, RateLimiter, retry_header
from .viewcache import EXCHANGE, Encoded, Flights, HeadReader, State, response

log = logging.getLogger("loopledger.web")

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


@dataclass
class Site:
    """The server's state: the ledger, access rules and caches."""

    ledger: Ledger
    private: bool = False
    cache_size: int = 256
    #: held by edits (:meth:`run`), one at a time; reads and computed views never take it
    lock: threading.RLock = field(default_factory=threading.RLock)
    tokens: TokenChecker = field(default_factory=TokenChecker)
    #: failed sign-ins and rejected tokens, per account and client address
    logins: FailureThrottle = field(default_factory=FailureThrottle)
    #: views computed per client address (None: no limit)
    views: RateLimiter | None = None
    #: seconds a session lasts from sign-in, however active
    session_lifetime: float = 7 * 24 * 3600
    #: a user's own network served instead of the ledger's map (``serve --edges FILE``):
    #: a :class:`~loopledger.web.usermap.UserMap`, read-only
    user_map: Any = None
    #: edits made through this process (with the database's audit head: the ledger state)
    generation: int = 0
    #: map layouts by the pairs of companies they draw (kept across edits that keep the pairs)
    layouts: dict = field(default_factory=dict)
    _views: Flights = field(init=False)
    _head: HeadReader = field(init=False)

    def __post_init__(self) -> None:
        self._views = Flights(self.cache_size)
        self._head = HeadReader(self.ledger.store)

    @property
    def store(self):
        return self.ledger.store

    def state(self) -> State:
        """The ledger state views are cached under: the latest audit id in the database (any
        process' writes) and this process' edit count (:mod:`loopledger.web.viewcache`)."""
        return State(self._head(), self.generation)

    def run(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        """Call ``fn(ledger, ...)`` holding the edit lock: for edits (one at a time). Every
        computed view is invalidated when it returns (a write that fails part way has
        written an audit record, which invalidates them too)."""
        with self.lock:
            self.ledger.refresh()
            out = fn(self.ledger, *args, **kwargs)
            self.generation += 1
            return out

    def read(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        """Call ``fn(ledger, ...)`` for a read that is not kept: no lock (the ledger guards its
        own caches), so a read never waits for an edit or a computation."""
        self.ledger.refresh()
        return fn(self.ledger, *args, **kwargs)

    def json(self, key: tuple, fn: Callable[[Ledger], Any]) -> Any:
        """A :class:`Response` (typed ``Any`` so that routes keep their JSON return annotation,
        which the OpenAPI page documents): the view ``fn(ledger)`` as JSON, computed and encoded once per ledger state and key
        (and per user on a private server), compressed when the client accepts gzip, 304
        when its ``If-None-Match`` names it; see :mod:`loopledger.web.viewcache`."""
        state = self.state()
        exchange = EXCHANGE.get() or {}
        if self.private:  # kept per user: never handed to another one
            key = ("user", exchange.get("user"), *key)
        entry: Encoded = self._cached(state, ("json", *key), lambda led: Encoded.of(json.dumps(
            jsonable(fn(led)), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()))
        if not self.private:
            exchange["entry"] = (state, entry)
        return response(entry, exchange.get("headers") or {}, self.private)

    def cached(self, key: tuple, fn: Callable[[Ledger], Any]) -> Any:
        """``fn(ledger)``, computed once per ledger state and key."""
        return self._cached(self.state(), key, fn)

    def _cached(self, state: State, key: tuple, fn: Callable[[Ledger], Any]) -> Any:
        def compute():
            # the ledger's own caches checked against the database now (they may be older
            # than ``state``, if another process wrote); then trusted for the computation
            self.ledger.refresh()
            return fn(self.ledger)

        return self._views.get((state, *key), compute, self._charge)

    def _charge(self) -> None:
        """A view is about to be computed: charge the client one token of its rate limit."""
        client = CLIENT.get()
        if self.views is not None and client is not None:
            wait = self.views.take(client)
            if wait:
                raise ApiError(429, f"this address asked for too many views that had to be computed: "
                               f"try again in {max(1, round(wait))} s (views already computed are not limited)",
                               headers=retry_header(wait))


def site(request: Request) -> Site:
    return request.app.state.site


SiteDep = Annotated[Site, Depends(site)]


# who is asking --------------------------------------------------------------------------------

def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return None


def client_address(request: Request) -> str:
    """The client's address (the proxy's report of it with ``--proxy-headers``)."""
    return request.client.host if request.client else "unknown"


def user_of(request: Request) -> User | None:
    """The user making the request: API token first, then the session cookie. Checked once
    per request (the result is kept in ``request.state``)."""
    known = getattr(request.state, "user_checked", None)
    if known is not None:
        return known[0]
    user = _user_of(request)
    request.state.user_checked = (user,)
    return user


def _user_of(request: Request) -> User | None:
    s: Site = request.app.state.site
    token = _bearer(request)
    if token is not None:
        addr = client_address(request)
        wait = s.logins.retry_after(("addr", addr))
        if wait:
            raise ApiError(429, f"too many failed sign-ins or API tokens from this address: try again in "
                           f"{max(1, round(wait))} s", field="Authorization", headers=retry_header(wait))
        check = s.tokens.check(s.store, token)
        if check.user is None:
            s.logins.failed(("addr", addr))
            log.warning("rejected API token for %r from %s: %s", token.split(":", 1)[0][:64], addr, check.reason)
            raise ApiError(401, check.reason, field="Authorization", headers={"WWW-Authenticate": "Bearer"})
        request.state.via_token = True
        return check.user
    session = request.session if "session" in request.scope else {}
    name = session.get("user")
    if not name:
        return None
    row = s.store.user(name) if isinstance(name, str) else None
    issued = session.get("iat")
    if (not row or row.get("disabled") or session.get("gen") != row.get("generation")
            or not isinstance(issued, (int, float)) or time.time() - issued > s.session_lifetime):
        session.clear()
        return None
    return User(row["name"], row["role"], row["generation"])


def start_session(request: Request, user: User) -> None:
    """A fresh session for ``user`` (new CSRF token, the account's current generation)."""
    request.session.clear()
    request.session.update({"user": user.name, "gen": user.generation, "iat": int(time.time())})
    request.state.user_checked = (user,)
    csrf_token(request)


def current_user(request: Request) -> User | None:
    return user_of(request)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not sent or not hmac.compare_digest(str(sent), str(expected)):
        raise ApiError(403, "missing or wrong CSRF token: reload the page and try again",
                       field=CSRF_FIELD)


def editor(request: Request) -> User:
    """The signed-in editor, or 401 / 403. Cookie sessions must also send the CSRF token."""
    user = user_of(request)
    if user is None:
        raise ApiError(401, "sign in (or send an API token) to edit the ledger", field="user",
                       headers={"WWW-Authenticate": "Bearer"})
    if not user.can_edit:
        raise ApiError(403, f"user '{user.name}' is a {user.role}: only editors may edit", field="user")
    if not getattr(request.state, "via_token", False):
        check_csrf(request, request.headers.get(CSRF_HEADER))
    return user


EditorDep = Annotated[User, Depends(editor)]
UserDep = Annotated[Optional[User], Depends(current_user)]


# shared query parameters ----------------------------------------------------------------------

def parse_date(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD (or YYYY-MM, YYYY: the period's end) date, or a 422 naming ``name``."""
    if value is None or value == "":
        return None
    try:
        return PartialDate.parse(value).end
    except ValueError as e:
        raise ApiError(422, f"{name}: {e}", errors=[{"field": name, "reason": str(e)}]) from None


def as_of_param(
    as_of: Annotated[Optional[str], Query(
        description="View as of this date, YYYY-MM-DD (YYYY-MM or YYYY mean the period's last "
        "day). Default: today.", max_length=32, examples=["2025-12-31"])] = None,
) -> date:
    return parse_date(as_of, "as_of") or date.today()


AsOf = Annotated[date, Depends(as_of_param)]
StatusQuery = Annotated[Optional[list[Status]], Query(
    alias="status", description="Statuses to keep (repeatable).")]
KindQuery = Annotated[Optional[list[DealKind]], Query(
    alias="kind", description="Deal kinds to keep (repeatable).")]
CompanyText = Annotated[Optional[str], Query(
    description="company id, name, alias or ticker", max_length=200)]
MinAmount = Annotated[Optional[float], Query(
    ge=0, allow_inf_nan=False, description="Keep legs of at least this many USD billions "
    "(high end, else low end; legs with no amount are dropped when set).")]


def values(items: list | None) -> list[str] | None:
    """Enum query values as plain strings (None stays None)."""
    if items is None:
        return None
    return [getattr(i, "value", i) for i in items]


#: statuses a view keeps unless told otherwise (docs/methods.md 0.2)
BINDING = list(BINDING_STATUSES)
AmountBasis = Annotated[Literal["low", "high", "mid"], Query(description="amount basis")]
Overlaps = Annotated[bool, Query(description="also legs that summarise or overlap others "
                                 "(double counting)")]


def view_params(as_of: AsOf, status: StatusQuery = None, kind: KindQuery = None,
                amount: AmountBasis = "high", include_overlaps: Overlaps = False) -> View:
    """The :class:`~loopledger.ledger.view.View` of a request: its one parse of ``as_of``."""
    return View.of(as_of=as_of, statuses=values(status) or BINDING, kinds=values(kind), amount=amount,
                   include_overlaps=include_overlaps)


ViewDep = Annotated[View, Depends(view_params)]
