"""Buffers: how much loss each company can absorb, and what its stakes are worth
(docs/methods.md 6.2, 6.4).

A buffer is the latest figure of a metric family of :data:`loopledger.vocabulary.METRIC_FAMILIES`
on or before the as-of date: ``market_value`` (market cap, else the latest private valuation),
``book_equity`` or ``cash``; a company without a figure of that family takes one of the
fallback family (``buffer_fallback``, default ``book_equity``: a financing vehicle's first-loss
equity, the only buffer such a company has), else ``missing_buffer``. Placeholders (unnamed capital markets, bank lenders) and
governments have infinite buffers. A company without a figure gets ``missing_buffer``:
``"infinite"`` (it absorbs and reports losses, never fails; flagged ``missing``), ``"exclude"``
(dropped with its legs), ``"error"`` or a number of USD billions.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import LedgerError
from ..vocabulary import infinite_buffer_by_rule

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger


def latest_figures(ledger: Ledger, family: str, as_of: date) -> dict[str, tuple[float, str]]:
    """company -> (value, "metric YYYY-MM-DD") of the latest figure of a family known by
    ``as_of`` (ties go to the metric listed first)."""
    latest = ledger.latest(family, as_of=as_of)
    return {c: (float(r.value), f"{r.metric} {r.as_of}") for c, r in latest.iterrows()}


def is_placeholder(row: Any) -> bool:
    """Unnamed aggregates and governments: they never fail (the rule is
    :func:`loopledger.vocabulary.infinite_buffer_by_rule`)."""
    if row is None:
        return False
    return infinite_buffer_by_rule(row["placeholder"], row["type_detail"])


def buffers(ledger: Ledger, companies: pd.DataFrame, node_ids: list[str], family: str,
            missing_buffer: Any, as_of: date, fallback: str | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(buffers, basis, flag) per node: see the module docstring. ``flag`` is ``""``,
    ``"placeholder"``, ``"missing"`` or ``"dropped"`` (with ``missing_buffer="exclude"``).
    ``fallback`` (a family, or None / "none"): a company without a figure of ``family`` takes
    its latest figure of this family instead, said in its basis."""
    figures = latest_figures(ledger, family, as_of)
    if fallback and fallback not in ("none", family):
        for c, (value, what) in latest_figures(ledger, fallback, as_of).items():
            if c not in figures:
                figures[c] = (value, f"{what} (no {family} figure: {fallback} instead)")
    info = companies.set_index("id")
    E, basis, flag, missing = [], [], [], []
    for c in node_ids:
        row = info.loc[c] if c in info.index else None
        if is_placeholder(row):
            E.append(np.inf), basis.append("placeholder or government: infinite"), flag.append("placeholder")
        elif c in figures:
            E.append(figures[c][0]), basis.append(figures[c][1]), flag.append("")
        else:
            missing.append(c)
            if missing_buffer == "infinite":
                E.append(np.inf), basis.append(f"no {family} figure: assumed infinite"), flag.append("missing")
            elif missing_buffer == "exclude":
                E.append(np.nan), basis.append(f"no {family} figure: excluded"), flag.append("dropped")
            elif missing_buffer == "error":
                E.append(np.nan), basis.append(""), flag.append("missing")
            else:
                value = float(missing_buffer)
                E.append(value), basis.append(f"no {family} figure: assumed {value:g} USD bn"), flag.append("missing")
    if missing and missing_buffer == "error":
        raise LedgerError(
            f"no {family} figure as of {as_of} for {len(missing)} companies: {', '.join(missing)}; "
            "add facts, or pass missing_buffer='infinite' | 'exclude' | <USD bn>")
    return np.asarray(E, dtype=float), np.asarray(basis, dtype=object), np.asarray(flag, dtype=object)
