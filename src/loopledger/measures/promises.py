"""Promises: how much of the money is paid, signed, or only promised, as of a date and over time.

``promises(ledger, as_of)`` answers the first question a reader asks of a circular-financing
headline: how much of it has actually been paid? It gives the deal dollars (USD billions) by
status, overall and per company (what each company promised to pay and was promised to
receive), what is still *remaining* to be paid under each status as of the date (docs/methods.md
section 6.1), and the same by-status table as a quarterly as-of series from 2019-Q1 to the
date. Every total follows the summary rules of :mod:`loopledger.ledger.summary` (it calls
``summarise``; nothing is re-implemented here): summary and subset legs are not added,
overlapping legs count once in ``low``, and legs with no amount are counted, never added as 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..ledger.dates import PartialDate
from ..ledger.summary import summarise
from ..ledger.view import View, view_of
from ..results import Result, frame_html
from ..vocabulary import BINDING_STATUSES, STATUS_LABELS
from ..vocabulary import STATUS_ORDER as STATUSES

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger

#: the first quarter of the as-of series (the dataset starts with deals announced in 2019)
SERIES_START = "2019-Q1"

_SUMMARY_COLS = ["count", "low", "high", "no_amount", "open_high"]


@dataclass(frozen=True, eq=False)
class Promises(Result):
    """Deal dollars (USD billions) by status as of ``as_of``: overall, remaining, per company
    and as a quarterly series. See :func:`promises`."""

    as_of: date
    company: str | None
    deals: int
    excluded_from_totals: int
    by_status: dict[str, dict[str, Any]]
    remaining: dict[str, dict[str, Any]]
    companies: pd.DataFrame = field(repr=False)
    series: pd.DataFrame = field(repr=False)
    params: dict[str, Any] = field(default_factory=dict)

    caption = "Deal dollars by status (USD billions)"

    def to_frame(self) -> pd.DataFrame:
        """One row per status: meaning, legs, low, high, no amount, open-ended, and what
        remains to be paid (low, high) as of the date."""
        rows = []
        for status in STATUSES:
            s, r = self.by_status[status], self.remaining[status]
            rows.append({"status": status, "meaning": STATUS_LABELS[status], **s,
                         "remaining_low": r["low"], "remaining_high": r["high"],
                         "remaining_straight_line": r["straight_line"],
                         "remaining_no_schedule": r["no_schedule"]})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["status_labels"] = dict(STATUS_LABELS)
        return d

    def _repr_html_(self) -> str:
        return frame_html(self.to_frame(), f"{self.caption} as of {self.as_of}")


def promises(ledger: Ledger, as_of: str | date | None = None, company: str | None = None,
             start: str = SERIES_START, series: bool = True, *, view: View | None = None) -> Promises:
    """Deal dollars by status, per company and over time: how much is paid, signed or promised.

    Parameters
    ----------
    ledger : Ledger
        The ledger to read (``ledger.deals(as_of=...)`` is the only input).
    as_of : date or str, optional
        The date of the view (default today). Each deal enters once its first status event is
        dated on or before it, with its latest status then.
    view : View, optional
        The view instead of ``as_of`` (its date and kinds are used; promises always show every
        status).
    company : str, optional
        Keep only legs this company pays or receives (name, alias or id).
    start : str
        First quarter of the series (default ``"2019-Q1"``).
    series : bool
        Compute the quarterly series (default True; False leaves it empty, faster).

    Returns
    -------
    Promises
        ``by_status``: per status the number of legs and the ``low`` / ``high`` totals (rules of
        :func:`loopledger.ledger.summary.summarise`); ``remaining``: the same totals of what is
        still to be paid as of the date (docs/methods.md 6.1: funded legs have nothing left; legs
        with a term are straight-line, ``derived``; legs without one count in full, flagged
        ``no_schedule``); ``companies``: per company and role (``pays`` / ``receives``) the
        by-status totals; ``series``: the by-status totals at each quarter end from ``start``
        to ``as_of`` (the last quarter is evaluated at ``as_of`` itself).

    Examples
    --------
    >>> from loopledger import load_default
    >>> p = promises(load_default(), as_of="2025-12-31")
    >>> sorted(p.by_status)[:2]
    ['announced_loi', 'cancelled_stalled']

    References
    ----------
    docs/methods.md sections 0.2 (view rules), 6.1 (remaining value of a commitment) and 6.8
    (statuses); the summary rules in :mod:`loopledger.ledger.summary`.
    """
    v = view_of(view, as_of=as_of, statuses=BINDING_STATUSES).with_(statuses=None)
    as_of_d = v.as_of
    cid = ledger.resolve_company(company) if company else None
    n_companies = len(ledger.records("companies"))

    def legs_on(d: date) -> pd.DataFrame:
        frame = ledger.legs(view=v.with_(as_of=d))
        if cid is not None:
            frame = frame[(frame["payer"] == cid) | (frame["payee"] == cid)]
        return frame

    deals = legs_on(as_of_d)
    overall = summarise(deals, n_companies, as_of_d)

    scaled = deals.copy()
    scaled["amount_low"] = deals["amount_low"] * deals["remaining_fraction"]
    scaled["amount_high"] = deals["amount_high"] * deals["remaining_fraction"]
    rem_summary = summarise(scaled, n_companies, as_of_d)
    counted = deals["counted"].astype(bool)
    remaining = {}
    for status in STATUSES:
        mask = counted & (deals["status"] == status)
        remaining[status] = {
            "low": rem_summary.by_status[status]["low"],
            "high": rem_summary.by_status[status]["high"],
            "straight_line": int((mask & (deals["remaining_basis"] == "straight_line")).sum()),
            "no_schedule": int((mask & (deals["remaining_basis"] == "no_schedule")).sum()),
            "paid_to_date": int((mask & (deals["remaining_basis"] == "paid_to_date")).sum()),
        }

    names = ledger.company_names()
    rows = []
    for role, column in (("pays", "payer"), ("receives", "payee")):
        for comp, part in deals.groupby(column, sort=True):
            if cid is not None and comp != cid:
                continue
            s = summarise(part, n_companies, as_of_d)
            for status in STATUSES:
                cell = s.by_status[status]
                if cell["count"]:
                    rows.append({"company": comp, "name": names.get(comp, comp), "role": role,
                                 "status": status, **cell})
    companies = pd.DataFrame(rows, columns=["company", "name", "role", "status", *_SUMMARY_COLS])

    series_rows = []
    for label, when in (quarter_ends(start, as_of_d) if series else []):
        s = summarise(legs_on(when), n_companies, when)
        for status in STATUSES:
            series_rows.append({"quarter": label, "as_of": when, "status": status,
                                **s.by_status[status]})
    series_frame = pd.DataFrame(series_rows, columns=["quarter", "as_of", "status", *_SUMMARY_COLS])

    return Promises(
        as_of=as_of_d, company=cid, deals=overall.deals,
        excluded_from_totals=overall.excluded_from_totals, by_status=overall.by_status,
        remaining=remaining, companies=companies, series=series_frame,
        params={"start": start, "view": v.to_dict(),
                "remaining_rule": "docs/methods.md 6.1: straight-line over the term; loans and legs "
                                  "without a term count in full"},
    )


def quarter_ends(start: str, until: date) -> list[tuple[str, date]]:
    """``(label, date)`` for each quarter from ``start`` (``YYYY-Qn``) to the one holding
    ``until``; each date is the quarter's last day, or ``until`` for the last one."""
    first = PartialDate.parse(start)
    year, q = first.start.year, (first.start.month - 1) // 3 + 1
    out = []
    while True:
        pd_q = PartialDate.parse(f"{year}-Q{q}")
        if pd_q.start > until:
            break
        out.append((f"{year}-Q{q}", min(pd_q.end, until)))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out
