"""Stress scenarios on the deal network: "if OpenAI fails, who bears the loss?" and the
"too big to fail" table.

:func:`stress` runs one scenario: the failing companies stop paying what they committed
(their counterparties recover ``recovery`` of it), their equity goes to zero (shareholders
write their stakes down), backstops tied to them trigger, and with ``substitution`` a share
of the lost demand moves to competitors after a lag (METHODS.md 6.5-6.7). Shocks that are not
failures are a company's funding falling short by x % and a fall in GPU prices. The losses
then spread by DebtRank (default), a Furfine default cascade or Eisenberg-Noe /
Rogers-Veraart clearing. :func:`systemic` makes every company fail alone and ranks them by
the losses they cause.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..errors import LedgerError, NotFoundError
from ..results import Result, frame_html
from ._inputs import as_list, check_unit_interval
from .cascade import cascade_batch
from .clearing import clearing
from .debtrank import DEFAULT_LEVEL, VARIANTS
from .exposure import BUFFER_METRICS, Exposures, _latest_metric, build_exposures
from .shocks import ShockModel

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger

MODELS = ("debtrank", "clearing", "cascade")
EXTERNAL_ASSETS = ("cash", "market_value")


@dataclass(frozen=True, eq=False)
class StressResult(Result):
    """One stress scenario: per-company losses and totals, every parameter echoed.

    ``companies`` has one row per company: ``buffer`` (with ``buffer_flag``: ``missing`` or
    ``placeholder`` when it is not a reported figure), ``shock_loss`` (the initial shock to
    the company itself), ``direct_loss`` (hit by the shocked companies), ``indirect_loss``
    (hit later, through others), ``loss`` = direct + indirect, ``loss_share`` = loss /
    buffer, ``distressed``, ``defaulted``, ``round`` (0 = shocked, 1 = hit directly, 2 = next
    wave ...) and ``round_defaulted``. USD billions. ``totals`` sums them; with substitution,
    ``totals_without_substitution`` gives the s = 0 run next to it (METHODS 6.7) and
    ``companies["loss_without_substitution"]`` the per-company losses.
    """

    model: str
    fail: list[str]
    companies: pd.DataFrame
    totals: dict[str, Any]
    params: dict[str, Any]
    flagged: pd.DataFrame
    excluded: pd.DataFrame
    totals_without_substitution: dict[str, Any] | None = None

    @property
    def caption(self) -> str:  # type: ignore[override]
        who = ", ".join(self.fail) or "no failure"
        return f"Stress ({self.model}): if {who} fails"

    def to_frame(self) -> pd.DataFrame:
        return self.companies

    def _repr_html_(self) -> str:
        tot = pd.DataFrame([{k: v for k, v in self.totals.items() if not isinstance(v, (list, dict))}])
        return frame_html(tot, self.caption) + frame_html(self.companies, "Companies")


@dataclass(frozen=True, eq=False)
class SystemicResult(Result):
    """Each company failing alone, ranked by the total loss it causes to the others (USD bn):
    the "too big to fail" table. ``debtrank`` is R (the value-weighted loss beyond the
    failed company itself; DebtRank model only); ``defaults`` and ``distressed`` count the
    other companies that fail or lose something."""

    table: pd.DataFrame
    params: dict[str, Any]
    flagged: pd.DataFrame

    caption = "Too big to fail: each company failing alone"

    def to_frame(self) -> pd.DataFrame:
        return self.table


# ------------------------------------------------------------------------------------------------


def exposures_for(source: "Ledger | Exposures | Any", buffers=None, **view) -> Exposures:
    """The exposure view of a ledger (``build_exposures(ledger, **view)``), an
    :class:`Exposures` as it is, or a FlowNetwork read as obligations with ``buffers``."""
    from ..ledger import Ledger
    from ..network import FlowNetwork

    if isinstance(source, Exposures):
        if view:
            raise LedgerError(f"view options ({', '.join(view)}) apply to a ledger, not to ready-made exposures")
        return source
    if isinstance(source, Ledger):
        allowed = set(inspect.signature(build_exposures).parameters) - {"ledger"}
        bad = sorted(set(view) - allowed)
        if bad:
            raise LedgerError(f"unknown option(s) {', '.join(bad)}: expected {', '.join(sorted(allowed))}")
        if buffers is not None:
            raise LedgerError("buffers= is for networks without company facts; a ledger reads them from its facts")
        return build_exposures(source, **view)
    if isinstance(source, FlowNetwork):
        if buffers is None:
            raise LedgerError("a FlowNetwork carries no company facts: pass buffers= (USD bn per node)")
        if view:
            raise LedgerError(f"view options ({', '.join(view)}) need a ledger")
        return Exposures.from_network(source, buffers)
    raise LedgerError("stress takes a Ledger, a FlowNetwork (with buffers=) or Exposures")


def resolve_companies(source, X: Exposures, names: Iterable[str], what: str = "fail") -> list[int]:
    """Node indices of companies named by id, name, alias or ticker."""
    from ..ledger import Ledger

    out = []
    for name in names:
        key = name
        if isinstance(source, Ledger):
            key = source.resolve_company(name)
        try:
            out.append(X.index_of(key))
        except NotFoundError:
            raise NotFoundError(f"{what}: '{name}' has no binding exposures in this view "
                                f"(as of {X.params.get('as_of', '?')})") from None
    return out


def _shock_vector(model: ShockModel, fail_idx: list[int], funding: Mapping[int, float],
                  gpu_price_fall: float) -> tuple[np.ndarray, np.ndarray]:
    """h0 (n,) and the USD value of the shock to each company itself."""
    X = model.exposures
    n = model.n
    E = model.E
    finite = np.isfinite(E)
    h0 = np.zeros(n)
    usd = np.zeros(n)
    if gpu_price_fall:
        gpu = X.gpu_assets if X.gpu_assets is not None else np.zeros(n)
        usd += gpu_price_fall * gpu
        h0 = np.where(finite, np.minimum(1.0, usd / np.where(finite, E, 1.0)), 0.0)
    for i, x in funding.items():
        h0[i] = max(h0[i], x)
    h0[fail_idx] = 1.0
    usd = np.where(finite, h0 * np.where(finite, E, 0.0), usd)
    # a company without a buffer still passes its shortfall or failure on to its creditors,
    # but its own loss in USD is unknown
    usd[[i for i in list(fail_idx) + list(funding) if not finite[i]]] = np.nan
    return h0, usd


def substitution_factor(X: Exposures, lag_quarters: int) -> float:
    """max(0, H - lag) / H: the share of the horizon left after the substitution lag (6.7)."""
    horizon = int(X.params.get("horizon_months", 24))
    return max(0.0, horizon - 3 * lag_quarters) / horizon if horizon > 0 else 0.0


def check_options(model: str, variant: str, recovery: float, substitution: float, lag_quarters: int,
                  models: tuple[str, ...] = MODELS) -> tuple[float, float]:
    """Validate the options every stress entry point shares; returns (recovery, substitution)."""
    if model not in models:
        raise LedgerError(f"unknown model '{model}': expected {', '.join(models)}")
    if variant not in VARIANTS:
        raise LedgerError(f"unknown DebtRank variant '{variant}': expected {' or '.join(VARIANTS)}")
    if lag_quarters < 0:
        raise LedgerError(f"lag_quarters must be >= 0, got {lag_quarters}")
    return check_unit_interval(recovery, "recovery"), check_unit_interval(substitution, "substitution")


def stress(
    source,
    fail: str | Iterable[str] = (),
    recovery: float = 0.0,
    substitution: float = 0.0,
    lag_quarters: int = 0,
    model: str = "debtrank",
    *,
    variant: str = "battiston2012",
    funding_shortfall: Mapping[str, float] | None = None,
    gpu_price_fall: float = 0.0,
    threshold: float = 1.0,
    alpha: float = 1.0,
    beta: float = 1.0,
    external_assets: str | Mapping[str, float] | None = None,
    buffers=None,
    tol: float = 1e-12,
    **view,
) -> StressResult:
    """What happens to every company when some fail (METHODS.md 6).

    Parameters
    ----------
    source : Ledger, Exposures, or FlowNetwork (with ``buffers``)
        A ledger is read with :func:`~loopledger.stress.exposure.build_exposures` and the
        view options in ``**view`` (``as_of``, ``statuses``, ``amount``, ``buffer``,
        ``missing_buffer`` (default "infinite"), ``include_warrants``, ``loss_share``,
        ``termination_haircut``, ``paid``, ``horizon_months``).
    fail : company names, ids, aliases or tickers that fail completely.
    recovery : float in [0, 1]
        Share of what a failed company owes that its creditors recover (default 0, METHODS
        6.3). Stakes are lost whole.
    substitution : float in [0, 1]
        Share s of a failed buyer's lost demand won back by surviving suppliers of the same
        kind (default 0, the worst case; METHODS 6.7). When s > 0 the s = 0 run is reported
        alongside.
    lag_quarters : int
        Quarters before substitution starts; it recovers ``s x max(0, H - lag) / H`` with H
        the horizon (``horizon_months``, default 24).
    model : "debtrank" (default), "cascade" or "clearing"
        How losses spread: DebtRank (``variant`` "battiston2012", the default, or "linear"),
        a Furfine cascade (a company fails when its losses exceed ``threshold`` x buffer) or
        Eisenberg-Noe / Rogers-Veraart clearing (``alpha``, ``beta``) of what falls due
        within the horizon, which needs ``external_assets``: "cash", "market_value" (a
        derived proxy) or {company: USD bn}.
    funding_shortfall : {company: x}
        A company whose funding falls short by x (0..1) meets only 1 - x of its commitments
        and its equity falls by x: an initial relative loss h0 = x (DebtRank only).
    gpu_price_fall : float in [0, 1]
        GPU prices fall by this share: every company loses that share of the chips it bought
        or committed to buy (``Exposures.gpu_assets``, derived), h0 = loss / buffer
        (DebtRank only).

    Returns
    -------
    StressResult
        Per company: shock, direct, indirect and total loss, loss / buffer, distressed,
        defaulted and round; totals; every parameter echoed in ``params``.

    Examples
    --------
    >>> from loopledger import load_default
    >>> r = stress(load_default(), fail=["OpenAI"], as_of="2026-06-30")
    >>> r.totals["total_loss"] > 0
    True
    """
    recovery, substitution = check_options(model, variant, recovery, substitution, lag_quarters)
    gpu_price_fall = check_unit_interval(gpu_price_fall, "gpu_price_fall")
    X = exposures_for(source, buffers=buffers, **view)
    engine = ShockModel.build(X)
    fail_names = as_list(fail)
    fail_idx = resolve_companies(source, X, fail_names)
    funding = {}
    for name, x in (funding_shortfall or {}).items():
        funding[resolve_companies(source, X, [name], "funding_shortfall")[0]] = check_unit_interval(x, f"funding_shortfall[{name}]")
    h0, shock_usd = _shock_vector(engine, fail_idx, funding, gpu_price_fall)
    if model != "debtrank" and (funding or gpu_price_fall):
        raise LedgerError(f"funding shortfalls and GPU price falls are partial shocks: use model='debtrank', not '{model}'")
    factor = substitution_factor(X, lag_quarters)
    params = dict(model=model, fail=[X.nodes[i] for i in fail_idx], recovery=recovery,
                  substitution=substitution, lag_quarters=lag_quarters,
                  horizon_months=int(X.params.get("horizon_months", 24)),
                  substitution_share_recovered=substitution * factor,
                  variant=variant if model == "debtrank" else None,
                  funding_shortfall={X.nodes[i]: x for i, x in funding.items()},
                  gpu_price_fall=gpu_price_fall,
                  threshold=threshold if model == "cascade" else None,
                  alpha=alpha if model == "clearing" else None, beta=beta if model == "clearing" else None,
                  external_assets=(external_assets if isinstance(external_assets, (str, type(None)))
                                   else dict(external_assets)) if model == "clearing" else None,
                  tol=tol, exposures=dict(X.params),
                  backstops="triggered by the companies failing at the start",
                  weights="buffers (companies with an infinite buffer weigh 0)" if model == "debtrank" else None)

    if model == "clearing":
        if substitution > 0:
            raise LedgerError("substitution is not modelled under clearing: use model='debtrank' or 'cascade'")
        e, e_note = _external_assets(source, X, external_assets)

    def run(s: float) -> tuple[pd.DataFrame, dict]:
        if model == "debtrank":
            return _run_debtrank(engine, h0, shock_usd, recovery, s, factor, variant, tol)
        if model == "cascade":
            return _run_cascade(engine, h0, recovery, s, factor, threshold)
        return _run_clearing(engine, h0, alpha, beta, e, e_note)

    companies, totals = run(substitution)
    totals0 = None
    if substitution > 0:
        companies0, totals0 = run(0.0)
        companies["loss_without_substitution"] = companies0["loss"].to_numpy()
    companies = _decorate(companies, X, shock_usd)
    order = np.lexsort((companies["company"].to_numpy(), -companies["loss"].fillna(0).to_numpy(),
                        -companies["shock_loss"].fillna(np.inf).to_numpy()))
    companies = companies.iloc[order].reset_index(drop=True)
    return StressResult(model=model, fail=[X.label(i) for i in fail_idx], companies=companies,
                        totals=totals, params=params, flagged=_flagged(X), excluded=X.excluded,
                        totals_without_substitution=totals0)


def _decorate(frame: pd.DataFrame, X: Exposures, shock_usd: np.ndarray) -> pd.DataFrame:
    head = pd.DataFrame({
        "company": X.nodes,
        "name": [X.label(i) for i in range(X.n)],
        "buffer": X.buffers,
        "buffer_flag": X.buffer_flag,
        "shock_loss": shock_usd,
    })
    out = pd.concat([head, frame.reset_index(drop=True)], axis=1)
    finite = np.isfinite(X.buffers)
    out["loss_share"] = np.where(finite, out["loss"] / np.where(finite, X.buffers, 1.0), np.nan)
    return out


def _flagged(X: Exposures) -> pd.DataFrame:
    sel = X.buffer_flag != ""
    return pd.DataFrame({"company": X.nodes[sel], "name": [X.label(i) for i in np.flatnonzero(sel)],
                         "flag": X.buffer_flag[sel], "buffer_basis": X.buffer_basis[sel]})


def _totals(loss, direct, defaulted, distressed, shocked, extra=None) -> dict:
    others = ~shocked
    tot = dict(
        total_loss=float(np.nansum(loss)),
        direct_loss=float(np.nansum(direct)),
        indirect_loss=float(np.nansum(loss) - np.nansum(direct)),
        defaults=int((defaulted & others).sum()),
        distressed=int((distressed & others).sum()),
    )
    tot.update(extra or {})
    return tot


def _run_debtrank(engine: ShockModel, h0, shock_usd, recovery, s, factor, variant, tol):
    failed = (h0 >= 1.0)[:, None]
    A, gains = engine.pair_values(engine.base_remaining(), np.array([recovery]), failed,
                                  substitution=s, substitution_factor=factor)
    run, loss, direct = engine.debtrank(A, h0[:, None], variant, tol=tol)
    h = run.h[:, 0]
    loss, direct = loss[:, 0], direct[:, 0]
    E = engine.E
    finite = np.isfinite(E)
    v = np.where(finite, E, 0.0)
    v = v / v.sum() if v.sum() > 0 else v
    shocked = h0 > 0
    defaulted = h >= DEFAULT_LEVEL
    distressed = loss > 0
    frame = pd.DataFrame({
        "direct_loss": direct, "indirect_loss": loss - direct, "loss": loss,
        "h": np.where(finite, h, np.nan),
        "distressed": distressed | shocked, "defaulted": defaulted,
        "round": np.where(run.round_distressed[:, 0] >= 0, run.round_distressed[:, 0], -1),
        "round_defaulted": run.round_defaulted[:, 0],
        "substitution_gain": gains[:, 0],
    })
    R_total = float(v @ h)
    totals = _totals(loss, direct, defaulted, distressed, shocked, dict(
        R=R_total - float(v @ h0), R_total=R_total,
        shock_loss=float(np.nansum(shock_usd)),
        absorbed_by_infinite_buffers=float(loss[~finite].sum()),
        rounds=run.steps, converged=run.converged,
        substitution_gain=float(gains.sum()),
    ))
    return frame, totals


def _cascade_losses(engine: ShockModel, A: np.ndarray, failed: np.ndarray, threshold: float):
    """Furfine on the pairs' values (A already nets recovery): losses capped at the buffer,
    their direct part (from the companies failed at the start), and the waves; (n, B)."""
    E = engine.E
    out = cascade_batch(engine.rows, engine.cols, A, E[:, None], failed, np.zeros(failed.shape[1]), threshold)
    finite = np.isfinite(E)[:, None]
    loss = np.where(finite, np.minimum(out.losses, np.where(finite, E[:, None], 0.0)), out.losses)
    direct = np.zeros_like(loss)
    np.add.at(direct, engine.rows, A * failed[engine.cols])
    direct = np.minimum(direct, loss)
    return np.where(failed, 0.0, loss), np.where(failed, 0.0, direct), out


def _run_cascade(engine: ShockModel, h0, recovery, s, factor, threshold):
    failed = (h0 >= 1.0)[:, None]
    A, gains = engine.pair_values(engine.base_remaining(), np.array([recovery]), failed,
                                  substitution=s, substitution_factor=factor)
    loss, direct, out = _cascade_losses(engine, A, failed, threshold)
    loss, direct, shocked = loss[:, 0], direct[:, 0], failed[:, 0]
    rounds = out.rounds[:, 0]
    frame = pd.DataFrame({
        "direct_loss": direct, "indirect_loss": loss - direct, "loss": loss,
        "distressed": (loss > 0) | shocked, "defaulted": rounds >= 0,
        "round": np.where(shocked, 0, np.where(loss > 0, np.maximum(rounds, 1), -1)),
        "round_defaulted": rounds, "substitution_gain": gains[:, 0],
    })
    totals = _totals(loss, direct, rounds >= 0, loss > 0, shocked, dict(
        waves=out.n_rounds, substitution_gain=float(gains.sum())))
    return frame, totals


def _run_clearing(engine: ShockModel, h0, alpha, beta, e, e_note):
    X = engine.exposures
    L = X.due_within_horizon()
    failed = h0 >= 1.0
    e = np.where(failed, 0.0, e)
    res = clearing(L, e, alpha=alpha, beta=beta)
    Lc = L.tocoo()
    paid_share = np.divide(res.payments, res.p_bar, out=np.ones(X.n), where=res.p_bar > 0)
    short = Lc.data * (1.0 - paid_share[Lc.row])
    shortfall = np.bincount(Lc.col, weights=short, minlength=X.n)
    direct_credit = np.bincount(Lc.col, weights=short * failed[Lc.row], minlength=X.n)
    down = res.defaulted | failed
    S = X.stake_values().tocoo()
    stake_loss = np.bincount(S.row, weights=S.data * down[S.col], minlength=X.n)
    stake_direct = np.bincount(S.row, weights=S.data * failed[S.col], minlength=X.n)
    E = X.buffers
    finite = np.isfinite(E)
    raw = shortfall + stake_loss
    loss = np.where(failed, 0.0, np.where(finite, np.minimum(raw, np.where(finite, E, 0.0)), raw))
    direct = np.minimum(np.where(failed, 0.0, direct_credit + stake_direct), loss)
    frame = pd.DataFrame({
        "direct_loss": direct, "indirect_loss": loss - direct, "loss": loss,
        "distressed": (loss > 0) | failed, "defaulted": down,
        "round": np.where(failed, 0, np.where(loss > 0, np.maximum(res.rounds, 1), -1)),
        "round_defaulted": np.where(failed, 0, np.where(res.defaulted, res.rounds, -1)),
        "external_assets": e, "external_assets_basis": e_note,
        "p_bar": res.p_bar, "payment": res.payments,
    })
    totals = _totals(loss, direct, down, loss > 0, failed, dict(
        clearing_rounds=res.n_rounds, unique=res.unique,
        default_costs=float(res.default_costs.sum()), unpaid=float((res.p_bar - res.payments).sum())))
    return frame, totals


def _external_assets(source, X: Exposures, option) -> tuple[np.ndarray, np.ndarray]:
    """e for clearing: a company-fact metric or a mapping; placeholders pay in full; a company
    without a figure gets 0, and the basis column says so."""
    from ..ledger import Ledger

    if option is None:
        raise LedgerError("clearing needs external_assets: what each company can use over the horizon. "
                          "Pass 'cash', 'market_value' (a derived proxy) or {company: USD bn}; "
                          "METHODS 6.4 allows no silent default")
    p_bar = np.asarray(X.due_within_horizon().sum(axis=1)).ravel()
    n = X.n
    e = np.zeros(n)
    note = np.full(n, "no figure: 0", dtype=object)
    if isinstance(option, str):
        if option not in EXTERNAL_ASSETS:
            raise LedgerError(f"unknown external_assets '{option}': expected {', '.join(EXTERNAL_ASSETS)} or a mapping")
        if not isinstance(source, Ledger):
            raise LedgerError(f"external_assets='{option}' reads company facts: give a ledger or a mapping")
        metrics = BUFFER_METRICS["cash" if option == "cash" else "market_value"]
        figures = _latest_metric(source, metrics, pd.Timestamp(X.params["as_of"]).date())
        for i, c in enumerate(X.nodes.tolist()):
            if c in figures:
                e[i] = figures[c][0]
                note[i] = figures[c][1] + (" (derived proxy)" if option == "market_value" else "")
    else:
        for name, value in dict(option).items():
            i = resolve_companies(source, X, [name], "external_assets")[0]
            e[i] = float(value)
            note[i] = "given"
    place = X.buffer_flag == "placeholder"
    e[place] = np.maximum(e[place], p_bar[place])
    note[place] = "placeholder: pays in full"
    return e, note


def systemic(
    source,
    recovery: float = 0.0,
    substitution: float = 0.0,
    lag_quarters: int = 0,
    model: str = "debtrank",
    *,
    variant: str = "battiston2012",
    threshold: float = 1.0,
    alpha: float = 1.0,
    beta: float = 1.0,
    external_assets: str | Mapping[str, float] | None = None,
    buffers=None,
    tol: float = 1e-12,
    **view,
) -> SystemicResult:
    """Each company failing alone: the loss it causes, its DebtRank and the defaults it
    triggers, ranked (the "too big to fail" table; METHODS.md 6).

    Takes the options of :func:`stress` (the same view, recovery, substitution, model).
    Placeholders (unnamed markets and lenders, governments) are not failed.

    Examples
    --------
    >>> from loopledger import load_default
    >>> t = systemic(load_default(), as_of="2026-06-30").to_frame()
    >>> list(t.columns[:4])
    ['rank', 'company', 'name', 'total_loss']
    """
    recovery, substitution = check_options(model, variant, recovery, substitution, lag_quarters)
    X = exposures_for(source, buffers=buffers, **view)
    engine = ShockModel.build(X)
    cand = np.flatnonzero(X.buffer_flag != "placeholder")
    factor = substitution_factor(X, lag_quarters)
    B = len(cand)
    h0 = np.zeros((X.n, B))
    h0[cand, np.arange(B)] = 1.0
    failed = h0 >= 1.0
    E = X.buffers
    finite = np.isfinite(E)
    R = np.full(B, np.nan)
    if model == "clearing":
        if substitution > 0:
            raise LedgerError("substitution is not modelled under clearing: use model='debtrank' or 'cascade'")
        e, e_note = _external_assets(source, X, external_assets)
        loss = np.zeros((X.n, B))
        direct = np.zeros((X.n, B))
        defaulted = np.zeros((X.n, B), dtype=bool)
        for b in range(B):
            frame, _ = _run_clearing(engine, h0[:, b], alpha, beta, e, e_note)
            loss[:, b], direct[:, b] = frame["loss"].to_numpy(), frame["direct_loss"].to_numpy()
            defaulted[:, b] = frame["defaulted"].to_numpy()
    else:
        rem = engine.base_remaining()
        A, _ = engine.pair_values(np.broadcast_to(rem, (len(rem), B)), np.full(B, recovery), failed,
                                  substitution=substitution, substitution_factor=factor)
        if model == "debtrank":
            run, loss, direct = engine.debtrank(A, h0, variant, tol=tol)
            defaulted = run.h >= DEFAULT_LEVEL
            v = np.where(finite, E, 0.0)
            v = v / v.sum() if v.sum() > 0 else v
            R = v @ (run.h - h0)
        else:
            loss, direct, out = _cascade_losses(engine, A, failed, threshold)
            defaulted = out.rounds >= 0
        loss = np.where(failed, 0.0, loss)
        direct = np.where(failed, 0.0, direct)
    others = ~failed
    victim = np.argmax(np.where(others, loss, -1.0), axis=0)
    table = pd.DataFrame({
        "company": X.nodes[cand],
        "name": [X.label(i) for i in cand],
        "total_loss": loss.sum(axis=0),
        "direct_loss": direct.sum(axis=0),
        "indirect_loss": loss.sum(axis=0) - direct.sum(axis=0),
        "debtrank": R,
        "defaults": (defaulted & others).sum(axis=0),
        "distressed": ((loss > 0) & others).sum(axis=0),
        "largest_victim": [X.label(i) if loss[i, b] > 0 else None for b, i in enumerate(victim)],
        "largest_victim_loss": [loss[i, b] if loss[i, b] > 0 else 0.0 for b, i in enumerate(victim)],
        "buffer": E[cand],
        "buffer_flag": X.buffer_flag[cand],
    })
    table = table.sort_values(["total_loss", "company"], ascending=[False, True]).reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    params = dict(model=model, recovery=recovery, substitution=substitution, lag_quarters=lag_quarters,
                  variant=variant if model == "debtrank" else None,
                  threshold=threshold if model == "cascade" else None,
                  alpha=alpha if model == "clearing" else None, beta=beta if model == "clearing" else None,
                  external_assets=external_assets if isinstance(external_assets, (str, type(None))) else dict(external_assets),
                  tol=tol, exposures=dict(X.params), scenarios="each company failing alone; placeholders excluded")
    return SystemicResult(table=table, params=params, flagged=_flagged(X))

