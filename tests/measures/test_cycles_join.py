"""The numpy join for short bounds (loopledger.measures._cycles_numpy, docs/methods.md 1.2) against
independent oracles: networkx's ``simple_cycles`` and a brute-force enumeration of node sequences;
the report it gives against the compiled search's (same cycles in the same order, same
bottlenecks, hops, SCC sizes and JSON); its SCC sizes against networkx; the lean edge reader
against the pandas route; and a fresh ``loopledger cycles --edges`` process that never loads
pandas, scipy or numba."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger import FlowNetwork
from loopledger.measures import _cycles_numpy as join
from loopledger.measures import cycles as cycles_mod
from loopledger.measures.cycles import cycles

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def digraphs(draw, max_nodes=9, max_edges=40):
    """Edge lists with parallel edges and self-loops, amounts (some unknown), a node order."""
    n = draw(st.integers(1, max_nodes))
    labels = [f"n{i}" for i in range(n)]
    edges = draw(st.lists(st.tuples(st.sampled_from(labels), st.sampled_from(labels)), max_size=max_edges))
    amounts = draw(st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
                            min_size=len(edges), max_size=len(edges)))
    order = draw(st.permutations(labels))
    return edges, [math.nan if a is None else a for a in amounts], list(order)


def network(edges, amounts, order):
    frame = pd.DataFrame(edges, columns=["source", "target"]).assign(amount=amounts)
    return FlowNetwork.from_frame(frame, nodes=order)


def csr(net):
    indptr, indices = net.structure_arrays
    return (indptr, indices) + cycles_mod._reversed(indptr, indices)


def brute_force(edges, index, k):
    """Every node sequence of 2..k distinct nodes starting at its smallest, closed by edges."""
    pairs = {(index[a], index[b]) for a, b in edges}
    nodes = sorted({index[x] for e in edges for x in e})
    found = set()
    for L in range(2, k + 1):
        for seq in itertools.permutations(nodes, L):
            if seq[0] == min(seq) and all((seq[j], seq[(j + 1) % L]) in pairs for j in range(L)):
                found.add(seq)
    return found


def forced(monkeypatch, use_join: bool):
    monkeypatch.setattr(cycles_mod, "_join_is_cheaper", lambda net, k: use_join)


@FAST
@given(digraphs(), st.integers(1, 6))
def test_join_rows_equal_networkx_and_brute_force(graph, k):
    """The kernel itself, for bounds past the ones the rule gives it too."""
    edges, amounts, order = graph
    net = network(edges, amounts, order)
    index = {lab: i for i, lab in enumerate(order)}
    rows = join.cycles(*csr(net), k)
    found = [tuple(int(x) for x in r if x >= 0) for r in rows]
    assert len(found) == len(set(found))
    assert all(c[0] == min(c) and len(set(c)) == len(c) for c in found)
    want = {tuple(index[x] for x in c) for c in nx.simple_cycles(nx.DiGraph(edges), length_bound=k) if len(c) >= 2}
    want = {c[c.index(min(c)):] + c[:c.index(min(c))] for c in want}
    assert set(found) == want
    if k <= 4 and len(order) <= 7:
        assert set(found) == brute_force(edges, index, k)


@FAST
@given(digraphs(), st.integers(1, 4), st.booleans())
def test_join_report_equals_compiled_report(graph, k, count_only):
    """Both searches give the same report: cycles in the same order, bottlenecks, flags, hops,
    counts, SCC sizes and the same JSON."""
    edges, amounts, order = graph
    net = network(edges, amounts, order)
    with pytest.MonkeyPatch.context() as m:
        forced(m, True)
        mine = cycles(net, max_len=k, count_only=count_only)
    with pytest.MonkeyPatch.context() as m:
        forced(m, False)
        theirs = cycles(net, max_len=k, count_only=count_only)
    assert mine.by_length == theirs.by_length and mine.count == theirs.count
    assert mine.scc_sizes == theirs.scc_sizes and mine.self_loops == theirs.self_loops
    pd.testing.assert_frame_equal(mine.cycles, theirs.cycles)
    pd.testing.assert_frame_equal(mine.hops(), theirs.hops())
    a, b = mine.to_dict(), theirs.to_dict()
    a.pop("seconds"), b.pop("seconds")
    assert json.dumps(a) == json.dumps(b)
    pd.testing.assert_frame_equal(mine.components(), theirs.components())


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4))
def test_join_on_larger_random_digraphs_equals_the_compiled_search(seed, k):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 400))
    m = int(rng.integers(n, 6 * n))
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    back = rng.random(m) < 0.2  # reciprocal pairs make many 2- and 4-cycles
    frame = pd.DataFrame({"source": np.concatenate([u, v[back]]).astype(str),
                          "target": np.concatenate([v, u[back]]).astype(str)})
    net = FlowNetwork.from_frame(frame)
    with pytest.MonkeyPatch.context() as mp:
        forced(mp, True)
        mine = cycles(net, max_len=k)
    with pytest.MonkeyPatch.context() as mp:
        forced(mp, False)
        theirs = cycles(net, max_len=k)
    assert list(mine.cycles["nodes"]) == list(theirs.cycles["nodes"])
    assert mine.scc_sizes == theirs.scc_sizes


@FAST
@given(digraphs(max_nodes=12, max_edges=60))
def test_component_sizes_equal_networkx(graph):
    edges, amounts, order = graph
    net = network(edges, amounts, order)
    sizes = join.component_sizes(*csr(net))
    g = nx.DiGraph()
    g.add_nodes_from(order)
    g.add_edges_from(edges)
    want = sorted((len(c) for c in nx.strongly_connected_components(g) if len(c) > 1), reverse=True)
    assert sizes is not None and sizes.tolist() == want


def test_component_sizes_give_up_and_tarjan_takes_over(monkeypatch):
    """A chain of 2-cycles needs one forward-backward round per component: past the limit the
    numpy search says so and the report's sizes come from the compiled Tarjan."""
    n = 40
    edges = [(f"c{i}", f"c{i + 1}") for i in range(n - 1)] + [(f"c{i + 1}", f"c{i}") for i in range(0, n - 1, 2)]
    net = network(edges, [1.0] * len(edges), [f"c{i}" for i in range(n)])
    monkeypatch.setattr(join, "MAX_ROUNDS", 3)
    assert join.component_sizes(*csr(net)) is None
    forced(monkeypatch, True)
    report = cycles(net, max_len=4)
    assert report.scc_sizes == [2] * (n // 2)


def test_the_rule(monkeypatch):
    """Short bounds, the compiled core not loaded, few paths: the join; else the compiled search."""
    net = network([("a", "b"), ("b", "a")], [1.0, 2.0], ["a", "b"])
    monkeypatch.delitem(sys.modules, cycles_mod._CORE, raising=False)
    assert cycles_mod._join_is_cheaper(net, 4)
    assert not cycles_mod._join_is_cheaper(net, 5)
    monkeypatch.setattr(cycles_mod, "_JOIN_MAX_PATHS", 0)
    assert not cycles_mod._join_is_cheaper(net, 4)
    monkeypatch.setattr(cycles_mod, "_JOIN_MAX_PATHS", 2_000_000)
    monkeypatch.setitem(sys.modules, cycles_mod._CORE, object())
    assert not cycles_mod._join_is_cheaper(net, 4)


# ------------------------------------------------------------------------------------------------
# the lean edge reader


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c ", "d,e", "ü", "7"]),
                          st.sampled_from(["a", "b", "c ", "\"d,e\"", "ü", "7", " ", ""]),
                          st.sampled_from(["", "1", "2.5", "-1", "x", "0"])), min_size=1, max_size=12),
       st.booleans())
def test_lean_reader_equals_the_pandas_route(tmp_path_factory, rows, with_amount):
    """Whatever the file holds, the lean reader gives the network the pandas route gives, or
    leaves it to that route (which reports the problems)."""
    from loopledger.network import _read_edge_file

    path = tmp_path_factory.mktemp("edges") / "e.csv"
    header = "source,target,amount" if with_amount else "source,target"
    body = [",".join(r if with_amount else r[:2]) for r in rows]
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    try:
        want = FlowNetwork._from_edge_frame(_read_edge_file(path), str(path), [], "source", "target", "amount")
    except Exception as e:  # the route reports a problem: so must from_edges
        with pytest.raises(type(e)):
            FlowNetwork.from_edges(path)
        return
    got = FlowNetwork.from_edges(path)
    assert got.nodes.tolist() == want.nodes.tolist() and got.params == want.params
    pd.testing.assert_frame_equal(got.edges, want.edges)
    assert got.m == want.m and (got.structure != want.structure).nnz == 0


def test_a_cycles_process_loads_neither_pandas_nor_scipy_nor_numba(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target,amount\na,b,5\nb,a,2\nb,c,\nc,a,4\nc,c,1\n")
    code = ("import sys; from loopledger.cli import run; "
            f"sys.argv = ['loopledger', 'cycles', '--edges', {str(path)!r}, '--max-len', '4'] + sys.argv[1:]; "
            "code = run(); "
            "print(sorted(m for m in ('pandas', 'scipy', 'numba') if m in sys.modules), file=sys.stderr); "
            "sys.exit(code)")
    for extra in ([], ["--json"], ["--count-only"]):
        out = subprocess.run([sys.executable, "-c", code, *extra], capture_output=True, text=True, check=True)
        assert out.stderr.strip().splitlines()[-1] == "[]", out.stderr
        assert "simple cycles" in out.stdout or '"count": 3' in out.stdout
    assert Counter(json.loads(subprocess.run([sys.executable, "-c", code, "--json"], capture_output=True, text=True,
                                             check=True).stdout)["by_length"]) == {"1": 1, "2": 1, "3": 1, "4": 0}
