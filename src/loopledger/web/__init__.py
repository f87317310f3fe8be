"""The web dashboard: a FastAPI app over the ledger (JSON API documented at ``/docs``) and a
server-rendered page with the map, the cycles, the stress test and team editing.

``create_app(db_url=None, private=False)`` builds the app; ``loopledger serve`` runs it with
uvicorn. See ``docs/web.md``.
"""

from .app import create_app

__all__ = ["create_app"]
