"""The dataset changelog accounts for every record: each table's row count is the sum of what
the entries added, every record an entry names exists (and is retracted when it says so), and
every entry names the script that made it."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date

import pytest

from loopledger.ledger.data import changelog, parse_counts


def _csv(rows, name):
    with (rows.DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def log(rows):
    return _csv(rows, "changelog.csv"), _csv(rows, "changelog_records.csv")


def test_entries_are_unique_dated_and_in_order(log):
    entries, _ = log
    ids = [e["entry"] for e in entries]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)
    for e in entries:
        date.fromisoformat(e["date"])
        assert e["summary"].strip() and e["why"].strip(), e["entry"]


def test_each_entry_names_an_existing_script(log, rows):
    entries, _ = log
    for e in entries:
        if e["script"].startswith("("):  # an edit made before the changelog, described in words
            continue
        assert (rows.ROOT / e["script"]).is_file(), e["script"]


def test_every_record_is_accounted_for(log, raw):
    """rows in a table == records added by all entries (the conversion's counts included)."""
    entries, _ = log
    added = Counter()
    for e in entries:
        added.update(parse_counts(e["added"]))
    for table, records in raw.items():
        assert len(records) == added[table], table


def test_itemised_counts_match_the_entry(log):
    entries, records = log
    per = defaultdict(Counter)
    for r in records:
        per[(r["entry"], r["action"])][r["table"]] += 1
    for e in entries:
        if e["entry"] == "2026-11-26-00":
            continue  # the conversion is not itemised: it added everything there was
        for action in ("added", "changed", "retracted"):
            assert dict(per[(e["entry"], action)]) == parse_counts(e[action]), (e["entry"], action)


def test_itemised_records_exist_in_their_state(log, raw):
    _, records = log
    by_table = {t: {r["id"]: r for r in rows} for t, rows in raw.items()}
    for r in records:
        rec = by_table[r["table"]].get(r["record"])
        assert rec is not None, r
        if r["action"] == "retracted":
            assert rec["retracted"] == "true", r


def test_a_record_is_added_once(log):
    _, records = log
    added = Counter((r["table"], r["record"]) for r in records if r["action"] == "added")
    assert not [k for k, n in added.items() if n > 1]


def test_the_api_reads_the_same_changelog(log):
    entries, records = log
    result = changelog()
    assert list(result.to_frame()["entry"]) == [e["entry"] for e in entries]
    d = result.to_dict()["entries"]
    last = d[-1]
    mine = [r for r in records if r["entry"] == last["entry"] and r["action"] == "added"]
    assert sum(len(v) for v in last["records"].get("added", {}).values()) == len(mine)
    assert last["added"] == parse_counts(entries[-1]["added"])


@pytest.mark.parametrize("text,expected", [
    ("", {}), ("sources:3", {"sources": 3}), ("sources:3|deals:12", {"sources": 3, "deals": 12}),
])
def test_parse_counts(text, expected):
    assert parse_counts(text) == expected
