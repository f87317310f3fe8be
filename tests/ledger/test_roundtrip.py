"""Export -> import into an empty database -> export gives identical files (both formats, both
backends), and any valid record survives a trip through CSV and JSON lines unchanged."""

from __future__ import annotations

import filecmp

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger import Ledger
from loopledger.ledger.model import Confidence, Deal, DealKind, Overlap
from loopledger.ledger.tables import read_rows, write_table
from loopledger.ledger.validate import check_row


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_import_export_is_identical(bundled, db_url, tmp_path, cli, fmt):
    first = tmp_path / "first"
    bundled.export(first, fmt)
    assert cli("init", "--db", db_url, "--empty").code == 0
    result = cli("import", first, "--db", db_url)
    assert result.code == 0, result.err
    second = tmp_path / "second"
    assert cli("export", "--format", fmt, "-o", second, "--db", db_url).code == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == [] and errors == []


def test_round_trip_keeps_edits_and_retractions(tmp_path, fresh_ledger):
    src = {"url": "https://example.org/x", "publisher": "Example", "date": "2026-01-01", "type": "news"}
    fresh_ledger.retract("deals", "msft-crwv-10b", reason="test retraction")
    fresh_ledger.amend("deals", "openai-oracle-300b", {"amount_low": 250.0}, source=src, reason="test")
    out1, out2 = tmp_path / "1", tmp_path / "2"
    fresh_ledger.export(out1, "jsonl")
    other = Ledger.in_memory()
    other.import_path(out1)
    other.export(out2, "jsonl")
    assert (out1 / "deals.jsonl").read_text() == (out2 / "deals.jsonl").read_text()
    assert other.record("deals", "msft-crwv-10b").retracted
    assert "msft-crwv-10b" not in set(other.deals()["id"])


text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|"), min_size=1, max_size=30).map(str.strip).filter(bool)
slug = st.from_regex(r"[a-z][a-z0-9\-]{0,12}", fullmatch=True)
amount = st.none() | st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)
day = st.dates().filter(lambda d: 1900 <= d.year <= 2200).map(lambda d: d.isoformat())


@st.composite
def deals(draw):
    lo, hi = draw(amount), draw(amount)
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    payer = draw(slug)
    payee = draw(slug.filter(lambda s: s != payer))
    data = dict(
        id=draw(slug), group=draw(slug), announced=draw(st.none() | day), payer=payer, payee=payee,
        kind=draw(st.sampled_from(list(DealKind))).value, amount_low=lo, amount_high=hi,
        amount_note=draw(st.none() | text), stake_pct=draw(st.none() | st.floats(0, 100)),
        include_in_totals=draw(st.booleans()), overlap=draw(st.none() | st.sampled_from(list(Overlap)).map(lambda o: o.value)),
        confidence=draw(st.sampled_from(list(Confidence))).value, notes=draw(st.none() | text),
        sources=draw(st.lists(slug, min_size=1, max_size=3, unique=True)),
    )
    record, problems = check_row(Deal, data)
    assert not problems, problems
    return record


@settings(max_examples=150, deadline=None)
@given(st.lists(deals(), min_size=1, max_size=5, unique_by=lambda d: d.id), st.sampled_from(["csv", "jsonl"]))
def test_any_valid_deal_survives_a_file_trip(tmp_path_factory, records, fmt):
    path = tmp_path_factory.mktemp("trip") / f"deals.{fmt}"
    write_table(records, path, "deals", fmt)
    rows, problems = read_rows(path, "deals")
    assert problems == []
    back = [check_row(Deal, r.values)[0] for r in rows]
    assert back == records
