"""The read side of the JSON API: each endpoint against an independent oracle (the bundled CSV
files read with the csv module, networkx for cycles) or, where the web is only a skin, against
the Python API called with the same options."""

from __future__ import annotations

import math
from datetime import date

import networkx as nx
import pytest

BINDING = ["funded", "funded_partial", "definitive"]
ALL = ["funded", "funded_partial", "definitive", "announced_loi", "rumored", "cancelled_stalled"]


@pytest.mark.parametrize("as_of", ["2019-12-31", "2022-06-30", "2024-01-01", "2025-10-15", "2026-06-30"])
def test_network_edges_are_the_deals_in_view_per_the_raw_files(ro_client, raw, as_of):
    d = date.fromisoformat(as_of)
    for statuses in (BINDING, ALL, ["announced_loi"]):
        r = ro_client.get("/api/network", params={"as_of": as_of, "status": statuses})
        assert r.status_code == 200
        body = r.json()
        assert {e["id"] for e in body["edges"]} == raw.legs(d, statuses)
        for e in body["edges"]:
            assert e["status"] == raw.statuses(d)[e["id"]]
            row = raw.deals[e["id"]]
            assert (e["source"], e["target"]) == (row["payer"], row["payee"])
        assert {n["id"] for n in body["nodes"]} == {e["source"] for e in body["edges"]} | {e["target"] for e in body["edges"]}


def test_network_default_statuses_are_the_binding_ones(ro_client, raw):
    body = ro_client.get("/api/network", params={"as_of": "2025-12-31"}).json()
    assert {e["id"] for e in body["edges"]} == raw.legs(date(2025, 12, 31), BINDING)


def test_map_grows_over_time(ro_client, raw):
    early = ro_client.get("/api/network", params={"as_of": "2024-01-01", "status": ALL}).json()
    late = ro_client.get("/api/network", params={"as_of": "2026-06-30", "status": ALL}).json()
    assert early["counts"]["edges"] < late["counts"]["edges"]
    assert early["counts"]["edges"] == len(raw.legs(date(2024, 1, 1)))


def test_amounts_unknown_are_null_never_zero(ro_client, raw):
    body = ro_client.get("/api/network", params={"status": ALL}).json()
    for e in body["edges"]:
        row = raw.deals[e["id"]]
        lo, hi = row["amount_low"], row["amount_high"]
        fx = float(row["fx_rate"]) if row["fx_rate"] else 1.0
        expected = float(hi) * fx if hi else (float(lo) * fx if lo else None)
        if expected is None:
            assert e["amount"] is None
        else:
            assert e["amount"] == pytest.approx(expected)
    assert body["counts"]["amount_unknown"] == sum(e["amount"] is None for e in body["edges"])


def test_node_size_follows_the_latest_valuation_fact(ro_client, raw):
    for as_of in ("2023-06-30", "2026-06-30"):
        d = date.fromisoformat(as_of)
        body = ro_client.get("/api/network", params={"as_of": as_of, "status": ALL}).json()
        for n in body["nodes"]:
            v = raw.valuation(n["id"], d)
            assert n["valuation"] == (pytest.approx(v) if v is not None else None)
            assert n["size"] == pytest.approx(18 + 10 * math.log10(1 + v) if v else 18, abs=0.01)
            assert n["type"] == raw.companies[n["id"]]["type"]
    nodes = {n["id"]: n for n in ro_client.get("/api/network").json()["nodes"]}
    # a $4-5T chip vendor is drawn larger than a neocloud worth tens of billions
    assert nodes["nvidia"]["size"] > nodes["coreweave"]["size"]


def test_edges_carry_their_sources(ro_client, raw):
    body = ro_client.get("/api/network", params={"status": ALL}).json()
    for e in body["edges"]:
        expected = {raw.sources[s]["url"] for s in raw.deals[e["id"]]["sources"].split("|")}
        assert {s["url"] for s in e["sources"]} == expected


def test_positions_are_seeded_stable_and_distinct(ro_client, ledger):
    from fastapi.testclient import TestClient

    from loopledger.web import create_app

    a = ro_client.get("/api/network", params={"status": ALL}).json()
    b = TestClient(create_app(ledger=ledger)).get("/api/network", params={"status": ALL}).json()
    pa = {n["id"]: (n["x"], n["y"]) for n in a["nodes"]}
    assert pa == {n["id"]: (n["x"], n["y"]) for n in b["nodes"]}  # another app, another ledger
    assert len(set(pa.values())) == len(pa)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in pa.values())
    # the default layout is one of the whole ledger: a company keeps its place as the date moves
    early = {n["id"]: (n["x"], n["y"]) for n in ro_client.get(
        "/api/network", params={"as_of": "2024-01-01", "status": ALL}).json()["nodes"]}
    assert early and all(pa[c] == early[c] for c in early if c in pa)
    # layout=view lays out only the legs in view
    view = ro_client.get("/api/network", params={"as_of": "2024-01-01", "status": ALL, "layout": "view"}).json()
    assert {n["id"] for n in view["nodes"]} == set(early)


def test_min_amount_filter(ro_client, raw):
    body = ro_client.get("/api/network", params={"status": ALL, "min_amount": 50}).json()
    assert body["edges"]
    for e in body["edges"]:
        size = e["amount_high"] if e["amount_high"] is not None else e["amount_low"]
        assert size is not None and size >= 50
    everything = ro_client.get("/api/network", params={"status": ALL}).json()["edges"]
    big = {e["id"] for e in everything
           if (e["amount_high"] if e["amount_high"] is not None else e["amount_low"] or -1) >= 50}
    assert {e["id"] for e in body["edges"]} == big


def test_cycles_match_networkx_on_the_same_view(ro_client):
    net = ro_client.get("/api/network", params={"as_of": "2026-06-30"}).json()
    g = nx.DiGraph()
    g.add_edges_from((e["source"], e["target"]) for e in net["edges"])

    def canon(c):
        i = c.index(min(c))
        return tuple(c[i:] + c[:i])

    expected = {canon(c) for c in nx.simple_cycles(g, length_bound=6)}
    r = ro_client.get("/api/cycles", params={"as_of": "2026-06-30"}).json()
    assert {canon(c["nodes"]) for c in r["cycles"]} == expected
    assert r["count"] == len(expected)
    assert ("nvidia", "openai", "oracle") in expected  # docs/methods.md 1.5 smoke check


def test_web_is_the_python_api_option_for_option(ro_client):
    """The routes are skins: the same call through Python gives the same JSON."""
    ledger = ro_client.app.state.site.ledger
    from loopledger.measures.circulation import circulation
    from loopledger.measures.promises import promises
    from loopledger.results import jsonable

    r = ro_client.get("/api/deals", params={"company": "Nvidia", "kind": ["equity_investment"],
                                         "status": ["funded"], "as_of": "2025-12-31", "min_amount": 1}).json()
    frame = ledger.deals(as_of="2025-12-31", company="Nvidia", kind=["equity_investment"],
                         status=["funded"], min_amount=1)
    assert r["count"] == len(frame) > 0
    assert r["deals"] == jsonable(frame)
    c = ro_client.get("/api/circulation", params={"as_of": "2025-12-31"}).json()
    assert c == jsonable(circulation(ledger.network(as_of="2025-12-31")).to_dict())
    p = ro_client.get("/api/promises", params={"as_of": "2025-12-31", "company": "oracle"}).json()
    assert p == jsonable(promises(ledger, as_of="2025-12-31", company="oracle").to_dict())


def test_deal_history_and_company(ro_client, raw):
    deal = next(iter(sorted(raw.deals)))
    d = ro_client.get(f"/api/deals/{deal}").json()
    assert d["id"] == deal and d["version"] == 1
    assert {s["url"] for s in d["sources"]} == {raw.sources[s]["url"] for s in raw.deals[deal]["sources"].split("|")}
    h = ro_client.get(f"/api/deals/{deal}/history").json()["history"]
    events = sorted(e["id"] for e in raw.events if e["deal"] == deal)
    assert sorted(x["event"] for x in h if x["kind"] == "status") == events
    c = ro_client.get("/api/companies/NVDA").json()  # by ticker
    assert c["company"]["id"] == "nvidia"
    assert {x["id"] for x in c["deals"]} == {
        x for x in raw.legs(date.today(), None, overlaps=True)
        if "nvidia" in (raw.deals[x]["payer"], raw.deals[x]["payee"])}


def test_summary_matches_the_raw_files(ro_client, raw):
    s = ro_client.get("/api/summary", params={"as_of": "2025-12-31"}).json()
    legs = raw.legs(date(2025, 12, 31), None, overlaps=True)
    assert s["deals"] == len(legs)
    st = raw.statuses(date(2025, 12, 31))
    counted = [d for d in legs if raw.deals[d]["include_in_totals"] == "true"]
    for status, v in s["by_status"].items():
        assert v["count"] == sum(1 for d in counted if st[d] == status)


def test_exposure_for_one_company_is_its_rows(ro_client):
    whole = ro_client.get("/api/exposure", params={"as_of": "2025-12-31"}).json()
    one = ro_client.get("/api/exposure", params={"as_of": "2025-12-31", "company": "Oracle"}).json()
    assert one["companies"] == [r for r in whole["companies"] if r["company"] == "oracle"]
    assert one["companies"] and one["companies"][0]["inflow"] > 0


def test_openapi_documents_every_api_route(ro_client):
    spec = ro_client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/network", "/api/deals", "/api/cycles", "/api/circulation", "/api/promises",
                 "/api/exposure", "/api/lookthrough", "/api/stress", "/api/systemic",
                 "/api/deals/{deal_id}/history", "/api/companies"):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/deals"]["get"]["parameters"]}
    assert {"company", "kind", "status", "as_of", "min_amount"} <= params
    # the new-deal body is the data model's Deal
    schemas = spec["components"]["schemas"]
    assert set(schemas["NewDealFields"]["properties"]) >= {"payer", "payee", "kind", "amount_low", "amount_high"}
    assert ro_client.get("/docs").status_code == 200


def test_stress_and_systemic_are_the_python_api(ro_client):
    from loopledger.results import jsonable
    from loopledger.stresstest.scenario import stress, systemic

    ledger = ro_client.app.state.site.ledger
    for body, call in (
        ({"fail": ["OpenAI"], "as_of": "2026-06-30"}, dict(fail=["openai"])),
        ({"fail": ["openai"], "recovery": 0.4, "substitution": 0.3, "lag_quarters": 2, "as_of": "2026-06-30"},
         dict(fail=["openai"], recovery=0.4, substitution=0.3, lag_quarters=2)),
        ({"fail": ["Oracle"], "model": "clearing", "external_assets": "cash", "as_of": "2026-06-30"},
         dict(fail=["oracle"], model="clearing", external_assets="cash")),
        ({"fail": ["CoreWeave"], "model": "cascade", "threshold": 0.5, "as_of": "2026-06-30"},
         dict(fail=["coreweave"], model="cascade", threshold=0.5)),
    ):
        r = ro_client.post("/api/stress", json=body)
        assert r.status_code == 200, r.text
        assert r.json() == jsonable(stress(ledger, as_of="2026-06-30", **call).to_dict())
    s = ro_client.get("/api/systemic", params={"as_of": "2026-06-30", "recovery": 0.4}).json()
    assert s == jsonable(systemic(ledger, recovery=0.4, as_of="2026-06-30").to_dict())
    ranked = [row["total_loss"] for row in s["table"]]
    assert ranked == sorted(ranked, reverse=True)
