"""``loopledger data changelog | gaps | buffers``: the same results as the Python API, option
for option, and a clear error with exit 1 for a bad database."""

from __future__ import annotations

import csv

from loopledger.ledger.data import buffer_facts, source_gaps


def test_changelog_json_lists_every_entry(cli, rows):
    result = cli("data", "changelog", "--json")
    assert result.code == 0, result.err
    with (rows.DATA / "changelog.csv").open(encoding="utf-8", newline="") as f:
        entries = [r["entry"] for r in csv.DictReader(f)]
    got = result.json()["entries"]
    assert [e["entry"] for e in got] == entries
    assert got[0]["added"]["deals"] == 174  # the conversion of the research rows


def test_changelog_table(cli):
    result = cli("data", "changelog")
    assert result.code == 0 and "2026-11-26-00" in result.out


def test_gaps_json_equals_the_api(cli, bundled):
    result = cli("data", "gaps", "--json", "--top", "10", "--as-of", "2026-11-26")
    assert result.code == 0, result.err
    api = source_gaps(bundled, top=10, as_of="2026-11-26")
    out = result.json()
    assert out["counts"] == api.counts
    assert [g["id"] for g in out["gaps"]] == list(api.to_frame()["id"])


def test_gaps_table_says_how_many(cli):
    result = cli("data", "gaps", "--top", "3")
    assert result.code == 0 and "in scope have no primary source" in result.out


def test_buffers_json_equals_the_api(cli, bundled):
    result = cli("data", "buffers", "--json", "--company", "coreweave", "--company", "iren")
    assert result.code == 0, result.err
    table = {r["company"]: r for r in result.json()["table"]}
    api = buffer_facts(bundled, companies=["coreweave", "iren"]).to_frame().set_index("company")
    assert table["coreweave"]["full"] is True and bool(api.loc["coreweave", "full"])
    assert table["coreweave"]["debt"] == api.loc["coreweave", "debt"]
    # the CLI says exactly what the API says, whatever facts the data holds today
    for company in ("coreweave", "iren"):
        for col in ("cash", "debt", "full"):
            want = api.loc[company, col]
            got = table[company][col]
            assert (got is None) == (want is None or want != want), (company, col)
            if got is not None:
                assert got == want, (company, col)


def test_a_missing_database_is_an_error(cli, tmp_path):
    result = cli("data", "gaps", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert result.code == 1
    assert "loopledger init" in result.err


def test_buffers_table_counts_governments_by_rule(cli, bundled):
    """The summary line says how many have a buffer and names those that have one by rule
    (sovereign or placeholder: infinite), as the API counts them."""
    result = cli("data", "buffers")
    assert result.code == 0, result.err
    api = buffer_facts(bundled)
    line = next(s for s in result.out.splitlines() if " have a buffer " in s)
    have = len(api.table) - len(api.without_buffer)
    assert line.startswith(f"{have} of {len(api.table)} have a buffer")
    assert f"{len(api.by_rule)} by rule (sovereign or placeholder: infinite): {', '.join(api.by_rule)}" in line
    assert api.by_rule and "us-government" in api.by_rule
    assert ("without: " in line) == bool(api.without_buffer)

