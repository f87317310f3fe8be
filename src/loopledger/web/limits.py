"""Limits on what one client may cost the server: failed sign-ins and uncomputed views.

Two small, lock-protected, in-memory structures, kept per server process and bounded in size
(the oldest keys are forgotten first), so that checking them costs a dictionary look-up:

* :class:`FailureThrottle` counts failed sign-ins (and rejected API tokens) per account and
  per client address. After ``limit`` failures (5 for an account, 20 for an address) the key
  is locked for 30 s, doubling with every further failure up to 15 minutes; while locked,
  even the right password gets 429 with ``Retry-After``. A key forgets its failures 15
  minutes after the last one, and an account's when it signs in. Locked attempts are not
  checked, so they cost no password hash either.
* :class:`RateLimiter` is a token bucket per client address for views the server has to
  compute (a cache miss): ``burst`` at once, refilled at ``rate`` per second. Cached answers
  are never charged, so they stay as fast as before; a client asking for thousands of new
  dates or parameter sets gets 429 instead of the server's time.

The client address is the connection's peer, or, when ``loopledger serve --proxy-headers``
trusts a TLS proxy, the address the proxy reports. :data:`CLIENT` carries it to code that has
no request at hand (the view cache); :class:`ClientScope` sets it for every request.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass

#: the address of the client of the request being served (None outside a request)
CLIENT: ContextVar[str | None] = ContextVar("loopledger_client", default=None)


def client_of(scope) -> str:
    """The client address of an ASGI scope ('unknown' when the server gives none)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class ClientScope:
    """ASGI middleware: set :data:`CLIENT` for the request (it reaches the worker threads of
    sync routes, which copy the context)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        token = CLIENT.set(client_of(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT.reset(token)


def retry_header(seconds: float) -> dict[str, str]:
    """``Retry-After`` in whole seconds (at least 1)."""
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    locked_until: float = 0.0


class FailureThrottle:
    """Lock out keys (``("user", name)``, ``("addr", ip)``) after repeated failures.

    >>> now = [0.0]
    >>> t = FailureThrottle(limits={"user": 2}, clock=lambda: now[0])
    >>> t.failed(("user", "ed")); t.retry_after(("user", "ed"))
    0.0
    >>> t.failed(("user", "ed")); t.retry_after(("user", "ed"))
    30.0
    >>> now[0] = 31.0; t.retry_after(("user", "ed"))
    0.0
    """

    def __init__(self, limits: dict[str, int] | None = None, window: float = 900.0,
                 base_delay: float = 30.0, max_delay: float = 900.0,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000):
        self.limits = {"user": 5, "addr": 20} if limits is None else dict(limits)
        self.window, self.base_delay, self.max_delay = window, base_delay, max_delay
        self.clock, self.max_keys = clock, max_keys
        self._keys: OrderedDict[Hashable, _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, *keys: tuple[str, str]) -> float:
        """Seconds until every key may try again (0.0: now)."""
        now = self.clock()
        with self._lock:
            waits = [f.locked_until - now for k in keys if (f := self._keys.get(k)) is not None]
        return max([0.0, *waits])

    def failed(self, *keys: tuple[str, str]) -> None:
        """Count a failure against each key; lock those over their limit."""
        now = self.clock()
        with self._lock:
            for key in keys:
                limit = self.limits.get(key[0])
                if limit is None:
                    continue
                f = self._keys.pop(key, None) or _Failures()
                if now - f.last > self.window:
                    f = _Failures()
                f.count += 1
                f.last = now
                if f.count >= limit:
                    f.locked_until = now + min(self.max_delay, self.base_delay * 2 ** (f.count - limit))
                self._keys[key] = f
            while len(self._keys) > self.max_keys:
                self._keys.popitem(last=False)

    def succeeded(self, *keys: tuple[str, str]) -> None:
        """Forget the failures of ``keys`` (an account that signed in)."""
        with self._lock:
            for key in keys:
                self._keys.pop(key, None)

    def failures(self, key: tuple[str, str]) -> int:
        with self._lock:
            f = self._keys.get(key)
            return 0 if f is None or self.clock() - f.last > self.window else f.count


class RateLimiter:
    """A token bucket per key: ``burst`` requests at once, ``rate`` more per second.

    >>> now = [0.0]
    >>> r = RateLimiter(rate=1.0, burst=2, clock=lambda: now[0])
    >>> r.take("a"), r.take("a"), r.take("a"), r.take("b")
    (0.0, 0.0, 1.0, 0.0)
    >>> now[0] = 1.0; r.take("a")
    0.0
    """

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000):
        if rate < 0 or burst < 1:
            raise ValueError("a rate limit needs rate >= 0 and burst >= 1")
        self.rate, self.burst, self.clock, self.max_keys = float(rate), float(burst), clock, max_keys
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: Hashable, cost: float = 1.0) -> float:
        """Spend ``cost`` from ``key``'s bucket: 0.0 if it could, else the seconds to wait
        (nothing is spent then)."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= cost:
                tokens -= cost
                wait = 0.0
            else:
                wait = math.inf if self.rate == 0 else (cost - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait
