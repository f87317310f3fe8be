"""CLI tables fit 100 columns without breaking words (issue 14 Build 6): ids and numbers are
never wrapped, URLs are printed whole on their own line, listings end with a total row."""

from __future__ import annotations

import re

import pytest

from loopledger.ledger import Ledger

WIDTH = 100


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 't.db'}"
    Ledger.open(url).init()
    return url


def _run(cli, monkeypatch, *args):
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    r = cli(*args)
    assert r.code == 0, r.err
    return r.out


def _fits(out: str) -> None:
    for line in out.splitlines():
        assert len(line.rstrip()) <= WIDTH or "://" in line, line


def test_deals_listing_keeps_ids_whole_and_totals(cli, monkeypatch, db):
    out = _run(cli, monkeypatch, "deals", "--db", db, "--as-of", "2026-06-30")
    _fits(out)
    deals = Ledger.open(db).deals(as_of="2026-06-30")
    words = set(out.split())
    assert all(i in words for i in deals["id"])  # every id whole, on one line
    # the total row adds the counted legs: stated lows, and highs (else the low), recounted here
    counted = deals[deals["include_in_totals"].astype(bool)]
    low = counted["amount_low"].sum()
    high = counted["amount_high"].fillna(counted["amount_low"]).sum()
    tail = out[out.index(" total "):]
    assert f"{low:,.2f}-" in tail and f"{high:,.2f}" in tail and f"{len(deals)} legs" in tail
    assert "Counting:" in out


def test_summary_has_a_total_row_that_adds_up(cli, monkeypatch, db):
    out = _run(cli, monkeypatch, "summary", "--db", db, "--as-of", "2026-06-30")
    _fits(out)
    s = Ledger.open(db).summary(as_of="2026-06-30")
    row = next(x for x in out.splitlines() if x.strip().startswith("total"))
    cells = row.split()
    assert int(cells[1]) == sum(v["count"] for v in s.by_status.values())
    assert cells[2] == f"{sum(v['low'] for v in s.by_status.values()):,.2f}"
    assert cells[3] == f"{sum(v['high'] for v in s.by_status.values()):,.2f}"


def test_urls_are_printed_whole_on_their_own_line(cli, monkeypatch, db):
    out = _run(cli, monkeypatch, "facts", "--db", db, "--company", "microsoft")
    facts = Ledger.open(db).facts(company="microsoft")
    lines = out.splitlines()
    notes = {m.group(2): m.group(1) for x in lines if (m := re.fullmatch(r"\[(\d+)\] (\S+)", x.strip()))}
    for f in facts.itertuples():
        if f.sources:
            assert f.sources[0]["url"] in notes  # whole, never wrapped or cut
    table_lines = [x for x in lines if not re.fullmatch(r"\[(\d+)\] (\S+)", x.strip())]
    _fits("\n".join(table_lines))
    assert all(f.metric in out.split() for f in facts.itertuples())  # metric codes unbroken


@pytest.mark.parametrize("args", [("promises", "--as-of", "2026-06-30"), ("companies",),
                                  ("cycles", "--as-of", "2026-06-30"), ("exposure", "--as-of", "2026-06-30"),
                                  ("stress", "--fail", "openai", "--as-of", "2026-06-30"),
                                  ("measure", "--as-of", "2026-06-30")])
def test_other_outputs_fit(cli, monkeypatch, db, args):
    out = _run(cli, monkeypatch, *args, "--db", db)
    _fits(out)
