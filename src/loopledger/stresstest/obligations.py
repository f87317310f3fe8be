"""From the view's leg table to the legs a stress test reads: who owes whom what, who holds which
stake, who guarantees what (docs/methods.md 6.1, 6.2, 6.6).

Each deal leg is read by the ``exposure`` of its kind in :data:`loopledger.vocabulary.KINDS`,
through the table :data:`READERS`:

* ``credit`` (purchases, contracts, leases, licences, unfunded equity commitments, unclosed
  acquisitions): the payer owes the payee what remains (``total - paid`` when a paid figure is
  given, else straight-line over the term, derived, else the whole amount, flagged
  ``no_schedule``); nothing when the leg is paid (``funded``) or moves no cash;
* ``loan``: drawn principal owed by the borrower to the lender until the term ends (bullet);
  an undrawn facility owed by the lender to the borrower;
* ``deposit``: the receiver owes the deposit back until delivery;
* ``backstop``: the guarantor may have to pay up to the cap what others owe the beneficiary;
* ``grant`` (warrants): a stake of the recipient in the issuer, only with ``include_warrants``;
* ``none``: not an exposure (no binding schedule), listed in ``excluded`` with the reason.

Equity legs that carry a stake (stake % or value) also give the holder a stake in the payee,
valued at stake % x the payee's latest market value (or the reported stake value); the latest
stake leg per (holder, company) counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..ledger.view import fraction_left, schedule_dates
from ..vocabulary import KINDS, Exposure

#: the columns of ``Exposures.legs``
LEG_COLUMNS = [
    "deal", "group", "kind", "status", "channel", "holder", "counterparty", "debtor", "creditor",
    "low", "high", "amount", "paid", "remaining_factor", "remaining", "due_factor", "loss_share",
    "schedule", "derived", "assumption", "covers", "term_start_date", "term_end_date", "first_date",
    "power_gw", "cost", "cost_basis",
]
#: the leg columns the economic loss model reads besides the amounts (dates of the schedule, the
#: leg's first date in the ledger, the contracted GW); absent or empty for plain obligations


@dataclass(frozen=True)
class ReadOptions:
    """What the readers need besides the leg: the date, the horizon's end and the options."""

    as_of: date
    horizon_end: date
    statuses: tuple[str, ...]
    loss_share: float | Mapping[str, float]
    termination_haircut: Mapping[str, float]
    paid: Mapping[str, float]
    include_warrants: bool


def add_months(d: date, months: int) -> date:
    return d + timedelta(days=round(months * 365.25 / 12))


def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def _loss_share(loss_share: float | Mapping[str, float], kind: str) -> float:
    if isinstance(loss_share, Mapping):
        return float(loss_share.get(kind, 1.0))
    return float(loss_share)


def _base(d: dict) -> dict[str, Any]:
    first = d.get("first_date")
    return dict(deal=d["deal"], group=d["group"], kind=d["kind"], status=d["status"],
                low=_num(d["amount_low"]), high=_num(d["amount_high"]), covers=(),
                term_start_date=None, term_end_date=None,
                first_date=first if isinstance(first, date) else None, power_gw=_num(d.get("power_gw")),
                cost=np.nan, cost_basis="")


# -- one reader per exposure channel -------------------------------------------------------------
# A reader returns the legs a deal gives (a list of dicts) or a reason to leave it out (a str).


def read_credit(d: dict, o: ReadOptions) -> list[dict] | str:
    """The payer owes the payee what remains to be paid."""
    if not d["in_flow"]:
        return f"moves no cash (consideration: {d['consideration'] or 'none'}): nothing owed"
    if d["status"] == "funded":
        return "funded: nothing left to pay"
    if _num(d["amount"]) is None:
        return "no amount on the view's basis"
    start, end, note = schedule_dates(d["kind"], d["term_start"], d["term_end"], d["first_date"])
    if start is None or end is None:
        return _owed(d, o, d["source"], d["target"], "no_schedule", 1.0, 1.0, False,
                     f"{note}: full amount counted", _loss_share(o.loss_share, d["kind"]))
    rf = fraction_left(start, end, o.as_of)
    later = fraction_left(start, end, o.horizon_end)
    due = (rf - later) / rf if rf > 0 else 0.0
    legs = _owed(d, o, d["source"], d["target"], "straight_line", rf, due, True, note,
                 _loss_share(o.loss_share, d["kind"]))
    for leg in legs:
        leg.update(term_start_date=start, term_end_date=end)
    return legs


def read_deposit(d: dict, o: ReadOptions) -> list[dict] | str:
    """The receiver owes the deposit back until the goods are delivered."""
    if _num(d["amount"]) is None:
        return "no amount on the view's basis"
    return _owed(d, o, d["target"], d["source"], "no_schedule", 1.0, 1.0, False,
                 "deposit owed back until delivery", 1.0)


def _owed(d: dict, o: ReadOptions, debtor: str, creditor: str, schedule: str, rf: float, due: float,
          derived: bool, note: str, lam: float) -> list[dict]:
    """One credit leg: ``remaining = (amount - paid) x (1 - haircut)`` when a paid figure is
    given, else ``amount x remaining factor x (1 - haircut)``."""
    amt = float(d["amount"])
    cut = float(o.termination_haircut.get(d["kind"], 0.0))
    p = o.paid.get(d["deal"])
    if p is not None:
        schedule, derived, note, rf = "paid", False, f"total - paid ({p:g} USD bn given)", 1.0
    rf *= 1.0 - cut
    if cut:
        note += f"; termination haircut {cut:g}"
    remaining = (max(0.0, amt - p) * (1.0 - cut)) if p is not None else amt * rf
    return [dict(_base(d), channel="credit", holder=creditor, counterparty=debtor, debtor=debtor,
                 creditor=creditor, amount=amt, paid=np.nan if p is None else p, remaining_factor=rf,
                 remaining=remaining, due_factor=due, loss_share=lam, schedule=schedule,
                 derived=derived, assumption=note)]


def read_loan(d: dict, o: ReadOptions) -> list[dict] | str:
    """Drawn principal is owed by the borrower to the lender (bullet repayment at the term end,
    all of it outstanding until then); an undrawn commitment is owed by the lender."""
    amt = _num(d["amount"])
    if amt is None:
        return "no amount on the view's basis"
    lender, borrower, status = d["source"], d["target"], d["status"]
    t_end = schedule_end(d["term_end"])
    if t_end is not None and t_end < o.as_of:
        return "loan repaid: term ended before the as-of date"
    due = 1.0 if t_end is None or t_end <= o.horizon_end else 0.0
    base = dict(_base(d), amount=amt, paid=np.nan, loss_share=1.0)
    drawn = dict(base, channel="credit", holder=lender, counterparty=borrower, debtor=borrower,
                 creditor=lender, remaining_factor=1.0, due_factor=due, schedule="outstanding")
    undrawn = dict(base, channel="credit", holder=borrower, counterparty=lender, debtor=lender,
                   creditor=borrower, remaining_factor=1.0, due_factor=1.0, schedule="undrawn")
    if status == "funded":
        return [dict(drawn, remaining=amt, derived=False,
                     assumption="drawn principal outstanding until the term end (bullet)")]
    if status == "funded_partial" and d["deal"] in o.paid:
        x = min(amt, o.paid[d["deal"]])
        return [dict(drawn, remaining=x, derived=False, remaining_factor=np.nan, assumption=f"drawn {x:g} USD bn (given)"),
                dict(undrawn, remaining=amt - x, derived=False, remaining_factor=np.nan,
                     assumption=f"undrawn {amt - x:g} USD bn (given)")]
    if status == "funded_partial":
        return [dict(drawn, remaining=amt, derived=True,
                     assumption="drawn share unknown: whole facility treated as drawn (pass paid= to split)")]
    return [dict(undrawn, remaining=amt, derived=False,
                 assumption="signed facility not yet drawn: the lender owes the borrower")]


def schedule_end(term_end: Any) -> date | None:
    from ..ledger.dates import end_of

    if not isinstance(term_end, str) or not term_end.strip():
        return None
    try:
        return end_of(term_end)
    except ValueError:
        return None


def read_backstop(d: dict, o: ReadOptions) -> list[dict] | str:
    amt = _num(d["amount"])
    if amt is None:
        return "backstop without a cap on the view's basis"
    return [dict(_base(d), channel="backstop", holder=d["source"], counterparty=d["target"], debtor=None,
                 creditor=None, amount=amt, paid=np.nan, remaining_factor=np.nan, remaining=np.nan,
                 due_factor=np.nan, loss_share=1.0, schedule="cap", derived=False, assumption="contingent cap")]


def read_none(d: dict, o: ReadOptions) -> list[dict] | str:
    return f"{KINDS[d['kind']].label}: no binding schedule"


def read_grant(d: dict, o: ReadOptions) -> list[dict] | str:
    if not o.include_warrants:
        return "warrant: counted only with include_warrants=True"
    if _num(d["stake_pct"]) is None:
        return "warrant without a stake %"
    return []  # the stake itself is read by stake_candidates


#: exposure channel -> reader of a deal leg
READERS: dict[Exposure, Callable[[dict, ReadOptions], list[dict] | str]] = {
    Exposure.credit: read_credit,
    Exposure.loan: read_loan,
    Exposure.deposit: read_deposit,
    Exposure.backstop: read_backstop,
    Exposure.grant: read_grant,
    Exposure.none: read_none,
}


def read_legs(table: pd.DataFrame, o: ReadOptions) -> tuple[list[dict], list[tuple], list[dict]]:
    """(stress legs, stake candidates, excluded) from a leg table of every status."""
    legs: list[dict] = []
    stakes: list[tuple] = []
    excluded: list[dict] = []

    def skip(d: dict, reason: str) -> None:
        excluded.append(dict(deal=d["deal"], kind=d["kind"], status=d["status"], reason=reason))

    for d in table.to_dict(orient="records"):
        meaning = KINDS[d["kind"]]
        is_stake = meaning.carries_stake and (_num(d["stake_pct"]) is not None or _num(d["stake_value"]) is not None)
        if d["status"] not in o.statuses:
            skip(d, f"status {d['status']} is not counted (statuses={','.join(o.statuses)})")
            continue
        if is_stake:
            stakes.append((d["source"], d["target"], d["first_date"], d["deal"], d))
        if meaning.exposure is Exposure.grant:
            out = read_grant(d, o)
            if isinstance(out, str):
                skip(d, out)
            else:
                stakes.append((d["target"], d["source"], d["first_date"], d["deal"], d))
            continue
        if not d["counted"]:
            if not is_stake:
                skip(d, f"overlap ({d['overlap'] or 'not in totals'}): would count money twice")
            continue
        if is_stake and d["status"] == "funded":
            continue  # a paid equity leg: only its stake remains
        out = READERS[meaning.exposure](d, o)
        if isinstance(out, str):
            skip(d, out)
        else:
            legs.extend(out)
    return legs, stakes, excluded


def stake_legs(rows: list[tuple], valuations: Mapping[str, tuple[float, str]], warrant_vested: float,
               excluded: list) -> list[dict]:
    """One equity leg per (holder, company): the latest stake row as of the date, valued at
    stake % x latest valuation, else at the reported stake value (docs/methods.md 6.2)."""
    latest: dict[tuple, tuple] = {}
    for holder, company, first, deal_id, d in rows:
        key = (holder, company)
        if key not in latest or (first, deal_id) > latest[key][:2]:
            latest[key] = (first, deal_id, d)
    out = []
    for (holder, company), (_, deal_id, d) in sorted(latest.items()):
        pct, reported = _num(d["stake_pct"]), _num(d["stake_value"])
        V, vbasis = valuations.get(company, (np.nan, ""))
        warrant = KINDS[d["kind"]].exposure is Exposure.grant
        base = dict(_base(d), deal=deal_id, channel="equity",
                    holder=holder, counterparty=company, debtor=None, creditor=None, paid=np.nan,
                    remaining_factor=np.nan, remaining=np.nan, due_factor=np.nan, loss_share=1.0, covers=(),
                    power_gw=None)
        if pct is not None and not np.isnan(V):
            share = pct / 100.0 * (warrant_vested if warrant else 1.0)
            value = share * V
            note = f"{pct:g}% x {vbasis} ({V:g} USD bn)" + (f" x vested {warrant_vested:g}" if warrant else "")
            out.append(dict(base, low=value, high=value, amount=value, schedule="stake_pct", derived=True, assumption=note))
        elif reported is not None and not warrant:
            why = "no stake %" if pct is None else "no dated valuation"
            out.append(dict(base, low=reported, high=reported, amount=reported, schedule="stake_value",
                            derived=False, assumption=f"reported stake value ({why})"))
        else:
            excluded.append(dict(deal=deal_id, kind=d["kind"], status=d["status"],
                                 reason=f"stake in {company} without a valuation or reported value"))
    return out


def backstop_cover(legs: pd.DataFrame) -> list[tuple]:
    """Row positions of the credit legs each backstop covers: commercial legs owed to its
    beneficiary in the same deal group (a guarantee of those payments), else every commercial
    leg owed to the beneficiary (a buyer of last resort for capacity freed by any buyer)."""
    from ..vocabulary import COMMERCIAL_KINDS

    out: list[tuple] = []
    credit = legs["channel"] == "credit"
    commercial = credit & legs["kind"].isin(COMMERCIAL_KINDS)
    for row in legs.itertuples():
        if row.channel != "backstop":
            out.append(())
            continue
        owed = commercial & (legs["creditor"] == row.counterparty) & (legs["debtor"] != row.holder)
        same = owed & (legs["group"] == row.group)
        pick = same if same.any() else owed
        out.append(tuple(np.flatnonzero(pick.to_numpy()).tolist()))
    return out
