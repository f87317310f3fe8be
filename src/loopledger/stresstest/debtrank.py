"""DebtRank: how far a shock to some nodes' equity spreads through their counterparties.

Two rules (docs/methods.md 5.4, 5.5): the original one of Battiston et al. (2012), in which each
distressed node passes its distress on once, and the linear ("differential") one of
Bardoscia et al. (2015), in which every increment of distress is passed on, so that losses go
round cycles until they settle. :func:`debtrank` runs one shock on a matrix;
:func:`propagate` is the vectorised kernel behind it, which runs a whole batch of scenarios
at once (one column per scenario) and is what the Monte Carlo and the "too big to fail"
table use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import LedgerError, Problem, ValidationError
from ..results import Result
from ._inputs import frame_labels, labels_of, node_indices, series_labels, square_matrix, vector

VARIANTS = ("battiston2012", "linear")
#: h at or above this counts as a default (h is capped at 1; float sums land a hair below)
DEFAULT_LEVEL = 1.0 - 1e-9


@dataclass(frozen=True, eq=False)
class DebtRankResult(Result):
    """Final distress of every node after a shock (docs/methods.md 5.0, 5.4, 5.5).

    ``h`` is the final relative equity loss (0..1), ``h0`` the shock, ``R`` the DebtRank (the
    value-weighted loss *beyond* the shock: sum v h - sum v h0) and ``R_total`` the same
    including the shock. ``loss_usd`` = h x buffer (for a node with an infinite buffer, the
    loss it absorbs: sum_j exposures[i, j] h_j). ``round_distressed[i]`` is the step at which
    i was first hit (0 = shocked, -1 = never) and ``round_defaulted[i]`` the step at which
    h_i reached 1. ``history`` holds h after every step (row 0 = the shock).
    """

    h: np.ndarray
    h0: np.ndarray
    R: float
    R_total: float
    loss_usd: np.ndarray
    weights: np.ndarray
    round_distressed: np.ndarray
    round_defaulted: np.ndarray
    rounds: int
    converged: bool
    history: np.ndarray
    variant: str
    labels: list = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    caption = "DebtRank"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "node": self.labels,
            "h0": self.h0,
            "h": self.h,
            "loss_usd": self.loss_usd,
            "weight": self.weights,
            "round_distressed": self.round_distressed,
            "round_defaulted": self.round_defaulted,
        })


def debtrank(exposures, buffers, shocked, weights=None, variant: str = "battiston2012", *,
             tol: float = 1e-12, max_rounds: int | None = None) -> DebtRankResult:
    """DebtRank after a shock: the original rule (Battiston et al. 2012) or the linear one
    (Bardoscia et al. 2015). docs/methods.md 5.4, 5.5.

    Parameters
    ----------
    exposures : (n, n) array, scipy.sparse matrix or DataFrame
        ``exposures[i, j]`` = what i loses if j fails completely (zero diagonal).
    buffers : (n,) array
        Each node's equity E > 0; ``inf`` for a node that absorbs losses and never fails
        (its loss in USD is still reported).
    shocked : indices, labels, boolean mask, or a float vector
        Nodes that fail completely (h0 = 1), or the initial relative losses h0 in [0, 1]^n
        (a float array of length n).
    weights : (n,) array, optional
        Economic value of each node, normalised to sum 1; default the buffers (nodes with an
        infinite buffer weigh 0).
    variant : "battiston2012" or "linear"
        ``battiston2012``: impact W[i, j] = min(1, exposures[i, j] / buffers[i]), each
        distressed node propagates once, the step after it is hit. ``linear``:
        Lambda[i, j] = exposures[i, j] / buffers[i], not capped; every increment of distress
        propagates; h is capped at 1.
    tol : float
        The linear rule stops when no h moves by tol or more.
    max_rounds : int, optional
        Cap on steps (default n + 1 for the original rule, 100,000 for the linear one).

    Returns
    -------
    DebtRankResult
        ``h``, ``R`` (loss beyond the shock), ``R_total``, ``loss_usd``, per-step
        ``history`` and the rounds in which nodes were hit and defaulted.

    Examples
    --------
    The orientation check of docs/methods.md 5.8: A[0, 1] = 5, E = (10, 4), node 1 fails.

    >>> r = debtrank([[0, 5], [0, 0]], [10, 4], [1])
    >>> r.h.tolist(), round(r.R, 6) == round(5 / 14, 6)
    ([0.5, 1.0], True)
    """
    if variant not in VARIANTS:
        raise LedgerError(f"unknown DebtRank variant '{variant}': expected {' or '.join(VARIANTS)}")
    A, labels = square_matrix(exposures, "exposures", zero_diagonal=True)
    n = A.shape[0]
    labels = labels_of(labels, series_labels(buffers))
    E = vector(buffers, "buffers", n, allow_inf=True, positive=True)
    h0 = initial_distress(shocked, n, labels)
    v = value_weights(weights, E, n)

    coo = A.tocoo()
    finite = np.isfinite(E)
    keep = finite[coo.row]
    rows, cols = coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64)
    lam = coo.data[keep] / E[rows]
    run = propagate(rows, cols, lam[:, None], h0[:, None], variant, tol=tol,
                    max_rounds=max_rounds, history=True)
    h = run.h[:, 0]
    loss = np.where(finite, h * np.where(finite, E, 0.0), 0.0)
    if not finite.all():
        absorb = ~keep
        loss += np.bincount(coo.row[absorb], weights=coo.data[absorb] * h[coo.col[absorb]], minlength=n)
    R_total = float(v @ h)
    return DebtRankResult(
        h=h, h0=h0, R=R_total - float(v @ h0), R_total=R_total, loss_usd=loss, weights=v,
        round_distressed=run.round_distressed[:, 0], round_defaulted=run.round_defaulted[:, 0],
        rounds=run.steps, converged=run.converged, history=np.vstack(run.history), variant=variant,
        labels=frame_labels(labels, n),
        params=dict(variant=variant, tol=tol, max_rounds=max_rounds, h_cap=1.0,
                    R="sum v h(T) - sum v h(1): the shock itself is not counted (R_total counts it)",
                    weights="given" if weights is not None else "buffers (infinite buffers weigh 0)"),
    )


def initial_distress(shocked, n: int, labels: list | None) -> np.ndarray:
    """h0 from a set of failed nodes (indices, labels, mask) or a float vector of losses."""
    arr = np.asarray(list(shocked) if isinstance(shocked, (set, frozenset)) else shocked)
    if arr.dtype.kind == "f":
        if arr.ndim != 1 or len(arr) != n:
            raise ValidationError([Problem("shocked", None, "", f"a vector of initial losses needs {n} values, got shape {arr.shape}")])
        bad = ~((arr >= 0) & (arr <= 1))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValidationError([Problem("shocked", i, "", f"initial loss {arr[i]:g} is outside [0, 1]")])
        return arr.astype(np.float64)
    h0 = np.zeros(n)
    h0[node_indices(arr, n, labels, "shocked")] = 1.0
    return h0


def value_weights(weights, E: np.ndarray, n: int) -> np.ndarray:
    """Normalised value weights: given, or the finite buffers (docs/methods.md 5.4)."""
    if weights is None:
        w = np.where(np.isfinite(E), E, 0.0)
    else:
        w = vector(weights, "weights", n)
    total = w.sum()
    if not total > 0:
        raise LedgerError("weights sum to 0: give weights, or at least one finite buffer")
    return w / total


@dataclass
class Propagation:
    """Output of :func:`propagate`; arrays are (n, B): one column per scenario."""

    h: np.ndarray
    first: np.ndarray  # h after the first step: the shock plus the direct hits
    round_distressed: np.ndarray
    round_defaulted: np.ndarray
    steps: int
    converged: bool
    history: list
    #: the distress each node passed on, summed over the steps (the original rule: h when it
    #: passed it, once; the linear rule: every increment): what its counterparties' losses are
    #: made of, ``h_i = min(1, h0_i + sum_j impact_ij passed_j)``
    passed: np.ndarray | None = None


def propagate(rows: np.ndarray, cols: np.ndarray, lam: np.ndarray, h0: np.ndarray, variant: str, *,
              tol: float = 1e-12, max_rounds: int | None = None, history: bool = False,
              array_steps: bool = False) -> Propagation:
    """Run DebtRank on a batch of B scenarios at once (docs/methods.md 5.4, 5.5).

    ``rows[k], cols[k]`` is a pair (i, j) with a relative impact ``lam[k] = A[i, j] / E[i]``
    (uncapped; one entry per pair, no duplicates); ``lam`` is (m, 1) for one network or
    (m, B) when each scenario has its own amounts. ``h0`` is (n, B). Each step gathers the
    distress of the pairs' counterparties and adds it up per row, in the order of the pairs
    sorted by row, restricted to counterparties that can still pass distress on, so the
    cost is that of a few sparse products per step. The steps run in a compiled kernel
    (:mod:`loopledger.stresstest._debtrank_core`) that gives identical arrays without the
    temporaries; ``array_steps=True`` (and ``history``) runs them with numpy arrays instead.
    """
    n, B = h0.shape
    order = np.argsort(rows, kind="stable")
    rows, cols, lam = rows[order], cols[order], lam[order]
    if variant == "battiston2012":
        lam = np.minimum(lam, 1.0)
    elif variant != "linear":
        raise LedgerError(f"unknown DebtRank variant '{variant}': expected {' or '.join(VARIANTS)}")
    cap = max_rounds if max_rounds is not None else (n + 1 if variant == "battiston2012" else 100_000)

    h = np.array(h0, dtype=np.float64, copy=True, order="C")
    rd = np.where(h > 0, 0, -1).astype(np.int64)
    rdef = np.where(h >= DEFAULT_LEVEL, 0, -1).astype(np.int64)
    record = history and B == 1
    if not record and not array_steps:
        from ._debtrank_core import propagate_steps

        first, passed = np.empty_like(h), np.zeros_like(h)
        rows64, cols64 = rows.astype(np.int64), cols.astype(np.int64)
        by_col = np.argsort(cols64, kind="stable")
        steps, converged = propagate_steps(
            np.searchsorted(rows64, np.arange(n + 1)), np.ascontiguousarray(cols64),
            np.searchsorted(cols64[by_col], np.arange(n + 1)), np.ascontiguousarray(rows64[by_col]),
            np.ascontiguousarray(lam, dtype=np.float64), variant == "battiston2012",
            float(tol), int(cap), DEFAULT_LEVEL, h, first, rd, rdef, passed)
        return Propagation(h=h, first=first, round_distressed=rd, round_defaulted=rdef, steps=int(steps),
                           converged=bool(converged), history=[], passed=passed)
    hist = [h[:, 0].copy()] if record else []
    if variant == "battiston2012":
        active = h > 0                    # state D
        spent = np.zeros_like(active)     # state I
        source = lambda: np.where(active, h, 0.0)  # noqa: E731 - distress passed on this step
    else:
        prev = np.zeros_like(h)
        source = lambda: h - prev  # noqa: E731 - the increment of the last step

    steps = 0
    converged = True
    first = h
    passed = np.zeros_like(h)
    thr = 0.0 if variant == "battiston2012" else tol
    while True:
        src = source()
        # a scenario stops when nothing in it moves by tol (the original rule: no node in D)
        scen = np.flatnonzero(src.max(axis=0, initial=0.0) > thr)
        if len(scen) == 0:
            break
        if steps >= cap:
            converged = variant == "battiston2012"
            break
        steps += 1
        every = len(scen) == B
        src_s = src if every else src[:, scen]
        if every:
            passed += src_s
        else:
            passed[:, scen] += src_s
        lam_s = lam if (every or lam.shape[1] == 1) else lam[:, scen]
        sel = np.flatnonzero((src_s.max(axis=1) > 0.0)[cols])
        delta_rows, delta = _row_sums(rows[sel], lam_s[sel] * src_s[cols[sel]])
        new = h.copy()
        if len(delta_rows):
            if every:
                new[delta_rows] = np.minimum(1.0, new[delta_rows] + delta)
            else:
                block = np.ix_(delta_rows, scen)
                new[block] = np.minimum(1.0, new[block] + delta)
        hit = (new > 0) & (rd < 0)
        rd[hit] = steps
        broke = (new >= DEFAULT_LEVEL) & (rdef < 0)
        rdef[broke] = steps
        if variant == "battiston2012":
            spent |= active
            active = (new > 0) & ~spent
        else:
            prev = h
        h = new
        if steps == 1:
            first = h
        if record:
            hist.append(h[:, 0].copy())
    return Propagation(h=h, first=first, round_distressed=rd, round_defaulted=rdef, steps=steps,
                       converged=converged, history=hist, passed=passed)


def _row_sums(rows_sorted: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum (k, B) values over equal consecutive rows: (unique rows, (u, B) sums), added one
    value after the other in their order (the compiled kernel's order; numpy's
    ``add.reduceat`` sums in an order of its own)."""
    if len(rows_sorted) == 0:
        return rows_sorted, values
    starts = np.flatnonzero(np.r_[True, rows_sorted[1:] != rows_sorted[:-1]])
    lengths = np.diff(np.r_[starts, len(rows_sorted)])
    acc = values[starts].copy()
    for j in range(1, int(lengths.max())):
        more = np.flatnonzero(lengths > j)
        acc[more] += values[starts[more] + j]
    return rows_sorted[starts], acc
