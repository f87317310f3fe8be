"""GEXF 1.3, GraphML and the Kumu workbook, each read back with an independent reader
(xml.etree, networkx, openpyxl) and compared with the ledger's deals and with networkx's own
cycle enumeration."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date

import networkx as nx
import pytest
from openpyxl import load_workbook

from loopledger import Ledger
from loopledger.interchange import export_format

AS_OF = "2026-06-30"
NS = {"g": "http://gexf.net/1.3"}


def _attvalues(el):
    return {a.get("for"): a.get("value") for a in el.findall("g:attvalues/g:attvalue", NS) if a.get("start") is None}


def _spells(el):
    return [(a.get("value"), a.get("start"), a.get("end"))
            for a in el.findall("g:attvalues/g:attvalue", NS) if a.get("for") == "status"]


@pytest.fixture(scope="module")
def gexf(tmp_path_factory, bundled):
    path = tmp_path_factory.mktemp("gexf") / "net.gexf"
    export_format(bundled, path, "gexf", as_of=AS_OF)
    return ET.parse(path).getroot()


def test_gexf_header_is_version_1_3_dynamic_with_dates(gexf):
    assert gexf.tag == "{http://gexf.net/1.3}gexf" and gexf.get("version") == "1.3"
    graph = gexf.find("g:graph", NS)
    assert (graph.get("defaultedgetype"), graph.get("mode"), graph.get("timeformat")) == ("directed", "dynamic", "date")
    modes = {(a.get("class"), a.get("mode")) for a in graph.findall("g:attributes", NS)}
    assert ("edge", "dynamic") in modes


def test_gexf_edges_aggregate_each_payer_payee_kind_once(gexf, bundled):
    deals = bundled.deals(as_of=AS_OF)
    deals = deals[deals["include_in_totals"].astype(bool)]
    expected = defaultdict(list)
    for r in deals.itertuples():
        expected[(r.payer, r.payee, r.kind)].append(r)
    edges = gexf.findall("g:graph/g:edges/g:edge", NS)
    triples = [(e.get("source"), e.get("target"), e.get("kind")) for e in edges]
    assert len(triples) == len(set(triples))  # GEXF 1.3: parallel edges need distinct kinds
    assert set(triples) == set(expected)
    node_ids = {n.get("id") for n in gexf.findall("g:graph/g:nodes/g:node", NS)}
    for e, triple in zip(edges, triples):
        legs = expected[triple]
        values = _attvalues(e)
        assert {e.get("source"), e.get("target")} <= node_ids
        assert values["n_deals"] == str(len(legs))
        assert set(values["deal_ids"].strip("[]").split(", ")) == {r.id for r in legs}
        amounts = [r.amount_high if r.amount_high == r.amount_high else r.amount_low for r in legs]
        known = [a for a in amounts if a == a]
        if known:
            assert float(e.get("weight")) == pytest.approx(sum(known))
        else:
            assert e.get("weight") is None
        assert values["amount_known"] == ("true" if len(known) == len(legs) else "false")
        starts = [date.fromisoformat(r.announced + "-01" * (2 - r.announced.count("-")))
                  if isinstance(r.announced, str) else r.first_date for r in legs]
        assert e.get("start") == min(starts).isoformat()
        for d in (e.get("start"), e.get("end")):
            if d is not None:
                date.fromisoformat(d)


def test_gexf_status_spells_follow_each_deals_history(gexf, bundled):
    events = bundled.events()
    events = events[(events["status"] != "amended") & (events["start"] <= date.fromisoformat(AS_OF))]
    checked = 0
    for e in gexf.findall("g:graph/g:edges/g:edge", NS):
        ids = _attvalues(e)["deal_ids"].strip("[]").split(", ")
        spells = _spells(e)
        for (_, s1, e1), (_, s2, _) in zip(spells, spells[1:]):
            assert date.fromisoformat(e1) < date.fromisoformat(s2)  # no overlap
            assert date.fromisoformat(s1) <= date.fromisoformat(e1)
        if len(ids) != 1:
            continue
        history = []
        # a spell is at least a day: of several statuses on one day (signed and closed the same
        # day), the last one holds
        mine = events[events["deal"] == ids[0]]
        by_day = list(mine.groupby("start", sort=True)["status"].last())
        for status in by_day:
            if not history or history[-1] != status:
                history.append(status)
        assert [s for s, _, _ in spells] == history
        checked += 1
    assert checked > 50


def test_gexf_per_deal_keeps_every_leg_and_cancellations_end_edges(tmp_path):
    ledger = Ledger.in_memory()
    src = dict(id="src-a", url="https://example.org/a", publisher="Ex", type="news")
    ledger.add({
        "sources": [src],
        "companies": [dict(id="a", name="A", type="ai_lab"), dict(id="b", name="B", type="neocloud")],
        "deals": [dict(id=f"d{i}", group="g", announced=f"2025-0{i}", payer="a", payee="b", kind="cloud_contract",
                       amount_low=float(i), amount_high=float(i), confidence="high", sources=["src-a"]) for i in (1, 2)],
        "events": [dict(id="d1/1", deal="d1", date="2025-01-15", status="definitive", sources=["src-a"]),
                   dict(id="d1/2", deal="d1", date="2025-06-10", status="cancelled_stalled", sources=["src-a"]),
                   dict(id="d2/1", deal="d2", date="2025-02", status="announced_loi", sources=["src-a"])],
    })
    export_format(ledger, tmp_path / "agg.gexf", "gexf", as_of="2025-12-31")
    export_format(ledger, tmp_path / "per.gexf", "gexf", as_of="2025-12-31", per_deal=True)
    (agg,) = ET.parse(tmp_path / "agg.gexf").getroot().findall("g:graph/g:edges/g:edge", NS)
    assert (agg.get("weight"), agg.get("start"), agg.get("end")) == ("3.0", "2025-01-01", None)  # d2 still open
    assert _spells(agg) == [("definitive", "2025-01-15", "2025-06-09"), ("announced_loi", "2025-06-10", None)]
    per = ET.parse(tmp_path / "per.gexf").getroot().findall("g:graph/g:edges/g:edge", NS)
    assert sorted(e.get("kind") for e in per) == ["cloud_contract:d1", "cloud_contract:d2"]
    d1 = next(e for e in per if e.get("kind") == "cloud_contract:d1")
    assert (d1.get("end"), _attvalues(d1)["announced_precision"]) == ("2025-06-10", "month")


def test_graphml_reads_back_one_edge_per_leg(tmp_path, bundled):
    path = tmp_path / "deals.graphml"
    export_format(bundled, path, "graphml", as_of=AS_OF)
    g = nx.read_graphml(path, force_multigraph=True)
    deals = bundled.deals(as_of=AS_OF).set_index("id")
    edges = {k: (u, v, d) for u, v, k, d in g.edges(keys=True, data=True)}
    assert set(edges) == set(deals.index)
    for deal_id, (u, v, d) in edges.items():
        r = deals.loc[deal_id]
        assert (u, v, d["kind"], d["status"]) == (r.payer, r.payee, r.kind, r.status)
        assert d["include_in_totals"] is bool(r.include_in_totals)
        for col in ("amount_low", "amount_high"):
            if r[col] == r[col]:
                assert d[col] == pytest.approx(r[col])
            else:
                assert col not in d  # missing is omitted, never nan or 0
    root = ET.parse(path).getroot()
    gml = "{http://graphml.graphdrawing.org/xmlns}"
    types = {k.get("attr.name"): k.get("attr.type") for k in root.iter(f"{gml}key") if k.get("for") == "edge"}
    assert (types["amount_low"], types["include_in_totals"], types["announced"], types["kind"]) == (
        "double", "boolean", "string", "string")
    assert not [x.text for x in root.iter(f"{gml}data") if x.text in ("nan", "NaN", "None")]


def test_kumu_workbook_has_the_two_sheets_and_networkx_cycles_as_loop_tags(tmp_path, bundled):
    path = tmp_path / "kumu.xlsx"
    export_format(bundled, path, "kumu", as_of=AS_OF)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Elements", "Connections"]
    elements = list(wb["Elements"].values)
    conns = list(wb["Connections"].values)
    assert list(elements[0]) == ["ID", "Label", "Type", "Description", "Tags", "Ticker", "Country",
                                 "Valuation (USD bn)", "Valuation date", "Valuation basis"]
    assert list(conns[0]) == ["ID", "From", "To", "Type", "Direction", "Label", "Amount low (USD bn)",
                              "Amount high (USD bn)", "Status", "Announced", "Confidence", "Source", "Tags"]
    ids = [r[0] for r in conns[1:]]
    assert len(ids) == len(set(ids)) and set(ids) == set(bundled.deals(as_of=AS_OF)["id"])
    element_ids = {r[0] for r in elements[1:]}
    assert all(r[1] in element_ids and r[2] in element_ids and r[4] == "directed" for r in conns[1:])
    # oracle: networkx's simple cycles of the default network view, as sets of hops
    net = bundled.network(as_of=AS_OF)
    g = nx.DiGraph(list(zip(net.edges["source"], net.edges["target"])))
    oracle = {frozenset(zip(c, c[1:] + c[:1])) for c in nx.simple_cycles(g, length_bound=6)}
    hops_of_tag = defaultdict(set)
    for r in conns[1:]:
        for tag in (r[12] or "").split("|"):
            if tag.startswith("loop:cycle-"):
                hops_of_tag[tag].add((r[1], r[2]))
    assert sorted(int(t.split("-")[-1]) for t in hops_of_tag) == list(range(1, len(oracle) + 1))
    assert {frozenset(h) for h in hops_of_tag.values()} == oracle
