"""Units: dollar values for deals stated only in gigawatts or chips, from sourced assumptions.

Many AI deals are announced in gigawatts ("10 GW of Nvidia systems") or in chips ("50,000
MI450 GPUs") with no dollar figure. loopledger never guesses such a value silently: it derives
one only when asked, from an explicit table of assumptions (docs/methods.md section 9), each row
``{id, scope, usd_bn_per_gw_low/high (or usd_bn_per_gpu_low/high), source, date}`` with the
public source of the figure. The bundled table is ``ledger/data/unit_assumptions.csv``.
Derived values carry the assumption id and are marked ``derived``; reported amounts are never
overwritten; every total built on them reports ``derived_share``, the fraction of its dollars
that come from derived amounts. The network view (:mod:`loopledger.ledger.view`, ``amount="derived"``) uses this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..errors import LedgerError, Problem, ValidationError
from ..results import Result
from .dates import PartialDate, end_of, start_of


class DealReader(Protocol):
    """What :func:`derive_amounts` needs of a ledger: its deals as of a date."""

    def deals(self, as_of: Any = None) -> pd.DataFrame: ...  # pragma: no cover

#: what a $/GW figure covers: the chips (vendor revenue per GW), a whole data centre built
#: per GW, or renting a GW of capacity for one year (needs a contract term)
SCOPES = ("chips", "full_data_centre", "capacity_per_gw_year")

COLUMNS = ("id", "scope", "usd_bn_per_gw_low", "usd_bn_per_gw_high", "usd_bn_per_gpu_low",
           "usd_bn_per_gpu_high", "source", "publisher", "date", "note")
_NUMERIC = COLUMNS[2:6]

#: Default choice of assumption, by deal kind, or by ``kind:payee`` (more specific wins).
#: Chips bought from Nvidia use Nvidia's own per-GW content; chips bought from other vendors
#: (AMD, Broadcom ...) the $15-20B per GW those vendors cite; cloud contracts the rent per
#: GW-year times the term (no term: not derived). Leases, equity and the rest are not derived.
DEFAULT_RULES: dict[str, str] = {
    "compute_purchase:nvidia": "nvidia-2025-08-chips",
    "compute_purchase": "bernstein-2025-10-chips",
    "cloud_contract": "oracle-openai-2025-07-cloud",
}
#: default per-GPU assumption for chip purchases stated only as a number of GPUs
DEFAULT_GPU_ASSUMPTION = "cnbc-2024-10-blackwell-gpu"


def bundled_assumptions_path() -> Path:
    return Path(__file__).resolve().parent / "data" / "unit_assumptions.csv"


def load_assumptions(table: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The assumption table (default: the bundled one), validated.

    Every row needs an id, a scope in :data:`SCOPES`, a low/high pair of USD bn per GW or per
    GPU (non-negative, low <= high), an http(s) source URL and a date. Problems are raised
    together as a :class:`ValidationError` naming file, row and column.
    """
    where = "<assumptions>"
    if table is None:
        table = bundled_assumptions_path()
    if isinstance(table, (str, Path)):
        where = str(table)
        if not Path(table).exists():
            raise LedgerError(f"{table}: no such file")
        frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    elif isinstance(table, pd.DataFrame):
        frame = table.astype(object).where(table.notna(), "").astype(str)
    else:
        raise LedgerError("assumptions must be a CSV path or a DataFrame")
    problems: list[Problem] = []
    for col in ("id", "scope", "source", "date"):
        if col not in frame.columns:
            problems.append(Problem(where, 1, col, f"required column '{col}' is missing"))
    if problems:
        raise ValidationError(problems)
    for col in COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    out = frame[list(COLUMNS)].copy()
    seen: set[str] = set()
    for i, row in enumerate(out.to_dict(orient="records")):
        line = i + 2
        rid = row["id"].strip()
        if not rid:
            problems.append(Problem(where, line, "id", "blank id"))
        elif rid in seen:
            problems.append(Problem(where, line, "id", f"duplicate id '{rid}'"))
        seen.add(rid)
        if row["scope"] not in SCOPES:
            problems.append(Problem(where, line, "scope", f"'{row['scope']}' is not one of {', '.join(SCOPES)}"))
        if not row["source"].startswith(("http://", "https://")):
            problems.append(Problem(where, line, "source", "every assumption needs an http(s) source URL"))
        try:
            PartialDate.parse(row["date"])
        except ValueError as e:
            problems.append(Problem(where, line, "date", str(e)))
        values = {}
        for col in _NUMERIC:
            text = row[col].strip()
            if not text:
                values[col] = np.nan
                continue
            try:
                values[col] = float(text)
            except ValueError:
                problems.append(Problem(where, line, col, f"'{text}' is not a number"))
                continue
            if not np.isfinite(values[col]) or values[col] < 0:
                problems.append(Problem(where, line, col, f"{text} must be a non-negative number"))
        for unit in ("gw", "gpu"):
            lo, hi = values.get(f"usd_bn_per_{unit}_low"), values.get(f"usd_bn_per_{unit}_high")
            if lo is None or hi is None:
                continue
            if np.isnan(lo) != np.isnan(hi):
                problems.append(Problem(where, line, f"usd_bn_per_{unit}_high", "give both low and high, or neither"))
            elif not np.isnan(lo) and lo > hi:
                problems.append(Problem(where, line, f"usd_bn_per_{unit}_low", f"low {lo:g} is above high {hi:g}"))
        if all(np.isnan(values.get(c, np.nan)) for c in _NUMERIC):
            problems.append(Problem(where, line, "usd_bn_per_gw_low", "no $/GW or $/GPU figure"))
    if problems:
        raise ValidationError(problems)
    for col in _NUMERIC:
        out[col] = pd.to_numeric(out[col].replace("", np.nan)).astype(float)
    out["id"] = out["id"].str.strip()
    return out.reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class DerivedAmounts(Result):
    """Derived dollar values (USD bn) of legs stated only in GW or chips; see
    :func:`derive_amounts`. ``legs`` has one row per candidate leg, derived or not (with the
    reason); ``assumptions`` the table used."""

    legs: pd.DataFrame = field(repr=False)
    assumptions: pd.DataFrame = field(repr=False)
    params: dict[str, Any] = field(default_factory=dict)

    caption = "Dollar values derived from GW or chip counts (USD billions, derived)"

    def to_frame(self) -> pd.DataFrame:
        return self.legs

    @property
    def derived(self) -> pd.DataFrame:
        """The legs that received a derived value."""
        return self.legs[self.legs["derived_high"].notna()]

    def apply(self, deals: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``deals`` where legs with no stated amount take the derived low/high;
        adds ``derived`` (bool) and ``assumption`` (id or None). Stated amounts are kept."""
        out = deals.copy()
        got = self.derived.set_index("id")
        ids = out["id"]
        mask = ids.isin(got.index) & out["amount_low"].isna() & out["amount_high"].isna()
        out["derived"] = mask.to_numpy(bool)
        out["assumption"] = np.where(mask, ids.map(got["assumption"]), None)
        out.loc[mask, "amount_low"] = ids[mask].map(got["derived_low"]).astype(float)
        out.loc[mask, "amount_high"] = ids[mask].map(got["derived_high"]).astype(float)
        return out


def derive_amounts(
    deals: pd.DataFrame | DealReader,
    as_of=None,
    assumptions: str | Path | pd.DataFrame | None = None,
    assumption: str | None = None,
    rules: Mapping[str, str | None] | None = None,
    overrides: Mapping[str, str] | None = None,
) -> DerivedAmounts:
    """Dollar values for legs stated only in gigawatts or chips, from sourced assumptions.

    A leg is a candidate when it has neither ``amount_low`` nor ``amount_high`` but has
    ``power_gw`` or ``gpu_count``. Its value is ``quantity x (usd_bn_per_unit_low, high)``:

    * scope ``chips`` or ``full_data_centre`` with ``power_gw``: ``GW x $/GW``;
    * scope ``capacity_per_gw_year``: ``GW x $/GW-year x years(term_start, term_end)``; a
      leg without both term dates is not derived (reason ``no_term``);
    * with only ``gpu_count``: ``GPUs x $/GPU`` from a row giving ``usd_bn_per_gpu_*``.

    Parameters
    ----------
    deals : DataFrame or Ledger
        Legs as returned by ``Ledger.deals`` (a Ledger is read with ``deals(as_of=as_of)``).
    as_of : date or str, optional
        Only used when a Ledger is given.
    assumptions : path or DataFrame, optional
        The assumption table; default the bundled ``unit_assumptions.csv``. Validated by
        :func:`load_assumptions`.
    assumption : str, optional
        Use this assumption id for every candidate leg (overrides ``rules``).
    rules : mapping, optional
        ``kind`` or ``kind:payee`` -> assumption id (None to switch a default off), merged
        over :data:`DEFAULT_RULES`; the more specific key wins.
    overrides : mapping, optional
        deal id -> assumption id, for single legs.

    Returns
    -------
    DerivedAmounts
        ``legs``: id, payer, payee, kind, status, quantity and unit used, term years, the
        assumption id and scope, ``derived_low`` / ``derived_high`` (NaN when not derived),
        ``formula``, ``source`` and ``reason`` (why a leg was not derived).
        ``apply(deals)`` fills them into a deals frame, flagged ``derived``.

    Examples
    --------
    >>> import pandas as pd
    >>> legs = pd.DataFrame({"id": ["x"], "payer": ["a"], "payee": ["nvidia"],
    ...     "kind": ["compute_purchase"], "amount_low": [None], "amount_high": [None],
    ...     "power_gw": [2.0], "gpu_count": [None], "term_start": [None], "term_end": [None]})
    >>> derive_amounts(legs).legs[["derived_low", "derived_high"]].iloc[0].tolist()
    [70.0, 70.0]

    References
    ----------
    docs/methods.md section 9 (units and derived amounts).
    """
    if not isinstance(deals, pd.DataFrame):
        deals = deals.deals(as_of=as_of)
    table = load_assumptions(assumptions)
    by_id = table.set_index("id")
    # defaults name rows of the bundled table: a user table without them simply has no default
    chosen_rules: dict[str, str | None] = {k: v for k, v in DEFAULT_RULES.items() if v in by_id.index}
    chosen_rules.update(rules or {})
    gpu_default = DEFAULT_GPU_ASSUMPTION if DEFAULT_GPU_ASSUMPTION in by_id.index else None
    for name, aid in [*(rules or {}).items(), *(overrides or {}).items(),
                      *([("assumption", assumption)] if assumption else [])]:
        if aid is not None and aid not in by_id.index:
            raise LedgerError(f"unknown unit assumption '{aid}' (for {name}); known: {', '.join(by_id.index)}")
    overrides = dict(overrides or {})

    lo_col = deals["amount_low"] if "amount_low" in deals else pd.Series(np.nan, index=deals.index)
    hi_col = deals["amount_high"] if "amount_high" in deals else pd.Series(np.nan, index=deals.index)
    gw_col = pd.to_numeric(deals.get("power_gw", pd.Series(np.nan, index=deals.index)), errors="coerce")
    gpu_col = pd.to_numeric(deals.get("gpu_count", pd.Series(np.nan, index=deals.index)), errors="coerce")
    candidates = lo_col.isna() & hi_col.isna() & (gw_col.notna() | gpu_col.notna())

    rows = []
    for idx in deals.index[candidates.to_numpy()]:
        d = deals.loc[idx]
        gw, gpus = gw_col[idx], gpu_col[idx]
        kind, payee = d.get("kind"), d.get("payee")
        row = {"id": d["id"], "payer": d.get("payer"), "payee": payee, "kind": kind,
               "status": d.get("status"), "power_gw": gw, "gpu_count": gpus, "quantity": np.nan,
               "unit": None, "term_years": np.nan, "assumption": None, "scope": None,
               "derived_low": np.nan, "derived_high": np.nan, "formula": None, "source": None,
               "reason": None}
        aid = overrides.get(d["id"]) or assumption
        if aid is None:
            if pd.isna(gw):
                aid = gpu_default if kind == "compute_purchase" else None
            else:
                aid = chosen_rules.get(f"{kind}:{payee}", chosen_rules.get(kind))
        if aid is None:
            row["reason"] = f"no assumption for kind '{kind}'"
            rows.append(row)
            continue
        a = by_id.loc[aid]
        row.update(assumption=aid, scope=a["scope"], source=a["source"])
        if not pd.isna(gw) and not pd.isna(a["usd_bn_per_gw_low"]):
            qty, unit, lo, hi = float(gw), "GW", a["usd_bn_per_gw_low"], a["usd_bn_per_gw_high"]
        elif not pd.isna(gpus) and not pd.isna(a["usd_bn_per_gpu_low"]):
            qty, unit, lo, hi = float(gpus), "GPU", a["usd_bn_per_gpu_low"], a["usd_bn_per_gpu_high"]
        else:
            row["reason"] = f"assumption '{aid}' has no figure for this leg's unit"
            rows.append(row)
            continue
        row.update(quantity=qty, unit=unit)
        factor, years_text = 1.0, ""
        if a["scope"] == "capacity_per_gw_year":
            years = term_years(d.get("term_start"), d.get("term_end"))
            if years is None:
                row["reason"] = "no_term: a price per GW-year needs term_start and term_end"
                rows.append(row)
                continue
            row["term_years"] = years
            factor, years_text = years, f" x {years:.3g} years"
        row["derived_low"] = qty * lo * factor
        row["derived_high"] = qty * hi * factor
        if unit == "GPU":  # per-GPU prices read better in dollars than in billions
            row["formula"] = f"{qty:,.0f} GPUs x ${lo * 1e9:,.0f}-{hi * 1e9:,.0f} per GPU"
        else:
            row["formula"] = f"{qty:g} GW x {lo:g}-{hi:g} USD bn per GW{' - year' if years_text else ''}{years_text}"
        rows.append(row)
    legs = pd.DataFrame(rows, columns=["id", "payer", "payee", "kind", "status", "power_gw",
                                       "gpu_count", "quantity", "unit", "term_years", "assumption",
                                       "scope", "derived_low", "derived_high", "formula", "source",
                                       "reason"])
    return DerivedAmounts(legs=legs, assumptions=table,
                          params={"assumption": assumption, "rules": chosen_rules,
                                  "overrides": overrides})


def term_years(term_start: Any, term_end: Any) -> float | None:
    """Length of a term in years (365.25 days), from the start's first to the end's last day
    (docs/methods.md 9); None when either end is missing or unreadable."""
    try:
        s = start_of(term_start) if isinstance(term_start, str) else None
        e = end_of(term_end) if isinstance(term_end, str) else None
    except ValueError:
        return None
    if s is None or e is None or e <= s:
        return None
    return ((e - s).days + 1) / 365.25


def derived_share(amounts: pd.Series | np.ndarray, derived: pd.Series | np.ndarray) -> float:
    """The fraction of a total's dollars that come from derived amounts (NaN amounts are left
    out; 0.0 for an empty or all-NaN total)."""
    a = np.asarray(amounts, dtype=float)
    m = np.asarray(derived, dtype=bool)
    known = ~np.isnan(a)
    total = a[known].sum()
    if total <= 0:
        return 0.0
    return float(a[known & m].sum() / total)
