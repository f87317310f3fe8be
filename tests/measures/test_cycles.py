"""Cycles (docs/methods.md section 1) checked against independent oracles: networkx's
``simple_cycles`` (Johnson 1975 / Gupta & Suzumura 2021) on random digraphs with parallel
edges and self-loops, the closed-form count C(n,k)(k-1)! of the complete digraph (docs/methods.md
1.2), hop sums recomputed in plain Python from the edge table, and the bundled data."""

from __future__ import annotations

import math
import random
from collections import Counter

import networkx as nx
import numba
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger import FlowNetwork, LedgerError
from loopledger.measures import _cycles_core as core
from loopledger.measures import cycles as cycles_mod
from loopledger.measures.cycles import count_cycles, cycles

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------------------------
# helpers (independent of the code under test)


def canonical(cycle, index):
    """Rotate a node sequence to start at its smallest node index."""
    i = min(range(len(cycle)), key=lambda j: index[cycle[j]])
    return tuple(cycle[i:]) + tuple(cycle[:i])


def nx_cycles(edges, index, length_bound):
    g = nx.DiGraph()
    g.add_nodes_from(index)
    g.add_edges_from(edges)  # parallel edges collapse: cycles are counted by node sequence
    return {canonical(c, index) for c in nx.simple_cycles(g, length_bound=length_bound)}


@st.composite
def digraphs(draw, max_nodes=9, max_edges=40):
    """Edge lists with parallel edges and self-loops, and a node order of our choosing."""
    n = draw(st.integers(1, max_nodes))
    labels = [f"n{i}" for i in range(n)]
    edges = draw(st.lists(st.tuples(st.sampled_from(labels), st.sampled_from(labels)), max_size=max_edges))
    order = draw(st.permutations(labels))
    return edges, list(order)


def network(edges, order, amounts=None):
    frame = pd.DataFrame(edges, columns=["source", "target"])
    if amounts is not None:
        frame["amount"] = amounts
    return FlowNetwork.from_frame(frame, nodes=order)


# ------------------------------------------------------------------------------------------------
# the cycle set


@FAST
@given(digraphs(), st.one_of(st.integers(1, 10), st.none()))
def test_cycle_set_equals_networkx(graph, max_len):
    edges, order = graph
    net = network(edges, order)
    index = {lab: i for i, lab in enumerate(order)}
    report = cycles(net, max_len=max_len)
    found = list(report.cycles["nodes"])
    expected = nx_cycles(edges, index, max_len)
    assert set(found) == expected
    assert len(found) == len(set(found)) == report.count
    assert all(len(set(c)) == len(c) for c in found)  # simple: no node twice
    assert report.complete and report.stopped is None
    assert sum(report.by_length.values()) == report.count
    assert Counter(len(c) for c in expected) == Counter({k: v for k, v in report.by_length.items() if v})
    # canonical rotation (smallest node index first) and order (length, then sequence)
    keys = [(len(c), [index[x] for x in c]) for c in found]
    assert all(ix[0] == min(ix) for _, ix in keys)
    assert keys == sorted(keys)
    # strongly connected components, against networkx
    g = nx.DiGraph(edges)
    assert report.scc_sizes == sorted((len(c) for c in nx.strongly_connected_components(g) if len(c) > 1),
                                      reverse=True)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_larger_random_digraphs_equal_networkx(seed):
    rng = random.Random(seed)
    n = rng.randint(20, 60)
    m = rng.randint(n, 4 * n)
    labels = [f"v{i}" for i in range(n)]
    edges = [(rng.choice(labels), rng.choice(labels)) for _ in range(m)]
    k = rng.randint(2, 6)
    index = {lab: i for i, lab in enumerate(labels)}
    report = cycles(network(edges, labels), max_len=k)
    assert set(report.cycles["nodes"]) == nx_cycles(edges, index, k)


@settings(max_examples=150, deadline=None)
@given(digraphs(max_nodes=10, max_edges=50), st.integers(2, 7))
def test_every_backward_depth_gives_the_same_counts(graph, k):
    """The pruning depth h is a speed knob only: any h in 1..k-1 must give networkx's counts."""
    edges, order = graph
    index = {lab: i for i, lab in enumerate(order)}
    mat = sp.csr_matrix((np.ones(len(edges)), ([index[a] for a, _ in edges], [index[b] for _, b in edges])),
                        shape=(len(order), len(order)))
    prep = cycles_mod._prepare(mat)
    want = Counter(len(c) for c in nx_cycles(edges, index, k))
    for h in range(1, k):
        got = core.count_all(prep.indptr, prep.indices, prep.rindptr, prep.rindices, np.int64(k), np.int64(h))
        assert {L: int(got[L]) for L in range(2, k + 1) if got[L]} == {L: v for L, v in want.items() if L >= 2}


@settings(max_examples=60, deadline=None)
@given(digraphs(max_nodes=8, max_edges=40), st.integers(1, 8))
def test_resuming_the_search_loses_nothing(graph, max_len):
    """Tiny step budgets and output buffers force the core to stop and resume many times."""
    edges, order = graph
    index = {lab: i for i, lab in enumerate(order)}
    old = cycles_mod._STEPS_PER_CALL, cycles_mod._BUFFER_ROWS
    cycles_mod._STEPS_PER_CALL, cycles_mod._BUFFER_ROWS = 3, 2
    try:
        # a time limit selects the resumable search (without limits the whole search runs at
        # once on all cores)
        report = cycles(network(edges, order), max_len=max_len, time_limit=1e9)
    finally:
        cycles_mod._STEPS_PER_CALL, cycles_mod._BUFFER_ROWS = old
    assert set(report.cycles["nodes"]) == nx_cycles(edges, index, max_len)
    assert report.count == len(report.cycles)


@st.composite
def random_digraphs(draw):
    """Larger random digraphs (numpy-drawn from a seed) with reciprocal pairs and self-loops."""
    n = draw(st.integers(2, 400))
    m = draw(st.integers(0, 6 * n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    back = rng.random(m) < 0.2  # reciprocal pairs make many 2- and 4-cycles
    return n, np.concatenate([u, v[back]]), np.concatenate([v, u[back]])


@settings(max_examples=80, deadline=None)
@given(random_digraphs(), st.integers(1, 6))
def test_parallel_count_equals_serial_count(graph, k):
    """The threaded search without limits (ranges of start nodes on every core) finds what the
    serial resumable search finds: same counts, same rows in the same order."""
    n, u, v = graph
    mat = sp.csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    prep = cycles_mod._prepare(mat)
    serial = np.zeros(k + 1, dtype=np.int64)
    if k >= 2 and len(prep.indices):
        serial = core.count_all(prep.indptr, prep.indices, prep.rindptr, prep.rindices, np.int64(k),
                                np.int64(cycles_mod._backward_depth(k)))
    serial[1] = len(prep.loops)
    labels = [f"v{i}" for i in range(n)]
    net = FlowNetwork.from_frame(pd.DataFrame({"source": np.array(labels)[u], "target": np.array(labels)[v]}),
                                 nodes=labels)
    old = cycles_mod._PARALLEL_EDGES
    cycles_mod._PARALLEL_EDGES = 0  # every search threaded, on every core numba has
    try:
        assert cycles_mod._threads_for(prep) == max(1, numba.get_num_threads())
        assert count_cycles(mat, k).tolist() == serial.tolist()
        threaded = cycles(net, max_len=k)
    finally:
        cycles_mod._PARALLEL_EDGES = old
    seen = []
    threaded_with_bar = cycles(net, max_len=k, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (n, n) and all(d <= t == n for d, t in seen)
    assert list(threaded_with_bar.cycles["nodes"]) == list(threaded.cycles["nodes"])
    resumable = cycles(net, max_len=k, time_limit=1e9)
    assert threaded.by_length == resumable.by_length
    assert list(threaded.cycles["nodes"]) == list(resumable.cycles["nodes"])


def test_parallel_count_on_a_graph_above_the_threshold():
    rng = np.random.default_rng(3)
    n, m = 20_000, 90_000
    mat = sp.csr_matrix((np.ones(m), (rng.integers(0, n, m), rng.integers(0, n, m))), shape=(n, n))
    prep = cycles_mod._prepare(mat)
    assert cycles_mod._threads_for(prep) == max(1, numba.get_num_threads())
    serial = core.count_all(prep.indptr, prep.indices, prep.rindptr, prep.rindices, np.int64(5), np.int64(2))
    serial[1] = len(prep.loops)
    assert count_cycles(mat, 5).tolist() == serial.tolist()


@FAST
@given(digraphs(max_nodes=10, max_edges=50), st.integers(1, 8))
def test_count_cycles_equals_full_enumeration(graph, max_len):
    edges, order = graph
    index = {lab: i for i, lab in enumerate(order)}
    n = len(order) + 2  # two isolated nodes as well
    mat = sp.csr_matrix((np.ones(len(edges)), ([index[a] for a, _ in edges], [index[b] for _, b in edges])),
                        shape=(n, n))
    counts = count_cycles(mat, max_len)
    assert counts.shape == (max_len + 1,) and counts[0] == 0
    report = cycles(network(edges, order), max_len=max_len)
    assert counts[1:].tolist() == [report.by_length[L] for L in range(1, max_len + 1)]
    assert counts[1:].tolist() == [sum(1 for c in nx_cycles(edges, index, max_len) if len(c) == L)
                                   for L in range(1, max_len + 1)]


@pytest.mark.parametrize("n", [1, 2, 4, 6])
def test_complete_digraph_counts_match_the_formula(n):
    """docs/methods.md 1.2: the complete digraph K_n has C(n,k)(k-1)! simple k-cycles (k >= 2),
    plus n self-loops when every node has one."""
    dense = np.ones((n, n)) - np.eye(n)
    counts = count_cycles(sp.csr_matrix(dense), n)
    assert counts.tolist() == [0, 0] + [math.comb(n, k) * math.factorial(k - 1) for k in range(2, n + 1)]
    with_loops = count_cycles(np.ones((n, n)), n)
    assert with_loops[1] == n and with_loops[2:].tolist() == counts[2:].tolist()


def test_explicit_zeros_are_no_edges():
    mat = sp.csr_matrix((np.array([1.0, 0.0]), (np.array([0, 1]), np.array([1, 0]))), shape=(2, 2))
    assert count_cycles(mat, 2).tolist() == [0, 0, 0]


# ------------------------------------------------------------------------------------------------
# the definitions (docs/methods.md 1.1 and 1.4)


def test_closed_walk_is_not_a_four_cycle():
    """A->B->A->C->A is two 2-cycles joined at A, never a 4-cycle (docs/methods.md 1.4)."""
    net = network([("A", "B"), ("B", "A"), ("A", "C"), ("C", "A")], ["A", "B", "C"])
    report = cycles(net, max_len=6)
    assert set(report.cycles["nodes"]) == {("A", "B"), ("A", "C")}
    assert report.by_length == {1: 0, 2: 2, 3: 0, 4: 0, 5: 0, 6: 0}


def test_canonical_rotation_and_reversed_cycles_are_distinct():
    # a triangle in both directions, listed from its largest node, node order z, x, y
    edges = [("y", "x"), ("x", "z"), ("z", "y"), ("x", "y"), ("y", "z"), ("z", "x")]
    report = cycles(network(edges, ["z", "x", "y"]), max_len=3)
    assert list(report.cycles["nodes"]) == [("z", "x"), ("z", "y"), ("x", "y"), ("z", "x", "y"), ("z", "y", "x")]
    assert report.cycles["length"].tolist() == [2, 2, 2, 3, 3]


def test_self_loops_are_one_cycles():
    edges = [("a", "a"), ("a", "a"), ("b", "b"), ("a", "b")]
    report = cycles(network(edges, ["a", "b"]), max_len=3)
    assert list(report.cycles["nodes"]) == [("a",), ("b",)]
    assert report.self_loops == 2 and report.by_length == {1: 2, 2: 0, 3: 0}


def test_parameters_are_checked():
    net = network([("a", "b"), ("b", "a")], ["a", "b"])
    for bad in (0, -1, 2.5, True):
        with pytest.raises(LedgerError, match="max_len"):
            cycles(net, max_len=bad)
    with pytest.raises(LedgerError, match="max_cycles"):
        cycles(net, max_cycles=-1)
    with pytest.raises(LedgerError, match="time_limit"):
        cycles(net, time_limit=0)
    with pytest.raises(LedgerError, match="FlowNetwork"):
        cycles(pd.DataFrame({"source": ["a"], "target": ["b"]}))
    with pytest.raises(LedgerError, match="square"):
        count_cycles(sp.csr_matrix((2, 3)), 3)


# ------------------------------------------------------------------------------------------------
# limits


def test_max_cycles_stops_early_and_says_so():
    n = 7
    edges = [(f"k{i}", f"k{j}") for i in range(n) for j in range(n) if i != j]
    order = [f"k{i}" for i in range(n)]
    index = {lab: i for i, lab in enumerate(order)}
    full = nx_cycles(edges, index, 4)
    capped = cycles(network(edges, order), max_len=4, max_cycles=25)
    assert capped.count == 25 == len(capped.cycles)
    assert not capped.complete and capped.stopped == "max_cycles"
    assert set(capped.cycles["nodes"]) <= full
    exact = cycles(network(edges, order), max_len=4, max_cycles=len(full))
    assert exact.complete and exact.count == len(full)
    loops = cycles(network([("a", "a"), ("b", "b"), ("a", "b"), ("b", "a")], ["a", "b"]), max_len=2, max_cycles=1)
    assert loops.count == 1 and not loops.complete


def test_time_limit_stops_a_huge_search():
    n = 60
    dense = sp.csr_matrix(np.ones((n, n)) - np.eye(n))
    net = FlowNetwork.from_frame(pd.DataFrame({"source": dense.tocoo().row, "target": dense.tocoo().col}))
    seen = []
    report = cycles(net, max_len=12, time_limit=0.2, count_only=True, progress=lambda d, t: seen.append((d, t)))
    assert not report.complete and report.stopped == "time_limit"
    assert report.seconds < 5
    assert seen and all(t == n for _, t in seen)


def test_count_only_has_counts_and_no_rows():
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("b", "a")]
    report = cycles(network(edges, ["a", "b", "c"]), max_len=3, count_only=True)
    assert report.count == 2 and report.by_length == {1: 0, 2: 1, 3: 1}
    assert len(report.cycles) == 0 and "cycles" not in report.to_dict()


def test_unbounded_lists_lengths_up_to_the_longest():
    edges = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "a")]
    report = cycles(network(edges, list("abcde")), max_len=None)
    assert report.by_length == {1: 0, 2: 0, 3: 0, 4: 0, 5: 1}


# ------------------------------------------------------------------------------------------------
# amounts (docs/methods.md 1.3)


def hop_sums(edges, amounts):
    """Expected hop amount per ordered pair: sum of known amounts, NaN when none is known,
    plus whether every leg had one."""
    known_sum, n_known, complete = {}, {}, {}
    for (a, b), x in zip(edges, amounts):
        known = not math.isnan(x)
        known_sum[(a, b)] = known_sum.get((a, b), 0.0) + (x if known else 0.0)
        n_known[(a, b)] = n_known.get((a, b), 0) + known
        complete[(a, b)] = complete.get((a, b), True) and known
    sums = {p: (known_sum[p] if n_known[p] else math.nan) for p in known_sum}
    return sums, complete


@settings(max_examples=150, deadline=None)
@given(digraphs(max_nodes=7, max_edges=30), st.data())
def test_bottleneck_is_the_smallest_hop_sum(graph, data):
    edges, order = graph
    amounts = data.draw(st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
                                 min_size=len(edges), max_size=len(edges)))
    amounts = [math.nan if a is None else a for a in amounts]
    sums, complete = hop_sums(edges, amounts)
    report = cycles(network(edges, order, amounts), max_len=5)
    hops = report.hops()
    for i, row in enumerate(report.cycles.itertuples()):
        c = row.nodes
        pairs = [(c[j], c[(j + 1) % len(c)]) for j in range(len(c))]
        values = [sums[p] for p in pairs]
        want = math.nan if any(math.isnan(v) for v in values) else min(values)
        assert (math.isnan(want) and math.isnan(row.bottleneck)) or row.bottleneck == pytest.approx(want)
        assert row.amount_complete == all(complete[p] for p in pairs)
        legs = [sum(1 for e in edges if e == p) for p in pairs]
        assert row.combinations == math.prod(legs)
        mine = hops[hops["cycle"] == i]
        assert list(zip(mine["payer"], mine["payee"])) == pairs
        assert mine["legs"].tolist() == legs


def test_hand_example_amounts_and_flags():
    # a->b: 5 and an undisclosed leg (lower bound 5); b->c: 3; c->a: undisclosed only
    edges = [("a", "b"), ("a", "b"), ("b", "c"), ("c", "a"), ("b", "a")]
    amounts = [5.0, math.nan, 3.0, math.nan, 2.0]
    report = cycles(network(edges, list("abc"), amounts), max_len=3)
    frame = report.to_frame().set_index("nodes")
    assert frame.loc[[("a", "b")], "bottleneck"].item() == 2.0
    assert not frame.loc[[("a", "b")], "amount_complete"].item()   # the a->b hop is a lower bound
    assert math.isnan(frame.loc[[("a", "b", "c")], "bottleneck"].item())
    assert frame.loc[[("a", "b")], "combinations"].item() == 2


# ------------------------------------------------------------------------------------------------
# the bundled data


def test_bundled_smoke_cycles(bundled):
    """docs/methods.md 1.5 smoke check: the default view holds OpenAI->Oracle->Nvidia->OpenAI,
    Microsoft<->OpenAI and Amazon<->Anthropic."""
    net = bundled.network()
    report = cycles(net)
    found = set(report.cycles["nodes"])
    index = {lab: i for i, lab in enumerate(net.nodes)}
    for c in [("openai", "oracle", "nvidia"), ("microsoft", "openai"), ("amazon", "anthropic")]:
        assert canonical(c, index) in found
    # every hop of every cycle is a leg of the view
    legs = set(zip(net.edges["source"], net.edges["target"]))
    for c in found:
        assert all((c[j], c[(j + 1) % len(c)]) in legs for j in range(len(c)))
    # against networkx on the same view
    assert found == nx_cycles(list(legs), index, 6)
    row = report.to_frame().set_index("nodes").loc[[canonical(("openai", "oracle", "nvidia"), index)]].iloc[0]
    assert set(row["names"]) == {"OpenAI", "Oracle", "Nvidia"}
    assert "compute_purchase" in row["kinds"] and row["first_announced"] <= row["last_announced"]
    for col in ("bottleneck", "bottleneck_low", "bottleneck_high"):
        assert col in report.cycles


def test_bundled_hops_carry_their_legs(bundled):
    net = bundled.network()
    report = cycles(net, max_len=2)
    hops = report.hops()
    e = net.edges
    for h in hops.itertuples():
        legs = e[(e["source"] == h.payer) & (e["target"] == h.payee)]
        assert sorted(h.deals) == sorted(legs["deal"])
        assert sorted(h.statuses) == sorted(legs["status"])
        cash = legs[legs["in_flow"] & legs["amount"].notna()]
        if len(cash):
            assert h.amount == pytest.approx(cash["amount"].sum())
        else:
            assert math.isnan(h.amount)


def test_report_shapes(bundled):
    import json

    report = cycles(bundled.network(), max_len=3)
    d = report.to_dict()
    json.dumps(d)  # plain JSON
    assert set(d["by_length"]) == {"1", "2", "3"} and d["count"] == len(d["cycles"])
    assert all({"nodes", "bottleneck", "hops"} <= set(c) for c in d["cycles"])
    assert "<table" in report._repr_html_()
    comps = report.components()
    assert len(comps) == bundled.network().n
    assert comps["size"].max() == report.scc_sizes[0]
    cond = report.condensation()
    assert (cond["source_scc"] != cond["target_scc"]).all()
    g = nx.condensation(bundled.network().to_networkx(multigraph=False))
    assert len(cond) == g.number_of_edges()


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 12), st.integers(0, 200), st.integers(0, 2**32 - 1))
def test_pair_sums_equal_flow_network_pairs(n, m, seed):
    """The report's numpy pair table equals FlowNetwork.pairs() (sums to rounding: the two add in
    different orders; NaN for pairs without a known cash amount; counts, completeness, labels
    and dtypes exactly)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"source": [f"a{i}" for i in rng.integers(0, n, m)],
                          "target": [f"a{i}" for i in rng.integers(0, n, m)],
                          "amount": np.where(rng.random(m) < 0.3, np.nan, rng.lognormal(0, 4, m)),
                          "in_flow": rng.random(m) < 0.8})
    net = FlowNetwork.from_frame(frame)
    if not net.m:
        return
    key = net.edges["u"].to_numpy() * net.n + net.edges["v"].to_numpy()
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    mine = pd.DataFrame(cycles_mod._pair_sums(net.legs, net.n, net.nodes, key, order, bounds))
    pd.testing.assert_frame_equal(mine, net.pairs(), check_exact=False, rtol=1e-12, atol=0)
