"""Fixtures of the web tests: an app over a writable copy of the bundled ledger, users, and an
oracle that reads the bundled CSV files directly (with the csv module and its own date
parsing, not loopledger's code) to say which deals are in view on a date."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest


def pytest_configure(config):
    # Starlette's TestClient announces a move to httpx2; httpx is what the project declares
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")

DATA = Path(__file__).resolve().parents[2] / "src" / "loopledger" / "ledger" / "data"
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """An SQLite file holding the bundled dataset and three users (an editor, a second editor
    and a reader, each with a password and an API token), made once; tests get copies."""
    from loopledger.ledger import Ledger
    from loopledger.web.auth import add_user

    path = tmp_path_factory.mktemp("template") / "ledger.db"
    led = Ledger.open(f"sqlite:///{path}")
    led.init()
    tokens = {name: add_user(led.store, name, role, password=PASSWORD, token=True)
              for name, role in (("ed", "editor"), ("eve", "editor"), ("rita", "reader"))}
    led.store.engine.dispose()
    return path, tokens


@pytest.fixture
def db_copy(template_db, tmp_path):
    """The URL of a fresh copy of the template database."""
    path, _ = template_db
    target = tmp_path / "ledger.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            shutil.copyfile(f"{path}{suffix}", f"{target}{suffix}")
    return f"sqlite:///{target}"


@pytest.fixture
def ledger(db_copy):
    """A writable ledger holding the bundled dataset and the test users (never the shared one)."""
    from loopledger.ledger import Ledger

    led = Ledger.open(db_copy)
    yield led
    led.store.engine.dispose()


@pytest.fixture
def app(ledger):
    from loopledger.web import create_app

    return create_app(ledger=ledger, secret_key="test-secret")


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def ro_client():
    """A client over a ledger of this module's own, for tests that only read (views cached
    across the module's tests)."""
    from fastapi.testclient import TestClient

    from loopledger import load_default
    from loopledger.web import create_app

    with TestClient(create_app(ledger=load_default(), secret_key="test-secret")) as c:
        yield c


@pytest.fixture
def users(template_db):
    """API tokens of the test users: ``ed`` and ``eve`` (editors) and ``rita`` (reader)."""
    return dict(template_db[1])


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _sign_in(client, name: str, password: str = PASSWORD) -> str:
    """Sign in through the HTML form (with its CSRF token); returns the session's CSRF token."""
    csrf = client.get("/api/me").json()["csrf_token"]
    r = client.post("/login", data={"name": name, "password": password, "csrf_token": csrf, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.get("/api/me").json()["csrf_token"]


@pytest.fixture
def bearer():
    """``bearer(token)`` -> the Authorization header of an API token."""
    return _bearer


@pytest.fixture
def sign_in():
    """``sign_in(client, name)`` signs in through the form; returns the CSRF token."""
    return _sign_in


# --- the oracle: the bundled files read directly ------------------------------------------------

def _start(text: str) -> date:
    parts = [int(p) for p in text.strip().split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class Raw:
    """What the bundled files say, computed without loopledger."""

    def __init__(self):
        self.deals = {r["id"]: r for r in _rows("deals.csv") if r["retracted"] != "true"}
        self.events = [r for r in _rows("events.csv") if r["retracted"] != "true"]
        self.companies = {r["id"]: r for r in _rows("companies.csv") if r["retracted"] != "true"}
        self.facts = [r for r in _rows("facts.csv") if r["retracted"] != "true"]
        self.sources = {r["id"]: r for r in _rows("sources.csv")}

    def statuses(self, as_of: date) -> dict[str, str]:
        """deal id -> its status on ``as_of`` (deals whose first event is on or before it)."""
        out: dict[str, tuple] = {}
        seen = set()
        for e in self.events:
            if e["deal"] not in self.deals or _start(e["date"]) > as_of:
                continue
            seen.add(e["deal"])
            if e["status"] == "amended":
                continue
            key = (_start(e["date"]), int(e["id"].rsplit("/", 1)[1]))
            if e["deal"] not in out or key > out[e["deal"]][0]:
                out[e["deal"]] = (key, e["status"])
        return {d: out[d][1] for d in seen if d in out}

    def legs(self, as_of: date, statuses=None, overlaps: bool = False) -> set[str]:
        """Deal ids on the map: in view, with one of ``statuses`` (all if None), counted in
        totals unless ``overlaps``."""
        st = self.statuses(as_of)
        return {d for d, s in st.items()
                if (statuses is None or s in statuses)
                and (overlaps or self.deals[d]["include_in_totals"] == "true")}

    def valuation(self, company: str, as_of: date) -> float | None:
        metrics = ("market_cap", "valuation_post_money", "valuation", "valuation_secondary",
                   "valuation_deal", "valuation_pre_money")
        best = None
        for f in self.facts:
            if f["company"] == company and f["metric"] in metrics and f["unit"] == "USD bn" \
                    and _start(f["as_of"]) <= as_of:
                key = (_start(f["as_of"]), -metrics.index(f["metric"]))
                if best is None or key > best[0]:
                    best = (key, float(f["value"]))
        return None if best is None else best[1]


@pytest.fixture(scope="session")
def raw() -> Raw:
    return Raw()
