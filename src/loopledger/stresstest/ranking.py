"""The "too big to fail" table in batches of failing companies, here or on a Dask cluster.

Each company failing alone is one scenario (docs/methods.md 6). A model gives
``evaluate(shared, columns)``, which evaluates the scenarios ``columns`` (positions in its list
of candidates) at once and returns a dict of arrays, each with one entry per column on its last
axis; :func:`rank_batches` cuts the candidates into consecutive batches of ``batch_size``, runs
them with :func:`loopledger.cluster.run_chunks` (``shared`` is sent to each worker once) and
joins every array back in candidate order. The batches depend only on the number of
candidates and the batch size, never on where they run, so the table is the same, to the last
bit, in process, on a local cluster or on a remote one. The batch size is recorded with the
table; other batch sizes agree to rounding (the columns are independent scenarios).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..cluster import run_chunks
from ..errors import LedgerError

#: the default batch holds about this many (company x scenario) cells per array, as the Monte
#: Carlo's chunks do: near 32 MB per float array
BATCH_CELLS = 4_000_000

__all__ = ["BATCH_CELLS", "batch_size_for", "batches", "rank_batches"]


def batch_size_for(count: int, cells_per_scenario: int) -> int:
    """The default batch: every scenario at once when that fits :data:`BATCH_CELLS`, else as
    many as fit (at least 1). Depends on the network only, never on the cluster."""
    return int(max(1, min(max(count, 1), BATCH_CELLS // max(1, cells_per_scenario))))


def batches(count: int, batch_size: int) -> list[np.ndarray]:
    """Consecutive column positions ``[0, b)``, ``[b, 2b)``, ... of ``count`` scenarios."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise LedgerError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
    return [np.arange(a, min(a + int(batch_size), count)) for a in range(0, count, int(batch_size))]


def rank_batches(evaluate: Callable[[Any, np.ndarray], Mapping[str, np.ndarray]], shared: Any, count: int, *,
                 batch_size: int, workers: int | None = None, scheduler: str | None = None,
                 progress: bool | None = None) -> dict[str, np.ndarray]:
    """Every array ``evaluate(shared, columns)`` returns, over all ``count`` scenarios in
    order, evaluated in batches of ``batch_size`` here or on Dask (``workers``: a local
    cluster on 127.0.0.1; ``scheduler``: a running one). ``evaluate`` must be a module-level
    function (workers import it by name)."""
    tasks = batches(count, batch_size)
    if not tasks:  # no candidate: the arrays' empty shapes, here
        return dict(evaluate(shared, np.zeros(0, dtype=np.int64)))
    parts = run_chunks(evaluate, shared, tasks, workers=workers, scheduler=scheduler, progress=progress,
                       label="failing companies", sizes=[len(t) for t in tasks])
    return {key: np.concatenate([p[key] for p in parts], axis=-1) for key in parts[0]}
