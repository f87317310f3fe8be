"""Import a plain edge list (CSV, or Parquet) into the ledger as deal legs.

The smallest table a researcher has: one row per leg with ``source`` (payer) and ``target``
(payee), plus the columns below. A ledger fact needs a source, a date and a status, so those
are required too; nothing is guessed, and every problem is reported with file, line and
column before anything is written (all or nothing, as the ledger import).

============== ========= ====================================================================
column         required  meaning
============== ========= ====================================================================
source         yes       payer: a company id, name, alias or ticker already in the ledger, or
                         a new company's name (it is added with type ``other``)
target         yes       payee, as ``source``
source_url     yes       the page the leg comes from (http or https)
date           yes       when it was announced or reported (YYYY-MM-DD, YYYY-MM or YYYY);
                         ``announced`` is accepted as the column name too
status         no        a loopledger status; else ``default_status`` (required then)
kind           no        a loopledger deal kind; default ``other`` (unclassified)
amount         no        USD billions (one value: low = high); or ``amount_low`` and/or
                         ``amount_high``. Blank = undisclosed, never 0
id             no        deal id; default ``edge-<source>-<target>-<line>``
publisher      no        default: the host name of ``source_url``
source_date    no        publication date of the source
confidence     no        high, medium or low; default ``low`` (an unreviewed import)
notes          no        free text
============== ========= ====================================================================
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import LedgerError, Problem, ValidationError
from ..ledger.model import MODELS
from ..ledger.tables import RawRow
from ..ledger.validate import validate_rows
from ..vocabulary import CompanyType, DealKind
from .common import ImportCounts, host, parse_decimal, read_input, slug

REQUIRED = ("source", "target", "source_url")
KNOWN = {"source", "target", "source_url", "date", "announced", "status", "kind", "amount",
         "amount_low", "amount_high", "id", "publisher", "source_date", "confidence", "notes"}


def _read(path: str | Path) -> tuple[pd.DataFrame, str]:
    p = Path(str(path))
    if str(path) != "-" and p.suffix.lower() in (".parquet", ".pq"):
        if not p.exists():
            raise LedgerError(f"{p}: no such file")
        frame = pd.read_parquet(p)
        return frame.astype(object).where(frame.notna(), None), str(p)
    text, where = read_input(path)
    if not text.strip():
        raise ValidationError([Problem(where, 1, "", "the edge list is empty (no header row)")])
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as e:
        raise ValidationError([Problem(where, None, "", f"cannot read the CSV: {e}")]) from e
    return frame, where


def import_edges(ledger, path: str | Path, reason: str | None = None,
                 default_status: str | None = None, actor: str | None = None) -> ImportCounts:
    """Import the edge list at ``path`` (CSV or Parquet; ``-`` reads CSV from stdin) as deal
    legs: new companies, sources, deals and one status event per leg, all or nothing. See the
    module docstring for the columns. Raises ValidationError naming file, line and column."""
    from ..ledger.ledger import default_actor, source_id_for

    frame, where = _read(path)
    frame.columns = [str(c).strip() for c in frame.columns]
    problems = [Problem(where, 1, c, f"required column '{c}' is missing") for c in REQUIRED if c not in frame]
    if "date" not in frame and "announced" not in frame:
        problems.append(Problem(where, 1, "date", "required column 'date' is missing"))
    problems += [Problem(where, 1, c, f"unknown column '{c}'") for c in frame.columns if c not in KNOWN]
    if problems:
        raise ValidationError(problems)

    companies = ledger.records("companies", include_retracted=True)
    lookup: dict[str, str] = {}
    for c in companies:
        for key in (c.id, c.name, *c.aliases, c.ticker):
            if key:
                lookup.setdefault(key.strip().lower(), c.id)
    known_ids = {c.id for c in companies}
    sources = {s.url: s.id for s in ledger.records("sources", include_retracted=True)}
    rows: dict[str, list[RawRow]] = {t: [] for t in MODELS}
    new_companies: dict[str, str] = {}

    def text(row, col):
        v = row.get(col)
        if v is None or (isinstance(v, float) and v != v):
            return None
        v = str(v).strip()
        return v or None

    def company(label: str, line: int) -> str:
        key = label.strip().lower()
        if key in lookup:
            return lookup[key]
        cid, n = slug(label), 1
        while cid in known_ids:
            n += 1
            cid = f"{slug(label)}-{n}"
        known_ids.add(cid)
        lookup[key] = cid
        new_companies[cid] = label
        rows["companies"].append(RawRow(where, line, dict(
            id=cid, name=label.strip(), type=CompanyType.other.value, type_detail="imported from an edge list")))
        return cid

    for i, row in enumerate(frame.to_dict(orient="records")):
        line = i + 2
        payer_label, payee_label, url = text(row, "source"), text(row, "target"), text(row, "source_url")
        for col, value in (("source", payer_label), ("target", payee_label), ("source_url", url)):
            if value is None:
                problems.append(Problem(where, line, col, f"{col} is required"))
        announced = text(row, "date") or text(row, "announced")
        if announced is None:
            problems.append(Problem(where, line, "date", "date is required (a status needs one)"))
        status = text(row, "status") or default_status
        if status is None:
            problems.append(Problem(where, line, "status", "no status: give a status column or --default-status"))
        amounts = {}
        for col in ("amount", "amount_low", "amount_high"):
            raw = text(row, col)
            if raw is not None:
                d = parse_decimal(raw)
                if d is None:
                    problems.append(Problem(where, line, col, f"'{raw}' is not a number"))
                else:
                    amounts[col] = float(d)
        if payer_label is None or payee_label is None or url is None:
            continue
        payer, payee = company(payer_label, line), company(payee_label, line)
        if url not in sources:
            sid = source_id_for(url)
            sources[url] = sid
            rows["sources"].append(RawRow(where, line, dict(
                id=sid, url=url, publisher=text(row, "publisher") or host(url),
                date=text(row, "source_date"), type="other")))
        sid = sources[url]
        deal_id = text(row, "id") or f"edge-{payer}-{payee}-{line}"
        low = amounts.get("amount_low", amounts.get("amount"))
        high = amounts.get("amount_high", amounts.get("amount"))
        rows["deals"].append(RawRow(where, line, dict(
            id=deal_id, group=deal_id, announced=announced, payer=payer, payee=payee,
            kind=text(row, "kind") or DealKind.other.value, amount_low=low, amount_high=high,
            confidence=text(row, "confidence") or "low", notes=text(row, "notes"), sources=[sid])))
        if status is not None and announced is not None:
            rows["events"].append(RawRow(where, line, dict(
                id=f"{deal_id}/1", deal=deal_id, date=announced, status=status, sources=[sid])))
    parsed, more = validate_rows(rows, ledger.known())
    problems += more
    if problems:
        raise ValidationError(sorted(problems, key=lambda p: (p.row or 0, p.column)))
    counts = ledger.add(parsed.records, actor=actor or default_actor(), reason=reason or f"import edges {where}")
    return ImportCounts({t: counts.get(t, 0) for t in MODELS if counts.get(t)})
