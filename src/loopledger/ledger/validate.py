"""Validation of files against the data model, reporting every problem with its place.

``validate_files`` reads a folder of table files (or one file), checks each row against its
model (types, vocabularies, ranges, impossible dates, required sources), each record's
cross-field rules (low <= high, payer != payee, a currency other than USD needs a rate...) and
then the tables together: duplicate ids, references to companies / deals / sources that exist
neither in the files nor in the database, deals without a status history and status events
dated before their deal was announced, and the claims' rules (:func:`claim_problems`: a
pledge secures a loan of a debt kind, a guarantee is a deal of a guarantee kind, one loan has
one priority on one collateral). Nothing is written: the caller imports the records only
when the list of problems is empty.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError

from ..errors import Problem
from ..vocabulary import DEBT_KINDS, GUARANTEE_KINDS, PRIORITY_RANKS, label
from .dates import PartialDate
from .limits import MAX_LEG_USD_BN
from .model import MODELS, Guarantee, Pledge, Record
from .tables import RawRow, files_in, read_rows


@dataclass
class Known:
    """What the database already holds, for duplicate and reference checks."""

    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    announced: dict[str, str | None] = field(default_factory=dict)  # deal id -> announced
    deals_with_events: set[str] = field(default_factory=set)
    deal_kinds: dict[str, str] = field(default_factory=dict)  # deal id -> kind
    #: live pledges: id -> (loan, collateral, priority label or None)
    pledges: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)


@dataclass
class Parsed:
    """Valid records by table, each with where it came from."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    origin: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)


def _reason(err: Any, model: type[Record]) -> str:
    field_name = str(err["loc"][0]) if err.get("loc") else ""
    kind = err.get("type", "")
    value = err.get("input")
    if kind == "missing" or (kind in ("string_type", "float_type", "bool_type") and value is None):
        return f"{field_name} is required"
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        return f"unknown {field_name} '{value}': expected {expected}"
    if kind in ("greater_than_equal", "greater_than") and isinstance(value, (int, float)):
        if value < 0:
            return f"{field_name} {value:g} is negative"
        return f"{field_name} {value:g} must be greater than 0"
    if kind in ("less_than_equal", "less_than") and isinstance(value, (int, float)):
        bound = err.get("ctx", {}).get("le", err.get("ctx", {}).get("lt"))
        if field_name in ("amount_low", "amount_high", "stake_value"):
            return (f"{field_name} {value:,.6g} is not a plausible amount: at most "
                    f"{MAX_LEG_USD_BN:,.0f} USD bn per deal leg")
        return f"{field_name} {value:,.6g} is above the plausible maximum of {bound:,.6g}"
    if kind == "too_short" and field_name == "sources":
        return "at least one source is required"
    if kind in ("float_parsing", "float_type", "int_parsing"):
        return f"'{value}' is not a number"
    if kind in ("bool_parsing", "bool_type"):
        return f"'{value}' is not true or false"
    if kind == "finite_number":
        return f"{field_name} must be a finite number"
    if kind == "string_too_short":
        return f"{field_name} cannot be blank"
    if kind == "string_pattern_mismatch":
        return f"'{value}' is not a valid {field_name}"
    msg = err.get("msg", "invalid value")
    return msg.removeprefix("Value error, ")


#: problems reported per row at most, and characters per reason (a hostile row may hold
#: thousands of wrong values, or one huge one)
MAX_PROBLEMS_PER_ROW = 20
MAX_REASON_CHARS = 300


def _clip(text: str) -> str:
    return text if len(text) <= MAX_REASON_CHARS else text[:MAX_REASON_CHARS] + "…"


def check_row(model: type[Record], values: dict[str, Any]) -> tuple[Record | None, list[tuple[str, str]]]:
    """Validate one row: the record, or None with (column, reason) pairs."""
    try:
        record = model.model_validate(values)
    except PydanticError as e:
        out = []
        errors = e.errors()
        for err in errors[:MAX_PROBLEMS_PER_ROW]:
            col = str(err["loc"][0]) if err.get("loc") else ""
            out.append((_clip(col), _clip(_reason(err, model))))
        if len(errors) > MAX_PROBLEMS_PER_ROW:
            out.append(("", f"and {len(errors) - MAX_PROBLEMS_PER_ROW:,} more problems in this row"))
        return None, out
    issues = record.problems()
    return (None if issues else record), issues


def validate_rows(
    rows_by_table: dict[str, list[RawRow]], known: Known | None = None
) -> tuple[Parsed, list[Problem]]:
    """Validate rows of several tables together (see the module docstring)."""
    known = known or Known()
    problems: list[Problem] = []
    parsed = Parsed()
    # ids of rows that failed still resolve references, so one bad company row does not
    # also make every deal that names it "unknown"
    failed_ids: dict[str, set[str]] = defaultdict(set)
    for table, model in MODELS.items():
        good: list[Record] = []
        for raw in rows_by_table.get(table, []):
            record, issues = check_row(model, raw.values)
            if record is None and isinstance(raw.values.get("id"), str):
                failed_ids[table].add(raw.values["id"])
            for col, reason in issues:
                problems.append(Problem(raw.path, raw.line, col, reason))
            if record is not None:
                good.append(record)
                parsed.origin[(table, record.id)] = (raw.path, raw.line)
        parsed.records[table] = good

    def where(table: str, rid: str) -> tuple[str, int | None]:
        return parsed.origin.get((table, rid), ("<database>", None))

    ids: dict[str, set[str]] = {t: set(known.ids.get(t, set())) | failed_ids[t] for t in MODELS}
    for table, records in parsed.records.items():
        seen: dict[str, int] = {}
        for r in records:
            path, line = where(table, r.id)
            if r.id in known.ids.get(table, set()):
                problems.append(Problem(path, line, "id", f"duplicate id '{r.id}': already in the ledger"))
            elif r.id in seen:
                problems.append(
                    Problem(path, line, "id", f"duplicate id '{r.id}' (first on line {seen[r.id]})")
                )
            else:
                seen[r.id] = line or 0
            ids[table].add(r.id)

    names = {"companies": "company", "deals": "deal", "sources": "source", "assets": "asset"}
    for table, records in parsed.records.items():
        model = MODELS[table]
        for r in records:
            for fname, target in model.references.items():
                value = getattr(r, fname)
                for ref in value if isinstance(value, list) else [value]:
                    if ref is not None and ref not in ids[target]:
                        path, line = where(table, r.id)
                        problems.append(
                            Problem(path, line, fname, f"unknown {names[target]} '{ref}'")
                        )

    announced = dict(known.announced)
    for d in parsed.records.get("deals", []):
        announced[d.id] = d.announced
    has_events = set(known.deals_with_events)
    for ev in parsed.records.get("events", []):
        has_events.add(ev.deal)
        ann = announced.get(ev.deal)
        if ann and PartialDate.parse(ev.date).end < PartialDate.parse(ann).start:
            path, line = where("events", ev.id)
            problems.append(
                Problem(path, line, "date", f"status dated {ev.date}, before the deal was announced ({ann})")
            )
    for d in parsed.records.get("deals", []):
        if d.id not in has_events:
            path, line = where("deals", d.id)
            problems.append(
                Problem(path, line, "id", f"deal '{d.id}' has no status event (status is a dated history)")
            )
    problems += claim_problems(parsed, known, where)
    problems.sort(key=lambda p: (p.path, p.row or 0, p.column))
    return parsed, problems


def claim_problems(parsed: Parsed, known: Known, where) -> list[Problem]:
    """The claims' rules across tables (docs/claims.md): a pledge's loan is a deal of a debt
    kind (:data:`~loopledger.vocabulary.DEBT_KINDS`) and a pledged contract is not; a
    guarantee's deal is of a guarantee kind and covers another deal; and one loan has one
    priority on one collateral (a loan cannot be both senior and junior on the same asset).
    References to records that do not exist are reported by the reference check."""
    out: list[Problem] = []
    kinds = dict(known.deal_kinds)
    for d in parsed.records.get("deals", []):
        kinds[d.id] = str(d.kind)
    debt = ", ".join(DEBT_KINDS)
    pledges: dict[str, tuple[str, str, str | None]] = dict(known.pledges)
    for p in parsed.records.get("pledges", []):
        assert isinstance(p, Pledge)
        path, line = where("pledges", p.id)
        kind = kinds.get(p.loan)
        if kind is not None and kind not in DEBT_KINDS:
            out.append(Problem(path, line, "loan", f"deal '{p.loan}' is a {label(kind)} ({kind}), not a "
                               f"loan: a pledge secures a deal of a debt kind ({debt})"))
        if p.collateral_deal is not None and kinds.get(p.collateral_deal) in DEBT_KINDS:
            out.append(Problem(path, line, "collateral_deal", f"deal '{p.collateral_deal}' is a loan: "
                               "pledged receivables are those of a contract (a lease, a cloud contract...)"))
        if p.retracted:
            pledges.pop(p.id, None)
        elif p.collateral is not None:
            pledges[p.id] = (p.loan, p.collateral, p.priority)
    ranks: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    for pid, (loan, collateral, priority) in sorted(pledges.items()):
        if priority is None:
            continue
        ranks[(loan, collateral)].setdefault(PRIORITY_RANKS[priority], pid)
    for (loan, collateral), by_rank in ranks.items():
        if len(by_rank) > 1:
            first, *others = sorted(by_rank.items())
            for rank, pid in others:
                path, line = where("pledges", pid)
                out.append(Problem(path, line, "priority", f"loan '{loan}' already has rank {first[0]} on "
                                   f"'{collateral}' (pledge '{first[1]}'): one loan cannot rank both "
                                   f"{first[0]} and {rank} on the same collateral (split the loan into "
                                   "tranches to record them)"))
    gkinds = ", ".join(GUARANTEE_KINDS)
    for g in parsed.records.get("guarantees", []):
        assert isinstance(g, Guarantee)
        kind = kinds.get(g.deal)
        if kind is not None and kind not in GUARANTEE_KINDS:
            path, line = where("guarantees", g.id)
            out.append(Problem(path, line, "deal", f"deal '{g.deal}' is a {label(kind)} ({kind}): a "
                               f"guarantee is a deal of a guarantee kind ({gkinds})"))
    return out


def validate_files(path: Path, known: Known | None = None) -> tuple[Parsed, list[Problem]]:
    """Read and validate the table files under ``path`` (a folder or one table file)."""
    path = Path(path)
    if not path.exists():
        return Parsed(), [Problem(str(path), None, "", "no such file or folder")]
    found = files_in(path)
    if not found:
        expected = ", ".join(f"{t}.csv" for t in MODELS)
        return Parsed(), [
            Problem(str(path), None, "", f"no ledger table found (expected files named {expected} or .jsonl)")
        ]
    rows: dict[str, list[RawRow]] = {}
    problems: list[Problem] = []
    for table, f in found.items():
        table_rows, header_problems = read_rows(f, table)
        rows[table] = table_rows
        problems += [Problem(str(f), line, col, reason) for line, col, reason in header_problems]
    parsed, row_problems = validate_rows(rows, known)
    return parsed, problems + row_problems
