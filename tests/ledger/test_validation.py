"""Every kind of bad input is reported with file, row and column, exits non-zero, and a failed
import leaves the database exactly as it was (issue 2, "Done when")."""

from __future__ import annotations

import filecmp

import pytest

from loopledger import Ledger, ValidationError

from .conftest import write_folder

# (table, row index in that table, column, bad value, words the reason must contain)
CASES = [
    ("deals", 0, "payer", "nobody-inc", "unknown company 'nobody-inc'"),
    ("deals", 1, "payee", "nobody-inc", "unknown company 'nobody-inc'"),
    ("deals", 0, "amount_low", "10", "greater than amount_high"),
    ("deals", 0, "amount_high", "-3", "is negative"),
    ("deals", 0, "amount_high", "lots", "is not a number"),
    ("deals", 0, "announced", "2025/10/01", "is not a date"),
    ("deals", 0, "announced", "2025-02-30", "impossible date"),
    ("deals", 0, "kind", "gift", "unknown kind 'gift'"),
    ("events", 0, "status", "maybe", "unknown status 'maybe'"),
    ("events", 1, "date", "2025-13", "impossible date"),
    ("deals", 0, "sources", "", "at least one source is required"),
    ("deals", 0, "sources", "src-missing", "unknown source 'src-missing'"),
    ("facts", 0, "sources", "", "at least one source is required"),
    ("deals", 1, "id", "acme-bolt-1", "duplicate id 'acme-bolt-1'"),
    ("deals", 0, "stake_pct", "140", "outside 0-100"),
    ("deals", 0, "stake_pct", "-1", "outside 0-100"),
    ("deals", 0, "currency", "EUR", "need fx_rate"),
    ("deals", 0, "payee", "acme-chips", "payer and payee are both 'acme-chips'"),
    ("companies", 0, "type", "bank", "unknown type 'bank'"),
    ("events", 0, "date", "2025-09-01", "before the deal was announced"),
]


def _break(tables, table, row, column, value):
    tables[table][row][column] = value
    return tables


def _line_of(row: int) -> int:
    return row + 2  # the header is line 1


@pytest.mark.parametrize("table, row, column, value, reason", CASES, ids=[f"{c[0]}.{c[2]}={c[3]}" for c in CASES])
def test_validate_names_file_row_column(cli, tmp_path, base_tables, table, row, column, value, reason):
    folder = write_folder(tmp_path / "bad", _break(base_tables, table, row, column, value))
    result = cli("validate", folder, "--standalone")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    shown = {"currency": "fx_rate"}.get(column, column)  # the missing rate is what is wrong
    want = f"{folder / (table + '.csv')}:{_line_of(row)}:{shown}: "
    hits = [line for line in lines if line.startswith(want)]
    assert hits, f"no line starting {want!r} in {lines!r}"
    assert any(reason in line for line in hits), (reason, hits)


def test_valid_folder_passes(cli, ledger_folder):
    result = cli("validate", ledger_folder, "--standalone")
    assert result.code == 0, result.err
    assert "OK" in result.out and result.err == ""


def test_every_problem_is_reported_not_just_the_first(cli, tmp_path, base_tables):
    _break(base_tables, "deals", 0, "kind", "gift")
    _break(base_tables, "deals", 1, "amount_high", "-1")
    _break(base_tables, "facts", 0, "as_of", "someday")
    folder = write_folder(tmp_path / "bad", base_tables)
    result = cli("validate", folder, "--standalone")
    assert result.code == 1
    err = result.err
    assert f"{folder / 'deals.csv'}:2:kind:" in err
    assert f"{folder / 'deals.csv'}:3:amount_high:" in err
    assert f"{folder / 'facts.csv'}:2:as_of:" in err


def test_unknown_and_missing_columns(cli, tmp_path, base_tables):
    for r in base_tables["deals"]:
        r.pop("kind")
    folder = write_folder(tmp_path / "bad", base_tables)
    text = (folder / "deals.csv").read_text().replace("payee_detail", "payee_detial", 1)
    (folder / "deals.csv").write_text(text)
    result = cli("validate", folder, "--standalone")
    assert result.code == 1
    assert f"{folder / 'deals.csv'}:1:payee_detial: unknown column" in result.err


def test_jsonl_problems_name_line_and_field(cli, tmp_path):
    src = tmp_path / "events.jsonl"
    src.write_text('{"id": "x/1", "deal": "x", "date": "2025-01-01", "status": "funded", "sources": ["s"]}\n'
                   '{"id": "x/2", "deal": "x", "date": "2025-02-31", "status": "funded", "sources": ["s"]}\n'
                   'not json\n')
    result = cli("validate", src, "--standalone")
    assert result.code == 1
    assert f"{src}:2:date: " in result.err and "impossible date" in result.err
    assert f"{src}:3:: not valid JSON" in result.err


def test_deal_without_status_history_is_rejected(cli, tmp_path, base_tables):
    base_tables["events"] = [e for e in base_tables["events"] if e["deal"] != "bolt-acme-1"]
    folder = write_folder(tmp_path / "bad", base_tables)
    result = cli("validate", folder, "--standalone")
    assert result.code == 1
    assert f"{folder / 'deals.csv'}:3:id: deal 'bolt-acme-1' has no status event" in result.err


def _snapshot(url, path):
    Ledger.open(url).export(path, "csv")
    return path


@pytest.mark.parametrize("table, row, column, value, reason", CASES[:8] + CASES[10:14] + CASES[16:18],
                         ids=[f"{c[0]}.{c[2]}={c[3]}" for c in CASES[:8] + CASES[10:14] + CASES[16:18]])
def test_failed_import_changes_nothing(cli, db_url, tmp_path, base_tables, table, row, column, value, reason):
    good = write_folder(tmp_path / "good", base_tables)
    assert cli("init", "--db", db_url, "--empty").code == 0
    assert cli("import", good, "--db", db_url).code == 0
    before = _snapshot(db_url, tmp_path / "before")
    audit_before = len(Ledger.open(db_url).audit())
    # a second batch with one bad cell among good new rows
    batch = {t: [] for t in base_tables}
    batch["sources"] = [dict(id="src-test0002", url="https://example.org/b", publisher="Other", date="2025-11-01", type="news")]
    batch["deals"] = [dict(base_tables["deals"][0], id="acme-bolt-2", sources="src-test0002"),
                      dict(base_tables["deals"][1], id="bolt-acme-2", sources="src-test0002")]
    batch["events"] = [dict(id="acme-bolt-2/1", deal="acme-bolt-2", date="2025-11-01", status="funded", sources="src-test0002"),
                       dict(id="bolt-acme-2/1", deal="bolt-acme-2", date="2025-11-01", status="funded", sources="src-test0002"),
                       dict(id="acme-bolt-1/3", deal="acme-bolt-1", date="2026-01-01", status="amended", sources="src-test0002")]
    batch["facts"] = [dict(base_tables["facts"][0], id="bolt-ai/valuation/2025-11-01", as_of="2025-11-01")]
    if table == "deals" and column == "id":
        value = "acme-bolt-1"  # already in the database
    if table in ("companies",):
        pytest.skip("companies are not part of this batch")
    batch[table][min(row, len(batch[table]) - 1)][column] = value
    bad = write_folder(tmp_path / "bad", batch)
    result = cli("import", bad, "--db", db_url)
    assert result.code == 1
    assert f"{bad / (table + '.csv')}:" in result.err and reason in result.err
    after = _snapshot(db_url, tmp_path / "after")
    for t in base_tables:
        assert filecmp.cmp(before / f"{t}.csv", after / f"{t}.csv", shallow=False), t
    assert len(Ledger.open(db_url).audit()) == audit_before


def test_api_raises_validation_error_with_problems(tmp_path, base_tables):
    folder = write_folder(tmp_path / "bad", _break(base_tables, "deals", 0, "kind", "gift"))
    ledger = Ledger.in_memory()
    with pytest.raises(ValidationError) as err:
        ledger.import_path(folder)
    p = err.value.problems[0]
    assert (p.row, p.column) == (2, "kind") and p.path.endswith("deals.csv")
    assert ledger.store.count("deals") == 0
