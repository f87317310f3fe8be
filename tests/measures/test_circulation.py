"""Maximum circulation (docs/methods.md section 2).

Oracle: for graphs of up to 8 nodes, every simple cycle C is enumerated with networkx and the
cycle LP ``maximise Σ_C |C|·w_C s.t. Σ_{C∋e} w_C <= F_e, w >= 0`` is solved; by the flow
decomposition theorem its optimum equals the maximum circulation (docs/methods.md 2.3). The same
cycle formulation gives independent per-company ranges over the optimal face.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from loopledger.measures.circulation import ONE_SOLUTION, UNIQUE, circulation
from loopledger.network import FlowNetwork

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def net_of(legs: list[tuple[str, str, float]]) -> FlowNetwork:
    return FlowNetwork.from_edges(pd.DataFrame(legs, columns=["source", "target", "amount"]))


@st.composite
def leg_lists(draw, max_nodes: int = 8, max_legs: int = 20, integer: bool = False):
    """Random multigraph legs on up to 8 nodes: parallel legs and self-loops allowed. Small
    integer amounts make ties, hence optimal faces with more than one point."""
    n = draw(st.integers(2, max_nodes))
    amount = (st.integers(1, 3).map(float) if integer
              else st.floats(0.01, 100.0, allow_nan=False, allow_infinity=False))
    legs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), amount),
                         min_size=1, max_size=max_legs))
    return [(f"n{a}", f"n{b}", x) for a, b, x in legs]


def pair_capacities(net: FlowNetwork) -> dict[tuple[int, int], float]:
    F = net.adjacency.tocoo()
    return {(int(i), int(j)): float(x) for i, j, x in zip(F.row, F.col, F.data)}


def cycle_lp(net: FlowNetwork, node: int | None = None, sense: int = 0, floor: float | None = None) -> float:
    """The cycle formulation, solved independently of the code under test.

    With ``node`` None: the maximum of Σ |C| w_C. Otherwise the minimum (sense=+1) or maximum
    (sense=-1) of the flow through ``node`` (Σ over cycles through it of w_C) subject to
    Σ |C| w_C >= floor."""
    cap = pair_capacities(net)
    g = nx.DiGraph()
    g.add_nodes_from(range(net.n))
    g.add_edges_from(cap)
    cycles = list(nx.simple_cycles(g))
    if not cycles:
        return 0.0
    edges = list(cap)
    index = {e: k for k, e in enumerate(edges)}
    A = np.zeros((len(edges), len(cycles)))
    for c, cyc in enumerate(cycles):
        for a, b in zip(cyc, cyc[1:] + cyc[:1]):
            A[index[(a, b)], c] = 1.0
    lengths = np.array([len(c) for c in cycles], float)
    b = np.array([cap[e] for e in edges])
    if node is None:
        res = linprog(-lengths, A_ub=A, b_ub=b, bounds=(0, None), method="highs")
        assert res.status == 0
        return float(-res.fun)
    through = np.array([1.0 if node in c else 0.0 for c in cycles])
    res = linprog(sense * through, A_ub=np.vstack([A, -lengths]), b_ub=np.r_[b, -floor],
                  bounds=(0, None), method="highs")
    assert res.status == 0
    return float(sense * res.fun)


# ------------------------------------------------------------------------------------------------
# The oracle


@SETTINGS
@given(leg_lists())
def test_total_equals_the_cycle_lp_oracle(legs):
    net = net_of(legs)
    res = circulation(net, ranges=False, decompose=False)
    expected = cycle_lp(net)
    assert res.total == pytest.approx(expected, rel=1e-7, abs=1e-7)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leg_lists(max_nodes=6, max_legs=12, integer=True))
def test_ranges_match_the_cycle_lp_oracle(legs):
    net = net_of(legs)
    res = circulation(net, ranges=True, decompose=False)
    opt = cycle_lp(net)
    floor = opt - 1e-7 * max(1.0, opt)
    comp = res.companies.set_index("node")
    for i, label in enumerate(net.nodes):
        lo = cycle_lp(net, i, +1, floor) if opt > 0 else 0.0
        hi = cycle_lp(net, i, -1, floor) if opt > 0 else 0.0
        row = comp.loc[label]
        assert row["circular_min"] == pytest.approx(lo, abs=1e-5 * max(1.0, opt))
        assert row["circular_max"] == pytest.approx(hi, abs=1e-5 * max(1.0, opt))
        assert row["circular_min"] - 1e-9 <= row["circular_flow"] <= row["circular_max"] + 1e-9
        assert row["basis"] == (UNIQUE if hi - lo <= 1e-6 * max(1.0, opt) else ONE_SOLUTION)


# ------------------------------------------------------------------------------------------------
# Properties (docs/methods.md 2.3)


@SETTINGS
@given(leg_lists(), st.floats(0.1, 50.0))
def test_bounds_scaling_and_conservation(legs, t):
    net = net_of(legs)
    res = circulation(net, ranges=False, decompose=False)
    total_f = float(net.adjacency.sum())
    assert res.flow_total == pytest.approx(total_f)
    assert -1e-9 <= res.total <= total_f * (1 + 1e-9) + 1e-9
    scaled = circulation(net_of([(a, b, x * t) for a, b, x in legs]), ranges=False, decompose=False)
    assert scaled.total == pytest.approx(t * res.total, rel=1e-7, abs=1e-7)
    # conservation: circular inflow = circular outflow at every node, within 1e-9 of ΣF
    f = res.flows
    out = f.groupby("source")["circulating"].sum()
    inn = f.groupby("target")["circulating"].sum()
    balance = out.sub(inn, fill_value=0.0)
    assert balance.abs().max() <= 1e-9 * max(total_f, 1.0)
    assert ((f["circulating"] >= -1e-12) & (f["circulating"] <= f["amount"] + 1e-12)).all()


@SETTINGS
@given(leg_lists(), st.data())
def test_monotone_in_the_amounts(legs, data):
    net = net_of(legs)
    k = data.draw(st.integers(0, len(legs) - 1))
    extra = data.draw(st.floats(0.0, 50.0))
    more = list(legs)
    a, b, x = more[k]
    more[k] = (a, b, x + extra)
    assert circulation(net_of(more), ranges=False, decompose=False).total >= \
        circulation(net, ranges=False, decompose=False).total - 1e-7


@SETTINGS
@given(leg_lists())
def test_remainder_is_acyclic(legs):
    res = circulation(net_of(legs), ranges=False, decompose=False)
    tol = 1e-9 * max(res.flow_total, 1.0)
    rest = res.flows[res.flows["remainder"] > tol]
    g = nx.DiGraph()
    g.add_edges_from(zip(rest["source"], rest["target"]))
    assert nx.is_directed_acyclic_graph(g)
    assert res.remainder_total == pytest.approx(res.flow_total - res.total)


@SETTINGS
@given(st.integers(2, 8), st.data())
def test_zero_on_a_dag(n, data):
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=20))
    legs = [(f"n{min(a, b)}", f"n{max(a, b)}", 1.0 + a) for a, b in pairs if a != b]
    if not legs:
        return
    res = circulation(net_of(legs))
    assert res.total == 0.0
    assert res.share == 0.0
    assert (res.companies["circular_max"] == 0).all()
    assert len(res.cycles) == 0


@SETTINGS
@given(leg_lists())
def test_decomposition_adds_up_to_the_circulation(legs):
    res = circulation(net_of(legs), ranges=False, decompose=True)
    tol = 1e-7 * max(res.flow_total, 1.0)
    peeled: dict[tuple, float] = {}
    for r in res.cycles.itertuples():
        nodes = list(r.cycle)
        assert len(set(nodes)) == len(nodes) == r.length  # simple cycles only
        for a, b in zip(nodes, nodes[1:] + nodes[:1]):
            peeled[(a, b)] = peeled.get((a, b), 0.0) + r.flow
        assert r.dollars == pytest.approx(r.flow * r.length)
    for row in res.flows.itertuples():
        assert peeled.get((row.source, row.target), 0.0) == pytest.approx(row.circulating, abs=tol)
    assert res.cycles["dollars"].sum() == pytest.approx(res.total, abs=tol)
    # largest bottleneck first: the first loop's flow is the widest cycle of c's support
    assert list(res.cycles["flow"]) == sorted(res.cycles["flow"], reverse=True)
    carry = {(r.source, r.target): r.circulating for r in res.flows.itertuples() if r.circulating > tol}
    g = nx.DiGraph(list(carry))
    widest = max((min(carry[(a, b)] for a, b in zip(c, c[1:] + c[:1])) for c in nx.simple_cycles(g)), default=None)
    if widest is None:
        assert len(res.cycles) == 0
    else:
        assert res.cycles["flow"].iloc[0] == pytest.approx(widest)


def test_large_networks_skip_ranges_and_decomposition_by_default(monkeypatch):
    from loopledger.measures import circulation as module

    net = net_of([("A", "B", 2), ("B", "A", 1), ("B", "C", 1), ("C", "A", 1)])
    monkeypatch.setattr(module, "RANGES_AUTO_LIMIT", 2)
    monkeypatch.setattr(module, "DECOMPOSE_AUTO_LIMIT", 3)
    res = circulation(net)
    assert not res.ranges and res.cycles is None
    assert res.companies["circular_min"].isna().all() and (res.companies["basis"] == ONE_SOLUTION).all()
    assert any("ranges skipped: 3 companies" in n for n in res.notes)
    assert any("decomposition skipped: 4 pairs" in n for n in res.notes)
    forced = circulation(net, ranges=True, decompose=True)
    assert forced.ranges and forced.cycles is not None and forced.total == res.total == pytest.approx(5.0)  # 1 on A<->B (2 hops) + 1 round A-B-C (3)


# ------------------------------------------------------------------------------------------------
# Hand examples written for docs/methods.md 2.3


def test_hand_example_a_22_of_27():
    res = circulation(net_of([("A", "B", 10), ("B", "C", 6), ("C", "A", 8), ("A", "C", 3)]))
    assert res.total == pytest.approx(22.0)
    assert res.flow_total == pytest.approx(27.0)
    assert res.share == pytest.approx(22 / 27)
    # 6 round the triangle, 2 on the A-C pair: the only optimum, so every value is unique
    comp = res.companies.set_index("node")
    assert comp.loc["A", "circular_flow"] == pytest.approx(8.0)
    assert comp.loc["B", "circular_flow"] == pytest.approx(6.0)
    assert (comp["basis"] == UNIQUE).all()
    cyc = {tuple(c): f for c, f in zip(res.cycles["cycle"], res.cycles["flow"])}
    assert cyc == {("A", "B", "C"): pytest.approx(6.0), ("A", "C"): pytest.approx(2.0)}


def test_hand_example_b_range_of_c():
    res = circulation(net_of([("A", "B", 5), ("B", "C", 5), ("C", "A", 5), ("B", "D", 5), ("D", "A", 5)]))
    assert res.total == pytest.approx(15.0)
    comp = res.companies.set_index("node")
    # C and D share the 5 that comes back to A: each can carry anything in [0, 5]
    for node in ("C", "D"):
        row = comp.loc[node]
        assert row["circular_min"] == pytest.approx(0.0, abs=1e-7)
        assert row["circular_max"] == pytest.approx(5.0)
        assert row["basis"] == ONE_SOLUTION
        assert row["round_trip_max"] == pytest.approx(1.0)
    assert comp.loc["C", "circular_flow"] + comp.loc["D", "circular_flow"] == pytest.approx(5.0)
    for node in ("A", "B"):
        assert comp.loc[node, "circular_min"] == pytest.approx(5.0)
        assert comp.loc[node, "circular_max"] == pytest.approx(5.0)
        assert comp.loc[node, "basis"] == UNIQUE


def test_self_loops_circulate_entirely():
    res = circulation(net_of([("A", "A", 4), ("A", "B", 1)]))
    assert res.total == pytest.approx(4.0)
    assert res.self_loops == pytest.approx(4.0)
    a = res.companies.set_index("node").loc["A"]
    assert a["circular_min"] == pytest.approx(4.0) and a["circular_max"] == pytest.approx(4.0)
    assert a["round_trip_share"] == pytest.approx(1.0)      # 4 of its receipts of 4
    assert a["share_of_payments"] == pytest.approx(0.8)     # 4 of its payments of 5


def test_legs_without_amount_are_left_out_and_counted():
    frame = pd.DataFrame({"source": ["A", "B", "B", "C"], "target": ["B", "A", "C", "A"],
                          "amount": [3.0, 2.0, None, 7.0]})
    net = FlowNetwork.from_edges(frame)
    res = circulation(net)
    assert res.total == pytest.approx(4.0)          # only A<->B carries known money
    assert res.flow_total == pytest.approx(12.0)
    assert res.legs_without_amount == 1
    assert res.pairs_without_amount == 1
    assert list(res.left_out["reason"]) == ["no amount"]
    assert np.isnan(res.companies.set_index("node").loc["C", "round_trip_share"])  # no known receipts


def test_companies_are_named():
    frame = pd.DataFrame({"source": ["a", "b"], "target": ["b", "a"], "amount": [1.0, 1.0]})
    net = FlowNetwork.from_frame(frame, names={"a": "Alpha Corp", "b": "Beta Inc"})
    res = circulation(net)
    assert set(res.companies["name"]) == {"Alpha Corp", "Beta Inc"}
    assert res.cycles["path"][0] == "Alpha Corp -> Beta Inc -> Alpha Corp"


def test_bundled_data_known_loops(bundled):
    """Smoke check on the bundled ledger: the loops docs/methods.md 1.5 names carry money."""
    net = bundled.network(as_of="2026-11-26")
    res = circulation(net)
    assert 0 < res.share < 1
    loops = {frozenset(c) for c in res.cycles["cycle"]}
    assert frozenset({"amazon", "anthropic"}) in loops or frozenset({"microsoft", "openai"}) in loops
    d = res.to_dict()
    assert {"total", "share", "companies"} <= set(d)
    assert res._repr_html_().startswith("<p><strong>")


# ------------------------------------------------------------------------------------------------
# CLI


def test_cli_edges_json(cli, tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target,amount\nA,B,10\nB,C,6\nC,A,8\nA,C,3\n")
    out = cli("circulation", "--edges", path, "--json")
    assert out.code == 0, out.err
    data = out.json()
    assert data["total"] == pytest.approx(22.0)
    assert data["share"] == pytest.approx(22 / 27)
    assert {c["node"] for c in data["companies"]} == {"A", "B", "C"}
    table = cli("circulation", "--edges", path)
    assert table.code == 0 and "22.00 of 27.00" in table.out


def test_cli_bad_input_is_a_clear_error(cli, tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target,amount\nA,B,ten\n")
    out = cli("circulation", "--edges", path, "--json")
    assert out.code == 1
    assert "edges.csv:2:amount" in out.err and out.out == ""
    out = cli("circulation", "--edges", path, "--as-of", "2025-01-01")
    assert out.code == 1 and "do not apply to --edges" in out.err


def test_cli_ledger(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'l.db'}"
    assert cli("init", "--db", db).code == 0
    out = cli("circulation", "--db", db, "--as-of", "2025-12-31", "--status", "funded", "--status", "definitive", "--json")
    assert out.code == 0, out.err
    data = out.json()
    assert data["params"]["statuses"] == ["funded", "definitive"]
    assert 0 <= data["share"] <= 1
    bad = cli("circulation", "--db", db, "--status", "paid")
    assert bad.code == 1 and "unknown status 'paid'" in bad.err
