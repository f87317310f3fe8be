"""A cascade that reacts: losses spread in waves of defaults, and after each wave the backstops,
pledges and the market's reconfiguration are re-evaluated for every company that has defaulted.

The three contagion models of docs/methods.md 5 run inside the same loop (docs/stress.md, "A
cascade that reacts"). ``D`` is the set of companies that stop paying: at first the failing
companies; then

1. the legs are valued given ``D`` (:meth:`~loopledger.stresstest.shocks.ShockModel.value`):
   a backstop pays its beneficiary's loss on the covered legs of debtors in ``D`` unless its
   guarantor is in ``D`` (a guarantor that fails stops guaranteeing), a secured lender takes the
   borrower's loss on a contract whose buyer fails, and the capacity freed by buyers in ``D`` is
   redeployed as far as the surviving market absorbs it;
2. the model spreads the losses: **DebtRank** (Battiston et al. 2012 or Bardoscia et al. 2015)
   from the initial shock (the defaults then read afresh, :func:`debtrank_waves`); **Furfine** (2003)
   one round: each company loses what the companies of ``D`` cost it; **clearing**
   (Eisenberg & Noe 2001, Rogers & Veraart 2013) of what falls due within the horizon, the
   companies of ``D`` with no external assets;
3. every company whose loss now exceeds ``threshold`` x its buffer joins ``D`` (a default is
   final), and the loop repeats until no company joins. Wave k is the k-th repetition.

With no default after the first wave (and no backstop or pledge in play) the result is the
plain model's. A company's loss is split into components (:data:`~loopledger.stresstest.shocks.COMPONENTS`)
in proportion to the components of what each counterparty's distress cost it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .clearing import clearing
from .debtrank import DEFAULT_LEVEL, propagate
from .shocks import COMPONENTS, Inputs, ShockModel, Valuation, _incidence

#: what a loss at the default threshold may fall short of it by and still count (float sums)
_EPS = 1e-9


@dataclass
class Outcome:
    """Per-company results of a batch of B scenarios, arrays (n, B) (see the module docstring).

    ``loss`` (USD bn; for a company with an infinite buffer what it absorbs), ``direct`` (the
    part caused by the initially failed companies), ``comps`` (components, n, B) summing to
    ``loss``, ``failed`` (at the start), ``defaulted`` (failed or defaulted in a wave), ``wave``
    (0 failed at the start, k the wave it defaulted in, -1 never), ``round`` (the model's step
    at which it was first hit, 0 = failed at the start, -1 never), ``round_defaulted`` (the
    model's step at which it defaulted), ``h`` (DebtRank's relative loss) and the last
    valuation (``valuation``)."""

    loss: np.ndarray
    direct: np.ndarray
    comps: np.ndarray | None
    failed: np.ndarray
    defaulted: np.ndarray
    wave: np.ndarray
    round: np.ndarray
    round_defaulted: np.ndarray
    h: np.ndarray | None
    valuation: Valuation
    waves: int
    steps: int = 0
    converged: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    #: the loss before any cap at the buffer (what a company would need to absorb; for the
    #: original DebtRank rule each exposure at its full size, not capped at the buffer)
    raw: np.ndarray | None = None


def _write_off(loss: np.ndarray, comps: np.ndarray | None, down: np.ndarray, failed: np.ndarray,
               E: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """A company that defaults loses its whole buffer: its loss is raised to the buffer, the
    difference booked as the ``default_writeoff`` component."""
    finite = np.isfinite(E)[:, None]
    Eb = np.where(finite, E[:, None], 0.0) * np.ones_like(loss)
    short = np.where(down & ~failed & finite, np.maximum(Eb - loss, 0.0), 0.0)
    if comps is not None:
        comps = comps.copy()
        comps[COMPONENTS.index("default_writeoff")] += short
    return loss + short, comps


def _split(comps_pairs: np.ndarray | None, A: np.ndarray, contrib: np.ndarray, P_rows: sp.csr_matrix,
           raw: np.ndarray, loss: np.ndarray, passed: np.ndarray | None = None) -> np.ndarray | None:
    """Components per company: each pair's contribution split as its components, summed per
    holder and scaled to the holder's loss. A pair whose components cancel (a loss a guarantee
    or collateral covers in full: A = 0) still shows them, times what its counterparty passed
    (``passed``), so that a creditor's ``guarantee_paid`` is visible although its loss is 0."""
    if comps_pairs is None:
        return None
    share = np.divide(comps_pairs, A[None], out=np.zeros_like(comps_pairs), where=A[None] > 0)
    scale = np.divide(loss, raw, out=np.ones_like(loss), where=raw > 0)
    zero = np.where(A > 0, 0.0, passed if passed is not None else 0.0)
    return np.stack([P_rows @ (share[c] * contrib + comps_pairs[c] * zero) for c in range(len(COMPONENTS))]) * scale[None]


def debtrank_waves(model: ShockModel, inp: Inputs, h0: np.ndarray, variant: str, tol: float = 1e-12,
                   threshold: float = 1.0, comps: bool = False, detail: bool = False,
                   max_rounds: int | None = None, max_waves: int | None = None,
                   E: np.ndarray | None = None, array_sums: bool = False) -> Outcome:
    """DebtRank in waves of defaults (module docstring); ``h0`` (n, B) the initial relative
    losses (1 = fails). Distress spreads from ``h0`` in every wave, over legs valued given the
    defaults of the wave before (a company's distress reaches its creditors whether or not it
    has defaulted yet; what its default changes is who pays under backstops and pledges and what
    the market redeploys); the defaults are then read afresh, until they no longer change (a set
    that keeps alternating, such as a guarantor that fails only because it pays, is settled as
    the union of its states). ``max_waves=0`` stops after the first propagation; ``E``
    overrides the buffers (a rescue's support added). Without components the per-holder sums
    run in a compiled pass over the pairs (the same sums in the same order as the array
    version, which ``array_sums=True`` runs)."""
    n, B = h0.shape
    E = model.E if E is None else E
    finite = np.isfinite(E)
    F = h0 >= 1.0
    D = F.copy()
    union = F.copy()
    wave = np.where(F, 0, -1)
    rows, cols = model.rows, model.cols
    keep = finite[rows]
    Ef = np.where(finite, E, 1.0)
    # h is capped at 1: a loss of threshold x buffer (or all of it) is a default
    level = min(min(threshold, 1.0) - _EPS, DEFAULT_LEVEL)
    k = 0
    while True:
        k += 1
        v = model.value(inp, D, comps=comps, detail=detail)
        A, Acomp = model.pairs(v)
        lam = A[keep] / Ef[rows[keep]][:, None]
        run = propagate(rows[keep], cols[keep], lam, h0, variant, tol=tol, max_rounds=max_rounds)
        new = F | (finite[:, None] & (run.h >= level))
        if (new == D).all() or (max_waves is not None and k > max_waves):
            break
        wave = np.where(new & (wave < 0), k, wave)
        if k > n:  # alternating: settle on every company that defaulted in some wave
            D = union | new
            max_waves = k
            continue
        union |= new
        D = new
    wave = np.where(D, wave, -1)
    round_def = np.where(F, 0, np.where(D, run.round_defaulted, -1))
    round_hit = _hit_rounds(model, run, A, keep)
    battiston = variant == "battiston2012"
    cmp = None
    if Acomp is None and not array_sums:
        from ._debtrank_core import loss_sums

        raw, direct_raw, raw_full = np.zeros((n, B)), np.zeros((n, B)), np.zeros((n, B))
        loss_sums(rows, cols, np.ascontiguousarray(A, dtype=float), E.astype(float), finite, battiston,
                  np.ascontiguousarray(run.passed), np.ascontiguousarray(run.h),
                  np.ascontiguousarray(h0, dtype=float), raw, direct_raw, raw_full)
    else:
        raw, direct_raw, raw_full, contrib, passed = _loss_sums(rows, cols, A, E, finite, battiston, run, h0, n)
    room = np.where(finite, E, np.inf)[:, None] * (1.0 - np.where(F, 0.0, h0))
    loss = np.where(F, 0.0, np.minimum(raw, room))
    direct = np.minimum(direct_raw, loss)
    h = np.where(finite[:, None], run.h, np.nan)
    if Acomp is not None:
        cmp = _split(Acomp, A, contrib, _incidence(rows, n), raw, loss, passed)
    loss, cmp = _write_off(loss, cmp, D, F, E)
    return Outcome(loss=loss, direct=direct, comps=cmp, failed=F,
                   defaulted=D, wave=wave, round=round_hit, round_defaulted=round_def, h=h, valuation=v,
                   waves=int(wave.max(initial=0)), steps=run.steps, converged=run.converged,
                   raw=np.where(F, 0.0, raw_full))


def _loss_sums(rows, cols, A, E, finite, battiston, run, h0, n):
    """The array version of :func:`~loopledger.stresstest._debtrank_core.loss_sums` (and the
    pairs' contributions and what each counterparty passed, which the components need)."""
    shocked = h0 > 0
    capA = A.copy()
    fin_rows = finite[rows]
    if battiston:
        capA[fin_rows] = np.minimum(A[fin_rows], E[rows[fin_rows]][:, None])
    passed = np.zeros_like(A)
    assert run.passed is not None  # kept by the run this reads
    passed[fin_rows] = run.passed[cols[fin_rows]]
    passed[~fin_rows] = run.h[cols[~fin_rows]]
    contrib = capA * passed
    P_rows = _incidence(rows, n)
    direct_raw = P_rows @ (capA * np.where(shocked[cols], h0[cols], 0.0))
    return P_rows @ contrib, direct_raw, P_rows @ (A * passed), contrib, passed


def _hit_rounds(model: ShockModel, run, A: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Step at which each company was first hit; a company with an infinite buffer is hit one
    step after the first counterparty it is exposed to."""
    rd = run.round_distressed.copy()
    if keep.all():
        return rd
    absorb = np.flatnonzero(~keep)
    r, c = model.rows[absorb], model.cols[absorb]
    big = np.iinfo(np.int64).max
    hit = np.where((A[absorb] > 0) & (run.round_distressed[c] >= 0), run.round_distressed[c] + 1, big)
    first = np.full(rd.shape, big)
    np.minimum.at(first, r, hit)
    return np.where(first < big, first, rd)


def cascade_waves(model: ShockModel, inp: Inputs, failed: np.ndarray, threshold: float = 1.0,
                  comps: bool = False, detail: bool = False, max_waves: int | None = None,
                  E: np.ndarray | None = None) -> Outcome:
    """Furfine's sequential defaults, one round per wave (module docstring): each company loses
    what the companies of ``D`` cost it; those whose loss exceeds threshold x buffer default.
    ``max_waves`` and ``E`` as in :func:`debtrank_waves`."""
    n, B = failed.shape
    E = model.E if E is None else E
    finite = np.isfinite(E)
    D = failed.copy()
    wave = np.where(failed, 0, -1)
    first_hit = np.where(failed, 0, -1).astype(np.int64)
    P_rows = _incidence(model.rows, n)
    k = 0
    while True:
        k += 1
        v = model.value(inp, D, comps=comps, detail=detail)
        A, Acomp = model.pairs(v)
        contrib = A * D[model.cols]
        raw = P_rows @ contrib
        first_hit = np.where((first_hit < 0) & (raw > 0), k, first_hit)
        new = finite[:, None] & (raw > threshold * E[:, None]) & ~D
        if not new.any() or k > n or (max_waves is not None and k > max_waves):
            break
        D |= new
        wave[new] = k
    loss = np.where(failed, 0.0, np.where(finite[:, None], np.minimum(raw, np.where(finite, E, 0.0)[:, None]), raw))
    direct = np.minimum(P_rows @ (A * failed[model.cols]), loss)
    cmp = _split(Acomp, A, contrib, P_rows, raw, loss, D[model.cols].astype(float))
    loss, cmp = _write_off(loss, cmp, D, failed, E)
    return Outcome(loss=loss, direct=direct, comps=cmp, failed=failed,
                   defaulted=D, wave=wave, round=first_hit, round_defaulted=np.where(D, wave, -1), h=None,
                   valuation=v, waves=k - 1, steps=k, raw=np.where(failed, 0.0, raw))


def clearing_waves(model: ShockModel, inp: Inputs, failed: np.ndarray, e: np.ndarray, alpha: float = 1.0,
                   beta: float = 1.0, threshold: float = 1.0, comps: bool = False, detail: bool = False) -> Outcome:
    """Eisenberg-Noe / Rogers-Veraart clearing of what falls due within the horizon, in waves
    (module docstring): the companies that stop paying (failed, or whose loss exceeded
    threshold x buffer) have no external assets; clearing defaulters pay what they can. A
    company loses, per leg, its valued loss times the debtor's unpaid share, and its stakes in
    companies that defaulted."""
    n, B = failed.shape
    X = model.exposures
    L = X.due_within_horizon()
    E = model.E
    finite = np.isfinite(E)
    stop = failed.copy()
    wave = np.where(failed, 0, -1)
    k = 0
    while True:
        k += 1
        unpaid = np.zeros((n, B))
        clear_def = np.zeros((n, B), dtype=bool)
        rounds = np.zeros((n, B), dtype=np.int64)
        extra: dict[str, Any] = {}
        for b in range(B):
            res = clearing(L, np.where(stop[:, b], 0.0, e), alpha=alpha, beta=beta)
            unpaid[:, b] = 1.0 - np.divide(res.payments, res.p_bar, out=np.ones(n), where=res.p_bar > 0)
            clear_def[:, b] = res.defaulted
            rounds[:, b] = res.rounds
            if B == 1:
                extra = dict(p_bar=res.p_bar, payment=res.payments, n_rounds=res.n_rounds, unique=res.unique,
                             default_costs=float(res.default_costs.sum()),
                             unpaid=float((res.p_bar - res.payments).sum()),
                             external_assets=np.where(stop[:, 0], 0.0, e))
        unpaid = np.clip(unpaid, 0.0, 1.0)
        down = clear_def | stop
        wave = np.where(clear_def & (wave < 0), k, wave)
        v = model.value(inp, down, w=unpaid, comps=comps, detail=detail)
        raw, cmp = model.holder_losses(v, unpaid, down)
        new = finite[:, None] & (raw >= threshold * E[:, None] * (1 - _EPS)) & ~stop & ~failed
        if not new.any() or k > n:
            break
        stop |= new
        wave[new] = k
    loss = np.where(failed, 0.0, np.where(finite[:, None], np.minimum(raw, np.where(finite, E, 0.0)[:, None]), raw))
    only_f = np.where(failed, unpaid, 0.0)
    direct_raw, _ = model.holder_losses(v, only_f, failed)
    direct = np.minimum(direct_raw, loss)
    if cmp is not None:
        scale = np.divide(loss, raw, out=np.zeros_like(loss), where=raw > 0)
        cmp = cmp * scale[None]
    loss, cmp = _write_off(loss, cmp, stop, failed, E)
    defaulted = down | stop
    rnd = np.where(failed, 0, np.where(loss > 0, np.maximum(rounds, 1), -1))
    rdef = np.where(failed, 0, np.where(clear_def, rounds, np.where(defaulted, wave, -1)))
    return Outcome(loss=loss, direct=direct, comps=cmp, failed=failed, defaulted=defaulted, wave=wave, round=rnd,
                   round_defaulted=rdef, h=None, valuation=v, waves=k - 1, steps=k, extra=extra,
                   raw=np.where(failed, 0.0, raw))
