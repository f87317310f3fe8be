"""`loopledger cycles`: the same call as ``loopledger.cycles`` (option for option), its JSON
shape, and clear errors with exit code 1 on bad input."""

from __future__ import annotations

import json
import sys

import pandas as pd
import pytest

from loopledger import FlowNetwork
from loopledger.measures.cycles import cycles


def run_cli(monkeypatch, capsys, *args):
    from loopledger.cli import run

    monkeypatch.setattr(sys, "argv", ["loopledger", *args])
    code = run()
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def edge_file(tmp_path):
    path = tmp_path / "edges.csv"
    # a<->b (amounts 5 and 2), a->b->c->a with c->a undisclosed, and a blank amount
    path.write_text("source,target,amount\na,b,5\nb,a,2\nb,c,\nc,a,4\nc,c,1\n")
    return path


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory):
    from loopledger.ledger import Ledger

    url = f"sqlite:///{tmp_path_factory.mktemp('cycles') / 'ledger.db'}"
    Ledger.open(url).init()
    return url


def test_edges_json(monkeypatch, capsys, edge_file):
    code, out, err = run_cli(monkeypatch, capsys, "cycles", "--edges", str(edge_file), "--max-len", "3", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["count"] == 3 and d["by_length"] == {"1": 1, "2": 1, "3": 1}
    assert [c["nodes"] for c in d["cycles"]] == [["c"], ["a", "b"], ["a", "b", "c"]]
    # c->c is 1; a<->b min(5, 2); a->b->c->a has the undisclosed b->c hop
    assert [c["bottleneck"] for c in d["cycles"]] == [1.0, 2.0, None]
    api = cycles(FlowNetwork.from_edges(edge_file), max_len=3)
    assert d["by_length"] == {str(k): v for k, v in api.by_length.items()}


def test_count_only_json_has_no_cycles(monkeypatch, capsys, edge_file):
    code, out, _ = run_cli(monkeypatch, capsys, "cycles", "--edges", str(edge_file), "--count-only", "--json")
    assert code == 0
    d = json.loads(out)
    assert "cycles" not in d and d["count"] == 3 and d["by_length"]["6"] == 0


def test_table_output(monkeypatch, capsys, edge_file):
    code, out, _ = run_cli(monkeypatch, capsys, "cycles", "--edges", str(edge_file))
    assert code == 0
    assert "3 simple cycles" in out and "a -> b -> a" in out and "must not be added" in out


def test_ledger_json_matches_api(monkeypatch, capsys, ledger_db):
    from loopledger.ledger import Ledger

    code, out, err = run_cli(monkeypatch, capsys, "cycles", "--db", ledger_db, "--max-len", "4", "--json",
                             "--as-of", "2026-06-30")
    assert code == 0, err
    d = json.loads(out)
    api = cycles(Ledger.open(ledger_db).network(as_of="2026-06-30"), max_len=4)
    assert d["count"] == api.count and [c["nodes"] for c in d["cycles"]] == [list(c) for c in api.cycles["nodes"]]
    nodes = {tuple(c["nodes"]) for c in d["cycles"]}
    assert ("nvidia", "openai", "oracle") in nodes and ("microsoft", "openai") in nodes
    assert ("amazon", "anthropic") in nodes


def test_ledger_status_and_as_of(monkeypatch, capsys, ledger_db):
    from loopledger.ledger import Ledger

    args = ["cycles", "--db", ledger_db, "--as-of", "2024-06-30", "--status", "funded", "--count-only", "--json"]
    code, out, err = run_cli(monkeypatch, capsys, *args)
    assert code == 0, err
    api = cycles(Ledger.open(ledger_db).network(as_of="2024-06-30", statuses=["funded"]), count_only=True)
    assert json.loads(out)["by_length"] == {str(k): v for k, v in api.by_length.items()}
    code, out, _ = run_cli(monkeypatch, capsys, "cycles", "--db", ledger_db, "--top", "3")
    assert code == 0 and "Top 3 cycles by bottleneck" in out and "OpenAI" in out


@pytest.mark.parametrize("args, message", [
    (["--status", "bogus"], "unknown status 'bogus'"),
    (["--as-of", "2025-13-01"], "--as-of"),
    (["--max-len", "-1"], "max-len"),
])
def test_bad_options_exit_1(monkeypatch, capsys, ledger_db, args, message):
    code, out, err = run_cli(monkeypatch, capsys, "cycles", "--db", ledger_db, *args)
    assert code != 0 and message in (err + out) and not out.strip().startswith("{")


def test_bad_edge_file_names_row_and_column(monkeypatch, capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target,amount\na,b,1\nb,a,lots\n")
    code, out, err = run_cli(monkeypatch, capsys, "cycles", "--edges", str(bad))
    assert code == 1 and f"{bad}:3:amount:" in err and out == ""
    code, _, err = run_cli(monkeypatch, capsys, "cycles", "--edges", str(tmp_path / "missing.csv"))
    assert code == 1 and "no such file" in err
    code, _, err = run_cli(monkeypatch, capsys, "cycles", "--edges", str(bad), "--as-of", "2025-01-01")
    assert code == 1 and "do not apply to --edges" in err


def test_empty_ledger_says_what_to_do(monkeypatch, capsys, tmp_path):
    code, _, err = run_cli(monkeypatch, capsys, "cycles", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert code == 1 and "loopledger init" in err


def test_parquet_edges(monkeypatch, capsys, tmp_path):
    path = tmp_path / "edges.parquet"
    pd.DataFrame({"source": ["x", "y", "z"], "target": ["y", "z", "x"], "amount": [1.0, 2.0, 3.0]}).to_parquet(path)
    code, out, _ = run_cli(monkeypatch, capsys, "cycles", "--edges", str(path), "--json")
    assert code == 0
    d = json.loads(out)
    assert [c["nodes"] for c in d["cycles"]] == [["x", "y", "z"]] and d["cycles"][0]["bottleneck"] == 1.0
