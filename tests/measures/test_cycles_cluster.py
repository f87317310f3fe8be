"""Cycle search on a real Dask LocalCluster on 127.0.0.1 (docs/cluster.md): the report equals
the one in process (same counts by length, the same cycles in the same order, the same SCCs
and amounts) on random digraphs, and the cycle set equals networkx's ``simple_cycles`` (an
independent implementation of Johnson 1975 / Gupta & Suzumura 2021) on small ones."""

from __future__ import annotations

import json
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger import FlowNetwork, LedgerError
from loopledger.measures.cycles import count_cycles, cycles

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.dask

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])


def _local(n_workers: int):
    # threads of this process (processes=False) keep the tests fast on 2 cores; the tasks and
    # the graph still travel over TCP, serialised, as to any cluster
    return distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=False, host="127.0.0.1",
                                    protocol="tcp", dashboard_address="127.0.0.1:0")


@pytest.fixture(scope="module")
def address():
    with _local(2) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def one_worker():
    """One worker alone on this host: its task may use every core (the threaded search)."""
    with _local(1) as local:
        yield local.scheduler_address


@st.composite
def random_graphs(draw, max_nodes=60, edges_per_node=5):
    """(n, m, seed) of a random digraph; :func:`graph` builds it (in the test body: Dask's
    threads use the random module meanwhile, which hypothesis forbids inside a strategy)."""
    n = draw(st.integers(1, max_nodes))
    return n, draw(st.integers(0, edges_per_node * n)), draw(st.integers(0, 2**32 - 1))


def graph(spec) -> FlowNetwork:
    """Edge lists with parallel edges and self-loops, labels in a random order."""
    n, m, seed = spec
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"source": rng.integers(0, n, m), "target": rng.integers(0, n, m),
                          "amount": np.round(rng.uniform(0, 10, m), 2)})
    frame.loc[rng.random(m) < 0.1, "amount"] = np.nan  # undisclosed legs still close cycles
    return FlowNetwork.from_frame(frame, nodes=rng.permutation(n))


def same_report(a, b) -> None:
    assert b.count == a.count and b.by_length == a.by_length
    assert b.scc_sizes == a.scc_sizes and b.self_loops == a.self_loops
    assert b.complete and a.complete
    pd.testing.assert_frame_equal(b.cycles, a.cycles)
    pd.testing.assert_frame_equal(b.hops(), a.hops())
    da, db = a.to_dict(), b.to_dict()
    da.pop("seconds"), db.pop("seconds")
    assert json.dumps(da, sort_keys=True, default=str) == json.dumps(db, sort_keys=True, default=str)


@FEW
@given(random_graphs(), st.integers(1, 8), st.booleans())
def test_the_report_on_the_cluster_is_the_report_in_process(address, net, max_len, count_only):
    net = graph(net)
    here = cycles(net, max_len=max_len, count_only=count_only)
    there = cycles(net, max_len=max_len, count_only=count_only, scheduler=address)
    same_report(here, there)


@FEW
@given(random_graphs(max_nodes=9, edges_per_node=4))
def test_no_length_bound_on_the_cluster(address, net):
    net = graph(net)
    # without a bound the count explodes with size (more than (n-1)! on a complete digraph):
    # small graphs only, the search restricted to the strongly connected components
    same_report(cycles(net, max_len=None), cycles(net, max_len=None, scheduler=address))


@FEW
@given(random_graphs(max_nodes=40), st.integers(1, 8))
def test_count_cycles_on_the_cluster(address, net, k):
    net = graph(net)
    assert count_cycles(net.structure, k, scheduler=address).tolist() == count_cycles(net.structure, k).tolist()


def _canonical(c, index):
    i = min(range(len(c)), key=lambda j: index[c[j]])
    return tuple(c[i:] + c[:i])


@FEW
@given(random_graphs(max_nodes=25), st.integers(1, 6))
def test_the_cycle_set_equals_networkx(address, net, k):
    net = graph(net)
    g = nx.DiGraph()
    g.add_nodes_from(net.nodes.tolist())
    g.add_edges_from(zip(net.edges["source"].tolist(), net.edges["target"].tolist()))
    index = {lab: i for i, lab in enumerate(net.nodes.tolist())}
    expected = {_canonical(c, index) for c in nx.simple_cycles(g, length_bound=k)}
    report = cycles(net, max_len=k, scheduler=address)
    found = [tuple(c) for c in report.cycles["nodes"]]
    assert set(found) == expected and len(found) == len(expected) == report.count


def test_a_graph_large_enough_for_the_threaded_search_on_a_worker(one_worker):
    rng = np.random.default_rng(7)
    n, m = 8_000, 40_000  # above the threshold (20,000 edges) for all cores in one process
    net = FlowNetwork.from_frame(pd.DataFrame({"source": rng.integers(0, n, m), "target": rng.integers(0, n, m)}),
                                 nodes=np.arange(n))
    seen = []
    there = cycles(net, max_len=5, scheduler=one_worker, progress=lambda done, total: seen.append((done, total)))
    same_report(cycles(net, max_len=5), there)
    assert there.count > 100  # a search with something to find
    assert seen[-1] == (n, n) and all(a <= b for (a, _), (b, _) in zip(seen, seen[1:]))


def test_a_ledger_view_with_its_legs_and_dates(address, bundled):
    net = bundled.network(as_of="2026-06-30")
    same_report(cycles(net, max_len=6), cycles(net, max_len=6, scheduler=address))


def test_workers_started_here_in_processes():
    rng = np.random.default_rng(3)
    n, m = 2_000, 8_000
    net = FlowNetwork.from_frame(pd.DataFrame({"source": rng.integers(0, n, m), "target": rng.integers(0, n, m)}),
                                 nodes=np.arange(n))
    same_report(cycles(net, max_len=5), cycles(net, max_len=5, workers=2))


def test_limits_and_bad_options_are_clear_errors(address):
    net = FlowNetwork.from_frame(pd.DataFrame({"source": ["a", "b"], "target": ["b", "a"]}))
    with pytest.raises(LedgerError, match="on a cluster .* give neither"):
        cycles(net, max_len=3, max_cycles=5, scheduler=address)
    with pytest.raises(LedgerError, match="on a cluster .* give neither"):
        cycles(net, max_len=3, time_limit=1.0, workers=2)
    with pytest.raises(LedgerError, match="not both"):
        cycles(net, workers=2, scheduler=address)
    with pytest.raises(LedgerError, match="workers must be >= 1"):
        count_cycles(net.structure, 3, workers=0)


def test_the_command_line_on_the_cluster(address, tmp_path, monkeypatch, capsys):
    from loopledger.cli import run

    rng = np.random.default_rng(11)
    path = tmp_path / "edges.csv"
    pd.DataFrame({"source": [f"c{x}" for x in rng.integers(0, 300, 1500)],
                  "target": [f"c{x}" for x in rng.integers(0, 300, 1500)],
                  "amount": rng.uniform(0, 5, 1500)}).to_csv(path, index=False)

    def cli(*args):
        monkeypatch.setattr(sys, "argv", ["loopledger", "cycles", "--edges", str(path), "--max-len", "4",
                                          "--json", *args])
        code = run()
        out = capsys.readouterr()
        assert code == 0, out.err
        d = json.loads(out.out)
        d.pop("seconds")
        return d

    here, there = cli(), cli("--scheduler", address)
    assert there == here and here["count"] > 0
    monkeypatch.setattr(sys, "argv", ["loopledger", "cycles", "--edges", str(path), "--workers", "0"])
    assert run() == 1
    assert "workers must be >= 1" in capsys.readouterr().err
