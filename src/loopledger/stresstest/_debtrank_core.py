"""Compiled DebtRank steps for :func:`loopledger.stresstest.debtrank.propagate` (numba, cached
on disk).

The kernel does what the array version does, step for step and in the same floating-point
order: per step, the distress each node passes on (the original rule of Battiston et al. 2012:
``h`` once, the step after the node is first distressed; the linear rule of Bardoscia et al.
2015: the last increment), the scenarios still moving, and per row of the pairs (sorted by
row) the sum of ``lam * passed`` over the pairs whose counterparty passes something in some
moving scenario, added in pair order, capped at 1. Unlike the array version it visits only
the nodes that pass something on (the frontier) and the rows they reach, so a step costs what
moves in it, not the whole (n, B) state. The array version stays the reference (it runs when a
history is asked for) and a test checks that both give identical arrays on random networks.
"""

from __future__ import annotations

import numpy as np

from .._compiled import jit


@jit
def propagate_steps(row_ptr, cols, col_ptr, col_rows, lam, battiston, tol, cap, default_level,
                    h, first, rd, rdef, passed):  # pragma: no cover - compiled
    """Run the steps in place on ``h`` (the initial shock, copied), ``first``, ``rd``,
    ``rdef`` and ``passed`` (all (n, B)). Pairs are sorted by row: row r's pairs are
    ``row_ptr[r]:row_ptr[r + 1]``; the rows with a pair on column j are
    ``col_rows[col_ptr[j]:col_ptr[j + 1]]``; ``lam`` is (m, 1) or (m, B). Returns (steps,
    converged).

    Invariants used (they hold for the array version too): a node's distress is non-zero for
    what it passes on only on the frontier (original rule: the nodes active in some scenario;
    linear rule: the rows changed by the step before, or the shocked nodes at first); under the
    linear rule a scenario with a NaN distress never moves again (numpy's maximum is NaN)."""
    n, B = h.shape
    one_lam = lam.shape[1] == 1
    src = np.zeros((n, B))
    nxt = np.zeros((n, B))
    active = np.zeros((n, B), dtype=np.bool_)
    spent = np.zeros((n, B), dtype=np.bool_)
    nan_col = np.zeros(B, dtype=np.bool_)
    running = np.zeros(B, dtype=np.bool_)
    top = np.zeros(B)
    acc = np.zeros(B)
    passes = np.zeros(n, dtype=np.bool_)
    stamp = np.full(n, -1, dtype=np.int64)
    frontier = np.empty(n, dtype=np.int64)
    touched = np.empty(n, dtype=np.int64)
    n_front = 0
    for i in range(n):
        on = False
        for b in range(B):
            x = h[i, b]
            first[i, b] = x
            if battiston:
                if x > 0:
                    active[i, b] = True
                    src[i, b] = x
                    on = True
            else:
                if x != x:
                    nan_col[b] = True
                elif x != 0.0:
                    src[i, b] = x
                    on = True
        if on:
            frontier[n_front] = i
            n_front += 1
    thr = 0.0 if battiston else tol
    steps = 0
    converged = True
    while True:
        any_running = False
        for b in range(B):
            top[b] = 0.0
        for f in range(n_front):
            i = frontier[f]
            for b in range(B):
                if src[i, b] > top[b]:
                    top[b] = src[i, b]
        for b in range(B):
            running[b] = top[b] > thr and not nan_col[b]
            any_running = any_running or running[b]
        if not any_running:
            break
        if steps >= cap:
            converged = battiston
            break
        steps += 1
        # what the frontier passes on, and the rows it reaches
        n_touch = 0
        for f in range(n_front):
            j = frontier[f]
            p = False
            for b in range(B):
                if running[b]:
                    passed[j, b] += src[j, b]
                    if src[j, b] > 0.0:
                        p = True
            passes[j] = p
            if p:
                for q in range(col_ptr[j], col_ptr[j + 1]):
                    r = col_rows[q]
                    if stamp[r] != steps:
                        stamp[r] = steps
                        touched[n_touch] = r
                        n_touch += 1
        # each reached row: the sum over its pairs in pair order, capped at 1
        for t in range(n_touch):
            r = touched[t]
            started = False
            for q in range(row_ptr[r], row_ptr[r + 1]):
                j = cols[q]
                if not passes[j]:
                    continue
                for b in range(B):
                    if running[b]:
                        x = (lam[q, 0] if one_lam else lam[q, b]) * src[j, b]
                        acc[b] = x if not started else acc[b] + x
                started = True
            for b in range(B):
                if running[b]:
                    old = h[r, b]
                    v = old + acc[b]
                    v = 1.0 if v > 1.0 else v  # np.minimum(1, v): a NaN stays NaN
                    h[r, b] = v
                    if v > 0 and rd[r, b] < 0:
                        rd[r, b] = steps
                    if v >= default_level and rdef[r, b] < 0:
                        rdef[r, b] = steps
                    if not battiston:
                        nxt[r, b] = v - old  # the next step's increment passed on
                        if v != v:
                            nan_col[b] = True
        # the next frontier
        for f in range(n_front):
            j = frontier[f]
            passes[j] = False
            for b in range(B):
                if battiston and active[j, b]:
                    spent[j, b] = True
                    active[j, b] = False
                src[j, b] = 0.0
        n_front = 0
        for t in range(n_touch):
            r = touched[t]
            on = False
            for b in range(B):
                if battiston:
                    if h[r, b] > 0 and not spent[r, b]:
                        active[r, b] = True
                        on = True
                else:
                    x = nxt[r, b]
                    nxt[r, b] = 0.0
                    src[r, b] = x
                    if x != 0.0:
                        on = True
            if on:
                frontier[n_front] = r
                n_front += 1
        if battiston:
            for f in range(n_front):
                r = frontier[f]
                for b in range(B):
                    src[r, b] = h[r, b] if active[r, b] else 0.0
        if steps == 1:
            for i in range(n):
                for b in range(B):
                    first[i, b] = h[i, b]
    return steps, converged


@jit
def loss_sums(rows, cols, A, E, finite, battiston, passed, h, h0,
              raw, direct_raw, raw_full):  # pragma: no cover - compiled
    """Per holder (rows of ``raw`` etc., (n, B), zeros on entry), summed over the pairs in
    their order as the incidence product ``P_rows @ x`` sums them: ``raw`` the pairs' exposure
    (capped at the holder's buffer under the original rule) times the distress the counterparty
    passed on (its final distress for a holder without a finite buffer), ``direct_raw`` the same
    exposure times the counterparty's initial shock, ``raw_full`` the uncapped exposure times
    what was passed on. One pass over the pairs instead of the array version's copies, gathers
    and three sparse products."""
    m, B = A.shape
    for q in range(m):
        r = rows[q]
        c = cols[q]
        fin = finite[r]
        e = E[r]
        for b in range(B):
            a = A[q, b]
            ca = a
            if battiston and fin:
                ca = e if e < a else a  # np.minimum(a, e): a NaN stays NaN
            ps = passed[c, b] if fin else h[c, b]
            raw[r, b] += ca * ps
            x = h0[c, b]
            direct_raw[r, b] += ca * (x if x > 0 else 0.0)
            raw_full[r, b] += a * ps
