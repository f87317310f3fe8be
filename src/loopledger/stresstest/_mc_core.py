"""Compiled Monte Carlo scenarios of a plain network (numba, cached on disk, the GIL released).

A *plain* network is one whose legs are all claims (loans, bonds, obligations: what a user's
edge list holds) and stakes, with no backstop, pledge, secured loan or commercial contract.
Its legs' values then do not depend on who has defaulted (nothing redeploys, no guarantee or
collateral is called), so the waves of :func:`~loopledger.stresstest.waves.debtrank_waves`
reach their fixed point after one propagation: the second wave values the same legs, spreads
the same distress and reads the same defaults. :func:`plain_chunk` runs, in blocks of
:data:`~loopledger.stresstest._mc_block.BLOCK` scenarios whose arrays stay in the cache, what
the array version runs on (n, B) arrays:

1. each leg's amount from its draw, zero when its deal group is not realised, and what it
   costs its holder on the economic basis (``min(remaining x (1 - R), gross)``) and on the
   gross bound (``loss_share x remaining x (1 - R_gross)``); a stake its carrying value
   (economic) or its mark (gross);
2. per basis (the gross bound first), the pairs' exposures, DebtRank (Battiston et al. 2012,
   or the linear rule of Bardoscia et al. 2015) from the initial shock, step for step as in
   :func:`~loopledger.stresstest._debtrank_core.propagate_steps`, each holder's raw loss added
   up as the distress reaches it, the losses capped at the holders' room, the defaulters'
   buffers written off;
3. the economic loss capped company by company at the gross bound, and the outputs of
   :func:`~loopledger.stresstest.montecarlo.run_chunk`.

The kernel numbers the companies in the order a breadth-first search from the shocked ones
reaches them (:func:`~loopledger.stresstest.montecarlo.spread_order`), so that what one step
reaches lies together in memory; it reads the pairs and the draws in their own order.

The array version stays the reference: a test checks that both give the same outputs on
random plain networks: the same draws, the same counts, the same companies losing in the
same scenarios, and sums equal to 1e-12 relative (they add the same terms, some in another
order: a holder's raw loss as the steps reach it, under the original rule its distress read
from its raw loss (:func:`_distress`), the totals in the kernel's numbering).
"""

from __future__ import annotations

import numpy as np

from .._compiled import jit
from ._mc_block import BLOCK
from ._pcg import draw

# The block width is read from the work arrays' shape inside the kernels, never from BLOCK:
# numba's on-disk cache does not notice a change of a global it compiled in.


@jit(nogil=True)
def _spread(n, col_lo, col_hi, rows, A, Ef, battiston, tol, cap, shocked, h, raw, src, acc, active, spent,
            on, frontier, touched, visited, done, seen, top, running, nan_col):  # pragma: no cover - compiled
    """DebtRank of a block of :data:`BLOCK` scenarios, in place on ``h`` (n, BLOCK; the initial
    shock, non-zero only on the nodes ``shocked``) and ``raw`` (zeros): the steps of
    :func:`~loopledger.stresstest._debtrank_core.propagate_steps`, pushed from the nodes that
    pass distress on instead of gathered by the rows they reach. A company's pairs as a
    counterparty are ``col_lo[j]`` to ``col_hi[j]`` (``rows`` their holders, all with a finite
    buffer; ``A`` their exposures; the impact of a pair is its exposure over the holder's
    buffer ``Ef``, capped at 1 under the original rule, computed where it is used: an (m,
    BLOCK) array of impacts cost more to write and read back than the division). Each push
    also adds to the holder's raw loss the exposure (capped at its buffer under the original
    rule) times the distress passed on: what the counterparty passes on in all, summed step by
    step. The frontier is kept in ascending order, so a row adds a step's terms in the order
    of their counterparties. Under the original rule a push adds only to the holder's raw
    loss, and a node's distress is read from it (:func:`_distress`): when the step ends, for
    the nodes it reached, and at the end, into ``h`` for every node reached; a holder that has
    passed its distress on in every scenario of the block (``done``) never passes any on
    again, so it is not one of the step's rows to update. A scenario that stops has its
    distress to pass on set to zero, which adds nothing, as skipping it does. The work arrays
    (``src`` ... ``seen``) come in zeroed and are left so."""
    W = h.shape[1]
    n_front = 0
    n_seen = 0
    for b in range(W):
        nan_col[b] = False
    for t in range(len(shocked)):
        i = shocked[t]
        any_ = False
        for b in range(W):
            x = h[i, b]
            if battiston:
                if x > 0:
                    active[i, b] = True
                    src[i, b] = x
                    any_ = True
            else:
                if x != x:
                    nan_col[b] = True
                elif x != 0.0:
                    src[i, b] = x
                    any_ = True
        if any_:
            frontier[n_front] = i
            n_front += 1
    thr = 0.0 if battiston else tol
    steps = 0
    # the most distress a frontier node passes on, per scenario (then kept while the next
    # frontier is made)
    for b in range(W):
        top[b] = 0.0
    for f in range(n_front):
        j = frontier[f]
        for b in range(W):
            x = src[j, b]
            top[b] = x if x > top[b] else top[b]
    while True:
        any_run = False
        every = True
        for b in range(W):
            running[b] = top[b] > thr and not nan_col[b]
            any_run = any_run or running[b]
            every = every and running[b]
        if not any_run or steps >= cap:
            break
        steps += 1
        n_touch = 0
        for f in range(n_front):
            j = frontier[f]
            pj = False
            if every:
                for b in range(W):
                    pj |= src[j, b] > 0.0
            else:
                for b in range(W):
                    s = src[j, b] if running[b] else 0.0
                    src[j, b] = s
                    pj |= s > 0.0
            if battiston:
                all_spent = True
                for b in range(W):
                    x = spent[j, b] | active[j, b]
                    spent[j, b] = x
                    all_spent &= x
                    active[j, b] = False
                done[j] = all_spent
                if not visited[j]:
                    visited[j] = True
                    seen[n_seen] = j
                    n_seen += 1
            if pj:
                for q in range(col_lo[j], col_hi[j]):
                    r = rows[q]
                    e = Ef[r]
                    if battiston:
                        # only the raw loss is added up: the distress is min(1, h0 + raw / E)
                        # (below); a holder spent in every scenario passes nothing on again
                        # and is not one of the step's rows
                        for b in range(W):
                            a = A[q, b]
                            raw[r, b] += (e if e < a else a) * src[j, b]
                        if done[r]:
                            continue
                    if not on[r]:
                        on[r] = True
                        touched[n_touch] = r
                        n_touch += 1
                    if not battiston:
                        for b in range(W):
                            a = A[q, b]
                            s = src[j, b]
                            acc[r, b] += (a / e) * s
                            raw[r, b] += a * s
            for b in range(W):
                src[j, b] = 0.0
        # the rows reached, in ascending order (the next frontier is read in that order)
        if n_touch * 16 < n:
            touched[:n_touch].sort()
        else:
            k = 0
            for i in range(n):
                if on[i]:
                    touched[k] = i
                    k += 1
        n_front = 0
        for b in range(W):
            top[b] = 0.0
        for t in range(n_touch):
            r = touched[t]
            on[r] = False
            any_ = False
            if battiston:  # its distress from its raw loss (h still holds the initial shock)
                e = Ef[r]
                for b in range(W):
                    v = h[r, b] + raw[r, b] / e
                    v = 1.0 if v > 1.0 else v
                    a = (v > 0.0) & ~spent[r, b]  # numpy bool: ~ is logical not, without a branch
                    active[r, b] = a
                    x = v if a else 0.0
                    src[r, b] = x
                    top[b] = x if x > top[b] else top[b]
                    any_ |= a
                if any_:
                    frontier[n_front] = r
                    n_front += 1
                continue
            for b in range(W):  # the linear rule: the step's sum added, its increase passed on
                if running[b]:
                    old = h[r, b]
                    v = old + acc[r, b]
                    v = 1.0 if v > 1.0 else v  # np.minimum(1, v): a NaN stays NaN
                    h[r, b] = v
                    x = v - old
                    src[r, b] = x
                    if v != v:
                        nan_col[b] = True
                    if x != 0.0:
                        any_ = True
                    acc[r, b] = 0.0
            if any_:
                frontier[n_front] = r
                n_front += 1
                for b in range(W):
                    x = src[r, b]
                    top[b] = x if x > top[b] else top[b]
    # under the original rule, the distress of every node reached (each was, or is about to
    # be, on a frontier); then leave the work arrays as they came
    for f in range(n_front):
        j = frontier[f]
        if battiston and not visited[j]:
            _distress(h, raw, Ef[j], j)
        for b in range(W):
            src[j, b] = 0.0
            active[j, b] = False
    for t in range(n_seen):
        j = seen[t]
        if battiston:
            _distress(h, raw, Ef[j], j)
        visited[j] = False
        done[j] = False
        for b in range(W):
            spent[j, b] = False


@jit(nogil=True, inline="always")
def _distress(h, raw, e, j):  # pragma: no cover - compiled
    """Node j's distress under the original rule, from its initial shock (in ``h``) and its
    raw loss: ``min(1, h0 + raw / E)``. Each push adds ``min(E, A) s`` to the raw loss, which is
    E times the ``min(1, A / E) s`` it adds to the distress, and capping each step's sum at 1
    or the total once gives the same (no term is negative)."""
    for b in range(h.shape[1]):
        v = h[j, b] + raw[j, b] / e
        h[j, b] = 1.0 if v > 1.0 else v


@jit(nogil=True)
def _reset(n, h0, h, raw):  # pragma: no cover - compiled
    """Every scenario's distress at the initial shock; no loss yet."""
    W = h.shape[1]
    for i in range(n):
        x = h0[i]
        for b in range(W):
            h[i, b] = x
            raw[i, b] = 0.0


@jit(nogil=True)
def _settle(n, emit, economic, hold_ptr, hold_q, cols, A, E, finite, failed, h0, battiston, level,
            raw, h, loss_g, b0, bb, weights, distress_threshold, loss_out, scalars, n_default,
            n_distress, n_hit, n_pos, li, di, acc_f, acc_i):  # pragma: no cover - compiled
    """One basis of a block after its spread, holder by holder, in one pass over its scenarios
    (``hold_ptr``/``hold_q``: the pairs a holder's settlement reads, in order: all of a holder
    without a finite buffer, else those whose counterparty is shocked):

    1. the raw loss: from the spread (``raw``) for a holder with a finite buffer; for one
       without, each pair's exposure times the counterparty's final distress; and the direct
       loss, each pair's exposure (capped at the holder's buffer under the original rule)
       times the counterparty's initial shock;
    2. the loss capped at the holder's room, the default (failed, or h at the default level),
       a defaulter's whole buffer written off;
    3. ``emit`` False (the gross bound of an economic run): the loss is kept in ``loss_g``
       (for the ``bb`` scenarios in use).
       ``emit`` True: the outputs of :func:`~loopledger.stresstest.montecarlo.run_chunk` for
       the ``bb`` scenarios of the block that starts at ``b0``: the economic loss capped at
       the gross bound ``loss_g`` where it is above it by more than 1e-9 (``economic``),
       DebtRank's R, the totals, the defaults, the distressed and the companies hit, summed
       over the companies in the kernel's numbering, the losses into ``loss_out`` (0 where
       none) and each company's count of positive ones (shocked or not) into ``n_pos``."""
    W = h.shape[1]
    if emit:
        for b in range(bb):
            for k in range(4):
                acc_f[k, b] = 0.0
            for k in range(3):
                acc_i[k, b] = 0
    for i in range(n):
        fin = finite[i]
        e = E[i]
        held = hold_ptr[i + 1] > hold_ptr[i]
        if held:  # pairs to read: their terms added to the raw loss and the direct loss
            for b in range(W):
                li[b] = raw[i, b]  # a holder with a finite buffer: added up by the spread
                di[b] = 0.0
            for k in range(hold_ptr[i], hold_ptr[i + 1]):
                q = hold_q[k]
                c = cols[q]
                x = h0[c]
                if not fin:
                    for b in range(W):
                        li[b] += A[q, b] * h[c, b]
                if x > 0:
                    capped = battiston and fin  # the original rule caps an exposure at the buffer
                    for b in range(W):
                        a = A[q, b]
                        di[b] += ((e if e < a else a) if capped else a) * x
        gone = failed[i]
        room = (e if fin else np.inf) * (1.0 - (0.0 if gone else h0[i]))
        other = h0[i] == 0.0
        w = weights[i]
        shock = h0[i]
        # this company's counts in local variables (an array entry incremented in the loop
        # would be read and written back scenario after scenario)
        nd = 0
        ns = 0
        nh = 0
        npos = 0
        for b in range(bb):
            got = li[b] if held else raw[i, b]
            lo = 0.0 if gone else (got if got < room else room)
            direct = di[b] if held else 0.0
            dl = direct if direct < lo else lo
            de = gone or (fin and h[i, b] >= level)
            if de and not gone and fin:
                short = e - lo
                lo += short if short > 0.0 else 0.0
            if not emit:  # the gross bound of an economic run: kept for the cap
                loss_g[i, b] = lo
                continue
            lg = loss_g[i, b] if economic else lo
            if economic and lo > lg + 1e-9:
                lo = lg
                dl = dl if dl < lo else lo
            hv = h[i, b] if fin else 0.0
            acc_f[0, b] += w * (hv - shock)
            acc_f[1, b] += lo
            acc_f[2, b] += lg
            acc_f[3, b] += dl
            dis = fin and (lo / e if e > 0 else 0.0) >= distress_threshold
            if other:
                if de:
                    acc_i[0, b] += 1
                    nd += 1
                if de or dis:
                    ns += 1
                    if not de:
                        acc_i[1, b] += 1
                if lo > 0:
                    acc_i[2, b] += 1
                    nh += 1
            loss_out[i, b0 + b] = lo if lo > 0 else 0.0
            npos += lo > 0
        n_pos[i] += npos  # all zero for the gross bound of an economic run
        n_default[i] += nd
        n_distress[i] += ns
        n_hit[i] += nh
    if emit:
        for b in range(bb):
            out = b0 + b
            scalars[0, out] = acc_f[0, b]
            scalars[1, out] = acc_f[1, b]
            scalars[2, out] = acc_f[2, b]
            scalars[3, out] = acc_f[3, b]
            scalars[4, out] = acc_f[1, b] - acc_f[3, b]
            scalars[5, out] = acc_i[0, b]
            scalars[6, out] = acc_i[1, b]
            scalars[7, out] = acc_i[2, b]


@jit(nogil=True)
def _value_block(blk, c_lo, c_span, c_draw, c_paid, c_coef, c_fixed, c_lam, c_pair, c_row, c_p,
                 e_value, e_carry, e_pair, e_row, e_p, U, lane_state, lane_jump, keep_e, keep_g, rem, A_e, A_g
                 ):  # pragma: no cover - compiled
    """The pairs' exposures of block ``blk`` on both bases, (m, BLOCK): each credit leg's
    amount from its uniform, drawn here from the lanes of the chunk's PCG64 stream
    (:mod:`~loopledger.stresstest._pcg`; the legs come in the order of their draws, ``c_draw``
    ascending, and every block draws all its BLOCK columns: the numbers numpy would put in
    ``rng.random((blocks, k, BLOCK))[blk]``, without an array of them), zero
    unless its deal group is realised, valued as a claim (economic:
    ``min(remaining x (1 - R), gross)``; gross: ``loss_share x remaining x (1 - R_gross)``),
    summed per pair in leg order (the legs come sorted by pair); then each pair's stakes
    (economic: the carrying value, never above the mark; gross: the mark) summed apart and
    added, as the array version's two sparse products are."""
    W = A_e.shape[1]
    m = A_e.shape[0]
    for q in range(m):
        for b in range(W):
            A_e[q, b] = 0.0
            A_g[q, b] = 0.0
    for leg in range(len(c_lo)):
        d = c_draw[leg]
        p = c_p[leg]
        g = c_row[leg]
        q = c_pair[leg]
        lo, span, paid, coef, lam = c_lo[leg], c_span[leg], c_paid[leg], c_coef[leg], c_lam[leg]
        if d >= 0:  # the draws first, then the arithmetic of all the scenarios at once
            draw(lane_state, lane_jump, rem)
            for b in range(W):
                x = lo + span * rem[b] - paid
                rem[b] = (x if x > 0.0 else 0.0) * coef
        else:
            for b in range(W):
                rem[b] = c_fixed[leg]
        if p <= 0.0:
            for b in range(W):
                rem[b] = 0.0
        elif p < 1.0:
            for b in range(W):
                rem[b] *= 1.0 if U[blk, g, b] < p else 0.0
        for b in range(W):
            gross = lam * rem[b] * keep_g[b]
            econ = rem[b] * keep_e[b]
            A_e[q, b] += gross if econ > gross else econ
            A_g[q, b] += gross
    leg = 0
    k = len(e_value)
    while leg < k:
        q = e_pair[leg]
        end = leg
        while end < k and e_pair[end] == q:
            end += 1
        for b in range(W):
            s_e = 0.0
            s_g = 0.0
            for st in range(leg, end):
                mark = e_value[st]
                p = e_p[st]
                if p <= 0.0:
                    mark = 0.0
                elif p < 1.0:
                    mark *= 1.0 if U[blk, e_row[st], b] < p else 0.0
                ratio = mark / e_value[st] if e_value[st] > 0 else 0.0
                carry = e_carry[st] * ratio
                s_e += mark if mark < carry else carry
                s_g += mark
            A_e[q, b] += s_e
            A_g[q, b] += s_g
        leg = end


@jit(nogil=True)
def plain_chunk(n, c_lo, c_span, c_draw, c_paid, c_coef, c_fixed, c_lam, c_pair, c_row, c_p,
                e_value, e_carry, e_pair, e_row, e_p, rows, cols, col_lo, col_hi, hold_ptr, hold_q,
                E, finite, h0, weights, battiston, tol, cap, level, distress_threshold, economic,
                U, lane_state, lane_jump, R, Rg, loss_out, scalars, n_default, n_distress, n_hit, n_pos, work
                ):  # pragma: no cover - compiled
    """The B scenarios of a chunk (module docstring), block by block. The companies come in
    the kernel's numbering (``E``, ``finite``, ``h0``, ``weights``, and the losses and counts
    written), the pairs in the order of :func:`~loopledger.stresstest.montecarlo.pair_order`
    (``rows``, ``cols`` their holders and counterparties; ``col_lo``/``col_hi`` those a
    company spreads to, ``hold_ptr``/``hold_q`` those its settlement reads, :func:`_settle`).
    Per credit leg, sorted by pair: bounds
    ``c_lo`` and ``c_span`` (high - low), ``c_draw`` its row of the draws (-1: the fixed amount
    ``c_fixed``), the view's paid and remaining coefficient, loss share, pair, ``c_row`` its
    deal group's row of ``U`` (-1: no draw) and probability ``c_p``; the same for stakes
    (``e_value`` mark, ``e_carry`` carrying value). ``U`` is (blocks, groups, BLOCK); ``lane_state``
    and ``lane_jump`` the lanes the ranged legs' uniforms come from (:func:`_value_block`,
    :func:`~loopledger.stresstest._pcg.lanes`; the state is advanced); ``R``/``Rg`` (B,)
    the recovery of each basis; ``economic`` False: the gross bound is the loss basis (no
    economic run). Writes ``loss_out`` (n, B; the positive losses, else 0: every entry), ``scalars`` (8, B) in the
    order of :data:`~loopledger.stresstest.montecarlo.SCALARS`, and adds to the per-company
    counts (``n_pos``: the positive losses). ``work``: the arrays of :func:`workspace`, which every block leaves fit for the
    next (a thread reuses them from chunk to chunk)."""
    B = loss_out.shape[1]
    Ef = np.where(finite, E, 1.0)
    failed = h0 >= 1.0
    shocked = np.flatnonzero(h0 != 0.0)
    (A_e, A_g, h, raw, loss_g, src, acc, active, spent, on, visited, frontier, touched, seen,
     top, running, nan_col, keep_e, keep_g, acc_f, acc_i, li, di, done) = work
    W = A_e.shape[1]
    if U.shape[2] != W or lane_state.shape[1] != W:
        raise ValueError("the draws and the work arrays have different block widths")
    for blk in range(U.shape[0]):
        b0 = blk * W
        bb = min(W, B - b0)
        for b in range(W):  # the unused columns of the last block repeat its first scenario
            keep_e[b] = 1.0 - R[b0 + (b if b < bb else 0)]
            keep_g[b] = 1.0 - Rg[b0 + (b if b < bb else 0)]
        # li: the leg's 16 amounts, scratch here (the settlement uses it afterwards)
        _value_block(blk, c_lo, c_span, c_draw, c_paid, c_coef, c_fixed, c_lam, c_pair, c_row, c_p,
                     e_value, e_carry, e_pair, e_row, e_p, U, lane_state, lane_jump, keep_e, keep_g, li, A_e, A_g)
        # the gross bound first: the economic loss is capped at it
        for basis in range(2 if economic else 1):
            A = A_g if basis == 0 else A_e
            _reset(n, h0, h, raw)
            _spread(n, col_lo, col_hi, rows, A, Ef, battiston, tol, cap, shocked, h, raw, src, acc, active, spent,
                    on, frontier, touched, visited, done, seen, top, running, nan_col)
            emit = basis == 1 or not economic
            _settle(n, emit, economic, hold_ptr, hold_q, cols, A, E, finite, failed, h0,
                    battiston, level, raw, h, loss_g, b0, bb, weights, distress_threshold, loss_out, scalars,
                    n_default, n_distress, n_hit, n_pos, li, di, acc_f, acc_i)


def workspace(n: int, m: int) -> tuple:
    """The work arrays of :func:`plain_chunk` for a network of n companies and m pairs, zeroed:
    allocating and first touching them costs more than a block's work, so a thread keeps one
    set for all its chunks."""
    W = BLOCK
    f = lambda *shape: np.zeros(shape)  # noqa: E731
    z = lambda *shape: np.zeros(shape, dtype=np.bool_)  # noqa: E731
    i = lambda *shape: np.zeros(shape, dtype=np.int64)  # noqa: E731
    return (f(m, W), f(m, W), f(n, W), f(n, W), f(n, W), f(n, W), f(n, W), z(n, W), z(n, W), z(n), z(n),
            i(n), i(n), i(n), f(W), z(W), z(W), f(W), f(W), f(4, W), i(3, W), f(W), f(W), z(n))


@jit(nogil=True)
def positive_rows(dense, order, n_pos):  # pragma: no cover - compiled
    """The positive entries of a dense (n, B) array, row ``order[0]``, ``order[1]``, ... and in
    column order, as CSR row pointers and values (``n_pos[r]``: row r's count of them; for
    ``order`` 0, 1, ...: ``scipy.sparse.csr_matrix(np.where(dense > 0, dense, 0))``'s
    ``indptr`` and ``data``; the column indices are not needed)."""
    n, B = dense.shape
    indptr = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        indptr[i + 1] = indptr[i] + n_pos[order[i]]
    data = np.empty(indptr[n])
    for i in range(n):
        r = order[i]
        k = indptr[i]
        if n_pos[r] == B:  # every entry positive: a plain copy
            for b in range(B):
                data[k + b] = dense[r, b]
        elif n_pos[r] > 0:
            for b in range(B):
                x = dense[r, b]
                if x > 0:
                    data[k] = x
                    k += 1
    return indptr, data
