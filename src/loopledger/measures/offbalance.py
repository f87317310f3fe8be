"""The look-through of financing vehicles: debt that sits outside a company's balance sheet
but depends on it (docs/claims.md, "Look-through").

Two views of the same question:

* **by sponsor**: companies of type ``vehicle_spv`` (special-purpose vehicles, joint ventures)
  rolled up to their sponsors, with the debt each vehicle borrowed (legs of a debt kind whose
  payee is the vehicle, from the view's leg table; counted legs only, so summary rows add
  nothing twice). A vehicle's sponsors are read as the data records them: its ``sponsors``
  list; else its ``parent``; else the companies whose name or alias appears as a whole word in
  its free-text ``owners`` (``sponsor_basis`` says which). A vehicle with several sponsors
  counts in full under each (ownership shares are mostly not known), so the column of a
  sponsor is "debt of the vehicles it sponsors", and the total counts each vehicle once; a
  vehicle without a sponsor found is listed under none (``sponsor`` blank).
* **resting on**: the debt that rests on each company's contracts: a loan secured by the
  receivables of a contract deal whose payer is company X rests on X (X's payments service
  it), via the loan's borrower (often a vehicle). E.g. lender money resting on Meta's lease of
  the Hyperion campus, via the Hyperion JV.

Amounts are USD billions on the view's amount basis (a facility's full size).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..ledger.view import View
from ..vocabulary import DEBT_KINDS, CompanyType

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger

VEHICLE_COLUMNS = ["vehicle", "name", "sponsors", "sponsor_basis", "owners", "debt", "loans", "lenders"]
SPONSOR_COLUMNS = ["sponsor", "vehicles", "debt", "loans", "shared_with"]
RESTING_COLUMNS = ["company", "contract", "contract_kind", "loan", "lender", "borrower", "borrower_is_vehicle",
                   "amount", "pledge", "sources"]


@dataclass(frozen=True)
class OffBalance:
    vehicles: pd.DataFrame
    by_sponsor: pd.DataFrame
    resting_on: pd.DataFrame


def named_in(text: str | None, companies: list[tuple[str, list[str]]]) -> list[str]:
    """The ids of the companies whose name or an alias of three characters or more appears as
    a whole word in ``text`` (case-insensitive), in the order they appear.

    >>> named_in("Blue Owl funds 80%, Meta 20%", [("meta", ["Meta"]), ("blue-owl", ["Blue Owl"])])
    ['blue-owl', 'meta']
    """
    if not text:
        return []
    found: dict[str, int] = {}
    for cid, names in companies:
        for name in names:
            if len(name) < 3:
                continue
            m = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE)
            if m and (cid not in found or m.start() < found[cid]):
                found[cid] = m.start()
    return sorted(found, key=found.__getitem__)


def vehicle_sponsors(ledger: Ledger) -> dict[str, tuple[list[str], str, str | None]]:
    """Per vehicle (company type ``vehicle_spv``): its sponsors, how they were read
    (``sponsors``, ``parent``, ``owners text`` or ``not recorded``) and its owners text."""
    comps = ledger.records("companies")
    names = [(c.id, [c.name, *c.aliases]) for c in comps if not c.placeholder and c.type != CompanyType.vehicle_spv]
    out: dict[str, tuple[list[str], str, str | None]] = {}
    for c in comps:
        if c.type != CompanyType.vehicle_spv:
            continue
        if c.sponsors:
            out[c.id] = (list(c.sponsors), "sponsors", c.owners)
        elif c.parent:
            out[c.id] = ([c.parent], "parent", c.owners)
        else:
            found = named_in(c.owners, names)
            out[c.id] = (found, "owners text" if found else "not recorded", c.owners)
    return out


def offbalance_of(ledger: Ledger, result: Any, view: View) -> OffBalance:
    """The look-through of vehicles (module docstring) for the view of an encumbrance result
    (an :class:`~loopledger.measures.encumbrance.Encumbrance`; only its ``claims`` table is read)."""
    legs = ledger.legs(view=view)
    names = ledger.company_names()
    sponsors = vehicle_sponsors(ledger)
    debt = legs[legs["kind"].isin(DEBT_KINDS) & legs["counted"] & legs["payee"].isin(list(sponsors))]
    rows = []
    for vid, (who, basis, owners) in sorted(sponsors.items()):
        mine = debt[debt["payee"] == vid]
        known = mine["amount"].dropna()
        rows.append({"vehicle": vid, "name": names.get(vid, vid), "sponsors": who, "sponsor_basis": basis,
                     "owners": owners, "debt": float(known.sum()) if len(known) else np.nan,
                     "loans": sorted(mine["deal"]), "lenders": sorted(set(mine["payer"]))})
    vehicles = pd.DataFrame(rows, columns=VEHICLE_COLUMNS)
    vehicles["debt"] = vehicles["debt"].astype(float)
    by: dict[str, dict[str, Any]] = {}
    for r in vehicles.itertuples():
        if not r.loans:
            continue
        for s in r.sponsors or [None]:
            key = s or ""
            entry = by.setdefault(key, {"sponsor": s, "vehicles": [], "debt": 0.0, "loans": [], "shared_with": set()})
            entry["vehicles"].append(r.vehicle)
            entry["loans"] += list(r.loans)
            if not np.isnan(r.debt):
                entry["debt"] += r.debt
            entry["shared_with"] |= {o for o in (r.sponsors or []) if o != s}
    sponsor_rows = [dict(e, shared_with=sorted(e["shared_with"])) for e in by.values()]
    by_sponsor = pd.DataFrame(sponsor_rows, columns=SPONSOR_COLUMNS)
    by_sponsor["debt"] = by_sponsor["debt"].astype(float)
    by_sponsor = by_sponsor.sort_values(["debt", "sponsor"], ascending=[False, True], na_position="last",
                                        kind="mergesort").reset_index(drop=True)

    pledges = ledger.claims(view).pledges
    by_deal = legs.drop_duplicates("deal").set_index("deal")
    deals = {d.id: d for d in ledger.records("deals")}
    amount = result.claims.set_index("pledge")["amount"] if len(result.claims) else pd.Series(dtype=float)
    resting = []
    for p in pledges[pledges["collateral_deal"].notna()].itertuples():
        contract = deals.get(p.collateral_deal)
        if contract is None:
            continue
        resting.append({"company": contract.payer, "contract": p.collateral_deal, "contract_kind": str(contract.kind),
                        "loan": p.loan, "lender": p.lender, "borrower": p.borrower,
                        "borrower_is_vehicle": p.borrower in sponsors,
                        "amount": float(amount.get(p.id, np.nan)) if p.loan in by_deal.index else np.nan,
                        "pledge": p.id, "sources": p.sources})
    resting_on = pd.DataFrame(resting, columns=RESTING_COLUMNS)
    resting_on["amount"] = resting_on["amount"].astype(float)
    resting_on = resting_on.sort_values(["company", "amount"], ascending=[True, False], na_position="last",
                                        kind="mergesort").reset_index(drop=True)
    return OffBalance(vehicles=vehicles, by_sponsor=by_sponsor, resting_on=resting_on)
