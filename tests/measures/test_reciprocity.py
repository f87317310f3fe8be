"""Reciprocity, null models and significance (docs/methods.md section 4).

Reciprocity is checked against networkx (``overall_reciprocity``) and brute-force sums;
the null samplers against what they claim to preserve on random graphs; cycle counts against
``networkx.simple_cycles``; the reported z, p and band against their definitions.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger.errors import LedgerError
from loopledger.measures import nulls
from loopledger.measures.reciprocity import _NullInput, reciprocity, significance
from loopledger.network import FlowNetwork

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = ["equity_investment", "cloud_contract", "compute_purchase"]


@st.composite
def leg_frames(draw, max_nodes: int = 9, max_legs: int = 40):
    """Random legs with parallel legs, self-loops, kinds and some unknown amounts."""
    n = draw(st.integers(2, max_nodes))
    legs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                   st.one_of(st.none(), st.floats(0.1, 50.0)), st.sampled_from(KINDS)),
                         min_size=1, max_size=max_legs))
    return pd.DataFrame([{"source": f"n{a}", "target": f"n{b}", "amount": x, "kind": k} for a, b, x, k in legs])


def net_of(frame: pd.DataFrame) -> FlowNetwork:
    return FlowNetwork.from_frame(frame)


def digraph(frame: pd.DataFrame, loops: bool = False) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_edges_from((a, b) for a, b in zip(frame["source"], frame["target"]) if loops or a != b)
    return g


# ------------------------------------------------------------------------------------------------
# Reciprocity (docs/methods.md 4.1)


@SETTINGS
@given(leg_frames())
def test_reciprocity_against_networkx_and_brute_force(frame):
    net = net_of(frame)
    res = reciprocity(net)
    g = digraph(frame)
    if g.number_of_edges():
        assert res.r == pytest.approx(nx.overall_reciprocity(g))
        a = g.number_of_edges() / (net.n * (net.n - 1))
        assert res.rho == pytest.approx((res.r - a) / (1 - a)) if a < 1 else np.isnan(res.rho)
    # weighted: Σ_{i≠j} min(F_ij, F_ji) / Σ_{i≠j} F_ij, summed by hand from the legs
    money: dict[tuple, float] = {}
    for s, t, x in zip(frame["source"], frame["target"], frame["amount"]):
        if s != t and x is not None and not np.isnan(x):
            money[(s, t)] = money.get((s, t), 0.0) + x
    total = sum(money.values())
    matched = sum(min(x, money.get((t, s), 0.0)) for (s, t), x in money.items())
    if total > 0:
        assert res.r_w == pytest.approx(matched / total)
    else:
        assert np.isnan(res.r_w)
    nodes = res.nodes.set_index("node")
    for v in g.nodes:
        out_l, in_l = g.out_degree(v), g.in_degree(v)
        mutual = sum(1 for w in g.successors(v) if g.has_edge(w, v))
        row = nodes.loc[v]
        assert (row["out_links"], row["in_links"], row["mutual_partners"]) == (out_l, in_l, mutual)
        assert row["reciprocity"] == pytest.approx(2 * mutual / (out_l + in_l))
        m = sum(min(x, money.get((t, s), 0.0)) for (s, t), x in money.items() if s == v)
        assert row["matched"] == pytest.approx(m)


def test_reciprocity_worked_example():
    """A->B 4, B->A 1, B->C 5: r = 2/3, r_w = (1 + 1) / 10, ā = 3/6."""
    net = FlowNetwork.from_edges(pd.DataFrame({"source": ["A", "B", "B"], "target": ["B", "A", "C"],
                                               "amount": [4.0, 1.0, 5.0]}))
    res = reciprocity(net)
    assert res.r == pytest.approx(2 / 3)
    assert res.rho == pytest.approx((2 / 3 - 0.5) / 0.5)
    assert res.r_w == pytest.approx(0.2)
    b = res.nodes.set_index("node").loc["B"]
    assert b["weighted_reciprocity"] == pytest.approx(2 * 1 / (6 + 4))


# ------------------------------------------------------------------------------------------------
# Null models (docs/methods.md 4.2)


def test_hash_set_against_a_python_set():
    """The samplers' open-addressing set (backward-shift deletion) under random churn."""
    rng = np.random.default_rng(7)
    table = np.full(64, -1, dtype=np.int64)
    ref: set[int] = set()
    for _ in range(5000):
        k = int(rng.integers(0, 40))
        if rng.random() < 0.5 and len(ref) < 30:
            nulls._insert(table, k)
            ref.add(k)
        else:
            nulls._remove(table, k)
            ref.discard(k)
        assert {int(x) for x in table if x >= 0} == ref
        assert all((nulls._find(table, q) >= 0) == (q in ref) for q in range(40))


@st.composite
def simple_digraphs(draw, max_nodes: int = 14):
    n = draw(st.integers(3, max_nodes))
    p = draw(st.floats(0.05, 0.6))
    rec = draw(st.floats(0.0, 0.8))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    A = rng.random((n, n)) < p
    A |= A.T & (rng.random((n, n)) < rec)  # add reverses to make mutual pairs
    np.fill_diagonal(A, False)
    src, dst = np.nonzero(A)
    return n, src, dst


def degree_profile(n, src, dst):
    A = np.zeros((n, n), dtype=int)
    np.add.at(A, (src, dst), 1)
    return A, A.sum(axis=1), A.sum(axis=0), (A * A.T).sum(axis=1)


@SETTINGS
@given(simple_digraphs(), st.sampled_from(["N1", "N2"]), st.integers(0, 10**6))
def test_samplers_preserve_what_they_claim(graph, null, seed):
    n, src, dst = graph
    g = nulls.LinkGraph.from_links(n, src, dst)
    A0, out0, in0, mut0 = degree_profile(n, src, dst)
    s = nulls.sample(g, null, seed, swaps_per_link=5)
    A, out, inn, mut = degree_profile(n, s.src, s.dst)
    assert A.max(initial=0) <= 1                     # no duplicate links
    assert np.trace(A) == 0                          # no self-loops
    assert (out == out0).all() and (inn == in0).all()  # in/out degree of every node
    if null == "N2":
        assert (mut == mut0).all()                   # mutual partners of every node
    assert s.accepted <= s.target and s.accepted <= s.attempts
    assert s.accepted == s.target or s.attempts == nulls.ATTEMPTS_PER_SWAP * s.target or s.attempts == 0


def test_samplers_mix_a_roomy_graph():
    """On a sparse graph with room to swap, every sample reaches 10 swaps per link and the
    samples differ from the observed graph and from each other."""
    rng = np.random.default_rng(3)
    n = 60
    A = rng.random((n, n)) < 0.05
    A |= A.T & (rng.random((n, n)) < 0.5)
    np.fill_diagonal(A, False)
    src, dst = np.nonzero(A)
    g = nulls.LinkGraph.from_links(n, src, dst)
    assert len(g.pair_a) > 5 and len(g.one_way) > 5
    seen = set()
    for null in ("N1", "N2"):
        for seed in range(3):
            s = nulls.sample(g, null, seed)
            assert s.accepted == s.target == 10 * g.links
            key = frozenset(zip(s.src.tolist(), s.dst.tolist()))
            assert key != frozenset(zip(src.tolist(), dst.tolist()))
            seen.add(key)
    assert len(seen) == 6


def test_sampler_is_reproducible():
    n, src, dst = 30, *np.nonzero(np.random.default_rng(1).random((30, 30)) < 0.1)
    keep = src != dst
    g = nulls.LinkGraph.from_links(n, src[keep], dst[keep])
    a = nulls.sample(g, "N2", np.random.SeedSequence(42).spawn(3)[2])
    b = nulls.sample(g, "N2", np.random.SeedSequence(42).spawn(3)[2])
    c = nulls.sample(g, "N2", np.random.SeedSequence(43).spawn(3)[2])
    assert (a.src == b.src).all() and (a.dst == b.dst).all() and a.attempts == b.attempts
    assert not ((a.src == c.src).all() and (a.dst == c.dst).all())


def test_a_graph_without_possible_swaps_reports_it():
    """A directed triangle: every N2 swap would create a self-loop or a duplicate."""
    g = nulls.LinkGraph.from_links(3, np.array([0, 1, 2]), np.array([1, 2, 0]))
    s = nulls.sample(g, "N2", 0)
    assert s.accepted == 0 and s.attempts == nulls.ATTEMPTS_PER_SWAP * s.target


@SETTINGS
@given(leg_frames(), st.integers(0, 10**6))
def test_n3_permutes_amounts_within_kind(frame, seed):
    model = _NullInput.from_network(net_of(frame))
    perm = model.permuted_amounts(np.random.default_rng(seed))
    for code in np.unique(model.leg_kind):
        idx = model.leg_kind == code
        a, b = model.leg_amount[idx], perm[idx]
        assert np.isnan(a).sum() == np.isnan(b).sum()
        assert sorted(a[~np.isnan(a)]) == sorted(b[~np.isnan(b)])
    # the money matrix of the observed graph is the network's own
    F = model.money(model.graph.src, model.graph.dst, model.leg_amount)
    assert abs(F - net_of(frame).adjacency).max() < 1e-9


# ------------------------------------------------------------------------------------------------
# Significance (docs/methods.md 4.3)


def triangles_net(k: int = 8) -> FlowNetwork:
    """k disjoint directed triangles plus a few one-way links: far more 3-cycles than chance."""
    legs = []
    for t in range(k):
        a, b, c = f"t{t}a", f"t{t}b", f"t{t}c"
        legs += [(a, b, 1.0), (b, c, 1.0), (c, a, 1.0)]
    legs += [(f"t{t}a", f"t{(t + 1) % k}b", 1.0) for t in range(k)]
    return FlowNetwork.from_edges(pd.DataFrame(legs, columns=["source", "target", "amount"]))


def test_significance_detects_planted_triangles():
    net = triangles_net()
    res = significance(net, stats=["cycles_3", "circular_share"], null="N2", samples=200, seed=11)
    row = res.stats.set_index("statistic").loc["cycles_3"]
    g = nx.DiGraph(list(zip(net.edges["source"], net.edges["target"])))
    assert row["observed"] == sum(1 for c in nx.simple_cycles(g, length_bound=3) if len(c) == 3)
    assert row["p"] < 0.05 and row["z"] > 2 and row["ratio"] > 1
    assert res.stats.set_index("statistic").loc["circular_share", "observed"] > 0.5


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leg_frames(max_nodes=8, max_legs=30), st.sampled_from(["N1", "N2", "N3"]))
def test_report_follows_its_definitions(frame, null):
    net = net_of(frame)
    M = 40
    res = significance(net, stats=["mutual_pairs", "cycles_3", "cycles_4", "reciprocity"],
                       null=null, samples=M, seed=5)
    g = digraph(frame, loops=True)
    counts = Counter(len(c) for c in nx.simple_cycles(g, length_bound=4))
    table = res.stats.set_index("statistic")
    assert table.loc["mutual_pairs", "observed"] == counts[2]
    assert table.loc["cycles_3", "observed"] == counts[3]
    assert table.loc["cycles_4", "observed"] == counts[4]
    for stat in table.index:
        null_values = res.null_values[stat].to_numpy()
        obs = table.loc[stat, "observed"]
        p = table.loc[stat, "p"]
        if np.isnan(obs):  # r of a network without links: undefined, not a number
            assert np.isnan(p) and stat == "reciprocity"
            continue
        assert 0 < p <= 1
        assert p == pytest.approx((1 + (null_values >= obs - 1e-9 * max(1, abs(obs))).sum()) / (M + 1))
        assert table.loc[stat, "null_mean"] == pytest.approx(null_values.mean())
        assert table.loc[stat, "band_low"] == pytest.approx(np.quantile(null_values, 0.025))
        assert table.loc[stat, "band_high"] == pytest.approx(np.quantile(null_values, 0.975))
        sd = null_values.std(ddof=1)
        if sd > 1e-12:
            assert table.loc[stat, "z"] == pytest.approx((obs - null_values.mean()) / sd)
        else:
            assert np.isnan(table.loc[stat, "z"])
    if null != "N1":  # N2 and N3 keep every mutual pair
        assert table.loc["mutual_pairs", "fixed"] and table.loc["mutual_pairs", "p"] == 1.0


def test_significance_is_seeded():
    net = triangles_net(5)
    a = significance(net, samples=30, seed=9, null="N3")
    b = significance(net, samples=30, seed=9, null="N3")
    pd.testing.assert_frame_equal(a.stats, b.stats)
    pd.testing.assert_frame_equal(a.null_values, b.null_values)
    c = significance(net, samples=30, null="N3")
    d = significance(net, samples=30, seed=c.seed, null="N3")  # the drawn seed repeats the run
    pd.testing.assert_frame_equal(c.null_values, d.null_values)


@pytest.mark.parametrize("kwargs, message", [
    ({"stats": ["triangles"]}, "unknown statistic 'triangles'"),
    ({"null": "N4"}, "unknown null model"),
    ({"samples": 0}, "samples must be"),
])
def test_bad_arguments_are_clear_errors(kwargs, message):
    with pytest.raises(LedgerError, match=message):
        significance(triangles_net(3), **kwargs)


def test_cli_significance(cli, tmp_path):
    path = tmp_path / "edges.csv"
    legs = triangles_net(4).edges
    legs[["source", "target", "amount"]].to_csv(path, index=False)
    out = cli("significance", "--edges", path, "--samples", "25", "--seed", "3", "--json")
    assert out.code == 0, out.err
    data = out.json()
    assert data["samples"] == 25 and data["seed"] == 3 and data["null"] == "N2"
    stats = {s["statistic"]: s for s in data["stats"]}
    assert set(stats) == {"mutual_pairs", "cycles_3", "cycles_4", "weighted_reciprocity", "circular_share"}
    assert all(s["p"] > 0 for s in stats.values())
    again = cli("significance", "--edges", path, "--samples", "25", "--seed", "3", "--json")
    assert again.json()["stats"] == data["stats"]
    bad = cli("significance", "--edges", path, "--stat", "cycles_x")
    assert bad.code == 1 and "unknown statistic" in bad.err
    table = cli("significance", "--edges", path, "--samples", "20", "--seed", "1", "--stat", "cycles_3")
    assert table.code == 0 and "cycles_3" in table.out


def test_cli_reciprocity(cli, tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target,amount\nA,B,4\nB,A,1\nB,C,5\n")
    out = cli("reciprocity", "--edges", path, "--json")
    assert out.code == 0, out.err
    data = out.json()
    assert data["r"] == pytest.approx(2 / 3) and data["r_w"] == pytest.approx(0.2)
    text = cli("reciprocity", "--edges", path)
    assert text.code == 0 and "2 of 3 links go both ways" in text.out
