"""Finn's cycling index and the throughflow quantities of ecological network analysis (ENA).

ENA reads a flow network as an input-output system (Hannon 1973; Finn 1976): money enters
at the boundary, passes from company to company and leaves. The cycling index says which
share of all the money passing through companies is money passing through the same company
again. Definitions, orientation and pitfalls follow docs/methods.md section 3 and match enaR's
``enaFlow`` (Borrett & Lau 2014), checked against its vignette's oyster-reef numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.linalg as la
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import breadth_first_order, connected_components

from ..errors import LedgerError
from ..results import Result, jsonable

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger
    from ..network import FlowNetwork

#: above this condition number of a block of (I - G) the result is flagged ill-conditioned
COND_LIMIT = 1e12
#: strongly connected components up to this many nodes are solved densely, larger ones with a sparse LU
DENSE_LIMIT = 2000
#: how throughflow is computed (docs/methods.md 3.5): from inflows (enaR's enaFlow, the default), from
#: outflows, or their average
THROUGHFLOW = ("input", "output", "average")
#: enaR's ssCheck: a model is balanced when every node's inflow and outflow differ by less than
#: this many percent of its outflow
BALANCE_TOL_PCT = 5.0
#: default largest strongly connected component solved exactly (one solve per node of it)
MAX_BLOCK = 5000
CLOSED_SYSTEM = "closed_system"


@dataclass(frozen=True)
class CyclingIndexResult(Result):
    """Finn's cycling index and throughflow (docs/methods.md 3.2), in the flows' unit.

    ``fci`` = ``tstc`` / ``tst`` in [0, 1); ``apl`` = ``tst`` / ``boundary``; ``throughflow``
    and ``return_share`` (1 - 1/N_jj, the chance that a dollar through j comes back through
    j) per node. ``reason`` is None, or "closed_system" when FCI is undefined (then ``fci``,
    ``tstc`` and the return shares are NaN; ``closed_nodes`` lists the nodes that receive
    no boundary input and leak nothing). ``dropped`` lists the nodes with zero throughflow,
    ``drawdown`` the boundary input added to cover payments above throughflow
    (``reserve_drawdown``). ``nodes`` is the per-node table; ``boundary_table``, when the
    boundary came from company facts, says where each input came from.
    """

    fci: float
    tst: float
    tstc: float
    apl: float
    boundary: float
    throughflow: pd.Series = field(repr=False)
    return_share: pd.Series = field(repr=False)
    nodes: pd.DataFrame = field(repr=False)
    dropped: list
    closed_nodes: list
    reason: str | None
    reserve_drawdown: bool
    drawdown_total: float
    condition_number: float
    ill_conditioned: bool
    notes: tuple[str, ...] = ()
    boundary_table: pd.DataFrame | None = field(default=None, repr=False)
    #: how throughflow was computed: "input" (enaR), "output" or "average" (docs/methods.md 3.5)
    throughflow_basis: str = "input"
    #: with outputs given: the largest |inflow - outflow| of a node in percent of its outflow
    #: (enaR's ssCheck), whether all are below 5 % (``balanced``) and the total imbalance
    imbalance_max_pct: float | None = None
    balanced: bool | None = None
    imbalance_total: float | None = None

    caption = "Finn cycling index: throughflow and return share per node"

    def to_frame(self) -> pd.DataFrame:
        """One row per node: inputs, flows, throughflow, N_jj and return share."""
        return self.nodes

    def to_dict(self) -> dict[str, Any]:
        d = {k: jsonable(getattr(self, k)) for k in (
            "fci", "tst", "tstc", "apl", "boundary", "reason", "reserve_drawdown", "drawdown_total",
            "condition_number", "ill_conditioned", "dropped", "closed_nodes", "throughflow_basis",
            "imbalance_max_pct", "balanced", "imbalance_total")}
        d["throughflow"] = jsonable(self.throughflow)
        d["return_share"] = jsonable(self.return_share)
        d["nodes"] = jsonable(self.nodes)
        d["notes"] = list(self.notes)
        if self.boundary_table is not None:
            d["boundary_table"] = jsonable(self.boundary_table)
        return d


def cycling_index(
    flows: Any,
    inputs: Any,
    outputs: Any = None,
    reserve_drawdown: bool = True,
    on_closed: str = "raise",
    labels: Sequence[Any] | None = None,
    max_block: int | None = MAX_BLOCK,
    throughflow: str = "input",
) -> CyclingIndexResult:
    """Finn's cycling index (FCI), total system throughflow and average path length.

    With ``F[i, j]`` the flow from i to j and ``z`` the boundary inputs (docs/methods.md 3.2):
    throughflow is inflow-based as in enaR, ``T_j = Σ_i F[i, j] + z_j``; ``G = F / T`` row by
    row; ``N = (I - G)^-1`` (an LU solve); ``TSTc = Σ_j (1 - 1/N_jj) T_j``; ``FCI = TSTc / TST``;
    ``APL = TST / Σ z``.

    Parameters
    ----------
    flows : array-like or scipy.sparse matrix, shape (n, n)
        ``flows[i, j]`` is the flow from payer i to payee j (rows pay; enaR's orientation;
        transpose Patten-school matrices first). Non-negative and finite.
    inputs : array-like of length n, or a mapping label -> value (with ``labels``)
        Boundary inputs z >= 0 (money reaching each node from outside).
    outputs : array-like or mapping, optional
        Boundary outputs y >= 0. Not used by FCI; when given, each node's imbalance
        ``T_i - Σ_j F[i, j] - y_i`` is reported (docs/methods.md 3.3 pitfall 2).
    reserve_drawdown : bool, default True
        A node that pays more into the network than its throughflow (row sum of F > T_i)
        would make N meaningless. With True (the docs/methods.md default, echoed in the result)
        the deficit is added to its boundary input, as money drawn from reserves; with
        False such a node is an error naming it.
    on_closed : {"raise", "nan"}, default "raise"
        A closed system (nodes with throughflow that no boundary input reaches, e.g. a pure
        ring with z = 0) has no inverse: FCI is undefined. "raise" raises LedgerError naming
        those nodes; "nan" returns NaN with ``reason = "closed_system"`` (docs/methods.md 3.3
        pitfall 3).
    labels : sequence, optional
        Node labels (default 0..n-1), used in the tables and to read mapping inputs.
    max_block : int or None, default 5000
        Largest strongly connected component to solve. N_jj needs one linear solve per node
        of its component, so a component of n nodes costs about n^3 (5,000 nodes take about
        15 s on 2 cores; 20,000 random ones take hours). A larger component is an error
        naming its size; None lifts the limit.
    throughflow : {"input", "output", "average"}, default "input"
        For a model whose inflows and outflows differ (docs/methods.md 3.5): ``input`` follows enaR's
        ``enaFlow``, ``T = inflow + z`` (enaR warns that such a model is not balanced and goes
        on with it); ``output`` takes ``T = outflow + y`` and ``average`` the mean of the two,
        both needing ``outputs``. The imbalance is reported whenever outputs are given
        (``imbalance_max_pct``, enaR's ``ssCheck`` percentage, and ``balanced`` within 5 %).

    Returns
    -------
    CyclingIndexResult
        Nodes with zero throughflow are dropped and listed (enaR turns their NaN into 0);
        the largest 1-norm condition number of the diagonal blocks of I - G (one per
        strongly connected component; N_jj depends only on j's block) is reported and
        flagged above 1e12.

    Examples
    --------
    docs/methods.md 3.4: z = (1, 0), F[0,1] = 1, F[1,0] = 0.5 give FCI = 1/3 and APL = 2.5.

    >>> res = cycling_index([[0, 1], [0.5, 0]], [1, 0])
    >>> round(res.fci, 12), round(res.apl, 12)
    (0.333333333333, 2.5)

    References
    ----------
    Finn (1976), J. Theor. Biol. 56: 363-380. Hannon (1973), J. Theor. Biol. 41: 535-546.
    Borrett, Lau (2014), enaR, Methods Ecol. Evol. 5: 1206-1213. docs/methods.md section 3.
    """
    if on_closed not in ("raise", "nan"):
        raise LedgerError(f"on_closed must be 'raise' or 'nan', not {on_closed!r}")
    if throughflow not in THROUGHFLOW:
        raise LedgerError(f"throughflow must be one of {', '.join(THROUGHFLOW)}, not {throughflow!r}")
    F = _flow_matrix(flows)
    n = F.shape[0]
    labels = list(range(n)) if labels is None else list(labels)
    if len(labels) != n:
        raise LedgerError(f"{len(labels)} labels for {n} nodes")
    z = _vector(inputs, labels, "inputs")
    y = None if outputs is None else _vector(outputs, labels, "outputs")
    if throughflow != "input" and y is None:
        raise LedgerError(f"throughflow='{throughflow}' needs the boundary outputs (outputs=)")

    inflow = np.asarray(F.sum(axis=0)).ravel()
    outflow = np.asarray(F.sum(axis=1)).ravel()
    scale = max(float(inflow.sum() + z.sum()), 1e-300)
    # the throughflow the convention asks for, before reserve drawdown (docs/methods.md 3.5)
    if throughflow == "input":
        base_T = inflow + z
    elif throughflow == "output":
        base_T = outflow + y
    else:
        base_T = 0.5 * (inflow + z + outflow + y)
    deficit = np.maximum(outflow - base_T, 0.0)
    deficit[deficit <= 1e-12 * scale] = 0.0
    if deficit.any() and not reserve_drawdown:
        bad = [f"{labels[i]} (pays {outflow[i]:g}, throughflow {inflow[i] + z[i]:g})"
               for i in np.flatnonzero(deficit)[:10]]
        raise LedgerError(
            "these nodes pay more into the network than flows through them, so N is "
            "meaningless (docs/methods.md 3.3): " + "; ".join(bad)
            + ". Give their boundary inputs, or use reserve_drawdown=True.")
    z_eff = z + deficit
    T = base_T + deficit
    notes: list[str] = []
    balance: dict[str, Any] = {}
    if y is not None:
        t_in, t_out = inflow + z, outflow + y
        pe = np.divide(np.abs(t_in - t_out), t_out, out=np.where(np.abs(t_in - t_out) > 0, np.inf, 0.0),
                       where=t_out > 0) * 100
        balance = dict(imbalance_max_pct=float(pe.max(initial=0.0)), balanced=bool((pe < BALANCE_TOL_PCT).all()),
                       imbalance_total=float((t_in - t_out).sum()))
        if not balance["balanced"]:
            notes.append(f"not balanced: a node's inflow and outflow differ by up to {balance['imbalance_max_pct']:.3g}% "
                         f"(enaR's ssCheck tolerance {BALANCE_TOL_PCT:g}%); throughflow from "
                         f"{throughflow}s (docs/methods.md 3.5)")
    if deficit.any():
        notes.append(f"reserve drawdown: {int((deficit > 0).sum())} nodes pay more than flows "
                     f"through them; {deficit.sum():g} added to their boundary inputs.")

    zero = T <= 1e-15 * scale
    keep = np.flatnonzero(~zero)
    dropped = [labels[i] for i in np.flatnonzero(zero)]
    if dropped:
        notes.append(f"{len(dropped)} nodes with zero throughflow dropped: "
                     + ", ".join(map(str, dropped[:10])) + (" ..." if len(dropped) > 10 else ""))

    Fk = F[keep][:, keep] if sp.issparse(F) else F[np.ix_(keep, keep)]
    Tk, zk = T[keep], z_eff[keep]
    if throughflow == "input":
        closed = _closed_nodes(Fk, zk)
        boundary = float(zk.sum())
    else:
        # I - G is singular exactly on nodes from which no flow path reaches a node that leaks
        # (passes on less than its throughflow): reachability to the leaks, along the flows
        leak_k = Tk - outflow[keep]
        leak_k[leak_k <= 1e-12 * scale] = 0.0
        closed = _closed_nodes(sp.csr_matrix(Fk).T.tocsr(), leak_k)
        assert y is not None  # the output convention is only reached with outputs given
        boundary = float(y.sum()) if throughflow == "output" else 0.5 * float(z.sum() + y.sum())
    tst = float(Tk.sum())
    apl = tst / boundary if boundary > 0 else float("inf")

    nodes = pd.DataFrame({
        "node": labels,
        "input": z,
        "drawdown": deficit,
        "inflow": inflow,
        "outflow": outflow,
        "throughflow": T,
        "leak": T - outflow,
    })
    if y is not None:
        nodes["output"] = y
        nodes["imbalance"] = T - outflow - y

    nan = float("nan")
    if len(closed):
        names = [labels[keep[i]] for i in closed]
        msg = (f"closed system: {len(names)} nodes ({', '.join(map(str, names[:10]))}"
               f"{' ...' if len(names) > 10 else ''}) carry flow that no boundary input "
               "reaches and leak nothing, so I - G has no inverse and FCI is undefined "
               "(docs/methods.md 3.3 pitfall 3)")
        if on_closed == "raise":
            raise LedgerError(msg + ". Give boundary inputs, or pass on_closed='nan'.")
        notes.append(msg + ".")
        nodes["n_jj"] = nan
        nodes["return_share"] = nan
        return CyclingIndexResult(
            fci=nan, tst=tst, tstc=nan, apl=apl, boundary=boundary,
            throughflow=pd.Series(T, index=labels, name="throughflow"),
            return_share=pd.Series(nan, index=labels, name="return_share"),
            nodes=nodes, dropped=dropped, closed_nodes=names, reason=CLOSED_SYSTEM,
            reserve_drawdown=reserve_drawdown, drawdown_total=float(deficit.sum()),
            condition_number=float("inf"), ill_conditioned=True, notes=tuple(notes),
            throughflow_basis=throughflow, **balance,
        )

    diag, cond = _integral_diagonal(Fk, Tk, max_block)
    share_k = 1.0 - 1.0 / diag
    tstc = float((share_k * Tk).sum())
    n_jj = np.full(n, np.nan)
    n_jj[keep] = diag
    share = np.full(n, np.nan)
    share[keep] = share_k
    nodes["n_jj"] = n_jj
    nodes["return_share"] = share
    ill = not np.isfinite(cond) or cond > COND_LIMIT
    if ill:
        notes.append(f"I - G is ill-conditioned (condition number {cond:.3g} > {COND_LIMIT:g}): "
                     "the results may be inaccurate.")
    return CyclingIndexResult(
        fci=tstc / tst if tst > 0 else nan, tst=tst, tstc=tstc, apl=apl, boundary=boundary,
        throughflow=pd.Series(T, index=labels, name="throughflow"),
        return_share=pd.Series(share, index=labels, name="return_share"),
        nodes=nodes, dropped=dropped, closed_nodes=[], reason=None,
        reserve_drawdown=reserve_drawdown, drawdown_total=float(deficit.sum()),
        condition_number=float(cond), ill_conditioned=bool(ill), notes=tuple(notes),
        throughflow_basis=throughflow, **balance,
    )


# ------------------------------------------------------------------------------------------------
# Company networks


#: how many periods make a year, by the period labels used in the company facts
_PERIODS = [(re.compile(r"^FY\d{4}$|^\d{4}$"), 1.0, "fiscal year"),
            (re.compile(r"^\d{4}-Q[1-4]$"), 4.0, "quarter x 4"),
            (re.compile(r"^\d{4}-H[12]$"), 2.0, "half year x 2")]


def company_boundary(
    net: FlowNetwork,
    ledger: Ledger,
    as_of: str | date | None = None,
    metrics: Sequence[str] = ("revenue",),
) -> pd.DataFrame:
    """Boundary inputs of a company network from company facts: revenue from outside it.

    For each node, the latest fact among ``metrics`` dated on or before ``as_of`` (default:
    the network's own as-of date) is annualised by its period (a fiscal year as is, a
    quarter x 4, a half year x 2; a ``revenue_run_rate`` is already annual) and the
    company's inflow in the network is subtracted: ``input = max(0, annual revenue -
    network inflow)``, marked ``derived`` with the assumption in ``basis``. A node without
    such a fact gets ``input`` NaN and ``basis = "missing"``; :func:`cycling_index_from_network`
    then gives it no outside revenue, and reserve drawdown covers what it pays beyond its
    receipts (pure payers such as "capital markets" enter the network that way).

    Returns a frame: node, name, metric, value, period, annual, inflow, input, basis,
    fact (its id) and source (URL).
    """
    from ..ledger.dates import parse_as_of

    if as_of is None and net.view is not None:
        as_of_d = net.view.as_of
    else:
        as_of_d = parse_as_of(as_of or net.params.get("as_of"))
    facts = ledger.facts(metric=list(metrics), as_of=as_of_d)
    facts = facts.sort_values(["company", "date", "id"]).groupby("company").tail(1).set_index("company")
    inflow = np.asarray(net.adjacency.sum(axis=0)).ravel()
    rows = []
    for i, node in enumerate(net.nodes.tolist()):
        row = {"node": node, "name": net.label(i), "metric": None, "value": np.nan, "period": None,
               "annual": np.nan, "inflow": float(inflow[i]), "input": np.nan, "basis": "missing",
               "fact": None, "source": None}
        if node in facts.index:
            f = facts.loc[node]
            factor, how = _annual_factor(f["metric"], f["period"])
            row.update(metric=f["metric"], value=float(f["value"]), period=f["period"], fact=f["id"],
                       source=f["sources"][0]["url"] if f["sources"] else None)
            if factor is None:
                row["basis"] = f"missing: period '{f['period']}' cannot be annualised"
            else:
                annual = float(f["value"]) * factor
                row.update(annual=annual, input=max(0.0, annual - inflow[i]),
                           basis=f"derived: {f['metric']} ({how}) minus network inflow, floored at 0")
        rows.append(row)
    return pd.DataFrame(rows)


def _annual_factor(metric: str, period: Any) -> tuple[float | None, str]:
    if "run_rate" in metric:
        return 1.0, "annualised run rate"
    text = "" if period is None or (isinstance(period, float) and np.isnan(period)) else str(period).strip()
    for pattern, factor, how in _PERIODS:
        if pattern.match(text):
            return factor, how
    return None, ""


def cycling_index_from_network(
    net: FlowNetwork,
    inputs: Mapping[Any, float] | pd.Series | None = None,
    ledger: Ledger | None = None,
    as_of: str | date | None = None,
    outputs: Mapping[Any, float] | pd.Series | None = None,
    reserve_drawdown: bool = True,
    on_closed: str = "raise",
    metrics: Sequence[str] = ("revenue",),
    max_block: int | None = MAX_BLOCK,
    throughflow: str = "input",
) -> CyclingIndexResult:
    """:func:`cycling_index` of a company network, with the boundary from the user or facts.

    ``flows`` is ``net.adjacency`` (known cash amounts). Boundary inputs come, node by
    node, from ``inputs`` (a mapping node label -> USD bn) when given there, else from the
    ledger's company facts (:func:`company_boundary`) when ``ledger`` is given, else 0.
    Nodes with neither get 0 and are listed in ``boundary_table`` with basis "missing"; with
    ``reserve_drawdown`` (default) whatever they pay beyond their receipts is treated as
    money from outside. Ledger networks hold deal values over contracts' lives, not flows per
    year: docs/methods.md 3.1 warns that this overstates cycling, and the result says so.
    ``throughflow`` as in :func:`cycling_index` (``output`` and ``average`` need ``outputs``).
    """
    n = net.n
    labels = net.nodes.tolist()
    z = np.zeros(n)
    if ledger is not None:
        table = company_boundary(net, ledger, as_of=as_of, metrics=metrics)
    else:
        table = pd.DataFrame({"node": labels, "name": [net.label(i) for i in range(n)],
                              "input": np.nan, "basis": "missing"})
    given = {} if inputs is None else dict(inputs.items() if hasattr(inputs, "items") else inputs)
    unknown = [k for k in given if k not in net._index]
    if unknown:
        raise LedgerError(f"inputs name nodes that are not in the network: {', '.join(map(str, unknown[:10]))}")
    for k, value in given.items():
        i = net.index_of(k)
        table.loc[i, "input"] = float(value)
        table.loc[i, "basis"] = "given"
    z = table["input"].fillna(0.0).to_numpy(float)
    y = None
    if outputs is not None:
        y = np.zeros(n)
        for k, value in dict(outputs.items() if hasattr(outputs, "items") else outputs).items():
            y[net.index_of(k)] = float(value)
    res = cycling_index(net.adjacency, z, y, reserve_drawdown=reserve_drawdown,
                        on_closed=on_closed, labels=labels, max_block=max_block, throughflow=throughflow)
    missing = int((table["basis"].astype(str).str.startswith("missing")).sum())
    notes = list(res.notes)
    if missing:
        notes.append(f"{missing} nodes have no boundary input (no fact, none given): "
                     "0 outside revenue, reserve drawdown covers what they pay.")
    if "deal" in net.edges:
        notes.append("Flows are deal values over contracts' lives, not flows per year: FCI is "
                     "overstated relative to a per-period network (docs/methods.md 3.1).")
    nodes = res.nodes.assign(name=[net.label(i) for i in range(n)])
    nodes.insert(1, "name", nodes.pop("name"))
    return _replace(res, nodes=nodes, notes=tuple(notes), boundary_table=table)


def _replace(res: CyclingIndexResult, **changes) -> CyclingIndexResult:
    import dataclasses

    return dataclasses.replace(res, **changes)


# ------------------------------------------------------------------------------------------------
# Internals


def _flow_matrix(flows: Any):
    if sp.issparse(flows):
        F = sp.csr_matrix(flows, dtype=float)
        data = F.data
    else:
        F = np.asarray(flows, dtype=float)
        data = F
    if F.ndim != 2 or F.shape[0] != F.shape[1]:
        raise LedgerError(f"flows must be a square matrix, got shape {F.shape}")
    if not np.isfinite(data).all():
        raise LedgerError("flows must be finite (a missing amount is not a flow: leave it out)")
    if (data < 0).any():
        raise LedgerError("flows must be non-negative")
    return F


def _vector(values: Any, labels: list, what: str) -> np.ndarray:
    n = len(labels)
    if isinstance(values, (Mapping, pd.Series)):
        index = {lab: i for i, lab in enumerate(labels)}
        unknown = [k for k in values.keys() if k not in index]
        if unknown:
            raise LedgerError(f"{what} name unknown nodes: {', '.join(map(str, unknown[:10]))}")
        out = np.zeros(n)
        for k, val in values.items():
            out[index[k]] = val
    else:
        out = np.asarray(values, dtype=float).ravel()
        if out.shape != (n,):
            raise LedgerError(f"{what} must have one value per node ({n}), got {out.shape[0]}")
    if not np.isfinite(out).all():
        raise LedgerError(f"{what} must be finite numbers")
    if (out < 0).any():
        i = int(np.flatnonzero(out < 0)[0])
        raise LedgerError(f"{what} must be >= 0; node {labels[i]} has {out[i]:g}")
    return out


def _closed_nodes(F, z: np.ndarray) -> np.ndarray:
    """Nodes (with positive throughflow) that no boundary input reaches along the flows."""
    n = len(z)
    src = np.flatnonzero(z > 0)
    reached = np.zeros(n, bool)
    if len(src):
        g = sp.csr_matrix(F) if not sp.issparse(F) else F.tocsr()
        # one virtual source node feeding every node with a boundary input
        feed = sp.csr_matrix((np.ones(len(src)), (np.zeros(len(src), int), src)), shape=(1, n))
        g = sp.bmat([[g, sp.csr_matrix((n, 1))], [feed, sp.csr_matrix((1, 1))]], format="csr")
        order = breadth_first_order(g, n, directed=True, return_predecessors=False)
        reached[order[order < n]] = True
    return np.flatnonzero(~reached)


def _integral_diagonal(F, T: np.ndarray, max_block: int | None = None) -> tuple[np.ndarray, float]:
    """Diagonal of N = (I - G)^-1 with G = F / T (rows), and a condition number.

    A walk that leaves a strongly connected component never comes back, so N_jj depends only
    on the diagonal block of I - G of j's component: each block is solved on its own (a
    lone node has N_jj = 1 / (1 - G_jj)). Blocks up to ``DENSE_LIMIT`` nodes use a dense LU
    and the full inverse; larger ones a sparse LU solved against identity columns in chunks.
    The condition number returned is the largest 1-norm condition number of the blocks,
    which governs the accuracy of every N_jj."""
    G = (sp.diags(1.0 / T) @ sp.csr_matrix(F)).tocsr()
    _, labels = connected_components(G, directed=True, connection="strong")
    sizes = np.bincount(labels)
    if max_block is not None and sizes.max(initial=0) > max_block:
        raise LedgerError(
            f"the largest strongly connected component has {sizes.max()} nodes, more than "
            f"max_block={max_block}: the exact cycling index needs one linear solve per node of "
            "it (about n^3 work). Pass a larger max_block (or None) to run it anyway.")
    diag = 1.0 / (1.0 - G.diagonal())  # right for every lone node; blocks overwrite theirs
    cond = 1.0
    for label in np.flatnonzero(sizes > 1):
        idx = np.flatnonzero(labels == label)
        block = sp.identity(len(idx), format="csc") - G[idx][:, idx]
        d, c = (_dense_block(block.toarray()) if len(idx) <= DENSE_LIMIT else _sparse_block(block.tocsc()))
        diag[idx] = d
        cond = max(cond, c)
    return diag, cond


def _dense_block(A: np.ndarray) -> tuple[np.ndarray, float]:
    lu_piv = la.lu_factor(A, check_finite=False)
    N = la.lu_solve(lu_piv, np.eye(len(A)), check_finite=False)
    cond = float(np.abs(A).sum(axis=0).max() * np.abs(N).sum(axis=0).max())
    return np.diag(N).copy(), cond


def _sparse_block(A: sp.csc_matrix) -> tuple[np.ndarray, float]:
    n = A.shape[0]
    lu = spla.splu(A)
    diag = np.empty(n)
    inv_norm = 0.0
    for start in range(0, n, 256):
        cols = np.arange(start, min(start + 256, n))
        rhs = np.zeros((n, len(cols)))
        rhs[cols, np.arange(len(cols))] = 1.0
        part = lu.solve(rhs)
        diag[cols] = part[cols, np.arange(len(cols))]
        inv_norm = max(inv_norm, float(np.abs(part).sum(axis=0).max()))
    return diag, float(abs(A).sum(axis=0).max()) * inv_norm
