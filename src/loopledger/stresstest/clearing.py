"""Clearing: who pays what when some cannot pay everything they owe.

Eisenberg & Noe (2001) settle a network of obligations at once: every node pays its creditors
in full if it can, and otherwise pays everything it has, pro rata to what it owes (limited
liability, absolute priority of debt over equity). Rogers & Veraart (2013) add default costs:
a node in default realises only a share ``alpha`` of its external assets and ``beta`` of what
it receives. :func:`clearing` computes the **greatest** clearing vector, exactly, with the
fictitious default algorithm (METHODS.md 5.1 and 5.2).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..results import Result
from ._inputs import check_unit_interval, frame_labels, labels_of, series_labels, square_matrix, vector

#: a linear system this small is solved dense (faster than a sparse factorisation)
_DENSE_LIMIT = 400
#: cap on Picard iterations (uniqueness check and the singular fallback)
_PICARD_MAX = 20_000


@dataclass(frozen=True, eq=False)
class ClearingResult(Result):
    """The greatest clearing vector and what it means for each node (METHODS.md 5.0).

    ``payments`` are total payments (to other nodes and, pari passu or senior, to external
    creditors); ``p_bar`` what each owes in total; ``assets`` = external assets + receipts;
    ``net_worth`` = assets - p_bar (negative for a defaulter); ``equity`` = max(0, net worth)
    for solvent nodes, 0 for defaulters; ``rounds[i]`` = the round of the fictitious default
    algorithm in which i defaulted (1, 2, ...; 0 = never); ``default_costs`` the value lost
    to Rogers-Veraart costs; ``unique`` whether the least clearing vector (Picard iteration
    from 0) equals the greatest (None when that iteration did not settle).
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
             tol: float = 1e-12) -> ClearingResult:
    """The greatest clearing vector of Eisenberg & Noe (2001), with Rogers & Veraart (2013)
    default costs when ``alpha`` or ``beta`` < 1 (METHODS.md 5.1, 5.2).

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

    Returns
    -------
    ClearingResult
        ``payments``, ``defaulted``, ``rounds``, ``equity``, ``p_bar``, ``default_costs``,
        ``unique`` ... (see :class:`ClearingResult`).

    Notes
    -----
    Fictitious default algorithm: start from full payment; at each round the nodes whose
    assets fall short of their obligations default and pay what they realise,
    ``alpha * e + beta * receipts`` (found by one linear solve over the defaulters); the set
    of defaulters only grows, so it ends within n rounds at the greatest fixed point. When the
    linear system is singular (a closed ring of defaulters with nothing coming in), Picard
    iteration from the current payments, which decreases to the greatest fixed point, is used
    instead (``params["picard_fallback"]``).

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
    coo = L.tocoo()                           # Pi = L / cap row by row (entrywise: no 1/cap overflow)
    M = sp.csr_matrix((coo.data / cap[coo.row], (coo.row, coo.col)), shape=L.shape)
    MT = M.T.tocsr()                          # receipts: in = M^T x
    thr = need - tol * np.maximum(1.0, need)

    def phi(x: np.ndarray) -> np.ndarray:
        inflow = MT @ x
        pay = np.maximum(0.0, alpha * e + beta * inflow - b_first)
        return np.where(e + inflow >= thr, cap, np.minimum(cap, pay))

    x = cap.copy()
    D = np.zeros(n, dtype=bool)
    rounds = np.zeros(n, dtype=np.int64)
    n_rounds = 0
    fallback = False
    while True:
        a = e + MT @ x
        newD = a < thr
        if not (newD & ~D).any():
            break
        n_rounds += 1
        rounds[newD & ~D] = n_rounds
        D = D | newD
        x, used = _solve_defaulters(MT, e, b_first, cap, D, alpha, beta, phi)
        fallback = fallback or used

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

    unique = _unique(phi, x, n, tol)
    params = dict(alpha=alpha, beta=beta, external_liabilities="senior" if senior else "pari_passu",
                  tol=tol, picard_fallback=fallback, method="fictitious default (greatest clearing vector)")
    return ClearingResult(
        payments=payments, p_bar=need, assets=assets, net_worth=net_worth, equity=equity,
        defaulted=D, rounds=rounds, default_costs=costs, interbank_payments=interbank,
        external_payments=external, n_rounds=n_rounds, unique=unique,
        labels=frame_labels(labels, n), params=params,
    )


def _solve_defaulters(MT, e, b_first, cap, D, alpha, beta, phi):
    """Payments with the defaulting set D fixed: solvent nodes pay in full, defaulters pay
    ``max(0, alpha e + beta receipts - senior external)``; returns (payments, used_picard).

    Works down from full payment, an upper bound of the answer. Defaulters that cannot pay
    anything even at that bound pay 0 in the answer too; the others are found by one linear
    solve, accepted when it is a fixed point (then it is the greatest one). Otherwise (only
    with senior external liabilities, or a singular system) one Picard step lowers the bound
    and the test repeats; Picard iteration alone converges to the same greatest point."""
    x = cap.copy()
    scale = max(1.0, float(np.max(cap, initial=0.0)))
    used = False
    for _ in range(_PICARD_MAX):
        inflow = MT @ x
        value = alpha * e + beta * inflow - b_first
        zero = D & (value <= 0)
        act = D & ~zero
        idx = np.flatnonzero(act)
        y = x.copy()
        y[zero] = 0.0
        y[~D] = cap[~D]
        if len(idx):
            fixed = y.copy()
            fixed[act] = 0.0
            rhs = alpha * e[idx] + beta * (MT @ fixed)[idx] - b_first[idx]
            sol = _linear_solve(MT[idx][:, idx], beta, rhs)
        else:
            sol = np.zeros(0)
        if sol is not None:
            y[idx] = sol
            check = alpha * e + beta * (MT @ y) - b_first
            if np.all(sol >= -1e-12 * scale) and np.all(check[zero] <= 1e-12 * scale):
                y[idx] = np.clip(sol, 0.0, cap[idx])
                return y, used
        used = True
        step = phi(x)
        step[~D] = cap[~D]
        step = np.minimum(step, x)
        if np.max(np.abs(step - x), initial=0.0) <= 1e-15 * scale:
            return step, used
        x = step
    return x, used  # pragma: no cover - Picard converges long before the cap


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


def _unique(phi, greatest, n, tol) -> bool | None:
    """Picard iteration from 0 rises to the least clearing vector; unique iff it meets the
    greatest (METHODS.md 5.1)."""
    x = np.zeros(n)
    scale = max(1.0, float(np.max(np.abs(greatest)))) if n else 1.0
    for _ in range(_PICARD_MAX):
        y = phi(x)
        if np.max(np.abs(y - x), initial=0.0) <= 1e-13 * scale:
            return bool(np.max(np.abs(y - greatest), initial=0.0) <= max(1e-9, 100 * tol) * scale)
        x = y
    return None
