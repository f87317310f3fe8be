"""True cycles of a money network: every simple cycle up to a length bound, with the deal legs
on each hop and the dollars that could go once round it (docs/methods.md section 1).

A *simple* cycle visits no company twice: A->B->A->C->A is two 2-cycles joined at A, never a
4-cycle (docs/methods.md 1.4). Cycles are counted by node sequence on the collapsed digraph of
``net.structure`` (every ordered pair with any leg, whatever its kind or amount, so undisclosed
legs still close cycles); each hop keeps its legs and their amounts (docs/methods.md 1.3).

The search (Johnson 1975; Gupta & Suzumura 2021 for the length bound) runs on CSR arrays in a
compiled core (:mod:`loopledger.measures._cycles_core`) with distance pruning, on all cores
when there is no time limit or cap; long bounds search only inside the
non-trivial strongly connected components (Tarjan 1972), short ones (up to 6) the whole graph
while a thread finds the components for the report. It handles millions of edges in under a
second for ``max_len`` up to about 4. With ``workers=`` or ``scheduler=`` the ranges of start
nodes are searched on a Dask cluster (:mod:`loopledger.cluster`, docs/cluster.md), each worker
with the same threaded search, and the report is the one the search in process gives.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..cluster import ClusterParams, Runner, connect, task_threads
from ..errors import LedgerError
from ..network import FlowNetwork, Legs
from ..results import Result, jsonable
from . import _cycles_numpy as join

if TYPE_CHECKING:  # pragma: no cover - imported where used: a short search needs none of them
    import pandas as pd
    import scipy.sparse as sp

# The compiled core (numba), pandas and scipy are imported where they are used, so that a
# search the numpy join can do (and a report printed from its arrays) loads none of them.
_CORE = "loopledger.measures._cycles_core"


def _core():
    from . import _cycles_core as core

    return core

#: documented default length bound (docs/methods.md 1.2)
DEFAULT_MAX_LEN = 6
#: edge steps per call of the compiled core between checks of the clock and the progress bar
_STEPS_PER_CALL = 1 << 22
#: rows of the output buffer filled by one call of the core
_BUFFER_ROWS = 1 << 16
#: searches over at least this many edges run on all cores
_PARALLEL_EDGES = 20_000
#: bounds up to this one search the whole graph (SCCs found alongside, for the report); longer
#: bounds search inside SCCs only, where the pruning cannot wander into a downstream DAG
_PLAIN_MAX_LEN = 6
#: bounds up to this one may be searched by the numpy join (:mod:`._cycles_numpy`) ...
_JOIN_MAX_LEN = 4
#: ... while it builds at most this many paths (about 0.1 s of numpy: loading the compiled
#: core costs about 0.4 s in a fresh process)
_JOIN_MAX_PATHS = 2_000_000

__all__ = ["CycleReport", "count_cycles", "cycles"]


# ------------------------------------------------------------------------------------------------
# Graph preparation


@dataclass(frozen=True)
class _Prepared:
    """The structure split for the search: SCC labels, self-loops, and the forward and
    reversed CSR arrays of the edges inside non-trivial SCCs (self-loops removed)."""

    n: int
    labels: np.ndarray | None      # None: not computed (the numpy join gives only the sizes)
    scc_sizes: np.ndarray          # sizes of SCCs with >= 2 nodes, largest first
    n_scc: int
    loops: np.ndarray              # nodes with a self-loop, ascending
    indptr: np.ndarray
    indices: np.ndarray
    rindptr: np.ndarray
    rindices: np.ndarray


def _prepare(structure: Any) -> _Prepared:
    core = _core()
    mat = _as_csr(structure)
    n = mat.shape[0]
    indptr, indices = mat.indptr.astype(np.int64), mat.indices.astype(np.int64)
    n_scc, labels = core.strong_components(indptr, indices)
    sizes = np.bincount(labels, minlength=n_scc)
    indptr, indices, rindptr, rindices, loops = core.split_structure(indptr, indices, labels)
    return _Prepared(
        n=n, labels=labels, scc_sizes=np.sort(sizes[sizes >= 2])[::-1], n_scc=int(n_scc), loops=loops,
        indptr=indptr, indices=indices, rindptr=rindptr, rindices=rindices,
    )


def _as_csr(structure: Any) -> sp.csr_matrix:
    import scipy.sparse as sp

    if not sp.issparse(structure):
        arr = np.asarray(structure)
        if arr.ndim != 2:
            raise LedgerError("the structure must be a square matrix (scipy.sparse or 2-D array)")
        structure = sp.csr_matrix(arr)
    if structure.shape[0] != structure.shape[1]:
        raise LedgerError(f"the structure must be a square matrix, got shape {structure.shape}")
    if structure.format == "csr" and structure.has_canonical_format and np.all(structure.data != 0):
        return structure  # already what the search needs (FlowNetwork.structure is): no copy
    mat = sp.csr_matrix(structure, copy=True)
    mat.sum_duplicates()
    mat.eliminate_zeros()  # an explicitly stored 0 is no edge
    mat.sort_indices()
    return mat


def _bound(max_len: int | None, prep: _Prepared) -> int:
    """The effective length bound: max_len, or the largest SCC when unbounded."""
    if max_len is None:
        return int(max(prep.scc_sizes[0] if len(prep.scc_sizes) else 1, 1))
    return int(max_len)


def _backward_depth(k: int) -> int:
    """Depth of the backward search: about half the bound, so the search meets in the middle
    (see the core's docstring); any value in 1..k-1 gives the same cycles."""
    return max(1, k // 2)


def _check_params(max_len: Any, max_cycles: Any = None, time_limit: Any = None) -> None:
    if max_len is not None and (isinstance(max_len, bool) or not isinstance(max_len, (int, np.integer))
                                or max_len < 1):
        raise LedgerError(f"max_len must be a whole number >= 1 (or None for no bound), got {max_len!r}")
    if max_cycles is not None and (isinstance(max_cycles, bool) or not isinstance(max_cycles, (int, np.integer))
                                   or max_cycles < 0):
        raise LedgerError(f"max_cycles must be a whole number >= 0 (or None), got {max_cycles!r}")
    if time_limit is not None and not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise LedgerError(f"time_limit must be a positive number of seconds (or None), got {time_limit!r}")


# ------------------------------------------------------------------------------------------------
# Counting (for null models)


def count_cycles(structure_csr: Any, max_len: int, *, workers: int | None = None,
                 scheduler: str | None = None) -> np.ndarray:
    """Number of simple cycles of each length 1..max_len in a directed graph.

    The fast path for null models (docs/methods.md sections 1 and 4): no cycle is stored, only
    counted, with the same search as :func:`cycles`.

    Parameters
    ----------
    structure_csr : scipy.sparse matrix or 2-D array, square
        ``structure[i, j] != 0`` means an edge i -> j (values are ignored; an explicitly
        stored zero is no edge). ``FlowNetwork.structure`` is such a matrix.
    max_len : int >= 1
        Longest cycle counted (number of hops = number of nodes).
    workers, scheduler : optional
        Count on a Dask cluster, as :func:`cycles` does; the counts are the same.

    Returns
    -------
    numpy.ndarray of int64, length ``max_len + 1``
        ``counts[L]`` is the number of simple cycles with L nodes; ``counts[0]`` is 0.
        Self-loops are 1-cycles; a reciprocal pair is one 2-cycle; rotations are one cycle,
        the reversed sequence another.

    Examples
    --------
    >>> import numpy as np
    >>> count_cycles(np.ones((3, 3)), 3).tolist()   # complete digraph with loops
    [0, 3, 3, 2]

    References
    ----------
    Johnson (1975); Gupta & Suzumura (2021), arXiv:2105.10094; Tarjan (1972).
    """
    _check_params(max_len)
    if max_len is None:
        raise LedgerError("count_cycles needs a length bound max_len >= 1")
    k = int(max_len)
    prep = _plain(_as_csr(structure_csr)) if k <= _PLAIN_MAX_LEN else _prepare(structure_csr)
    if workers is not None or scheduler is not None:
        ClusterParams.of(workers=workers, scheduler=scheduler)
        with connect(workers, scheduler) as runner:
            return _search_cluster(prep, k, False, time.perf_counter(), runner).counts
    counts = np.zeros(k + 1, dtype=np.int64)
    if k >= 2 and len(prep.indices):
        counts, _ = _count(prep, k, False)
    counts[1] = len(prep.loops)
    return counts


# ------------------------------------------------------------------------------------------------
# Enumeration


@dataclass(frozen=True)
class _Found:
    nodes: np.ndarray       # (c, width) canonical node indices, -1 after the cycle's end
    length: np.ndarray      # (c,)
    counts: np.ndarray      # counts[L] for L in 0..k
    complete: bool
    stopped: str | None
    seconds: float


def _threads_for(prep: _Prepared) -> int:
    """Threads for a search without limits: all cores (numba's thread count) on searches over
    many edges; one below that, where starting threads costs more than it saves."""
    if len(prep.indices) < _PARALLEL_EDGES:
        return 1
    import numba

    return max(1, numba.get_num_threads())


def _share(tasks: list, threads: int, n: int, k: int, after: Callable[[], None] | None = None) -> None:
    """Run every ``task(workspace)`` on this thread and ``threads - 1`` helpers, each with its
    own workspace, taking tasks in order until none is left. This thread never waits for a
    helper that has not started a task (on a busy machine a helper may get no core for a
    while: this thread then does its share), only for tasks already taken. ``after()`` is
    called on this thread after each task it runs (progress bars need not be thread-safe)."""
    core = _core()
    next_task = itertools.count()
    lock = threading.Condition()
    state: dict[str, Any] = {"taken": 0, "done": 0, "error": None}

    def work(workspace, mine: bool = False) -> None:
        while True:
            with lock:
                i = next(next_task)
                if i >= len(tasks) or state["error"] is not None:
                    return
                state["taken"] += 1
            try:
                tasks[i](workspace)
            except BaseException as e:  # pragma: no cover - re-raised below
                state["error"] = e
            with lock:
                state["done"] += 1
                lock.notify_all()
            if mine and after is not None:
                after()

    for _ in range(threads - 1):
        threading.Thread(target=lambda: work(core.new_workspace(n, k)), daemon=True).start()
    work(core.new_workspace(n, k), mine=True)
    with lock:
        lock.wait_for(lambda: state["done"] >= state["taken"])
    if state["error"] is not None:  # pragma: no cover
        raise state["error"]


def _chunks(threads: int, items: int) -> np.ndarray:
    """Bounds of equal ranges of ``items``: one range in one thread, else 4 per thread (16 on
    large searches; at most 64). The low start nodes cost most (their searches may enter every
    larger node); they go first, and the cheap tail evens out the threads."""
    chunks = 1 if threads == 1 else min(64, (4 if items < 100_000 else 16) * threads)
    return np.linspace(0, items, chunks + 1).astype(np.int64)


def _count(prep: _Prepared, k: int, per_start: bool, also: list | None = None,
           progress: Callable[[int, int], None] | None = None, *, lo: int = 0, hi: int | None = None,
           threads: int | None = None):
    """Counts by length of cycles of 2..k nodes (index = length), and with ``per_start`` the
    number whose smallest node is s, for every s; on all cores when large. ``also``: more
    tasks (callables of no argument) to run first, on whichever thread is free. ``progress``
    is called with the start nodes searched so far (in ranges finished, by any thread).
    ``lo``, ``hi``: only the cycles whose smallest node is in [lo, hi) (a cluster task's
    share); ``threads``: at most that many threads (default: :func:`_threads_for`)."""
    core = _core()
    args = (prep.indptr, prep.indices, prep.rindptr, prep.rindices, np.int64(k), np.int64(_backward_depth(k)))
    hi = prep.n if hi is None else hi
    threads = _threads_for(prep) if threads is None else max(1, min(threads, _threads_for(prep)))
    bounds = lo + _chunks(threads, hi - lo)
    partial = np.zeros((len(bounds) - 1, k + 1), dtype=np.int64)
    starts = np.zeros(prep.n if per_start else 1, dtype=np.int64)

    searched = [0]

    def chunk(i):
        def run(ws):
            _, path, ptr, onpath, dist, touched = ws
            core.count_range(*args, bounds[i], bounds[i + 1], path, ptr, onpath, dist, touched, partial[i],
                             starts, per_start)
            searched[0] += int(bounds[i + 1] - bounds[i])  # under the GIL: one thread at a time
        return run

    extra = [lambda ws, f=f: f() for f in (also or [])]
    report = None if progress is None else (lambda: progress(min(searched[0], prep.n), prep.n))
    _share(extra + [chunk(i) for i in range(len(bounds) - 1)], threads, prep.n, k, report)
    return partial.sum(axis=0), starts


def _enumerate(prep: _Prepared, k: int, per_start: np.ndarray, width: int,
               threads: int | None = None) -> np.ndarray:
    """Rows of every cycle of 2..k nodes, grouped by start node in ascending order (at most
    ``threads`` threads)."""
    core = _core()
    starts = np.flatnonzero(per_start).astype(np.int64)
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(per_start[starts], out=offsets[1:])
    out = np.empty((offsets[-1], width), dtype=np.int64)
    threads = (_threads_for(prep) if threads is None else max(1, threads)) if len(starts) > 1_000 else 1
    bounds = _chunks(threads, len(starts))
    args = (prep.indptr, prep.indices, prep.rindptr, prep.rindices, np.int64(k), np.int64(_backward_depth(k)))

    def chunk(i):
        def run(ws):
            _, path, ptr, onpath, dist, touched = ws
            core.enumerate_starts(*args, starts, offsets, bounds[i], bounds[i + 1], path, ptr, onpath, dist,
                                  touched, out)
        return run

    _share([chunk(i) for i in range(len(bounds) - 1)], threads, prep.n, k)
    return out


def _plain(mat: sp.csr_matrix) -> _Prepared:
    """The structure as the search needs it when it is not restricted to SCCs (labels left
    empty): the CSR arrays themselves forward, their CSC arrays (sorted rows of the reversed
    graph) backward. Self-loops may stay in both: the search never takes one (a node on the
    path is never entered again, and s -> s is no cycle of two or more nodes)."""
    csc = mat.tocsc()  # scipy: the caller made ``mat`` with it
    indptr, rindptr = mat.indptr.astype(np.int64), csc.indptr.astype(np.int64)
    indices, rindices = mat.indices.astype(np.int32, copy=False), csc.indices.astype(np.int32, copy=False)
    loops = np.flatnonzero(mat.diagonal()).astype(np.int64)
    return _Prepared(n=mat.shape[0], labels=np.zeros(0, dtype=np.int64), scc_sizes=np.zeros(0, dtype=np.int64),
                     n_scc=0, loops=loops, indptr=indptr, indices=indices, rindptr=rindptr, rindices=rindices)


def _search_plain(mat: sp.csr_matrix, k: int, record: bool,
                  progress: Callable[[int, int], None] | None = None,
                  runner: Runner | None = None) -> tuple[_Prepared, _Found]:
    """The whole search without limits for a short bound (k <= _PLAIN_MAX_LEN), on all cores
    (or on the cluster of ``runner``), while one thread finds the SCCs the report gives (they
    are not needed to find the cycles: the distance pruning already keeps the search near its
    start)."""
    core = _core()
    t0 = time.perf_counter()
    plain = _plain(mat)
    scc = {}

    def components() -> None:
        scc["n"], scc["labels"] = core.strong_components(mat.indptr.astype(np.int64), mat.indices.astype(np.int64))

    if runner is None:
        found = _search_all(plain, k, record, t0, also=[components], progress=progress)
    else:
        found = _search_cluster(plain, k, record, t0, runner, also=[components], progress=progress)
    if "labels" not in scc:  # nothing to search: no task ran
        components()
    sizes = np.bincount(scc["labels"], minlength=scc["n"])
    prep = _Prepared(n=plain.n, labels=scc["labels"], scc_sizes=np.sort(sizes[sizes >= 2])[::-1], n_scc=int(scc["n"]),
                     loops=plain.loops, indptr=plain.indptr, indices=plain.indices, rindptr=plain.rindptr,
                     rindices=plain.rindices)
    return prep, found


def _search_all(prep: _Prepared, k: int, record: bool, t0: float, also: list | None = None,
                progress: Callable[[int, int], None] | None = None) -> _Found:
    """The whole search at once, without limits: count per start node, then (for rows) search
    again only from the start nodes that have cycles, each writing to rows fixed in advance."""
    width = k if record else 1
    counts = np.zeros(k + 1, dtype=np.int64)
    per_start = np.zeros(prep.n, dtype=np.int64)
    if k >= 2 and len(prep.indices):
        counts, per_start = _count(prep, k, record, also, progress)
    if progress is not None:
        progress(prep.n, prep.n)
    found = _enumerate(prep, k, per_start, width) if record else None
    return _finish(prep, width, counts, found, t0)


def _finish(prep: _Prepared, width: int, counts: np.ndarray, found: np.ndarray | None, t0: float) -> _Found:
    """A complete search's result from its counts of 2..k nodes and (when recording) the rows
    of those cycles grouped by start node: self-loops added, rows sorted by (length, nodes)."""
    counts[1] = len(prep.loops)
    nodes = np.zeros((0, width), dtype=np.int64)
    if found is not None:
        first = np.full((len(prep.loops), width), -1, dtype=np.int64)
        first[:, 0] = prep.loops
        nodes = np.concatenate([first, found]) if len(prep.loops) else found
    record = found is not None
    length = (nodes >= 0).sum(axis=1) if record else np.zeros(0, dtype=np.int64)
    if record and len(nodes):
        order = np.lexsort(tuple(nodes[:, j] for j in range(width - 1, -1, -1)) + (length,))
        nodes, length = nodes[order], length[order]
    return _Found(nodes=nodes, length=length, counts=counts, complete=True, stopped=None,
                  seconds=time.perf_counter() - t0)


# ------------------------------------------------------------------------------------------------
# Short bounds in numpy (loopledger.measures._cycles_numpy)


def _join_is_cheaper(net: FlowNetwork, k: int) -> bool:
    """The rule that picks the numpy join over the compiled search (docs/methods.md 1.2): a
    bound of at most ``_JOIN_MAX_LEN``, the compiled core not loaded in this process yet (once
    it is, it is the faster search), and at most ``_JOIN_MAX_PATHS`` paths of
    ``ceil(k / 2)`` hops, forward and backward, through nodes larger than their start (counted
    from the degrees, before any is built). Both searches give the same report."""
    if k > _JOIN_MAX_LEN or _CORE in sys.modules:
        return False
    indptr, indices = net.structure_arrays
    n = net.n
    s = np.repeat(np.arange(n), np.diff(indptr))
    up = indices > s
    out_deg = np.diff(indptr)
    paths = int(up.sum())
    if k >= 3:  # two hops forward, and (k = 4) two backward, bounded by the degrees
        in_deg = np.bincount(indices, minlength=n)
        paths += int(out_deg[indices[up]].sum()) + (int(in_deg[s[up]].sum()) if k >= 4 else 0)
    return paths <= _JOIN_MAX_PATHS


def _reversed(indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR arrays of the reversed graph (rows sorted), from canonical CSR arrays."""
    n = len(indptr) - 1
    s = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    order = np.argsort(indices, kind="stable")  # by target, sources ascending within
    rindptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(indices, minlength=n), out=rindptr[1:])
    return rindptr, s[order].astype(np.int32)


def _search_join(net: FlowNetwork, k: int, record: bool,
                 progress: Callable[[int, int], None] | None = None) -> tuple[_Prepared, _Found]:
    """The whole search for a short bound by the numpy join, with the SCC sizes of the report
    found in numpy too (Tarjan's labels are computed only if ``components()`` asks)."""
    t0 = time.perf_counter()
    indptr, indices = net.structure_arrays
    rindptr, rindices = _reversed(indptr, indices)
    n = net.n
    rows = join.cycles(indptr, indices, rindptr, rindices, k)
    length = (rows >= 0).sum(axis=1)
    counts = np.bincount(length, minlength=k + 1)[: k + 1].astype(np.int64)
    row_of = np.repeat(np.arange(n), np.diff(indptr))
    loops = row_of[indices == row_of].astype(np.int64)
    sizes = join.component_sizes(indptr, indices, rindptr, rindices)
    labels = None
    if sizes is None:  # too many small components for the numpy search: Tarjan, compiled
        n_scc, labels = _core().strong_components(indptr, indices.astype(np.int64))
        all_sizes = np.bincount(labels, minlength=n_scc)
        sizes = np.sort(all_sizes[all_sizes >= 2])[::-1]
        n_scc = int(n_scc)
    else:
        n_scc = -1  # not known without the labels
    prep = _Prepared(n=n, labels=labels, scc_sizes=sizes, n_scc=n_scc, loops=loops, indptr=indptr,
                     indices=indices, rindptr=rindptr, rindices=rindices)
    if progress is not None:
        progress(n, n)
    return prep, _finish(prep, k if record else 1, counts, rows if record else None, t0)


# ------------------------------------------------------------------------------------------------
# On a Dask cluster (loopledger.cluster)

#: cluster tasks per task slot: the low start nodes cost most (their searches may enter every
#: larger node), so the ranges are many and each goes to whichever worker is free
_TASKS_PER_SLOT = 8


def _search_range(prep: _Prepared, task: tuple[int, int, int, bool]) -> tuple[np.ndarray, np.ndarray | None]:
    """One cluster task, run on a worker: the counts by length (index = length) of the cycles
    of 2..k nodes whose smallest node is in [lo, hi), and with ``record`` their rows grouped
    by start node: the threaded search of one process, with the threads its worker allows."""
    lo, hi, k, record = task
    threads = task_threads()
    counts, per_start = _count(prep, k, record, lo=lo, hi=hi, threads=threads)
    rows = _enumerate(prep, k, per_start, k, threads) if record else None
    return counts, rows


def _search_cluster(prep: _Prepared, k: int, record: bool, t0: float, runner: Runner, also: list | None = None,
                    progress: Callable[[int, int], None] | None = None) -> _Found:
    """:func:`_search_all` with the ranges of start nodes searched by the runner's workers:
    the search arrays are sent to each worker once (no labels, amounts or names), ranges come
    back in order, so the counts and the sorted rows are those of the search in process.
    ``also`` runs here, in a thread, meanwhile."""
    width = k if record else 1
    counts = np.zeros(k + 1, dtype=np.int64)
    found = np.zeros((0, width), dtype=np.int64) if record else None
    helpers = [threading.Thread(target=f, daemon=True) for f in (also or [])]
    for h in helpers:
        h.start()
    if k >= 2 and len(prep.indices):
        graph = replace(prep, labels=np.zeros(0, dtype=np.int64), scc_sizes=np.zeros(0, dtype=np.int64))
        bounds = np.unique(np.linspace(0, prep.n, min(prep.n, _TASKS_PER_SLOT * runner.slots) + 1).astype(np.int64))
        tasks = [(int(a), int(b), k, record) for a, b in zip(bounds[:-1], bounds[1:])]
        searched = [0]

        def done(i: int) -> None:
            searched[0] += tasks[i][1] - tasks[i][0]
            if progress is not None:
                progress(searched[0], prep.n)

        parts = runner.map(_search_range, runner.scatter(graph), tasks, done)
        counts = np.sum([c for c, _ in parts], axis=0)
        if record:
            found = np.concatenate([rows for _, rows in parts])
    for h in helpers:
        h.join()
    if progress is not None:
        progress(prep.n, prep.n)
    return _finish(prep, width, counts, found, t0)


def _check_cluster(max_cycles: Any, time_limit: Any) -> None:
    if max_cycles is not None or time_limit is not None:
        raise LedgerError("max_cycles and time_limit cut one resumable search short, in process: "
                          "on a cluster (workers or scheduler) give neither")


def _search(prep: _Prepared, k: int, max_cycles: int | None, time_limit: float | None,
            record: bool, progress: Callable[[int, int], None] | None) -> _Found:
    t0 = time.perf_counter()
    if max_cycles is None and time_limit is None:
        return _search_all(prep, k, record, t0, progress=progress)
    width = k if record else 1
    counts = np.zeros(k + 1, dtype=np.int64)
    chunks: list[np.ndarray] = []
    stopped = None
    loops = prep.loops
    if max_cycles is not None and len(loops) > max_cycles:
        loops, stopped = loops[:max_cycles], "max_cycles"
    counts[1] = len(loops)
    if record and len(loops):
        first = np.full((len(loops), width), -1, dtype=np.int64)
        first[:, 0] = loops
        chunks.append(first)
    if stopped is None and k >= 2 and len(prep.indices):
        cap = -1 if max_cycles is None else max_cycles - len(loops)
        rows = _BUFFER_ROWS if max_cycles is None else max(1, min(_BUFFER_ROWS, cap + 1))
        out = np.zeros((rows if record else 1, width), dtype=np.int64)
        core = _core()
        state, path, ptr, onpath, dist, touched = core.new_workspace(prep.n, k)
        # start only from nodes that can be the smallest of a cycle
        starts = np.flatnonzero(np.diff(prep.indptr))
        state[core.S_START] = starts[0] if len(starts) else prep.n
        stop = np.int64(starts[-1] + 1 if len(starts) else prep.n)
        while True:
            code = core.search(prep.indptr, prep.indices, prep.rindptr, prep.rindices,
                               np.int64(k), np.int64(_backward_depth(k)), stop, state, path, ptr,
                               onpath, dist, touched, counts, out, record, np.int64(cap),
                               np.int64(_STEPS_PER_CALL))
            if record and state[core.S_OUT]:
                chunks.append(out[: state[core.S_OUT]].copy())
                state[core.S_OUT] = 0
            if progress is not None:
                progress(int(min(state[core.S_START], prep.n)), prep.n)
            if code == core.DONE:
                break
            if code == core.CAPPED:
                stopped = "max_cycles"
                break
            if time_limit is not None and time.perf_counter() - t0 > time_limit:
                stopped = "time_limit"
                break
    nodes = np.concatenate(chunks) if chunks else np.zeros((0, width), dtype=np.int64)
    length = (nodes >= 0).sum(axis=1) if record else np.zeros(0, dtype=np.int64)
    if record and len(nodes):
        order = np.lexsort(tuple(nodes[:, j] for j in range(width - 1, -1, -1)) + (length,))
        nodes, length = nodes[order], length[order]
    return _Found(nodes=nodes, length=length, counts=counts, complete=stopped is None,
                  stopped=stopped, seconds=time.perf_counter() - t0)


def cycles(
    net: FlowNetwork,
    max_len: int | None = DEFAULT_MAX_LEN,
    max_cycles: int | None = None,
    time_limit: float | None = None,
    count_only: bool = False,
    *,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> CycleReport:
    """Every simple cycle of the network up to ``max_len`` companies, with its deal legs and
    bottleneck dollars.

    A simple cycle (docs/methods.md 1.1) is a sequence of distinct nodes v1..vk with a leg on each
    hop v1->v2, ..., vk->v1. Its length is the number of hops (= nodes). A self-loop is a
    1-cycle; a reciprocal pair one 2-cycle; rotations are the same cycle (canonical form:
    start at the smallest node index) and the reversed sequence is a different cycle. Closed
    walks that pass a company twice are never reported (docs/methods.md 1.4).

    Cycles are found on ``net.structure`` (every pair with any leg, whatever its amount) by a
    length-bounded depth-first search with distance pruning (docs/methods.md 1.2) in compiled code,
    on all cores unless ``max_cycles`` or ``time_limit`` is given (then in one resumable
    thread); bounds over 6 search inside strongly connected components only.

    Parameters
    ----------
    net : FlowNetwork
        A ledger view (``ledger.network(...)``) or any edge list (``FlowNetwork.from_edges``).
    max_len : int or None, default 6
        Longest cycle listed (docs/methods.md 1.2 default). ``None`` means no bound; counts explode
        (the complete digraph on n nodes has more than (n-1)! cycles), so then set
        ``max_cycles`` or ``time_limit``.
    max_cycles : int or None
        Stop after this many cycles; the report then says ``complete=False``.
    time_limit : float or None
        Stop after about this many seconds of search; ``complete=False`` if cut short.
    count_only : bool
        Only count (by length): no cycle rows, no amounts. Much less memory.
    progress : callable(done, total), optional
        Called now and then with the number of start nodes searched out of ``net.n``.
    workers : int, optional
        Search on a local Dask cluster of this many worker processes on 127.0.0.1
        (``pip install 'loopledger[dask]'``).
    scheduler : str, optional
        Search on the running Dask cluster whose scheduler is at this address
        (``tcp://HOST:8786``), or that of a connected ``distributed.Client`` (docs/cluster.md).
        With either, the search arrays of the graph are sent to every worker once, each worker
        searches ranges of start nodes with the threaded search, and the report is identical
        to the one in process (same counts, same cycles in the same order); amounts, legs and
        names never leave this process. Not with ``max_cycles`` or ``time_limit``.

    Returns
    -------
    CycleReport
        ``count``, ``by_length``, ``cycles`` (one row per cycle: ``nodes`` and ``names`` in
        canonical cycle order, ``length``, ``bottleneck`` = smallest hop amount in USD bn,
        ``bottleneck_low`` / ``bottleneck_high`` for ledger views, ``amount_complete``,
        ``kinds``, ``combinations`` of legs, ``first_announced`` / ``last_announced``),
        ``hops()`` (the legs of every hop), SCC sizes, ``complete``, ``stopped`` and the
        parameters. Rows are sorted by (length, canonical node sequence).

    Notes
    -----
    Hop amount (docs/methods.md 1.3): the sum of the known amounts of the hop's cash legs; if some
    cash leg has no amount the hop is flagged incomplete and the sum is a lower bound; if none
    has one (or the hop carries no cash, e.g. a warrant grant) it is NaN. The bottleneck is
    the smallest hop amount, NaN if any hop's is NaN. It is what could go once round that
    cycle on its own; cycles share hops, so never add bottlenecks (use circulation instead).

    Examples
    --------
    >>> import pandas as pd
    >>> from loopledger import FlowNetwork
    >>> net = FlowNetwork.from_edges(pd.DataFrame({"source": ["a", "b", "b", "c"],
    ...                                            "target": ["b", "a", "c", "a"],
    ...                                            "amount": [5.0, 2.0, 3.0, 4.0]}))
    >>> report = cycles(net, max_len=3)
    >>> [list(c) for c in report.cycles["nodes"]], report.cycles["bottleneck"].tolist()
    ([['a', 'b'], ['a', 'b', 'c']], [2.0, 3.0])

    References
    ----------
    Johnson (1975), Finding all the elementary circuits of a directed graph, SIAM J. Comput.
    4(1). Gupta & Suzumura (2021), Finding all bounded-length simple cycles in a directed
    graph, arXiv:2105.10094. Tarjan (1972), Depth-first search and linear graph algorithms,
    SIAM J. Comput. 1(2).
    """
    if not isinstance(net, FlowNetwork):
        raise LedgerError("cycles() takes a FlowNetwork: ledger.network(...) or FlowNetwork.from_edges(path)")
    _check_params(max_len, max_cycles, time_limit)
    if workers is not None or scheduler is not None:
        ClusterParams.of(workers=workers, scheduler=scheduler)
        _check_cluster(max_cycles, time_limit)
        with connect(workers, scheduler) as runner:
            if max_len is not None and max_len <= _PLAIN_MAX_LEN:
                k = int(max_len)
                prep, found = _search_plain(_as_csr(net.structure), k, not count_only, progress, runner)
            else:
                prep = _prepare(net.structure)
                k = _bound(max_len, prep)
                found = _search_cluster(prep, k, not count_only, time.perf_counter(), runner, progress=progress)
    elif max_cycles is None and time_limit is None and max_len is not None and max_len <= _PLAIN_MAX_LEN:
        k = int(max_len)
        if _join_is_cheaper(net, k):
            prep, found = _search_join(net, k, not count_only, progress)
        else:
            prep, found = _search_plain(_as_csr(net.structure), k, not count_only, progress)
    else:
        prep = _prepare(net.structure)
        k = _bound(max_len, prep)
        found = _search(prep, k, max_cycles, time_limit, not count_only, progress)
    counts = found.counts
    if max_len is None:  # lengths up to the longest found
        longest = int(np.flatnonzero(counts)[-1]) if counts.any() else 1
        counts = counts[: max(longest, 1) + 1]
    by_length = {int(L): int(counts[L]) for L in range(1, len(counts))}
    params = dict(max_len=max_len, max_cycles=max_cycles, time_limit=time_limit,
                  count_only=count_only, network=dict(net.params))
    if count_only:
        table, hop_table, hop_pairs = _empty_tables(net)
    else:
        table, hop_table, hop_pairs = _describe(net, found.nodes, found.length)
    return CycleReport(
        count=int(counts.sum()),
        by_length=by_length,
        complete=found.complete,
        stopped=found.stopped,
        scc_sizes=[int(x) for x in prep.scc_sizes],
        self_loops=int(len(prep.loops)),
        params=params,
        seconds=found.seconds,
        _table=table,
        _pairs=hop_table,
        _hop_pairs=hop_pairs,
        _labels=prep.labels,
        _net=net,
    )


# ------------------------------------------------------------------------------------------------
# Amounts, legs and dates of the cycles found (docs/methods.md 1.3)

_CYCLE_COLUMNS = ["nodes", "names", "length", "bottleneck", "bottleneck_low", "bottleneck_high",
                  "amount_complete", "kinds", "combinations", "first_announced", "last_announced"]


def _is_ledger_view(net: FlowNetwork) -> bool:
    # a network read by the lean reader is an edge list: its frame need not be built to know
    return net._legs is None and "deal" in net.edges.columns


def _table_columns(net: FlowNetwork) -> list[str]:
    return _CYCLE_COLUMNS if _is_ledger_view(net) else [
        c for c in _CYCLE_COLUMNS if c not in ("bottleneck_low", "bottleneck_high", "kinds", "first_announced",
                                               "last_announced")]


def _empty_tables(net: FlowNetwork):
    return {c: [] for c in _table_columns(net)}, {}, np.zeros((0, 0), dtype=np.int64)


def _describe(net: FlowNetwork, nodes: np.ndarray, length: np.ndarray):
    """The per-cycle table (its columns), the per-hop pair table (a frame for a ledger view,
    else its columns: an edge list is described in numpy alone) and the pair of every hop."""
    c, width = nodes.shape
    if c == 0:
        return _empty_tables(net)
    n = net.n
    ledger_view = _is_ledger_view(net)
    # hop j of a cycle goes from position j to position j+1 (wrapping at its length)
    pos = np.arange(width)
    nxt = np.where(pos[None, :] + 1 < length[:, None], pos[None, :] + 1, 0)
    tail = np.take_along_axis(nodes, nxt, axis=1)
    valid = pos[None, :] < length[:, None]
    keys = np.where(valid, nodes * n + tail, -1)

    # legs of the pairs used by some cycle, with the network's own per-pair sums
    legs_all = net.legs
    eu, ev = legs_all.u, legs_all.v
    on_cycle = np.zeros(n, dtype=bool)
    on_cycle[nodes[nodes >= 0]] = True
    near = np.flatnonzero(on_cycle[eu] & on_cycle[ev])  # cheap first cut on huge edge tables
    used = np.unique(keys[valid])
    hit = near[np.isin(eu[near] * n + ev[near], used)]
    lean = net._legs is not None  # read without pandas: its leg arrays are the whole edge table
    sub_edges = None if lean else net.edges.iloc[hit]
    # legs grouped by pair in (u, v) order, each pair's legs in edge-table order (as groupby)
    skey = eu[hit] * n + ev[hit]
    by_pair = np.argsort(skey, kind="stable")
    bounds = np.flatnonzero(np.diff(skey[by_pair])) + 1
    ends = np.append(bounds, len(skey)).tolist()
    starts = [0] + bounds.tolist()

    def legs(col: str) -> list:
        if sub_edges is None:
            column = {"amount": legs_all.amount, "in_flow": legs_all.in_flow}[col][hit]
        else:
            column = sub_edges[col].to_numpy()
        values = column[by_pair].tolist()
        return [values[a:b] for a, b in zip(starts, ends)]

    sub_legs = Legs(u=eu[hit], v=ev[hit], amount=legs_all.amount[hit], in_flow=legs_all.in_flow[hit])
    if ledger_view:
        import pandas as pd

        # the pair table in one construction (adding columns one by one costs more than the rest)
        sub = FlowNetwork(nodes=net.nodes, edges=sub_edges, params=net.params, names=net.names)  # type: ignore[arg-type]
        cols = sub.pairs()
        cols = {c: cols[c] for c in cols}
    else:
        cols = _pair_sums(sub_legs, n, net.nodes, skey, by_pair, bounds)
    if sub_edges is not None and "status" in sub_edges:
        cols["statuses"] = legs("status")
    cols["amounts"] = legs("amount")
    cols["cash"] = legs("in_flow")
    pairs: Any = pd.DataFrame(cols) if ledger_view else cols
    pkey = np.asarray(pairs["u"], dtype=np.int64) * n + np.asarray(pairs["v"], dtype=np.int64)
    hop_pairs = np.where(valid, np.searchsorted(pkey, np.where(valid, keys, pkey[0])), -1)
    if ledger_view:
        # a cash leg with a low but no high ("more than X") leaves its hop without an upper
        # bound: +inf for the minimum, so another hop can still bound the cycle
        e = sub_edges
        assert e is not None
        open_high = e["in_flow"].astype(bool) & e["amount_low"].notna() & e["amount_high"].isna()
        unbounded = open_high.groupby([e["u"], e["v"]], sort=True).any().to_numpy()
        pairs["high_open"] = unbounded

    def per_cycle(values: np.ndarray, pad: float) -> np.ndarray:
        return np.where(valid, values[np.maximum(hop_pairs, 0)], pad)

    def bottleneck(col: str, unbounded: np.ndarray | None = None) -> np.ndarray:
        # min over hops; NaN as soon as one hop has no known amount
        hop = np.asarray(pairs[col], dtype=float)
        if unbounded is not None:
            hop = np.where(unbounded, np.inf, hop)
        low = np.min(per_cycle(hop, np.inf), axis=1)
        return np.where(np.isinf(low), np.nan, low)

    labels = net.nodes[np.maximum(nodes, 0)]
    names = np.array([net.label(i) for i in range(n)], dtype=object) if net.names else net.nodes
    name_mat = names[np.maximum(nodes, 0)]
    known = per_cycle(~np.isnan(np.asarray(pairs["amount"], dtype=float)), True)
    hop_complete = per_cycle(np.asarray(pairs["complete"], dtype=bool), True)
    lab_rows, name_rows, lens = labels.tolist(), name_mat.tolist(), length.tolist()
    table = {
        "nodes": [tuple(r[:k]) for r, k in zip(lab_rows, lens)],
        "names": [tuple(r[:k]) for r, k in zip(name_rows, lens)],
        "length": length.astype(np.int64),
        "bottleneck": bottleneck("amount"),
    }
    if ledger_view:
        table["bottleneck_low"] = bottleneck("amount_low")
        table["bottleneck_high"] = bottleneck("amount_high", pairs["high_open"].to_numpy(bool))
    table["amount_complete"] = known.all(axis=1) & hop_complete.all(axis=1)
    table["combinations"] = np.prod(per_cycle(np.asarray(pairs["legs"], dtype=np.int64), 1), axis=1).astype(np.int64)
    if ledger_view:
        table["kinds"] = _kinds(pairs, hop_pairs, valid)
        first, last = _announced(sub_edges, pairs)
        # legs without a (parseable) date are skipped, not treated as the earliest
        lo = per_cycle(np.nan_to_num(first[0], nan=np.inf), np.inf)
        hi = per_cycle(np.nan_to_num(last[0], nan=-np.inf), -np.inf)
        table["first_announced"] = _pick(lo, np.argmin(lo, axis=1), hop_pairs, first[1])
        table["last_announced"] = _pick(hi, np.argmax(hi, axis=1), hop_pairs, last[1])
        return {c: table[c] for c in _CYCLE_COLUMNS}, pairs, hop_pairs
    return table, pairs, hop_pairs


def _pair_sums(legs: Legs, n: int, nodes: np.ndarray, skey: np.ndarray, by_pair: np.ndarray,
               bounds: np.ndarray) -> dict:
    """The columns of ``pairs()`` of an edge-list network (no ledger columns) whose legs are
    ``legs``, in numpy: the same columns, dtypes and values, the amount summed in pandas' order
    with its compensated (Kahan) summation, so the sums are equal to the last bit. Tested
    against ``pairs()``."""
    cash = legs.in_flow[by_pair]
    amount = legs.amount[by_pair]
    known = cash & ~np.isnan(amount)
    starts = np.concatenate([[0], bounds]).astype(np.int64)
    size = np.diff(np.concatenate([starts, [len(skey)]]))
    group = np.repeat(np.arange(len(starts)), size)
    rank = np.arange(len(skey)) - starts[group]
    total = np.zeros(len(starts))
    comp = np.zeros(len(starts))
    for r in range(int(size.max(initial=0))):
        at = np.flatnonzero((rank == r) & known)
        g, val = group[at], amount[at]
        y = val - comp[g]
        t = total[g] + y
        c = t - total[g] - y
        comp[g] = np.where(c != c, 0.0, c)
        total[g] = t
    known_legs = np.add.reduceat(known.astype(np.int64), starts) if len(skey) else np.zeros(0, np.int64)
    key = skey[by_pair][starts]
    u, v = key // n, key % n
    cash_legs = np.add.reduceat(cash.astype(np.int64), starts)
    return {"u": u, "v": v, "legs": size.astype(np.int64), "cash_legs": cash_legs, "known_legs": known_legs,
            "amount": np.where(known_legs > 0, total, np.nan), "complete": known_legs == cash_legs,
            "source": nodes[u], "target": nodes[v]}


def _kinds(pairs: pd.DataFrame, hop_pairs: np.ndarray, valid: np.ndarray) -> list[tuple[str, ...]]:
    vocab = sorted({k for ks in pairs["kinds"] for k in ks})
    bit = {k: 1 << i for i, k in enumerate(vocab)}
    masks = np.array([sum(bit[k] for k in ks) for ks in pairs["kinds"]], dtype=np.int64)
    per = np.bitwise_or.reduce(np.where(valid, masks[np.maximum(hop_pairs, 0)], 0), axis=1)
    return [tuple(k for k in vocab if m & bit[k]) for m in per.tolist()]


def _announced(edges: pd.DataFrame, pairs: pd.DataFrame):
    """Per pair: (ordinal, text) of its earliest and of its latest announced leg."""
    import pandas as pd

    from ..ledger.dates import PartialDate

    text = edges["announced"].astype(object)
    ordinal = {}
    for t in pd.unique(text.dropna()):
        try:
            ordinal[t] = PartialDate.parse(str(t)).start.toordinal()
        except ValueError:
            pass
    o = text.map(ordinal).astype(float)
    frame = pd.DataFrame({"u": edges["u"], "v": edges["v"], "o": o, "t": text})
    g = frame.dropna(subset=["o"]).sort_values(["u", "v", "o"]).groupby(["u", "v"], sort=True)
    firsts, lasts = g.first(), g.last()
    idx = pd.MultiIndex.from_frame(pairs[["u", "v"]])
    first = firsts.reindex(idx)
    last = lasts.reindex(idx)
    return ((first["o"].to_numpy(float), first["t"].to_numpy(object)),
            (last["o"].to_numpy(float), last["t"].to_numpy(object)))


def _pick(values: np.ndarray, col: np.ndarray, hop_pairs: np.ndarray, text: np.ndarray) -> list:
    rows = np.arange(len(col))
    pair = hop_pairs[rows, col]
    ok = np.isfinite(values[rows, col])
    return [text[p] if good else None for p, good in zip(pair.tolist(), ok.tolist())]


# ------------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True, eq=False)
class CycleReport(Result):
    """Simple cycles of a network up to a length bound (docs/methods.md section 1).

    Attributes
    ----------
    count : int
        Number of simple cycles found (all lengths).
    by_length : dict[int, int]
        Cycles per length 1..max_len (1 = self-loops, 2 = reciprocal pairs).
    cycles : pandas.DataFrame
        One row per cycle, sorted by (length, canonical node sequence); empty with
        ``count_only``. See :func:`cycles` for the columns.
    complete : bool
        False when ``max_cycles`` or ``time_limit`` cut the search short; the counts are then
        lower bounds.
    stopped : str or None
        ``"max_cycles"`` or ``"time_limit"`` when cut short.
    scc_sizes : list[int]
        Sizes of the strongly connected components with at least two nodes, largest first:
        only their nodes (and nodes with a self-loop) can lie on a cycle.
    self_loops : int
        Nodes with a self-loop (flows inside one company, e.g. after a roll-up).
    params : dict
        The call's parameters and the network view's.
    seconds : float
        Time spent searching.
    """

    count: int
    by_length: dict[int, int]
    complete: bool
    stopped: str | None
    scc_sizes: list[int]
    self_loops: int
    params: dict[str, Any]
    seconds: float
    #: the columns of ``cycles`` (numpy arrays; lists of tuples for nodes and names)
    _table: dict[str, Any] = field(repr=False, default_factory=dict)
    #: the pairs the hops use: a frame (ledger views) or its columns (edge lists)
    _pairs: Any = field(repr=False, default=None)
    _hop_pairs: np.ndarray | None = field(repr=False, default=None)
    #: SCC label of every node; None until :meth:`components` asks (the numpy join's report)
    _labels: np.ndarray | None = field(repr=False, default=None)
    _net: FlowNetwork | None = field(repr=False, default=None)

    caption = "Simple cycles (USD billions)"

    def __repr__(self) -> str:
        state = "complete" if self.complete else f"incomplete: stopped at {self.stopped}"
        return f"<CycleReport {self.count} cycles {self.by_length} ({state})>"

    @cached_property
    def cycles(self) -> pd.DataFrame:
        """One row per cycle (see the class's docstring), built on first use."""
        import pandas as pd

        if not self.rows:
            return pd.DataFrame(columns=list(self._table))
        return pd.DataFrame(self._table)

    @property
    def rows(self) -> int:
        """Number of rows of ``cycles`` (0 with ``count_only``)."""
        return len(self._table.get("length", ()))

    def column(self, name: str) -> Any:
        """One column of ``cycles`` without building the frame: a numpy array, or a list of
        tuples for ``nodes`` and ``names`` (what a caller that only prints needs)."""
        return self._table[name]

    def to_frame(self) -> pd.DataFrame:
        """One row per cycle (a copy of ``cycles``)."""
        return self.cycles.copy()

    def hops(self) -> pd.DataFrame:
        """One row per hop of every cycle: ``cycle`` (row of ``cycles``), ``hop`` (0-based),
        ``payer``, ``payee``, ``amount`` (sum of known cash-leg amounts, USD bn),
        ``complete`` (every cash leg has an amount), ``legs`` and, per leg, ``deals``,
        ``kinds``, ``statuses``, ``amounts`` and ``cash`` (whether the leg moves cash)."""
        cols = ["cycle", "hop", "payer", "payee", "amount", "amount_low", "amount_high", "complete", "legs",
                "deals", "kinds", "statuses", "amounts", "cash"]
        import pandas as pd

        if self._hop_pairs is None or self._pairs is None or not self.rows:
            return pd.DataFrame(columns=cols)
        cyc, hop = np.nonzero(self._hop_pairs >= 0)
        pairs = pd.DataFrame(self._pairs) if isinstance(self._pairs, dict) else self._pairs
        p = pairs.iloc[self._hop_pairs[cyc, hop]].reset_index(drop=True)
        out = pd.DataFrame({"cycle": cyc, "hop": hop, "payer": p["source"], "payee": p["target"]})
        for col in cols[4:]:
            if col in p:
                out[col] = p[col].to_numpy()
        return out[[c for c in cols if c in out]]

    def _scc_labels(self) -> np.ndarray:
        """SCC labels (Tarjan 1972, the compiled core's numbering), computed if the search did not."""
        assert self._net is not None  # set by cycles()
        if self._labels is None:
            indptr, indices = self._net.structure_arrays
            _, labels = _core().strong_components(indptr, indices.astype(np.int64))
            object.__setattr__(self, "_labels", labels)
        assert self._labels is not None
        return self._labels

    def components(self) -> pd.DataFrame:
        """Strongly connected component of every node: ``node``, ``scc`` (label), ``size``."""
        import pandas as pd

        labels = self._scc_labels()
        assert self._net is not None
        sizes = np.bincount(labels)
        return pd.DataFrame({"node": self._net.nodes, "scc": labels, "size": sizes[labels]})

    def condensation(self) -> pd.DataFrame:
        """The condensation DAG: one row per ordered pair of distinct SCCs joined by a leg
        (``source_scc``, ``target_scc``, ``pairs`` = company pairs joining them)."""
        import pandas as pd

        labels = self._scc_labels()
        assert self._net is not None
        s = self._net.structure.tocoo()
        a, b = labels[s.row], labels[s.col]
        keep = a != b
        frame = pd.DataFrame({"source_scc": a[keep], "target_scc": b[keep]})
        return frame.groupby(["source_scc", "target_scc"]).size().rename("pairs").reset_index()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``count``, ``by_length`` ({"2": n, ...}), ``cycles`` (unless
        ``count_only``: per cycle ``nodes``, ``bottleneck`` and the other columns, with its
        ``hops``), ``complete``, ``stopped``, ``scc_sizes``, ``self_loops``, ``params``."""
        out: dict[str, Any] = {
            "count": self.count,
            "by_length": {str(k): v for k, v in self.by_length.items()},
        }
        if not self.params.get("count_only"):
            if isinstance(self._pairs, dict):
                out["cycles"] = self._json_rows()
            else:
                rows = jsonable(self.cycles)
                hops = self.hops()
                if len(hops):
                    per = {i: g for i, g in hops.drop(columns="cycle").groupby(hops["cycle"].to_numpy())}
                    for i, row in enumerate(rows):
                        row["hops"] = jsonable(per[i])
                out["cycles"] = rows
        out.update(complete=self.complete, stopped=self.stopped, scc_sizes=self.scc_sizes,
                   self_loops=self.self_loops, params=jsonable(self.params), seconds=self.seconds)
        return out

    def _json_rows(self) -> list[dict[str, Any]]:
        """The ``cycles`` of :meth:`to_dict` for an edge list (pairs held as columns), made from
        the arrays: the rows and hops the frames give (``jsonable`` of ``cycles`` and of
        ``hops()``), without pandas."""
        if not self.rows:
            return []
        table = {c: (v.tolist() if isinstance(v, np.ndarray) else v) for c, v in self._table.items()}
        pairs = self._pairs
        hop_cols = [("payer", "source"), ("payee", "target")] + [
            (c, c) for c in ("amount", "complete", "legs", "statuses", "amounts", "cash") if c in pairs]
        hop_values = {c: (pairs[c].tolist() if isinstance(pairs[c], np.ndarray) else pairs[c]) for _, c in hop_cols}
        hop_pairs = self._hop_pairs.tolist() if self._hop_pairs is not None else []
        rows = []
        for i in range(self.rows):
            row = {c: jsonable(v[i]) for c, v in table.items()}
            row["hops"] = [{"hop": j, **{name: jsonable(hop_values[c][p]) for name, c in hop_cols}}
                           for j, p in enumerate(hop_pairs[i]) if p >= 0]
            rows.append(row)
        return rows
