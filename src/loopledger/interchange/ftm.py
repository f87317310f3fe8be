"""FollowTheMoney (FtM) entity streams and statements: the one interchange format that
round-trips.

:func:`entities` turns the ledger into FtM entities following the table of INTERCHANGE.md
section 1 (companies, sources as ``Article``, one edge entity per deal leg with its helpers),
built with the ``followthemoney`` package itself (``model.make_entity``, ``add``). Fields with
no FtM home go into ``description`` as ``key: value`` lines under a first line ``loopledger:``;
:func:`import_entities` reads that block back, so loopledger -> FtM -> loopledger gives the
same deals, events, companies and sources. :func:`statements` writes the same entities in
FtM's statement layout with per-value provenance (INTERCHANGE.md 3).

Validation is ours, because ``model.get_proxy`` silently drops unknown properties and
unparsable dates (INTERCHANGE.md 2): the importer checks that every schema and property
exists, that ``schema.validate`` passes, that amounts parse as decimals and that both edge
ends are present and name entities of the stream or of the ledger. It reports every problem
with file, line and property and imports all or nothing. Foreign streams (no ``loopledger:``
block) are read with the table in reverse; other schemas are skipped and counted, and a
status is taken from FtM only when it is a loopledger status, else from ``default_status``:
the importer never guesses one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from followthemoney import model as ftm_model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from ..errors import LedgerError, Problem, ValidationError
from ..ledger.dates import PartialDate
from ..ledger.model import MODELS, Company, Deal, DealKind, Source, Status, StatusEvent
from ..ledger.tables import RawRow, from_csv_cell, to_csv_cell
from ..ledger.validate import validate_rows
from .common import billions, ftm_date, open_output, parse_decimal, read_input, usd_text

BLOCK_HEAD = "loopledger:"
COMPANY_PREFIX = "ll-co-"
DEAL_PREFIX = "ll-deal-"
SOURCE_PREFIX = "ll-src-"
CONTRACT_KINDS = ("compute_purchase", "cloud_contract", "licensing")
#: schemas that become deal legs when imported (INTERCHANGE.md 2, the table in reverse)
DEAL_SCHEMAS = ("Ownership", "ContractAward", "Payment", "Debt", "UnknownLink")
#: schemas read only as parts of a deal: parties, contracts, securities, documents
PART_SCHEMAS = ("Contract", "Security")
#: FtM properties holding amounts or shares that must parse as decimals
DECIMAL_PROPS = ("amount", "amountUsd", "amountEur", "sharesValue", "sharesCount", "percentage")
_ENTITY_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")
_STATUSES = {s.value for s in Status if s is not Status.amended}
_KINDS = {k.value for k in DealKind}
_KIND_WORDS = {k: k.replace("_", " ") for k in _KINDS}


# ids ------------------------------------------------------------------------------------------

def entity_id(prefix: str, key: str) -> str:
    """``prefix + key`` when FtM accepts it as an id; otherwise the key with other characters
    replaced by ``-`` and a hash suffix, so distinct keys keep distinct ids."""
    plain = prefix + key
    if _ENTITY_ID.match(plain) and len(plain) <= 180:
        return plain
    cleaned = re.sub(r"[^0-9a-zA-Z.\-]+", "-", key).strip(".-")[:120]
    return f"{prefix}{cleaned}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def company_entity_id(company_id: str) -> str:
    return entity_id(COMPANY_PREFIX, company_id)


def deal_entity_id(deal_id: str) -> str:
    return entity_id(DEAL_PREFIX, deal_id)


def source_entity_id(url: str) -> str:
    """``ll-src-<sha1(url)[:16]>`` (INTERCHANGE.md 1)."""
    return SOURCE_PREFIX + hashlib.sha1(url.encode()).hexdigest()[:16]


# the loopledger: block -------------------------------------------------------------------------

def _survives(text: str) -> bool:
    """Whether FtM's text cleaning leaves ``text`` as it is (it drops format characters such
    as soft hyphens and zero-width spaces, and turns line separators into spaces)."""
    return registry.text.clean(text) == text


def _cell(value: Any) -> str:
    text = to_csv_cell(value)
    if not _survives(text):
        return json.dumps(text, ensure_ascii=True)  # \u escapes are plain ASCII: FtM keeps them
    if "\n" in text or "\r" in text or text != text.strip() or text.startswith('"'):
        return json.dumps(text, ensure_ascii=False)
    return text


def _json_line(body: dict) -> str:
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)
    return text if _survives(text) else json.dumps(body, ensure_ascii=True, sort_keys=True)


def encode_block(pairs: Iterable[tuple[str, Any]]) -> str:
    """``loopledger:`` then one ``key: value`` line per pair with a value (None, "" and [] are
    left out). Values use the ledger's CSV cell text; text that would not survive a line is
    JSON-quoted."""
    lines = [BLOCK_HEAD]
    for key, value in pairs:
        if value is None or value == "" or value == []:
            continue
        lines.append(f"{key}: {value if key == 'event' else _cell(value)}")
    return "\n".join(lines)


def decode_block(text: str | None) -> list[tuple[str, str]] | None:
    """The (key, text) pairs of a ``loopledger:`` block, or None when there is none."""
    if not text:
        return None
    lines = text.split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == BLOCK_HEAD)
    except StopIteration:
        return None
    pairs = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        key, sep, value = line.partition(": ")
        if not sep:
            key, value = line.rstrip(":"), ""
        if value.startswith('"'):
            value = json.loads(value)
        pairs.append((key.strip(), value))
    return pairs


def _record_values(model: type, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    out = {}
    for key, text in pairs:
        if key in model.model_fields:
            out[key] = from_csv_cell(model, key, text)
    return out


# export ----------------------------------------------------------------------------------------

def _company_schema(c: Company) -> str:
    detail = (c.type_detail or "").lower()
    if "government" in detail:
        return "PublicBody"
    if c.placeholder or "non-profit" in detail or "nonprofit" in detail:
        return "Organization"
    if c.type == "investor" and not c.ticker:
        return "Organization"  # funds, consortia, sovereign investors
    return "Company"


def _countries(text: str | None) -> list[str]:
    out = []
    for part in re.split(r"[/,;]", text or ""):
        code = registry.country.clean(part.strip()) if part.strip() else None
        if code and code not in out:
            out.append(code)
    return out


def _warrant_word(d: Deal) -> str:
    text = " ".join(filter(None, [d.id, d.units, d.amount_note, d.notes])).lower()
    return "warrant" if "warrant" in text else "equity grant"


def _is_paid_flow(d: Deal, status: str | None) -> bool:
    """Legs that record cash actually paid: realised spend, funded revenue shares, deposits."""
    if d.overlap == "realized_spend":
        return True
    if d.kind == "revenue_share" and status == "funded":
        return True
    note = " ".join(filter(None, [d.amount_note, d.id])).lower()
    return d.kind == "other" and status == "funded" and "deposit" in note


def _all_stock(d: Deal) -> bool:
    return "all-stock" in (d.amount_note or "").lower()


def _amount_words(d: Deal) -> str:
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


@dataclass
class _Export:
    """Entities being built, with the provenance of each value for the statements export."""

    dataset: str
    entities: list[EntityProxy] = field(default_factory=list)
    origin: dict[tuple[str, str, str], str] = field(default_factory=dict)
    original: dict[tuple[str, str, str], str] = field(default_factory=dict)
    seen: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    default_origin: dict[str, str] = field(default_factory=dict)

    def make(self, schema: str, eid: str, seen: tuple[str | None, str | None], origin: str | None = None) -> EntityProxy:
        e = ftm_model.make_entity(schema)
        if not _ENTITY_ID.match(eid):
            raise LedgerError(f"'{eid}' is not a valid FtM entity id")
        e.id = eid
        self.entities.append(e)
        self.seen[eid] = seen
        if origin:
            self.default_origin[eid] = origin
        return e

    def put(self, e: EntityProxy, prop: str, value: Any, origin: str | None = None,
            original: str | None = None, kept: bool = False) -> None:
        """Add a value; fail loudly if FtM would drop or change it (never lose data silently),
        unless ``kept``: the exact value is in the entity's ``loopledger:`` block, and FtM's
        cleaned form (names without zero-width characters ...) is what other tools get."""
        if value is None or value == "":
            return
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if v is None or v == "":
                continue
            text = str(v)
            ptype = e.schema.properties[prop].type
            clean = ptype.clean(text, proxy=e)
            if clean is None and kept:
                continue
            if clean is None or (prop == "description" and clean != text):
                raise LedgerError(f"FtM does not accept {prop}={text!r} on {e.schema.name} {e.id}")
            e.add(prop, clean, cleaned=True, quiet=False)
            if origin:
                self.origin[(e.id, prop, clean)] = origin
            if original is not None and original != clean:
                self.original[(e.id, prop, clean)] = original


def _ts(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else str(value)


def _seen_times(ledger, table: str) -> dict[str, tuple[str | None, str | None]]:
    return {r["id"]: (_ts(r.get("created_at")), _ts(r.get("updated_at")))
            for r in ledger.store.rows(table)}


def _build(ledger, dataset: str | None = None) -> _Export:
    out = _Export(dataset=dataset or ledger.name)
    deals = sorted(ledger.records("deals"), key=lambda d: d.id)
    events = defaultdict(list)
    for ev in ledger.records("events"):
        events[ev.deal].append(ev)
    for evs in events.values():
        evs.sort(key=_event_order)
    by_event = {ev.id: ev for evs in events.values() for ev in evs}
    status = {}
    for row in ledger.status_table().itertuples():
        if isinstance(row.status, str) and row.status_event in by_event:
            status[row.deal] = by_event[row.status_event]
    all_companies = {c.id: c for c in ledger.records("companies", include_retracted=True)}
    used = {d.payer for d in deals} | {d.payee for d in deals}
    companies = [c for c in all_companies.values() if not c.retracted or c.id in used]
    companies.sort(key=lambda c: c.id)
    sources = {s.id: s for s in ledger.records("sources", include_retracted=True)}
    live_sources = sorted((s for s in sources.values() if not s.retracted or
                           any(s.id in d.sources for d in deals)), key=lambda s: s.id)
    seen_co = _seen_times(ledger, "companies")
    seen_src = _seen_times(ledger, "sources")
    seen_deal = _seen_times(ledger, "deals")
    names = {c.id: c.name for c in companies}

    for c in companies:
        e = out.make(_company_schema(c), company_entity_id(c.id), seen_co.get(c.id, (None, None)))
        out.put(e, "name", c.name, kept=True)
        out.put(e, "alias", c.aliases, kept=True)
        if c.ticker and "ticker" in e.schema.properties:
            out.put(e, "ticker", c.ticker, kept=True)
        for code in _countries(c.country):
            out.put(e, "country", code, original=c.country)
        # every field, exactly: FtM cleans names and URLs (whitespace, case) on the way in
        out.put(e, "description", encode_block((k, getattr(c, k)) for k in Company.model_fields))
    for c in companies:
        if c.parent and c.parent in all_companies:
            e = out.make("Ownership", company_entity_id(c.id) + "-parent", seen_co.get(c.id, (None, None)))
            out.put(e, "owner", company_entity_id(c.parent))
            out.put(e, "asset", company_entity_id(c.id))
            out.put(e, "ownershipType", "parent")
            out.put(e, "startDate", ftm_date(c.parent_since), original=c.parent_since)
            out.put(e, "description", encode_block([("role", "parent"), ("company", c.id)]))
    for s in live_sources:
        e = out.make("Article", source_entity_id(s.url), seen_src.get(s.id, (None, None)), origin=s.id)
        out.put(e, "sourceUrl", s.url)
        out.put(e, "publisher", s.publisher, kept=True)
        out.put(e, "publishedAt", ftm_date(s.date), original=s.date)
        out.put(e, "title", s.title, kept=True)
        out.put(e, "description", encode_block((k, getattr(s, k)) for k in Source.model_fields))
    for d in deals:
        _deal_entities(out, d, events.get(d.id, []), status.get(d.id), sources, names,
                       seen_deal.get(d.id, (None, None)))
    return out


def _event_order(ev: StatusEvent) -> tuple:
    n = ev.id.rsplit("/", 1)[-1]
    return (PartialDate.parse(ev.date).start, int(n) if n.isdigit() else 0, ev.id)


def _deal_entities(out: _Export, d: Deal, evs: list[StatusEvent], last: StatusEvent | None,
                   sources: dict[str, Source], names: dict[str, str], seen) -> None:
    status = last.status if last else None
    status_origin = last.sources[0] if last and last.sources else None
    primary = d.sources[0] if d.sources else None
    main_id = deal_entity_id(d.id)
    payer, payee = company_entity_id(d.payer), company_entity_id(d.payee)
    lo, hi = d.usd_low, d.usd_high
    one = hi if hi is not None else lo
    amount = usd_text(one) if one is not None else None
    raw_amount = None
    if one is not None:
        native = d.amount_high if d.amount_high is not None else d.amount_low
        raw_amount = f"{to_csv_cell(native)} {d.currency} bn"
    kind = d.kind
    paid = _is_paid_flow(d, status)
    helpers_before: list[EntityProxy] = []
    helpers_after: list[EntityProxy] = []

    def money(e: EntityProxy, prop: str = "amount", currency_prop: str = "currency") -> None:
        if amount is None:
            return
        out.put(e, prop, amount, origin=primary, original=raw_amount)
        out.put(e, currency_prop, "USD")
        if "amountUsd" in e.schema.properties:
            out.put(e, "amountUsd", amount, origin=primary, original=raw_amount)

    def make_main(schema: str) -> EntityProxy:
        return out.make(schema, main_id, seen, origin=primary)

    def dated(e: EntityProxy) -> None:
        """Announced as ``date``; the term as ``startDate``/``endDate`` (Interval schemas)."""
        out.put(e, "date", ftm_date(d.announced), original=d.announced)
        out.put(e, "startDate", ftm_date(d.term_start), original=d.term_start)
        out.put(e, "endDate", ftm_date(d.term_end, end=True), original=d.term_end)

    if kind in CONTRACT_KINDS and not paid:
        contract = out.make("Contract", main_id + "-contract", seen, origin=primary)
        helpers_before.append(contract)
        title = f"{_KIND_WORDS[kind]}: {names.get(d.payer, d.payer)} -> {names.get(d.payee, d.payee)}"
        out.put(contract, "title", title)
        out.put(contract, "authority", payer)
        money(contract)
        out.put(contract, "contractDate", ftm_date(d.announced), original=d.announced)
        out.put(contract, "type", kind)
        out.put(contract, "status", status, origin=status_origin)
        e = make_main("ContractAward")
        out.put(e, "contract", contract.id)
        out.put(e, "supplier", payee)
        money(e)
        out.put(e, "startDate", ftm_date(d.term_start), original=d.term_start)
        out.put(e, "endDate", ftm_date(d.term_end, end=True), original=d.term_end)
        out.put(e, "status", status, origin=status_origin)
    elif kind == "equity_investment":
        e = make_main("Ownership")
        out.put(e, "owner", payer)
        out.put(e, "asset", payee)
        out.put(e, "percentage", None if d.stake_pct is None else to_csv_cell(d.stake_pct), origin=primary)
        money(e, "sharesValue", "sharesCurrency")
        out.put(e, "status", status, origin=status_origin)
        out.put(e, "startDate", ftm_date(d.announced), original=d.announced)
        out.put(e, "ownershipType", "direct")
    elif kind == "acquisition":
        e = make_main("Ownership")
        out.put(e, "owner", payer)
        out.put(e, "asset", payee)
        out.put(e, "percentage", "100")
        money(e, "sharesValue", "sharesCurrency")  # the price, cash or stock
        out.put(e, "ownershipType", "acquisition")
        out.put(e, "status", status, origin=status_origin)
        out.put(e, "startDate", ftm_date(d.announced), original=d.announced)
        if status == "funded" and not _all_stock(d) and amount is not None:
            pay = out.make("Payment", main_id + "-payment", seen, origin=primary)
            helpers_after.append(pay)
            out.put(pay, "payer", payer)
            out.put(pay, "beneficiary", payee)
            money(pay)
            out.put(pay, "date", ftm_date(last.date) if last else None)
            out.put(pay, "purpose", "acquisition")
            out.put(pay, "recordId", d.id)
            out.put(pay, "summary", f"cash part of acquisition {d.id}; status: {status}")
    elif kind in ("lease", "loan_debt_spv"):
        e = make_main("Debt")
        debtor, creditor = (payer, payee) if kind == "lease" else (payee, payer)
        out.put(e, "debtor", debtor)
        out.put(e, "creditor", creditor)
        money(e)
        dated(e)
    elif kind == "warrant_or_equity_grant":
        word = _warrant_word(d)
        security = out.make("Security", main_id + "-security", seen, origin=primary)
        helpers_before.append(security)
        out.put(security, "name", f"{names.get(d.payer, d.payer)} {word} for {names.get(d.payee, d.payee)}")
        out.put(security, "type", word)
        out.put(security, "issuer", payer)
        e = make_main("Ownership")
        out.put(e, "owner", payee)
        out.put(e, "asset", security.id)
        out.put(e, "percentage", None if d.stake_pct is None else to_csv_cell(d.stake_pct), origin=primary)
        out.put(e, "sharesCount", None if d.share_count is None else to_csv_cell(d.share_count), origin=primary)
        money(e, "sharesValue", "sharesCurrency")
        out.put(e, "ownershipType", "potential")
        out.put(e, "status", status, origin=status_origin)
        out.put(e, "startDate", ftm_date(d.announced), original=d.announced)
    elif paid:
        e = make_main("Payment")
        out.put(e, "payer", payer)
        out.put(e, "beneficiary", payee)
        money(e)
        dated(e)
        out.put(e, "purpose", kind)
        for other in d.overlap_with:
            out.put(e, "contract", deal_entity_id(other) + "-contract")
    else:  # capacity_backstop, other, unpaid revenue_share
        e = make_main("UnknownLink")
        out.put(e, "subject", payer)
        out.put(e, "object", payee)
        out.put(e, "role", _KIND_WORDS[kind])
        out.put(e, "status", status, origin=status_origin)
        dated(e)

    summary = []
    if not d.include_in_totals:
        summary.append("summary row: do not add")
    summary.append(f"{_KIND_WORDS[kind]}: {names.get(d.payer, d.payer)} -> {names.get(d.payee, d.payee)}")
    summary.append(_amount_words(d))
    if kind == "loan_debt_spv":
        summary.append(f"loan: lender {names.get(d.payer, d.payer)} -> borrower {names.get(d.payee, d.payee)}")
    if "status" not in e.schema.properties:
        summary.append(f"status: {status or 'unknown'}")
    out.put(e, "summary", "; ".join(summary))
    out.put(e, "recordId", d.id)
    skip = ("id", "payer", "payee", "retracted", "retracted_reason")
    pairs: list[tuple[str, Any]] = [("kind", kind)]
    pairs += [(k, getattr(d, k)) for k in Deal.model_fields if k not in skip and k != "kind"]
    for ev in evs:
        body = {k: getattr(ev, k) for k in ("id", "date", "status", "note") if getattr(ev, k) is not None}
        body["sources"] = list(ev.sources)
        pairs.append(("event", _json_line(body)))
    out.put(e, "description", encode_block(pairs))
    for helper in [*helpers_before, e, *helpers_after]:
        for sid in d.sources:
            s = sources.get(sid)
            if s is None:
                continue
            for prop, value in (("sourceUrl", s.url), ("publisher", s.publisher),
                                ("proof", source_entity_id(s.url))):
                if prop in helper.schema.properties:
                    out.put(helper, prop, value, origin=s.id, kept=True)


def entities(ledger, dataset: str | None = None) -> list[EntityProxy]:
    """The ledger as FtM entities (INTERCHANGE.md 1), in export order: companies (and their
    parent ``Ownership`` links), sources as ``Article``, then each deal's entities by deal id.
    Retracted deals are left out, as from every view.

    >>> from loopledger import load_default
    >>> ents = entities(load_default())
    >>> ents[0].schema.name in ("Company", "Organization", "PublicBody")
    True
    """
    return _build(ledger, dataset).entities


def write_entities(ledger, path: str | Path) -> list[Path]:
    """Write the entity stream (JSON lines, ``*.ftm.json``) to ``path`` or stdout (``-``)."""
    with open_output(path) as fh:
        for e in entities(ledger):
            fh.write(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    return [] if str(path) == "-" else [Path(path)]


# statements ------------------------------------------------------------------------------------

def statements(ledger, dataset: str | None = None):
    """FtM statements (one per property value) for :func:`entities`, with provenance:
    ``dataset`` = the ledger's name, ``origin`` = the loopledger source id behind the value
    (the specific source for ``sourceUrl``/``publisher``/``proof`` values, the latest status
    event's source for ``status``, else the deal's first source), ``original_value`` = the
    text before conversion (``300 USD bn``, ``~2036``, ``US/UAE``), ``first_seen`` /
    ``last_seen`` = when the record was first stored and last changed."""
    from followthemoney.statement import Statement

    built = _build(ledger, dataset)
    for e in built.entities:
        first, last = built.seen.get(e.id, (None, None))
        base = built.default_origin.get(e.id)
        yield Statement(entity_id=e.id, prop=Statement.BASE, schema=e.schema.name, value=e.id,
                        dataset=built.dataset, first_seen=first, last_seen=last, origin=base)
        for prop, value in e.itervalues():
            key = (e.id, prop.name, value)
            yield Statement(
                entity_id=e.id, prop=prop.name, schema=e.schema.name, value=value,
                dataset=built.dataset, first_seen=first, last_seen=last,
                origin=built.origin.get(key, base), original_value=built.original.get(key),
            )


def write_statements(ledger, path: str | Path) -> list[Path]:
    """Write the statements as CSV (default) or JSON lines (``.json``/``.jsonl`` file names)
    with ``followthemoney.statement``; ``-`` writes CSV to stdout."""
    from followthemoney.statement import CSV, JSON
    from followthemoney.statement import write_statements as ftm_write

    name = str(path)
    fmt = JSON if name.endswith((".json", ".jsonl")) else CSV
    with open_output(path, binary=True) as fh:
        ftm_write(fh, fmt, statements(ledger))
    return [] if name == "-" else [Path(path)]


# import ----------------------------------------------------------------------------------------

@dataclass
class _Entity:
    line: int
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def schema(self):
        return ftm_model.get(self.data["schema"])

    def get(self, prop: str) -> list[str]:
        return list(self.data.get("properties", {}).get(prop, []))

    def first(self, prop: str) -> str | None:
        values = self.get(prop)
        return values[0] if values else None


class ImportCounts(dict):
    """Records imported per table; ``skipped`` counts the FtM entities not imported, by reason."""

    def __init__(self, counts: dict[str, int], skipped: dict[str, int] | None = None):
        super().__init__(counts)
        self.skipped = dict(skipped or {})


def _parse_stream(text: str, where: str) -> tuple[list[_Entity], list[Problem]]:
    items, problems = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(Problem(where, n, "", f"not valid JSON ({e.msg} at character {e.colno})"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data.get("id"):
            problems.append(Problem(where, n, "id", "each line must be an entity object with an 'id'"))
            continue
        if not isinstance(data.get("schema"), str):
            problems.append(Problem(where, n, "schema", "the entity has no schema"))
            continue
        props = data.setdefault("properties", {})
        if not isinstance(props, dict) or any(
            not isinstance(v, list) or any(not isinstance(x, str) for x in v) for v in props.values()
        ):
            problems.append(Problem(where, n, "properties", "properties must map names to lists of strings"))
            continue
        items.append(_Entity(n, data))
    return items, problems


def _check_entities(items: list[_Entity], where: str, known_ids: set[str]) -> list[Problem]:
    problems = []
    by_id: dict[str, int] = {}
    for it in items:
        if it.id in by_id:
            problems.append(Problem(where, it.line, "id", f"duplicate entity id '{it.id}' (first on line {by_id[it.id]})"))
        else:
            by_id[it.id] = it.line
    ids = set(by_id) | known_ids
    for it in items:
        schema = it.schema
        if schema is None:
            problems.append(Problem(where, it.line, "schema", f"unknown FtM schema '{it.data['schema']}'"))
            continue
        bad = [p for p in it.data["properties"] if p not in schema.properties]
        for p in bad:
            problems.append(Problem(where, it.line, p, f"'{p}' is not a property of {schema.name}"))
        try:
            schema.validate(it.data)
        except InvalidData as e:
            errors = (getattr(e, "errors", None) or {}).get("properties", {})
            for p, msg in sorted(errors.items()):
                problems.append(Problem(where, it.line, p, str(msg)))
            if not errors:
                problems.append(Problem(where, it.line, "", str(e)))
        for p in DECIMAL_PROPS:
            if p in schema.properties and p not in bad:
                for v in it.get(p):
                    if parse_decimal(v) is None:
                        problems.append(Problem(where, it.line, p, f"'{v}' is not a decimal number"))
        if schema.edge:
            for end in (schema.edge_source, schema.edge_target):
                values = it.get(end)
                if not values:
                    problems.append(Problem(where, it.line, end, f"edge end '{end}' is missing"))
                for v in values:
                    if v not in ids:
                        problems.append(Problem(where, it.line, end, f"'{v}' is not an entity of the stream or the ledger"))
        for p in ("contract", "authority", "issuer"):
            if p in schema.properties and schema.name in ("ContractAward", "Contract", "Security"):
                for v in it.get(p):
                    if v not in ids:
                        problems.append(Problem(where, it.line, p, f"'{v}' is not an entity of the stream or the ledger"))
    return problems


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9._\-]+", "-", text.lower()).strip("-._")
    return s or "x"


def _day(text: str | None) -> str | None:
    """An FtM date value (``2025``, ``2025-10``, ``2025-10-28T10:00``) as a ledger date."""
    if not text:
        return None
    return text[:10]


def _host(url: str) -> str:
    return urlparse(url).hostname or url


class _Importer:
    """Turns checked entities into ledger rows (RawRow per table, with the entity's line)."""

    def __init__(self, ledger, items: list[_Entity], where: str, default_status: str | None):
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

    def problem(self, it: _Entity, prop: str, reason: str) -> None:
        self.problems.append(Problem(self.where, it.line, prop, reason))

    def row(self, table: str, it: _Entity, values: dict[str, Any]) -> None:
        self.rows[table].append(RawRow(self.where, it.line, values))

    # companies and sources ---------------------------------------------------------------

    def _same(self, existing, values: dict[str, Any], model) -> list[str]:
        try:
            new = model.model_validate(values)
        except Exception:
            return []  # the row check reports it
        a, b = existing.model_dump(), new.model_dump()
        return [k for k in a if k != "retracted" and a[k] != b[k]]

    def ledger_record(self, it: _Entity, pairs: list[tuple[str, str]], table: str,
                      props: dict[str, str]) -> dict[str, Any] | None:
        """A company or source written by loopledger: its values from the block (FtM
        properties only where the block lacks them); None when it is already in the ledger
        (identical: skipped; different: a problem)."""
        model = MODELS[table]
        values = _record_values(model, pairs)
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

    def ledger_company(self, it: _Entity, pairs: list[tuple[str, str]]) -> None:
        cid = dict(pairs).get("id")
        if cid:
            self.company_of[it.id] = cid
        if self.ledger_record(it, pairs, "companies", {"name": "name", "aliases": "alias"}):
            self.new_company_ids.add(cid)

    def foreign_company(self, it: _Entity) -> str:
        if it.id in self.company_of:
            return self.company_of[it.id]
        name = it.first("name") or it.id
        names = [name, *it.get("alias")]
        for c in self.existing_companies.values():
            own = {c.name.lower(), c.id, *(a.lower() for a in c.aliases)}
            if any(n.lower() in own for n in names):
                self.company_of[it.id] = c.id
                return c.id
        base = _slug(name)
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

    def ledger_source(self, it: _Entity, pairs: list[tuple[str, str]]) -> None:
        values = self.ledger_record(it, pairs, "sources", {"url": "sourceUrl", "publisher": "publisher",
                                                             "title": "title"})
        if values:
            self.new_source_ids.add(values["id"])
            self.source_by_url[values["url"]] = values["id"]

    def source_for(self, it: _Entity, url: str, publisher: str | None, date: str | None) -> str:
        if url in self.source_by_url:
            return self.source_by_url[url]
        from ..ledger.ledger import source_id_for

        sid = source_id_for(url)
        self.source_by_url[url] = sid
        self.new_source_ids.add(sid)
        self.row("sources", it, dict(id=sid, url=url, publisher=publisher or _host(url),
                                     date=_day(date), type="other"))
        return sid

    # deals ---------------------------------------------------------------------------------

    def party(self, it: _Entity, entity_ref: str, prop: str) -> str | None:
        if entity_ref in self.company_of:
            return self.company_of[entity_ref]
        target = self.by_id.get(entity_ref)
        if target is None:
            self.problem(it, prop, f"'{entity_ref}' is not a company of the stream or the ledger")
            return None
        if not target.schema.is_a("LegalEntity"):
            self.problem(it, prop, f"'{entity_ref}' is a {target.schema.name}, not a company or organisation")
            return None
        return self.foreign_company(target)

    def ends(self, it: _Entity, kind: str | None) -> tuple[str | None, str | None, str | None]:
        """(payer, payee, warrant issuer or None) of a deal entity, per INTERCHANGE.md 1."""
        schema = it.schema.name
        if schema == "Ownership":
            asset = self.by_id.get(it.first("asset"))
            if asset is not None and asset.schema.name == "Security":
                issuer = asset.first("issuer")
                if not issuer:
                    self.problem(it, "asset", f"security '{asset.id}' has no issuer (the warrant's payer)")
                    return None, None, None
                return self.party(it, issuer, "asset"), self.party(it, it.first("owner"), "owner"), issuer
            return self.party(it, it.first("owner"), "owner"), self.party(it, it.first("asset"), "asset"), None
        if schema == "ContractAward":
            contract = self.by_id.get(it.first("contract"))
            authority = contract.first("authority") if contract else None
            if not authority:
                self.problem(it, "contract", "the contract names no authority (the buyer who pays)")
                return None, self.party(it, it.first("supplier"), "supplier"), None
            return self.party(it, authority, "contract"), self.party(it, it.first("supplier"), "supplier"), None
        if schema == "Debt":
            debtor, creditor = self.party(it, it.first("debtor"), "debtor"), self.party(it, it.first("creditor"), "creditor")
            return (debtor, creditor, None) if kind == "lease" else (creditor, debtor, None)
        if schema == "Payment":
            return self.party(it, it.first("payer"), "payer"), self.party(it, it.first("beneficiary"), "beneficiary"), None
        return self.party(it, it.first("subject"), "subject"), self.party(it, it.first("object"), "object"), None

    def announced_of(self, it: _Entity) -> str | None:
        schema = it.schema.name
        if schema == "Ownership":
            return _day(it.first("startDate") or it.first("date"))
        if schema == "ContractAward":
            contract = self.by_id.get(it.first("contract"))
            found = contract.first("contractDate") if contract else None
            return _day(found or it.first("date") or it.first("startDate"))
        return _day(it.first("date") or (it.first("startDate") if schema == "Payment" else None))

    def sources_of(self, it: _Entity) -> list[str]:
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

    def ledger_deal(self, it: _Entity, pairs: list[tuple[str, str]]) -> None:
        values = _record_values(Deal, pairs)
        kind = values.get("kind")
        payer, payee, _ = self.ends(it, kind)
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

    def foreign_status(self, it: _Entity) -> str | None:
        values = it.get("status")
        if it.schema.name == "ContractAward" and not values:
            contract = self.by_id.get(it.first("contract"))
            values = contract.get("status") if contract else []
        for v in values:
            if v.strip().lower() in _STATUSES:
                return v.strip().lower()
        if self.default_status:
            return self.default_status
        if values:
            self.problem(it, "status", f"status '{values[0]}' is not a loopledger status "
                         f"({', '.join(sorted(_STATUSES))}): pass --default-status to choose one")
        else:
            self.problem(it, "status", f"a {it.schema.name} has no loopledger status: pass --default-status")
        return None

    def foreign_amount(self, it: _Entity, prop: str, currency_prop: str, helper: _Entity | None) -> float | None:
        for source in filter(None, [it, helper]):
            if "amountUsd" in source.data["properties"]:
                return billions(parse_decimal(source.first("amountUsd")))
            if prop in source.data["properties"]:
                value = parse_decimal(source.first(prop))
                currency = (source.first(currency_prop) or "").upper()
                if currency == "USD":
                    return billions(value)
                self.problem(it, currency_prop, f"amount {source.first(prop)} in "
                             f"'{currency or 'no currency'}': give amountUsd (no conversion rate is guessed)")
                return None
        return None

    def foreign_deal(self, it: _Entity) -> None:
        schema = it.schema.name
        contract = self.by_id.get(it.first("contract")) if schema == "ContractAward" else None
        if schema == "Ownership":
            asset = self.by_id.get(it.first("asset"))
            kind = "warrant_or_equity_grant" if asset is not None and asset.schema.name == "Security" else "equity_investment"
            if (it.first("ownershipType") or "").lower() == "acquisition":
                kind = "acquisition"
        elif schema == "ContractAward":
            ctype = (contract.first("type") or "").strip().lower() if contract else ""
            kind = ctype if ctype in CONTRACT_KINDS else "other"
        elif schema == "Debt":
            kind = "loan_debt_spv"
        elif schema == "Payment":
            purpose = (it.first("purpose") or "").strip().lower().replace(" ", "_")
            kind = purpose if purpose in _KINDS else "other"
        else:
            role = (it.first("role") or "").strip().lower().replace(" ", "_")
            kind = role if role in _KINDS else "other"
        payer, payee, _ = self.ends(it, kind)
        status = "funded" if schema == "Payment" else self.foreign_status(it)
        if schema == "Ownership":
            amount = self.foreign_amount(it, "sharesValue", "sharesCurrency", None)
        else:
            amount = self.foreign_amount(it, "amount", "currency", contract)
        announced = self.announced_of(it)
        if announced is None:
            self.problem(it, "date", "no date (date, startDate or contractDate): a status needs one")
        sources = self.sources_of(it)
        if not sources:
            self.problem(it, "sourceUrl", "no source: every deal needs a sourceUrl, or a proof document with one")
        pct = it.first("percentage") if schema == "Ownership" and kind != "acquisition" else None
        deal_id = "ftm-" + _slug(it.id)
        text = "; ".join(filter(None, [it.first("summary"), it.first("description")]))
        values = dict(
            id=deal_id, group=deal_id, announced=announced, payer=payer, payee=payee, kind=kind,
            amount_low=amount, amount_high=amount,
            stake_pct=float(parse_decimal(pct)) if pct else None,
            share_count=float(parse_decimal(it.first("sharesCount"))) if it.first("sharesCount") else None,
            term_start=_day(it.first("startDate")) if schema in ("ContractAward", "Debt") else None,
            term_end=_day(it.first("endDate")) if schema in ("ContractAward", "Debt") else None,
            confidence="low", sources=sources,
            notes=f"Imported from FtM {schema} {it.id}" + (f": {text}" if text else ""),
        )
        self.row("deals", it, values)
        if status and announced:
            self.row("events", it, dict(id=f"{deal_id}/1", deal=deal_id, date=announced,
                                        status=status, sources=sources))

    def run(self) -> None:
        deals = []
        for it in self.items:
            schema = it.schema
            pairs = decode_block(it.first("description"))
            if schema.is_a("LegalEntity") and pairs is not None:
                self.ledger_company(it, pairs)
            elif schema.name == "Article" and pairs is not None:
                self.ledger_source(it, pairs)
        for it in self.items:
            schema = it.schema
            pairs = decode_block(it.first("description"))
            if schema.name in DEAL_SCHEMAS:
                if pairs is not None and dict(pairs).get("role") == "parent":
                    self.skipped["Ownership (parent link, kept on the company)"] += 1
                elif pairs is not None and dict(pairs).get("kind"):
                    deals.append((it, pairs))
                elif it.first("recordId") and self.by_id.get(deal_entity_id(it.first("recordId"))) not in (None, it):
                    self.skipped[f"{schema.name} (part of deal {it.first('recordId')})"] += 1
                else:
                    deals.append((it, None))
            elif schema.is_a("LegalEntity") or schema.name in PART_SCHEMAS or schema.is_a("Document"):
                continue  # read as parts of deals
            else:
                self.skipped[schema.name] += 1
        for it, pairs in deals:
            if pairs is not None:
                self.ledger_deal(it, pairs)
            else:
                self.foreign_deal(it)
        used = set(self.company_of)
        for it in self.items:
            if it.schema.is_a("LegalEntity") and it.id not in used:
                self.skipped[f"{it.schema.name} (in no deal)"] += 1


def import_entities(ledger, path: str | Path, reason: str | None = None,
                    default_status: str | None = None, actor: str | None = None) -> ImportCounts:
    """Import an FtM entity stream (a file, or stdin for ``-``) into the ledger: all records or
    none. Raises :class:`~loopledger.errors.ValidationError` listing every problem as
    ``file:line:property: reason``. Returns the records added per table; ``.skipped`` counts
    the entities left out, by schema or reason.

    ``default_status`` is the status given to legs whose FtM status is missing or not a
    loopledger status (the importer never guesses one; ``Payment`` means paid: ``funded``).
    """
    from ..ledger.ledger import default_actor

    if default_status is not None and default_status not in _STATUSES:
        raise LedgerError(f"unknown status '{default_status}': expected one of {', '.join(sorted(_STATUSES))}")
    text, where = read_input(path)
    items, problems = _parse_stream(text, where)
    known = {company_entity_id(c.id) for c in ledger.records("companies", include_retracted=True)}
    problems += _check_entities(items, where, known)
    if problems:
        raise ValidationError(problems)
    imp = _Importer(ledger, items, where, default_status)
    imp.run()
    if imp.problems:
        raise ValidationError(sorted(imp.problems, key=lambda p: (p.row or 0, p.column)))
    parsed, problems = validate_rows(dict(imp.rows), ledger.known())
    if problems:
        raise ValidationError(problems)
    # through Ledger.add (checks again, writes in one transaction, refreshes the ledger's cache)
    counts = ledger.add(parsed.records, actor=actor or default_actor(), reason=reason or f"import FtM {where}")
    return ImportCounts({t: counts.get(t, 0) for t in MODELS if counts.get(t)}, dict(imp.skipped))


__all__ = [
    "BLOCK_HEAD", "ImportCounts", "company_entity_id", "deal_entity_id", "decode_block",
    "encode_block", "entities", "import_entities", "source_entity_id", "statements",
    "write_entities", "write_statements",
]
