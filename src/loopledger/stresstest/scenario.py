"""Stress scenarios on the deal network: "if OpenAI fails, who bears the loss?" and the
"too big to fail" table.

:func:`stress` runs one scenario: the failing companies stop paying what they committed
(their counterparties recover ``recovery`` of it), their equity goes to zero (shareholders
write their stakes down), backstops tied to them trigger, and with ``substitution`` a share
of the lost demand moves to competitors after a lag (METHODS.md 6.5-6.7). Shocks that are not
failures are a company's funding falling short by x % and a fall in GPU prices. The losses
then spread by DebtRank (default), a Furfine default cascade or Eisenberg-Noe /
Rogers-Veraart clearing. :func:`systemic` makes every company fail alone and ranks them by
the losses they cause. Every option is declared once in
:class:`~loopledger.stresstest.params.StressParams`.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import LedgerError, NotFoundError
from ..ledger import Ledger
from ..ledger.view import VIEW_DEFAULTS, View, view_of
from ..network import FlowNetwork
from ..paramsets import split_options, with_params
from ..results import Result, frame_html
from ._inputs import as_list, check_unit_interval
from .buffers import latest_figures
from .cascade import cascade_batch
from .clearing import clearing
from .debtrank import DEFAULT_LEVEL
from .exposures import Exposures, build_exposures
from .params import EXTERNAL_ASSETS, STRESS_VIEW, StressParams, SystemicParams
from .ranking import batch_size_for, rank_batches
from .shocks import ShockModel

#: the view options of a stress call, with their defaults
VIEW_OPTIONS = {k: VIEW_DEFAULTS[k] for k in STRESS_VIEW}
#: the keyword arguments every stress entry point takes besides the options
_EXTRA = (
    inspect.Parameter("params", inspect.Parameter.KEYWORD_ONLY, default=None),
    inspect.Parameter("view", inspect.Parameter.KEYWORD_ONLY, default=None),
    inspect.Parameter("buffers", inspect.Parameter.KEYWORD_ONLY, default=None),
)


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


def read_options(source: Any, options: Mapping[str, Any], sets: tuple = (StressParams,)
                 ) -> tuple[list[Any], View | None, Any]:
    """Split the keyword options of a stress call into its parameter sets (``params=`` starts
    the first), its view (``view=`` or the loose ``as_of``, ``statuses``, ``amount``; only for
    a ledger) and ``buffers``."""
    options = dict(options)
    given = options.pop("params", None)
    view = options.pop("view", None)
    buffers = options.pop("buffers", None)
    parts, view_opts, unknown = split_options(options, *sets, view_names=STRESS_VIEW)
    if unknown:
        allowed = [*STRESS_VIEW, *(n for c in sets for n in c.names())]
        raise LedgerError(f"unknown option(s) {', '.join(sorted(unknown))}: expected {', '.join(allowed)}")
    out = [sets[0].of(given, **parts[0])] + [cls.of(**part) for cls, part in zip(sets[1:], parts[1:])]
    if isinstance(source, Ledger):
        return out, view_of(view, **view_opts), buffers
    if view is not None or view_opts:
        raise LedgerError(f"view options ({', '.join([*view_opts] or ['view'])}) apply to a ledger, "
                          "not to ready-made exposures or a network")
    return out, None, buffers


def exposures_for(source: Ledger | Exposures | FlowNetwork, view: View | None, params: StressParams,
                  buffers: Any = None) -> Exposures:
    """The exposure view of a ledger (:func:`build_exposures`), an :class:`Exposures` as it
    is, or a FlowNetwork read as obligations with ``buffers``."""
    if isinstance(source, Exposures):
        return source
    if isinstance(source, Ledger):
        if buffers is not None:
            raise LedgerError("buffers= is for networks without company facts; a ledger reads them from its facts")
        assert view is not None
        return build_exposures(source, view, params)
    if isinstance(source, FlowNetwork):
        if buffers is None:
            raise LedgerError("a FlowNetwork carries no company facts: pass buffers= (USD bn per node)")
        return Exposures.from_network(source, buffers)
    raise LedgerError("stress takes a Ledger, a FlowNetwork (with buffers=) or Exposures")


def resolve_companies(source, X: Exposures, names: Iterable[str], what: str = "fail") -> list[int]:
    """Node indices of companies named by id, name, alias or ticker."""
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


@with_params(StressParams, view=VIEW_OPTIONS, extra=_EXTRA)
def stress(source, fail: str | Iterable[str] = (), **options: Any) -> StressResult:
    """What happens to every company when some fail (docs/methods.md 6).

    The failing companies stop paying what they committed (their creditors recover
    ``recovery`` of it), their equity goes to zero (shareholders write their stakes down),
    backstops tied to them trigger, and with ``substitution`` a share of the lost demand moves
    to competitors after a lag. The losses then spread by DebtRank (default), a Furfine cascade
    or Eisenberg-Noe / Rogers-Veraart clearing.

    Parameters
    ----------
    source : Ledger, Exposures, or FlowNetwork (with ``buffers``)
        A ledger is read through the view (``as_of``, ``statuses``, ``amount``, or ``view=``)
        by :func:`~loopledger.stresstest.exposures.build_exposures`.
    fail : company names, ids, aliases or tickers that fail completely.
    params : StressParams, optional
        All the options at once; keyword options override it.
    **options
        The options of :class:`~loopledger.stresstest.params.StressParams` (listed below).

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
    (p,), view, buffers = read_options(source, options)
    X = exposures_for(source, view, p, buffers)
    return run_stress(source, X, as_list(fail), p)


def run_stress(source: Any, X: Exposures, fail_names: list[str], p: StressParams) -> StressResult:
    """:func:`stress` on ready exposures."""
    engine = ShockModel.build(X)
    fail_idx = resolve_companies(source, X, fail_names)
    funding = {}
    for name, x in p.funding_shortfall.items():
        funding[resolve_companies(source, X, [name], "funding_shortfall")[0]] = check_unit_interval(x, f"funding_shortfall[{name}]")
    h0, shock_usd = _shock_vector(engine, fail_idx, funding, p.gpu_price_fall)
    factor = substitution_factor(X, p.lag_quarters)
    clearing_model = p.model == "clearing"
    params = dict(model=p.model, fail=[X.nodes[i] for i in fail_idx], recovery=p.recovery,
                  substitution=p.substitution, lag_quarters=p.lag_quarters,
                  horizon_months=int(X.params.get("horizon_months", 24)),
                  substitution_share_recovered=p.substitution * factor,
                  variant=p.variant if p.model == "debtrank" else None,
                  funding_shortfall={X.nodes[i]: x for i, x in funding.items()},
                  gpu_price_fall=p.gpu_price_fall,
                  threshold=p.threshold if p.model == "cascade" else None,
                  alpha=p.alpha if clearing_model else None, beta=p.beta if clearing_model else None,
                  external_assets=(p.external_assets if isinstance(p.external_assets, (str, type(None)))
                                   else dict(p.external_assets)) if clearing_model else None,
                  tol=p.tol, exposures=dict(X.params),
                  backstops="triggered by the companies failing at the start",
                  weights="buffers (companies with an infinite buffer weigh 0)" if p.model == "debtrank" else None)
    if clearing_model:
        e, e_note = _external_assets(source, X, p.external_assets)

    def run(s: float) -> tuple[pd.DataFrame, dict]:
        if p.model == "debtrank":
            return _run_debtrank(engine, h0, shock_usd, p.recovery, s, factor, p.variant, p.tol)
        if p.model == "cascade":
            return _run_cascade(engine, h0, p.recovery, s, factor, p.threshold)
        return _run_clearing(engine, h0, p.alpha, p.beta, e, e_note)

    companies, totals = run(p.substitution)
    totals0 = None
    if p.substitution > 0:
        companies0, totals0 = run(0.0)
        companies["loss_without_substitution"] = companies0["loss"].to_numpy()
    companies = _decorate(companies, X, shock_usd)
    order = np.lexsort((companies["company"].to_numpy(), -companies["loss"].fillna(0).to_numpy(),
                        -companies["shock_loss"].fillna(np.inf).to_numpy()))
    companies = companies.iloc[order].reset_index(drop=True)
    return StressResult(model=p.model, fail=[X.label(i) for i in fail_idx], companies=companies,
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
    if option is None:
        raise LedgerError("clearing needs external_assets: what each company can use over the horizon. "
                          "Pass 'cash', 'market_value' (a derived proxy) or {company: USD bn}; "
                          "docs/methods.md 6.4 allows no silent default")
    p_bar = np.asarray(X.due_within_horizon().sum(axis=1)).ravel()
    n = X.n
    e = np.zeros(n)
    note = np.full(n, "no figure: 0", dtype=object)
    if isinstance(option, str):
        if option not in EXTERNAL_ASSETS:
            raise LedgerError(f"unknown external_assets '{option}': expected {', '.join(EXTERNAL_ASSETS)} or a mapping")
        if not isinstance(source, Ledger):
            raise LedgerError(f"external_assets='{option}' reads company facts: give a ledger or a mapping")
        figures = latest_figures(source, option, pd.Timestamp(X.params["as_of"]).date())
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


@with_params(StressParams, SystemicParams, view=VIEW_OPTIONS, extra=_EXTRA)
def systemic(source, **options: Any) -> SystemicResult:
    """Each company failing alone: the loss it causes, its DebtRank and the defaults it
    triggers, ranked (the "too big to fail" table; docs/methods.md 6).

    Takes the options of :func:`stress` (the same view, recovery, substitution, model; partial
    shocks do not apply). Placeholders (unnamed markets and lenders, governments) are not
    failed. The failing companies are evaluated in batches of ``batch_size``, in process or on
    a Dask cluster (``workers=N`` on 127.0.0.1, ``scheduler="tcp://HOST:PORT"``:
    docs/cluster.md); the table does not depend on where the batches run.

    Examples
    --------
    >>> from loopledger import load_default
    >>> t = systemic(load_default(), as_of="2026-06-30").to_frame()
    >>> list(t.columns[:4])
    ['rank', 'company', 'name', 'total_loss']
    """
    (p, where), view, buffers = read_options(source, options, (StressParams, SystemicParams))
    if p.funding_shortfall or p.gpu_price_fall:
        raise LedgerError("systemic fails each company alone: funding_shortfall and gpu_price_fall do not apply")
    recovery, substitution, lag_quarters, model = p.recovery, p.substitution, p.lag_quarters, p.model
    variant, threshold, alpha, beta, tol = p.variant, p.threshold, p.alpha, p.beta, p.tol
    external_assets = p.external_assets
    X = exposures_for(source, view, p, buffers)
    engine = ShockModel.build(X)
    cand = np.flatnonzero(X.buffer_flag != "placeholder")
    e, e_note = _external_assets(source, X, external_assets) if model == "clearing" else (None, None)
    plan = RankingPlan(engine=engine, cand=cand, model=model, recovery=recovery, substitution=substitution,
                       factor=substitution_factor(X, lag_quarters), variant=variant, threshold=threshold,
                       alpha=alpha, beta=beta, tol=tol, e=e, e_note=e_note)
    batch_size = where.batch_size or batch_size_for(len(cand), X.n + len(engine.rows))
    cols = rank_batches(rank_batch, plan, len(cand), batch_size=batch_size, workers=where.workers,
                        scheduler=where.scheduler, progress=where.progress)
    E = X.buffers
    victim = cols["victim"]
    table = pd.DataFrame({
        "company": X.nodes[cand],
        "name": [X.label(i) for i in cand],
        "total_loss": cols["total_loss"],
        "direct_loss": cols["direct_loss"],
        "indirect_loss": cols["total_loss"] - cols["direct_loss"],
        "debtrank": cols["debtrank"],
        "defaults": cols["defaults"],
        "distressed": cols["distressed"],
        "largest_victim": [X.label(i) if x > 0 else None for i, x in zip(victim, cols["victim_loss"])],
        "largest_victim_loss": np.where(cols["victim_loss"] > 0, cols["victim_loss"], 0.0),
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
                  tol=tol, exposures=dict(X.params), scenarios="each company failing alone; placeholders excluded",
                  batch_size=int(batch_size))
    return SystemicResult(table=table, params=params, flagged=_flagged(X))


@dataclass
class RankingPlan:
    """Everything a batch of the "too big to fail" table needs, sent once to each worker."""

    engine: ShockModel
    cand: np.ndarray          # the companies that fail, one per scenario
    model: str
    recovery: float
    substitution: float
    factor: float             # substitution_factor(X, lag_quarters)
    variant: str
    threshold: float
    alpha: float
    beta: float
    tol: float
    e: np.ndarray | None      # clearing: external assets
    e_note: np.ndarray | None


def rank_batch(plan: RankingPlan, columns: np.ndarray) -> dict[str, np.ndarray]:
    """The scenarios ``columns`` of the table (``plan.cand[columns]`` each failing alone), at
    once: per scenario the loss it causes the others (total and direct), its DebtRank R
    (DebtRank only, else NaN), the defaults and distressed companies it causes, and its
    largest victim with that victim's loss (module level: Dask workers run it)."""
    engine = plan.engine
    X = engine.exposures
    B = len(columns)
    h0 = np.zeros((X.n, B))
    h0[plan.cand[columns], np.arange(B)] = 1.0
    failed = h0 >= 1.0
    E = X.buffers
    finite = np.isfinite(E)
    R = np.full(B, np.nan)
    if plan.model == "clearing":
        loss = np.zeros((X.n, B))
        direct = np.zeros((X.n, B))
        defaulted = np.zeros((X.n, B), dtype=bool)
        for b in range(B):
            frame, _ = _run_clearing(engine, h0[:, b], plan.alpha, plan.beta, plan.e, plan.e_note)
            loss[:, b], direct[:, b] = frame["loss"].to_numpy(), frame["direct_loss"].to_numpy()
            defaulted[:, b] = frame["defaulted"].to_numpy()
    else:
        rem = engine.base_remaining()
        A, _ = engine.pair_values(np.broadcast_to(rem, (len(rem), B)), np.full(B, plan.recovery), failed,
                                  substitution=plan.substitution, substitution_factor=plan.factor)
        if plan.model == "debtrank":
            run, loss, direct = engine.debtrank(A, h0, plan.variant, tol=plan.tol)
            defaulted = run.h >= DEFAULT_LEVEL
            v = np.where(finite, E, 0.0)
            v = v / v.sum() if v.sum() > 0 else v
            R = v @ (run.h - h0)
        else:
            loss, direct, out = _cascade_losses(engine, A, failed, plan.threshold)
            defaulted = out.rounds >= 0
        loss = np.where(failed, 0.0, loss)
        direct = np.where(failed, 0.0, direct)
    others = ~failed
    victim = np.argmax(np.where(others, loss, -1.0), axis=0)
    return dict(total_loss=loss.sum(axis=0), direct_loss=direct.sum(axis=0), debtrank=R,
                defaults=(defaulted & others).sum(axis=0), distressed=((loss > 0) & others).sum(axis=0),
                victim=victim, victim_loss=loss[victim, np.arange(B)])
