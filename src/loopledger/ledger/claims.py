"""The claims of a view: the assets that can be pledged, the pledges securing loans, and what
each guarantee covers, as three tables (docs/claims.md; the schema is shared with the stress
test, which reads it to recover secured lenders from their collateral).

:func:`claims` reads the ``assets``, ``pledges`` and ``guarantees`` records live at the view's
date: retracted rows are left out, and so are pledges dated after the view's date, pledges of a
retracted loan or collateral and guarantees of a retracted deal. An asset's value dated after
the view's date is not known yet then (NaN). A pledge's ``lender`` and ``borrower`` and a
guarantee's ``guarantor`` are read from the deals (the loan's payer and payee, the guarantee's
payer), never stored twice; a priority label becomes its rank
(:data:`loopledger.vocabulary.PRIORITY_RANKS`: 1 = senior, 2 = second lien or junior, NaN =
not stated). Amounts (a loan's size, a pledged contract's remaining value) are not here: they
come from the view's leg table (:mod:`loopledger.measures.encumbrance`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..results import Result, frame_html, jsonable
from ..vocabulary import PRIORITY_RANKS
from .dates import start_of
from .view import View


class _Records(Protocol):
    """What :func:`claims` reads of a :class:`~loopledger.ledger.ledger.Ledger`: its records."""

    def records(self, table: str) -> list[Any]: ...

ASSET_COLUMNS = ["id", "kind", "owner", "description", "gpu_count", "gpu_generation", "value", "value_as_of",
                 "value_note", "sources"]
PLEDGE_COLUMNS = ["id", "loan", "lender", "borrower", "collateral_asset", "collateral_deal", "priority",
                  "priority_label", "share", "ltv_limit", "as_of", "note", "sources"]
GUARANTEE_COLUMNS = ["deal", "guarantor", "covers", "cap", "note", "sources"]


@dataclass(frozen=True, eq=False)
class Claims(Result):
    """Assets, pledges and guarantees live at ``as_of`` (see the module docstring): three
    DataFrames with the columns :data:`ASSET_COLUMNS`, :data:`PLEDGE_COLUMNS` and
    :data:`GUARANTEE_COLUMNS`."""

    as_of: date
    assets: pd.DataFrame = field(repr=False)
    pledges: pd.DataFrame = field(repr=False)
    guarantees: pd.DataFrame = field(repr=False)
    params: dict[str, Any] = field(default_factory=dict)

    caption = "Claims: pledges securing loans"

    def to_frame(self) -> pd.DataFrame:
        """The pledges (one row each)."""
        return self.pledges.copy()

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "params": jsonable(self.params),
                "assets": jsonable(self.assets), "pledges": jsonable(self.pledges),
                "guarantees": jsonable(self.guarantees)}

    def _repr_html_(self) -> str:
        return "".join(frame_html(f, f"{c} as of {self.as_of}") for f, c in (
            (self.assets, "Assets"), (self.pledges, "Pledges"), (self.guarantees, "Guarantees")))


def _joined(sources: list[str] | None) -> str:
    return ";".join(sources or [])


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def claims(ledger: _Records, view: View) -> Claims:
    """The claims live at ``view.as_of`` (see the module docstring).

    >>> from loopledger import load_default
    >>> c = claims(load_default(), View.of("2026-12-07"))
    >>> list(c.pledges.columns[:4])
    ['id', 'loan', 'lender', 'borrower']
    """
    as_of = view.as_of
    deals = {d.id: d for d in ledger.records("deals")}
    assets = [a for a in ledger.records("assets") if a.owner]
    live_assets = {a.id for a in assets}

    def dated(text: str | None) -> date | None:
        return start_of(text) if text else None

    asset_rows = []
    for a in assets:
        known = a.value is not None and (dated(a.value_as_of) or as_of) <= as_of
        asset_rows.append({
            "id": a.id, "kind": str(a.kind), "owner": a.owner, "description": a.description,
            "gpu_count": _float(a.gpu_count), "gpu_generation": a.gpu_generation,
            "value": _float(a.value) if known else np.nan, "value_as_of": dated(a.value_as_of) if known else None,
            "value_note": a.value_note, "sources": _joined(a.sources)})
    pledge_rows = []
    for p in ledger.records("pledges"):
        start = dated(p.as_of)
        loan = deals.get(p.loan)
        if start is None or start > as_of or loan is None:
            continue
        if (p.collateral_asset is not None and p.collateral_asset not in live_assets) or (
                p.collateral_deal is not None and p.collateral_deal not in deals):
            continue
        pledge_rows.append({
            "id": p.id, "loan": p.loan, "lender": loan.payer, "borrower": loan.payee,
            "collateral_asset": p.collateral_asset, "collateral_deal": p.collateral_deal,
            "priority": float(PRIORITY_RANKS[p.priority]) if p.priority else np.nan,
            "priority_label": p.priority or None, "share": float(p.share), "ltv_limit": _float(p.ltv_limit),
            "as_of": start, "note": p.note, "sources": _joined(p.sources)})
    guarantee_rows = []
    for g in ledger.records("guarantees"):
        deal = deals.get(g.deal)
        if deal is None or g.covers not in deals:
            continue
        announced = dated(deal.announced)
        if announced is not None and announced > as_of:
            continue
        guarantee_rows.append({"deal": g.deal, "guarantor": deal.payer, "covers": g.covers, "cap": _float(g.cap),
                               "note": g.note, "sources": _joined(g.sources)})

    def frame(rows: list[dict[str, Any]], columns: list[str], floats: tuple[str, ...]) -> pd.DataFrame:
        out = pd.DataFrame(rows, columns=columns)
        for c in columns:  # floats are NaN when unknown, other values None
            out[c] = out[c].astype(float) if c in floats else out[c].astype(object).where(out[c].notna(), None)
        return out.reset_index(drop=True)

    return Claims(
        as_of=as_of,
        assets=frame(asset_rows, ASSET_COLUMNS, ("gpu_count", "value")),
        pledges=frame(pledge_rows, PLEDGE_COLUMNS, ("priority", "share", "ltv_limit")),
        guarantees=frame(guarantee_rows, GUARANTEE_COLUMNS, ("cap",)),
        params=view.to_dict(),
    )
