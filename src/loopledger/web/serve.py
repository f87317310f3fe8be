"""Running the app: ``loopledger serve`` in one process, or in N worker processes.

:func:`serve` runs uvicorn over :func:`~loopledger.web.app.create_app`. With ``workers`` above
one, uvicorn starts that many worker processes sharing the listening socket; each builds its
own app with :func:`app_from_env` from the options the parent put in the environment, so each
has its own ledger connection, view cache and limits:

* views stay correct whatever worker an edit went through: each worker keeps its views under
  the latest audit id in the database, read per request (:mod:`loopledger.web.viewcache`);
* sessions signed by one worker are honoured by the others: the parent makes one session key
  (``$LOOPLEDGER_SECRET``, else a random one for this run) and hands it to every worker;
* the sign-in throttle and the view rate limit are counted per worker (in memory), so with N
  workers a client address gets up to N times the allowance before it is stopped.

An in-memory SQLite database exists in one process only, so it is served by one worker.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from .app import ENV_SECRET, create_app

#: the options of ``loopledger serve`` handed to the worker processes (JSON)
ENV_OPTIONS = "LOOPLEDGER_SERVE_OPTIONS"


def default_workers() -> int:
    """As many workers as cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - platforms without affinity
        return max(1, os.cpu_count() or 1)


def app_from_env() -> Any:
    """The app of one worker process (uvicorn's factory), from :data:`ENV_OPTIONS`."""
    options = json.loads(os.environ[ENV_OPTIONS])
    return create_app(db_url=options.pop("db_url"), **options)


def serve(db_url: str, *, host: str, port: int, workers: int = 1, private: bool = False,
          secure_cookies: bool = False, proxy_headers: bool = False,
          forwarded_allow_ips: str = "127.0.0.1", view_rate: float | None = 2.0,
          view_burst: int = 60, ledger: Any = None) -> None:
    """Serve the ledger at ``db_url`` on ``host:port`` with ``workers`` processes (one: in
    this process, over ``ledger`` if given)."""
    import uvicorn

    common: dict[str, Any] = dict(host=host, port=port, log_level="info", server_header=False,
                                  proxy_headers=proxy_headers, forwarded_allow_ips=forwarded_allow_ips)
    options: dict[str, Any] = dict(private=private, secure_cookies=secure_cookies, view_rate=view_rate,
                                   view_burst=view_burst)
    if workers <= 1:
        application = create_app(db_url=None if ledger is not None else db_url, ledger=ledger, **options)
        uvicorn.run(application, **common)
        return
    # one session key for every worker, or a cookie signed by one would be refused by the others
    os.environ.setdefault(ENV_SECRET, secrets.token_urlsafe(32))
    os.environ[ENV_OPTIONS] = json.dumps({"db_url": db_url, **options})
    if ledger is not None:
        ledger.store.engine.dispose()  # each worker opens its own connections
    # no "server: uvicorn" header: answers do not name what runs the server
    uvicorn.run("loopledger.web.serve:app_from_env", factory=True, workers=workers, **common)


def shareable_url(ledger: Any) -> str | None:
    """The database URL worker processes can open (None for an in-memory SQLite database)."""
    url = ledger.store.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)
