"""Which assumptions drive a stress result: each one at a low and a high value, the rest held.

:func:`sensitivity` runs one failure scenario (:func:`~loopledger.stresstest.scenario.stress`)
at its options, then again with each assumption of :data:`RANGES` set to its low and to its
high value, one at a time (a one-way sensitivity, the "tornado" table of decision analysis:
Howard, 1988, "Decision analysis: practice and promise", Management Science 34(6), 679-695,
doi:10.1287/mnsc.34.6.679). Each row gives the loss on the chosen basis, the gross bound, the
defaults and distressed companies at both ends, and the swing (high minus low loss), sorted by
the size of the swing. An assumption the user set explicitly in the options is still varied:
the table shows how much the answer depends on it.

The ranges are stated assumptions, not measured distributions: each says where its ends come
from (a source where one brackets the default, else "a bracket around the default"), and a
caller can pass its own (``ranges={"recovery": (0.1, 0.5)}``). Mapping options (``margin``,
``capex_intensity``) are varied for one kind, named ``option.kind``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import LedgerError
from ..paramsets import with_params
from ..results import Result, frame_html
from .assumptions import DEFAULTS
from .params import DEFAULT_RECOVERY, StressParams
from .scenario import _EXTRA as STRESS_EXTRA
from .scenario import VIEW_OPTIONS, exposures_for, read_options, run_stress


@dataclass(frozen=True)
class Range:
    """The low and high value of one assumption, and where they come from."""

    low: Any
    high: Any
    why: str


#: the assumptions varied by default, with their ends (docs/stress.md, "Sensitivity")
RANGES: dict[str, Range] = {
    "substitution": Range(0.0, 1.0, "the bounds: nothing of a failed buyer's capacity redeployed, or all "
                          "of it (the default is the market's reconfiguration)"),
    "capex_intensity.cloud_contract": Range(0.36, 1.0, "half the ledger-derived capital per dollar of cloud "
                                            "contract, and a dollar of capital per dollar of contract"),
    "funding_loss_share": Range(0.0, 1.0, "an unfunded equity commitment loses nothing (the investee keeps "
                                "its shares), or all of it"),
    "recovery": Range(0.20, 0.60, "a bracket around Moody's 37 % average bond recovery (the same study "
                      "gives 82 % for loans); round values below and above, not a sourced range"),
    "horizon_months": Range(12, 36, "one and three years instead of two"),
    "receivable_months": Range(1.0, 3.0, "a bracket around the two months of billing of Oracle's 54 and "
                               "Microsoft's 69 days sales outstanding"),
    "unknown_term_months": Range(48, 96, "a bracket around the ledger's 72-month default term"),
    "margin.cloud_contract": Range(0.07, 0.30, "half and about twice Oracle's reported 14 % GPU-rental gross "
                                   "margin"),
    "capex_per_gw": Range(25.0, 55.0, "below Bernstein's $35B per GW, and Nvidia's own $50-60B per GW "
                          "(midpoint; ledger unit assumption nvidia-2025-08-full-dc)"),
    "price_cut": Range(0.2, 0.6, "half and one and a half times the 40 % fall of H100 rental rates in "
                       "2024-25"),
    "lag_quarters": Range(1, 4, "one quarter to a year before redeployed capacity earns again"),
    "customer_migration": Range(0.5, 0.95, "a bracket around the 80 % default (79 % of Anthropic's paying "
                                "customers also pay OpenAI)"),
    "rival_growth_cap": Range(0.5, 2.0, "a rival grows its contracted compute by half, or triples it, "
                              "within the horizon"),
    "capacity_value_per_gw_year": Range(4.0, 10.0, "a bracket around the $6.7B per GW-year of the "
                                        "Oracle-OpenAI contract"),
    "stake_basis": Range("cost", "mark", "stakes at what was paid, or at the latest valuation mark"),
    "distress_threshold": Range(0.05, 0.25, "a twentieth to a quarter of the buffer: moves who is "
                                "distressed, not the loss"),
}


@dataclass(frozen=True, eq=False)
class Sensitivity(Result):
    """A one-way sensitivity table of a stress scenario (see the module docstring).

    ``table``: one row per assumption: ``assumption``, ``value`` (what the base run used, "" for a
    basis-dependent default), ``low`` and ``high``, ``loss_low``/``loss_high`` (on ``loss_basis``),
    ``gross_low``/``gross_high``, ``swing`` (= loss_high - loss_low), ``defaults_low``/``_high``,
    ``distressed_low``/``_high`` and ``why`` (where the ends come from); sorted by ``|swing|``."""

    fail: tuple[str, ...]
    loss_basis: str
    base_loss: float
    base_gross: float
    base_defaults: int
    base_distressed: int
    table: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    caption = "Sensitivity of the stress result, one assumption at a time (USD billions)"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    @property
    def counting(self) -> str:
        p = self.params
        return (f"Counting: fail {', '.join(self.fail)}; {self.loss_basis} loss (gross bound beside it); "
                f"as of {p.get('as_of')}; statuses {', '.join(p.get('statuses') or [])}; amounts "
                f"{p.get('amount')}; each assumption at its low and high end, the others at their values")

    def to_dict(self) -> dict[str, Any]:
        return dict(fail=list(self.fail), loss_basis=self.loss_basis, base_loss=self.base_loss,
                    base_gross=self.base_gross, base_defaults=self.base_defaults,
                    base_distressed=self.base_distressed, counting=self.counting,
                    table=self.table.to_dict(orient="records"), params=self.params)

    def _repr_html_(self) -> str:
        return frame_html(self.table, f"{self.caption}: base {self.loss_basis} loss {self.base_loss:,.1f} "
                                      f"(gross {self.base_gross:,.1f})")


def _apply(p: StressParams, name: str, value: Any) -> StressParams:
    """``p`` with the assumption ``name`` (``option`` or ``option.kind``) set to ``value``."""
    option, _, key = name.partition(".")
    if option not in StressParams.names():
        raise LedgerError(f"sensitivity: '{name}' is not a stress option (choose from "
                          f"{', '.join(sorted(StressParams.names()))})")
    if key:
        current = getattr(p, option)
        if not isinstance(current, Mapping):
            raise LedgerError(f"sensitivity: '{option}' is not a KIND=SHARE option, so '{name}' has no kind")
        changes: dict[str, Any] = {option: {**current, key: value}}
        return dataclasses.replace(p, **changes)
    return dataclasses.replace(p, **{option: value})


def _used(p: StressParams, name: str, used: Mapping[str, str] | None = None) -> Any:
    """The value the base run takes: the option's, else what the base run's assumptions table
    says it used (``used``: a value derived from the ledger where there is one, with its
    basis), else its stated default (a fact of the ledger may take precedence over it in the
    run: "facts, else X")."""
    option, _, key = name.partition(".")
    value = getattr(p, option)
    if key:
        value = value.get(key)
    if value is not None:
        return value
    if option == "recovery":
        return DEFAULT_RECOVERY[p.loss_basis]
    if used and name in used:
        return used[name]
    if name in DEFAULTS:
        return f"facts, else {DEFAULTS[name].value}"
    return ""


def _ranges(ranges: Mapping[str, Any] | None) -> dict[str, Range]:
    if ranges is None:
        return dict(RANGES)
    out = {}
    for name, r in ranges.items():
        if isinstance(r, Range):
            out[name] = r
            continue
        try:
            low, high = r
        except (TypeError, ValueError):
            raise LedgerError(f"sensitivity: the range of '{name}' must be (low, high), not {r!r}") from None
        out[name] = Range(low, high, "given")
    return out


@with_params(StressParams, view=VIEW_OPTIONS, extra=STRESS_EXTRA)
def sensitivity(source, fail: str | Iterable[str] = (), *, ranges: Mapping[str, Any] | None = None,
                **options: Any) -> Sensitivity:
    """Each assumption of a stress scenario at a low and a high value (docs/stress.md,
    "Sensitivity"; the module docstring).

    Parameters
    ----------
    source : Ledger, Exposures, or FlowNetwork (with ``buffers``), as for
        :func:`~loopledger.stresstest.scenario.stress`.
    fail : the companies that fail.
    ranges : mapping, optional
        ``{assumption: (low, high)}`` instead of :data:`RANGES` (``option`` or ``option.kind``).
    **options
        The stress options of the base run (``params=``, ``view=`` and the options of
        :class:`~loopledger.stresstest.params.StressParams`).

    Returns
    -------
    Sensitivity
        The base loss and one row per assumption, sorted by the swing of the loss.
    """
    (p,), view, buffers = read_options(source, options)
    chosen = _ranges(ranges)
    variants = {name: (_apply(p, name, r.low), _apply(p, name, r.high)) for name, r in chosen.items()}
    names = [fail] if isinstance(fail, str) else list(fail)

    used: dict[str, str] = {}

    def run(q: StressParams, keep: bool = False) -> dict[str, Any]:
        r = run_stress(source, exposures_for(source, view, q, buffers), names, q)
        if keep and r.assumptions is not None and len(r.assumptions):
            # what the base run took for each assumption (a value derived from the ledger's
            # facts where there is one), so the table says what was varied around
            for a in r.assumptions:
                v, basis = a.get("value"), a.get("basis")
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    used[str(a["name"])] = f"{v:g} ({basis})" if basis else f"{v:g}"
        t = r.totals
        return dict(loss=float(t["total_loss"]), gross=float(t["total_loss_gross"]),
                    defaults=int(t["defaults"]), distressed=int(t["distressed"]))

    base = run(p, keep=True)
    rows = []
    for name, (q_low, q_high) in variants.items():
        lo, hi = run(q_low), run(q_high)
        r = chosen[name]
        rows.append(dict(assumption=name, value=_used(p, name, used), low=r.low, high=r.high,
                         loss_low=lo["loss"], loss_high=hi["loss"], swing=hi["loss"] - lo["loss"],
                         gross_low=lo["gross"], gross_high=hi["gross"],
                         defaults_low=lo["defaults"], defaults_high=hi["defaults"],
                         distressed_low=lo["distressed"], distressed_high=hi["distressed"], why=r.why))
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    if not table.empty:
        order = table["swing"].abs().sort_values(ascending=False, kind="stable").index
        table = table.loc[order].reset_index(drop=True)
    echo = dict(view.to_dict() if view is not None else {}, **p.to_dict())
    return Sensitivity(fail=tuple(names), loss_basis=p.loss_basis, base_loss=base["loss"],
                       base_gross=base["gross"], base_defaults=base["defaults"],
                       base_distressed=base["distressed"], table=table, params=echo)


TABLE_COLUMNS = ["assumption", "value", "low", "high", "loss_low", "loss_high", "swing", "gross_low",
                 "gross_high", "defaults_low", "defaults_high", "distressed_low", "distressed_high", "why"]
