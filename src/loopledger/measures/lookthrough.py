"""Look-through losses: an investee's net loss backed out of its investor's equity-method share.

An investor with significant influence books ``stake x investee net income (loss)`` (ASC 323,
IAS 28). Dividing the booked figure by the stake "looks through" to the investee's own result,
which a private company (OpenAI) may not publish. The answer depends on two choices the press
rarely states: which booked figure (the pre-tax loss in other income, or the smaller after-tax
hit to net income, which must be grossed up by ``1 - tax rate`` to give the pickup) and which
stake (the one held during the quarter, or a later one disclosed as a subsequent event). The
press convention, the after-tax figure over the stake without the gross-up, understates the
loss by the factor ``1 - t``; it stays in the table as a labelled row. docs/methods.md section 8 defines the estimators and the flags:
:func:`lookthrough` computes one estimate with its range; :func:`lookthrough_from_ledger`
builds the whole sensitivity table (section 8.4) from the dataset's dated, sourced facts.
Every result is ``derived``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import LedgerError
from ..ledger.dates import PartialDate
from ..results import Result, frame_html

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger

#: ``after_tax``: the after-tax hit grossed up by 1 / (1 - t); ``after_tax_press``: the same
#: figure over the stake without the gross-up (the press convention); ``pre_tax``: the pre-tax loss
BASES = ("after_tax", "pre_tax", "after_tax_press")
#: default investor tax rate: the US federal statutory rate (docs/methods.md 8.1)
TAX_RATE = 0.21
#: disclosed figures are rounded to $0.1B, so each is known to +/- 0.05 (docs/methods.md 8.4)
ROUNDING = 0.05

#: Metric names of the investor's facts, by role; ``{investee}`` is the investee's id with
#: '-' as '_'. Values are as the investor reports them (a loss is negative).
METRICS = {
    "after_tax": "{investee}_equity_method_net_income_hit",
    "pre_tax": "{investee}_investment_loss_pretax",
    "stake_pct": "{investee}_stake_pct",
    "dilution_gain_after_tax": "{investee}_dilution_gain_after_tax",
    "dilution_gain_pre_tax": "{investee}_dilution_gain_pretax",
    "amort": "{investee}_basis_amortisation",
    "carrying_amount": "{investee}_investment_carrying_amount",
}
#: the investee's own fact holding a press estimate of its loss, compared in the table
PRESS_METRIC = "net_loss_implied"

ROW_LABELS = {
    "pre_tax": "pre-tax loss in the investor's other income / stake",
    "after_tax": "after-tax hit to the investor's net income / (1 - tax rate) / stake",
    "after_tax_press": "after-tax hit / stake (the press convention: understates by 1 - tax rate)",
    "adjusted": "(pre-tax loss - amortisation - other items) / stake",
}


@dataclass(frozen=True, eq=False)
class LookThrough(Result):
    """One look-through estimate of an investee's net loss (USD bn, ``derived``), with its
    range and flags; see :func:`lookthrough`."""

    estimate: float
    low: float
    high: float
    basis: str
    investor_loss: float
    stake: float
    stake_low: float
    stake_high: float
    tax_rate: float
    rounding: float
    amort: float
    other: float
    pickup: float
    other_basis_estimate: float
    formula: str
    flags: tuple[dict[str, str], ...] = ()
    #: the figure over the stake without any conversion (the press convention)
    press_estimate: float = float("nan")
    notes: tuple[str, ...] = ()
    derived: bool = True

    caption = "Look-through estimate of the investee's net loss (USD billions, derived)"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{k: v for k, v in self.to_dict().items() if k not in ("flags", "notes")}])


def lookthrough(
    investor_loss: float,
    stake: float,
    basis: str = "after_tax",
    tax_rate: float = TAX_RATE,
    stake_range: tuple[float, float] | None = None,
    rounding: float = ROUNDING,
    amort: float = 0.0,
    other: float = 0.0,
    basis_range: bool = True,
    carrying_amount: float | None = None,
    hlbv: bool = False,
    strict: bool = False,
) -> LookThrough:
    """Back an investee's net loss out of the investor's equity-method figure.

    ``pickup = investor_loss - amort - other`` (docs/methods.md 8.2); with ``basis="pre_tax"`` (the
    investor's pre-tax loss) ``estimate = pickup / stake``; with ``basis="after_tax"`` (its
    net-income hit) the figure is grossed up first, ``estimate = pickup / (1 - tax_rate) /
    stake``; ``basis="after_tax_press"`` is the press convention, the after-tax figure over the
    stake, which understates by the factor ``1 - tax_rate``. The result keeps the sign
    convention of the input: pass a loss as a positive number to read the investee's loss as a
    positive number.

    Parameters
    ----------
    investor_loss : float
        The investor's booked figure, USD bn (e.g. 3.1 after tax, 4.1 pre-tax).
    stake : float
        The investor's economic interest during the period, as a fraction (0.27, not 27).
    basis : {"after_tax", "pre_tax", "after_tax_press"}
        Which figure ``investor_loss`` is, and for the after-tax figure whether it is grossed up
        (``after_tax``, the best estimate) or not (``after_tax_press``).
    tax_rate : float
        Investor tax rate, default 0.21 (US statutory); converts between the two bases:
        ``after-tax = pre-tax x (1 - t)``.
    stake_range : (float, float), optional
        Low and high stake (fractions) to carry into the range; default ``(stake, stake)``.
    rounding : float
        Half-width of the disclosed figure's rounding, default 0.05 ($0.1B figures).
    amort, other : float
        Basis-difference amortisation and non-pickup items (dilution gains, impairments)
        included in ``investor_loss``, same basis and sign convention; default 0.
    basis_range : bool
        Widen ``low``/``high`` to include the other basis's estimate (default True): the range
        then runs over the stake range, the rounding and the tax basis.
    carrying_amount : float, optional
        The investment's carrying amount plus advances and commitments, to flag the loss limit.
    hlbv : bool
        The investor discloses an HLBV-type allocation (flat percentages then only approximate).
    strict : bool
        Raise ``LedgerError`` instead of returning a flagged result.

    Returns
    -------
    LookThrough
        ``estimate``, ``low``, ``high`` (USD bn, ``derived``), ``other_basis_estimate`` (the
        same figure read on the other basis: the press convention for ``after_tax``, the
        grossed-up figure for ``after_tax_press``, the after-tax equivalent for ``pre_tax``),
        ``press_estimate`` (figure / stake), ``formula`` and ``flags`` (``other_dominates``,
        ``loss_limit``, ``hlbv``; docs/methods.md 8.2).

    Examples
    --------
    Microsoft's after-tax hit of 3.1 in 2025-Q3 at 21 % on a 27 % stake is a pickup of
    3.1 / 0.79 and a loss of 3.1 / 0.79 / 0.27 (docs/methods.md 8.3); The Register's 3.1 / 0.27
    is the press convention:

    >>> r = lookthrough(3.1, 0.27)
    >>> round(r.estimate, 2), round(r.press_estimate, 2)
    (14.53, 11.48)
    >>> round(lookthrough(4.1, 0.325, basis="pre_tax").estimate, 2)
    12.62

    References
    ----------
    docs/methods.md section 8; FASB ASC 323-10 (35-19 to 35-22, 40-1); IAS 28 paras 38-39.
    """
    if basis not in BASES:
        raise LedgerError(f"unknown basis '{basis}': expected {', '.join(BASES)}")
    for name, value in (("investor_loss", investor_loss), ("stake", stake), ("tax_rate", tax_rate),
                        ("rounding", rounding), ("amort", amort), ("other", other)):
        if value is None or not np.isfinite(float(value)):
            raise LedgerError(f"{name} must be a finite number")
    if not 0 < stake <= 1:
        hint = f"; did you mean {stake / 100:g}?" if 1 < stake <= 100 else ""
        raise LedgerError(f"stake {stake:g} is not a fraction in (0, 1]{hint}")
    if not 0 <= tax_rate < 1:
        raise LedgerError(f"tax_rate {tax_rate:g} is not in [0, 1)")
    if rounding < 0:
        raise LedgerError("rounding cannot be negative")
    s_lo, s_hi = stake_range if stake_range is not None else (stake, stake)
    if not (0 < s_lo <= s_hi <= 1):
        raise LedgerError(f"stake_range ({s_lo:g}, {s_hi:g}) must be fractions with 0 < low <= high <= 1")

    pickup = investor_loss - amort - other
    gross_up = 1 / (1 - tax_rate)
    # own: the estimate's conversion of the figure; other: the other reading of the same figure
    own, other_conv = {"after_tax": (gross_up, 1.0), "after_tax_press": (1.0, gross_up),
                       "pre_tax": (1.0, 1 - tax_rate)}[basis]
    estimate = pickup * own / stake
    other_basis = pickup * other_conv / stake
    corners = []
    conversions = (own, other_conv) if basis_range else (own,)
    for num, s, conv in product((pickup - rounding, pickup + rounding), (s_lo, s_hi), conversions):
        corners.append(num * conv / s)
    low, high = float(min(corners)), float(max(corners))

    flags: list[dict[str, str]] = []
    if other != 0 and abs(other) >= abs(pickup):
        flags.append({"code": "other_dominates", "message": (
            f"non-pickup items ({other:g}) are at least as large as the pickup itself ({pickup:g}): "
            "backing a net loss out of this figure is not meaningful (docs/methods.md 8.2)")})
    if carrying_amount is not None and carrying_amount <= 2 * abs(pickup):
        flags.append({"code": "loss_limit", "message": (
            f"the carrying amount ({carrying_amount:g}) is close to exhausted: losses stop being "
            "recognised at zero (ASC 323-10-35-19), so the booked figure may understate")})
    if hlbv:
        flags.append({"code": "hlbv", "message": (
            "an HLBV-type allocation is disclosed: a flat percentage only approximates the pickup")})
    if strict and flags:
        raise LedgerError("; ".join(f["message"] for f in flags))
    notes = []
    if basis == "after_tax":
        notes.append(f"after-tax figure grossed up by 1 / (1 - t) = 1 / {1 - tax_rate:g}; the press convention "
                     f"(figure / stake) gives {pickup / stake:,.4g}, which understates by the factor {1 - tax_rate:g}")
    if basis == "after_tax_press":
        notes.append(f"press convention: understates the pre-tax pickup by the factor 1 - t = {1 - tax_rate:g}")
    adj = "".join(f" - {v:g}" for v in (amort, other) if v)
    written = f"({investor_loss:g}{adj})" if adj else f"{investor_loss:g}"
    formula = f"{written} / {1 - tax_rate:g} / {stake:g}" if basis == "after_tax" else f"{written} / {stake:g}"
    return LookThrough(
        estimate=float(estimate), low=low, high=high, basis=basis, investor_loss=float(investor_loss),
        stake=float(stake), stake_low=float(s_lo), stake_high=float(s_hi), tax_rate=float(tax_rate),
        rounding=float(rounding), amort=float(amort), other=float(other), pickup=float(pickup),
        other_basis_estimate=float(other_basis), press_estimate=float(pickup / stake), formula=formula,
        flags=tuple(flags), notes=tuple(notes),
    )


# ------------------------------------------------------------------------------------------------
# From the ledger: the sensitivity table of docs/methods.md 8.4


@dataclass(frozen=True, eq=False)
class LookThroughTable(Result):
    """The docs/methods.md 8.4 sensitivity table: the investee's implied net loss for each booked
    figure (rows) and each stake (columns), with every input's source; see
    :func:`lookthrough_from_ledger`."""

    investor: str
    investee: str
    investor_name: str
    investee_name: str
    period: str
    period_start: date
    period_end: date
    cells: pd.DataFrame = field(repr=False)
    stakes: pd.DataFrame = field(repr=False)
    inputs: list[dict[str, Any]] = field(repr=False)
    flags: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    press: dict[str, Any] | None = None
    implied_tax_rate: float | None = None
    tax_rate: float = TAX_RATE
    rounding: float = ROUNDING
    derived: bool = True

    caption = "Look-through sensitivity table (USD billions, derived)"

    def to_frame(self) -> pd.DataFrame:
        """One row per cell: row, column, stake, estimate, low, high, formula, flags."""
        return self.cells

    def matrix(self, value: str = "estimate") -> pd.DataFrame:
        """The table as rows x stake columns (``value``: estimate, low or high)."""
        m = self.cells.pivot(index="row", columns="column", values=value)
        rows = [r for r in ROW_LABELS if r in m.index]
        cols = [c for c in self.stakes["column"] if c in m.columns]
        return m.loc[rows, cols]

    @property
    def range(self) -> tuple[float, float]:
        """(lowest low, highest high) over the cells with a value and no flag."""
        ok = self.cells[self.cells["estimate"].notna() & (self.cells["flags"] == "")]
        if ok.empty:
            return (float("nan"), float("nan"))
        return float(ok["low"].min()), float(ok["high"].max())

    def _repr_html_(self) -> str:
        return frame_html(self.matrix().reset_index(), f"{self.caption}: {self.investee_name}, {self.period}")


def _period_matches(text: Any, period: str) -> bool:
    if not isinstance(text, str):
        return False
    tokens = text.replace("(", " ").replace(")", " ").split()
    return period.upper() in (t.upper() for t in tokens)


def _fact_ref(row: pd.Series, role: str) -> dict[str, Any]:
    return {
        "role": role, "id": row["id"], "metric": row["metric"], "value": float(row["value"]),
        "unit": row["unit"], "as_of": row["as_of"],
        "period": row["period"] if isinstance(row["period"], str) else None,
        "derived": bool(row["derived"]),
        "sources": [{"url": s["url"], "type": s["type"], "publisher": s["publisher"]} for s in row["sources"]],
    }


def lookthrough_from_ledger(
    ledger: Ledger,
    investor: str,
    investee: str,
    period: str,
    stake: float | None = None,
    tax_rate: float = TAX_RATE,
    rounding: float = ROUNDING,
    amort: float | None = None,
    other: float | None = None,
    hlbv: bool = False,
) -> LookThroughTable:
    """The sensitivity table of an investee's implied net loss, from the ledger's facts.

    Rows (docs/methods.md 8.4): the investor's pre-tax loss, its after-tax net-income hit grossed up
    by 1 / (1 - t), the same hit without the gross-up (``after_tax_press``, the press
    convention, which understates), and the pre-tax loss less basis amortisation and other items
    (only when those are known: from facts or the ``amort`` / ``other`` arguments). Columns: each recorded stake of the investor
    in the investee, labelled whether it was held during the period (a stake dated after the
    period end, such as a subsequent-event disclosure, does not apply: docs/methods.md 8.1), the
    time-weighted stake when it changed within the period, and ``stake`` if given. Each cell is
    :func:`lookthrough` of that figure and stake, with the +/- ``rounding`` interval carried.

    Parameters
    ----------
    ledger : Ledger
    investor, investee : str
        Company names, aliases or ids (e.g. "Microsoft", "OpenAI").
    period : str
        The investor's reporting period as a calendar period, e.g. ``"2025-Q3"``; facts are
        matched on their ``period`` text.
    stake : float, optional
        A user stake (fraction) added as a column.
    tax_rate, rounding : float
        As in :func:`lookthrough` (defaults 0.21 and 0.05).
    amort, other : float, optional
        Pre-tax basis amortisation and non-pickup items in the pre-tax figure, as losses
        (positive = expense); override the facts of :data:`METRICS`.
    hlbv : bool
        Flag an HLBV-type allocation.

    Returns
    -------
    LookThroughTable
        ``cells`` (row, column, stake, estimate, low, high, formula, flags), ``stakes``,
        ``inputs`` (every fact used, with value, date and source URLs), ``flags``, ``notes``,
        ``press`` (the investee's ``net_loss_implied`` fact for the period and the cell it
        matches) and ``implied_tax_rate`` (``1 - I_post / I_pre``).

    Raises
    ------
    LedgerError
        When the ledger holds no equity-method figure for the period (the message says which
        periods have one, and warns when the period carries a dilution gain).

    References
    ----------
    docs/methods.md sections 8.1-8.4.
    """
    ctx = _Period.read(ledger, investor, investee, period)
    inputs: list[dict[str, Any]] = []
    flags: list[dict[str, str]] = []
    notes: list[str] = []
    figures, gain, gain_basis = _period_figures(ctx, inputs, flags)
    columns = _stake_columns(ctx, stake, inputs, notes)
    rows, amort, other = _numerators(ctx, figures, gain, gain_basis, amort, other, tax_rate, inputs, notes)
    cells = _cells(rows, columns, amort, other, gain is not None, tax_rate, rounding, hlbv)
    if hlbv:
        flags.append({"code": "hlbv", "message": "an HLBV-type allocation is disclosed: a flat percentage only approximates"})
    implied = _implied_tax_rate(figures, tax_rate, notes)
    press = _press(ledger, ctx, cells, inputs)
    return LookThroughTable(
        investor=ctx.inv, investee=ctx.tee, investor_name=ctx.name(ctx.inv), investee_name=ctx.name(ctx.tee),
        period=period, period_start=ctx.span.start, period_end=ctx.span.end, cells=cells,
        stakes=pd.DataFrame(columns), inputs=inputs, flags=flags, notes=notes, press=press, implied_tax_rate=implied,
        tax_rate=tax_rate, rounding=rounding,
    )


@dataclass
class _Period:
    """The investor, investee and period a table is read for, with the investor's facts."""

    inv: str
    tee: str
    names: dict[str, str]
    period: str
    span: PartialDate
    metric: dict[str, str]
    facts: pd.DataFrame

    @classmethod
    def read(cls, ledger: Ledger, investor: str, investee: str, period: str) -> _Period:
        inv, tee = ledger.resolve_company(investor), ledger.resolve_company(investee)
        try:
            span = PartialDate.parse(period)
        except ValueError as e:
            raise LedgerError(f"period: {e}") from None
        prefix = tee.replace("-", "_")
        return cls(inv=inv, tee=tee, names=ledger.company_names(), period=period, span=span,
                   metric={k: v.format(investee=prefix) for k, v in METRICS.items()},
                   facts=ledger.facts(company=inv))

    def name(self, company: str) -> str:
        return self.names.get(company, company)

    def in_period(self, role: str) -> pd.Series | None:
        """The latest fact of a role whose period is this one."""
        f = self.facts[(self.facts["metric"] == self.metric[role])
                       & self.facts["period"].map(lambda t: _period_matches(t, self.period))]
        return None if f.empty else f.sort_values("date").iloc[-1]


def _period_figures(ctx: _Period, inputs: list, flags: list) -> tuple[dict[str, pd.Series | None], pd.Series | None, str]:
    """The booked figures of the period (after-tax hit, pre-tax loss) and a dilution gain in it,
    which flags every unadjusted cell; an error naming the periods that have figures when this
    one has none."""
    figures = {role: ctx.in_period(role) for role in ("after_tax", "pre_tax")}
    gain, gain_basis = ctx.in_period("dilution_gain_pre_tax"), "pre_tax"
    if gain is None:
        gain, gain_basis = ctx.in_period("dilution_gain_after_tax"), "after_tax"
    if gain is not None:
        inputs.append(_fact_ref(gain, f"dilution gain ({gain_basis.replace('_', '-')})"))
        flags.append({"code": "other_dominates", "message": (
            f"{ctx.name(ctx.inv)} booked a gain of {gain['value']:g} on the change in its interest "
            f"in {ctx.name(ctx.tee)} in {ctx.period} ({gain['id']}): a non-pickup item in the same "
            "line, so a naive back-out is nonsense for this period (docs/methods.md 8.2)")})
    if all(v is None for v in figures.values()):
        have = ctx.facts[ctx.facts["metric"].isin([ctx.metric["after_tax"], ctx.metric["pre_tax"]])]["period"].dropna()
        known = ", ".join(sorted({str(p).split()[0] for p in have})) or "none"
        warn = f" Note: {flags[0]['message']}." if flags else ""
        raise LedgerError(
            f"no equity-method figure ({ctx.metric['after_tax']} or {ctx.metric['pre_tax']}) for "
            f"{ctx.name(ctx.inv)} / {ctx.name(ctx.tee)} in {ctx.period}; periods with one: {known}.{warn}")
    for role in ("after_tax", "pre_tax"):
        if figures[role] is not None:
            inputs.append(_fact_ref(figures[role], {"after_tax": "after-tax net income impact",
                                                     "pre_tax": "pre-tax loss"}[role]))
    return figures, gain, gain_basis


def _stake_columns(ctx: _Period, stake: float | None, inputs: list, notes: list) -> list[dict[str, Any]]:
    """The columns: each recorded stake, labelled held during the period, superseded before it
    or dated after its end (does not apply); a time-weighted stake when it changed within the
    period; a user stake."""
    span = ctx.span
    st = ctx.facts[ctx.facts["metric"] == ctx.metric["stake_pct"]].sort_values("date")
    columns = []
    held_at_start = st[st["date"] <= span.start].tail(1)
    within = st[(st["date"] > span.start) & (st["date"] <= span.end)]
    for _, row in st.iterrows():
        if row["date"] > span.end:
            when, applies = "after the period end (does not apply, docs/methods.md 8.1)", False
        elif row["id"] in set(held_at_start["id"]) or row["id"] in set(within["id"]):
            when, applies = "held during the period", True
        else:
            when, applies = "superseded before the period", False
        columns.append({"column": f"{row['value']:g}% ({when.split(' (')[0]}, fact of {row['as_of']})",
                        "stake": row["value"] / 100, "kind": "fact", "applies": applies, "when": when,
                        "fact": row["id"]})
        inputs.append(_fact_ref(row, f"stake ({when})"))
        if not applies and row["date"] > span.end:
            notes.append(f"the {row['value']:g}% stake is dated {row['as_of']}, after {ctx.period} ended "
                         f"{span.end}: press estimates that use it apply a later stake to this quarter")
    if not within.empty:
        if held_at_start.empty:
            notes.append("the stake changed within the period but no stake is recorded at its start: "
                         "no time-weighted stake")
        else:
            steps = pd.concat([held_at_start, within])
            dates = [span.start, *within["date"].tolist(), span.end + pd.Timedelta(days=1).to_pytimedelta()]
            days = np.diff([pd.Timestamp(d).value for d in dates]).astype(float)
            tw = float(np.dot(steps["value"].to_numpy(float) / 100, days / days.sum()))
            columns.append({"column": f"{100 * tw:.4g}% (time-weighted over the period)", "stake": tw,
                            "kind": "time_weighted", "applies": True, "when": "time-weighted", "fact": None})
    if stake is not None:
        columns.append({"column": f"{100 * stake:g}% (user value)", "stake": float(stake), "kind": "user",
                        "applies": True, "when": "given by the user", "fact": None})
    if not columns:
        raise LedgerError(f"no stake of {ctx.name(ctx.inv)} in {ctx.name(ctx.tee)} recorded "
                          f"({ctx.metric['stake_pct']}); pass stake=")
    return columns


def _numerators(ctx: _Period, figures, gain, gain_basis, amort, other, tax_rate, inputs, notes
                ) -> tuple[dict[str, tuple[float | None, str, str]], float | None, float | None]:
    """The rows: row -> (figure as a loss, basis, reason when empty), with the amortisation and
    other items of the adjusted row (from the arguments, else the facts and a dilution gain)."""
    rows: dict[str, tuple[float | None, str, str]] = {}
    if figures["pre_tax"] is not None:
        rows["pre_tax"] = (-float(figures["pre_tax"]["value"]), "pre_tax", "")
    if figures["after_tax"] is not None:
        rows["after_tax"] = (-float(figures["after_tax"]["value"]), "after_tax", "")
        rows["after_tax_press"] = (-float(figures["after_tax"]["value"]), "after_tax_press", "")
    amort_fact = ctx.in_period("amort")
    if amort is None and amort_fact is not None:
        amort = -float(amort_fact["value"])
        inputs.append(_fact_ref(amort_fact, "basis-difference amortisation"))
    if other is None and gain is not None:
        # a gain reduces the reported loss: as a loss it is negative; gross an after-tax gain up
        g = float(gain["value"]) / ((1 - tax_rate) if gain_basis == "after_tax" else 1.0)
        other = -g
        if gain_basis == "after_tax":
            notes.append(f"the after-tax gain {gain['value']:g} is grossed up to {g:.3g} pre-tax at t = {tax_rate:g} (derived)")
    if figures["pre_tax"] is not None:
        if amort is None and other is None:
            rows["adjusted"] = (None, "pre_tax", "basis amortisation and other items in the pre-tax figure are "
                                "not disclosed: pass amort= and other= to fill this row")
        else:
            rows["adjusted"] = (rows["pre_tax"][0], "pre_tax", "")
    return rows, amort, other


def _cells(rows, columns, amort, other, gain_in_period: bool, tax_rate, rounding, hlbv) -> pd.DataFrame:
    """One cell per row and stake column: :func:`lookthrough` with ``basis_range=False``."""
    cells = []
    for row_key, (num, basis, reason) in rows.items():
        for col in columns:
            base = {"row": row_key, "row_label": ROW_LABELS[row_key], "column": col["column"],
                    "stake": col["stake"], "stake_applies": col["applies"]}
            if num is None:
                cells.append({**base, "estimate": np.nan, "low": np.nan, "high": np.nan,
                              "formula": None, "flags": "", "reason": reason})
                continue
            a = (amort or 0.0) if row_key == "adjusted" else 0.0
            o = (other or 0.0) if row_key == "adjusted" else 0.0
            lt = lookthrough(num, col["stake"], basis=basis, tax_rate=tax_rate, rounding=rounding,
                             amort=a, other=o, basis_range=False, hlbv=hlbv)
            cell_flags = [f["code"] for f in lt.flags]
            if gain_in_period and row_key != "adjusted":
                cell_flags.append("other_dominates")
            if not col["applies"]:
                cell_flags.append("stake_not_held_in_period")
            cells.append({**base, "estimate": lt.estimate, "low": lt.low, "high": lt.high,
                          "formula": lt.formula, "flags": ",".join(dict.fromkeys(cell_flags)), "reason": ""})
    return pd.DataFrame(cells, columns=["row", "row_label", "column", "stake", "stake_applies",
                                        "estimate", "low", "high", "formula", "flags", "reason"])


def _implied_tax_rate(figures, tax_rate: float, notes: list) -> float | None:
    """1 - after-tax / pre-tax, when both figures are known (a note compares it with t)."""
    if figures["after_tax"] is None or figures["pre_tax"] is None or figures["pre_tax"]["value"] == 0:
        return None
    implied = 1 - float(figures["after_tax"]["value"]) / float(figures["pre_tax"]["value"])
    notes.append(f"implied investor tax rate 1 - {abs(figures['after_tax']['value']):g}/"
                 f"{abs(figures['pre_tax']['value']):g} = {implied:.1%} (statutory default {tax_rate:.0%}): "
                 "the gap hints that the pre-tax line holds more than the pickup, or other tax effects")
    return implied


def _press(ledger: Ledger, ctx: _Period, cells: pd.DataFrame, inputs: list) -> dict[str, Any] | None:
    """The investee's press estimate for the period and the cell closest to it."""
    pf = ledger.facts(company=ctx.tee, metric=PRESS_METRIC)
    pf = pf[pf["period"].map(lambda t: _period_matches(t, ctx.period))]
    if pf.empty:
        return None
    p = pf.sort_values("date").iloc[-1]
    ref = _fact_ref(p, "press estimate")
    inputs.append(ref)
    valued = cells.dropna(subset=["estimate"])
    match = None
    if not valued.empty:
        best = valued.iloc[int(np.argmin(np.abs(valued["estimate"].to_numpy() - p["value"])))]
        match = {"row": best["row"], "column": best["column"], "estimate": float(best["estimate"])}
    return {**ref, "derivation": p["derivation"] if isinstance(p["derivation"], str) else None, "closest_cell": match}
