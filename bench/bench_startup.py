"""Start-up of the command line (issue 15, target 2): each command timed in fresh processes,
median of 5, next to references measured in the same run.

* ``--help`` (target < 0.3 s) and the commands that only read and print (target < 0.5 s):
  ``summary --json``, ``deals``, ``companies``, ``show DEAL``, ``history DEAL``,
  ``data changelog``, ``user list``, on an SQLite ledger made by ``loopledger init`` in a
  temporary folder. References: ``python -c pass`` (the interpreter alone) and
  ``python -c "import pandas"`` (one heavy library). The package is byte-compiled first, as
  an install made by pip is.
* ``cycles --edges FILE --max-len 4`` end to end (read the CSV, build the network, search,
  print the table) on the n=20,000 / m=80,000 random graph of bench_cycles, against igraph's
  own ``Graph.simple_cycles(max=4)`` call in process on the same graph (target: faster). The
  numba kernels come from the install's on-disk cache (one run first fills it).

Each command runs as ``python -c "from loopledger.cli import main; main()" ARGS``, which is
what the ``loopledger`` console script does. The machine is shared, so absolute times move
from run to run; the ratios against the references of the same run move less.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RUNS = 5
CLI = "from loopledger.cli import main; main()"
SEED = 20261126  # bench_cycles' graph 1


def _seconds(args: list[str], env: dict[str, str], runs: int = RUNS) -> float:
    """Median wall time of ``runs`` fresh processes (each must exit 0)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", CLI, *args]


def _row(what: str, target: float | None, ref_name: str, ref: float, ours: float) -> None:
    verdict = "" if target is None else ("OK" if ours < target else "MISSED")
    goal = "" if target is None else f"< {target:.2f} s"
    print(f"    {what:34s} {goal:9s} {ref_name:22s} {ref:6.3f} s  ours {ours:6.3f} s  ratio {ours / ref:5.2f}  "
          f"{verdict}", flush=True)


def _igraph_seconds(path: Path) -> float:
    """igraph's simple_cycles(max=4) on the graph of the file (parallel edges collapsed, as in
    loopledger's structure), best of 3, the Graph built beforehand."""
    import igraph as ig
    import pandas as pd

    e = pd.read_csv(path)
    pairs = np.unique(e[["source", "target"]].to_numpy(), axis=0)
    g = ig.Graph(n=int(pairs.max()) + 1, edges=pairs.tolist(), directed=True)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        g.simple_cycles(max=4)
        best = min(best, time.perf_counter() - t0)
    return best


def _compile_package() -> str:
    """Byte-compile loopledger's sources, as ``pip install`` does (this machine sets
    PYTHONDONTWRITEBYTECODE, which stops Python writing the compiled files, not reading
    them): otherwise every timed process would recompile the package."""
    import compileall

    import loopledger

    root = Path(loopledger.__file__).parent
    compileall.compile_dir(str(root), quiet=1, force=False)
    return str(root)


def run() -> None:
    root = _compile_package()
    print(f"loopledger byte-compiled first (as pip install does): {root}", flush=True)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'ledger.db'}"
        env["LOOPLEDGER_DB"] = db
        subprocess.run(_cli("init"), env=env, check=True, stdout=subprocess.DEVNULL)
        deal = subprocess.run([sys.executable, "-c", "import os, loopledger as ll; "
                               "print(ll.Ledger.open(os.environ['LOOPLEDGER_DB']).deals().iloc[0]['id'])"],
                              env=env, check=True, capture_output=True, text=True).stdout.strip()
        t_pass = _seconds([sys.executable, "-c", "pass"], env)
        t_pandas = _seconds([sys.executable, "-c", "import pandas"], env)
        print(f"references: python -c pass {t_pass:.3f} s; python -c 'import pandas' {t_pandas:.3f} s "
              f"(median of {RUNS} fresh processes)", flush=True)
        print(f"    {'command':34s} {'target':9s} {'reference':22s} {'':8s}  {'':4s} {'':8s}  ratio = ours / reference",
              flush=True)
        _row("--help", 0.3, "python -c pass", t_pass, _seconds(_cli("--help"), env))
        for args in (["summary", "--json"], ["deals"], ["companies"], ["show", deal], ["history", deal],
                     ["data", "changelog"], ["user", "list"]):
            _row(" ".join(args if args[0] not in ("show", "history") else [args[0], "DEAL"]), 0.5,
                 "python -c 'import pandas'", t_pandas, _seconds(_cli(*args), env))

        from bench.bench_cycles import _random_edges

        path = Path(tmp) / "edges.csv"
        _random_edges(20_000, 80_000, SEED).to_csv(path, index=False)
        args = _cli("cycles", "--edges", str(path), "--max-len", "4")
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)  # fills the numba cache if empty
        t_cli = _seconds(args, env)
        t_ig = _igraph_seconds(path)
        _row("cycles --edges (n=20k, m=80k) e2e", t_ig, "igraph in process", t_ig, t_cli)
