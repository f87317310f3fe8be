"""Team editing over HTTP: editors add, amend and retract deals and status events through the
same Ledger API as the CLI (validation, sources, audit trail); anonymous clients and readers
cannot; cookie sessions need the CSRF token; two editors changing the same deal get a 409."""

from __future__ import annotations

import pytest

SOURCE = {"url": "https://example.org/press/new-deal", "publisher": "Example Wire", "date": "2026-11-20",
          "type": "news"}


def new_deal(**over):
    deal = {"id": "test-nvda-xai-1b", "group": "test-nvda-xai", "payer": "nvidia", "payee": "xai",
            "kind": "equity_investment", "amount_low": 1.0, "amount_high": 2.0, "announced": "2026-11-20",
            "confidence": "medium"}
    deal.update(over)
    return {"deal": deal, "status": "definitive", "date": "2026-11-20", "source": SOURCE}


def state(ledger):
    """Everything an edit could change: the audit head and every table's rows."""
    return ledger.store.audit_head(), {t: ledger.store.rows(t) for t in ("sources", "deals", "events")}


def test_editor_with_token_adds_a_deal_that_appears_everywhere(client, ledger, users, bearer):
    r = client.post("/api/deals", json=new_deal(), headers=bearer(users["ed"]))
    assert r.status_code == 201, r.text
    assert r.json() == {"id": "test-nvda-xai-1b", "version": 1}
    legs = client.get("/api/deals", params={"company": "xai"}).json()["deals"]
    got = next(d for d in legs if d["id"] == "test-nvda-xai-1b")
    assert got["status"] == "definitive" and got["amount_high"] == 2.0
    assert [s["url"] for s in got["sources"]] == [SOURCE["url"]]
    net = client.get("/api/network").json()
    assert "test-nvda-xai-1b" in {e["id"] for e in net["edges"]}
    audit = ledger.audit("test-nvda-xai-1b")
    assert set(audit["actor"]) == {"ed"} and set(audit["action"]) == {"insert"}


def test_editor_session_needs_the_csrf_token(client, ledger, users, sign_in):
    csrf = sign_in(client, "ed")
    before = state(ledger)
    r = client.post("/api/deals", json=new_deal())
    assert r.status_code == 403 and r.json()["errors"][0]["field"] == "csrf_token"
    r = client.post("/api/deals", json=new_deal(), headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    assert state(ledger) == before
    r = client.post("/api/deals", json=new_deal(), headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text


def test_anonymous_and_readers_cannot_edit(client, ledger, users, bearer, sign_in):
    before = state(ledger)
    deal_id = ledger.deals()["id"].iloc[0]
    attempts = [
        ("post", "/api/deals", new_deal()),
        ("post", f"/api/deals/{deal_id}/events", {"status": "funded", "date": "2026-11-01", "source": SOURCE}),
        ("patch", f"/api/deals/{deal_id}", {"changes": {"notes": "x"}, "expected_version": 1, "source": SOURCE, "reason": "r"}),
        ("post", f"/api/deals/{deal_id}/retract", {"reason": "r", "expected_version": 1, "source": SOURCE}),
    ]
    for method, path, body in attempts:
        assert getattr(client, method)(path, json=body).status_code == 401
        assert getattr(client, method)(path, json=body, headers=bearer(users["rita"])).status_code == 403
        assert getattr(client, method)(path, json=body, headers=bearer("ed:not-the-token")).status_code == 401
    csrf = sign_in(client, "rita")
    assert client.post("/api/deals", json=new_deal(), headers={"X-CSRF-Token": csrf}).status_code == 403
    assert state(ledger) == before


def test_amend_with_version_check_and_conflict(client, ledger, users, bearer):
    deal_id = "test-nvda-xai-1b"
    assert client.post("/api/deals", json=new_deal(), headers=bearer(users["ed"])).status_code == 201
    seen_by_ed = client.get(f"/api/deals/{deal_id}").json()["version"]
    seen_by_eve = client.get(f"/api/deals/{deal_id}").json()["version"]
    first = client.patch(f"/api/deals/{deal_id}", headers=bearer(users["ed"]), json={
        "changes": {"amount_high": 3.0}, "expected_version": seen_by_ed, "source": SOURCE, "reason": "revised"})
    assert first.status_code == 200, first.text
    before = state(ledger)
    second = client.patch(f"/api/deals/{deal_id}", headers=bearer(users["eve"]), json={
        "changes": {"amount_high": 5.0}, "expected_version": seen_by_eve,
        "source": {**SOURCE, "url": "https://example.org/other"}, "reason": "mine"})
    assert second.status_code == 409
    assert second.json()["errors"][0]["field"] == "expected_version"
    assert state(ledger) == before  # not even the second editor's new source was stored
    d = client.get(f"/api/deals/{deal_id}").json()
    assert d["amount_high"] == 3.0 and d["version"] == first.json()["version"] == seen_by_ed + 1
    amendments = ledger.audit(deal_id)
    amendments = amendments[amendments["action"] == "amend"]
    assert list(amendments["actor"]) == ["ed"]


def test_amend_is_validated_like_the_cli(client, ledger, users, bearer):
    deal_id = ledger.deals()["id"].iloc[0]
    v = client.get(f"/api/deals/{deal_id}").json()["version"]
    before = state(ledger)
    for changes, field in (({"amount_low": -1}, "amount_low"), ({"kind": "gift"}, "kind"),
                           ({"payee": "no-such-company"}, "payee"), ({"colour": "red"}, "colour"),
                           ({"amount_low": 9e9, "amount_high": 1.0}, "amount_low")):
        r = client.patch(f"/api/deals/{deal_id}", headers=bearer(users["ed"]),
                         json={"changes": changes, "expected_version": v, "source": SOURCE, "reason": "r"})
        assert r.status_code == 422, (changes, r.text)
        assert field in {e["field"] for e in r.json()["errors"]}, r.json()
    # an amendment without a source is refused before anything is read
    r = client.patch(f"/api/deals/{deal_id}", headers=bearer(users["ed"]),
                     json={"changes": {"notes": "x"}, "expected_version": v, "reason": "r"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "source"
    assert state(ledger) == before


def test_status_events_and_retraction(client, ledger, users, bearer):
    assert client.post("/api/deals", json=new_deal(), headers=bearer(users["ed"])).status_code == 201
    r = client.post("/api/deals/test-nvda-xai-1b/events", headers=bearer(users["eve"]),
                    json={"status": "funded", "date": "2026-11-25", "source": SOURCE, "note": "closed"})
    assert r.status_code == 201 and r.json()["id"] == "test-nvda-xai-1b/2"
    assert client.get("/api/deals/test-nvda-xai-1b").json()["status"] == "funded"
    # amend then retract the event, each with the version read
    ev = client.get("/api/deals/test-nvda-xai-1b").json()["events"]
    assert [e["id"] for e in ev] == ["test-nvda-xai-1b/1", "test-nvda-xai-1b/2"]
    r = client.patch("/api/events/test-nvda-xai-1b/2", headers=bearer(users["ed"]),
                     json={"changes": {"date": "2026-11-24"}, "expected_version": 1, "source": SOURCE, "reason": "date"})
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client.post("/api/events/test-nvda-xai-1b/2/retract", headers=bearer(users["ed"]),
                    json={"reason": "wrong", "expected_version": 2, "source": SOURCE})
    assert r.status_code == 200, r.text
    assert client.get("/api/deals/test-nvda-xai-1b").json()["status"] == "definitive"
    # retract the deal: it leaves every view, stays stored, and the audit names the source
    v = client.get("/api/deals/test-nvda-xai-1b").json()["version"]
    r = client.post("/api/deals/test-nvda-xai-1b/retract", headers=bearer(users["ed"]),
                    json={"reason": "duplicate", "expected_version": v, "source": SOURCE})
    assert r.status_code == 200
    assert "test-nvda-xai-1b" not in {d["id"] for d in client.get("/api/deals").json()["deals"]}
    assert ledger.store.row("deals", "test-nvda-xai-1b")["retracted"] is True
    last = ledger.audit("test-nvda-xai-1b").iloc[-1]
    assert last["action"] == "retract" and r.json()["source"] in last["reason"]
    # a second retraction is refused, nothing changes
    before = state(ledger)
    again = client.post("/api/deals/test-nvda-xai-1b/retract", headers=bearer(users["ed"]),
                        json={"reason": "again", "expected_version": v + 1, "source": SOURCE})
    assert again.status_code == 400
    assert state(ledger) == before


def test_every_edit_needs_a_source(client, ledger, users, bearer):
    before = state(ledger)
    body = new_deal()
    del body["source"]
    r = client.post("/api/deals", json=body, headers=bearer(users["ed"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "source"
    r = client.post("/api/deals", json={**new_deal(), "source": {"publisher": "x", "type": "news"}},
                    headers=bearer(users["ed"]))
    assert r.status_code == 422
    r = client.post("/api/deals", json={**new_deal(), "source": "src-000000000000"}, headers=bearer(users["ed"]))
    assert r.status_code == 404
    assert state(ledger) == before


def test_cached_views_follow_edits(client, users, bearer):
    """The map is cached per ledger state: an edit shows at once."""
    before = client.get("/api/network").json()["counts"]["edges"]
    assert client.post("/api/deals", json=new_deal(), headers=bearer(users["ed"])).status_code == 201
    assert client.get("/api/network").json()["counts"]["edges"] == before + 1


@pytest.mark.parametrize("bad", [
    {"payer": "nvidia", "payee": "nvidia"},
    {"amount_low": 5.0, "amount_high": 1.0},
    {"currency": "EUR"},
    {"stake_pct": 140},
    {"announced": "2026-02-30"},
])
def test_new_deal_cross_field_rules(client, ledger, users, bearer, bad):
    before = state(ledger)
    r = client.post("/api/deals", json=new_deal(**bad), headers=bearer(users["ed"]))
    assert r.status_code == 422, r.text
    assert r.json()["errors"] and all(e["field"] for e in r.json()["errors"])
    assert state(ledger) == before


def test_edits_from_another_process_show_at_once(client, ledger, db_copy, monkeypatch):
    """A write through another Ledger on the same database (the CLI, another server) is seen
    by the next request, never hidden behind a cached view, however soon it comes (the
    Ledger's clock is frozen so that its half-second read cache would otherwise apply)."""
    import types

    import loopledger.ledger.ledger as ledger_module
    from loopledger.ledger import Ledger

    other = Ledger.open(db_copy)
    monkeypatch.setattr(ledger_module, "time", types.SimpleNamespace(monotonic=lambda: 1000.0))
    before = client.get("/api/network").json()["counts"]["edges"]
    other.add_deal(new_deal()["deal"], status="definitive", date="2026-11-20", source=SOURCE, actor="cli")
    assert client.get("/api/network").json()["counts"]["edges"] == before + 1
    assert "test-nvda-xai-1b" in {d["id"] for d in client.get("/api/deals").json()["deals"]}


def test_serving_each_storage_backend(db_url, bearer):
    """The app over a fresh database of each backend (SQLite file, PostgreSQL): load, read,
    edit with a token, and the conflict check."""
    from fastapi.testclient import TestClient

    from loopledger.ledger import Ledger
    from loopledger.web import create_app
    from loopledger.web.auth import add_user

    led = Ledger.open(db_url)
    led.init()
    token = add_user(led.store, "ed", "editor", password="long enough pw", token=True)
    with TestClient(create_app(db_url=db_url)) as c:
        assert c.get("/api/deals").json()["count"] == len(led.deals())
        assert c.post("/api/deals", json=new_deal(), headers=bearer(token)).status_code == 201
        body = {"changes": {"amount_high": 3.0}, "expected_version": 1, "source": SOURCE, "reason": "r"}
        assert c.patch("/api/deals/test-nvda-xai-1b", json=body, headers=bearer(token)).status_code == 200
        assert c.patch("/api/deals/test-nvda-xai-1b", json=body, headers=bearer(token)).status_code == 409
    assert Ledger.open(db_url).deal("test-nvda-xai-1b")["amount_high"] == 3.0
    led.store.engine.dispose()
