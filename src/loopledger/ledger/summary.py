"""The "how much of it is real" table: deal dollars by status as of a date.

Rules, so that a total never counts the same money twice:

* only legs with ``include_in_totals`` count (stake summaries, programme totals, sub-contracts
  of an umbrella deal and realised-spend rows are listed but not added);
* ``low`` adds the stated low ends. A leg with no stated low ("up to X", undisclosed) adds
  nothing known, so ``low`` is a floor. Legs marked ``overlaps`` with another leg of the same
  status count once in ``low``, at the larger of their lows, since they may be the same money;
* ``high`` adds the stated high ends, or the low end where only a low is stated ("more than
  X"); such legs are counted in ``open_high`` because their true high is unbounded. Overlapping
  legs are added in full, so ``high`` is the ceiling;
* ``no_amount`` counts legs with neither end stated (left out of both sums, never taken as 0);
* **paid and still to pay**: ``paid`` adds the cash recorded paid by the date (the leg
  table's ``paid``: dated tranches and drawdowns, less repayments) and ``to_pay`` what is left
  of those legs' high amounts (never below 0), over the legs with a recorded payment
  (``paid_legs``); ``unsplit`` counts the legs of the status with no recorded payment, whose
  split is unknown (their dollars are in ``high`` only).

``data_reaches`` is the date of the latest status event in the ledger: how far the data goes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ..results import Result
from ..vocabulary import STATUS_LABELS
from ..vocabulary import STATUS_ORDER as STATUSES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["STATUS_LABELS", "Summary", "summarise"]


@dataclass(frozen=True)
class Summary(Result):
    """Counts and dollars (USD billions) by status as of ``as_of``."""

    as_of: date
    deals: int
    companies: int
    by_status: dict[str, dict[str, Any]]
    excluded_from_totals: int
    #: the date of the latest status event in the ledger (how far the data reaches)
    data_reaches: str | None = None
    rules: str = field(default=__doc__ or "", repr=False)

    caption = "Deal dollars by status (USD billions)"

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for status in STATUSES:
            s = self.by_status[status]
            rows.append({"status": status, "meaning": STATUS_LABELS[status], **s})
        return pd.DataFrame(rows, columns=["status", "meaning", "count", "low", "high",
                                           "no_amount", "open_high", "paid", "to_pay",
                                           "paid_legs", "unsplit"])

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.pop("rules", None)
        return d


def summarise(legs: pd.DataFrame | Iterable[Mapping[str, Any]], companies: int, as_of: date,
              data_reaches: str | None = None) -> Summary:
    """Build the Summary from a leg table (:func:`loopledger.ledger.view.legs`, every status):
    its DataFrame, or its records (:func:`loopledger.ledger.view.leg_rows`)."""
    rows = legs.to_dict(orient="records") if hasattr(legs, "to_dict") else list(legs)
    counted = [r for r in rows if r["counted"]]
    by_status: dict[str, dict[str, Any]] = {}
    for status in STATUSES:
        part = [r for r in counted if r["status"] == status]
        high_or_low = [r["amount_high"] if _known(r["amount_high"]) else r["amount_low"] for r in part]
        paid = [float(r["paid"]) if _known(r.get("paid")) else None for r in part]
        to_pay = [max(h - p, 0.0) for h, p in zip(high_or_low, paid) if p is not None and _known(h)]
        paid_legs = sum(p is not None for p in paid)
        by_status[status] = {
            "count": len(part),
            "low": round(float(_low_without_overlaps(part)), 6),
            "high": round(_sum(high_or_low), 6),
            "no_amount": sum(not _known(r["amount_low"]) and not _known(r["amount_high"]) for r in part),
            "open_high": sum(not _known(r["amount_high"]) and _known(r["amount_low"]) for r in part),
            "paid": round(_sum(p for p in paid if p is not None), 6),
            "to_pay": round(_sum(to_pay), 6),
            "paid_legs": paid_legs,
            "unsplit": len(part) - paid_legs,
        }
    return Summary(
        as_of=as_of,
        deals=len(rows),
        companies=companies,
        by_status=by_status,
        excluded_from_totals=len(rows) - len(counted),
        data_reaches=data_reaches,
    )


def _known(x: Any) -> bool:
    """Whether a cell holds a value (None and NaN do not)."""
    return x is not None and x == x


def _sum(values: Iterable[Any]) -> float:
    """The sum of the known values (0.0 when none is known), correctly rounded (``fsum``: a
    pairwise float sum can differ in the last bit, far below the 6 decimals kept)."""
    return math.fsum(float(v) for v in values if _known(v))


def _low_without_overlaps(part: list[Mapping[str, Any]]) -> float:
    """Sum of stated lows, counting each group of mutually overlapping legs once (its max)."""
    ids = {r["deal"] for r in part}
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in part:
        if r["overlap"] == "overlaps":
            for o in r["overlap_with"] or []:
                if o in ids:
                    parent[find(r["deal"])] = find(o)
    best: dict[str, float] = {}
    for r in part:
        low = r["amount_low"]
        if _known(low):
            root = find(r["deal"])
            best[root] = max(best.get(root, 0.0), float(low))
    return sum(best.values())
