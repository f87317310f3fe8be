"""Every option of the stress models, declared once (docs/stress.md).

:class:`StressParams` holds the options of one stress scenario and of the "too big to fail"
table: how exposures are read from the ledger (buffer basis, horizon, warrants, loss shares,
haircuts, amounts paid) and how a failure spreads (recovery, substitution, model and its
parameters, partial shocks). :class:`MonteCarloParams` adds what a Monte Carlo draws and where
it runs; :class:`SystemicParams` where and in what batches the "too big to fail" table runs
(``workers``, ``scheduler`` and ``progress`` are :class:`loopledger.cluster.ClusterParams`'
options, declared there once). The Python API (``loopledger.stress``, ``systemic``, ``monte_carlo``), the CLI
(``loopledger stress``, ``systemic``) and the web request (``POST /api/stress``) are all built
from these declarations (:mod:`loopledger.paramsets`), so an option has one name, one unit and
one default everywhere. The view options (``as_of``, ``statuses``, ``amount``) are those of
:class:`~loopledger.ledger.view.View`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..cluster import ClusterParams, check_where
from ..errors import LedgerError
from ..paramsets import ParamSet, param, same_param
from ..vocabulary import BUFFER_BASES, KINDS

MODELS = ("debtrank", "clearing", "cascade")
LOSS_BASES = ("economic", "gross")
STAKE_BASES = ("cost", "mark")
#: recovery when none is given: Moody's average discounted ultimate recovery on defaulted bonds
#: (37 %, Moody's Ultimate Recovery Database, 2007) on the economic basis; none on the gross one
DEFAULT_RECOVERY = {"economic": 0.37, "gross": 0.0}
VARIANTS = ("battiston2012", "linear")
MISSING_BUFFER_OPTIONS = ("infinite", "error", "exclude")
EXTERNAL_ASSETS = ("cash", "market_value")
#: the view options a stress call takes, with their defaults (those of View.of)
STRESS_VIEW = ("as_of", "statuses", "amount")


@dataclass(frozen=True)
class StressParams(ParamSet):
    """The options of a stress scenario (see the module docstring); USD billions throughout.
    The sources of the defaults are in :data:`loopledger.stresstest.assumptions.DEFAULTS`."""

    what = "stress option"

    # how the exposures are read ----------------------------------------------------------------
    buffer: str = param("market_value", "What absorbs a company's losses: its market value "
                        "(market cap or latest private valuation), book equity or cash.",
                        choices=BUFFER_BASES)
    buffer_fallback: str = param("book_equity", "A company without a figure of the buffer basis "
                                 "uses its latest figure of this one instead (a financing vehicle's "
                                 "first-loss equity, a private company's book equity); none to go "
                                 "straight to missing_buffer.", choices=(*BUFFER_BASES, "none"))
    missing_buffer: Any = param("infinite", "A company without that figure: infinite (absorbs, "
                                "never fails; flagged), error, exclude (drop it and its legs) or "
                                "a buffer in USD bn.", choices=MISSING_BUFFER_OPTIONS, number_ok=True,
                                unit="USD bn when a number")
    include_warrants: bool = param(False, "Count warrants and equity grants as stakes (stake % x "
                                   "issuer's valuation x warrant_vested, derived).")
    warrant_vested: float = param(1.0, "Share of a warrant counted as vested.", unit="fraction", ge=0, le=1)
    loss_share: Any = param(1.0, "Gross basis: part of a lost contract that is a real loss to the "
                            "creditor, one share or KIND=SHARE per deal kind (1 = the face-value "
                            "bound; loans and deposits always 1).", unit="fraction", ge=0, le=1,
                            mapping="kind", number_ok=True)
    termination_haircut: Mapping[str, float] = param({}, "Share of a kind's remaining value the buyer "
                                                     "could walk away from (termination rights).",
                                                     unit="fraction", ge=0, le=1, mapping="kind")
    paid: Mapping[str, float] = param({}, "Amounts already paid (or drawn, for loans) where the "
                                      "ledger records none.", unit="USD bn", ge=0, mapping="deal")
    horizon_months: int = param(24, "Horizon H: what falls due, and the revenue lost, within it; "
                                "substitution recovers over it.", unit="months", ge=1, le=600)

    # the economic loss model (docs/stress.md) ----------------------------------------------------
    loss_basis: str = param("economic", "economic: each creditor loses named components (receivables "
                            "and drawn loans less recovery, stakes at cost, lost margin, stranded "
                            "capital, secured lending); gross: the face value of what remains (the "
                            "upper bound).", choices=LOSS_BASES)
    stake_basis: str = param("cost", "economic basis: a stake is written down at its cost or book value "
                             "(cost) or at its private valuation mark (mark, flagged: an alternative).",
                             choices=STAKE_BASES)
    receivable_months: float = param(2.0, "economic basis: months of billing a seller is owed and unpaid "
                                     "at any time (days sales outstanding / 30).", unit="months", ge=0, le=24)
    unknown_term_months: int = param(72, "economic basis: the term of a contract that states none, to "
                                     "spread its value over time.", unit="months", ge=1, le=600)
    margin: Mapping[str, float] = param({}, "economic basis: KIND=SHARE sets the seller's margin on that "
                                        "kind of business (default: the seller's margin facts, else a "
                                        "documented default per kind).", unit="fraction", ge=0, le=1,
                                        mapping="kind")
    capex_per_gw: float = param(35.0, "economic basis: capital a seller commits per GW of contracted "
                                "capacity (a whole AI data centre).", unit="USD bn per GW", gt=0, le=200)
    capex_intensity: Mapping[str, float] = param({}, "economic basis: KIND=SHARE sets the capital committed "
                                                 "per USD of contract value for that kind (default: from "
                                                 "the contracts' GW, else documented per kind).",
                                                 unit="fraction", ge=0, le=5, mapping="kind")
    funding_loss_share: float = param(0.0, "economic basis: share of an unfunded equity commitment, undrawn "
                                      "loan or unclosed acquisition due within H that its counterparty "
                                      "loses when the funder fails (0: the shares or the target are kept; "
                                      "the shortfall is a liquidity shock, see funding_shortfall).",
                                      unit="fraction", ge=0, le=1)

    # how a failure spreads -----------------------------------------------------------------------
    recovery: float | None = param(None, "Share of what a failed company owes that its creditors "
                                   "recover (stakes are lost whole). Default: 0.37 on the economic basis "
                                   "(Moody's average ultimate recovery on bonds), 0 on the gross basis.",
                                   unit="fraction", ge=0, le=1)
    substitution: float | None = param(None, "Share of a failed buyer's capacity its suppliers redeploy. "
                                       "Default (none given): the market's reconfiguration on the economic "
                                       "basis (rivals absorb the failed company's customers, capped by their "
                                       "own demand; capacity queues), 0 on the gross basis. 0: no "
                                       "reconfiguration.", unit="fraction", ge=0, le=1)
    lag_quarters: int = param(2, "Transition period before redeployed capacity earns again (degraded "
                              "service meanwhile).", unit="quarters", ge=0, le=40)
    price_cut: float = param(0.4, "Price cut at which redeployed capacity is resold.", unit="fraction",
                             ge=0, le=1)
    customer_migration: float = param(0.8, "Share of a failed company's customers (its demand for compute) "
                                      "that moves to its rivals.", unit="fraction", ge=0, le=1)
    rival_growth_cap: float = param(1.0, "A rival absorbs at most this multiple of its own contracted "
                                    "compute within H.", unit="x own demand", ge=0, le=20)
    capacity_value_per_gw_year: float = param(6.667, "Value of a GW of AI cloud capacity for a year, to "
                                              "price a supplier's queue of contracted but not yet active "
                                              "capacity.", unit="USD bn per GW-year", ge=0, le=100)
    distress_threshold: float = param(0.1, "A company is distressed when its loss reaches this share of its "
                                      "buffer.", unit="fraction of buffer", gt=0, le=1)
    threshold: float = param(1.0, "A company defaults when its loss exceeds this x its buffer (every "
                             "model; it then stops paying and its guarantees stop).", gt=0, le=100)
    model: str = param("debtrank", "How losses spread: debtrank, cascade (Furfine) or clearing "
                       "(Eisenberg-Noe / Rogers-Veraart).", choices=MODELS)
    variant: str = param("battiston2012", "DebtRank rule: battiston2012 (each company passes "
                         "distress once) or linear (Bardoscia et al. 2015).", choices=VARIANTS)
    funding_shortfall: Mapping[str, float] = param({}, "COMPANY=X: its funding falls short by X; it "
                                                   "meets 1 - X of its commitments (DebtRank only).",
                                                   unit="fraction", ge=0, le=1, mapping="company")
    gpu_price_fall: float = param(0.0, "GPU prices fall by this share: chip buyers lose it on the "
                                  "chips they bought, pledged GPUs lose it as collateral, and loans whose "
                                  "loan-to-value then passes its limit are breached (DebtRank only).",
                                  unit="fraction", ge=0, le=1)
    collateral_haircut: float = param(0.3, "economic basis: discount at which a failed borrower's pledged "
                                      "assets (GPUs, data centres) are sold; its secured lenders recover "
                                      "value x (1 - haircut) in priority order.", unit="fraction", ge=0, le=1)
    ltv_limit: float = param(0.8, "Loan-to-value limit of a pledged loan whose pledge states none: above "
                             "it the loan is in breach.", unit="loan / collateral value", gt=0, le=10)
    alpha: float = param(1.0, "clearing: share of external assets a defaulter realises.",
                         unit="fraction", ge=0, le=1)
    beta: float = param(1.0, "clearing: share of receipts a defaulter realises.",
                        unit="fraction", ge=0, le=1)
    external_assets: Any = param(None, "clearing (required there): what each company can use over "
                                 "the horizon: cash, market_value (a derived proxy) or "
                                 "COMPANY=USD bn.", unit="USD bn", ge=0, choices=EXTERNAL_ASSETS,
                                 mapping="company")
    rescue: bool = param(False, "Also compute the smallest support that prevents every knock-on default, "
                         "who receives it, and the losses it avoids.")
    tol: float = param(1e-12, "DebtRank convergence tolerance.", gt=0, le=1e-3, web=False)

    def check_more(self) -> None:
        if self.model == "clearing" and self.external_assets is None:
            raise LedgerError("the clearing model needs external_assets: 'cash', 'market_value' (a derived "
                              "proxy) or {company: USD bn}; docs/methods.md 6.4 allows no silent default")
        if self.model != "debtrank" and (self.funding_shortfall or self.gpu_price_fall):
            raise LedgerError("funding shortfalls and GPU price falls are partial shocks: "
                              f"use model='debtrank', not '{self.model}'")
        for kind in (*self.margin, *self.capex_intensity):
            if kind not in KINDS:
                raise LedgerError(f"unknown deal kind '{kind}' in margin / capex_intensity: expected "
                                  f"{', '.join(KINDS)}")

    # the values used when an option is left at None ----------------------------------------------

    def recovery_for(self, basis: str | None = None) -> float:
        """The recovery rate of a basis (the given one, else the basis default)."""
        if self.recovery is not None:
            return float(self.recovery)
        return DEFAULT_RECOVERY[basis or self.loss_basis]

    def substitution_for(self, basis: str | None = None) -> float | None:
        """The fixed redeployed share of a basis, or None for the market's reconfiguration."""
        if self.substitution is not None:
            return float(self.substitution)
        return None if (basis or self.loss_basis) == "economic" else 0.0

    def exposure_options(self) -> dict[str, Any]:
        """The options that say how exposures are read from the ledger."""
        return dict(buffer=self.buffer, buffer_fallback=self.buffer_fallback, missing_buffer=self.missing_buffer,
                    include_warrants=self.include_warrants, warrant_vested=self.warrant_vested,
                    loss_share=self.loss_share, termination_haircut=dict(self.termination_haircut),
                    paid=dict(self.paid), horizon_months=self.horizon_months)


@dataclass(frozen=True)
class MonteCarloParams(ParamSet):
    """What a Monte Carlo of a stress scenario draws, and where it runs."""

    what = "Monte Carlo option"

    scenarios: int = param(10_000, "Number of scenarios.", ge=1, le=10_000_000)
    seed: int | None = param(None, "Seed of numpy's SeedSequence (default: fresh, recorded in the "
                             "result).", ge=0)
    p_loi: float = param(0.0, "Probability that a letter-of-intent deal group is realised.",
                         unit="fraction", ge=0, le=1)
    recovery_beta: Any = param(None, "Draw each scenario's recovery from Beta(A, B), given as A,B.")
    margin_spread: float = param(0.0, "economic basis: each scenario multiplies every margin by a factor "
                                 "drawn uniformly in [1 - X, 1 + X] (capped at a margin of 1).",
                                 unit="fraction", ge=0, le=1)
    substitution_spread: float = param(0.0, "Each scenario multiplies the redeployed share by a factor drawn "
                                       "uniformly in [1 - X, 1 + X] (capped at 1).", unit="fraction", ge=0, le=1)
    var_level: float = param(0.95, "Confidence level of the value at risk and expected shortfall.",
                             unit="fraction", gt=0.5, le=0.999)
    p_realise: Mapping[str, float] = param({}, "STATUS=P: probability that a deal group of that "
                                           "status is realised (default 1 for the binding statuses, "
                                           "p_loi for letters of intent, 0 otherwise).",
                                           unit="fraction", ge=0, le=1, mapping="status")
    up_to_low: float | None = param(None, "An 'up to X' leg without a low end is drawn in "
                                    "[up_to_low x X, X] (derived); default: its stated end.",
                                    unit="fraction", gt=0, le=1)
    more_than_high: float | None = param(None, "A 'more than X' leg is drawn in [X, more_than_high "
                                         "x X] (derived); default: its stated end.", ge=1, le=100)
    chunk_size: int | None = param(None, "Scenarios per chunk (default: sized to the network).", ge=1)
    workers: int | None = same_param(ClusterParams, "workers")
    scheduler: str | None = same_param(ClusterParams, "scheduler")
    progress: bool | None = same_param(ClusterParams, "progress")

    def check_more(self) -> None:
        if self.recovery_beta is not None:
            ab = self.recovery_beta
            if isinstance(ab, str):
                try:
                    ab = tuple(float(x) for x in ab.split(","))
                except ValueError:
                    ab = ()
            if len(tuple(ab)) != 2 or not all(float(x) > 0 for x in ab):
                raise LedgerError(f"recovery_beta takes two positive numbers A,B, got {self.recovery_beta!r}")
            object.__setattr__(self, "recovery_beta", tuple(float(x) for x in ab))
        from ..vocabulary import STATUS_ORDER

        for status in self.p_realise:
            if status not in STATUS_ORDER:
                raise LedgerError(f"p_realise: unknown status '{status}': expected {', '.join(STATUS_ORDER)}")
        check_where(self.workers, self.scheduler)


@dataclass(frozen=True)
class SystemicParams(ClusterParams):
    """How the "too big to fail" table is evaluated: in batches of failing companies, here or on
    a Dask cluster (:mod:`loopledger.stresstest.ranking`); the table does not depend on where."""

    what = "systemic option"

    batch_size: int | None = param(None, "Failing companies evaluated at once (default: sized to the "
                                   "network, so a batch's arrays stay near 32 MB).", ge=1, web=False)
