"""Helpers for the data checks: the bundled tables as plain csv rows and partial dates read
without loopledger's own parsing. Loaded by conftest.py (pytest runs with importlib mode)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "loopledger" / "ledger" / "data"
TABLES = ("sources", "companies", "deals", "events", "disbursements", "facts", "assets", "pledges", "guarantees")
#: the date the dataset was compiled; nothing in it may be dated later
DATASET_DATE = date(2026, 11, 26)


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def items(cell: str) -> list[str]:
    """A '|'-joined list cell as its items."""
    return [x for x in cell.split("|") if x] if cell else []


def start(text: str) -> date:
    """First day of a 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' date (independent of loopledger.dates)."""
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def end(text: str) -> date:
    """Last day of a 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' date."""
    import calendar

    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts)




def gap_reasons() -> list[dict[str, str]]:
    with (DATA / "gap_reasons.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
