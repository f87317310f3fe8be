"""The view: what a reader chose to look at, and the one table every number is built from.

A :class:`View` holds a reader's choices: the date (``as_of``), the statuses and deal kinds that
count, the amount basis, whether overlapping rows are kept and whether companies roll up to
their parents. It is made once, at the boundary (a CLI option, an API argument, a web query),
by :meth:`View.of`, which parses the date and checks every code against
:mod:`loopledger.vocabulary`; everything below takes the finished value.

:func:`legs` applies a view to a ledger and returns the **leg table**: one row per deal leg in
view with its status then, its amount on the chosen basis, whether it moves cash, whether it
counts in totals, and what remains to be paid. The network (:func:`network`), the summary, the
promises, the exposure measure, the stress exposures, the map, the report and the exports all
read this table, so they cannot disagree about which deals count or how much they are worth.
The table is computed once, as records (:func:`leg_rows`, which the summary reads without
pandas); :func:`legs` is those records as a DataFrame.

View rules (docs/methods.md 0.2):

* **as of** a date: legs in view then (first status event on or before it), each with its
  status then;
* **statuses**: by default the binding ones (definitive, funded_partial, funded); ``None``
  keeps every status;
* **double counting**: legs with ``include_in_totals = false`` (stake summaries, programme
  totals, subsets, realised-spend rows) carry ``counted = False``; the network leaves them out
  unless ``include_overlaps``;
* **amount basis**: ``low``, ``high`` (default; a one-sided "more than X" uses X) or ``mid``
  (the mean of the stated ends); ``derived`` reads amounts as ``high`` does and values legs
  stated only in GW or chips from the sourced assumptions of :mod:`loopledger.ledger.units`.
  A leg without an amount carries NaN, never 0;
* **money or not**: :func:`loopledger.vocabulary.moves_cash` of the kind and the deal's
  ``consideration`` (warrants, backstops, all-stock deals move no cash): ``in_flow``;
* **roll-up**: subsidiaries, divisions and vehicles are replaced by their top parent as of
  the date (``source``/``target``; ``payer``/``payee`` keep the parties as recorded);
* **cash actually paid**: ``paid`` is the USD billions recorded paid (tranches, drawdowns
  less repayments) under the leg by the view's date (:meth:`Ledger.paid
  <loopledger.ledger.Ledger.paid>`), NaN when no payment is recorded (unknown, never 0);
* **what remains** (docs/methods.md 6.1): :func:`remaining_fraction` (the recorded payments
  first, then the schedule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import LedgerError
from ..vocabulary import (
    BINDING_STATUSES,
    KINDS,
    STATUS_ORDER,
    Exposure,
    label,
    moves_cash,
)
from .dates import PartialDate, end_of, parse_as_of, start_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..network import FlowNetwork

# pandas, numpy and the network are imported where a DataFrame or a graph is made: the leg
# records and the summary built on them need none of them (issue 15)


class LedgerReader(Protocol):
    """What a view needs of a ledger (:class:`~loopledger.ledger.Ledger` is one)."""

    def deals(self, as_of: Any = None) -> pd.DataFrame: ...  # pragma: no cover

    def deal_rows(self, as_of: Any = None) -> list[dict[str, Any]]: ...  # pragma: no cover

    def company_rows(self) -> list[dict[str, Any]]: ...  # pragma: no cover

    def company_names(self) -> dict[str, str]: ...  # pragma: no cover

    def paid(self, as_of: date | None = None) -> dict[str, float]: ...  # pragma: no cover

#: amount bases of a view: a stated range is read at its low end, its high end or its middle;
#: ``derived`` adds values for legs stated only in GW or chips
AMOUNT_BASES = ("low", "high", "mid", "derived")
_BASIS_WORDS = {
    "low": "the low end of each range",
    "high": "the high end of each range (a 'more than X' deal counts X)",
    "mid": "the middle of each range",
    "derived": "the high end of each range, and derived values for deals stated only in GW or chips",
}


def _codes(values: Iterable[str] | str | None, known: Iterable[str], option: str,
           what: str) -> tuple[str, ...] | None:
    if values is None:
        return None
    items = [values] if isinstance(values, str) else [getattr(v, "value", v) for v in values]
    allowed = list(known)
    for v in items:
        if v not in allowed:
            raise LedgerError(f"{option}: unknown {what} '{v}': expected one of {', '.join(allowed)}")
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class View:
    """What a reader chose to look at (see the module docstring). Make one with
    :meth:`View.of`; it is immutable and hashable, so it can key a cache."""

    as_of: date
    statuses: tuple[str, ...] | None = BINDING_STATUSES
    kinds: tuple[str, ...] | None = None
    amount: str = "high"
    include_overlaps: bool = False
    roll_up: bool = False
    #: options of :func:`loopledger.ledger.units.derive_amounts` when ``amount == "derived"``
    derive: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(
        cls,
        as_of: str | date | None = None,
        statuses: Iterable[str] | str | None = BINDING_STATUSES,
        kinds: Iterable[str] | str | None = None,
        amount: str = "high",
        include_overlaps: bool = False,
        roll_up: bool = False,
        derive: Mapping[str, Any] | None = None,
    ) -> View:
        """A checked view. ``as_of``: a date, ``YYYY-MM-DD`` (``YYYY-MM``, ``YYYY``: the
        period's last day) or None for today; ``statuses``: the statuses that count (default
        the binding ones; None: all); ``kinds``: deal kinds (default all); ``amount``: low,
        high, mid or derived. A wrong value raises :class:`~loopledger.errors.LedgerError`
        naming the option."""
        if amount not in AMOUNT_BASES:
            raise LedgerError(f"amount: unknown amount basis '{amount}': expected {', '.join(AMOUNT_BASES)}")
        if derive and amount != "derived":
            raise LedgerError("derive options apply to amount='derived' only")
        return cls(
            as_of=as_of if isinstance(as_of, date) else parse_as_of(as_of),
            statuses=_codes(statuses, STATUS_ORDER, "statuses", "status"),
            kinds=_codes(kinds, KINDS, "kinds", "kind"),
            amount=amount,
            include_overlaps=bool(include_overlaps),
            roll_up=bool(roll_up),
            derive=dict(derive or {}),
        )

    def with_(self, **changes: Any) -> View:
        """A copy with some choices changed (checked like :meth:`of`)."""
        fields: dict[str, Any] = dict(as_of=self.as_of, statuses=self.statuses, kinds=self.kinds, amount=self.amount,
                      include_overlaps=self.include_overlaps, roll_up=self.roll_up, derive=self.derive)
        fields.update(changes)
        return View.of(**fields)

    def key(self) -> tuple:
        """A hashable key of every choice (for caches)."""
        return (self.as_of, self.statuses, self.kinds, self.amount, self.include_overlaps,
                self.roll_up, repr(sorted(self.derive.items())) if self.derive else "")

    def to_dict(self) -> dict[str, Any]:
        """The choices as JSON values (the ``params`` every result echoes)."""
        return dict(as_of=self.as_of.isoformat(),
                    statuses=None if self.statuses is None else list(self.statuses),
                    kinds=None if self.kinds is None else list(self.kinds), amount=self.amount,
                    include_overlaps=self.include_overlaps, roll_up=self.roll_up)

    def counting(self) -> str:
        """One line saying what the numbers count: statuses, amount basis, as-of date."""
        if self.statuses is None:
            what = "every status"
        elif set(self.statuses) == set(BINDING_STATUSES):
            what = "signed or paid deals (binding statuses)"
        else:
            what = ", ".join(label(s) for s in self.statuses)
        kinds = "" if self.kinds is None else f"; kinds: {', '.join(label(k) for k in self.kinds)}"
        return (f"Counting: {what}{kinds}; amounts at {_BASIS_WORDS[self.amount]}; "
                f"as of {self.as_of.isoformat()}")


#: what a view defaults to, for APIs that take either ``view=`` or the loose options
VIEW_DEFAULTS: dict[str, Any] = dict(as_of=None, statuses=BINDING_STATUSES, kinds=None, amount="high",
                                     include_overlaps=False, roll_up=False, derive=None)


def view_of(view: View | None = None, **options: Any) -> View:
    """``view`` when given (then the loose options must be left at their defaults), else
    ``View.of(**options)``: how the public API functions accept either."""
    if view is None:
        return View.of(**options)
    if not isinstance(view, View):
        raise LedgerError(f"view must be a loopledger View, got {type(view).__name__}")
    changed = [k for k, v in options.items() if k in VIEW_DEFAULTS and _differs(v, VIEW_DEFAULTS[k])]
    if changed:
        raise LedgerError(f"give view= or {', '.join(changed)}, not both")
    return view


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return tuple(a) != tuple(b)
    if not a and not b:
        return False
    return a != b


# ------------------------------------------------------------------------------------------------
# what remains to be paid


def schedule_dates(kind: str, term_start: Any, term_end: Any, first_date: Any) -> tuple[date | None, date | None, str]:
    """The payment schedule of a leg: (start, end, note). A term's start maps to its period's
    first day and its end to the last (docs/methods.md 9); without a start the leg's first date
    in the ledger stands in (noted). Loans are repaid, not paid over their term, so they have
    no payment schedule here."""
    if KINDS[kind].exposure is Exposure.loan:
        return None, None, "loan: drawn, not paid over its term"
    t_end = _date_or_none(end_of, term_end)
    if t_end is None:
        return None, None, "no term"
    t_start = _date_or_none(start_of, term_start)
    if t_start is not None:
        return t_start, t_end, "straight-line over the term"
    if isinstance(first_date, date):
        return first_date, t_end, "straight-line over the term (term start taken as the first date)"
    return None, None, "no term start"


def fraction_left(t_start: date, t_end: date, when: date) -> float:
    """Share of a straight-line schedule still to be paid on ``when`` (0..1)."""
    if t_end <= t_start:
        return 1.0 if when < t_end else 0.0
    return _clip01((t_end - when).days / (t_end - t_start).days)


def _clip01(x: float) -> float:
    return min(max(float(x), 0.0), 1.0)


def _known(x: Any) -> bool:
    """Whether a cell holds a value (None and NaN do not)."""
    return x is not None and x == x


def remaining_fraction(legs: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The share of each leg's amount still to be paid as of ``as_of`` (docs/methods.md 6.1),
    with its ``remaining_basis`` (:func:`remaining` of each row):

    * ``paid``: status ``funded``; ``cancelled``: status ``cancelled_stalled`` (nothing left);
    * ``paid_to_date``: payments are recorded (the leg table's ``paid``) and the amount is
      known, so ``clip((amount - paid) / amount, 0, 1)`` remains (for a loan: the undrawn
      part of the facility);
    * ``straight_line``: a term is recorded, so ``clip((end - as_of)/(end - start), 0, 1)``
      remains (derived: payments assumed even over the term);
    * ``no_schedule``: no usable term (or a loan), so the whole amount remains (an upper
      bound, flagged).
    """
    import pandas as pd

    n = len(legs)
    first = legs["first_date"] if "first_date" in legs else [None] * n
    paid = legs["paid"] if "paid" in legs else [None] * n
    amount = legs["amount"] if "amount" in legs else [None] * n
    out = [remaining(status, kind, t0, t1, f, p, a, as_of)
           for status, kind, t0, t1, f, p, a in zip(legs["status"], legs["kind"], legs["term_start"],
                                                    legs["term_end"], first, paid, amount)]
    return pd.DataFrame({"remaining_fraction": [f for f, _ in out], "remaining_basis": [b for _, b in out]},
                        index=legs.index)


def remaining(status: str | None, kind: str, term_start: Any, term_end: Any, first_date: Any,
              paid: float | None, amount: float | None, as_of: date) -> tuple[float, str]:
    """One leg's ``(remaining_fraction, remaining_basis)`` as of ``as_of``: the rules of
    :func:`remaining_fraction`."""
    if status == "funded":
        return 0.0, "paid"
    if status == "cancelled_stalled":
        return 0.0, "cancelled"
    if _known(paid) and _known(amount) and amount > 0:  # type: ignore[operator]
        return _clip01((amount - paid) / amount), "paid_to_date"  # type: ignore[operator]
    start, end, _ = schedule_dates(kind, term_start, term_end, first_date)
    if start is None or end is None:
        return 1.0, "no_schedule"
    return fraction_left(start, end, as_of), "straight_line"


def _date_or_none(fn, text: Any) -> date | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return fn(text)
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------------
# the leg table and the network


def leg_amount(low: float, high: float, basis: str) -> float:
    """A leg's amount on a basis: ``low``; ``high`` (falling back to the low end of a "more than
    X" leg); ``mid`` (the mean of the stated ends, or the one stated); ``derived`` reads as
    ``high``. NaN when the basis finds no amount."""
    if basis == "low":
        return low
    if basis in ("high", "derived"):
        return high if _known(high) else low
    return ((low if _known(low) else high) + (high if _known(high) else low)) / 2


LEG_COLUMNS = [
    "deal", "group", "source", "target", "payer", "payee", "kind", "status", "status_date",
    "first_date", "announced", "consideration", "amount", "amount_low", "amount_high", "in_flow",
    "include_in_totals", "counted", "overlap", "overlap_with", "term_start", "term_end",
    "stake_pct", "stake_value", "confidence", "paid", "remaining_fraction", "remaining_basis",
    "derived", "assumption",
]
#: the leg table's number columns (floats, NaN when unknown) and flags
LEG_NUMBERS = ("amount", "amount_low", "amount_high", "stake_pct", "stake_value", "paid", "remaining_fraction")
LEG_FLAGS = ("in_flow", "include_in_totals", "counted", "derived")


def legs(ledger: LedgerReader, view: View) -> pd.DataFrame:
    """The leg table of a view: one row per deal leg in view (see the module docstring), with
    the columns of :data:`LEG_COLUMNS`. Amounts are USD billions. :func:`leg_rows` as a
    DataFrame."""
    return legs_frame(leg_rows(ledger, every_leg(view)), view)


def every_leg(view: View) -> View:
    """The view with every status and kind: its legs are the view's and the others of its date."""
    return view if view.statuses is None and view.kinds is None else view.with_(statuses=None, kinds=None)


def in_view(row: Mapping[str, Any], view: View) -> bool:
    """Whether a leg record of :func:`every_leg` is in ``view`` (its status and kind count)."""
    return ((view.statuses is None or row["status"] in view.statuses)
            and (view.kinds is None or row["kind"] in view.kinds))


def legs_frame(rows: list[dict[str, Any]], view: View) -> pd.DataFrame:
    """The leg table's DataFrame of ``view`` from the leg records of :func:`every_leg`: the
    frame of them all, then the legs in view, so that the columns' types are those of the date's
    whole table whatever the statuses and kinds keep (as :meth:`Ledger.deals
    <loopledger.ledger.Ledger.deals>` filters its frame)."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=LEG_COLUMNS)
    frame = frame.astype({**dict.fromkeys(LEG_NUMBERS, float), **dict.fromkeys(LEG_FLAGS, bool)})
    if view.statuses is None and view.kinds is None:
        return frame
    return frame.iloc[[i for i, r in enumerate(rows) if in_view(r, view)]].reset_index(drop=True)


def leg_rows(ledger: LedgerReader, view: View) -> list[dict[str, Any]]:
    """The leg table of a view as records: one dict per deal leg in view, with the keys of
    :data:`LEG_COLUMNS` (numbers are floats, NaN when unknown), in the order of
    :meth:`Ledger.deals <loopledger.ledger.Ledger.deals>`."""
    deals = [d for d in ledger.deal_rows(as_of=view.as_of) if in_view(d, view)]
    if view.amount == "derived":
        # the unit assumptions are applied to a deals frame: pandas for this basis only
        from .units import derive_amounts

        ids = {d["id"] for d in deals}
        frame = ledger.deals(as_of=view.as_of)
        frame = frame[frame["id"].isin(ids)].reset_index(drop=True)
        deals = derive_amounts(frame, **view.derive).apply(frame).to_dict(orient="records")
    top = top_parents(ledger.company_rows(), view.as_of) if view.roll_up else {}
    paid = _paid(ledger, view.as_of)
    nan = float("nan")
    out = []
    for d in deals:
        c = d.get("consideration")
        consideration = c if isinstance(c, str) else None
        lo, hi = float(d["amount_low"]), float(d["amount_high"])
        row = {
            "deal": d["id"], "group": d["group"],
            "source": top.get(d["payer"], d["payer"]), "target": top.get(d["payee"], d["payee"]),
            "payer": d["payer"], "payee": d["payee"], "kind": d["kind"], "status": d["status"],
            "status_date": d["status_date"], "first_date": d["first_date"], "announced": d["announced"],
            "consideration": consideration, "amount": float(leg_amount(lo, hi, view.amount)),
            "amount_low": lo, "amount_high": hi, "in_flow": bool(moves_cash(d["kind"], consideration)),
            "include_in_totals": bool(d["include_in_totals"]), "counted": bool(d["include_in_totals"]),
            "overlap": d["overlap"], "overlap_with": d["overlap_with"],
            "term_start": d["term_start"], "term_end": d["term_end"],
            "stake_pct": float(d["stake_pct"]), "stake_value": float(d["stake_value"]),
            "confidence": d["confidence"], "paid": float(paid.get(d["id"], nan)),
            "derived": bool(d.get("derived", False)), "assumption": d.get("assumption"),
        }
        row["remaining_fraction"], row["remaining_basis"] = remaining(
            row["status"], row["kind"], row["term_start"], row["term_end"], row["first_date"], row["paid"],
            row["amount"], view.as_of)
        out.append({c: row[c] for c in LEG_COLUMNS})
    return out


def _paid(ledger: LedgerReader, as_of: date) -> dict[str, float]:
    reader = getattr(ledger, "paid", None)
    return reader(as_of) if callable(reader) else {}


def network(ledger: LedgerReader, view: View) -> FlowNetwork:
    """The network of a view: the leg table's counted legs (every leg with
    ``include_overlaps``) as a :class:`~loopledger.network.FlowNetwork`, nodes sorted by id.
    ``params`` echoes the view; with ``amount="derived"``, ``params["derived_share"]`` is the
    fraction of the money matrix's dollars that are derived."""
    import numpy as np
    import pandas as pd

    from ..network import FlowNetwork
    from .units import derived_share

    table = legs(ledger, view)
    edges = table if view.include_overlaps else table[table["counted"]]
    edges = edges.reset_index(drop=True)
    node_ids = np.array(sorted(pd.unique(pd.concat([edges["source"], edges["target"]])).tolist()), dtype=object)
    params: dict[str, Any] = view.to_dict()
    if view.amount == "derived":
        params["derive"] = dict(view.derive)
        params["derived_share"] = derived_share(edges["amount"].where(edges["in_flow"]), edges["derived"])
    names = ledger.company_names()
    return FlowNetwork.from_frame(edges, nodes=node_ids, params=params, names=names, view=view)


def top_parents(companies: Iterable[Mapping[str, Any]], as_of: date) -> dict[str, str]:
    """company id -> its top parent as of the date (companies without a parent are absent);
    ``companies`` are records with ``id``, ``parent`` and ``parent_since``
    (:meth:`Ledger.company_rows <loopledger.ledger.Ledger.company_rows>`)."""
    parent = {}
    for company in companies:
        cid, p, since = company["id"], company["parent"], company["parent_since"]
        if isinstance(p, str) and p:
            if isinstance(since, str) and since and PartialDate.parse(since).start > as_of:
                continue
            parent[cid] = p
    top = {}
    for cid in parent:
        seen, c = {cid}, cid
        while c in parent and parent[c] not in seen:
            c = parent[c]
            seen.add(c)
        top[cid] = c
    return top

