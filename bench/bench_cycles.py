"""Cycle enumeration speed (issue 3, measure 1; METHODS.md 1.5), all ratios measured in this run.

1. n=20,000, m=80,000 random digraph, max_len=4: loopledger vs igraph ``Graph.simple_cycles``
   (igraph 1.0: ``simple_cycles(mode, min, max, output)``, lengths in vertices; given the same
   collapsed digraph, since it would list parallel edges as separate cycles). igraph is a speed
   comparison only: it is GPL and has an open wrong-result report (igraph #2911), so its count is
   printed, never trusted.
2. networkx ``simple_cycles(length_bound=4)`` needs more than 15 minutes on graph 1, so it runs
   on a graph of the same density with n=1,000, where its cycle set is also checked against ours
   (networkx is the oracle; igraph runs there too).
3. n=1,000,000, m=3,000,000, max_len=4: count and enumerate (no igraph: > 20 minutes), and
   end to end from a CSV file and a Parquet file (read, build the network, count; target 3 s
   on the 2-core machine), with the edge reader next to pyarrow's own ``pyarrow.csv.read_csv``
   / ``pyarrow.parquet.read_table`` on the same file.

Numba compile time is excluded from the timings (warm-up first) and printed: the first call in
a fresh process with an empty cache (cold compile), and in a second fresh process that finds
the first one's cache (cached start). Targets (issue 15): cycles(net) >= 100x igraph on graph
1; graph 3 end to end <= 3 s. Everything is seeded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261126


def _random_edges(n: int, m: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"source": rng.integers(0, n, m), "target": rng.integers(0, n, m)})


def _network(edges: pd.DataFrame, n: int):
    from loopledger.network import FlowNetwork

    return FlowNetwork.from_frame(edges, nodes=np.arange(n))


def _best(fn, repeat: int = 3):
    """Best wall time of a few runs, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _start_seconds() -> tuple[float, float, int]:
    """First calls of the compiled kernels (serial and parallel, count and enumeration) in a
    fresh process with an empty numba cache, then in a second fresh process using that cache;
    and the number of cache files written."""
    code = ("import time, numpy as np; t=time.perf_counter(); "
            "from loopledger.measures.cycles import count_cycles, cycles; "
            "from loopledger.network import FlowNetwork; import pandas as pd; "
            "count_cycles(np.ones((3, 3)), 3); r = np.random.default_rng(0); "
            "e = pd.DataFrame({'source': r.integers(0, 5000, 40000), 'target': r.integers(0, 5000, 40000)}); "
            "cycles(FlowNetwork.from_frame(e), max_len=4); "
            "print(time.perf_counter()-t)")
    times = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for _ in range(2):
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            times.append(float(out.stdout.strip().splitlines()[-1]))
        files = sum(len(f) for _, _, f in os.walk(cache))
    return times[0], times[1], files


def _cache_dir() -> str:
    """Where numba keeps the compiled search kernels for this install, and whether it can write
    there (without a writable place the kernels compile in every process, silently)."""
    from loopledger.measures import _cycles_core as core

    try:
        path = core.count_range._cache._cache_path  # numba internals: for this printout only
    except AttributeError:
        return "not cached (no writable cache directory: kernels compile in each process)"
    return f"{path} (writable: {os.access(path, os.W_OK)})"


def _igraph_cycles(structure, max_len: int):
    import igraph as ig

    s = structure.tocoo()
    g = ig.Graph(n=structure.shape[0], edges=np.column_stack([s.row, s.col]).tolist(), directed=True)
    t0 = time.perf_counter()
    found = g.simple_cycles(max=max_len)
    return time.perf_counter() - t0, len(found)


def _nx_cycles(structure, max_len: int):
    import networkx as nx

    s = structure.tocoo()
    g = nx.DiGraph()
    g.add_nodes_from(range(structure.shape[0]))
    g.add_edges_from(zip(s.row.tolist(), s.col.tolist()))
    t0 = time.perf_counter()
    found = list(nx.simple_cycles(g, length_bound=max_len))
    return time.perf_counter() - t0, found


def _canonical(c):
    i = c.index(min(c))
    return tuple(c[i:] + c[:i])


def run() -> None:
    from loopledger.measures.cycles import count_cycles, cycles

    cold, cached, files = _start_seconds()
    t0 = time.perf_counter()
    count_cycles(np.ones((3, 3)), 3)
    cycles(_network(_random_edges(5_000, 40_000, SEED), 5_000), max_len=4)
    warm = time.perf_counter() - t0
    print(f"numba: first call in a fresh process {cold:.2f} s with an empty cache (cold compile), "
          f"{cached:.2f} s with the cache the first wrote ({files} files: cached start); "
          f"first call here {warm:.2f} s; all excluded below", flush=True)
    print(f"numba cache of this install: {_cache_dir()}", flush=True)

    # 1. n=20,000, m=80,000 against igraph --------------------------------------------------------
    n, m, k = 20_000, 80_000, 4
    net = _network(_random_edges(n, m, SEED), n)
    structure = net.structure
    t_count, counts = _best(lambda: count_cycles(structure, k), repeat=20)
    t_enum, report = _best(lambda: cycles(net, max_len=k), repeat=20)
    t_full, _ = _best(lambda: cycles(_network(_random_edges(n, m, SEED), n), max_len=k), repeat=10)
    t_ig, n_ig = _igraph_cycles(structure, k)
    print(f"[1] n={n:,} m={m:,} max_len={k}: {report.count} cycles {report.by_length}", flush=True)
    print(f"    loopledger count_cycles(structure):                       {t_count * 1e3:8.1f} ms", flush=True)
    print(f"    loopledger cycles(net) (SCCs, enumeration, hop legs, bottlenecks): {t_enum * 1e3:8.1f} ms",
          flush=True)
    print(f"    the same plus building the FlowNetwork from the edge frame:  {t_full * 1e3:8.1f} ms", flush=True)
    print(f"    igraph simple_cycles(max={k}) on a built igraph.Graph:        {t_ig * 1e3:8.1f} ms, {n_ig} cycles"
          + ("" if n_ig == report.count else "  (!= ours: see igraph #2911)"), flush=True)
    print(f"    RATIO igraph / loopledger: {t_ig / t_enum:,.0f}x for cycles(net) (target >= 100x: "
          f"{'OK' if t_ig / t_enum >= 100 else 'MISSED'}); "
          f"{t_ig / t_count:,.0f}x counting; {t_ig / t_full:,.0f}x including the network build", flush=True)

    # 2. networkx (and igraph) on n=1,000, m=4,000, with the cycle-set check -------------------------
    n2, m2 = 1_000, 4_000
    small = _network(_random_edges(n2, m2, SEED + 1), n2)
    t_ours2, rep2 = _best(lambda: cycles(small, max_len=k))
    t_count2, _ = _best(lambda: count_cycles(small.structure, k))
    t_nx, nx_found = _nx_cycles(small.structure, k)
    t_ig2, n_ig2 = _igraph_cycles(small.structure, k)
    same = {tuple(c) for c in rep2.cycles["nodes"]} == {_canonical(list(c)) for c in nx_found}
    print(f"[2] n={n2:,} m={m2:,} max_len={k}: {rep2.count} cycles; cycle set equals networkx's: {same}",
          flush=True)
    print(f"    loopledger cycles(): {t_ours2 * 1e3:.1f} ms (count_cycles {t_count2 * 1e3:.2f} ms); "
          f"networkx: {t_nx:.2f} s; igraph: {t_ig2 * 1e3:.1f} ms ({n_ig2} cycles)", flush=True)
    print(f"    RATIO networkx / loopledger: {t_nx / t_ours2:,.0f}x; igraph / loopledger: "
          f"{t_ig2 / t_ours2:,.1f}x for cycles() (its fixed cost is the pandas report), "
          f"{t_ig2 / t_count2:,.0f}x counting", flush=True)
    if not same:
        raise AssertionError("the cycle set differs from networkx's")

    # 3. n=1,000,000, m=3,000,000 ----------------------------------------------------------------
    n3, m3 = 1_000_000, 3_000_000
    edges3 = _random_edges(n3, m3, SEED + 2)
    t_build, big = _best(lambda: _network(edges3, n3), repeat=1)
    t_struct, structure3 = _best(lambda: big.structure, repeat=1)
    t_count3, counts3 = _best(lambda: count_cycles(structure3, k), repeat=2)
    t_enum3, rep3 = _best(lambda: cycles(big, max_len=k), repeat=2)
    assert rep3.count == int(counts3.sum())
    print(f"[3] n={n3:,} m={m3:,} max_len={k}: {rep3.count} cycles {rep3.by_length}; "
          f"largest SCC {rep3.scc_sizes[0]:,} nodes", flush=True)
    print(f"    count_cycles: {t_count3:.2f} s; cycles() enumerate with legs and bottlenecks: {t_enum3:.2f} s "
          f"(search alone {rep3.seconds:.2f} s); building the network from a frame {t_build:.2f} s + structure "
          f"{t_struct:.2f} s", flush=True)
    _end_to_end(edges3, n3, k, counts3)


def _end_to_end(edges: pd.DataFrame, n: int, k: int, counts: np.ndarray) -> None:
    """Graph 3 from files: the edge reader against pyarrow, then read + build + count."""
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    from loopledger.measures.cycles import count_cycles
    from loopledger.network import FlowNetwork, _read_edge_file

    rng = np.random.default_rng(SEED + 3)
    frame = pd.DataFrame({"source": [f"c{x}" for x in edges["source"]], "target": [f"c{x}" for x in edges["target"]],
                          "amount": np.round(rng.lognormal(0.0, 1.0, len(edges)), 3)})
    with tempfile.TemporaryDirectory() as tmp:
        csv, parquet = Path(tmp) / "edges.csv", Path(tmp) / "edges.parquet"
        frame.to_csv(csv, index=False)
        frame.to_parquet(parquet, index=False)
        del frame
        print(f"    files: {csv.stat().st_size / 1e6:.0f} MB CSV, {parquet.stat().st_size / 1e6:.0f} MB Parquet "
              f"(labels c0..c{n - 1}, amounts)", flush=True)
        for path, theirs, name in [(csv, pa_csv.read_csv, "pyarrow.csv.read_csv"),
                                   (parquet, pq.read_table, "pyarrow.parquet.read_table")]:
            t_pa, t_read = float("inf"), float("inf")
            for _ in range(7):  # interleaved, best of 7: runs of 0.1 s vary by half on a busy machine
                t_pa = min(t_pa, _best(lambda: theirs(path), repeat=1)[0])
                t_read = min(t_read, _best(lambda: _read_edge_file(path), repeat=1)[0])
            print(f"    {path.suffix[1:]:7s} edge reader {t_read:.2f} s vs {name} {t_pa:.2f} s "
                  f"(ratio {t_read / t_pa:.2f})", flush=True)

            def end_to_end():
                t0 = time.perf_counter()
                net = FlowNetwork.from_edges(path)
                t1 = time.perf_counter()
                got = count_cycles(net.structure, k)
                return t1 - t0, time.perf_counter() - t1, got

            best = None
            for _ in range(3):
                t0 = time.perf_counter()
                t_build, t_count, got = end_to_end()
                total = time.perf_counter() - t0
                if best is None or total < best[0]:
                    best = (total, t_build, t_count, got)
            total, t_build, t_count, got = best
            same = got.tolist() == counts.tolist()
            print(f"    {path.suffix[1:]:7s} end to end {total:.2f} s = read + build {t_build:.2f} s + structure and "
                  f"count {t_count:.2f} s (target <= 3 s: {'OK' if total <= 3 else 'MISSED'}); "
                  f"counts equal the frame's: {same}", flush=True)
            if not same:
                raise AssertionError("counts from the file differ from counts from the frame")
