"""The record of applied change sets: the audit table they are noted in, and the notes the
bundled tables carry for the change sets they were built from (read from the generated
``changelog.csv``; docs/data.md, "Change sets"). Its own module so that the ledger can note
them without importing the change-set machinery (:mod:`loopledger.ledger.changes`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import MODELS

#: the audit trail's table name for change-set notes
AUDIT_TABLE = "changesets"


def bundled_notes(data: Path) -> list[dict[str, Any]]:
    """Audit notes recording the change sets the bundled tables hold as applied (read from the
    generated ``changelog.csv`` next to them)."""
    import csv

    path = Path(data) / "changelog.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [{"table_name": AUDIT_TABLE, "record_id": r["entry"], "action": "bundled",
             "reason": f"{r['entry']}: held by the bundled dataset",
             "after": {"digest": r.get("digest", ""), "date": r["date"], "summary": r["summary"],
                       "why": r["why"], "file": Path(r.get("script") or "").name,
                       "added": parse_counts(r["added"]), "changed": parse_counts(r["changed"]),
                       "retracted": parse_counts(r["retracted"])}}
            for r in rows]


def counts_text(counts: dict[str, int]) -> str:
    """'sources:3|deals:1' in the tables' load order; blank when nothing."""
    return "|".join(f"{t}:{counts[t]}" for t in MODELS if counts.get(t))


def parse_counts(text: str) -> dict[str, int]:
    """'sources:3|deals:1' -> {'sources': 3, 'deals': 1} (blank -> {})."""
    out: dict[str, int] = {}
    for part in (text or "").split("|"):
        if part.strip():
            table, n = part.split(":")
            out[table.strip()] = int(n)
    return out
