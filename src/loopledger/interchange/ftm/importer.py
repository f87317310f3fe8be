"""Importing an FtM entity stream into the ledger (docs/interchange.md 2): all records or none.

The stream is read (:mod:`.stream_reader`) and checked with followthemoney (:mod:`.checks`);
then each entity becomes ledger rows. Entities with a ``loopledger:`` block become exactly the
records they came from. Foreign entities are read by the tables of :mod:`.mapping` in
reverse: the kind from the schema (:data:`FOREIGN_KINDS`), the payer and payee from the
form's edge ends, the amount from its amount property. Other schemas are skipped and counted;
a status is taken from FtM only when it is a loopledger status, else from ``default_status``:
the importer never guesses one. The rows then go through the ledger's own validation and
:meth:`Ledger.add <loopledger.ledger.ledger.Ledger.add>` in one transaction.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import LedgerError, Problem, ValidationError
from ...ledger.model import MODELS, Deal
from ...ledger.tables import RawRow
from ...ledger.validate import validate_rows
from ...vocabulary import STATUSES
from ..common import ImportCounts, billions, host, parse_decimal, read_input, slug
from .block import decode_block, record_values
from .checks import check_entities
from .ids import company_entity_id, deal_entity_id
from .mapping import (
    DEAL_SCHEMAS,
    FORM_KINDS,
    HELPER,
    LOAN,
    PART_SCHEMAS,
    TAKEOVER,
    Form,
    contract_kind,
    named_kind,
    ownership_kind,
    reading_form,
)
from .stream_reader import StreamEntity, parse_stream

#: the statuses FtM values are read as (``amended`` is a change of terms, not a status)
LEDGER_STATUSES = frozenset(STATUSES)
#: the status of a ``Payment``: money paid
PAID_STATUS = next(s for s, m in STATUSES.items() if m.paid == "all")
#: what a foreign leg's announced date is read from, first found wins (``a.b``: property b of
#: the entity that property a names)
ANNOUNCED_PROPS: dict[str, tuple[str, ...]] = {
    "Ownership": ("startDate", "date"),
    "ContractAward": ("contract.contractDate", "date", "startDate"),
    "Payment": ("date", "startDate"),
}
#: schemas whose ``startDate``/``endDate`` are the leg's term
TERM_SCHEMAS = ("ContractAward", "Debt")
#: the problem when a helper names no party: helper schema -> reason
NO_PARTY = {
    "Security": "security '{id}' has no issuer (the warrant's payer)",
    "Contract": "the contract names no authority (the buyer who pays)",
}


def _day(text: str | None) -> str | None:
    """An FtM date value (``2025``, ``2025-10``, ``2025-10-28T10:00``) as a ledger date."""
    if not text:
        return None
    return text[:10]


class Importer:
    """Turns checked entities into ledger rows (RawRow per table, with the entity's line)."""

    def __init__(self, ledger, items: list[StreamEntity], where: str, default_status: str | None):
        self.ledger = ledger
        self.items = items
        self.where = where
        self.default_status = default_status
        self.by_id = {it.id: it for it in items}
        self.rows: dict[str, list[RawRow]] = defaultdict(list)
        self.problems: list[Problem] = []
        self.skipped: Counter = Counter()
        self.existing_companies = {c.id: c for c in ledger.records("companies", include_retracted=True)}
        self.existing_sources = {s.id: s for s in ledger.records("sources", include_retracted=True)}
        self.source_by_url = {s.url: s.id for s in self.existing_sources.values()}
        self.company_of: dict[str, str] = {company_entity_id(c): c for c in self.existing_companies}
        self.new_company_ids: set[str] = set()
        self.new_source_ids: set[str] = set()

    def problem(self, it: StreamEntity, prop: str, reason: str) -> None:
        self.problems.append(Problem(self.where, it.line, prop, reason))

    def row(self, table: str, it: StreamEntity, values: dict[str, Any]) -> None:
        self.rows[table].append(RawRow(self.where, it.line, values))

    def ref(self, it: StreamEntity, prop: str) -> StreamEntity | None:
        """The entity of the stream that ``prop`` names."""
        return self.by_id.get(it.first(prop))  # type: ignore[arg-type]

    def path(self, it: StreamEntity, path: str) -> str | None:
        """The first value of ``prop`` or, for ``a.b``, of property b of the entity a names."""
        prop, _, sub = path.partition(".")
        if not sub:
            return it.first(prop)
        target = self.ref(it, prop)
        return target.first(sub) if target else None

    # companies and sources ---------------------------------------------------------------

    def _same(self, existing, values: dict[str, Any], model) -> list[str]:
        try:
            new = model.model_validate(values)
        except Exception:
            return []  # the row check reports it
        a, b = existing.model_dump(), new.model_dump()
        return [k for k in a if k != "retracted" and a[k] != b[k]]

    def ledger_record(self, it: StreamEntity, pairs: list[tuple[str, str]], table: str,
                      props: dict[str, str]) -> dict[str, Any] | None:
        """A company or source written by loopledger: its values from the block (FtM
        properties only where the block lacks them); None when it is already in the ledger
        (identical: skipped; different: a problem)."""
        model = MODELS[table]
        values = record_values(model, pairs)
        for key, prop in props.items():
            values.setdefault(key, it.get(prop) if key == "aliases" else it.first(prop))
        rid = values.get("id")
        what = table[:-1] if table != "companies" else "company"
        if not rid:
            self.problem(it, "description", f"the loopledger: block has no {what} id")
            return None
        existing = self.existing_companies if table == "companies" else self.existing_sources
        if rid in existing:
            diff = self._same(existing[rid], values, model)
            if diff:
                self.problem(it, "description", f"{what} '{rid}' is already in the ledger with other "
                             f"values ({', '.join(diff)}); amend it there")
            self.skipped[f"{it.schema.name} already in the ledger"] += 1
            return None
        self.row(table, it, values)
        return values

    def ledger_company(self, it: StreamEntity, pairs: list[tuple[str, str]]) -> None:
        cid = dict(pairs).get("id")
        if cid:
            self.company_of[it.id] = cid
        if self.ledger_record(it, pairs, "companies", {"name": "name", "aliases": "alias"}):
            self.new_company_ids.add(cid)  # type: ignore[arg-type]

    def foreign_company(self, it: StreamEntity) -> str:
        """The ledger company a foreign legal entity is: one whose name, alias or id matches
        exactly, else a new company of type ``other``."""
        if it.id in self.company_of:
            return self.company_of[it.id]
        name = it.first("name") or it.id
        names = [name, *it.get("alias")]
        for c in self.existing_companies.values():
            own = {c.name.lower(), c.id, *(a.lower() for a in c.aliases)}
            if any(n.lower() in own for n in names):
                self.company_of[it.id] = c.id
                return c.id
        base = slug(name)
        cid, n = base, 1
        while cid in self.existing_companies or cid in self.new_company_ids:
            n += 1
            cid = f"{base}-{n}"
        self.company_of[it.id] = cid
        self.new_company_ids.add(cid)
        countries = [c.upper() for c in it.get("country")]
        self.row("companies", it, dict(
            id=cid, name=name, aliases=it.get("alias"), ticker=it.first("ticker"), type="other",
            type_detail=f"imported from FtM {it.data['schema']}", country="/".join(countries) or None,
            notes=f"FtM entity {it.id}",
        ))
        return cid

    def ledger_source(self, it: StreamEntity, pairs: list[tuple[str, str]]) -> None:
        values = self.ledger_record(it, pairs, "sources", {"url": "sourceUrl", "publisher": "publisher",
                                                             "title": "title"})
        if values:
            self.new_source_ids.add(values["id"])
            self.source_by_url[values["url"]] = values["id"]

    def source_for(self, it: StreamEntity, url: str, publisher: str | None, date: str | None) -> str:
        if url in self.source_by_url:
            return self.source_by_url[url]
        from ...ledger.ledger import source_id_for

        sid = source_id_for(url)
        self.source_by_url[url] = sid
        self.new_source_ids.add(sid)
        self.row("sources", it, dict(id=sid, url=url, publisher=publisher or host(url),
                                     date=_day(date), type="other"))
        return sid

    # deals ---------------------------------------------------------------------------------

    def party(self, it: StreamEntity, entity_ref: str | None, prop: str) -> str | None:
        if entity_ref in self.company_of:
            return self.company_of[entity_ref]  # type: ignore[index]
        target = self.by_id.get(entity_ref)  # type: ignore[arg-type]
        if target is None:
            self.problem(it, prop, f"'{entity_ref}' is not a company of the stream or the ledger")
            return None
        if not target.schema.is_a("LegalEntity"):
            self.problem(it, prop, f"'{entity_ref}' is a {target.schema.name}, not a company or organisation")
            return None
        return self.foreign_company(target)

    def asset_is_security(self, it: StreamEntity) -> bool:
        asset = self.ref(it, "asset") if it.schema.name == "Ownership" else None
        return asset is not None and asset.schema.name == "Security"

    def form_of(self, it: StreamEntity, kind: str | None) -> Form:
        return reading_form(it.schema.name, kind, self.asset_is_security(it))

    def ends(self, it: StreamEntity, kind: str | None) -> tuple[str | None, str | None]:
        """(payer, payee) of a deal entity, by its form's edge ends (docs/interchange.md 1.2):
        the party a helper names first (a contract's authority, a security's issuer), then
        the main entity's ends in the schema's order."""
        form = self.form_of(it, kind)
        found: dict[str, str | None] = {}
        via = form.prop_of(HELPER)
        if via is not None:
            helper = self.ref(it, via)
            for prop, role in form.helper_ends.items():
                ref = helper.first(prop) if helper else None
                if not ref:
                    self.problem(it, via, NO_PARTY[form.helper or ""].format(id=helper.id if helper else ""))
                    found[role] = None
                else:
                    found[role] = self.party(it, ref, via)
        for prop, role in form.ends.items():
            if role != HELPER:
                found[role] = self.party(it, it.first(prop), prop)
        return found.get("payer"), found.get("payee")

    def announced_of(self, it: StreamEntity) -> str | None:
        for path in ANNOUNCED_PROPS.get(it.schema.name, ("date",)):
            found = self.path(it, path)
            if found:
                return _day(found)
        return None

    def sources_of(self, it: StreamEntity) -> list[str]:
        urls: list[tuple[str, str | None, str | None]] = []
        publishers = it.get("publisher")
        for url in it.get("sourceUrl"):
            urls.append((url, publishers[0] if len(publishers) == 1 else None, None))
        for ref in it.get("proof"):
            doc = self.by_id.get(ref)
            if doc is not None:
                for url in doc.get("sourceUrl"):
                    urls.append((url, doc.first("publisher"), doc.first("publishedAt")))
        out = []
        for url, publisher, date in urls:
            sid = self.source_for(it, url, publisher, date)
            if sid not in out:
                out.append(sid)
        return out

    def ledger_deal(self, it: StreamEntity, pairs: list[tuple[str, str]]) -> None:
        values = record_values(Deal, pairs)
        kind = values.get("kind")
        payer, payee = self.ends(it, kind)
        deal_id = it.first("recordId")
        if not deal_id:
            self.problem(it, "recordId", "a loopledger deal entity needs its recordId (the deal id)")
            return
        values.update(id=deal_id, payer=payer, payee=payee)  # announced: from the block only
        self.row("deals", it, values)
        for key, text in pairs:
            if key == "event":
                ev = json.loads(text)
                ev["deal"] = deal_id
                ev.setdefault("id", f"{deal_id}/1")
                self.row("events", it, ev)

    def foreign_status(self, it: StreamEntity) -> str | None:
        values = it.get("status")
        if it.schema.name == "ContractAward" and not values:
            contract = self.ref(it, "contract")
            values = contract.get("status") if contract else []
        for v in values:
            if v.strip().lower() in LEDGER_STATUSES:
                return v.strip().lower()
        if self.default_status:
            return self.default_status
        if values:
            self.problem(it, "status", f"status '{values[0]}' is not a loopledger status "
                         f"({', '.join(sorted(LEDGER_STATUSES))}): pass --default-status to choose one")
        else:
            self.problem(it, "status", f"a {it.schema.name} has no loopledger status: pass --default-status")
        return None

    def foreign_amount(self, it: StreamEntity, props: tuple[str, str],
                       helper: StreamEntity | None) -> float | None:
        prop, currency_prop = props
        for source in filter(None, [it, helper]):
            if "amountUsd" in source.data["properties"]:
                return billions(parse_decimal(source.first("amountUsd")))  # type: ignore[arg-type]
            if prop in source.data["properties"]:
                value = parse_decimal(source.first(prop))  # type: ignore[arg-type]
                currency = (source.first(currency_prop) or "").upper()
                if currency == "USD":
                    return billions(value)  # type: ignore[arg-type]
                self.problem(it, currency_prop, f"amount {source.first(prop)} in "
                             f"'{currency or 'no currency'}': give amountUsd (no conversion rate is guessed)")
                return None
        return None

    def foreign_deal(self, it: StreamEntity) -> None:
        schema = it.schema.name
        kind = FOREIGN_KINDS[schema](self, it)
        form = self.form_of(it, kind)
        payer, payee = self.ends(it, kind)
        status = PAID_STATUS if schema == "Payment" else self.foreign_status(it)
        contract = self.ref(it, "contract") if schema == "ContractAward" else None
        amount = self.foreign_amount(it, form.amount or ("amount", "currency"), contract)
        announced = self.announced_of(it)
        if announced is None:
            self.problem(it, "date", "no date (date, startDate or contractDate): a status needs one")
        sources = self.sources_of(it)
        if not sources:
            self.problem(it, "sourceUrl", "no source: every deal needs a sourceUrl, or a proof document with one")
        pct = it.first("percentage") if schema == "Ownership" and kind != FORM_KINDS[TAKEOVER.name] else None
        shares = it.first("sharesCount")
        deal_id = "ftm-" + slug(it.id)
        text = "; ".join(filter(None, [it.first("summary"), it.first("description")]))
        term = schema in TERM_SCHEMAS
        values = dict(
            id=deal_id, group=deal_id, announced=announced, payer=payer, payee=payee, kind=kind,
            amount_low=amount, amount_high=amount,
            stake_pct=float(parse_decimal(pct)) if pct else None,  # type: ignore[arg-type]
            share_count=float(parse_decimal(shares)) if shares else None,  # type: ignore[arg-type]
            term_start=_day(it.first("startDate")) if term else None,
            term_end=_day(it.first("endDate")) if term else None,
            confidence="low", sources=sources,
            notes=f"Imported from FtM {schema} {it.id}" + (f": {text}" if text else ""),
        )
        self.row("deals", it, values)
        if status and announced:
            self.row("events", it, dict(id=f"{deal_id}/1", deal=deal_id, date=announced,
                                        status=status, sources=sources))

    def deal_entities(self) -> list[tuple[StreamEntity, list[tuple[str, str]] | None]]:
        """The entities that are deal legs, each with its block (None for a foreign one);
        parent links, helpers of a deal already read and other schemas are counted as
        skipped."""
        deals: list[tuple[StreamEntity, list[tuple[str, str]] | None]] = []
        for it in self.items:
            schema = it.schema
            pairs = decode_block(it.first("description"))
            if schema.name in DEAL_SCHEMAS:
                record = it.first("recordId")
                if pairs is not None and dict(pairs).get("role") == "parent":
                    self.skipped["Ownership (parent link, kept on the company)"] += 1
                elif pairs is not None and dict(pairs).get("kind"):
                    deals.append((it, pairs))
                elif record and self.by_id.get(deal_entity_id(record)) not in (None, it):
                    self.skipped[f"{schema.name} (part of deal {record})"] += 1
                else:
                    deals.append((it, None))
            elif schema.is_a("LegalEntity") or schema.name in PART_SCHEMAS or schema.is_a("Document"):
                continue  # read as parts of deals
            else:
                self.skipped[schema.name] += 1
        return deals

    def run(self) -> None:
        for it in self.items:
            pairs = decode_block(it.first("description"))
            if it.schema.is_a("LegalEntity") and pairs is not None:
                self.ledger_company(it, pairs)
            elif it.schema.name == "Article" and pairs is not None:
                self.ledger_source(it, pairs)
        for it, pairs in self.deal_entities():
            if pairs is not None:
                self.ledger_deal(it, pairs)
            else:
                self.foreign_deal(it)
        used = set(self.company_of)
        for it in self.items:
            if it.schema.is_a("LegalEntity") and it.id not in used:
                self.skipped[f"{it.schema.name} (in no deal)"] += 1


def _contract_type(imp: Importer, it: StreamEntity) -> str:
    return contract_kind(imp.path(it, "contract.type"))


#: schema -> the kind of a foreign deal entity (docs/interchange.md 2: the table of 1.2 in
#: reverse; an entity that names no kind the ledger knows is ``other``, never guessed)
FOREIGN_KINDS: dict[str, Callable[[Importer, StreamEntity], str]] = {
    "Ownership": lambda imp, it: ownership_kind(it.first("ownershipType"), imp.asset_is_security(it)),
    "ContractAward": _contract_type,
    "Debt": lambda imp, it: FORM_KINDS[LOAN.name],
    "Payment": lambda imp, it: named_kind(it.first("purpose")),
    "UnknownLink": lambda imp, it: named_kind(it.first("role")),
}


def import_entities(ledger, path: str | Path, reason: str | None = None,
                    default_status: str | None = None, actor: str | None = None) -> ImportCounts:
    """Import an FtM entity stream (a file, or stdin for ``-``) into the ledger: all records or
    none. Raises :class:`~loopledger.errors.ValidationError` listing every problem as
    ``file:line:property: reason``. Returns the records added per table; ``.skipped`` counts
    the entities left out, by schema or reason.

    ``default_status`` is the status given to legs whose FtM status is missing or not a
    loopledger status (the importer never guesses one; ``Payment`` means paid: ``funded``).
    """
    from ...ledger.ledger import default_actor

    if default_status is not None and default_status not in LEDGER_STATUSES:
        raise LedgerError(f"unknown status '{default_status}': expected one of {', '.join(sorted(LEDGER_STATUSES))}")
    text, where = read_input(path)
    items, problems = parse_stream(text, where)
    known = {company_entity_id(c.id) for c in ledger.records("companies", include_retracted=True)}
    problems += check_entities(items, where, known)
    if problems:
        raise ValidationError(problems)
    imp = Importer(ledger, items, where, default_status)
    imp.run()
    if imp.problems:
        raise ValidationError(sorted(imp.problems, key=lambda p: (p.row or 0, p.column)))
    parsed, problems = validate_rows(dict(imp.rows), ledger.known())
    if problems:
        raise ValidationError(problems)
    # through Ledger.add (checks again, writes in one transaction, refreshes the ledger's cache)
    counts = ledger.add(parsed.records, actor=actor or default_actor(), reason=reason or f"import FtM {where}")
    return ImportCounts({t: counts.get(t, 0) for t in MODELS if counts.get(t)}, dict(imp.skipped))
