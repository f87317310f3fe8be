"""Deal legs as FtM entities, by form (docs/interchange.md 1.2).

:func:`deal_entities` looks up the leg's form (:func:`.mapping.leg_form`: from the kind's
family in the vocabulary, with the paid-flow rule) and calls that form's writer from
:data:`WRITERS`; every writer puts the edge ends the form's table names, and the properties
of its schema. Then every leg gets the same finish: ``summary``, ``recordId``, the
``loopledger:`` block with its status events, and its sources on every entity of the deal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from followthemoney.proxy import EntityProxy

from ...ledger.model import Deal, Source, StatusEvent
from ...ledger.tables import to_csv_cell
from ...vocabulary import KINDS, Family
from ..common import ftm_date, usd_text
from .block import encode_block, json_line
from .builder import EntityBuilder, Seen
from .ids import company_entity_id, deal_entity_id, source_entity_id
from .mapping import (
    CONTRACT_AWARD,
    HELPER,
    HOLDING,
    LEASE,
    LINK,
    LOAN,
    PAYER,
    PAYMENT,
    POTENTIAL_HOLDING,
    TAKEOVER,
    Form,
    kind_words,
    leg_form,
    pays_on_takeover,
)

#: deal fields carried by the edge and ``recordId`` rather than the block
_NOT_IN_BLOCK = ("id", "payer", "payee", "retracted", "retracted_reason")


@dataclass
class Leg:
    """One deal leg being written: the record, its latest status, and what every form needs."""

    out: EntityBuilder
    deal: Deal
    last: StatusEvent | None
    names: dict[str, str]
    seen: Seen
    form: Form
    before: list[EntityProxy] = field(default_factory=list)
    after: list[EntityProxy] = field(default_factory=list)

    @property
    def status(self) -> str | None:
        return self.last.status if self.last else None

    @property
    def status_origin(self) -> str | None:
        return self.last.sources[0] if self.last and self.last.sources else None

    @property
    def primary(self) -> str | None:
        return self.deal.sources[0] if self.deal.sources else None

    @property
    def main_id(self) -> str:
        return deal_entity_id(self.deal.id)

    def party(self, role: str) -> str:
        """The entity id of the payer or the payee."""
        return company_entity_id(self.deal.payer if role == PAYER else self.deal.payee)

    def name(self, company_id: str) -> str:
        return self.names.get(company_id, company_id)

    @property
    def parties_text(self) -> str:
        return f"{self.name(self.deal.payer)} -> {self.name(self.deal.payee)}"

    @property
    def one_amount(self) -> tuple[str | None, str | None]:
        """(the leg's one amount in USD: high, else low; the text as recorded)."""
        d = self.deal
        one = d.usd_high if d.usd_high is not None else d.usd_low
        if one is None:
            return None, None
        native = d.amount_high if d.amount_high is not None else d.amount_low
        return usd_text(one), f"{to_csv_cell(native)} {d.currency} bn"

    # -- entities and properties -------------------------------------------------------------

    def main(self) -> EntityProxy:
        return self.out.make(self.form.schema, self.main_id, self.seen, origin=self.primary)

    def helper(self, schema: str, suffix: str, after: bool = False) -> EntityProxy:
        e = self.out.make(schema, f"{self.main_id}-{suffix}", self.seen, origin=self.primary)
        (self.after if after else self.before).append(e)
        return e

    def put(self, e: EntityProxy, prop: str, value: Any, **kw: Any) -> None:
        self.out.put(e, prop, value, **kw)

    def ends(self, e: EntityProxy, helper: EntityProxy | None = None) -> None:
        """The main entity's edge ends (source first) as the form's table names them."""
        for prop, role in self.form.ends.items():
            self.put(e, prop, helper.id if role == HELPER and helper is not None else self.party(role))

    def helper_ends(self, helper: EntityProxy) -> None:
        for prop, role in self.form.helper_ends.items():
            self.put(helper, prop, self.party(role))

    def money(self, e: EntityProxy, props: tuple[str, str] | None = ("amount", "currency")) -> None:
        amount, raw = self.one_amount
        if amount is None or props is None:
            return
        prop, currency_prop = props
        self.put(e, prop, amount, origin=self.primary, original=raw)
        self.put(e, currency_prop, "USD")
        if "amountUsd" in e.schema.properties:
            self.put(e, "amountUsd", amount, origin=self.primary, original=raw)

    def status_of(self, e: EntityProxy) -> None:
        self.put(e, "status", self.status, origin=self.status_origin)

    def term(self, e: EntityProxy) -> None:
        d = self.deal
        self.put(e, "startDate", ftm_date(d.term_start), original=d.term_start)
        self.put(e, "endDate", ftm_date(d.term_end, end=True), original=d.term_end)

    def dated(self, e: EntityProxy) -> None:
        """Announced as ``date``; the term as ``startDate``/``endDate`` (Interval schemas)."""
        self.put(e, "date", ftm_date(self.deal.announced), original=self.deal.announced)
        self.term(e)

    def started(self, e: EntityProxy) -> None:
        """Announced as ``startDate`` (an Ownership starts when it is announced)."""
        self.put(e, "startDate", ftm_date(self.deal.announced), original=self.deal.announced)

    def stake(self, e: EntityProxy) -> None:
        pct = self.deal.stake_pct
        self.put(e, "percentage", None if pct is None else to_csv_cell(pct), origin=self.primary)


# -- one writer per form ---------------------------------------------------------------------------

def _contract_award(leg: Leg) -> EntityProxy:
    d = leg.deal
    contract = leg.helper("Contract", "contract")
    leg.put(contract, "title", f"{kind_words(d.kind)}: {leg.parties_text}")
    leg.helper_ends(contract)
    leg.money(contract)
    leg.put(contract, "contractDate", ftm_date(d.announced), original=d.announced)
    leg.put(contract, "type", d.kind)
    leg.status_of(contract)
    e = leg.main()
    leg.ends(e, contract)
    leg.money(e)
    leg.term(e)
    leg.status_of(e)
    return e


def _holding(leg: Leg) -> EntityProxy:
    e = leg.main()
    leg.ends(e)
    leg.stake(e)
    leg.money(e, leg.form.amount)
    leg.status_of(e)
    leg.started(e)
    leg.put(e, "ownershipType", leg.form.ownership_type)
    return e


def _takeover(leg: Leg) -> EntityProxy:
    """The bought company as an ``Ownership`` of 100 %, at the price (cash or stock); once
    paid, a ``Payment`` helper for the money, unless no money changed hands."""
    d = leg.deal
    e = leg.main()
    leg.ends(e)
    leg.put(e, "percentage", "100")
    leg.money(e, leg.form.amount)
    leg.put(e, "ownershipType", leg.form.ownership_type)
    leg.status_of(e)
    leg.started(e)
    if pays_on_takeover(d, leg.status):
        pay = leg.helper("Payment", "payment", after=True)
        for prop, role in PAYMENT.ends.items():
            leg.put(pay, prop, leg.party(role))
        leg.money(pay)
        leg.put(pay, "date", ftm_date(leg.last.date) if leg.last else None)
        leg.put(pay, "purpose", d.kind)
        leg.put(pay, "recordId", d.id)
        leg.put(pay, "summary", f"cash part of acquisition {d.id}; status: {leg.status}")
    return e


def warrant_word(d: Deal) -> str:
    """``warrant`` when the deal's id, units or notes say so, else ``equity grant``.

    Presentation only: the word names the ``Security`` helper and fills its ``type`` for
    other FtM tools. The ledger has one kind for both, and nothing is read back from the word
    (the importer reads a grant from the Security itself, the record from the block).
    """
    text = " ".join(filter(None, [d.id, d.units, d.amount_note, d.notes])).lower()
    return "warrant" if "warrant" in text else "equity grant"


def _potential_holding(leg: Leg) -> EntityProxy:
    d = leg.deal
    word = warrant_word(d)
    security = leg.helper("Security", "security")
    leg.put(security, "name", f"{leg.name(d.payer)} {word} for {leg.name(d.payee)}")
    leg.put(security, "type", word)
    leg.helper_ends(security)
    e = leg.main()
    leg.ends(e, security)
    leg.stake(e)
    leg.put(e, "sharesCount", None if d.share_count is None else to_csv_cell(d.share_count), origin=leg.primary)
    leg.money(e, leg.form.amount)
    leg.put(e, "ownershipType", leg.form.ownership_type)
    leg.status_of(e)
    leg.started(e)
    return e


def _debt(leg: Leg) -> EntityProxy:
    e = leg.main()
    leg.ends(e)
    leg.money(e)
    leg.dated(e)
    return e


def _payment(leg: Leg) -> EntityProxy:
    e = leg.main()
    leg.ends(e)
    leg.money(e)
    leg.dated(e)
    leg.put(e, "purpose", leg.deal.kind)
    for other in leg.deal.overlap_with:
        leg.put(e, "contract", deal_entity_id(other) + "-contract")
    return e


def _link(leg: Leg) -> EntityProxy:
    e = leg.main()
    leg.ends(e)
    leg.put(e, "role", kind_words(leg.deal.kind))
    leg.status_of(e)
    leg.dated(e)
    return e


#: form name -> the writer of its entities (returns the main entity)
WRITERS: dict[str, Callable[[Leg], EntityProxy]] = {
    CONTRACT_AWARD.name: _contract_award,
    HOLDING.name: _holding,
    TAKEOVER.name: _takeover,
    POTENTIAL_HOLDING.name: _potential_holding,
    LOAN.name: _debt,
    LEASE.name: _debt,
    PAYMENT.name: _payment,
    LINK.name: _link,
}


# -- what every leg gets ----------------------------------------------------------------------

def amount_words(d: Deal) -> str:
    """The range in words for ``summary``: ``amount USD bn: 100–500 (up to)``, ``more than
    X``, ``up to X``, ``amount undisclosed``; the amount note in brackets."""
    lo, hi = d.usd_low, d.usd_high
    note = f" ({d.amount_note})" if d.amount_note else ""
    if lo is None and hi is None:
        return f"amount undisclosed{note}"
    if lo is not None and hi is not None and lo != hi:
        return f"amount USD bn: {to_csv_cell(lo)}–{to_csv_cell(hi)}{note}"
    if hi is None:
        return f"amount USD bn: more than {to_csv_cell(lo)}{note}"
    if lo is None:
        return f"amount USD bn: up to {to_csv_cell(hi)}{note}"
    return f"amount USD bn: {to_csv_cell(hi)}{note}"


def summary(leg: Leg, e: EntityProxy) -> str:
    """``summary row: do not add`` for legs left out of totals, the kind and parties, the
    amount in words, who lends to whom for loans, and the status where the schema has none."""
    d = leg.deal
    parts = []
    if not d.include_in_totals:
        parts.append("summary row: do not add")
    parts.append(f"{kind_words(d.kind)}: {leg.parties_text}")
    parts.append(amount_words(d))
    if KINDS[d.kind].family is Family.debt:
        parts.append(f"loan: lender {leg.name(d.payer)} -> borrower {leg.name(d.payee)}")
    if "status" not in e.schema.properties:
        parts.append(f"status: {leg.status or 'unknown'}")
    return "; ".join(parts)


def block(d: Deal, events: list[StatusEvent]) -> str:
    """The deal's ``loopledger:`` block: every field but its id and ends, then one ``event:``
    JSON line per status event."""
    pairs: list[tuple[str, Any]] = [("kind", d.kind)]
    pairs += [(k, getattr(d, k)) for k in Deal.model_fields if k not in _NOT_IN_BLOCK and k != "kind"]
    for ev in events:
        body = {k: getattr(ev, k) for k in ("id", "date", "status", "note") if getattr(ev, k) is not None}
        body["sources"] = list(ev.sources)
        pairs.append(("event", json_line(body)))
    return encode_block(pairs)


def _cite(leg: Leg, entities: list[EntityProxy], sources: dict[str, Source]) -> None:
    """Per source of the deal: ``sourceUrl``, ``publisher`` and ``proof`` on every entity of
    the deal whose schema has them."""
    for e in entities:
        for sid in leg.deal.sources:
            s = sources.get(sid)
            if s is None:
                continue
            for prop, value in (("sourceUrl", s.url), ("publisher", s.publisher),
                                ("proof", source_entity_id(s.url))):
                if prop in e.schema.properties:
                    leg.put(e, prop, value, origin=s.id, kept=True)


def deal_entities(out: EntityBuilder, d: Deal, events: list[StatusEvent], last: StatusEvent | None,
                  sources: dict[str, Source], names: dict[str, str], seen: Seen) -> None:
    """Write one deal leg's entities: its form's main entity and helpers, then the summary,
    ``recordId``, the block and the sources. ``last`` is the event of its latest status."""
    leg = Leg(out, d, last, names, seen, leg_form(d, last.status if last else None))
    e = WRITERS[leg.form.name](leg)
    leg.put(e, "summary", summary(leg, e))
    leg.put(e, "recordId", d.id)
    leg.put(e, "description", block(d, events))
    _cite(leg, [*leg.before, e, *leg.after], sources)
