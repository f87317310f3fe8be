"""Each company's loss statistics over the Monte Carlo's scenarios (numba, cached on disk, the
GIL released), read from the chunks' positive losses without joining them into one matrix.

A chunk returns, for each company, its positive losses in scenario order (CSR arrays: row
``i`` from ``indptr[i]`` to ``indptr[i + 1]`` of ``data``; a missing scenario lost nothing).
Gathering a company's values chunk after chunk gives them in the order of all the scenarios;
:func:`company_stats` then computes, per company:

* the mean loss: the values summed in scenario order, divided by the number of scenarios N;
* quantiles by numpy's default (linear) rule on the N values with the zeros put back:
  position ``q (N - 1)``, between the values at its floor and its ceiling;
* the expected shortfall at a level: the mean of the worst ``k = ceil((1 - level) N)`` values
  (Acerbi & Tasche 2002), the largest first, zeros when fewer than k are positive.

Joining a hundred chunks into one sparse matrix first took longer than the scenarios
themselves when most companies lose in most scenarios (87 million entries on the 10,000-node
benchmark network); here a thread copies a batch of companies' values next to each other
into a buffer it reuses, and sorts each where it lies.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .._compiled import jit

#: a company with at most this many positive losses is sorted in the compiled gather; a longer
#: one by numpy (whose vectorised sort is several times faster per value than numba's)
SHORT = 256
#: the companies gathered at once by a thread, into a buffer it reuses (a buffer for all the
#: values at once costs more to fault in than the work done in it)
BATCH_VALUES = 4_000_000


@jit(nogil=True)
def _gather(indptrs, datas, N, first, last, short, buf, start, mean):  # pragma: no cover - compiled
    """Copy the positive losses of companies ``first`` to ``last - 1`` from the chunks
    (``datas[c]``, rows by ``indptrs[c]``) to ``buf``, company after company in scenario order
    (``start[i - first]`` where each begins; the chunks are read one after the other, each in
    one sweep); their sum in that order over N is the mean; a
    row of at most ``short`` values is sorted here (a parameter, not the global: numba's cache
    would keep the value it compiled in)."""
    C = indptrs.shape[0]
    p = 0
    for i in range(first, last):  # where each company's values go: its counts over the chunks
        start[i - first] = p
        for c in range(C):
            p += indptrs[c, i + 1] - indptrs[c, i]
    start[last - first] = p
    # chunk after chunk, each read in one sweep: every company's values appended in scenario
    # order and summed in that order
    at = start[:last - first].copy()
    sums = np.zeros(last - first)
    for c in range(C):
        d = datas[c]
        for i in range(first, last):
            k = at[i - first]
            s = sums[i - first]
            for t in range(indptrs[c, i], indptrs[c, i + 1]):
                x = d[t]
                buf[k] = x
                k += 1
                s += x
            at[i - first] = k
            sums[i - first] = s
    for i in range(first, last):
        mean[i] = sums[i - first] / N
        a, b = start[i - first], start[i - first + 1]
        if b - a <= short:
            buf[a:b].sort()


@jit(nogil=True)
def _read_sorted(buf, start, N, qs, k, first, last, quant, es):  # pragma: no cover - compiled
    """Quantiles and expected shortfall of companies ``first`` to ``last - 1`` from their sorted
    positive losses in ``buf`` (module docstring)."""
    for i in range(first, last):
        a = start[i - first]
        cnt = start[i - first + 1] - a
        if cnt == 0:
            continue
        zeros = N - cnt
        for j in range(len(qs)):
            pos = qs[j] * (N - 1)
            lo = int(np.floor(pos))
            hi = int(np.ceil(pos))
            frac = pos - lo
            a_lo = 0.0 if lo < zeros else buf[a + lo - zeros]
            a_hi = 0.0 if hi < zeros else buf[a + hi - zeros]
            quant[i, j] = a_lo + (a_hi - a_lo) * frac
        top = 0.0
        for r in range(min(k, cnt)):
            top += buf[a + cnt - 1 - r]
        es[i] = top / k


def company_stats(parts: list[tuple[np.ndarray, np.ndarray]], n: int, N: int, qs, level: float,
                  threads: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, quantiles ``qs`` (n, len(qs)) and expected shortfall at ``level`` of each of ``n``
    companies' losses over ``N`` scenarios, from the chunks' ``(indptr, data)`` in scenario
    order (module docstring); the companies split among ``threads``, each gathering batches of
    companies into one reused buffer."""
    from numba.typed import List

    indptrs = np.array([np.asarray(p[0], dtype=np.int64) for p in parts], dtype=np.int64).reshape(len(parts), n + 1)
    counts = (indptrs[:, 1:] - indptrs[:, :-1]).sum(axis=0)
    ends = np.cumsum(counts)
    datas = List([np.asarray(p[1], dtype=float) for p in parts]) if parts else List([np.zeros(0)])
    qs = np.asarray(list(qs), dtype=float)
    k = max(1, int(np.ceil((1.0 - level) * N - 1e-9)))
    mean, quant, es = np.zeros(n), np.zeros((n, len(qs))), np.zeros(n)
    cuts = np.linspace(0, n, max(1, threads) + 1).astype(np.int64)
    spans = [(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]

    def batches(first: int, last: int):
        """Runs of companies whose values fit in BATCH_VALUES (at least one company each)."""
        while first < last:
            base = ends[first - 1] if first else 0
            stop = int(np.searchsorted(ends, base + BATCH_VALUES, side="right"))
            stop = min(max(stop, first + 1), last)
            yield first, stop
            first = stop

    def work(span):
        first, last = span
        size = max((int(counts[a:b].sum()) for a, b in batches(first, last)), default=0)
        buf = np.empty(size)
        for a, b in batches(first, last):
            start = np.zeros(b - a + 1, dtype=np.int64)
            if parts:
                _gather(indptrs, datas, N, a, b, SHORT, buf, start, mean)
            for i in np.flatnonzero(counts[a:b] > SHORT):
                buf[start[i]:start[i + 1]].sort()  # numpy releases the GIL while it sorts
            _read_sorted(buf, start, N, qs, k, a, b, quant, es)

    if len(spans) > 1:
        with ThreadPoolExecutor(len(spans)) as pool:
            list(pool.map(work, spans))
    else:
        for span in spans:
            work(span)
    return mean, quant, es
