"""Clearing speed (issue 15, target 1): ``loopledger.clearing`` against a plain vectorised
Picard iteration in scipy.sparse, measured in the same run.

Networks are random and seeded: ``m`` obligations between ``n`` nodes, a fifth of them owed
to a few hundred hubs (Zipf), amounts log-normal with sigma 1.5 (heavy-tailed); external
assets are set so that at full payment about a third of the nodes fall short
(``e_i = max(0, p_bar_i - receipts_i + z_i p_bar_i)``, ``z ~ N(-0.1, 0.3)``), and the cascade
takes the share of defaulters to about a half. Each size runs Eisenberg-Noe (alpha = beta = 1) and Rogers-Veraart
(alpha = 0.9, beta = 0.8).

The reference is the textbook Picard iteration ``p <- Phi(p)`` from ``p_bar`` (decreasing to
the greatest clearing vector), one ``scipy.sparse`` product per sweep, stopped when no payment
moved by more than 1e-9 of itself. "equal to Picard to 1e-9" compares our payments with its
result, node by node, relative to the node's payment (``|ours - ref| <= 1e-9 max(ref, 1e-9
p_bar)``); the reference's own truncation error counts against us, so this is conservative.

``LOOPLEDGER_BENCH_CLEARING_SIZES`` (e.g. ``5000,20000,100000``) runs other sizes (m = 5 n).
At n = 1,000,000 the reference is timed in full too: it converges in a few dozen sweeps. Were
it to need more than ``_REF_SWEEPS_1M``, it would stop there and the output would say that its
time is a lower bound (the time of the sweeps run) and its result not converged.
"""

from __future__ import annotations

import os
import time

import numpy as np
import scipy.sparse as sp

SEED = 20261215
#: (n, m, target seconds)
SIZES = [(100_000, 500_000, 2.0), (1_000_000, 5_000_000, 10.0)]
_REF_SWEEPS_1M = 2_000
CASES = [("Eisenberg-Noe", 1.0, 1.0), ("Rogers-Veraart a=0.9 b=0.8", 0.9, 0.8)]


def network(n: int, m: int, seed: int = SEED):
    """(liabilities as CSR, external assets): the benchmark's random sparse network."""
    rng = np.random.default_rng(seed)
    debtor = rng.integers(0, n, m)
    hubs = np.minimum(rng.zipf(1.5, m) - 1, 499) * max(1, n // 500)
    creditor = np.where(rng.random(m) < 0.2, hubs % n, rng.integers(0, n, m))
    keep = debtor != creditor
    amount = rng.lognormal(0.0, 1.5, m)
    L = sp.csr_matrix((amount[keep], (debtor[keep], creditor[keep])), shape=(n, n))
    L.sum_duplicates()
    pbar = np.asarray(L.sum(axis=1)).ravel()
    receipts = np.asarray(L.sum(axis=0)).ravel()
    e = np.maximum(0.0, pbar - receipts + rng.normal(-0.1, 0.3, n) * pbar)
    return L, e


def picard_reference(L: sp.csr_matrix, e: np.ndarray, alpha: float, beta: float, rtol: float = 1e-9,
                     max_sweeps: int | None = None):
    """Plain Picard iteration from p_bar: (payments, sweeps, seconds, converged)."""
    t0 = time.perf_counter()
    pbar = np.asarray(L.sum(axis=1)).ravel()
    inv = np.divide(1.0, pbar, out=np.zeros_like(pbar), where=pbar > 0)
    PiT = sp.csr_matrix(sp.diags(inv) @ L).T.tocsr()
    thr = pbar - 1e-12 * np.maximum(1.0, pbar)
    p = pbar.copy()
    sweeps = 0
    while max_sweeps is None or sweeps < max_sweeps:
        inflow = PiT @ p
        q = np.where(e + inflow >= thr, pbar, np.minimum(pbar, alpha * e + beta * inflow))
        sweeps += 1
        moved = np.abs(q - p) > rtol * np.abs(q)
        p = q
        if not moved.any():
            return p, sweeps, time.perf_counter() - t0, True
    return p, sweeps, time.perf_counter() - t0, False


def equal_to(ours: np.ndarray, ref: np.ndarray, pbar: np.ndarray, rtol: float = 1e-9) -> tuple[bool, float]:
    scale = np.maximum(np.abs(ref), 1e-9 * pbar)
    err = np.divide(np.abs(ours - ref), scale, out=np.zeros_like(ref), where=scale > 0)
    return bool(np.all(err <= rtol)), float(err.max(initial=0.0))


def sizes() -> list[tuple[int, int, float]]:
    env = os.environ.get("LOOPLEDGER_BENCH_CLEARING_SIZES")
    if not env:
        return SIZES
    targets = {n: t for n, _, t in SIZES}
    return [(int(x), 5 * int(x), targets.get(int(x), float("nan"))) for x in env.split(",") if x.strip()]


def run() -> None:
    from loopledger.stresstest.clearing import clearing

    t0 = time.perf_counter()
    clearing(*network(2_000, 10_000, SEED + 1), alpha=0.9, beta=0.8)  # warm up (numba cache, imports)
    print(f"first call (loads or compiles the numba kernels; excluded below): {time.perf_counter() - t0:.2f} s",
          flush=True)
    print("size | case | ours s | reference (Picard 1e-9) s | ratio ref/ours | target | defaults | equal to Picard to 1e-9",
          flush=True)
    for n, m, target in sizes():
        t0 = time.perf_counter()
        L, e = network(n, m)
        t_build = time.perf_counter() - t0
        pbar = np.asarray(L.sum(axis=1)).ravel()
        print(f"n={n:,} m={L.nnz:,} (network built in {t_build:.1f} s)", flush=True)
        for name, alpha, beta in CASES:
            t0 = time.perf_counter()
            res = clearing(L, e, alpha=alpha, beta=beta)
            ours = time.perf_counter() - t0
            cap = _REF_SWEEPS_1M if n >= 1_000_000 else None
            ref, sweeps, t_ref, done = picard_reference(L, e, alpha, beta, max_sweeps=cap)
            note = f"{sweeps} sweeps" if done else f"LOWER BOUND: stopped after {sweeps} sweeps, not converged"
            same, err = equal_to(res.payments, ref, pbar)
            ok = "none at this size" if target != target else ("OK" if ours < target else "TOO SLOW")
            print(f"  {name}: ours {ours:.2f} s | reference {t_ref:.2f} s ({note}) | ratio {t_ref / ours:.1f}x | "
                  f"target{'' if target != target else f' < {target:g} s'}: {ok} | {int(res.defaulted.sum()):,} defaults in {res.n_rounds} rounds, "
                  f"{res.params.get('sweeps', '?')} sweeps, unique={res.unique} | equal to Picard to 1e-9: {same} (max rel diff {err:.1e})", flush=True)
