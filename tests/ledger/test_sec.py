"""facts import-sec (issue 13, item 4): SEC companyfacts JSON (the real format, synthetic values:
fixtures/README.md) recorded as facts dated by period end, sourced to the filing with its
accession number; importing twice changes nothing; a later filing of the same period amends the
fact (never a duplicate); the bulk zip reads the same; companies without a known CIK are skipped."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml

from loopledger.ledger import Ledger, changes
from loopledger.ledger.sec import import_sec, read_companyfacts

FIX = Path(__file__).with_name("fixtures")
NVDA = FIX / "CIK0001045810.json"


@pytest.fixture
def ledger(tmp_path):
    led = Ledger.in_memory()
    cs = {"id": "2026-01-01-00-base", "date": "2026-01-01", "summary": "a filer", "why": "test",
          "sources": [{"url": "https://example.org/cik", "publisher": "x", "type": "filing"}],
          "add": {"companies": [{"id": "chips", "name": "Chips", "type": "chip_vendor", "ticker": "CHP",
                                 "cik": "0001045810", "sources": ["https://example.org/cik"]}]}}
    path = tmp_path / f"{cs['id']}.yaml"
    path.write_text(yaml.safe_dump(cs), encoding="utf-8")
    changes.apply(led, path)
    return led


def facts(led):
    return {f.id: f for f in led.records("facts")}


def test_the_mapped_facts_are_recorded_with_their_filings(ledger):
    result = import_sec(ledger, NVDA)
    got = facts(ledger)
    assert got["chips/book_equity/2026-04-26"].value == pytest.approx(170.112)
    assert got["chips/revenue/2026-01-25"].period == "FY2026"
    assert got["chips/revenue/2026-04-26"].period == "2026-Q1"
    assert got["chips/revenue/2026-04-26"].value == pytest.approx(81.615)
    assert got["chips/net_income/2026-04-26"].value == pytest.approx(44.12)
    assert got["chips/rpo/2026-04-26"].value == pytest.approx(3.1)
    assert got["chips/long_term_debt/2026-04-26"].value == pytest.approx(8.468)
    cash = got["chips/cash/2026-04-26"]
    assert cash.derived and cash.value == pytest.approx(12.441 + 48.132)
    assert got["chips/cash_and_equivalents/2026-04-26"].value == pytest.approx(12.441)
    # nine months to date and unmapped concepts are not imported
    assert "chips/revenue/2025-10-26" in got and got["chips/revenue/2025-10-26"].period == "2025-Q3"
    assert not [i for i in got if "accounts" in i]
    src = ledger.record("sources", got["chips/book_equity/2026-04-26"].sources[0])
    assert src.type == "filing" and src.date == "2026-05-28"
    assert "0001045810-26-000052" in src.title and "000104581026000052" in src.url
    # the 2026-01-25 equity was filed twice: the later filing (the 10-Q) is the source
    eq = ledger.record("sources", got["chips/book_equity/2026-01-25"].sources[0])
    assert eq.date == "2026-05-28"
    assert set(result.facts["accession"]) == {"0001045810-26-000021", "0001045810-26-000052"}


def test_importing_twice_changes_nothing(ledger):
    import_sec(ledger, NVDA)
    before = {i: f.model_dump() for i, f in facts(ledger).items()}
    head = ledger.store.audit_head()
    again = import_sec(ledger, NVDA)
    assert again.status == "nothing to record" and again.facts.empty
    assert ledger.store.audit_head() == head
    assert {i: f.model_dump() for i, f in facts(ledger).items()} == before


def test_a_later_filing_of_the_same_period_amends_the_fact(ledger, tmp_path):
    import_sec(ledger, NVDA)
    doc = json.loads(NVDA.read_text())
    restated = {"end": "2026-04-26", "val": 171000000000, "accn": "0001045810-26-000077", "fy": 2027, "fp": "Q1",
                "form": "10-Q/A", "filed": "2026-06-15"}
    doc["facts"]["us-gaap"]["StockholdersEquity"]["units"]["USD"].append(restated)
    newer = tmp_path / "CIK0001045810.json"
    newer.write_text(json.dumps(doc))
    n = len(facts(ledger))
    import_sec(ledger, newer)
    got = facts(ledger)
    assert len(got) == n
    eq = got["chips/book_equity/2026-04-26"]
    assert eq.value == pytest.approx(171.0) and len(eq.sources) == 2
    # importing the older file afterwards does not undo the later filing
    import_sec(ledger, NVDA)
    assert facts(ledger)["chips/book_equity/2026-04-26"].value == pytest.approx(171.0)


def test_the_bulk_zip_reads_the_same_and_unknown_ciks_are_skipped(ledger, tmp_path):
    bulk = tmp_path / "companyfacts.zip"
    with zipfile.ZipFile(bulk, "w") as z:
        for f in FIX.glob("CIK*.json"):
            z.write(f, f.name)
    result = import_sec(ledger, bulk)
    assert any("0000320193" in s for s in result.skipped)
    assert set(facts(ledger)) >= {"chips/book_equity/2026-04-26", "chips/rpo/2026-04-26"}


def test_the_reader_keeps_the_latest_filing_per_period():
    doc = json.loads(NVDA.read_text())
    rows = read_companyfacts(doc)
    eq = [r for r in rows if r["metric"] == "book_equity" and r["end"] == "2026-01-25"]
    assert len(eq) == 1 and eq[0]["form"] == "10-Q"
    assert not [r for r in rows if r["metric"] == "revenue" and r["end"] == "2025-10-26" and r["period"] is None]
