"""``as_of`` is parsed once per request or command (issue 11): the boundary (a CLI option, an API
argument, a web query) makes a View, and everything below takes the finished date. Every module
that could parse a date text is watched; only calls that turn text (or None, "today") into a
date count."""

from __future__ import annotations

import importlib
import sys

import pytest

WATCHED = ["loopledger.ledger.dates", "loopledger.ledger.view", "loopledger.ledger.ledger",
           "loopledger.ledger.data", "loopledger.measures.ena", "loopledger.measures.exposure",
           "loopledger.report.build", "loopledger.report.data", "loopledger.interchange.tables",
           "loopledger.cli.ledger_cmds"]


@pytest.fixture
def parses(monkeypatch):
    from loopledger.ledger import dates

    original = dates.parse_as_of
    seen: list = []

    def counting(value):
        if not hasattr(value, "year"):  # text or None: a real parse
            seen.append(value)
        return original(value)

    for name in WATCHED:
        module = sys.modules.get(name) or importlib.import_module(name)
        if hasattr(module, "parse_as_of"):
            monkeypatch.setattr(module, "parse_as_of", counting)
    return seen


def test_measure_command(cli, parses, tmp_path):
    from loopledger.ledger import Ledger

    url = f"sqlite:///{tmp_path / 'm.db'}"
    Ledger.open(url).init()
    parses.clear()
    r = cli("measure", "--db", url, "--as-of", "2025-12-31", "--json")
    assert r.code == 0, r.err
    assert parses == ["2025-12-31"]


def test_stress_and_systemic_commands(cli, parses, tmp_path):
    from loopledger.ledger import Ledger

    url = f"sqlite:///{tmp_path / 's.db'}"
    Ledger.open(url).init()
    for command in (["stress", "--fail", "OpenAI"], ["systemic"]):
        parses.clear()
        r = cli(*command, "--db", url, "--as-of", "2026-06-30", "--json")
        assert r.code == 0, r.err
        assert parses == ["2026-06-30"], command


def test_api_calls(parses, bundled):
    import loopledger

    for call in (lambda: loopledger.measure(bundled, as_of="2025-12-31"),
                 lambda: loopledger.stress(bundled, fail=["OpenAI"], as_of="2025-12-31"),
                 lambda: loopledger.promises(bundled, as_of="2025-12-31"),
                 lambda: loopledger.exposure(bundled, as_of="2025-12-31", circular=False)):
        parses.clear()
        call()
        assert parses == ["2025-12-31"]


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_web_network_request(parses, bundled):
    from fastapi.testclient import TestClient

    from loopledger.web.app import create_app

    client = TestClient(create_app(ledger=bundled))
    parses.clear()
    r = client.get("/api/network", params={"as_of": "2025-12-31"})
    assert r.status_code == 200
    # the web boundary parses the query itself (a 422 names the field); nothing below re-parses
    assert parses == []
    assert r.json()["as_of"] == "2025-12-31"
