"""Monte Carlo stress tests: the spread of outcomes when amounts, deal realisation, recovery,
margins and redeployment are uncertain (docs/methods.md 6.9, docs/stress.md).

Each scenario (1) realises every deal group with a probability set by its status (binding
statuses 1, letters of intent ``p_loi``, others 0 unless ``p_realise`` says otherwise; the
legs of one group realise together), (2) draws every leg's amount uniformly in its
[low, high] range, (3) draws the recovery rate from a Beta distribution when asked, (4) on the
economic basis multiplies every margin and the redeployed share by factors drawn uniformly in
[1 - spread, 1 + spread], and then runs the same shock as
:func:`~loopledger.stresstest.scenario.stress`, in waves of defaults, with DebtRank, the Furfine
cascade or clearing, on both loss bases. Scenarios are evaluated in chunks of ``chunk_size`` as
arrays (one column per scenario, batched sparse products), each chunk with its own generator
from ``SeedSequence(seed).spawn(n_chunks)``, so a seed gives the same results in one process,
in chunks, on a local Dask cluster or on a remote scheduler. Reported: the mean, 5 / 50 / 95 %
quantiles, value at risk and expected shortfall of DebtRank, total, direct and indirect loss
(both bases), defaults and distressed companies, and per company of its loss, with its
probability of default and of distress.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import LedgerError
from ..paramsets import with_params
from ..results import Result, frame_html
from ..vocabulary import BINDING_STATUSES
from ..vocabulary import STATUS_ORDER as STATUSES
from ._inputs import as_list
from ._mc_block import BLOCK
from .debtrank import DEFAULT_LEVEL
from .distributed import describe, run_chunks
from .params import MonteCarloParams, StressParams
from .scenario import (
    _EXTRA,
    VIEW_OPTIONS,
    _external_assets,
    _flagged,
    _shock_vector,
    clamp_to_gross,
    collect_assumptions,
    exposures_for,
    read_options,
    resolve_companies,
    run_basis,
)
from .shocks import ShockModel
from .waves import _EPS as _WAVE_EPS
from .wording import basis_note, footer

QUANTILES = (0.05, 0.5, 0.95)
MC_MODELS = ("debtrank", "cascade", "clearing")
SCALARS = ("debtrank", "total_loss", "total_loss_gross", "direct_loss", "indirect_loss", "defaults", "distressed",
           "hit")


@dataclass(frozen=True, eq=False)
class MonteCarloResult(Result):
    """Quantiles and tail measures of every output over the scenarios.

    ``summary``: one row per output (``debtrank`` R, ``total_loss`` and ``total_loss_gross``,
    ``direct_loss``, ``indirect_loss`` in USD bn, ``defaults``, ``distressed``, ``hit``) with
    mean, q05, q50, q95, ``var`` (the ``var_level`` quantile) and ``es`` (expected shortfall:
    the mean of the worst 1 - var_level of the scenarios). ``companies``: per company the mean,
    5/50/95 % quantiles, VaR and expected shortfall of its loss (USD bn), its probability of
    default, of distress and of any loss. ``samples`` holds the per-scenario outputs (not in
    ``to_dict``). ``runner`` says where the chunks ran; the numbers do not depend on it.
    """

    scenarios: int
    seed: int
    chunk_size: int
    summary: pd.DataFrame
    companies: pd.DataFrame
    params: dict[str, Any]
    runner: str
    seconds: float
    flagged: pd.DataFrame
    samples: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    loss_basis: str = "economic"
    basis: dict[str, Any] = field(default_factory=dict)
    footer: str = ""
    assumptions: list[dict[str, Any]] = field(default_factory=list)

    caption = "Monte Carlo stress test"

    def to_frame(self) -> pd.DataFrame:
        return self.companies

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.pop("samples", None)
        return out

    def _repr_html_(self) -> str:
        return frame_html(self.summary, f"{self.caption}: {self.scenarios:,} scenarios, seed {self.seed}") + \
            frame_html(self.companies, "Companies") + f"<p><em>{self.footer}</em></p>"


@dataclass
class Plan:
    """Everything a chunk needs, sent once to each worker."""

    engine: ShockModel
    p: StressParams
    h0: np.ndarray
    e: np.ndarray | None
    c_lo: np.ndarray
    c_hi: np.ndarray
    c_paid: np.ndarray    # paid so far (0 when none is recorded)
    c_coef: np.ndarray    # share of the unpaid total still owed (schedule, haircut)
    c_group: np.ndarray
    c_p: np.ndarray
    e_group: np.ndarray
    e_p: np.ndarray
    b_lo: np.ndarray
    b_hi: np.ndarray
    b_group: np.ndarray
    b_p: np.ndarray
    n_groups: int
    # only what varies is drawn: legs with a range, groups with a probability in (0, 1)
    c_ranged: np.ndarray
    b_ranged: np.ndarray
    random_groups: np.ndarray
    c_fixed: np.ndarray
    recovery_beta: tuple[float, float] | None
    margin_spread: float
    substitution_spread: float
    weights: np.ndarray
    #: the arrays of the compiled path when the network is plain (:func:`plain_arrays`)
    plain: dict[str, Any] | None = None


@with_params(MonteCarloParams, StressParams, view=VIEW_OPTIONS, extra=_EXTRA)
def monte_carlo(source, fail: str | Iterable[str] = (), **options: Any) -> MonteCarloResult:
    """Monte Carlo of a failure scenario (docs/methods.md 6.9, docs/stress.md).

    Each scenario realises every deal group with a probability set by its status (the legs of
    one group realise together), draws every leg's amount uniformly in its [low, high] range,
    draws the recovery rate from Beta(A, B) when asked, draws a common factor for the margins
    and one for the redeployed share when their spreads are given, and runs the shock of
    :func:`~loopledger.stresstest.scenario.stress` (models "debtrank", "cascade" and
    "clearing"), on the chosen loss basis and the gross bound.

    Parameters
    ----------
    source, fail
        As in :func:`~loopledger.stresstest.scenario.stress`.
    params, mc : StressParams, MonteCarloParams, optional
        All the options at once; keyword options override ``params``.
    **options
        The options of :class:`~loopledger.stresstest.params.MonteCarloParams` and of
        :class:`~loopledger.stresstest.params.StressParams` (listed below). Chunks: a chunk
        holds ``chunk_size`` scenarios (default 4,000,000 / (pairs + companies), between 100
        and 10,000, so its arrays stay near 32 MB; on a plain network 500,000 / companies,
        between 16 and 10,000, rounded up to whole blocks of 16, so that the compiled path's
        (companies, chunk) losses stay near 4 MB, in the cache; 200 for clearing, which settles
        one scenario at a time); results depend on the seed, the number of scenarios and the
        chunk size (recorded), not on where chunks run.

    Returns
    -------
    MonteCarloResult
    """
    options = dict(options)
    mc_given = options.pop("mc", None)
    (p, mc), view, buffers = read_options(source, options, (StressParams, MonteCarloParams))
    if mc_given is not None:
        mc = MonteCarloParams.of(mc_given)
    if p.model not in MC_MODELS:
        raise LedgerError(f"the Monte Carlo runs {', '.join(MC_MODELS)}, not '{p.model}'")
    if p.funding_shortfall or p.gpu_price_fall:
        raise LedgerError("funding_shortfall and gpu_price_fall are not sampled in the Monte Carlo")
    scenarios, seed, chunk_size = mc.scenarios, mc.seed, mc.chunk_size
    workers, scheduler, progress = mc.workers, mc.scheduler, mc.progress
    prob = {s: (1.0 if s in BINDING_STATUSES else 0.0) for s in STATUSES}
    prob["announced_loi"] = mc.p_loi
    prob.update({s: float(x) for s, x in mc.p_realise.items()})
    if view is not None and view.statuses is not None and set(view.statuses) == set(BINDING_STATUSES):
        # the default view: the realisation probabilities say which deals can count
        view = view.with_(statuses=[s for s in STATUSES if prob[s] > 0])

    X = exposures_for(source, view, p, buffers)
    engine = ShockModel.build(X, p)
    fail_idx = resolve_companies(source, X, as_list(fail))
    h0, _ = _shock_vector(engine, fail_idx, {}, 0.0)
    e = _external_assets(source, X, p.external_assets)[0] if p.model == "clearing" else None
    plan = _plan(engine, p, h0, e, prob, mc)

    if chunk_size is None:
        if plan.plain is not None:  # whole blocks, the chunk's (n, B) losses near 4 MB
            chunk_size = -(-int(np.clip(500_000 // max(1, engine.n), BLOCK, 10_000)) // BLOCK) * BLOCK
        else:
            chunk_size = 200 if p.model == "clearing" else \
                int(np.clip(4_000_000 // max(1, len(engine.rows) + engine.n), 100, 10_000))
    chunk_size = int(chunk_size)
    seq = np.random.SeedSequence(seed)
    n_chunks = -(-scenarios // chunk_size)
    sizes = [min(chunk_size, scenarios - c * chunk_size) for c in range(n_chunks)]
    tasks = list(zip(range(n_chunks), seq.spawn(n_chunks), sizes))
    t0 = time.perf_counter()
    # a plain network's chunks run in a compiled kernel that releases the GIL: in this process,
    # as many at once as there are cores (the results do not depend on it)
    threads = (os.cpu_count() or 1) if plan.plain is not None else 1
    parts = run_chunks(run_chunk, plan, tasks, workers=workers, scheduler=scheduler, progress=progress,
                       sizes=sizes, threads=threads)
    seconds = time.perf_counter() - t0
    samples = pd.DataFrame({k: np.concatenate([part["scalars"][k] for part in parts]) for k in SCALARS})
    defaults = sum(part["defaults"] for part in parts)
    distressed = sum(part["distressed"] for part in parts)
    hit = sum(part["hit"] for part in parts)
    level = mc.var_level
    summary = pd.DataFrame([
        dict(output=k, mean=float(samples[k].mean()),
             **{f"q{round(q * 100):02d}": float(v) for q, v in zip(QUANTILES, np.quantile(samples[k], QUANTILES))},
             var=float(np.quantile(samples[k], level)), es=float(tail_mean(samples[k].to_numpy(float), level)))
        for k in SCALARS
    ])
    # each company's positive losses, chunk after chunk (in scenario order), without joining
    # them into one matrix
    from ._mc_stats import company_stats

    mean_loss, qs, es = company_stats([part["loss"] for part in parts], X.n, scenarios, (*QUANTILES, level), level,
                                      threads=os.cpu_count() or 1)
    companies = pd.DataFrame({
        "company": X.nodes, "name": [X.label(i) for i in range(X.n)],
        "buffer": X.buffers, "buffer_flag": X.buffer_flag,
        "mean_loss": mean_loss,
        "q05": qs[:, 0], "q50": qs[:, 1], "q95": qs[:, 2], "var": qs[:, 3],
        "es": es,
        "p_default": defaults / scenarios, "p_distress": distressed / scenarios, "p_loss": hit / scenarios,
        "failed": h0 >= 1.0,
    }).sort_values(["mean_loss", "company"], ascending=[False, True]).reset_index(drop=True)
    params = dict(fail=[X.nodes[i] for i in fail_idx], model=p.model, loss_basis=p.loss_basis,
                  variant=p.variant if p.model == "debtrank" else None, threshold=p.threshold,
                  distress_threshold=p.distress_threshold, recovery=p.recovery_for(),
                  recovery_beta=list(mc.recovery_beta) if mc.recovery_beta else None, p_realise=prob,
                  up_to_low=mc.up_to_low, more_than_high=mc.more_than_high,
                  substitution=p.substitution_for() if p.substitution_for() is not None else "market",
                  lag_quarters=p.lag_quarters, margin_spread=mc.margin_spread,
                  substitution_spread=mc.substitution_spread, var_level=level,
                  amounts="uniform in [low, high] per leg",
                  realisation="one uniform draw per deal group and scenario",
                  margins=(f"every margin x U[{1 - mc.margin_spread:g}, {1 + mc.margin_spread:g}] per scenario, capped at 1"
                           if mc.margin_spread else "as in the deterministic run"),
                  redeployed=(f"redeployed share x U[{1 - mc.substitution_spread:g}, {1 + mc.substitution_spread:g}] "
                              "per scenario, capped at 1" if mc.substitution_spread else "as in the deterministic run"),
                  es="mean of the worst ceil((1 - var_level) x scenarios) outcomes",
                  chunks=n_chunks, seed_sequence=f"SeedSequence({seq.entropy}).spawn({n_chunks})",
                  tol=p.tol, exposures=dict(X.params))
    note = basis_note(X, p)
    return MonteCarloResult(scenarios=scenarios, seed=int(cast(int, seq.entropy)), chunk_size=chunk_size, summary=summary,
                            companies=companies, params=params, runner=describe(workers, scheduler),
                            seconds=seconds, flagged=_flagged(X), samples=samples, loss_basis=p.loss_basis,
                            basis=note, footer=footer(note, p), assumptions=collect_assumptions(engine, p, fail_idx))


def _plan(engine: ShockModel, p: StressParams, h0, e, prob, mc: MonteCarloParams) -> Plan:
    credit, equity, backstop = engine.credit, engine.equity, engine.backstop
    groups = pd.Index(pd.unique(pd.concat([credit["group"], equity["group"], backstop["group"]], ignore_index=True)))
    up_to_low, more_than_high = mc.up_to_low, mc.more_than_high

    def bounds(frame):
        lo, hi = frame["low"].to_numpy(float), frame["high"].to_numpy(float)
        lo_eff = np.where(np.isnan(lo), hi * (up_to_low if up_to_low is not None else 1.0), lo)
        hi_eff = np.where(np.isnan(hi), lo * (more_than_high if more_than_high is not None else 1.0), hi)
        return lo_eff, hi_eff

    c_lo, c_hi = bounds(credit)
    b_lo, b_hi = bounds(backstop)
    amount = credit["amount"].to_numpy(float)
    E = engine.E
    v = np.where(np.isfinite(E), E, 0.0)
    c_group, e_group, b_group = (groups.get_indexer(f["group"]) for f in (credit, equity, backstop))
    c_p, e_p, b_p = (f["status"].map(prob).to_numpy(float) for f in (credit, equity, backstop))
    random_groups = np.unique(np.concatenate([g[(q > 0) & (q < 1)] for g, q in
                                              ((c_group, c_p), (e_group, e_p), (b_group, b_p))]))
    # remaining(total) = max(0, total - paid) x coef reproduces the view's rule leg by leg:
    # total - paid (x haircut) when paid is given, total x schedule share otherwise, and for a
    # split loan the given drawn / undrawn share of the facility
    paid = credit["paid"].to_numpy(float)
    rf = credit["remaining_factor"].to_numpy(float)
    share = np.divide(credit["remaining"].to_numpy(float), amount, out=np.zeros(len(amount)), where=amount > 0)
    pairs = pair_order(engine)
    c_pair = pairs[1][_credit_pairs(engine)]  # each credit leg's pair, in that order
    plan = Plan(
        engine=engine, p=p, h0=h0, e=e, c_lo=c_lo, c_hi=c_hi, c_paid=np.nan_to_num(paid),
        c_coef=np.where(np.isnan(rf), share, rf),
        c_group=c_group, c_p=c_p, e_group=e_group, e_p=e_p, b_lo=b_lo, b_hi=b_hi, b_group=b_group, b_p=b_p,
        n_groups=len(groups), c_ranged=_by_pair(np.flatnonzero(c_hi > c_lo), c_pair), b_ranged=np.flatnonzero(b_hi > b_lo),
        random_groups=random_groups, c_fixed=np.zeros(0), recovery_beta=mc.recovery_beta,
        margin_spread=mc.margin_spread, substitution_spread=mc.substitution_spread,
        weights=v / v.sum() if v.sum() > 0 else v,
    )
    plan.c_fixed = _remaining(plan, c_lo[:, None], np.arange(len(c_lo)))[:, 0]
    plan.plain = plain_arrays(plan, pairs, c_pair)
    return plan


def is_plain(engine: ShockModel, p: StressParams) -> bool:
    """Whether the network is *plain* (:mod:`loopledger.stresstest._mc_core`): DebtRank, every
    credit leg a claim and no backstop, pledge, secured loan or commercial contract, so that the
    legs' values do not depend on who defaults and one propagation per basis is the waves'
    fixed point."""
    book = engine.book
    return (p.model == "debtrank" and p.loss_basis in ("economic", "gross") and not len(engine.backstop)
            and not engine.transfers and not len(book.secured)
            and (engine.collateral is None or not len(engine.collateral))
            and bool((book.role == "claim").all()) and not np.isnan(engine.E).any())


def plain_arrays(plan: Plan, pairs: tuple[np.ndarray, np.ndarray, int], c_pair: np.ndarray) -> dict[str, Any] | None:
    """The index and value arrays of :func:`~loopledger.stresstest._mc_core.plain_chunk`, or
    None when the network is not plain or has an amount that is not a finite number (the array
    path then runs). ``pairs``: :func:`pair_order`; ``c_pair``: each credit leg's position in
    it."""
    eng, p = plan.engine, plan.p
    if not is_plain(eng, p):
        return None
    lam = eng.c_lambda
    carry = np.asarray(eng.book.stake_carrying, dtype=float)
    numbers = (plan.c_lo, plan.c_hi, plan.c_paid, plan.c_coef, plan.c_fixed, lam, eng.e_value, carry, plan.h0)
    if not all(np.isfinite(x).all() for x in numbers):
        return None
    n = eng.n
    rows, cols = eng.rows.astype(np.int64), eng.cols.astype(np.int64)
    order, position, n_keep = pairs
    rows, cols = rows[order], cols[order]
    col_ptr = np.searchsorted(cols[:n_keep], np.arange(n + 1)).astype(np.int64)
    # the kernel numbers the companies in the order the shock reaches them (memory locality;
    # the pairs and the draws keep the order of pair_order)
    company = spread_order(n, rows[:n_keep], cols[:n_keep], plan.h0 != 0)
    new = np.empty(n, dtype=np.int64)
    new[company] = np.arange(n)
    rows, cols = new[rows], new[cols]
    E, h0 = eng.E.astype(float)[company], plan.h0.astype(float)[company]
    finite = np.isfinite(E)
    # the pairs the settlement reads, by holder in order: all of a holder without a finite
    # buffer (its loss comes from the final distress), else those whose counterparty is
    # shocked (the direct loss; the spread adds up the rest)
    read = np.flatnonzero(~finite[rows] | (h0[cols] > 0))
    held = read[np.argsort(rows[read], kind="stable")].astype(np.int64)
    # the legs in pair order (a pair's legs in their own order, as the sparse sums add them);
    # the ranged ones are drawn in that order (plan.c_ranged)
    legs = np.lexsort((np.arange(len(c_pair)), c_pair))
    e_pair = position[eng.P_equity.tocsc().indices.astype(np.int64)] if len(eng.e_holder) else np.zeros(0, np.int64)
    stakes = np.lexsort((np.arange(len(e_pair)), e_pair))
    draw = np.full(len(plan.c_lo), -1, dtype=np.int64)
    draw[plan.c_ranged] = np.arange(len(plan.c_ranged))

    def group_rows(group: np.ndarray, prob: np.ndarray) -> np.ndarray:
        out = np.full(len(group), -1, dtype=np.int64)
        chance = (prob > 0) & (prob < 1)
        out[chance] = np.searchsorted(plan.random_groups, group[chance])
        return out

    level = min(min(p.threshold, 1.0) - _WAVE_EPS, DEFAULT_LEVEL)
    c_row, e_row = group_rows(plan.c_group, plan.c_p), group_rows(plan.e_group, plan.e_p)
    return dict(
        n=n, c_lo=plan.c_lo[legs], c_span=(plan.c_hi - plan.c_lo)[legs], c_draw=draw[legs], c_paid=plan.c_paid[legs],
        c_coef=plan.c_coef[legs], c_fixed=plan.c_fixed[legs], c_lam=lam.astype(float)[legs], c_pair=c_pair[legs],
        c_row=c_row[legs], c_p=plan.c_p[legs],
        e_value=eng.e_value.astype(float)[stakes], e_carry=carry[stakes], e_pair=e_pair[stakes],
        e_row=e_row[stakes], e_p=plan.e_p[stakes],
        # a company's pairs as a counterparty (those that spread), and as a holder, in order
        rows=rows, cols=cols, col_lo=col_ptr[company], col_hi=col_ptr[company + 1],
        hold_q=held, hold_ptr=np.searchsorted(rows[held], np.arange(n + 1)).astype(np.int64),
        row_of=new,  # each company's row in the kernel's numbering
        E=E, finite=finite, h0=h0, weights=plan.weights.astype(float)[company],
        battiston=p.variant == "battiston2012", tol=float(p.tol),
        cap=int(n + 1 if p.variant == "battiston2012" else 100_000), level=float(level),
        distress_threshold=float(p.distress_threshold), economic=p.loss_basis == "economic",
    )


def _by_pair(legs: np.ndarray, c_pair: np.ndarray) -> np.ndarray:
    """Credit legs in the order of the pairs they belong to (``c_pair``, their positions in
    :func:`pair_order`; a pair's legs in their own order): the order in which their amounts are
    drawn, so that the compiled path reads the draws and adds the legs up in one sweep."""
    return legs[np.lexsort((legs, c_pair[legs]))]


def spread_order(n: int, holder: np.ndarray, counterparty: np.ndarray, shocked: np.ndarray) -> np.ndarray:
    """The companies in the order a breadth-first search from the shocked ones reaches them
    along the pairs (counterparty to holder), then those it does not reach, in their order: the
    compiled path's numbering, so that the companies one step of DebtRank reaches lie together
    in memory (the results do not depend on it beyond the last bits of sums)."""
    from scipy.sparse.csgraph import breadth_first_order

    src = np.flatnonzero(shocked)
    # one extra node, n, points at every shocked company: one search from it reaches them first
    g = sp.csr_matrix((np.ones(len(holder) + len(src)),
                       (np.concatenate([counterparty, np.full(len(src), n)]), np.concatenate([holder, src]))),
                      shape=(n + 1, n + 1))
    reached = breadth_first_order(g, n, directed=True, return_predecessors=False)[1:]
    seen = np.zeros(n, dtype=bool)
    seen[reached] = True
    return np.concatenate([reached, np.flatnonzero(~seen)]).astype(np.int64)


def _credit_pairs(engine: ShockModel) -> np.ndarray:
    """The pair (holder, debtor) of each credit leg."""
    return engine.P_credit.tocsc().indices.astype(np.int64) if len(engine.c_holder) else np.zeros(0, np.int64)


def pair_order(engine: ShockModel) -> tuple[np.ndarray, np.ndarray, int]:
    """The compiled path's order of the model's pairs: first those whose holder has a finite
    buffer (the ones DebtRank spreads over) by counterparty, then by holder; then the others
    by holder. A holder's pairs stay in the order of their counterparties, as in the model, so
    every holder's sums add the same terms in the same order. Returns (order, position of each
    model pair in it, how many pairs spread)."""
    rows, cols = engine.rows, engine.cols
    finite = np.isfinite(engine.E)
    keep = np.flatnonzero(finite[rows])
    rest = np.flatnonzero(~finite[rows])
    order = np.concatenate([keep[np.lexsort((rows[keep], cols[keep]))], rest]).astype(np.int64)
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    return order, position, len(keep)


def _remaining(plan: Plan, a: np.ndarray, legs: np.ndarray) -> np.ndarray:
    """What is left of credit legs ``legs`` if their totals are ``a`` (k, B) (docs/methods.md 6.1),
    as in the deterministic view."""
    return np.maximum(a - plan.c_paid[legs, None], 0.0) * plan.c_coef[legs, None]


def _drop_unrealised(values: np.ndarray, plan: Plan, U: np.ndarray, group: np.ndarray, p: np.ndarray) -> None:
    """Zero, in place, the legs whose deal group is not realised in a scenario: never for
    probability 1, always for 0, else when the group's uniform draw is above the probability."""
    values[p <= 0.0] = 0.0
    chance = np.flatnonzero((p > 0) & (p < 1))
    if len(chance):
        row = np.searchsorted(plan.random_groups, group[chance])
        values[chance] *= U[row] < p[chance, None]


def _draws(plan: Plan, seed: np.random.SeedSequence, B: int, legs_later: bool = False) -> tuple:
    """The random numbers of one chunk, in the order that is part of the reproducibility
    contract: the deal groups' uniforms and the ranged credit legs' uniforms (not yet scaled to
    their ranges), both block by block (``(blocks, k, BLOCK)``: :data:`BLOCK` scenarios at a
    time, the last block's unused columns drawn too), then the backstops' caps, the recovery,
    the margin and redeployment factors. ``legs_later``: instead of the legs' uniforms, the bit
    generator's state at the first of them (the compiled path draws them block by block,
    without an array of them: :mod:`~loopledger.stresstest._pcg`); the chunk's own generator
    skips them (each uniform is one 64-bit step of PCG64), so what follows is the same."""
    bits = np.random.PCG64(seed)  # what default_rng(seed) wraps
    rng = np.random.Generator(bits)
    blocks = -(-B // BLOCK)
    U = rng.random((blocks, len(plan.random_groups), BLOCK))
    shape = (blocks, len(plan.c_ranged), BLOCK)
    if legs_later:
        u_a: Any = bits.state  # a snapshot
        bits.advance(int(np.prod(shape)))
    else:
        u_a = rng.random(shape)
    br = plan.b_ranged
    caps = np.repeat(plan.b_lo[:, None], B, axis=1)
    caps[br] += (plan.b_hi - plan.b_lo)[br, None] * rng.random((len(br), B))
    R = rng.beta(*plan.recovery_beta, size=B) if plan.recovery_beta else None
    mf = 1.0 + plan.margin_spread * (2.0 * rng.random(B) - 1.0) if plan.margin_spread else None
    sf = 1.0 + plan.substitution_spread * (2.0 * rng.random(B) - 1.0) if plan.substitution_spread else None
    return U, u_a, caps, R, mf, sf


def _columns(blocks: np.ndarray, B: int) -> np.ndarray:
    """(blocks, k, BLOCK) draws as (k, B): scenario b in column b."""
    return blocks.transpose(1, 0, 2).reshape(blocks.shape[1], blocks.shape[0] * blocks.shape[2])[:, :B]


def run_chunk(plan: Plan, task: tuple[int, np.random.SeedSequence, int], compiled: bool = True) -> dict[str, Any]:
    """Draw and evaluate one chunk of scenarios (module level, so Dask workers can run it): a
    plain network in the compiled kernel (``compiled=False``: always the array version, the
    reference the tests compare it with)."""
    _, seed, B = task
    fast = compiled and plan.plain is not None
    U, u_a, caps, R, mf, sf = _draws(plan, seed, B, legs_later=fast)
    if fast:
        return _plain_chunk(plan, U, u_a, R, B)
    U, u_a = _columns(U, B), _columns(u_a, B)
    cr = plan.c_ranged
    a = plan.c_lo[cr, None] + (plan.c_hi - plan.c_lo)[cr, None] * u_a

    rem = np.repeat(plan.c_fixed[:, None], B, axis=1)
    rem[cr] = _remaining(plan, a, cr)
    _drop_unrealised(rem, plan, U, plan.c_group, plan.c_p)
    eng, p = plan.engine, plan.p
    eq = np.repeat(eng.e_value[:, None], B, axis=1)
    _drop_unrealised(eq, plan, U, plan.e_group, plan.e_p)
    _drop_unrealised(caps, plan, U, plan.b_group, plan.b_p)
    h0 = np.repeat(plan.h0[:, None], B, axis=1)
    draws: dict[str, Any] = dict(remaining=rem, recovery=R, equity=eq, caps=caps, margin_factor=mf, rho_factor=sf)
    out = run_basis(eng, p, p.loss_basis, h0, plan.e, **draws)
    gross = out if p.loss_basis == "gross" else run_basis(eng, p, "gross", h0, plan.e, **dict(draws))
    if p.loss_basis == "economic":
        out, _ = clamp_to_gross(out, gross)
    loss, direct = out.loss, out.direct
    others = (plan.h0 == 0)[:, None]
    if out.h is not None:
        # summed row by row, not by BLAS (whose threaded sums differ in the last bits with the
        # thread count, so a Dask worker with one thread would not match this process)
        R_dr = (plan.weights[:, None] * (np.nan_to_num(out.h) - h0)).sum(axis=0)
    else:
        R_dr = np.full(B, np.nan)
    defaulted = out.defaulted & others
    distress = (out.defaulted | distressed(loss, eng.E, p.distress_threshold)) & others
    total, dsum = loss.sum(axis=0), direct.sum(axis=0)
    return dict(
        scalars=dict(debtrank=R_dr, total_loss=total, total_loss_gross=gross.loss.sum(axis=0), direct_loss=dsum,
                     indirect_loss=total - dsum, defaults=defaulted.sum(axis=0),
                     distressed=(distress & ~out.defaulted).sum(axis=0), hit=((loss > 0) & others).sum(axis=0)),
        loss=_positive_rows(loss),
        defaults=defaulted.sum(axis=1),
        distressed=distress.sum(axis=1),
        hit=((loss > 0) & others).sum(axis=1),
    )


def _plain_chunk(plan: Plan, U: np.ndarray, u_a: dict[str, Any], R: np.ndarray | None, B: int) -> dict[str, Any]:
    """:func:`run_chunk` of a plain network, in :func:`~loopledger.stresstest._mc_core.plain_chunk`
    (``u_a``: the PCG64 state at the legs' first uniform, :func:`_draws`)."""
    from ._mc_core import plain_chunk, positive_rows, workspace
    from ._pcg import lanes

    a = plan.plain
    assert a is not None
    p = plan.p
    n = a["n"]
    R_e = np.full(B, p.recovery_for("economic" if a["economic"] else "gross")) if R is None else R
    R_g = np.full(B, p.recovery_for("gross")) if R is None else R
    # every entry of the chunk's losses is written: this thread's array is reused uninitialised
    loss = _work(_loss_block, n, B)
    scalars = np.zeros((len(SCALARS), B))
    counts = [np.zeros(n, dtype=np.int64) for _ in range(4)]
    plain_chunk(a["n"], a["c_lo"], a["c_span"], a["c_draw"], a["c_paid"], a["c_coef"], a["c_fixed"], a["c_lam"],
                a["c_pair"], a["c_row"], a["c_p"], a["e_value"], a["e_carry"], a["e_pair"], a["e_row"], a["e_p"],
                a["rows"], a["cols"], a["col_lo"], a["col_hi"], a["hold_ptr"], a["hold_q"],
                a["E"], a["finite"], a["h0"], a["weights"], a["battiston"], a["tol"], a["cap"], a["level"],
                a["distress_threshold"], a["economic"], np.ascontiguousarray(U), *lanes(u_a, BLOCK),
                np.ascontiguousarray(R_e, dtype=float), np.ascontiguousarray(R_g, dtype=float),
                loss, scalars, *counts, _work(workspace, n, len(a["rows"])))
    out = {k: scalars[i] for i, k in enumerate(SCALARS)}
    for k in ("defaults", "distressed", "hit"):
        out[k] = out[k].astype(np.int64)
    row = a["row_of"]
    return dict(scalars=out, loss=positive_rows(loss, row, counts[3]), defaults=counts[0][row],
                distressed=counts[1][row], hit=counts[2][row])


def _positive_rows(loss: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each company's positive losses of an (n, B) chunk in scenario order, as CSR row pointers
    and values (what :func:`~loopledger.stresstest._mc_stats.company_stats` reads)."""
    m = sp.csr_matrix(np.where(loss > 0, loss, 0.0))
    return m.indptr.astype(np.int64), m.data


_local = threading.local()


def _work(make, *size: int) -> Any:
    """This thread's arrays ``make(*size)`` (made once, kept for the chunks that follow; one
    size of each kind at a time)."""
    store = _local.__dict__.setdefault("arrays", {})
    if store.get(make, (None,))[0] != size:
        store[make] = (size, make(*size))
    return store[make][1]


def _loss_block(n: int, B: int) -> np.ndarray:
    """A chunk's (n, B) losses, every entry of which the kernel writes."""
    return np.empty((n, B))


def distressed(loss: np.ndarray, E: np.ndarray, threshold: float) -> np.ndarray:
    """(n, B) whether a company with a finite buffer lost at least ``threshold`` of it: the
    ``distressed`` state of :func:`~loopledger.stresstest.scenario.states` (or ``defaulted``),
    without its text array."""
    finite = np.isfinite(E)[:, None]
    positive = finite & (E > 0)[:, None]
    share = np.divide(loss, np.where(positive, E[:, None], 1.0), out=np.zeros_like(loss), where=positive)
    return finite & (share >= threshold)


def tail_mean(x: np.ndarray, level: float) -> float:
    """Expected shortfall at ``level``: the mean of the worst ceil((1 - level) N) values of x
    (the discrete estimator of Acerbi & Tasche 2002)."""
    x = np.sort(np.asarray(x, dtype=float))
    k = max(1, int(np.ceil((1.0 - level) * len(x) - 1e-9)))
    return float(x[-k:].mean()) if len(x) else float("nan")
