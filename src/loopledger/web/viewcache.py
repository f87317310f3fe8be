"""Computed views kept as encoded bytes, computed once per ledger state, served without waiting.

A view (the map, the cycles, the headline ...) is computed once per **ledger state** and key,
encoded to JSON once, compressed with gzip once (when it is large enough to gain from it) and
kept as an :class:`Encoded` answer: the bytes, their gzip form and an ETag (a hash of the
bytes, so that every worker process gives the same answer the same ETag). Each answer says
how it may be cached (:func:`answer`):

* ``Cache-Control: public, no-cache`` on a public server: a browser or proxy may keep the
  answer but must ask again before using it (an edit may change it at any moment), and the
  question costs a ``304 Not Modified`` with no body when the client sends the ETag back in
  ``If-None-Match``;
* ``Cache-Control: private, no-cache`` on a ``--private`` server, where answers are also
  kept per user on the server: one user's answer is never handed to another, by this server
  or by a shared cache;
* ``Vary: Accept-Encoding`` (and ``Cookie, Authorization`` when private), ``Content-Encoding:
  gzip`` when the client accepts it.

The **ledger state** (:class:`State`) is the id of the latest audit record in the database
(every write adds one, from any process: another worker of ``loopledger serve --workers N``,
the command line, an import) and a counter of the edits made through this process. It is read
once per request (:class:`HeadReader`: one indexed ``max(id)`` on a connection of its own for
an SQLite file, a microsecond or so), so no reader is answered from a state older than the
edit whose response it has seen.

Computations are **single-flight per key** (:class:`Flights`): the first request for a key
computes it while later requests for the same key wait for that one result; requests for
other keys, and every answer already computed, never wait for it (there is no lock around
computations; the :class:`~loopledger.ledger.Ledger` protects its own caches).

:class:`FastViews` is the ASGI middleware that answers a repeated request for a computed,
shareable view straight from the bytes (matched on its path and query string, after checking
the ledger state), before routing, sessions and the thread pool; the first request for each
path and query string goes the ordinary way and teaches it the answer.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

#: answers smaller than this are sent as they are (gzip would gain little or nothing)
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Encoded:
    """One view's answer, encoded once: the JSON bytes, their gzip form (None when the
    answer is small) and the ETag naming these bytes."""

    body: bytes
    gzipped: bytes | None
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Encoded:
        gz = gzip.compress(body, GZIP_LEVEL, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
        return cls(body, gz, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')

    @property
    def gzip_etag(self) -> str:
        """The ETag of the gzip form (a different representation, so a different tag)."""
        return self.etag[:-1] + '-gz"'


#: what the Cache-Control header says (see the module's docstring)
POLICY_PUBLIC = "public, no-cache"
POLICY_PRIVATE = "private, no-cache"


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (``gzip;q=0`` refuses it)."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def etag_matches(if_none_match: str, entry: Encoded) -> bool:
    """Whether ``If-None-Match`` names this answer (either of its forms; weak tags match too,
    as RFC 9110 13.1.2 asks for a GET)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return entry.etag in tags or entry.gzip_etag in tags


def answer(entry: Encoded, accept_encoding: str, if_none_match: str, private: bool,
           head: bool = False) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and body of the answer ``entry`` to a request with these headers."""
    use_gzip = entry.gzipped is not None and accepts_gzip(accept_encoding)
    tag = entry.gzip_etag if use_gzip else entry.etag
    headers = [(b"cache-control", (POLICY_PRIVATE if private else POLICY_PUBLIC).encode()),
               (b"etag", tag.encode()),
               (b"vary", b"Accept-Encoding, Cookie, Authorization" if private else b"Accept-Encoding")]
    if etag_matches(if_none_match, entry):
        return 304, headers, b""
    body = entry.gzipped if use_gzip and entry.gzipped is not None else entry.body
    headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if use_gzip:
        headers.append((b"content-encoding", b"gzip"))
    return 200, headers, b"" if head else body


def response(entry: Encoded, request_headers: Any, private: bool) -> Response:
    """:func:`answer` as a Starlette response (for a route)."""
    status, headers, body = answer(entry, request_headers.get("accept-encoding", ""),
                                   request_headers.get("if-none-match", ""), private)
    r = Response(body, status_code=status)
    r.raw_headers = headers
    return r


# the ledger state -----------------------------------------------------------------------------

@dataclass(frozen=True)
class State:
    """The ledger's state: the latest audit id in the database and this process' edit count."""

    head: int
    local: int


class HeadReader:
    """The id of the latest audit record, read as cheaply as the database allows: for an
    SQLite file, on a connection of its own (a few microseconds); otherwise through the
    store's pool (an in-memory SQLite database exists on one connection only)."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._raw = None
        url = store.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            import sqlite3

            self._raw = sqlite3.connect(url.database, check_same_thread=False, isolation_level=None)
            self._raw.execute("PRAGMA busy_timeout=5000")

    def __call__(self) -> int:
        if self._raw is None:
            return self.store.audit_head()
        with self._lock:
            row = self._raw.execute("SELECT max(id) FROM audit").fetchone()
        return (row[0] if row else 0) or 0

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
            self._raw = None


# single-flight computations -------------------------------------------------------------------

class Flights:
    """Values computed once per key, kept (least recently used first out) up to ``size``.

    :meth:`get` returns the kept value, or waits for the computation of the same key that is
    under way, or computes it (calling ``before`` first: the rate limit of views to compute).
    Only the short look-ups hold the lock; a computation holds nothing, so other keys are
    answered meanwhile.
    """

    def __init__(self, size: int = 256):
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._running: dict[Hashable, Future] = {}
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> Any:
        with self._lock:
            return self._values.get(key)

    def get(self, key: Hashable, compute: Callable[[], Any], before: Callable[[], None] | None = None) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            flight = self._running.get(key)
            if flight is None:
                if before is not None:
                    before()  # may refuse (429) before anything starts
                flight = self._running[key] = Future()
                mine = True
            else:
                mine = False
        if not mine:
            return flight.result()
        try:
            value = compute()
        except BaseException as e:
            with self._lock:
                self._running.pop(key, None)
            flight.set_exception(e)
            raise
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
            self._running.pop(key, None)
        flight.set_result(value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


# the fast path --------------------------------------------------------------------------------

#: set by :class:`FastViews` for the request under way: ``headers`` (the request's
#: ``accept-encoding`` and ``if-none-match``), ``user`` (the signed-in user's name, set by the
#: private gate), and ``entry``, where the route puts its shareable answer so that the next
#: request with the same path and query string is answered directly
EXCHANGE: ContextVar[dict | None] = ContextVar("loopledger_exchange", default=None)


class FastViews:
    """ASGI middleware: answer a GET whose path and query string were answered before
    with a computed view of the current ledger state, from the kept bytes (see the module
    docstring). Anything else goes on to the app unchanged."""

    def __init__(self, app, size: int = 256):
        self.app = app
        self.size = size
        self._known: OrderedDict[tuple[str, bytes], tuple[State, Encoded]] = OrderedDict()
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        site = scope["app"].state.site
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
                   if k in (b"accept-encoding", b"if-none-match")}
        key = (scope["path"], scope.get("query_string", b""))
        fast = not site.private and scope["path"].startswith("/api/")
        known = self._known.get(key) if fast else None
        if known is not None and known[0] != site.state():
            with self._lock:  # an older state's answer: never served again, so not kept
                if self._known.get(key) is known:
                    del self._known[key]
            known = None
        if known is not None:
            status, out, body = answer(known[1], headers.get("accept-encoding", ""),
                                       headers.get("if-none-match", ""), False)
            await send({"type": "http.response.start", "status": status, "headers": out})
            await send({"type": "http.response.body", "body": body})
            return
        learned: dict = {"headers": headers}
        token = EXCHANGE.set(learned)
        try:
            await self.app(scope, receive, send)
        finally:
            EXCHANGE.reset(token)
        if fast and "entry" in learned:
            with self._lock:
                self._known[key] = learned["entry"]
                self._known.move_to_end(key)
                while len(self._known) > self.size:
                    self._known.popitem(last=False)
