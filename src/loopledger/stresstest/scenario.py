"""Stress scenarios on the deal network: "if OpenAI fails, who bears the loss?" and the
"too big to fail" table.

:func:`stress` runs one scenario (docs/stress.md): the failing companies stop paying what they
committed and their equity goes to zero. On the **economic** basis (the default) every creditor
loses the named components of :mod:`loopledger.stresstest.losses` (receivables and drawn loans
less recovery, stakes at cost, lost margin, stranded capital, secured lending, guarantees paid),
after the market's reconfiguration (:mod:`loopledger.stresstest.reconfiguration`: rivals absorb
the failed company's customers and its suppliers redeploy capacity); on the **gross** basis it
loses the face value of what remains, the upper bound, reported next to it. Losses spread by
DebtRank (default), a Furfine default cascade or Eisenberg-Noe / Rogers-Veraart clearing, in
waves of defaults after which backstops, pledges and the reconfiguration react again
(:mod:`loopledger.stresstest.waves`). A company is ``distressed`` when its loss reaches
``distress_threshold`` of its buffer and ``defaulted`` when it exceeds ``threshold`` x its
buffer. Shocks that are not failures are a company's funding falling short by x % and a fall
in GPU prices. :func:`systemic` makes every company fail alone and ranks them by the losses they
cause, on both bases. Every option is declared once in
:class:`~loopledger.stresstest.params.StressParams`.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import LedgerError, NotFoundError
from ..ledger import Ledger
from ..ledger.view import VIEW_DEFAULTS, View, view_of
from ..network import FlowNetwork
from ..paramsets import split_options, with_params
from ..results import Result, frame_html, jsonable
from ._inputs import as_list, check_unit_interval
from .assumptions import DEFAULTS, used
from .buffers import latest_figures
from .collateral import ltv_breaches
from .exposures import Exposures, build_exposures
from .params import EXTERNAL_ASSETS, STRESS_VIEW, StressParams, SystemicParams
from .ranking import batch_size_for, rank_batches
from .reconfiguration import absorption_table
from .shocks import COMPONENTS, ShockModel
from .waves import Outcome, cascade_waves, clearing_waves, debtrank_waves
from .wording import basis_note, footer, sentence

#: the view options of a stress call, with their defaults
VIEW_OPTIONS = {k: VIEW_DEFAULTS[k] for k in STRESS_VIEW}
#: the keyword arguments every stress entry point takes besides the options
_EXTRA = (
    inspect.Parameter("params", inspect.Parameter.KEYWORD_ONLY, default=None),
    inspect.Parameter("view", inspect.Parameter.KEYWORD_ONLY, default=None),
    inspect.Parameter("buffers", inspect.Parameter.KEYWORD_ONLY, default=None),
)
STATES = ("ok", "distressed", "defaulted", "no_buffer")


@dataclass(frozen=True, eq=False)
class StressResult(Result):
    """One stress scenario: per-company losses on both bases and totals, every assumption stated.

    ``companies`` has one row per company: ``buffer`` (with ``buffer_flag``: ``missing`` or
    ``placeholder`` when it is not a reported figure), ``shock_loss`` (the initial shock to the
    company itself), ``direct_loss`` (caused by the failing companies), ``indirect_loss`` (later,
    through others), ``loss`` = direct + indirect on ``loss_basis``, ``loss_gross`` and
    ``loss_economic`` (both bases side by side), ``loss_without_substitution`` (no
    reconfiguration), one column per component (``component_<name>``, summing to ``loss``),
    ``loss_share`` = loss / buffer, ``state`` (``ok``, ``distressed``, ``defaulted``, or
    ``no_buffer`` for a company without a buffer figure that loses something), ``failed``,
    ``distressed`` and ``defaulted`` (booleans; distressed includes defaulted), ``wave`` (0 =
    failed at the start, k = defaulted in the k-th wave), ``round`` (the model's step at which
    it was first hit) and ``round_defaulted``. USD billions. ``totals`` sums them (``total_loss``,
    ``total_loss_gross``, ``components`` ...). ``assumptions`` lists every assumption used, with
    value and source; ``reconfiguration`` says who absorbs what; ``sentence`` answers the
    question in one computed sentence; ``basis`` states loss basis, horizon, recovery,
    substitution, buffer basis and the companies without a buffer figure; ``rescue`` is the
    cheapest support that prevents every knock-on default (with ``rescue=True``).
    """

    model: str
    fail: list[str]
    companies: pd.DataFrame
    totals: dict[str, Any]
    params: dict[str, Any]
    flagged: pd.DataFrame
    excluded: pd.DataFrame
    loss_basis: str = "economic"
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    reconfiguration: pd.DataFrame = field(default_factory=pd.DataFrame)
    sentence: str = ""
    basis: dict[str, Any] = field(default_factory=dict)
    footer: str = ""
    totals_without_substitution: dict[str, Any] | None = None
    rescue: Any = None
    #: the pledged loans with their loan-to-value after the GPU price fall, and which breach
    #: (:func:`~loopledger.stresstest.collateral.ltv_breaches`; empty without pledges)
    ltv_breaches: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def caption(self) -> str:  # type: ignore[override]
        who = ", ".join(self.fail) or "no failure"
        return f"Stress ({self.model}, {self.loss_basis} losses): if {who} fails"

    def to_frame(self) -> pd.DataFrame:
        return self.companies

    def to_dict(self) -> dict[str, Any]:
        """JSON values; each company's components are nested under ``components``."""
        out = {f.name: jsonable(getattr(self, f.name)) for f in self.__dataclass_fields__.values()}
        comp_cols = [f"component_{c}" for c in COMPONENTS]
        rows = []
        for r in out["companies"]:
            r = dict(r)
            r["components"] = {c: r.pop(f"component_{c}") for c in COMPONENTS if f"component_{c}" in r}
            for col in comp_cols:
                r.pop(col, None)
            rows.append(r)
        out["companies"] = rows
        return out

    def _repr_html_(self) -> str:
        tot = pd.DataFrame([{k: v for k, v in self.totals.items() if not isinstance(v, (list, dict))}])
        return (frame_html(tot, self.caption) + f"<p>{self.sentence}</p>" + frame_html(self.companies, "Companies")
                + f"<p><em>{self.footer}</em></p>")


@dataclass(frozen=True, eq=False)
class SystemicResult(Result):
    """Each company failing alone, ranked by the total loss it causes to the others (USD bn),
    on ``loss_basis``, with the gross bound and its rank beside it: the "too big to fail" table.
    ``debtrank`` is R (the value-weighted loss *beyond* the failed company itself; DebtRank model
    only); ``defaults`` counts the other companies that default, ``distressed`` those that lose
    at least ``distress_threshold`` of their buffer (defaults included), ``hit`` those that lose
    anything."""

    table: pd.DataFrame
    params: dict[str, Any]
    flagged: pd.DataFrame
    loss_basis: str = "economic"
    basis: dict[str, Any] = field(default_factory=dict)
    footer: str = ""
    assumptions: list[dict[str, Any]] = field(default_factory=list)

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
                  gpu_price_fall: float, cure: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """h0 (n,) and the USD value of the shock to each company itself; ``cure`` (n,) is what
    each borrower must pay at once to cure its loans' LTV breaches (USD bn)."""
    X = model.exposures
    n = model.n
    E = model.E
    finite = np.isfinite(E)
    h0 = np.zeros(n)
    usd = np.zeros(n)
    if gpu_price_fall:
        gpu = X.gpu_assets if X.gpu_assets is not None else np.zeros(n)
        usd += gpu_price_fall * gpu
    if cure is not None:
        usd += cure
    if gpu_price_fall or cure is not None:
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




# -- running one basis ------------------------------------------------------------------------

_UNSET = object()


def run_basis(engine: ShockModel, p: StressParams, basis: str, h0: np.ndarray, e: np.ndarray | None = None,
              comps: bool = False, detail: bool = False, fixed: Any = _UNSET, **inputs: Any) -> Outcome:
    """Run the model of ``p`` on one loss basis for a batch of initial shocks ``h0`` (n, B),
    in waves of defaults; ``fixed`` overrides the redeployed share (0: no reconfiguration);
    ``inputs`` override scenario inputs (the Monte Carlo's draws)."""
    recovery = inputs.pop("recovery", None)
    waves = dict(max_waves=inputs.pop("max_waves", None), E=inputs.pop("E", None))
    inp = engine.inputs(basis, B=h0.shape[1], recovery=recovery, **inputs)
    if fixed is not _UNSET:
        inp.fixed = fixed
    if p.model == "debtrank":
        return debtrank_waves(engine, inp, h0, p.variant, tol=p.tol, threshold=p.threshold, comps=comps,
                              detail=detail, **waves)
    if p.model == "cascade":
        return cascade_waves(engine, inp, h0 >= 1.0, threshold=p.threshold, comps=comps, detail=detail, **waves)
    inp.clearing = True
    assert e is not None
    return clearing_waves(engine, inp, h0 >= 1.0, e, alpha=p.alpha, beta=p.beta, threshold=p.threshold,
                          comps=comps, detail=detail)


def clamp_to_gross(econ: Outcome, gross: Outcome) -> tuple[Outcome, np.ndarray]:
    """The economic losses capped company by company at the gross bound (components scaled
    down with them), and where the cap bound (n, B). Leg by leg the economic loss never
    exceeds the gross one; the original DebtRank rule, in which each company passes on its
    distress once, the first time it is hit, is not monotone in the exposures (what a company
    passes depends on when it is first reached), so the spread losses can in rare cases come out
    above the bound: the cap keeps the bound a bound, and the result counts the cases."""
    import dataclasses

    over = econ.loss > gross.loss + 1e-9
    if not over.any():
        return econ, over
    # only where the cap binds (a loss above the bound by less than 1e-9 is a rounding, kept)
    loss = np.where(over, gross.loss, econ.loss)
    scale = np.divide(loss, econ.loss, out=np.ones_like(loss), where=econ.loss > 0)
    comps = None if econ.comps is None else econ.comps * scale[None]
    return dataclasses.replace(econ, loss=loss, comps=comps, direct=np.minimum(econ.direct, loss)), over


def states(loss: np.ndarray, E: np.ndarray, defaulted: np.ndarray, threshold: float) -> np.ndarray:
    """``defaulted``; ``no_buffer`` for a company without a finite buffer that loses something;
    ``distressed`` when the loss reaches ``threshold`` of the buffer; else ``ok``."""
    finite = np.isfinite(E)
    if loss.ndim == 2:
        finite = finite[:, None]
    Eb = np.where(finite, E if loss.ndim == 1 else E[:, None], 1.0) * np.ones_like(loss)
    share = np.divide(loss, Eb, out=np.zeros_like(loss), where=finite & (Eb > 0))
    return np.where(defaulted, "defaulted", np.where(~finite & (loss > 0), "no_buffer",
                    np.where(finite & (share >= threshold), "distressed", "ok"))).astype(object)


def other_basis(basis: str) -> str:
    return "gross" if basis == "economic" else "economic"


# -- one scenario -----------------------------------------------------------------------------


@with_params(StressParams, view=VIEW_OPTIONS, extra=_EXTRA)
def stress(source, fail: str | Iterable[str] = (), **options: Any) -> StressResult:
    """What happens to every company when some fail (docs/stress.md, docs/methods.md 6).

    The failing companies stop paying what they committed and their equity goes to zero. On the
    economic basis (default) each creditor loses the named components of its exposures
    (receivables and drawn loans less recovery, stakes at cost, lost margin and stranded capital
    net of what the market's reconfiguration redeploys, secured lending, guarantees paid); the
    gross bound (face value) is computed beside it. Losses then spread by DebtRank (default), a
    Furfine cascade or Eisenberg-Noe / Rogers-Veraart clearing, in waves of defaults after
    which backstops, pledges and the reconfiguration react again.

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
        Per company: shock, direct, indirect and total loss on both bases, components, loss /
        buffer, state, wave and round; totals; the assumptions used; who absorbs what; the
        one-sentence answer; every parameter echoed in ``params``.

    Examples
    --------
    >>> from loopledger import load_default
    >>> r = stress(load_default(), fail=["OpenAI"], as_of="2026-06-30")
    >>> r.totals["total_loss"] <= r.totals["total_loss_gross"]
    True
    """
    (p,), view, buffers = read_options(source, options)
    X = exposures_for(source, view, p, buffers)
    return run_stress(source, X, as_list(fail), p)


def run_stress(source: Any, X: Exposures, fail_names: list[str], p: StressParams) -> StressResult:
    """:func:`stress` on ready exposures."""
    engine = ShockModel.build(X, p)
    fail_idx = resolve_companies(source, X, fail_names)
    funding = {}
    for name, x in p.funding_shortfall.items():
        funding[resolve_companies(source, X, [name], "funding_shortfall")[0]] = check_unit_interval(x, f"funding_shortfall[{name}]")
    breaches = loan_ltv(engine, p)
    cure = None
    if len(breaches) and breaches["breached"].any():
        cure = np.zeros(X.n)
        index = {k: i for i, k in enumerate(X.nodes.tolist())}
        for b in breaches[breaches["breached"]].itertuples():
            if b.borrower in index:
                cure[index[b.borrower]] += b.cure
    h0, shock_usd = _shock_vector(engine, fail_idx, funding, p.gpu_price_fall, cure)
    e, e_note = _external_assets(source, X, p.external_assets) if p.model == "clearing" else (None, None)
    basis = p.loss_basis
    H0 = h0[:, None]
    main = run_basis(engine, p, basis, H0, e, comps=True, detail=True)
    other = run_basis(engine, p, other_basis(basis), H0, e)
    fixed = p.substitution_for(basis)
    no_sub = run_basis(engine, p, basis, H0, e, fixed=0.0) if fixed is None or fixed > 0 else None
    capped = np.zeros(X.n, dtype=bool)
    if basis == "economic":
        main, over = clamp_to_gross(main, other)
        capped = over[:, 0]
    by_basis = {basis: main, other_basis(basis): other}
    companies = _company_frame(X, engine, p, main, by_basis, no_sub, shock_usd, e, e_note)
    totals = _totals(X, engine, p, main, by_basis, no_sub, h0, shock_usd)
    totals["capped_at_gross"] = int(capped.sum())
    totals["ltv_breaches"] = int(breaches["breached"].sum()) if len(breaches) else 0
    reconf = absorption_table(engine.market, main.valuation.info, p) if main.valuation.info is not None else pd.DataFrame()
    params = _echo(X, p, [X.nodes[i] for i in fail_idx], funding)
    note = basis_note(X, p)
    assumptions = collect_assumptions(engine, p, fail_idx)
    names = [X.label(i) for i in fail_idx]
    text = sentence(names, totals, companies, reconf, note) if fail_idx else ""
    order = np.lexsort((companies["company"].to_numpy(), -companies["loss"].fillna(0).to_numpy(),
                        -companies["shock_loss"].fillna(np.inf).to_numpy()))
    companies = companies.iloc[order].reset_index(drop=True)
    t0 = None
    if no_sub is not None:
        t0 = dict(total_loss=float(no_sub.loss.sum()), defaults=int((no_sub.defaulted & ~no_sub.failed).sum()))
    result = StressResult(model=p.model, fail=names, companies=companies, totals=totals, params=params,
                          flagged=_flagged(X), excluded=X.excluded, loss_basis=basis, assumptions=assumptions,
                          reconfiguration=reconf, sentence=text, basis=note, footer=footer(note, p),
                          totals_without_substitution=t0, ltv_breaches=breaches)
    if p.rescue:
        from .rescue import find_rescue

        result = _with(result, rescue=find_rescue(engine, p, h0, e, main, run_basis=run_basis))
    return result


def loan_ltv(engine: ShockModel, p: StressParams) -> pd.DataFrame:
    """The pledged loans' loan-to-value after ``p.gpu_price_fall`` and which breach their limit
    (:func:`~loopledger.stresstest.collateral.ltv_breaches`): loan amounts and pledged contracts'
    remaining values from the view's legs, assets from the claims. A breach is the trigger the
    loan agreement sets (docs/stress.md, "Collateral, loan-to-value and guarantees"): the borrower
    must pay the loan down to its limit at once (``cure``), a shock to it like a funding shortfall;
    one that cannot pay it fails. A borrower without a buffer figure absorbs it (noted)."""
    X = engine.exposures
    book = engine.collateral
    if X.claims is None or book is None or not len(book):
        return pd.DataFrame()
    credit = engine.credit
    contracts = credit.groupby("deal")["remaining"].sum().to_dict()
    out = ltv_breaches(X.claims.get("assets"), book.pledges, engine.loan_amounts(), p.gpu_price_fall,
                       ltv_limit=p.ltv_limit, contract_values=contracts)
    flag = dict(zip(X.nodes.tolist(), X.buffer_flag.tolist()))
    E = dict(zip(X.nodes.tolist(), X.buffers.tolist()))
    for i, b in enumerate(out.itertuples()):
        if b.breached and not np.isfinite(E.get(b.borrower, np.inf)):
            note = ("borrower has no buffer figure: the cure is absorbed" if flag.get(b.borrower) == "missing"
                    else "borrower never fails (infinite buffer): the cure is absorbed")
            out.loc[i, "note"] = "; ".join(x for x in (b.note, note) if x)
    out.insert(1, "borrower_name", [X.names.get(c, c) for c in out["borrower"]])
    return out


def _with(result: StressResult, **changes: Any) -> StressResult:
    import dataclasses

    return dataclasses.replace(result, **changes)


def _company_frame(X: Exposures, engine: ShockModel, p: StressParams, main: Outcome, by_basis: dict[str, Outcome],
                   no_sub: Outcome | None, shock_usd: np.ndarray, e, e_note) -> pd.DataFrame:
    E = X.buffers
    finite = np.isfinite(E)
    loss, direct = main.loss[:, 0], main.direct[:, 0]
    frame = pd.DataFrame({
        "company": X.nodes,
        "name": [X.label(i) for i in range(X.n)],
        "type": X.company_types if X.company_types is not None else "other",
        "buffer": E,
        "buffer_flag": X.buffer_flag,
        "shock_loss": shock_usd,
        "direct_loss": direct,
        "indirect_loss": loss - direct,
        "loss": loss,
        "loss_gross": by_basis["gross"].loss[:, 0],
        "loss_economic": by_basis["economic"].loss[:, 0],
    })
    if no_sub is not None:
        frame["loss_without_substitution"] = no_sub.loss[:, 0]
    frame["substitution_gain"] = (no_sub.loss[:, 0] - loss) if no_sub is not None else 0.0
    for c, name in enumerate(COMPONENTS):
        frame[f"component_{name}"] = main.comps[c, :, 0] if main.comps is not None else 0.0
    frame["loss_share"] = np.where(finite, loss / np.where(finite, E, 1.0), np.nan)
    frame["loss_share_gross"] = np.where(finite, frame["loss_gross"] / np.where(finite, E, 1.0), np.nan)
    st = states(loss, E, main.defaulted[:, 0], p.distress_threshold)
    frame["state"] = st
    frame["failed"] = main.failed[:, 0]
    frame["distressed"] = np.isin(st, ("distressed", "defaulted"))
    frame["defaulted"] = main.defaulted[:, 0]
    frame["state_gross"] = states(by_basis["gross"].loss[:, 0], E, by_basis["gross"].defaulted[:, 0], p.distress_threshold)
    frame["wave"] = main.wave[:, 0]
    frame["round"] = main.round[:, 0]
    frame["round_defaulted"] = main.round_defaulted[:, 0]
    if main.h is not None:
        frame["h"] = main.h[:, 0]
    if p.model == "clearing":
        ex = main.extra
        frame["external_assets"] = ex.get("external_assets", e)
        frame["external_assets_basis"] = e_note
        frame["p_bar"] = ex.get("p_bar")
        frame["payment"] = ex.get("payment")
    return frame


def _totals(X: Exposures, engine: ShockModel, p: StressParams, main: Outcome, by_basis: dict[str, Outcome],
            no_sub: Outcome | None, h0: np.ndarray, shock_usd: np.ndarray) -> dict[str, Any]:
    E = X.buffers
    finite = np.isfinite(E)
    loss, direct = main.loss[:, 0], main.direct[:, 0]
    others = ~main.failed[:, 0] & ~(h0 > 0)
    st = states(loss, E, main.defaulted[:, 0], p.distress_threshold)
    tot: dict[str, Any] = dict(
        loss_basis=p.loss_basis,
        total_loss=float(np.nansum(loss)),
        total_loss_gross=float(np.nansum(by_basis["gross"].loss)),
        total_loss_economic=float(np.nansum(by_basis["economic"].loss)),
        direct_loss=float(np.nansum(direct)),
        indirect_loss=float(np.nansum(loss) - np.nansum(direct)),
        defaults=int((main.defaulted[:, 0] & others).sum()),
        defaults_gross=int((by_basis["gross"].defaulted[:, 0] & others).sum()),
        distressed=int(((st == "distressed") & others).sum()),
        hit=int(((loss > 0) & others).sum()),
        components={c: float(main.comps[i, :, 0].sum()) if main.comps is not None else 0.0
                    for i, c in enumerate(COMPONENTS)},
        waves=main.waves,
        shock_loss=float(np.nansum(shock_usd)),
        absorbed_by_infinite_buffers=float(loss[~finite].sum()),
    )
    if no_sub is not None:
        tot["total_loss_without_substitution"] = float(no_sub.loss.sum())
        tot["redeployed"] = tot["total_loss_without_substitution"] - tot["total_loss"]
        tot["substitution_gain"] = tot["redeployed"]
    else:
        tot["substitution_gain"] = 0.0
    if p.model == "debtrank" and main.h is not None:
        v = np.where(finite, E, 0.0)
        v = v / v.sum() if v.sum() > 0 else v
        h = np.nan_to_num(main.h[:, 0])
        R_total = float(v @ h)
        tot.update(R=R_total - float(v @ h0), R_total=R_total, rounds=main.steps, converged=main.converged)
    if p.model == "cascade":
        tot["waves"] = main.waves
    if p.model == "clearing":
        ex = main.extra
        tot.update(clearing_rounds=ex.get("n_rounds"), unique=ex.get("unique"),
                   default_costs=ex.get("default_costs"), unpaid=ex.get("unpaid"))
    return tot


def _echo(X: Exposures, p: StressParams, fail: list[str], funding: Mapping[int, float]) -> dict[str, Any]:
    clearing_model = p.model == "clearing"
    return dict(model=p.model, fail=fail, loss_basis=p.loss_basis, stake_basis=p.stake_basis,
                recovery=p.recovery_for(), recovery_gross=p.recovery_for("gross"),
                substitution=p.substitution_for() if p.substitution_for() is not None else "market",
                lag_quarters=p.lag_quarters, price_cut=p.price_cut,
                substitution_share_recovered=(p.substitution_for() * max(0.0, X.params.get("horizon_months", 24)
                                              - 3 * p.lag_quarters) / X.params.get("horizon_months", 24))
                if p.substitution_for() is not None else None,
                horizon_months=int(X.params.get("horizon_months", p.horizon_months)),
                distress_threshold=p.distress_threshold, threshold=p.threshold,
                variant=p.variant if p.model == "debtrank" else None,
                funding_shortfall={X.nodes[i]: x for i, x in funding.items()}, gpu_price_fall=p.gpu_price_fall,
                alpha=p.alpha if clearing_model else None, beta=p.beta if clearing_model else None,
                external_assets=(p.external_assets if isinstance(p.external_assets, (str, type(None)))
                                 else dict(p.external_assets)) if clearing_model else None,
                tol=p.tol, exposures=dict(X.params),
                backstops="triggered by every default, in any wave; a guarantor that defaults stops guaranteeing",
                weights="buffers (companies with an infinite buffer weigh 0)" if p.model == "debtrank" else None,
                options=p.to_dict())


def collect_assumptions(engine: ShockModel, p: StressParams, failed: Iterable[int] | None = None
                        ) -> list[dict[str, Any]]:
    """Every assumption a run used: the basis-wide ones, the leg book's and the market's (for
    the groups of the ``failed`` companies; all when not given)."""
    X = engine.exposures
    out = [used("horizon_months", int(X.params.get("horizon_months", p.horizon_months)), DEFAULTS["horizon_months"].value)]
    rec = DEFAULTS["recovery"].to_dict(basis="default" if p.recovery is None else "given", value=p.recovery_for())
    if p.loss_basis == "gross":
        rec["source"] = "the gross basis recovers nothing unless a recovery is given"
    out.append(rec)
    out += [used("distress_threshold", p.distress_threshold, DEFAULTS["distress_threshold"].value),
            used("threshold", p.threshold, DEFAULTS["threshold"].value)]
    if p.loss_basis == "economic":
        out += engine.book.assumptions
        if engine.collateral is not None and len(engine.collateral):
            out.append(used("collateral_haircut", p.collateral_haircut, DEFAULTS["collateral_haircut"].value))
    if engine.collateral is not None and len(engine.collateral):
        pl = engine.collateral.pledges
        if "ltv_limit" not in pl or pd.to_numeric(pl["ltv_limit"], errors="coerce").isna().any():
            out.append(used("ltv_limit", p.ltv_limit, DEFAULTS["ltv_limit"].value,
                            note="pledges that state no loan-to-value limit"))
    out += engine.market.assumptions(p, p.substitution_for(), None if failed is None else np.asarray(list(failed)))
    seen, uniq = set(), []
    for a in out:
        key = (a["name"], repr(a["value"]))
        if key not in seen:
            seen.add(key)
            uniq.append(a)
    return uniq


def _flagged(X: Exposures) -> pd.DataFrame:
    sel = X.buffer_flag != ""
    return pd.DataFrame({"company": X.nodes[sel], "name": [X.label(i) for i in np.flatnonzero(sel)],
                         "flag": X.buffer_flag[sel], "buffer_basis": X.buffer_basis[sel]})


# -- too big to fail ----------------------------------------------------------------------------


@with_params(StressParams, SystemicParams, view=VIEW_OPTIONS, extra=_EXTRA)
def systemic(source, **options: Any) -> SystemicResult:
    """Each company failing alone: the loss it causes on both bases, its DebtRank and the
    defaults it triggers, ranked (the "too big to fail" table; docs/stress.md).

    Takes the options of :func:`stress` (the same view, loss basis, recovery, substitution,
    model; partial shocks do not apply). Placeholders (unnamed markets and lenders,
    governments) are not failed. The failing companies are evaluated in batches of
    ``batch_size``, in process or on a Dask cluster (``workers=N`` on 127.0.0.1,
    ``scheduler="tcp://HOST:PORT"``: docs/cluster.md); the table does not depend on where the
    batches run.

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
    X = exposures_for(source, view, p, buffers)
    engine = ShockModel.build(X, p)
    cand = np.flatnonzero(X.buffer_flag != "placeholder")
    e = _external_assets(source, X, p.external_assets)[0] if p.model == "clearing" else None
    plan = RankingPlan(engine=engine, p=p, cand=cand, e=e)
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
        "total_loss_gross": cols["total_loss_gross"],
        "total_loss_economic": cols["total_loss_economic"],
        "debtrank": cols["debtrank"],
        "defaults": cols["defaults"],
        "defaults_gross": cols["defaults_gross"],
        "distressed": cols["distressed"],
        "hit": cols["hit"],
        "largest_victim": [X.label(int(i)) if x > 0 else None for i, x in zip(victim, cols["victim_loss"])],
        "largest_victim_loss": np.where(cols["victim_loss"] > 0, cols["victim_loss"], 0.0),
        "buffer": E[cand],
        "buffer_flag": X.buffer_flag[cand],
        "capped_at_gross": cols["capped"],
    })
    table = table.sort_values(["total_loss", "company"], ascending=[False, True]).reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    gross_order = table.sort_values(["total_loss_gross", "company"], ascending=[False, True])["company"].tolist()
    table["rank_gross"] = table["company"].map({c: i + 1 for i, c in enumerate(gross_order)})
    params = _echo(X, p, [], {})
    params["scenarios"] = "each company failing alone; placeholders excluded"
    params["batch_size"] = int(batch_size)
    note = basis_note(X, p)
    return SystemicResult(table=table, params=params, flagged=_flagged(X), loss_basis=p.loss_basis, basis=note,
                          footer=footer(note, p), assumptions=collect_assumptions(engine, p))


@dataclass
class RankingPlan:
    """Everything a batch of the "too big to fail" table needs, sent once to each worker."""

    engine: ShockModel
    p: StressParams
    cand: np.ndarray          # the companies that fail, one per scenario
    e: np.ndarray | None      # clearing: external assets


def rank_batch(plan: RankingPlan, columns: np.ndarray) -> dict[str, np.ndarray]:
    """The scenarios ``columns`` of the table (``plan.cand[columns]`` each failing alone), at
    once, on both loss bases: per scenario the loss it causes the others (total and direct, and
    on each basis), its DebtRank R (DebtRank only, else NaN), the defaults (both bases),
    distressed and hit companies it causes, its largest victim with that victim's loss, and
    how many companies' economic losses were capped at the gross bound (module level: Dask
    workers run it)."""
    engine, p = plan.engine, plan.p
    X = engine.exposures
    B = len(columns)
    h0 = np.zeros((X.n, B))
    h0[plan.cand[columns], np.arange(B)] = 1.0
    basis = p.loss_basis
    runs = {basis: run_basis(engine, p, basis, h0, plan.e)}
    runs[other_basis(basis)] = run_basis(engine, p, other_basis(basis), h0, plan.e)
    capped = np.zeros(B, dtype=int)
    if basis == "economic":
        runs["economic"], over = clamp_to_gross(runs["economic"], runs["gross"])
        capped = over.sum(axis=0)
    main = runs[basis]
    E = X.buffers
    finite = np.isfinite(E)
    others = ~(h0 >= 1.0)
    loss, direct = main.loss, main.direct
    R = np.full(B, np.nan)
    if p.model == "debtrank" and main.h is not None:
        v = np.where(finite, E, 0.0)
        v = v / v.sum() if v.sum() > 0 else v
        R = v @ (np.nan_to_num(main.h) - h0)
    st = states(loss, E, main.defaulted, p.distress_threshold)
    victim = np.argmax(np.where(others, loss, -1.0), axis=0) if B else np.zeros(0, dtype=int)
    return dict(total_loss=loss.sum(axis=0), direct_loss=direct.sum(axis=0),
                total_loss_gross=runs["gross"].loss.sum(axis=0), total_loss_economic=runs["economic"].loss.sum(axis=0),
                debtrank=R, defaults=(main.defaulted & others).sum(axis=0),
                defaults_gross=(runs["gross"].defaulted & others).sum(axis=0),
                distressed=((st == "distressed") & others).sum(axis=0),  # as stress() totals: defaults apart
                hit=((loss > 0) & others).sum(axis=0), victim=victim,
                victim_loss=loss[victim, np.arange(B)] if B else np.zeros(0), capped=capped)
