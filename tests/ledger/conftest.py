"""A small valid ledger folder written by the tests, and ways to break it one cell at a time."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from loopledger.ledger.tables import columns

BASE = {
    "sources": [
        dict(id="src-test0001", url="https://example.org/a", publisher="Example News", date="2025-10-01", type="news"),
    ],
    "companies": [
        dict(id="acme-chips", name="Acme Chips", type="chip_vendor", aliases="Acme|ACM", ticker="ACM"),
        dict(id="bolt-ai", name="Bolt AI", type="ai_lab"),
    ],
    "deals": [
        dict(id="acme-bolt-1", group="acme-bolt", announced="2025-10-01", payer="acme-chips", payee="bolt-ai",
             kind="equity_investment", amount_low="1", amount_high="2", confidence="high", sources="src-test0001"),
        dict(id="bolt-acme-1", group="acme-bolt", announced="2025-10-02", payer="bolt-ai", payee="acme-chips",
             kind="compute_purchase", amount_high="5", amount_note="up to", confidence="medium", sources="src-test0001"),
    ],
    "events": [
        dict(id="acme-bolt-1/1", deal="acme-bolt-1", date="2025-10-01", status="definitive", sources="src-test0001"),
        dict(id="acme-bolt-1/2", deal="acme-bolt-1", date="2025-12", status="funded", sources="src-test0001"),
        dict(id="bolt-acme-1/1", deal="bolt-acme-1", date="2025-10-02", status="announced_loi", sources="src-test0001"),
    ],
    "facts": [
        dict(id="bolt-ai/valuation/2025-10-01", company="bolt-ai", metric="valuation", value="20", unit="USD bn",
             as_of="2025-10-01", confidence="medium", sources="src-test0001"),
    ],
}


def write_folder(folder: Path, tables: dict[str, list[dict]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        cols = columns(table)
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            for r in rows:
                w.writerow({c: r.get(c, "") for c in cols})
    return folder


@pytest.fixture
def base_tables():
    import copy

    return copy.deepcopy(BASE)


@pytest.fixture
def ledger_folder(tmp_path, base_tables):
    return write_folder(tmp_path / "ledger", base_tables)
