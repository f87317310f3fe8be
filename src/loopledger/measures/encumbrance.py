"""Encumbrance: who holds a claim on each asset and each pledged contract, in what order, and
how much of its value is pledged (docs/claims.md).

The Bank for International Settlements' 2026 Annual Economic Report names collateral pledged
more than once among the stability risks of AI financing; this measure shows it on the ledger.
Per collateral, an asset (its stated value) or a contract whose receivables are pledged (its
remaining value: the leg table's ``amount * remaining_fraction`` at the view's date,
docs/methods.md 6.1), it lists the claims in priority order (rank 1 = senior first, a priority
not stated last) with the loan, lender, the loan's amount from the view's leg table and the
share pledged, and it adds:

* ``pledged_total``: the sum of the amounts of the distinct loans with a claim on it (a loan
  secured by several collaterals counts in full on each, since its lender can enforce the
  whole debt against any of them; a loan without an amount in the view is counted in
  ``loans_without_amount``, never added as 0; NaN when no amount is known);
* ``pledged_share`` = ``pledged_total / value`` (NaN when either is unknown);
* flags: ``pledged_beyond_value`` (pledged total above the value), ``same_priority_two_lenders``
  (two different lenders at the same stated rank), ``priority_not_stated`` (two different
  lenders whose ranks are both not stated: the order between them is unknown, so it may be
  the same) and ``receivables_below_debt`` (a pledged contract whose remaining value is below
  the debt it backs).

Amounts are USD billions on the view's amount basis; the loan amount is the facility as
recorded (a delayed-draw loan's full size, not what is drawn).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..ledger.claims import Claims
from ..ledger.view import View, view_of
from ..results import Result, frame_html, jsonable
from ..vocabulary import BINDING_STATUSES

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger

FLAGS = ("pledged_beyond_value", "same_priority_two_lenders", "priority_not_stated", "receivables_below_debt")
#: what each flag means, for tables and the docs
FLAG_WORDS = {
    "pledged_beyond_value": "pledged beyond its value",
    "same_priority_two_lenders": "two lenders at the same priority",
    "priority_not_stated": "two lenders, priority not stated",
    "receivables_below_debt": "receivables below the debt they back",
}
COLLATERAL_COLUMNS = ["collateral", "collateral_type", "kind", "owner", "payer", "description", "value",
                      "value_basis", "claims", "lenders", "loans", "loans_without_amount", "pledged_total",
                      "pledged_share", *FLAGS, "flags", "sources"]
CLAIM_COLUMNS = ["collateral", "pledge", "loan", "lender", "borrower", "priority", "priority_label", "amount",
                 "share", "status", "sources"]


@dataclass(frozen=True, eq=False)
class Encumbrance(Result):
    """The claims on each collateral (see the module docstring): ``collateral`` (one row per
    asset or pledged contract, :data:`COLLATERAL_COLUMNS`), ``claims`` (one row per pledge in
    priority order, :data:`CLAIM_COLUMNS`), the ``guarantees`` of the view, and the
    look-through of vehicles (``vehicles``, ``by_sponsor``, ``resting_on``:
    :mod:`loopledger.measures.offbalance`) when it was computed."""

    as_of: date
    collateral: pd.DataFrame = field(repr=False)
    claims: pd.DataFrame = field(repr=False)
    guarantees: pd.DataFrame = field(repr=False)
    counting: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    by_sponsor: pd.DataFrame | None = field(default=None, repr=False)
    vehicles: pd.DataFrame | None = field(default=None, repr=False)
    resting_on: pd.DataFrame | None = field(default=None, repr=False)

    caption = "Claims on assets and pledged contracts (USD billions)"

    def to_frame(self) -> pd.DataFrame:
        """One row per collateral."""
        return self.collateral.copy()

    def flagged(self, flag: str | None = None) -> pd.DataFrame:
        """The collateral rows carrying ``flag`` (any flag when None)."""
        if flag is None:
            return self.collateral[self.collateral["flags"].map(bool)]
        if flag not in FLAGS:
            raise ValueError(f"unknown flag '{flag}': expected one of {', '.join(FLAGS)}")
        return self.collateral[self.collateral[flag]]

    def more_than_one_claim(self) -> pd.DataFrame:
        """Collateral with more than one claim (pledge) on it."""
        return self.collateral[self.collateral["claims"] > 1]

    def to_dict(self) -> dict[str, Any]:
        claims = {c: jsonable(g.drop(columns="collateral")) for c, g in self.claims.groupby("collateral", sort=False)}
        rows = []
        for r in jsonable(self.collateral):
            r["claims_in_order"] = claims.get(r["collateral"], [])
            rows.append(r)
        out: dict[str, Any] = {"as_of": self.as_of.isoformat(), "counting": self.counting,
                               "params": jsonable(self.params), "flag_words": dict(FLAG_WORDS),
                               "collateral": rows, "guarantees": jsonable(self.guarantees)}
        for name in ("by_sponsor", "vehicles", "resting_on"):
            frame = getattr(self, name)
            out[name] = None if frame is None else jsonable(frame)
        return out

    def _repr_html_(self) -> str:
        parts = [frame_html(self.collateral.drop(columns=list(FLAGS)), f"{self.caption} as of {self.as_of}"),
                 frame_html(self.claims, "Claims in priority order")]
        if self.by_sponsor is not None:
            parts.append(frame_html(self.by_sponsor, "Off-balance-sheet debt by sponsor"))
        return "".join(parts) + f"<p><em>{self.counting}</em></p>"


def _distinct_lenders(group: pd.DataFrame) -> int:
    return int(group["lender"].nunique())


def encumbrance_of(claims: Claims, legs: pd.DataFrame, counting: str = "",
                   parties: dict[str, tuple[str, str, str]] | None = None) -> Encumbrance:
    """The encumbrance of a :class:`~loopledger.ledger.claims.Claims` result, reading loan
    amounts and contracts' remaining values from ``legs`` (a leg table of the same view:
    columns ``deal``, ``payer``, ``payee``, ``kind``, ``status``, ``amount``,
    ``remaining_fraction``). ``parties`` (deal -> payer, payee, kind) names the parties of a
    pledged contract that is not in the view (its value is then unknown). See the module
    docstring for the rules."""
    by_deal = legs.drop_duplicates("deal").set_index("deal")
    amount = by_deal["amount"].astype(float)
    remaining = amount * by_deal["remaining_fraction"].astype(float)
    status = by_deal["status"]
    assets = claims.assets.set_index("id")
    p = claims.pledges.copy()
    p["collateral"] = p["collateral_asset"].where(p["collateral_asset"].notna(), p["collateral_deal"])
    p["amount"] = p["loan"].map(amount).astype(float)
    p["status"] = p["loan"].map(status)
    p = p.sort_values(["collateral", "priority", "id"], na_position="last", kind="mergesort")
    claim_rows = p.rename(columns={"id": "pledge"})[CLAIM_COLUMNS].reset_index(drop=True)

    rows = []
    for collateral, group in p.groupby("collateral", sort=True):
        is_asset = group["collateral_asset"].notna().iloc[0]
        if is_asset:
            a = assets.loc[collateral] if collateral in assets.index else None
            value = float(a["value"]) if a is not None else np.nan
            payer: Any = None
            kind, owner = (a["kind"], a["owner"]) if a is not None else (None, None)
            description = a["description"] if a is not None else None
            basis = "stated value" if not np.isnan(value) else "value not known"
            sources = a["sources"] if a is not None else ""
        else:
            value = float(remaining.get(collateral, np.nan))
            in_view = collateral in by_deal.index
            if in_view:
                payer, owner, kind = (by_deal.at[collateral, c] for c in ("payer", "payee", "kind"))
            else:
                payer, owner, kind = (parties or {}).get(collateral, (None, None, None))
            description = f"receivables of {collateral}"
            basis = ("remaining value (leg table)" if not np.isnan(value) else
                     "remaining value not known" if in_view else "contract not in view")
            sources = ""
        loans = group.drop_duplicates("loan")
        known = loans["amount"].dropna()
        pledged = float(known.sum()) if len(known) else np.nan
        share = pledged / value if not np.isnan(pledged) and not np.isnan(value) and value > 0 else np.nan
        stated = group[group["priority"].notna()]
        same_rank = any(_distinct_lenders(g) > 1 for _, g in stated.groupby("priority"))
        unstated = _distinct_lenders(group[group["priority"].isna()]) > 1
        beyond = bool(not np.isnan(pledged) and not np.isnan(value) and pledged > value)
        flags = {"pledged_beyond_value": beyond, "same_priority_two_lenders": bool(same_rank),
                 "priority_not_stated": bool(unstated),
                 "receivables_below_debt": bool(not is_asset and beyond)}
        rows.append({
            "collateral": collateral, "collateral_type": "asset" if is_asset else "contract", "kind": kind,
            "owner": owner, "payer": payer, "description": description, "value": value, "value_basis": basis,
            "claims": int(len(group)), "lenders": _distinct_lenders(group), "loans": int(len(loans)),
            "loans_without_amount": int(loans["amount"].isna().sum()), "pledged_total": pledged,
            "pledged_share": share, **flags, "flags": [f for f in FLAGS if flags[f]], "sources": sources})
    collateral = pd.DataFrame(rows, columns=COLLATERAL_COLUMNS)
    for c in ("value", "pledged_total", "pledged_share"):
        collateral[c] = collateral[c].astype(float)
    return Encumbrance(as_of=claims.as_of, collateral=collateral, claims=claim_rows,
                       guarantees=claims.guarantees.copy(), counting=counting, params=dict(claims.params))


def encumbrance(ledger: Ledger, as_of: str | date | None = None, statuses=BINDING_STATUSES,
                amount: str = "high", lookthrough: bool = True, *, view: View | None = None) -> Encumbrance:
    """Who holds a claim on what (docs/claims.md): per asset and pledged contract its value,
    its claims in priority order, the pledged total and the flags (module docstring), with the
    look-through of vehicles to their sponsors (:func:`loopledger.measures.offbalance.offbalance`)
    unless ``lookthrough=False``.

    Parameters
    ----------
    ledger : Ledger
    as_of : date or text, default today
        The claims live then; loan amounts and remaining values from the leg table then.
    statuses : statuses whose legs carry an amount (default the binding ones); a loan out of
        the view has no amount (counted in ``loans_without_amount``).
    amount : the amount basis (low, high, mid).
    view : a finished :class:`View` instead of the options.

    >>> from loopledger import load_default
    >>> e = encumbrance(load_default(), "2026-12-07")
    >>> bool(e.collateral["claims"].ge(1).all())
    True
    """
    v = view_of(view, as_of=as_of, statuses=statuses, amount=amount)
    parties = {d.id: (d.payer, d.payee, str(d.kind)) for d in ledger.records("deals")}
    result = encumbrance_of(ledger.claims(v), ledger.legs(view=v), counting=v.counting(), parties=parties)
    if not lookthrough:
        return result
    from .offbalance import offbalance_of

    off = offbalance_of(ledger, result, v)
    return Encumbrance(as_of=result.as_of, collateral=result.collateral, claims=result.claims,
                       guarantees=result.guarantees, counting=result.counting, params=result.params,
                       by_sponsor=off.by_sponsor, vehicles=off.vehicles, resting_on=off.resting_on)


def company_claims(ledger: Ledger, company: str, as_of: str | date | None = None) -> dict[str, pd.DataFrame]:
    """One company's claims, for its panel (docs/claims.md): ``secured_by``, the claims
    securing the loans it borrowed (``role`` borrower) or lent (``role`` lender); and
    ``pledged_to``, its property pledged to lenders: assets it owns (``role`` owner), the
    receivables of contracts it is paid under (``receivables``) and contracts it pays whose
    receivables are pledged (``payer``: debt resting on its contracts). Amounts from the
    binding legs as of the date; each row names the collateral's ``kind``, ``owner`` and
    ``description`` (the words the panel shows)."""
    e = encumbrance(ledger, as_of, lookthrough=False)
    info = e.collateral.set_index("collateral")
    claims = e.claims.join(info[["collateral_type", "kind", "owner", "payer", "description", "value"]], on="collateral")
    cols = ["collateral", "collateral_type", "kind", "owner", "description", "pledge", "loan", "lender", "borrower",
            "priority_label", "amount", "share", "value", "sources"]
    secured = claims[(claims["borrower"] == company) | (claims["lender"] == company)].copy()
    secured.insert(0, "role", np.where(secured["borrower"] == company, "borrower", "lender"))
    owner = claims["owner"] == company
    pays = (claims["collateral_type"] == "contract") & (claims["payer"] == company)
    pledged = claims[owner | pays].copy()
    pledged.insert(0, "role", np.where(pledged["collateral_type"] == "asset", "owner",
                                       np.where(pledged["owner"] == company, "receivables", "payer")))
    return {"secured_by": secured[["role", *cols]].reset_index(drop=True),
            "pledged_to": pledged[["role", *cols]].reset_index(drop=True)}
