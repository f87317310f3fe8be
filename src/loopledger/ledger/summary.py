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

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from ..results import Result
from ..vocabulary import STATUS_LABELS
from ..vocabulary import STATUS_ORDER as STATUSES

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


def summarise(legs: pd.DataFrame, companies: int, as_of: date,
              data_reaches: str | None = None) -> Summary:
    """Build the Summary from a leg table (:func:`loopledger.ledger.view.legs`, every status)."""
    deals = legs
    counted = deals[deals["counted"].astype(bool)]
    by_status: dict[str, dict[str, Any]] = {}
    for status in STATUSES:
        part = counted[counted["status"] == status]
        low_known = part["amount_low"].notna()
        high_or_low = part["amount_high"].fillna(part["amount_low"])
        low_total = _low_without_overlaps(part)
        paid = part["paid"].astype(float) if "paid" in part else pd.Series(float("nan"), index=part.index)
        has_paid = paid.notna()
        to_pay = (high_or_low[has_paid] - paid[has_paid]).clip(lower=0)
        by_status[status] = {
            "count": int(len(part)),
            "low": round(float(low_total), 6),
            "high": round(float(high_or_low.sum(skipna=True)), 6),
            "no_amount": int((part["amount_low"].isna() & part["amount_high"].isna()).sum()),
            "open_high": int((part["amount_high"].isna() & low_known).sum()),
            "paid": round(float(paid[has_paid].sum()), 6),
            "to_pay": round(float(to_pay.sum(skipna=True)), 6),
            "paid_legs": int(has_paid.sum()),
            "unsplit": int((~has_paid).sum()),
        }
    return Summary(
        as_of=as_of,
        deals=int(len(deals)),
        companies=companies,
        by_status=by_status,
        excluded_from_totals=int((~deals["counted"].astype(bool)).sum()),
        data_reaches=data_reaches,
    )


def _low_without_overlaps(part: pd.DataFrame) -> float:
    """Sum of stated lows, counting each group of mutually overlapping legs once (its max)."""
    ids = set(part["deal"])
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for rid, rel, others in zip(part["deal"], part["overlap"], part["overlap_with"]):
        if rel == "overlaps":
            for o in others or []:
                if o in ids:
                    parent[find(rid)] = find(o)
    best: dict[str, float] = {}
    for rid, low in zip(part["deal"], part["amount_low"]):
        if pd.notna(low):
            root = find(rid)
            best[root] = max(best.get(root, 0.0), float(low))
    return sum(best.values())
