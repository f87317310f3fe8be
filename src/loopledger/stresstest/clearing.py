"""Clearing: who pays what when some cannot pay everything they owe.

Eisenberg & Noe (2001) settle a network of obligations at once: every node pays its creditors
in full if it can, and otherwise pays everything it has, pro rata to what it owes (limited
liability, absolute priority of debt over equity). Rogers & Veraart (2013) add default costs:
a node in default realises only a share ``alpha`` of its external assets and ``beta`` of what
it receives. :func:`clearing` computes the **greatest** clearing vector with the fictitious
default algorithm (docs/methods.md 5.1 and 5.2), whose linear step on the defaulting set is solved
by a monotone Gauss-Seidel iteration run from above and from below at once, stopped when the
two bound every payment within 1e-13 of itself: no sparse factorisation, whose fill-in made
large networks slow (it grew like n^2.7), and an error bound that is proven, not estimated.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._compiled import jit
from ..results import Result
from ._inputs import check_unit_interval, frame_labels, labels_of, series_labels, square_matrix, vector

#: a linear system this small is solved dense (faster than a sparse factorisation)
_DENSE_LIMIT = 400
#: cap on Picard iterations (uniqueness check and the singular fallback)
_PICARD_MAX = 20_000
#: the linear step stops when the upper and lower iterates are within this share of each other
_SOLVE_RTOL = 1e-13
#: fictitious default rounds found exactly; later rounds are found by Picard sweeps (see Notes)
_EXACT_ROUNDS = 200
#: sweeps before the first test of a round's outcome (then 2x, 4x, ... as many)
_FIRST_TEST = 8


@dataclass(frozen=True, eq=False)
class ClearingResult(Result):
    """The greatest clearing vector and what it means for each node (docs/methods.md 5.0).

    ``payments`` are total payments (to other nodes and, pari passu or senior, to external
    creditors); ``p_bar`` what each owes in total; ``assets`` = external assets + receipts;
    ``net_worth`` = assets - p_bar (negative for a defaulter); ``equity`` = max(0, net worth)
    for solvent nodes, 0 for defaulters; ``rounds[i]`` = the round of the fictitious default
    algorithm in which i defaulted (1, 2, ...; 0 = never; exact for the first 200 rounds, see
    ``params["rounds_exact"]``); ``default_costs`` the value lost to Rogers-Veraart costs;
    ``unique`` whether the least clearing vector equals the greatest (None when the Picard
    iteration from 0 did not settle, or with ``check_unique=False``).
    """

    payments: np.ndarray
    p_bar: np.ndarray
    assets: np.ndarray
    net_worth: np.ndarray
    equity: np.ndarray
    defaulted: np.ndarray
    rounds: np.ndarray
    default_costs: np.ndarray
    interbank_payments: np.ndarray
    external_payments: np.ndarray
    n_rounds: int
    unique: bool | None
    labels: list = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    caption = "Clearing (Eisenberg-Noe / Rogers-Veraart)"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "node": self.labels,
            "p_bar": self.p_bar,
            "payment": self.payments,
            "external_payment": self.external_payments,
            "assets": self.assets,
            "net_worth": self.net_worth,
            "equity": self.equity,
            "defaulted": self.defaulted,
            "round": self.rounds,
            "default_cost": self.default_costs,
        })


def clearing(liabilities, external_assets, alpha: float = 1.0, beta: float = 1.0,
             external_liabilities=None, external_senior: bool = False, *,
             tol: float = 1e-12, check_unique: bool = True) -> ClearingResult:
    """The greatest clearing vector of Eisenberg & Noe (2001), with Rogers & Veraart (2013)
    default costs when ``alpha`` or ``beta`` < 1 (docs/methods.md 5.1, 5.2).

    Parameters
    ----------
    liabilities : (n, n) array, scipy.sparse matrix or DataFrame
        ``liabilities[i, j]`` = what i owes j (zero diagonal, non-negative).
    external_assets : (n,) array
        e >= 0: what each node holds outside the network.
    alpha, beta : float in [0, 1]
        Share of external assets / of receipts a defaulting node realises (1 = Eisenberg-Noe).
    external_liabilities : (n,) array, optional
        What each node owes outside the network. By default they rank **pari passu** with the
        interbank debts (a sink node that owes nothing); with ``external_senior=True`` they are
        paid first and a node that cannot cover them pays its network creditors nothing.
    tol : float
        Solvency tolerance: i is solvent iff assets >= p_bar - tol * max(1, p_bar). A node
        that ends exactly at its obligations has not defaulted.
    check_unique : bool, default True
        Whether to say if the clearing vector is unique (``unique``). For Eisenberg-Noe without
        senior external debts this is a graph search, O(n + m); otherwise (or when that search
        cannot decide) it costs a Picard iteration from 0. ``False`` skips it (``unique=None``).

    Returns
    -------
    ClearingResult
        ``payments``, ``defaulted``, ``rounds``, ``equity``, ``p_bar``, ``default_costs``,
        ``unique`` ... (see :class:`ClearingResult`).

    Notes
    -----
    Fictitious default algorithm (Eisenberg & Noe 2001, section 3; Rogers & Veraart 2013,
    Greatest Clearing Vector Algorithm): start from full payment; at each round the nodes
    whose assets fall short of their obligations default and pay what they realise,
    ``alpha * e + beta * receipts``; the set of defaulters only grows, so it ends within n
    rounds at the greatest fixed point.

    The linear step of a round (the greatest payments with the defaulting set D fixed) is
    solved by Gauss-Seidel sweeps over D, twice at once: from the previous round's payments,
    which lie above the answer and decrease to it, and from 0, which lies below and increases
    to it (the map is monotone, and a contraction when ``I - beta Pi_DD^T`` is invertible, so
    both converge to its one fixed point). The round stops when every defaulter's two values
    are within 1e-13 of each other: a proven bound on the error, which is at the level of
    rounding. On networks whose defaulters are loosely tied to each other (the spectral radius
    of ``beta Pi_DD`` well below 1, as in most) a round costs a few dozen sweeps over the
    defaulters' incoming edges; a sparse direct factorisation of the same system fills in and
    grew like n^2.7 on random networks. When the sweeps stall (a singular or nearly singular
    system: a closed ring of defaulters with nothing coming in), a direct solve is tried and
    kept only if it falls between the two bounds; otherwise the decreasing iteration alone
    continues to the greatest fixed point (``params["picard_fallback"]``), as before.

    ``rounds[i]`` is the fictitious default round in which i defaulted. After 200 rounds
    (networks built as long chains of defaults) each further round is found by Picard sweeps
    from the current payments instead, which lets many nodes default in one step: the result
    is still exact, but the later round numbers are then a coarser grouping
    (``params["rounds_exact"]`` is False).

    References: Eisenberg, L., Noe, T. H. (2001), Systemic risk in financial systems,
    Management Science 47(2): 236-249, doi:10.1287/mnsc.47.2.236.9835. Rogers, L. C. G.,
    Veraart, L. A. M. (2013), Failure and rescue in an interbank network, Management Science
    59(4): 882-898, doi:10.1287/mnsc.1120.1569.

    Examples
    --------
    Three banks of the NetworkValuation MATLAB example (Siebenbrunner):

    >>> r = clearing([[0, 20, 10], [5, 0, 24], [10, 0, 0]], [10, 10, 10])
    >>> [round(float(x), 4) for x in r.net_worth]
    [-5.4545, -2.6364, 30.0]
    >>> r.defaulted.tolist()
    [True, True, False]
    """
    L, labels = square_matrix(liabilities, "liabilities", zero_diagonal=True)
    n = L.shape[0]
    labels = labels_of(labels, series_labels(external_assets))
    e = vector(external_assets, "external_assets", n)
    b = np.zeros(n) if external_liabilities is None else vector(external_liabilities, "external_liabilities", n)
    alpha = check_unit_interval(alpha, "alpha")
    beta = check_unit_interval(beta, "beta")
    senior = bool(external_senior)

    row = np.asarray(L.sum(axis=1)).ravel()
    cap = row if senior else row + b          # what the payment variable x can reach
    b_first = b if senior else np.zeros(n)    # paid before network creditors
    need = row + b                            # total obligations: the solvency test
    # Pi = L / cap row by row (entrywise: no 1/cap overflow); a stored row has cap > 0
    M = sp.csr_matrix((L.data / np.repeat(cap, np.diff(L.indptr)), L.indices, L.indptr), shape=L.shape)
    MT = M.T.tocsr()                          # receipts: in = M^T x
    MT.sort_indices()
    thr = need - tol * np.maximum(1.0, need)
    ptr, idx, w = MT.indptr.astype(np.int64), MT.indices.astype(np.int64), MT.data

    x = cap.copy()
    D = np.zeros(n, dtype=bool)
    rounds = np.zeros(n, dtype=np.int64)
    n_rounds = 0
    fallback = False
    exact_rounds = True
    sweeps = 0
    early = False  # the last round stopped once its outcome was known, before the bounds met
    while True:
        newD = e + MT @ x < thr
        fresh = newD & ~D
        if not fresh.any():
            if not early:
                break
            # the outcome test expected defaults that this test (summed in another order) does
            # not see: finish the round exactly and test again
            x, used, k, early = _solve_round(ptr, idx, w, x, D, e, cap, b_first, alpha, beta, MT, thr, False)
            fallback, sweeps = fallback or used, sweeps + k
            continue
        if n_rounds >= _EXACT_ROUNDS:
            # a long chain of rounds: let Picard sweeps from the current payments (which lie
            # above the greatest clearing vector) find many of the coming defaults at once
            exact_rounds = False
            sweeps += _picard_until_stable(ptr, idx, w, x, e, cap, thr, b_first, alpha, beta)
            newD = e + MT @ x < thr
            fresh = newD & ~D
        n_rounds += 1
        rounds[fresh] = n_rounds
        D |= newD
        x, used, k, early = _solve_round(ptr, idx, w, x, D, e, cap, b_first, alpha, beta, MT, thr)
        fallback = fallback or used
        sweeps += k

    inflow = MT @ x
    assets = e + inflow
    realised = alpha * e + beta * inflow
    external = np.where(D, np.minimum(b_first, realised) if senior else x * np.divide(
        b, cap, out=np.zeros(n), where=cap > 0), b)
    interbank = np.where(D, x, row) if senior else x - external
    payments = interbank + external
    costs = np.where(D, (1.0 - alpha) * e + (1.0 - beta) * inflow, 0.0)
    net_worth = assets - need
    equity = np.where(D, 0.0, np.maximum(net_worth, 0.0))

    unique = None
    if check_unique:
        # nodes through which value can leave a closed set: external assets, external
        # creditors pari passu, or nothing owed (see _unique)
        anchor = None if senior or alpha < 1.0 or beta < 1.0 else (e > 0) | (b > 0) | (row <= 0)
        unique = _unique(ptr, idx, w, x, e, cap, thr, b_first, alpha, beta, tol, anchor)
    params = dict(alpha=alpha, beta=beta, external_liabilities="senior" if senior else "pari_passu",
                  tol=tol, picard_fallback=fallback, rounds_exact=exact_rounds, sweeps=int(sweeps),
                  method="fictitious default (greatest clearing vector), bracketed Gauss-Seidel linear steps")
    return ClearingResult(
        payments=payments, p_bar=need, assets=assets, net_worth=net_worth, equity=equity,
        defaulted=D, rounds=rounds, default_costs=costs, interbank_payments=interbank,
        external_payments=external, n_rounds=n_rounds, unique=unique,
        labels=frame_labels(labels, n), params=params,
    )


def _solve_round(ptr, idx, w, x, D, e, cap, b_first, alpha, beta, MT, thr, may_stop_early=True):
    """The greatest payments with the defaulting set D fixed: solvent nodes pay ``cap``,
    defaulters ``min(cap, max(0, alpha e + beta receipts - senior external))``. ``x`` (the
    previous round's answer, or full payment) lies above the answer. Returns (payments,
    used_picard_fallback, sweeps, stopped_early).

    The sweeps run on the edges between defaulters only (what solvent debtors pay is a
    constant of the round). Every few sweeps the solvent nodes are tested at both bounds: once
    each is sure to stay solvent or sure to default at the answer, and some will default, the
    round's outcome is known and the next round starts from the upper bound (a valid start:
    it lies above the next answer). The last round runs until the bounds meet."""
    n = len(x)
    order = np.flatnonzero(D).astype(np.int64)
    full = np.where(D, x, cap)
    cptr, cidx, cw, const = _restrict(ptr, idx, w, order, D, full)
    base = alpha * e[order] - b_first[order] + beta * const
    capD = cap[order]
    up = full[order]
    lo = np.zeros(len(order))
    max_sweeps = int(max(1_000, min(200_000, 2e9 // max(1, len(cidx) + len(order)))))
    done, closed = 0, False
    while done < max_sweeps:
        # test the outcome after 8, 16, 32, ... sweeps (at most 256 apart): early on slow
        # systems without a Python round trip every few sweeps
        chunk = min(max(_FIRST_TEST, done), 256, max_sweeps - done)
        k, closed, moved = _bracket(cptr, cidx, cw, base, capD, up, lo, beta, _SOLVE_RTOL, chunk)
        done += k
        if closed or not moved:
            break
        if not may_stop_early:
            continue
        upfull, lofull = full.copy(), full.copy()
        upfull[order], lofull[order] = up, lo
        undecided, defaults = _outcome(ptr, idx, w, D, upfull, lofull, e, thr)
        if undecided == 0 and defaults > 0:
            return upfull, False, done, True
    full[order] = up
    if closed:
        return full, False, done, False
    # stalled: a (nearly) singular system. A direct solve inside the bracket is the answer;
    # otherwise keep decreasing from above, which ends at the greatest fixed point
    sol = _direct(MT, order, full, e, cap, b_first, alpha, beta, n)
    lofull = full.copy()
    lofull[order] = lo
    slack = 1e-9 * np.maximum(1.0, full[order])
    if sol is not None and np.all(sol[order] >= lofull[order] - slack) and np.all(sol[order] <= full[order] + slack):
        return np.clip(sol, 0.0, cap), False, done, False
    k2 = _decrease(ptr, idx, w, order, full, e, cap, b_first, alpha, beta, _PICARD_MAX)
    return full, True, done + k2, False


@jit
def _restrict(ptr, idx, w, order, inD, full):
    """The incoming edges of the defaulters ``order`` that come from defaulters, as CSR over
    positions in ``order``, and what each defaulter receives from solvent debtors (``full``)."""
    n = inD.shape[0]
    k = order.shape[0]
    pos = np.full(n, -1, dtype=np.int64)
    for t in range(k):
        pos[order[t]] = t
    cptr = np.zeros(k + 1, dtype=np.int64)
    for t in range(k):
        i = order[t]
        c = 0
        for q in range(ptr[i], ptr[i + 1]):
            if inD[idx[q]]:
                c += 1
        cptr[t + 1] = cptr[t] + c
    cidx = np.empty(cptr[k], dtype=np.int64)
    cw = np.empty(cptr[k])
    const = np.zeros(k)
    for t in range(k):
        i = order[t]
        f = cptr[t]
        s = 0.0
        for q in range(ptr[i], ptr[i + 1]):
            j = idx[q]
            if inD[j]:
                cidx[f] = pos[j]
                cw[f] = w[q]
                f += 1
            else:
                s += w[q] * full[j]
        const[t] = s
    return cptr, cidx, cw, const


@jit
def _outcome(ptr, idx, w, inD, up, lo, e, thr):
    """Solvent nodes whose fate at the answer is not yet sure (they default at the upper bound's
    assets and not at the lower's... or the other way round), and those sure to default."""
    undecided = 0
    defaults = 0
    for i in range(inD.shape[0]):
        if inD[i]:
            continue
        su = 0.0
        sl = 0.0
        for q in range(ptr[i], ptr[i + 1]):
            su += w[q] * up[idx[q]]
            sl += w[q] * lo[idx[q]]
        if e[i] + su < thr[i]:
            defaults += 1
        elif e[i] + sl < thr[i]:
            undecided += 1
    return undecided, defaults


def _direct(MT, order, up, e, cap, b_first, alpha, beta, n):
    """One linear solve over the defaulters that pay something at the upper bound."""
    value = alpha * e + beta * (MT @ up) - b_first
    act = order[value[order] > 0]
    y = up.copy()
    y[order] = 0.0
    if not len(act):
        return y
    fixed = y.copy()
    fixed[act] = 0.0
    rhs = alpha * e[act] + beta * (MT @ fixed)[act] - b_first[act]
    sol = _linear_solve(MT[act][:, act], beta, rhs)
    if sol is None:
        return None
    y[act] = sol
    return y


@jit
def _bracket(cptr, cidx, cw, base, cap, up, lo, beta, rtol, max_sweeps):
    """Gauss-Seidel sweeps over the defaulters of ``up`` (decreasing from above) and ``lo``
    (increasing from below) at once: ``v <- min(cap, max(0, base + beta * sum(cw * v)))``.
    Returns (sweeps, closed, moved): closed when every ``up - lo <= rtol * up`` (with an
    absolute floor of 1e-6 * rtol * cap for payments that go to 0); moved is False when a sweep
    changed nothing (stalled)."""
    moved = True
    for sweep in range(max_sweeps):
        closed = True
        moved = False
        for t in range(base.shape[0]):
            su = 0.0
            sl = 0.0
            for k in range(cptr[t], cptr[t + 1]):
                j = cidx[k]
                su += cw[k] * up[j]
                sl += cw[k] * lo[j]
            vu = min(cap[t], max(0.0, base[t] + beta * su))
            vl = min(cap[t], max(0.0, base[t] + beta * sl))
            # monotone by construction; min/max keep it so under rounding
            if vu < up[t]:
                up[t] = vu
                moved = True
            if vl > lo[t]:
                lo[t] = vl
                moved = True
            if up[t] - lo[t] > rtol * max(up[t], 1e-6 * cap[t]):
                closed = False
        if closed:
            return sweep + 1, True, moved
        if not moved:
            return sweep + 1, False, moved
    return max_sweeps, False, moved


@jit
def _decrease(ptr, idx, w, order, up, e, cap, b_first, alpha, beta, max_sweeps):
    """Gauss-Seidel sweeps of the defaulters from above until nothing moves by more than
    1e-15 of the largest payment (Picard iteration, decreasing to the greatest fixed point)."""
    scale = 1.0
    for i in range(cap.shape[0]):
        scale = max(scale, cap[i])
    for sweep in range(max_sweeps):
        step = 0.0
        for t in range(order.shape[0]):
            i = order[t]
            s = 0.0
            for k in range(ptr[i], ptr[i + 1]):
                s += w[k] * up[idx[k]]
            v = min(cap[i], max(0.0, alpha * e[i] - b_first[i] + beta * s))
            if v < up[i]:
                step = max(step, up[i] - v)
                up[i] = v
        if step <= 1e-15 * scale:
            return sweep + 1
    return max_sweeps


@jit
def _picard_sweep(ptr, idx, w, x, e, cap, thr, b_first, alpha, beta):
    """One Gauss-Seidel sweep of the clearing map over all nodes, in place; returns the
    largest change and the number of nodes in default after it."""
    step = 0.0
    nd = 0
    for i in range(x.shape[0]):
        s = 0.0
        for k in range(ptr[i], ptr[i + 1]):
            s += w[k] * x[idx[k]]
        if e[i] + s >= thr[i]:
            v = cap[i]
        else:
            v = min(cap[i], max(0.0, alpha * e[i] - b_first[i] + beta * s))
            nd += 1
        step = max(step, abs(v - x[i]))
        x[i] = v
    return step, nd


def _picard_until_stable(ptr, idx, w, x, e, cap, thr, b_first, alpha, beta, quiet=3, max_sweeps=10_000):
    """Picard (Gauss-Seidel) sweeps from payments above the greatest clearing vector, in
    place, until the number of defaulters has not grown for ``quiet`` sweeps; returns the
    sweeps run. Every iterate stays above the greatest vector, so its defaulters are
    defaulters of the answer too."""
    last, still = -1, 0
    for k in range(max_sweeps):
        _, nd = _picard_sweep(ptr, idx, w, x, e, cap, thr, b_first, alpha, beta)
        still = still + 1 if nd == last else 0
        last = nd
        if still >= quiet:
            return k + 1
    return max_sweeps


@jit
def _reach_anchor(ptr, idx, anchor):
    """Nodes that reach an anchor along "owes" edges: a breadth-first search from the anchors
    backwards (``ptr``/``idx`` list each node's debtors)."""
    n = anchor.shape[0]
    seen = anchor.copy()
    queue = np.empty(n, dtype=np.int64)
    tail = 0
    for i in range(n):
        if seen[i]:
            queue[tail] = i
            tail += 1
    head = 0
    while head < tail:
        i = queue[head]
        head += 1
        for k in range(ptr[i], ptr[i + 1]):
            j = idx[k]
            if not seen[j]:
                seen[j] = True
                queue[tail] = j
                tail += 1
    return seen


def _unique(ptr, idx, w, greatest, e, cap, thr, b_first, alpha, beta, tol, anchor) -> bool | None:
    """Whether the least clearing vector equals the greatest (docs/methods.md 5.1).

    Eisenberg-Noe (alpha = beta = 1, no senior debts): if p >= q are two clearing vectors,
    d = p - q satisfies d <= Pi^T d, so summing over nodes its support is a set closed under
    "owes" with no leak (no external debt, nothing owed outside it) and, adding up the
    clearing equations on it, no external assets. So the vector is unique when every node
    reaches, along "owes" edges, a node with e > 0 or one that leaks (owes nothing, or owes
    external creditors pari passu): one graph search (the regularity condition of
    Eisenberg & Noe 2001, extended to leaks). Otherwise, and with default costs,
    Picard iteration from 0 rises to the least clearing vector; unique iff it meets the
    greatest."""
    n = len(greatest)
    if anchor is not None and _reach_anchor(ptr, idx, anchor).all():
        return True
    x = np.zeros(n)
    scale = max(1.0, float(np.max(np.abs(greatest)))) if n else 1.0
    for _ in range(_PICARD_MAX):
        step, _ = _picard_sweep(ptr, idx, w, x, e, cap, thr, b_first, alpha, beta)
        if step <= 1e-13 * scale:
            return bool(np.max(np.abs(x - greatest), initial=0.0) <= max(1e-9, 100 * tol) * scale)
    return None


def _linear_solve(sub, beta, rhs):
    k = sub.shape[0]
    if k <= _DENSE_LIMIT:
        mat = np.eye(k) - beta * sub.toarray()
        try:
            sol = np.linalg.solve(mat, rhs)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(sol)) or np.max(np.abs(mat @ sol - rhs), initial=0.0) > 1e-8 * max(1.0, float(np.max(np.abs(rhs), initial=0.0))):
            return None
        return sol
    mat = (sp.identity(k, format="csc") - beta * sub.tocsc()).tocsc()
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SuperLU warns on a singular matrix; we check below
        sol = spla.spsolve(mat, rhs)
    sol = np.asarray(sol, dtype=float)
    if not np.all(np.isfinite(sol)) or np.max(np.abs(mat @ sol - rhs)) > 1e-8 * max(1.0, float(np.max(np.abs(rhs)))):
        return None
    return sol
