"""Beyond one machine (issue 15, target 6): cycle counting and the "too big to fail" table on a
Dask cluster of 2 worker processes on 127.0.0.1, each against the same computation in process
in the same run (the reference), with the ratio and the check that the results are equal.

1. A random digraph of 10,000,000 edges on 2,500,000 nodes (seeded), written once as 10
   Parquet parts in a temporary folder, read with ``FlowNetwork.from_edges(folder)`` and
   counted up to length 4: ``count_cycles(structure, 4)`` in process (both cores, the threaded
   search) and ``count_cycles(structure, 4, scheduler=...)`` on the cluster (the search
   arrays scattered to both workers, ranges of start nodes searched there). The cluster's
   start, its first call (workers import loopledger and load the compiled kernels) and its
   warm calls are printed apart.
2. ``systemic`` on the bundled data: in process vs on the same 2 workers, with the same batches
   (the table is then identical to the last bit), and the default single batch in process.

On this 2-core machine both workers share the cores the process already uses, so a cluster
cannot be faster than the threaded search here: what is measured is its overhead (start,
transfer, scheduling) and that the results are equal. The gain comes with workers on other
machines (docs/cluster.md).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

SEED = 20261207
N_NODES, N_EDGES, PARTS, MAX_LEN = 2_500_000, 10_000_000, 10, 4


def _write_parts(folder: Path) -> float:
    """The seeded random edge list as PARTS Parquet files (labels as text, amounts)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    rng = np.random.default_rng(SEED)
    per = N_EDGES // PARTS
    for i in range(PARTS):
        src, dst = rng.integers(0, N_NODES, per), rng.integers(0, N_NODES, per)
        table = pa.table({"source": pa.array(src).cast(pa.string()), "target": pa.array(dst).cast(pa.string()),
                          "amount": np.round(rng.lognormal(0.0, 1.0, per), 3)})
        pq.write_table(table, folder / f"part.{i}.parquet")
    return time.perf_counter() - t0


def _best(fn, repeat: int):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def run() -> None:
    import distributed
    import pandas as pd

    from loopledger import load_default
    from loopledger.measures.cycles import count_cycles
    from loopledger.network import FlowNetwork
    from loopledger.stresstest.scenario import systemic

    count_cycles(np.ones((3, 3)), 3)  # compiled kernels loaded here before any timing
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "edges"
        folder.mkdir()
        t_write = _write_parts(folder)
        size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
        print(f"[1] {N_EDGES:,} edges on {N_NODES:,} nodes, {PARTS} Parquet parts ({size:.0f} MB) written in "
              f"{t_write:.1f} s", flush=True)
        t0 = time.perf_counter()
        net = FlowNetwork.from_edges(folder)
        t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    structure = net.structure
    t_struct = time.perf_counter() - t0
    print(f"    FlowNetwork.from_edges(folder) {t_read:.2f} s ({net.n:,} nodes, {net.m:,} legs); "
          f"structure {t_struct:.2f} s", flush=True)
    del net

    t_here, here = _best(lambda: count_cycles(structure, MAX_LEN), repeat=2)
    print(f"    in process (reference): count_cycles(max_len={MAX_LEN}) {t_here:.2f} s: {here[1:].tolist()}",
          flush=True)

    t0 = time.perf_counter()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  protocol="tcp", dashboard_address="127.0.0.1:0") as cluster:
        t_start = time.perf_counter() - t0
        address = cluster.scheduler_address
        t0 = time.perf_counter()
        first = count_cycles(structure, MAX_LEN, scheduler=address)
        t_first = time.perf_counter() - t0
        t_warm, there = _best(lambda: count_cycles(structure, MAX_LEN, scheduler=address), repeat=2)
        same = there.tolist() == here.tolist() and first.tolist() == here.tolist()
        print(f"    2-worker LocalCluster (processes, 127.0.0.1): start {t_start:.2f} s; first call {t_first:.2f} s "
              f"(workers import loopledger); warm call {t_warm:.2f} s (connect, scatter the graph, count)", flush=True)
        print(f"    RATIO in process / cluster (warm): {t_here / t_warm:.2f}x; counts equal: {same}", flush=True)
        if not same:
            raise AssertionError(f"cluster counts {there.tolist()} != in-process counts {here.tolist()}")

        # 2. the too-big-to-fail table on the bundled data ------------------------------------
        led = load_default()
        systemic(led)  # warm-up: exposures built once here, caches filled
        t_default, default = _best(lambda: systemic(led), repeat=3)
        batch = 6
        t_batched, batched = _best(lambda: systemic(led, batch_size=batch), repeat=3)
        systemic(led, batch_size=batch, scheduler=address)  # workers import the stress models
        t_cluster, on_cluster = _best(lambda: systemic(led, batch_size=batch, scheduler=address), repeat=3)
        n_batches = -(-len(default.table) // batch)
        identical = on_cluster.table.equals(batched.table)
        close = bool(np.allclose(default.table["total_loss"], batched.table["total_loss"], rtol=1e-12, atol=1e-12))
        print(f"[2] systemic on the bundled data ({len(default.table)} companies failing alone): in process "
              f"{t_default * 1e3:.0f} ms (one batch, the default), {t_batched * 1e3:.0f} ms ({n_batches} batches of "
              f"{batch}); 2 workers {t_cluster * 1e3:.0f} ms (the same batches, warm)", flush=True)
        print(f"    RATIO in process / cluster: {t_batched / t_cluster:.2f}x; tables identical: {identical}; "
              f"equal to the single batch to 1e-12: {close}", flush=True)
        if not identical:
            pd.testing.assert_frame_equal(on_cluster.table, batched.table, check_exact=True)
