"""Promises: dollars by status checked against independent sums over the deal legs, the
remaining value of commitments by hand (docs/methods.md 6.1), per company roles and the quarterly
as-of series."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from loopledger.ledger.model import STATUSES
from loopledger.ledger.view import remaining_fraction
from loopledger.measures.promises import promises, quarter_ends

_spec = importlib.util.spec_from_file_location("_tiny", Path(__file__).with_name("_tiny.py"))
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)


def _high_sum(rows) -> float:
    """The 'high' rule written out: stated high, else the stated low; unknown adds nothing."""
    total = 0.0
    for r in rows:
        if not r["include_in_totals"]:
            continue
        v = r["amount_high"] if r["amount_high"] == r["amount_high"] else r["amount_low"]
        if v == v:
            total += v
    return total


def test_overall_and_per_company_match_plain_sums(bundled):
    p = promises(bundled, as_of="2025-12-31", series=False)
    deals = bundled.deals(as_of="2025-12-31").to_dict(orient="records")
    for status in STATUSES:
        rows = [r for r in deals if r["status"] == status]
        assert p.by_status[status]["high"] == pytest.approx(_high_sum(rows), abs=1e-6)
        assert p.by_status[status]["count"] == sum(1 for r in rows if r["include_in_totals"])
    comp = p.companies.set_index(["company", "role", "status"])
    for company in ("openai", "nvidia", "oracle"):
        for role, col in (("pays", "payer"), ("receives", "payee")):
            for status in STATUSES:
                rows = [r for r in deals if r[col] == company and r["status"] == status]
                expect = _high_sum(rows)
                key = (company, role, status)
                got = comp.loc[key, "high"] if key in comp.index else 0.0   # no counted leg: no row
                assert got == pytest.approx(expect, abs=1e-6), key


def test_series_quarters_match_the_summary_as_of_each_quarter_end(bundled):
    p = promises(bundled, as_of="2025-12-31")
    # 2019-Q1 .. 2025-Q4: 7 years x 4 quarters
    assert p.series["quarter"].nunique() == 28
    assert p.series["quarter"].iloc[0] == "2019-Q1"
    for quarter, end in (("2024-Q2", date(2024, 6, 30)), ("2025-Q4", date(2025, 12, 31))):
        deals = bundled.deals(as_of=end).to_dict(orient="records")
        part = p.series[p.series["quarter"] == quarter].set_index("status")
        for status in STATUSES:
            rows = [r for r in deals if r["status"] == status]
            assert part.loc[status, "high"] == pytest.approx(_high_sum(rows), abs=1e-6)
            assert part.loc[status, "count"] == sum(1 for r in rows if r["include_in_totals"])
    assert quarter_ends("2025-Q3", date(2025, 11, 5)) == [("2025-Q3", date(2025, 9, 30)), ("2025-Q4", date(2025, 11, 5))]


def test_remaining_value_by_hand():
    deals = [
        # 10 over 2024-01-01..2025-12-31, as of 2025-01-01: (2025-12-31 - 2025-01-01) / (2025-12-31 - 2024-01-01)
        dict(id="straight", payer="a", payee="b", kind="cloud_contract", status="definitive", date="2024-01-01",
             amount_low=10, amount_high=10, term_start="2024-01-01", term_end="2025-12-31"),
        dict(id="paid", payer="b", payee="c", kind="compute_purchase", status="funded", date="2024-02-01",
             amount_low=4, amount_high=4),
        dict(id="open", payer="c", payee="a", kind="cloud_contract", status="definitive", date="2024-03-01",
             amount_low=7, amount_high=9),
        dict(id="future", payer="a", payee="c", kind="lease", status="definitive", date="2024-03-01",
             amount_low=2, amount_high=2, term_start="2026", term_end="2030"),
    ]
    ledger = _tiny.tiny_ledger(deals)
    p = promises(ledger, as_of="2025-01-01")
    straight = 10 * (date(2025, 12, 31) - date(2025, 1, 1)).days / (date(2025, 12, 31) - date(2024, 1, 1)).days
    assert straight == pytest.approx(10 * 364 / 730)
    r = p.remaining["definitive"]
    assert r["high"] == pytest.approx(straight + 9 + 2)   # straight-line + no schedule (full) + not started
    assert r["low"] == pytest.approx(straight + 7 + 2)
    assert r["straight_line"] == 2 and r["no_schedule"] == 1
    assert p.remaining["funded"]["high"] == 0
    assert p.by_status["definitive"]["high"] == pytest.approx(10 + 9 + 2)
    legs = ledger.legs(as_of="2025-01-01", statuses=None)
    frac = remaining_fraction(legs, date(2025, 1, 1)).set_index(legs["deal"])
    assert frac.loc["paid", "remaining_basis"] == "paid" and frac.loc["future", "remaining_fraction"] == 1.0


def test_company_filter_and_json(bundled):
    import json

    p = promises(bundled, as_of="2025-12-31", company="OpenAI", series=False)
    deals = bundled.deals(as_of="2025-12-31", company="openai").to_dict(orient="records")
    assert p.by_status["definitive"]["high"] == pytest.approx(
        _high_sum([r for r in deals if r["status"] == "definitive"]), abs=1e-6)
    assert set(p.companies["company"]) == {"openai"}
    d = json.loads(json.dumps(p.to_dict()))
    assert d["by_status"]["funded"]["count"] == p.by_status["funded"]["count"]
    assert np.isfinite(p.to_frame()["remaining_high"]).all()


def test_cli_promises(cli, tmp_path):
    from loopledger.ledger import Ledger

    url = f"sqlite:///{tmp_path / 'p.db'}"
    r = cli("promises", "--db", url)
    assert r.code == 1 and "loopledger init" in r.err
    Ledger.open(url).init()
    r = cli("promises", "--db", url, "--as-of", "2020-06-30", "--json")   # an early date: a short series
    assert r.code == 0, r.err
    assert r.json()["as_of"] == "2020-06-30"
    assert [q["quarter"] for q in r.json()["series"]][::6] == ["2019-Q1", "2019-Q2", "2019-Q3", "2019-Q4", "2020-Q1", "2020-Q2"]
    r = cli("promises", "--db", url, "--as-of", "2020-06-30", "--series", "--company", "Microsoft")
    assert r.code == 0 and "2019-Q1" in r.out and "still to pay" in r.out and "involving Microsoft" in r.out
