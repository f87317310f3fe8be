"""Numbers the report assembles from the measures that are not a measure's own output: the
circular share as a quarterly as-of series.

Each quarter end gets its own network view (``ledger.network(as_of=quarter end)``: the deals
in view then, with their status then) and its maximum circulation (docs/methods.md 2.1), so the
series shows how circular the signed and paid deals were at each date, not today's deals
back-dated.
"""

from __future__ import annotations

import pandas as pd

from ..ledger.dates import parse_as_of
from ..ledger.model import BINDING_STATUSES

SERIES_START = "2019-Q1"


def circular_share_series(ledger, as_of=None, start: str = SERIES_START, statuses=BINDING_STATUSES,
                          amount: str = "high") -> pd.DataFrame:
    """Circular share at each quarter end from ``start`` to ``as_of`` (the last quarter is
    evaluated at ``as_of`` itself).

    Returns a frame with ``quarter``, ``as_of``, ``share`` (maximum circulation / deal
    dollars in view; NaN when no dollars are in view), ``total`` (the maximum circulation,
    USD bn, each hop counted), ``flow_total`` (deal dollars in view, USD bn) and ``legs``
    (deal legs in view). docs/methods.md 2.1-2.2; one LP per quarter (scipy HiGHS).

    >>> from loopledger import load_default
    >>> s = circular_share_series(load_default(), as_of="2025-12-31", start="2025-Q3")
    >>> s["quarter"].tolist()
    ['2025-Q3', '2025-Q4']
    """
    from ..measures.circulation import circulation
    from ..measures.promises import quarter_ends

    rows = []
    for label, when in quarter_ends(start, parse_as_of(as_of)):
        net = ledger.network(as_of=when, statuses=statuses, amount=amount)
        if net.m == 0:
            rows.append(dict(quarter=label, as_of=when, share=float("nan"), total=0.0, flow_total=0.0, legs=0))
            continue
        c = circulation(net, ranges=False, decompose=False)
        rows.append(dict(quarter=label, as_of=when, share=c.share, total=c.total, flow_total=c.flow_total,
                         legs=net.m))
    return pd.DataFrame(rows, columns=["quarter", "as_of", "share", "total", "flow_total", "legs"])
