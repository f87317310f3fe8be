"""``loopledger serve --workers N``: several worker processes over one database, each with its
own view cache, kept correct after an edit made through any of them; one session key for all."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from loopledger.web.background import ServerProcess

from .conftest import PASSWORD
from .test_editing import new_deal

ASKS = 16  # requests on fresh connections: the workers share them out


def _fresh_get(base: str, path: str, **kw) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=60) as c:  # a new connection each time
        return c.get(path, **kw)


def test_every_worker_sees_an_edit_made_through_another(db_copy, users, tmp_path, monkeypatch):
    monkeypatch.delenv("LOOPLEDGER_SECRET", raising=False)  # the parent makes one for all
    with ServerProcess(db_copy, workers=2, log=tmp_path / "server.log", args=["--view-rate", "0"]) as server:
        before = {_fresh_get(server.url, "/api/network").json()["counts"]["edges"] for _ in range(ASKS)}
        assert len(before) == 1
        with httpx.Client(base_url=server.url, timeout=60) as c:
            r = c.post("/api/deals", json=new_deal(), headers={"Authorization": f"Bearer {users['ed']}"})
            assert r.status_code == 201, r.text
        after = [_fresh_get(server.url, "/api/network").json()["counts"]["edges"] for _ in range(ASKS)]
        assert after == [before.pop() + 1] * ASKS
        # a session made by one worker is honoured by every worker
        with httpx.Client(base_url=server.url, timeout=60) as c:
            csrf = c.get("/api/me").json()["csrf_token"]
            r = c.post("/login", data={"name": "ed", "password": PASSWORD, "csrf_token": csrf},
                       follow_redirects=False)
            assert r.status_code == 303, r.text
            cookies = dict(c.cookies)
        for _ in range(ASKS):
            assert _fresh_get(server.url, "/api/me", cookies=cookies).json()["user"] == "ed"
    log = (tmp_path / "server.log").read_text()
    assert "2 workers" in log and log.count("Application startup complete") == 2


@pytest.mark.parametrize("args, message", [
    (["--workers", "0"], "--workers 0: give at least 1"),
    (["--db", "sqlite://", "--workers", "2"], "an in-memory database lives in one process"),
])
def test_serve_refuses_impossible_worker_counts(args, message):
    r = subprocess.run([sys.executable, "-c", "from loopledger.cli import main; main()", "serve", "--port", "1",
                        *args], capture_output=True, text=True, timeout=120, env=os.environ.copy())
    assert r.returncode != 0
    assert message in r.stderr + r.stdout
