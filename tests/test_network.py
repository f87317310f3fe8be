"""The network view: the view rules of docs/methods.md 0.2 checked on small ledgers built in code,
and edge lists from files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from loopledger import Ledger, LedgerError, ValidationError
from loopledger.network import FlowNetwork


def _ledger(deals, statuses=None, companies=("a", "b", "c")):
    led = Ledger.in_memory()
    src = dict(id="src-1", url="https://example.org/1", publisher="X", date="2025-01-01", type="news")
    comps = [dict(id=c, name=c.upper(), type="other") for c in companies]
    rows, events = [], []
    for i, d in enumerate(deals):
        row = {**dict(id=f"d{i}", group="g", announced="2025-01-01", kind="cloud_contract", confidence="low",
                      sources=["src-1"]), **d}
        rows.append(row)
        st = (statuses or {}).get(row["id"], "definitive")
        events.append(dict(id=f"d{i}/1", deal=row["id"], date="2025-01-01", status=st, sources=["src-1"]))
    led.add({"sources": [src], "companies": comps, "deals": rows, "events": events})
    return led


def test_money_matrix_sums_cash_legs_and_keeps_unknown_out():
    led = _ledger([
        dict(payer="a", payee="b", amount_low=1, amount_high=2),
        dict(payer="a", payee="b", amount_low=3, amount_high=3),
        dict(payer="b", payee="c"),  # undisclosed: structure only
        dict(payer="c", payee="a", kind="warrant_or_equity_grant", amount_low=5, amount_high=5),  # no cash
    ])
    net = led.network(as_of="2025-06-30")
    F = net.adjacency.toarray()
    i = {k: net.index_of(k) for k in "abc"}
    assert F[i["a"], i["b"]] == 5 and F.sum() == 5
    S = net.structure.toarray()
    assert S[i["b"], i["c"]] == 1 and S[i["c"], i["a"]] == 1
    unknown = net.edges[net.edges.deal == "d2"]
    assert unknown.amount.isna().all()  # NaN, never 0
    pairs = net.pairs().set_index(["source", "target"])
    assert np.isnan(pairs.loc[("b", "c"), "amount"]) and not pairs.loc[("b", "c"), "complete"]


@pytest.mark.parametrize("basis, want", [("low", 1 + 3), ("high", 2 + 3), ("mid", 1.5 + 3)])
def test_amount_basis(basis, want):
    led = _ledger([dict(payer="a", payee="b", amount_low=1, amount_high=2),
                   dict(payer="a", payee="b", amount_high=3)])  # "up to 3": low unknown
    net = led.network(as_of="2025-06-30", amount=basis)
    if basis == "low":
        want = 1  # the up-to leg has no low: unknown on that basis
    assert net.adjacency.sum() == pytest.approx(want)


def test_more_than_legs_make_the_hop_high_open():
    led = _ledger([dict(payer="a", payee="b", amount_low=10), dict(payer="a", payee="b", amount_low=1, amount_high=2)])
    p = led.network(as_of="2025-06-30").pairs().iloc[0]
    assert p.amount_low == 11 and p.amount_high == 12 and p.high_open == 1


def test_statuses_overlaps_and_as_of():
    led = _ledger([dict(payer="a", payee="b", amount_high=1), dict(payer="b", payee="a", amount_high=1),
                   dict(payer="a", payee="c", amount_high=1, include_in_totals=False)],
                  statuses={"d1": "announced_loi"})
    assert set(led.network(as_of="2025-06-30").edges.deal) == {"d0"}
    assert set(led.network(as_of="2025-06-30", statuses=None).edges.deal) == {"d0", "d1"}
    assert set(led.network(as_of="2025-06-30", include_overlaps=True).edges.deal) == {"d0", "d2"}
    assert led.network(as_of="2024-12-31").m == 0


def test_roll_up_makes_intra_group_flows_self_loops():
    led = Ledger.in_memory()
    src = dict(id="src-1", url="https://example.org/1", publisher="X", date="2025-01-01", type="news")
    comps = [dict(id="parent", name="P", type="other"), dict(id="sub", name="S", type="other", parent="parent", parent_since="2025-03"),
             dict(id="x", name="X", type="other")]
    deals = [dict(id="d0", group="g", announced="2025-01-01", payer="parent", payee="sub", kind="equity_investment",
                  amount_high=4, confidence="low", sources=["src-1"]),
             dict(id="d1", group="g", announced="2025-01-01", payer="sub", payee="x", kind="cloud_contract",
                  amount_high=2, confidence="low", sources=["src-1"])]
    events = [dict(id=f"{d['id']}/1", deal=d["id"], date="2025-01-01", status="funded", sources=["src-1"]) for d in deals]
    led.add({"sources": [src], "companies": comps, "deals": deals, "events": events})
    before = led.network(as_of="2025-02-28", roll_up=True)  # not yet a subsidiary
    assert set(before.nodes) == {"parent", "sub", "x"}
    after = led.network(as_of="2025-06-30", roll_up=True)
    assert set(after.nodes) == {"parent", "x"}
    loops = after.edges[after.edges.u == after.edges.v]
    assert list(loops.deal) == ["d0"]


def test_from_edges_reads_csv_and_parquet(tmp_path):
    frame = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "a"], "amount": [1.0, None, 3.0]})
    frame.to_parquet(tmp_path / "e.parquet")
    (tmp_path / "e.csv").write_text("source,target,amount\na,b,1\nb,c,\nc,a,3\n")
    for f in ("e.csv", "e.parquet"):
        net = FlowNetwork.from_edges(tmp_path / f)
        assert net.n == 3 and net.m == 3 and net.adjacency.sum() == 4
        assert net.edges.amount.isna().sum() == 1


def test_from_edges_reports_bad_rows(tmp_path):
    (tmp_path / "e.csv").write_text("source,target,amount\na,b,1\nb,c,-2\nc,a,lots\n")
    with pytest.raises(ValidationError) as err:
        FlowNetwork.from_edges(tmp_path / "e.csv")
    got = {(p.row, p.column) for p in err.value.problems}
    assert got == {(3, "amount"), (4, "amount")}
    (tmp_path / "f.csv").write_text("from,to\na,b\n")
    with pytest.raises(ValidationError, match="required column 'source'"):
        FlowNetwork.from_edges(tmp_path / "f.csv")


def test_from_edges_reads_a_folder_of_parquet_parts_in_part_order(tmp_path):
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"source": [f"c{x}" for x in rng.integers(0, 40, 300)],
                          "target": [f"c{x}" for x in rng.integers(0, 40, 300)],
                          "amount": rng.uniform(0, 9, 300)})
    folder = tmp_path / "edges"
    folder.mkdir()
    cuts = [0, 10, 25, 80, 150, 200, 230, 260, 280, 290, 295, 300]  # 11 parts: part.10 after part.9
    for i, (a, b) in enumerate(zip(cuts[:-1], cuts[1:])):
        frame.iloc[a:b].to_parquet(folder / f"part.{i}.parquet", index=False)
    (folder / "_SUCCESS").write_text("")  # what Spark leaves beside its parts: not a part
    net = FlowNetwork.from_edges(folder)
    whole = FlowNetwork.from_edges(frame)
    assert net.nodes.tolist() == whole.nodes.tolist()  # first appearance, parts in number order
    assert net.edges[["source", "target"]].equals(whole.edges[["source", "target"]])
    assert np.array_equal(net.edges["amount"].to_numpy(), whole.edges["amount"].to_numpy())
    assert (net.structure != whole.structure).nnz == 0


def test_a_folder_of_parts_reports_the_part_and_its_row(tmp_path):
    folder = tmp_path / "edges"
    folder.mkdir()
    pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "amount": [1.0, 2.0]}).to_parquet(folder / "part.0.parquet")
    pd.DataFrame({"source": ["c", "d"], "target": ["a", "a"], "amount": [3.0, -4.0]}).to_parquet(folder / "part.1.parquet")
    with pytest.raises(ValidationError) as err:
        FlowNetwork.from_edges(folder)
    assert [(p.path, p.row, p.column) for p in err.value.problems] == [(str(folder / "part.1.parquet"), 3, "amount")]
    pd.DataFrame({"source": [1], "target": [2.5]}).to_parquet(folder / "part.2.parquet")
    with pytest.raises(ValidationError, match="do not share one schema"):
        FlowNetwork.from_edges(folder)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(LedgerError, match="must hold Parquet parts"):
        FlowNetwork.from_edges(empty)
