"""Reciprocity, and whether a network's loops are more than chance.

``reciprocity(net)`` measures how much money and how many links go both ways (docs/methods.md
4.1): the share of links whose reverse exists (r), corrected for density (rho; Garlaschelli &
Loffredo 2004), and the share of dollars matched by dollars going back (r_w; Squartini et al.
2013). ``significance(net)`` compares statistics of the observed network (mutual pairs,
simple k-cycles, weighted reciprocity, circular share) with randomised copies from a null
model (:mod:`loopledger.measures.nulls`) and reports z-scores, empirical p-values and effect
sizes side by side (docs/methods.md 4.3).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import LedgerError
from ..network import FlowNetwork
from ..results import Result
from . import nulls

#: statistics computed by default by :func:`significance`
DEFAULT_STATS = ("mutual_pairs", "cycles_3", "cycles_4", "weighted_reciprocity", "circular_share")
#: documented default number of null samples (docs/methods.md 4.3 asks for at least 1000)
DEFAULT_SAMPLES = 1000
_CYCLE_STAT = re.compile(r"^cycles_(\d+)$")


# ------------------------------------------------------------------------------------------------
# Reciprocity


@dataclass(frozen=True)
class ReciprocityResult(Result):
    """Reciprocity of a network (docs/methods.md 4.1; self-loops excluded, legs collapsed).

    ``r`` = mutual links / links on the structure (every pair with a leg); ``rho`` = (r - a) /
    (1 - a) with density a = links / (n(n-1)); ``r_w`` = Σ min(F_ij, F_ji) / Σ F_ij on the
    money matrix. ``nodes``: per node its out- and in-links, mutual partners, node r =
    2·mutual / (out + in links), out/in amounts, matched amount Σ_j min(F_ij, F_ji) and node
    r_w = 2·matched / (out + in amount): the global formulas restricted to the node's links.
    """

    r: float
    rho: float
    r_w: float
    n: int
    links: int
    mutual_links: int
    density: float
    amount: float
    matched: float
    nodes: pd.DataFrame = field(repr=False)

    caption = "Reciprocity per company"

    def to_frame(self) -> pd.DataFrame:
        return self.nodes


def reciprocity(net: FlowNetwork) -> ReciprocityResult:
    """Unweighted, density-corrected and weighted reciprocity, overall and per node.

    Parameters
    ----------
    net : FlowNetwork
        Links are the ordered pairs of ``net.structure`` (any leg, with or without an
        amount); amounts come from ``net.adjacency`` (known cash amounts). Self-loops are
        left out of both.

    Returns
    -------
    ReciprocityResult

    Examples
    --------
    >>> import pandas as pd
    >>> net = FlowNetwork.from_edges(pd.DataFrame({"source": ["A", "B", "B"],
    ...     "target": ["B", "A", "C"], "amount": [4.0, 1.0, 5.0]}))
    >>> res = reciprocity(net)
    >>> round(res.r, 4), round(res.r_w, 4)
    (0.6667, 0.2)

    References
    ----------
    Garlaschelli, Loffredo (2004), Phys. Rev. Lett. 93: 268701. Squartini, Picciolo,
    Ruzzenenti, Garlaschelli (2013), Sci. Rep. 3: 2729. docs/methods.md section 4.1.
    """
    n = net.n
    S = _no_loops(net.structure)
    S.data[:] = 1.0
    M = S.multiply(S.T).tocsr()  # 1 where both directions exist
    links = int(S.nnz)
    mutual = int(M.nnz)
    density = links / (n * (n - 1)) if n > 1 else float("nan")
    r = mutual / links if links else float("nan")
    rho = (r - density) / (1 - density) if links and density < 1 else float("nan")

    F = _no_loops(net.adjacency)
    Fmin = F.minimum(F.T).tocsr()
    amount = float(F.sum())
    matched = float(Fmin.sum())
    r_w = matched / amount if amount > 0 else float("nan")

    out_links = np.asarray(S.sum(axis=1)).ravel()
    in_links = np.asarray(S.sum(axis=0)).ravel()
    partners = np.asarray(M.sum(axis=1)).ravel()
    out_amt = np.asarray(F.sum(axis=1)).ravel()
    in_amt = np.asarray(F.sum(axis=0)).ravel()
    node_matched = np.asarray(Fmin.sum(axis=1)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        nodes = pd.DataFrame({
            "node": net.nodes,
            "name": [net.label(i) for i in range(n)],
            "out_links": out_links.astype(int),
            "in_links": in_links.astype(int),
            "mutual_partners": partners.astype(int),
            "reciprocity": np.where(out_links + in_links > 0, 2 * partners / (out_links + in_links), np.nan),
            "out_amount": out_amt,
            "in_amount": in_amt,
            "matched": node_matched,
            "weighted_reciprocity": np.where(out_amt + in_amt > 0, 2 * node_matched / (out_amt + in_amt), np.nan),
        })
    nodes = nodes.sort_values(["matched", "mutual_partners", "name"], ascending=[False, False, True])
    return ReciprocityResult(r=r, rho=rho, r_w=r_w, n=n, links=links, mutual_links=mutual,
                             density=density, amount=amount, matched=matched,
                             nodes=nodes.reset_index(drop=True))


def _no_loops(mat: sp.spmatrix) -> sp.csr_matrix:
    m = sp.csr_matrix(mat, dtype=float, copy=True)
    m.setdiag(0)
    m.eliminate_zeros()
    return m


# ------------------------------------------------------------------------------------------------
# Significance


@dataclass(frozen=True)
class SignificanceResult(Result):
    """Observed statistics against a null model (docs/methods.md 4.3).

    ``stats`` has one row per statistic: ``observed``, ``null_mean``, ``null_sd`` (ddof=1),
    ``z`` (NaN when the null sd is 0, e.g. a count the null model keeps fixed), ``p`` =
    (1 + #{null >= observed}) / (M + 1) (one-sided, never 0), ``band_low`` / ``band_high``
    (the null's 2.5% and 97.5% quantiles), ``ratio`` = observed / null mean, and ``fixed``
    (True when every null sample equals the observed value). ``acceptance_rate`` is accepted
    swaps / attempts over all samples; ``short_samples`` counts samples that gave up before
    reaching the target number of swaps.
    """

    stats: pd.DataFrame
    null: str
    samples: int
    seed: int
    swaps_per_link: float
    links: int
    acceptance_rate: float
    min_accepted: int
    target_swaps: int
    short_samples: int
    params: dict[str, Any]
    notes: tuple[str, ...] = ()
    null_values: pd.DataFrame | None = field(default=None, repr=False)

    caption = "Observed statistics against the null model"

    def to_frame(self) -> pd.DataFrame:
        return self.stats

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.pop("null_values", None)
        return d


def significance(
    net: FlowNetwork,
    stats: Sequence[str] = DEFAULT_STATS,
    null: str = "N2",
    samples: int = DEFAULT_SAMPLES,
    seed: int | None = None,
    swaps_per_link: float = 10.0,
    progress: bool = False,
) -> SignificanceResult:
    """z-scores, empirical p-values and effect sizes of network statistics under a null model.

    Parameters
    ----------
    net : FlowNetwork
        Topology from ``net.structure`` (every pair with a leg), amounts from the cash legs.
        Self-loops stay fixed in every null sample.
    stats : sequence of str
        Any of ``mutual_pairs`` (2-loops), ``cycles_K`` for K >= 2 (simple K-cycles, counted
        by :func:`loopledger.measures.cycles.count_cycles`), ``reciprocity`` (r),
        ``weighted_reciprocity`` (r_w) and ``circular_share`` (maximum circulation / total,
        docs/methods.md 2). Default: mutual pairs, 3- and 4-cycles, r_w and the circular share.
    null : {"N1", "N2", "N3"}, default "N2"
        N1 keeps degrees; N2 also each node's mutual pairs (so mutual pairs and r_w are fixed
        and only longer cycles are tested); N3 is N2 with amounts permuted among legs of the
        same kind. In N1 and N2 each link carries its own legs and amounts.
    samples : int, default 1000
        Number M of null samples (docs/methods.md 4.3: at least 1000 for reporting).
    seed : int, optional
        Sample k uses ``numpy.random.SeedSequence(seed).spawn(M)[k]``: same seed, same result.
        Without one, fresh entropy is drawn and returned as the result's ``seed``, so any run
        can be repeated.
    swaps_per_link : float, default 10
        Accepted swaps per directed link in each sample (docs/methods.md 4.2: at least 10).
    progress : bool, default False
        Show a Rich progress bar on stderr.

    Returns
    -------
    SignificanceResult

    References
    ----------
    Maslov, Sneppen (2002), Science 296: 910-913. Milo et al. (2002), Science 298: 824-827.
    North, Curtis, Sham (2002), Am. J. Hum. Genet. 71: 439-441. docs/methods.md section 4.
    """
    stats = _check_stats(stats)
    if null not in nulls.NULL_MODELS:
        raise LedgerError(f"unknown null model {null!r}: expected N1, N2 or N3")
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 1:
        raise LedgerError(f"samples must be a whole number >= 1, got {samples!r}")
    if not swaps_per_link > 0:
        raise LedgerError("swaps_per_link must be positive")
    model = _NullInput.from_network(net)
    max_len = max([int(m.group(1)) for s in stats if (m := _CYCLE_STAT.match(s))] + [0])

    observed = _statistics(model, model.graph.src, model.graph.dst, model.leg_amount, stats, max_len)
    root = np.random.SeedSequence(seed)
    children = root.spawn(int(samples))
    values = np.empty((int(samples), len(stats)))
    accepted = attempts = 0
    min_accepted = None
    short = 0
    target = 0
    bar = _progress(progress, int(samples), f"null model {null}")
    try:
        for k, child in enumerate(children):
            topo_seed, perm_seed = child.spawn(2)
            s = nulls.sample(model.graph, null, topo_seed, swaps_per_link)
            amounts = model.leg_amount
            if null == "N3":
                amounts = model.permuted_amounts(np.random.default_rng(perm_seed))
            values[k] = _statistics(model, s.src, s.dst, amounts, stats, max_len)
            accepted += s.accepted
            attempts += s.attempts
            target = s.target
            min_accepted = s.accepted if min_accepted is None else min(min_accepted, s.accepted)
            short += s.accepted < s.target
            if bar is not None:
                bar[0].advance(bar[1])
    finally:
        if bar is not None:
            bar[0].stop()

    table = _report(stats, observed, values)
    notes = []
    fixed = table.loc[table["fixed"], "statistic"].tolist()
    if fixed:
        notes.append(f"kept fixed by null model {null} (z undefined, p = 1): {', '.join(fixed)}")
    if short:
        notes.append(f"{short} of {samples} samples stopped before {target} accepted swaps "
                     f"(after {nulls.ATTEMPTS_PER_SWAP} attempts per wanted swap): the graph "
                     "allows few swaps, so null samples stay close to the observed graph.")
    if samples < 1000:
        notes.append(f"{samples} samples: docs/methods.md 4.3 asks for at least 1000 for reporting.")
    return SignificanceResult(
        stats=table, null=null, samples=int(samples), seed=int(cast(int, root.entropy)), swaps_per_link=float(swaps_per_link),
        links=model.graph.links, acceptance_rate=accepted / attempts if attempts else float("nan"),
        min_accepted=int(min_accepted or 0), target_swaps=int(target), short_samples=int(short),
        params={**net.params, "stats": list(stats), "null": null},
        notes=tuple(notes), null_values=pd.DataFrame(values, columns=list(stats)),
    )


def _check_stats(stats: Sequence[str]) -> list[str]:
    if isinstance(stats, str):
        stats = [stats]
    out = []
    for s in stats:
        m = _CYCLE_STAT.match(s)
        if s in ("mutual_pairs", "reciprocity", "weighted_reciprocity", "circular_share") or (m and int(m.group(1)) >= 2):
            if s not in out:
                out.append(s)
        else:
            raise LedgerError(f"unknown statistic {s!r}: expected mutual_pairs, cycles_K (K >= 2), "
                              "reciprocity, weighted_reciprocity or circular_share")
    if not out:
        raise LedgerError("no statistic asked for")
    return out


@dataclass(frozen=True)
class _NullInput:
    """What the statistics need: the swap graph, fixed self-loops and the cash legs."""

    n: int
    graph: nulls.LinkGraph
    loops: np.ndarray          # nodes with a self-loop (fixed)
    leg_link: np.ndarray       # per cash leg: its link id, or -1 - loop index for a self-loop
    leg_amount: np.ndarray     # per cash leg: amount (NaN when unknown)
    leg_kind: np.ndarray       # per cash leg: kind code

    @classmethod
    def from_network(cls, net: FlowNetwork) -> _NullInput:
        n = net.n
        e = net.edges
        u, v = e["u"].to_numpy(np.int64), e["v"].to_numpy(np.int64)
        key = np.unique(u * n + v)
        lu, lv = key // n, key % n
        loop = lu == lv
        graph = nulls.LinkGraph.from_links(n, lu[~loop], lv[~loop])
        loops = lu[loop]
        link_key = graph.src * n + graph.dst
        order = np.argsort(link_key)
        cash = e["in_flow"].to_numpy(bool)
        cu, cv = u[cash], v[cash]
        leg_link = np.empty(len(cu), dtype=np.int64)
        is_loop = cu == cv
        pos = np.searchsorted(link_key[order], cu[~is_loop] * n + cv[~is_loop])
        leg_link[~is_loop] = order[pos]
        leg_link[is_loop] = -1 - np.searchsorted(loops, cu[is_loop])
        kinds = e["kind"] if "kind" in e else pd.Series(["all"] * len(e))
        codes = pd.factorize(kinds.to_numpy()[cash])[0]
        return cls(n=n, graph=graph, loops=loops,
                   leg_link=leg_link, leg_amount=e["amount"].to_numpy(float)[cash], leg_kind=codes)

    def permuted_amounts(self, rng: np.random.Generator) -> np.ndarray:
        """Amounts shuffled among legs of the same kind (N3; NaNs move with the values)."""
        out = self.leg_amount.copy()
        for code in np.unique(self.leg_kind):
            idx = np.flatnonzero(self.leg_kind == code)
            out[idx] = out[idx][rng.permutation(len(idx))]
        return out

    def money(self, src: np.ndarray, dst: np.ndarray, amounts: np.ndarray) -> sp.csr_matrix:
        """The money matrix F of a (null) graph: known leg amounts summed per link."""
        known = ~np.isnan(amounts)
        link = self.leg_link[known]
        rows = np.empty(len(link), dtype=np.int64)
        cols = np.empty(len(link), dtype=np.int64)
        lp = link < 0
        rows[lp] = cols[lp] = self.loops[-1 - link[lp]]
        rows[~lp], cols[~lp] = src[link[~lp]], dst[link[~lp]]
        F = sp.csr_matrix((amounts[known], (rows, cols)), shape=(self.n, self.n))
        F.sum_duplicates()
        F.eliminate_zeros()
        return F


def _statistics(model: _NullInput, src: np.ndarray, dst: np.ndarray, amounts: np.ndarray,
                stats: list[str], max_len: int) -> np.ndarray:
    n = model.n
    S = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    counts = None
    if max_len >= 2:
        loops = sp.csr_matrix((np.ones(len(model.loops)), (model.loops, model.loops)), shape=(n, n))
        counts = _count_cycles(S + loops, max_len)
    F = None
    out = np.empty(len(stats))
    for i, s in enumerate(stats):
        m = _CYCLE_STAT.match(s)
        if m:
            assert counts is not None  # a cycle statistic asks for max_len >= 2
            out[i] = counts[int(m.group(1))]
        elif s == "mutual_pairs":
            out[i] = S.multiply(S.T).nnz / 2
        elif s == "reciprocity":
            out[i] = S.multiply(S.T).nnz / S.nnz if S.nnz else np.nan
        else:
            if F is None:
                F = model.money(src, dst, amounts)
            if s == "weighted_reciprocity":
                Fo = _no_loops(F)
                total = Fo.sum()
                out[i] = Fo.minimum(Fo.T).sum() / total if total > 0 else np.nan
            else:  # circular_share
                from .circulation import max_circulation_value

                total = F.sum()
                out[i] = max_circulation_value(F) / total if total > 0 else np.nan
    return out


def _count_cycles(structure: sp.csr_matrix, max_len: int) -> np.ndarray:
    """Simple cycles by length 0..max_len (the cycles module's fast counter)."""
    from .cycles import count_cycles

    return count_cycles(structure, max_len)


def _report(stats: list[str], observed: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    rows = []
    for i, s in enumerate(stats):
        obs = observed[i]
        col = values[:, i]
        ok = ~np.isnan(col)
        col = col[ok]
        mean = float(col.mean()) if len(col) else np.nan
        sd = float(col.std(ddof=1)) if len(col) > 1 else np.nan
        # a float statistic (an LP value) equal to the observed one up to rounding counts as >=
        slack = 1e-9 * max(1.0, abs(obs)) if np.isfinite(obs) else 0.0
        exceed = int((col >= obs - slack).sum()) if np.isfinite(obs) else 0
        fixed = bool(len(col) and np.isfinite(obs) and np.all(np.abs(col - obs) <= slack))
        rows.append({
            "statistic": s,
            "observed": obs,
            "null_mean": mean,
            "null_sd": sd,
            "z": (obs - mean) / sd if sd and sd > 0 and not fixed else np.nan,
            "p": (1 + exceed) / (len(col) + 1) if np.isfinite(obs) else np.nan,
            "band_low": float(np.quantile(col, 0.025)) if len(col) else np.nan,
            "band_high": float(np.quantile(col, 0.975)) if len(col) else np.nan,
            "ratio": obs / mean if mean else np.nan,
            "fixed": fixed,
            "samples": int(len(col)),
        })
    return pd.DataFrame(rows)


def _progress(enabled: bool, total: int, what: str):
    from .circulation import _progress as bar

    return bar(enabled, total, what)
