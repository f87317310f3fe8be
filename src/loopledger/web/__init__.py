"""The web dashboard: a FastAPI app over the ledger (JSON API documented at ``/docs``) and a
server-rendered page with the map, the cycles, the stress test and team editing.

``create_app(db_url=None, private=False)`` builds the app; ``loopledger serve`` runs it with
uvicorn. See ``docs/web.md``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # FastAPI is imported when the app is built, not when a command only reads the accounts
    # (``loopledger user list`` imports :mod:`loopledger.web.auth`)
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
