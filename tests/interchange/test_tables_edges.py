"""Result tables (CSV, Parquet, XLSX) and the plain edge-list import."""

from __future__ import annotations

import io
import sys
import warnings

import networkx as nx
import pandas as pd
import pytest
from openpyxl import load_workbook

from loopledger import Ledger, ValidationError
from loopledger.interchange import export_format, import_format
from loopledger.interchange import tables as tables_mod

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def written(tmp_path_factory, bundled):
    root = tmp_path_factory.mktemp("tables")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every result table must be computed
        return {fmt: export_format(bundled, root / fmt, fmt, as_of=AS_OF) for fmt in ("tables-csv", "parquet")} | {
            "xlsx": export_format(bundled, root / "t.xlsx", "xlsx", as_of=AS_OF)}


def test_csv_parquet_and_xlsx_hold_the_same_tables(written, bundled):
    csv_files = {p.stem: p for p in written["tables-csv"]}
    pq_files = {p.stem: p for p in written["parquet"]}
    assert set(csv_files) == set(pq_files) == {"deals", "companies", "facts", "cycles", "round_trips",
                                               "stress_openai", "systemic"}
    (xlsx,) = written["xlsx"]
    assert load_workbook(xlsx, read_only=True).sheetnames == list(csv_files)
    deals = bundled.deals(as_of=AS_OF)
    for name in csv_files:
        a, b = pd.read_csv(csv_files[name]), pd.read_parquet(pq_files[name])
        c = pd.read_excel(xlsx, sheet_name=name)
        assert list(a.columns) == list(b.columns) == list(c.columns) and len(a) == len(b) == len(c)
    got = pd.read_parquet(pq_files["deals"])
    assert got["id"].tolist() == deals["id"].tolist()
    assert got["amount_high"].equals(deals["amount_high"])  # NaN stays NaN: never 0
    assert got["source_urls"].iloc[0] == "|".join(s["url"] for s in deals["sources"].iloc[0])


def test_cycles_table_matches_networkx(written, bundled):
    cycles = pd.read_csv({p.stem: p for p in written["tables-csv"]}["cycles"])
    net = bundled.network(as_of=AS_OF)
    g = nx.DiGraph(list(zip(net.edges["source"], net.edges["target"])))
    oracle = {frozenset(zip(c, c[1:] + c[:1])) for c in nx.simple_cycles(g, length_bound=6)}
    assert cycles["cycle"].tolist() == list(range(1, len(oracle) + 1))
    got = {frozenset(zip(n.split("|"), n.split("|")[1:] + n.split("|")[:1])) for n in cycles["nodes"]}
    assert got == oracle


def test_missing_result_module_is_named_and_warned(tmp_path, bundled, monkeypatch):
    def unavailable(ledger, as_of):
        raise ImportError("no module", name="loopledger.stresstest.scenario")

    monkeypatch.setattr(tables_mod, "RESULT_TABLES", {"stress_openai": unavailable})
    with pytest.warns(UserWarning, match="stress_openai"):
        files = export_format(bundled, tmp_path / "t", "tables-csv")
    assert sorted(p.stem for p in files) == ["companies", "deals", "facts"]


# edge lists -------------------------------------------------------------------------------------

EDGES = """source,target,amount,kind,status,date,source_url,publisher
Nvidia,OpenAI,2.5,equity_investment,funded,2026-03-01,https://example.org/a,Example
ORCL,Tiny Cloud Co,,cloud_contract,,2026-04,https://example.org/b,
Tiny Cloud Co,nvidia,0.75,,,2026,https://example.org/a,Example
"""


def test_edge_list_imports_legs_with_new_and_known_companies(tmp_path, fresh_ledger):
    path = tmp_path / "edges.csv"
    path.write_text(EDGES, encoding="utf-8")
    counts = import_format(fresh_ledger, path, "edges", default_status="announced_loi")
    assert (counts["deals"], counts["events"], counts["companies"], counts["sources"]) == (3, 3, 1, 2)
    deals = fresh_ledger.deals(as_of="2026-12-31").set_index("id")
    legs = deals[deals.index.str.startswith("edge-")]
    rows = sorted((r.payer, r.payee, r.kind, r.status, r.amount_high) for r in legs.itertuples())
    assert rows[0][:4] == ("nvidia", "openai", "equity_investment", "funded") and rows[0][4] == 2.5
    assert ("oracle", "tiny-cloud-co", "cloud_contract", "announced_loi") == rows[1][:4]
    assert pd.isna(rows[1][4])  # blank amount: undisclosed, never 0
    assert rows[2][:4] == ("tiny-cloud-co", "nvidia", "other", "announced_loi")
    assert fresh_ledger.record("companies", "tiny-cloud-co").type == "other"


def test_edge_list_problems_are_all_reported_and_nothing_is_written(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("source,target,amount,kind,date,source_url,colour\n"
                    "a,b,lots,equity_investment,2026-01-01,https://example.org/a,red\n", encoding="utf-8")
    ledger = Ledger.in_memory()
    with pytest.raises(ValidationError) as err:
        import_format(ledger, path, "edges")
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "colour")]
    path.write_text("source,target,amount,kind,date,source_url\n"
                    "a,b,lots,equity_investment,2026-01-01,https://example.org/a\n"
                    "a,b,1,warp_drive,2026-13-01,https://example.org/a\n"
                    ",b,1,other,2026,https://example.org/a\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        import_format(ledger, path, "edges", default_status="funded")
    got = {(p.row, p.column) for p in err.value.problems}
    assert {(2, "amount"), (3, "kind"), (3, "announced"), (4, "source")} <= got
    assert all(p.path == str(path) for p in err.value.problems)
    assert ledger.records("deals") == [] and ledger.records("companies") == []
    with pytest.raises(ValidationError) as err:
        import_format(ledger, tmp_path / "bad.csv", "edges")  # no status column, no default
    assert {(2, "status"), (3, "status")} <= {(p.row, p.column) for p in err.value.problems}


def test_cli_imports_a_parquet_edge_list_and_a_csv_from_stdin(tmp_path, cli, monkeypatch):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    assert cli("init", "--db", db, "--empty").code == 0
    frame = pd.read_csv(io.StringIO(EDGES)).iloc[:1]
    frame.to_parquet(tmp_path / "e.parquet")
    res = cli("import", "--format", "edges", tmp_path / "e.parquet", "--db", db)
    assert res.code == 0, res.err
    assert "deals: 1" in res.out
    lines = EDGES.splitlines()
    more = "\n".join([lines[0], *lines[2:]]) + "\n"  # the two legs without a status
    monkeypatch.setattr(sys, "stdin", io.StringIO(more))
    res = cli("import", "--format", "edges", "-", "--db", db)
    assert res.code == 1 and "<stdin>:2:status:" in res.err  # no status and no default given
    monkeypatch.setattr(sys, "stdin", io.StringIO(more))
    res = cli("import", "--format", "edges", "-", "--db", db, "--default-status", "rumored")
    assert res.code == 0, res.err
    assert len(Ledger.open(db).records("deals")) == 3
