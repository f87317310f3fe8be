"""Circulation: how much of the money in a network can go round.

The maximum circulation (docs/methods.md section 2) is the largest total flow ``c`` that fits
under every pair's amount and balances at every company (what comes in goes out). Its value
is unique and is the payment volume that set-off could cancel (trade-credit "balancing",
Fleischman & Dini 2021); which dollars make it up is not unique, so per-company figures come
with their [min, max] range over all optimal solutions, and the split into cycles is one
explanation among many.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from ..errors import LedgerError
from ..network import FlowNetwork
from ..results import Result, jsonable

#: label of a per-company value that is one of several optimal solutions (docs/methods.md 2.2)
ONE_SOLUTION = "one optimal solution"
UNIQUE = "unique"
#: ``ranges=None`` computes ranges when at most this many companies are on loops (2 LPs each)
RANGES_AUTO_LIMIT = 100
#: ``decompose=None`` peels the circulation when at most this many pairs carry it
DECOMPOSE_AUTO_LIMIT = 2_000
DECOMPOSITION_NOTE = (
    "The split into cycles is one explanation among many (greedy peeling, docs/methods.md 2.4): "
    "the total is unique, the split is not. Do not rank companies by it."
)


@dataclass(frozen=True)
class CirculationResult(Result):
    """The maximum circulation of a network (USD billions).

    ``total`` is the circulation value (each hop counts: a dollar round a k-cycle counts k
    times), ``share`` = total / ``flow_total`` (the sum of all known amounts, self-loops
    included). ``companies`` has one row per node: ``inflow`` and ``outflow`` (known amounts),
    ``circular_flow`` (x_i, circular inflow = circular outflow, in one optimal solution),
    ``circular_min`` / ``circular_max`` (its range over the optimal face), ``round_trip_share``
    = x_i / inflow with its range, ``share_of_payments`` = x_i / outflow, and ``basis``
    ("unique" or "one optimal solution"). ``flows`` has one row per pair with its amount, the
    circulating part and the acyclic remainder. ``cycles`` is the greedy decomposition.
    """

    total: float
    share: float
    flow_total: float
    remainder_total: float
    self_loops: float
    companies: pd.DataFrame = field(repr=False)
    flows: pd.DataFrame = field(repr=False)
    cycles: pd.DataFrame | None = field(repr=False)
    left_out: pd.DataFrame = field(repr=False)
    legs_without_amount: int
    non_cash_legs: int
    pairs_without_amount: int
    ranges: bool
    params: dict[str, Any]
    notes: tuple[str, ...] = ()

    caption = "Maximum circulation (USD billions)"

    def to_frame(self) -> pd.DataFrame:
        """One row per company (see the class docstring)."""
        return self.companies

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": jsonable(self.total),
            "share": jsonable(self.share),
            "flow_total": jsonable(self.flow_total),
            "remainder_total": jsonable(self.remainder_total),
            "self_loops": jsonable(self.self_loops),
            "companies": jsonable(self.companies),
            "cycles": None if self.cycles is None else jsonable(self.cycles),
            "flows": jsonable(self.flows),
            "left_out": jsonable(self.left_out),
            "legs_without_amount": self.legs_without_amount,
            "non_cash_legs": self.non_cash_legs,
            "pairs_without_amount": self.pairs_without_amount,
            "ranges": self.ranges,
            "params": jsonable(self.params),
            "notes": list(self.notes),
        }


def circulation(net: FlowNetwork, ranges: bool | None = None, decompose: bool | None = None,
                progress: bool = False) -> CirculationResult:
    """Maximum circulation of ``net.adjacency`` and what it means per company.

    Solves (docs/methods.md 2.1), with one capacity ``F_e`` per ordered pair e,
    ``maximise Σ c_e  s.t.  0 <= c_e <= F_e,  Σ_{e into v} c_e = Σ_{e out of v} c_e``
    exactly with ``scipy.optimize.linprog(method="highs")`` on the node-edge incidence
    matrix, restricted to the strongly connected components (a pair between components can
    carry no circulation). A self-loop circulates entirely (``c_ii = F_ii``).

    Parameters
    ----------
    net : FlowNetwork
        The network; its money matrix ``adjacency`` gives F. Legs without an amount and
        non-cash legs are not in F: they are left out of the dollars and counted in the
        result (``legs_without_amount``, ``non_cash_legs``, ``left_out``).
    ranges : bool or None, default None
        Compute each company's [min, max] circular flow over the optimal face: two LPs per
        company on a cycle, each with the extra constraint ``Σ c >= opt - tol``
        (docs/methods.md 2.2), tol = 1e-9 of the component's capacity. None (default): only when
        at most ``RANGES_AUTO_LIMIT`` (100) companies are on cycles, which covers company
        networks; without ranges every per-company value is labelled "one optimal solution".
    decompose : bool or None, default None
        Split the circulation into cycles by greedy peeling (docs/methods.md 2.4): repeatedly
        take a cycle of largest bottleneck in the support of c (ties: the smallest node on
        a cycle, then the fewest hops), record it and subtract. The recorded flows add up to
        c. One explanation among many. None (default): only when at most
        ``DECOMPOSE_AUTO_LIMIT`` (2,000) pairs carry circulation.
    progress : bool, default False
        Show a Rich progress bar on stderr while computing the ranges.

    Returns
    -------
    CirculationResult

    Examples
    --------
    docs/methods.md 2.3 (a): A->B 10, B->C 6, C->A 8, A->C 3 circulates 22 of 27.

    >>> import pandas as pd
    >>> from loopledger.network import FlowNetwork
    >>> net = FlowNetwork.from_edges(pd.DataFrame({"source": list("ABCA"),
    ...     "target": list("BCAC"), "amount": [10, 6, 8, 3]}))
    >>> res = circulation(net)
    >>> round(res.total, 6), round(res.flow_total, 6)
    (22.0, 27.0)

    References
    ----------
    Fleischman, Dini (2021), Mathematical foundations for balancing the payment system in
    the trade credit market, JRFM 14(9): 452. docs/methods.md section 2.
    """
    F = net.adjacency.tocoo()
    n = net.n
    u, v, cap = F.row.astype(np.int64), F.col.astype(np.int64), F.data.astype(float)
    if (cap < 0).any() or not np.isfinite(cap).all():
        raise LedgerError("circulation needs finite, non-negative amounts")
    flow_total = float(cap.sum())
    c = _max_circulation(n, u, v, cap)
    total = float(c.sum())
    loop = u == v
    x = np.bincount(u, weights=c, minlength=n).astype(float)
    outflow = np.bincount(u, weights=cap, minlength=n).astype(float)
    inflow = np.bincount(v, weights=cap, minlength=n).astype(float)

    inside, _ = _cyclic_edges(n, u, v)
    on_loops = len(np.unique(np.r_[u[inside], u[loop]]))
    skipped = []
    if ranges is None:
        ranges = on_loops <= RANGES_AUTO_LIMIT
        if not ranges:
            skipped.append(f"ranges skipped: {on_loops} companies on loops (more than "
                           f"{RANGES_AUTO_LIMIT}); pass ranges=True (--ranges) to compute them.")
    if decompose is None:
        carrying = int((c > 0).sum())
        decompose = carrying <= DECOMPOSE_AUTO_LIMIT
        if not decompose:
            skipped.append(f"decomposition skipped: {carrying} pairs carry circulation (more than "
                           f"{DECOMPOSE_AUTO_LIMIT}); pass decompose=True (--decompose) to peel it.")
    if ranges:
        lo, hi = _ranges(n, u, v, cap, progress)
        lo, hi = np.minimum(lo, x), np.maximum(hi, x)
    else:
        lo = hi = np.full(n, np.nan)
    scale = max(flow_total, 1.0)
    if ranges:
        basis = np.where(hi - lo <= 1e-7 * scale, UNIQUE, ONE_SOLUTION)
    else:
        basis = np.full(n, ONE_SOLUTION, dtype=object)

    with np.errstate(divide="ignore", invalid="ignore"):
        companies = pd.DataFrame({
            "node": net.nodes,
            "name": [net.label(i) for i in range(n)],
            "inflow": inflow,
            "outflow": outflow,
            "circular_flow": x,
            "circular_min": lo,
            "circular_max": hi,
            "round_trip_share": np.where(inflow > 0, x / inflow, np.nan),
            "round_trip_min": np.where(inflow > 0, lo / inflow, np.nan),
            "round_trip_max": np.where(inflow > 0, hi / inflow, np.nan),
            "share_of_payments": np.where(outflow > 0, x / outflow, np.nan),
            "basis": basis,
        })
    sort_key = companies["circular_max"].fillna(companies["circular_flow"])
    companies = (companies.assign(_k=sort_key).sort_values(["_k", "name"], ascending=[False, True])
                 .drop(columns="_k").reset_index(drop=True))

    flows = pd.DataFrame({
        "source": net.nodes[u], "target": net.nodes[v],
        "payer": [net.label(i) for i in u], "payee": [net.label(j) for j in v],
        "amount": cap, "circulating": c, "remainder": cap - c,
    }).sort_values(["circulating", "amount"], ascending=False).reset_index(drop=True)

    cycles = _peel(net, u, v, c) if decompose else None
    left_out, no_amount, non_cash, pairs_without = _left_out(net)
    notes = [DECOMPOSITION_NOTE] if decompose else []
    if not ranges:
        notes.append("Per-company values are one optimal solution; ranges were not computed.")
    notes.extend(skipped)
    if no_amount or non_cash:
        notes.append(f"Left out of the dollars: {no_amount} cash legs without a disclosed amount and "
                     f"{non_cash} legs that move no cash (listed in left_out), never counted as 0.")
    return CirculationResult(
        total=total,
        share=total / flow_total if flow_total > 0 else float("nan"),
        flow_total=flow_total,
        remainder_total=flow_total - total,
        self_loops=float(cap[loop].sum()),
        companies=companies,
        flows=flows,
        cycles=cycles,
        left_out=left_out,
        legs_without_amount=no_amount,
        non_cash_legs=non_cash,
        pairs_without_amount=pairs_without,
        ranges=ranges,
        params={**net.params, "ranges": ranges, "decompose": decompose},
        notes=tuple(notes),
    )


def max_circulation_value(F: sp.spmatrix) -> float:
    """The maximum circulation value of a money matrix F alone (for null models)."""
    coo = sp.coo_matrix(F)
    keep = coo.data > 0
    u, v, cap = coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64), coo.data[keep].astype(float)
    return float(_max_circulation(coo.shape[0], u, v, cap).sum())


# ------------------------------------------------------------------------------------------------
# LPs


def _components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """SCC label of every node of the graph with edges u->v."""
    g = sp.csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    return connected_components(g, directed=True, connection="strong")[1]


def _cyclic_edges(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mask of non-loop edges inside a strongly connected component, and the SCC labels."""
    comp = _components(n, u, v)
    return (comp[u] == comp[v]) & (u != v), comp


def _incidence(n_rows: int, row_u: np.ndarray, row_v: np.ndarray) -> sp.csr_matrix:
    """Node-edge incidence: +1 where the edge leaves the node, -1 where it enters."""
    m = len(row_u)
    cols = np.arange(m)
    return sp.csr_matrix(
        (np.r_[np.ones(m), -np.ones(m)], (np.r_[row_u, row_v], np.r_[cols, cols])),
        shape=(n_rows, m),
    )


def _solve(cost: np.ndarray, A_eq: sp.csr_matrix, cap: np.ndarray,
           A_ub: np.ndarray | None = None, b_ub: np.ndarray | None = None) -> np.ndarray:
    res = linprog(cost, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=np.zeros(A_eq.shape[0]),
                  bounds=np.c_[np.zeros(len(cap)), cap], method="highs")
    if res.status != 0:
        raise LedgerError(f"the circulation LP failed: {res.message}")
    return np.clip(res.x, 0.0, cap)


def _max_circulation(n: int, u: np.ndarray, v: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Optimal c (one per edge) of the maximum-circulation LP."""
    c = np.zeros(len(cap))
    loop = u == v
    c[loop] = cap[loop]
    inside, _ = _cyclic_edges(n, u, v)
    if not inside.any():
        return c
    idx = np.flatnonzero(inside)
    nodes, local = np.unique(np.r_[u[idx], v[idx]], return_inverse=True)
    lu, lv = local[: len(idx)], local[len(idx):]
    s = cap[idx].max()
    A = _incidence(len(nodes), lu, lv)
    c[idx] = _solve(-np.ones(len(idx)), A, cap[idx] / s) * s
    return c


def _ranges(n: int, u: np.ndarray, v: np.ndarray, cap: np.ndarray,
            progress: bool) -> tuple[np.ndarray, np.ndarray]:
    """[min, max] of x_i = Σ_j c_ij over the optimal face, per node (docs/methods.md 2.2).

    The LP separates by strongly connected component, so each node's two LPs involve only
    its own component, with that component's optimum in the face constraint."""
    loop = u == v
    # self-loops are fixed (bincount of an empty array is int: force float)
    base = np.bincount(u[loop], weights=cap[loop], minlength=n).astype(float)
    lo, hi = base.copy(), base.copy()
    inside, comp = _cyclic_edges(n, u, v)
    work = []
    for label in np.unique(comp[u[inside]]):
        idx = np.flatnonzero(inside & (comp[u] == label))
        work.append(idx)
    total_nodes = sum(len(np.unique(u[idx])) for idx in work)
    bar = _progress(progress, total_nodes, "circulation ranges")
    try:
        for idx in work:
            nodes, local = np.unique(np.r_[u[idx], v[idx]], return_inverse=True)
            lu, lv = local[: len(idx)], local[len(idx):]
            s = cap[idx].max()
            ccap = cap[idx] / s
            A = _incidence(len(nodes), lu, lv)
            opt = _solve(-np.ones(len(idx)), A, ccap).sum()
            tol = 1e-9 * max(ccap.sum(), 1.0)
            A_ub = -np.ones((1, len(idx)))
            b_ub = np.array([-(opt - tol)])
            for k, node in enumerate(nodes):
                out = (lu == k).astype(float)
                x_min = _solve(out, A, ccap, A_ub, b_ub) @ out
                x_max = _solve(-out, A, ccap, A_ub, b_ub) @ out
                lo[node] += x_min * s
                hi[node] += x_max * s
                if bar is not None:
                    bar[0].advance(bar[1])
    finally:
        if bar is not None:
            bar[0].stop()
    return lo, hi


def _progress(enabled: bool, total: int, what: str):
    if not enabled or total == 0:
        return None
    from rich.console import Console
    from rich.progress import Progress

    p = Progress(console=Console(stderr=True), transient=True)
    task = p.add_task(what, total=total)
    p.start()
    return p, task


# ------------------------------------------------------------------------------------------------
# Decomposition for display (docs/methods.md 2.4)


def _peel(net: FlowNetwork, u: np.ndarray, v: np.ndarray, c: np.ndarray) -> pd.DataFrame:
    """Greedy peeling of c into cycles, largest bottleneck first (docs/methods.md 2.4).

    The largest bottleneck is the largest threshold t at which the pairs still carrying at
    least t contain a cycle; every cycle there has bottleneck exactly t. Subtracting a cycle
    only lowers values, so the threshold never rises again: each step gallops down from the
    previous threshold over the current values, one SCC pass per probe, and never
    enumerates cycles."""
    n = net.n
    rest = c.copy()
    tol = 1e-9 * max(float(c.max(initial=0.0)), 1e-300)
    rest[rest <= tol] = 0.0
    rows = []
    ceiling = np.inf
    while True:
        values = np.unique(rest[(rest > 0) & (rest <= ceiling)])[::-1]  # descending
        found = _first_cyclic(n, u, v, rest, values)
        if found is None:
            break
        edges, theta = found
        ceiling = theta
        rest[edges] -= theta
        rest[edges[rest[edges] <= tol]] = 0.0
        nodes = [int(u[e]) for e in edges]
        rows.append({
            "cycle": [net.nodes[i] for i in nodes],
            "path": " -> ".join(net.label(i) for i in nodes + nodes[:1]),
            "length": len(nodes),
            "flow": theta,
            "dollars": theta * len(nodes),
        })
    return pd.DataFrame(rows, columns=["cycle", "path", "length", "flow", "dollars"])


def _first_cyclic(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, values: np.ndarray):
    """The first of the descending ``values`` t at which {w >= t} has a cycle, with that
    cycle: galloping (1, 2, 4 ... steps down), then binary search."""
    if not len(values):
        return None
    probe = lambda k: _cycle_in(n, u, v, np.flatnonzero(w >= values[k]))  # noqa: E731
    prev, k = -1, 0
    found = probe(0)
    while found is None:
        if k == len(values) - 1:
            return None
        prev, k = k, min(2 * k + 1, len(values) - 1)
        found = probe(k)
    # values[prev] (when prev >= 0) has no cycle; values[k] has one, ``found``
    lo, hi, best = prev + 1, k, found
    while lo < hi:
        mid = (lo + hi) // 2
        at_mid = probe(mid)
        if at_mid is None:
            lo = mid + 1
        else:
            hi, best = mid, at_mid
    return best, float(values[hi])


def _cycle_in(n: int, u: np.ndarray, v: np.ndarray, keep: np.ndarray):
    """A cycle among the edges ``keep`` as edge indices, or None: the smallest-index
    self-loop, else the shortest cycle (BFS, neighbours in index order) through the smallest
    node on a cycle."""
    if not len(keep):
        return None
    loops = keep[u[keep] == v[keep]]
    if len(loops):
        return np.array([loops[np.argmin(u[loops])]])
    comp = _components(n, u[keep], v[keep])
    on_cycle = comp[u[keep]] == comp[v[keep]]
    if not on_cycle.any():
        return None
    start = int(u[keep][on_cycle].min())
    sub = keep[on_cycle & (comp[u[keep]] == comp[start])]
    sub = sub[np.lexsort((v[sub], u[sub]))]
    by_node: dict[int, list[int]] = {}
    for e in sub:
        by_node.setdefault(int(u[e]), []).append(int(e))
    parent_edge: dict[int, int] = {}
    frontier, seen = [start], {start}
    while frontier:
        nxt = []
        for a in frontier:
            for e in by_node.get(a, []):
                b = int(v[e])
                if b == start:
                    path = [e]
                    while a != start:
                        pe = parent_edge[a]
                        path.append(pe)
                        a = int(u[pe])
                    return np.array(path[::-1])
                if b not in seen:
                    seen.add(b)
                    parent_edge[b] = e
                    nxt.append(b)
        frontier = nxt
    raise AssertionError("a strongly connected component without a cycle")  # pragma: no cover


# ------------------------------------------------------------------------------------------------


def _left_out(net: FlowNetwork) -> tuple[pd.DataFrame, int, int, int]:
    """Legs not in the dollars: cash legs without an amount, and non-cash legs."""
    e = net.edges
    cash = e["in_flow"].astype(bool)
    no_amount = cash & e["amount"].isna()
    non_cash = ~cash
    cols = [c for c in ("source", "target", "deal", "kind", "status") if c in e]
    out = e.loc[no_amount | non_cash, cols].copy()
    out["reason"] = np.where(no_amount[no_amount | non_cash], "no amount", "no cash moves")
    out.insert(2, "payer", [net.label(i) for i in e.loc[no_amount | non_cash, "u"]])
    out.insert(3, "payee", [net.label(i) for i in e.loc[no_amount | non_cash, "v"]])
    F = net.adjacency
    S = net.structure
    pairs_without = int(S.nnz - S.multiply(F > 0).nnz) if F.nnz else int(S.nnz)
    return out.reset_index(drop=True), int(no_amount.sum()), int(non_cash.sum()), pairs_without
