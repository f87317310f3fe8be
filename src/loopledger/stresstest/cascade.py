"""Furfine (2003) sequential defaults: a node fails when its losses exceed its buffer.

A stylised default cascade (docs/methods.md 5.3): the initially failed nodes impose losses of
``(1 - recovery) x exposure`` on their creditors and shareholders; any node whose losses then
exceed ``threshold x buffer`` fails too and passes its own losses on in the next round, until
no new node fails. Unlike DebtRank, losses pass on only at default, and then in full.
:func:`cascade_batch` runs many scenarios at once for the Monte Carlo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..results import Result
from ._inputs import check_unit_interval, frame_labels, labels_of, node_indices, series_labels, square_matrix, vector
from .debtrank import _row_sums


@dataclass(frozen=True, eq=False)
class CascadeResult(Result):
    """Who failed and when (docs/methods.md 5.3).

    ``defaulted[i]`` is True for every failed node (initial or by contagion); ``rounds[i]``
    is 0 for the initially failed, k for a node that failed in wave k, -1 for survivors;
    ``losses`` is what each node lost from the failed ones (USD, after recovery) and
    ``loss_share`` that loss over its buffer.
    """

    defaulted: np.ndarray
    rounds: np.ndarray
    n_rounds: int
    losses: np.ndarray
    loss_share: np.ndarray
    buffers: np.ndarray
    labels: list = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    caption = "Default cascade (Furfine)"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "node": self.labels,
            "buffer": self.buffers,
            "loss": self.losses,
            "loss_share": self.loss_share,
            "defaulted": self.defaulted,
            "round": self.rounds,
        })


def cascade(exposures, buffers, failed, recovery: float = 0.0, threshold: float = 1.0) -> CascadeResult:
    """Furfine-style sequential defaults (Furfine 2003; docs/methods.md 5.3).

    Parameters
    ----------
    exposures : (n, n) array, scipy.sparse matrix or DataFrame
        ``exposures[i, j]`` = what i loses if j fails completely (gross of recovery).
    buffers : (n,) array
        Equity E > 0 (``inf``: never fails).
    failed : indices, labels or boolean mask
        The nodes that fail at the start.
    recovery : float in [0, 1]
        Share of an exposure recovered from a failed counterparty. If the exposures already
        net recovery, leave it at 0.
    threshold : float > 0
        i fails when its losses exceed ``threshold x E_i`` (1 = when its equity is negative;
        equity exactly 0 survives, as in docs/methods.md 5.0).

    Returns
    -------
    CascadeResult

    Examples
    --------
    >>> r = cascade([[0, 5, 0], [0, 0, 8], [0, 0, 0]], [4, 6, 10], [2])
    >>> r.defaulted.tolist(), r.rounds.tolist()
    ([True, True, True], [2, 1, 0])
    """
    A, labels = square_matrix(exposures, "exposures", zero_diagonal=True)
    n = A.shape[0]
    labels = labels_of(labels, series_labels(buffers))
    E = vector(buffers, "buffers", n, allow_inf=True, positive=True)
    recovery = check_unit_interval(recovery, "recovery")
    threshold = float(threshold)
    if not threshold > 0:
        from ..errors import LedgerError

        raise LedgerError(f"threshold must be positive, got {threshold:g}")
    start = np.zeros((n, 1), dtype=bool)
    start[node_indices(failed, n, labels, "failed"), 0] = True
    coo = A.tocoo()
    out = cascade_batch(coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data[:, None],
                        E[:, None], start, np.array([recovery]), threshold)
    losses = out.losses[:, 0]
    return CascadeResult(
        defaulted=out.rounds[:, 0] >= 0, rounds=out.rounds[:, 0], n_rounds=out.n_rounds,
        losses=losses, loss_share=np.divide(losses, E, out=np.zeros(n), where=np.isfinite(E)),
        buffers=E, labels=frame_labels(labels, n),
        params=dict(recovery=recovery, threshold=threshold,
                    rule="i fails when (1 - recovery) x exposure to failed nodes > threshold x buffer"),
    )


@dataclass
class CascadeBatch:
    """Output of :func:`cascade_batch`; arrays are (n, B)."""

    rounds: np.ndarray
    losses: np.ndarray
    n_rounds: int


def cascade_batch(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, E: np.ndarray,
                  failed: np.ndarray, recovery: np.ndarray, threshold: float = 1.0) -> CascadeBatch:
    """Furfine cascades for B scenarios at once.

    ``values`` is (m, 1) or (m, B): exposure of ``rows[k]`` to ``cols[k]``; ``E`` is (n, 1)
    or (n, B); ``failed`` (n, B) booleans; ``recovery`` (B,) or a scalar.
    """
    n, B = failed.shape
    order = np.argsort(rows, kind="stable")
    rows, cols, values = rows[order], cols[order], values[order]
    keep = 1.0 - np.broadcast_to(np.asarray(recovery, dtype=float), (B,))
    rounds = np.where(failed, 0, -1).astype(np.int64)
    down = failed.copy()
    losses = np.zeros((n, B))
    newly = failed.copy()
    wave = 0
    while True:
        # losses grow only by what the nodes failed in the last wave impose
        sel = np.flatnonzero(np.asarray(newly.any(axis=1))[cols])
        if len(sel) == 0:
            break
        r, add = _row_sums(rows[sel], values[sel] * newly[cols[sel]])
        losses[r] += add * keep
        over = (losses > threshold * E) & ~down
        if not over.any():
            break
        wave += 1
        rounds[over] = wave
        down |= over
        newly = over
    return CascadeBatch(rounds=rounds, losses=losses, n_rounds=wave)
