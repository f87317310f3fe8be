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


def _text(row: dict, col: str) -> str | None:
    v = row.get(col)
    if v is None or (isinstance(v, float) and v != v):
        return None
    v = str(v).strip()
    return v or None


def _column_problems(frame: pd.DataFrame, where: str) -> list[Problem]:
    problems = [Problem(where, 1, c, f"required column '{c}' is missing") for c in REQUIRED if c not in frame]
    if "date" not in frame and "announced" not in frame:
        problems.append(Problem(where, 1, "date", "required column 'date' is missing"))
    problems += [Problem(where, 1, c, f"unknown column '{c}'") for c in frame.columns if c not in KNOWN]
    return problems


class _EdgeRows:
    """Ledger rows of an edge list, built row by row, with the problems found."""

    def __init__(self, ledger, where: str, default_status: str | None):
        self.where = where
        self.default_status = default_status
        companies = ledger.records("companies", include_retracted=True)
        self.lookup: dict[str, str] = {}
        for c in companies:
            for key in (c.id, c.name, *c.aliases, c.ticker):
                if key:
                    self.lookup.setdefault(key.strip().lower(), c.id)
        self.known_ids = {c.id for c in companies}
        self.sources = {s.url: s.id for s in ledger.records("sources", include_retracted=True)}
        self.rows: dict[str, list[RawRow]] = {t: [] for t in MODELS}
        self.problems: list[Problem] = []

    def problem(self, line: int, col: str, reason: str) -> None:
        self.problems.append(Problem(self.where, line, col, reason))

    def company(self, label: str, line: int) -> str:
        """The ledger company a label names (id, name, alias or ticker), else a new one."""
        key = label.strip().lower()
        if key in self.lookup:
            return self.lookup[key]
        cid, n = slug(label), 1
        while cid in self.known_ids:
            n += 1
            cid = f"{slug(label)}-{n}"
        self.known_ids.add(cid)
        self.lookup[key] = cid
        self.rows["companies"].append(RawRow(self.where, line, dict(
            id=cid, name=label.strip(), type=CompanyType.other.value, type_detail="imported from an edge list")))
        return cid

    def source(self, row: dict, url: str, line: int) -> str:
        from ..ledger.ledger import source_id_for

        if url not in self.sources:
            sid = source_id_for(url)
            self.sources[url] = sid
            self.rows["sources"].append(RawRow(self.where, line, dict(
                id=sid, url=url, publisher=_text(row, "publisher") or host(url),
                date=_text(row, "source_date"), type="other")))
        return self.sources[url]

    def amounts(self, row: dict, line: int) -> dict[str, float]:
        amounts = {}
        for col in ("amount", "amount_low", "amount_high"):
            raw = _text(row, col)
            if raw is not None:
                d = parse_decimal(raw)
                if d is None:
                    self.problem(line, col, f"'{raw}' is not a number")
                else:
                    amounts[col] = float(d)
        return amounts

    def add(self, row: dict, line: int) -> None:
        """The deal, its status event and any new company or source of one row."""
        payer_label, payee_label, url = _text(row, "source"), _text(row, "target"), _text(row, "source_url")
        for col, value in (("source", payer_label), ("target", payee_label), ("source_url", url)):
            if value is None:
                self.problem(line, col, f"{col} is required")
        announced = _text(row, "date") or _text(row, "announced")
        if announced is None:
            self.problem(line, "date", "date is required (a status needs one)")
        status = _text(row, "status") or self.default_status
        if status is None:
            self.problem(line, "status", "no status: give a status column or --default-status")
        amounts = self.amounts(row, line)
        if payer_label is None or payee_label is None or url is None:
            return
        payer, payee = self.company(payer_label, line), self.company(payee_label, line)
        sid = self.source(row, url, line)
        deal_id = _text(row, "id") or f"edge-{payer}-{payee}-{line}"
        low = amounts.get("amount_low", amounts.get("amount"))
        high = amounts.get("amount_high", amounts.get("amount"))
        self.rows["deals"].append(RawRow(self.where, line, dict(
            id=deal_id, group=deal_id, announced=announced, payer=payer, payee=payee,
            kind=_text(row, "kind") or DealKind.other.value, amount_low=low, amount_high=high,
            confidence=_text(row, "confidence") or "low", notes=_text(row, "notes"), sources=[sid])))
        if status is not None and announced is not None:
            self.rows["events"].append(RawRow(self.where, line, dict(
                id=f"{deal_id}/1", deal=deal_id, date=announced, status=status, sources=[sid])))


def import_edges(ledger, path: str | Path, reason: str | None = None,
                 default_status: str | None = None, actor: str | None = None) -> ImportCounts:
    """Import the edge list at ``path`` (CSV or Parquet; ``-`` reads CSV from stdin) as deal
    legs: new companies, sources, deals and one status event per leg, all or nothing. See the
    module docstring for the columns. Raises ValidationError naming file, line and column."""
    from ..ledger.ledger import default_actor

    frame, where = _read(path)
    frame.columns = [str(c).strip() for c in frame.columns]
    problems = _column_problems(frame, where)
    if problems:
        raise ValidationError(problems)
    edges = _EdgeRows(ledger, where, default_status)
    for i, row in enumerate(frame.to_dict(orient="records")):
        edges.add(row, line=i + 2)
    parsed, more = validate_rows(edges.rows, ledger.known())
    problems = edges.problems + more
    if problems:
        raise ValidationError(sorted(problems, key=lambda p: (p.row or 0, p.column)))
    counts = ledger.add(parsed.records, actor=actor or default_actor(), reason=reason or f"import edges {where}")
    return ImportCounts({t: counts.get(t, 0) for t in MODELS if counts.get(t)})
