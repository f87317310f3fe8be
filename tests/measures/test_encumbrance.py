"""Claims and encumbrance (issue 17, parts 2-3): the claims schema read at a date, the flags on
hand-built ledgers, pledged totals against a brute-force sum on random cases (hypothesis), the
look-through of vehicles, and the command and API."""

from __future__ import annotations

import importlib.util
import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import loopledger
from loopledger.ledger import Ledger, View, changes
from loopledger.ledger.claims import ASSET_COLUMNS, GUARANTEE_COLUMNS, PLEDGE_COLUMNS, Claims
from loopledger.measures.encumbrance import FLAGS, encumbrance, encumbrance_of
from loopledger.measures.offbalance import named_in

_spec = importlib.util.spec_from_file_location("claims_fixture", Path(__file__).parents[1] / "claims_fixture.py")
_fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fx)


def build(tmp_path, assets=(), pledges=(), guarantees=(), db_url: str | None = None) -> Ledger:
    led = Ledger.open(db_url) if db_url else Ledger.in_memory()
    changes.apply(led, _fx.write(tmp_path, _fx.BASE))
    changes.apply(led, _fx.write(tmp_path, _fx.claims_set(assets, pledges, guarantees)))
    return led


def row(e, collateral: str) -> pd.Series:
    return e.collateral.set_index("collateral").loc[collateral]


# -- the claims schema ------------------------------------------------------------------------


def test_the_claims_schema_on_both_backends(tmp_path, db_url):
    led = build(tmp_path, assets=[_fx.asset("gpus", value=8.0)],
                pledges=[_fx.pledge("a/1", "loan-a", asset_id="gpus", priority="senior"),
                         _fx.pledge("b/1", "loan-b", asset_id="gpus", priority="second lien", as_of="2025-09"),
                         _fx.pledge("b/2", "loan-b", deal="contract", as_of="2026-06-01")],
                guarantees=[{"deal": "backstop", "covers": "spv-lease", "sources": [_fx.URL]}], db_url=db_url)
    c = led.claims(View.of("2025-12-31"))
    assert list(c.assets.columns) == ASSET_COLUMNS
    assert list(c.pledges.columns) == PLEDGE_COLUMNS
    assert list(c.guarantees.columns) == GUARANTEE_COLUMNS
    p = c.pledges.set_index("id")
    assert set(p.index) == {"a/1", "b/1"}  # b/2 is dated after the view's date
    assert (p.at["b/1", "lender"], p.at["b/1", "borrower"]) == ("bank-b", "cloud")  # the loan's payer, payee
    assert (p.at["a/1", "priority"], p.at["b/1", "priority"], p.at["b/1", "priority_label"]) == (1.0, 2.0,
                                                                                               "second lien")
    assert p.at["b/1", "as_of"] == date(2025, 9, 1)
    g = c.guarantees.iloc[0]
    assert (g.guarantor, g.covers) == ("big", "spv-lease") and math.isnan(g.cap)
    assert c.assets.iloc[0].value == 8.0 and c.assets.iloc[0].value_as_of == date(2025, 6, 1)
    assert set(led.claims(View.of("2026-07-01")).pledges["id"]) == {"a/1", "b/1", "b/2"}
    # an asset valued after the view's date has no value yet then (unknown, not 0)
    assert math.isnan(led.claims(View.of("2025-05-31")).assets.iloc[0].value)
    # a retracted pledge is left out
    out = _fx.claims_set(name="2026-03-01-00-retract")
    out["retract"] = [{"table": "pledges", "id": "a/1", "reason": "withdrawn"}]
    changes.apply(led, _fx.write(tmp_path, out))
    assert "a/1" not in set(led.claims(View.of("2026-07-01")).pledges["id"])
    assert json.dumps(c.to_dict())  # JSON-ready


# -- the flags on hand-built ledgers --------------------------------------------------------


def test_a_contract_pledged_to_two_lenders_at_the_same_priority_is_flagged(tmp_path):
    led = build(tmp_path, pledges=[_fx.pledge("a/1", "loan-a", deal="contract", priority="senior"),
                                   _fx.pledge("b/1", "loan-b", deal="contract", priority="senior")])
    r = row(encumbrance(led, "2026-01-01"), "contract")
    assert r.same_priority_two_lenders and "same_priority_two_lenders" in r["flags"]
    assert r.lenders == 2 and r.claims == 2
    # the contract's remaining value (10, no schedule) is below the 6 + 5 it backs
    assert r.value == 10.0 and r.pledged_total == 11.0
    assert r.receivables_below_debt and r.pledged_beyond_value


def test_different_priorities_or_one_lender_are_not_flagged_and_unstated_ones_are(tmp_path):
    led = build(tmp_path, assets=[_fx.asset("g1", value=100.0), _fx.asset("g2", value=100.0),
                                  _fx.asset("g3", value=100.0)],
                pledges=[_fx.pledge("a/1", "loan-a", asset_id="g1", priority="senior"),
                         _fx.pledge("b/1", "loan-b", asset_id="g1", priority="junior"),
                         _fx.pledge("a/2", "loan-a", asset_id="g2", priority="senior"),
                         _fx.pledge("s/2", "spv-loan", asset_id="g2", priority="senior"),  # same lender, bank-a
                         _fx.pledge("a/3", "loan-a", asset_id="g3"),
                         _fx.pledge("b/3", "loan-b", asset_id="g3")])
    e = encumbrance(led, "2026-01-01")
    assert row(e, "g1")["flags"] == [] and row(e, "g2")["flags"] == []
    assert row(e, "g3")["flags"] == ["priority_not_stated"]
    claims = e.claims[e.claims["collateral"] == "g1"]
    assert list(claims["pledge"]) == ["a/1", "b/1"]  # senior first


def test_a_pledge_beyond_value_is_flagged(tmp_path):
    led = build(tmp_path, assets=[_fx.asset("small", value=4.0), _fx.asset("big", value=7.0),
                                  _fx.asset("unknown")],
                pledges=[_fx.pledge("a/1", "loan-a", asset_id="small", priority="senior"),
                         _fx.pledge("a/2", "loan-a", asset_id="big", priority="senior"),
                         _fx.pledge("a/3", "loan-a", asset_id="unknown", priority="senior")])
    e = encumbrance(led, "2026-01-01")
    assert row(e, "small").pledged_beyond_value and row(e, "small").pledged_share == pytest.approx(6 / 4)
    assert not row(e, "big").pledged_beyond_value and row(e, "big").pledged_share == pytest.approx(6 / 7)
    unknown = row(e, "unknown")  # no value: the share is unknown and nothing is flagged
    assert not unknown.pledged_beyond_value and math.isnan(unknown.pledged_share)
    assert not row(e, "small").receivables_below_debt  # an asset, not receivables
    assert set(e.flagged("pledged_beyond_value")["collateral"]) == {"small"}


def test_a_loan_outside_the_view_has_no_amount_never_zero(tmp_path):
    led = build(tmp_path, assets=[_fx.asset("g", value=1.0)],
                pledges=[_fx.pledge("a/1", "loan-a", asset_id="g", priority="senior")])
    e = encumbrance(led, "2026-01-01", statuses=["announced_loi"])  # the loan is definitive: out of view
    r = row(e, "g")
    assert math.isnan(r.pledged_total) and r.loans_without_amount == 1 and not r.pledged_beyond_value


# -- random cases against a brute-force sum -------------------------------------------------

LOANS = [f"loan-{i}" for i in range(5)]
LENDERS = ["l0", "l1", "l2"]
COLLATERAL = ["c0", "c1", "c2", "d0"]


@st.composite
def cases(draw):
    amounts = {loan: draw(st.one_of(st.none(), st.floats(0.01, 100, allow_nan=False))) for loan in LOANS}
    lender = {loan: draw(st.sampled_from(LENDERS)) for loan in LOANS}
    values = {c: draw(st.one_of(st.none(), st.floats(0.01, 200, allow_nan=False))) for c in COLLATERAL}
    n = draw(st.integers(0, 12))
    pledges = []
    for i in range(n):
        loan, coll = draw(st.sampled_from(LOANS)), draw(st.sampled_from(COLLATERAL))
        pledges.append({"id": f"p{i}", "loan": loan, "lender": lender[loan], "collateral": coll,
                        "priority": draw(st.sampled_from([1.0, 2.0, np.nan]))})
    return amounts, values, pledges


def _frames(amounts, values, pledges):
    assets = pd.DataFrame([{"id": c, "kind": "gpus", "owner": "x", "description": c, "gpu_count": np.nan,
                            "gpu_generation": None, "value": np.nan if v is None else v, "value_as_of": None,
                            "value_note": None, "sources": "s"} for c, v in values.items() if c != "d0"],
                          columns=ASSET_COLUMNS)
    prows = [{"id": p["id"], "loan": p["loan"], "lender": p["lender"], "borrower": "b",
              "collateral_asset": None if p["collateral"] == "d0" else p["collateral"],
              "collateral_deal": "d0" if p["collateral"] == "d0" else None, "priority": p["priority"],
              "priority_label": None, "share": 1.0, "ltv_limit": np.nan, "as_of": date(2025, 1, 1), "note": None,
              "sources": "s"} for p in pledges]
    claims = Claims(date(2026, 1, 1), assets, pd.DataFrame(prows, columns=PLEDGE_COLUMNS),
                    pd.DataFrame(columns=GUARANTEE_COLUMNS))
    legs = [{"deal": loan, "payer": "l", "payee": "b", "kind": "loan_debt_spv", "status": "definitive",
             "amount": np.nan if a is None else a, "remaining_fraction": 1.0} for loan, a in amounts.items()]
    d0 = values["d0"]
    legs.append({"deal": "d0", "payer": "lab", "payee": "b", "kind": "lease", "status": "definitive",
                 "amount": np.nan if d0 is None else d0, "remaining_fraction": 1.0})
    return claims, pd.DataFrame(legs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_pledged_totals_and_flags_equal_a_brute_force_count(case):
    amounts, values, pledges = case
    claims, legs = _frames(amounts, values, pledges)
    e = encumbrance_of(claims, legs)
    got = e.collateral.set_index("collateral")
    assert set(got.index) == {p["collateral"] for p in pledges}
    for coll in got.index:
        mine = [p for p in pledges if p["collateral"] == coll]
        loans = []
        for p in mine:
            if p["loan"] not in loans:
                loans.append(p["loan"])
        known = [amounts[loan] for loan in loans if amounts[loan] is not None]
        total = sum(known) if known else None
        r = got.loc[coll]
        if total is None:
            assert math.isnan(r.pledged_total)
        else:
            assert r.pledged_total == pytest.approx(total)
        value = values[coll]
        assert r.pledged_beyond_value == (total is not None and value is not None and total > value)
        same = any(a["priority"] == b["priority"] and a["lender"] != b["lender"]
                   for a in mine for b in mine if not math.isnan(a["priority"]) and not math.isnan(b["priority"]))
        assert r.same_priority_two_lenders == same
        unstated = any(a["lender"] != b["lender"] for a in mine for b in mine
                       if math.isnan(a["priority"]) and math.isnan(b["priority"]))
        assert r.priority_not_stated == unstated
        assert r.receivables_below_debt == (coll == "d0" and r.pledged_beyond_value)
        assert r.claims == len(mine) and r.loans == len(loans)
        assert set(r["flags"]) == {f for f in FLAGS if r[f]}


# -- the look-through of vehicles -----------------------------------------------------------


def test_vehicle_debt_rolls_up_to_sponsors_and_rests_on_the_contract_payer(tmp_path):
    led = build(tmp_path, pledges=[_fx.pledge("s/1", "spv-loan", deal="spv-lease")])
    e = encumbrance(led, "2026-01-01")
    by = e.by_sponsor.set_index("sponsor")
    assert by.at["big", "debt"] == 3.0 and by.at["big", "vehicles"] == ["spv"]
    assert "bank-a" not in by.index and "cloud" not in by.index  # loans to non-vehicles stay out
    rest = e.resting_on.iloc[0]
    assert (rest.company, rest.loan, rest.borrower, rest.borrower_is_vehicle, rest.amount) == (
        "lab", "spv-loan", "spv", True, 3.0)


def test_sponsors_named_in_owners_text_are_found_as_whole_words():
    companies = [("meta", ["Meta", "Meta Platforms"]), ("blue-owl", ["Blue Owl"]), ("arm", ["Arm"]),
                 ("x", ["X"])]
    assert named_in("Blue Owl funds 80%, Meta 20%", companies) == ["blue-owl", "meta"]
    assert named_in("Metaverse Ltd; Armada", companies) == []  # not whole words
    assert named_in("X Corp", companies) == []  # names under three characters are not read
    assert named_in(None, companies) == []


# -- the command and the API ----------------------------------------------------------------


def test_the_api_and_result_shape(tmp_path):
    led = build(tmp_path, pledges=[_fx.pledge("a/1", "loan-a", deal="contract", priority="senior"),
                                   _fx.pledge("b/1", "loan-b", deal="contract", priority="senior")])
    e = loopledger.claims(led, as_of="2026-01-01")
    assert list(e.to_frame()["collateral"]) == ["contract"]
    d = e.to_dict()
    assert d["collateral"][0]["claims_in_order"][0]["pledge"] == "a/1"
    assert d["by_sponsor"] is not None and "as of 2026-01-01" in d["counting"]
    assert "Claims on assets" in e._repr_html_()
    json.dumps(d)


def test_the_claims_command(tmp_path, monkeypatch, capsys):
    from loopledger.cli import app

    db = f"sqlite:///{tmp_path / 'c.db'}"
    build(tmp_path, pledges=[_fx.pledge("a/1", "loan-a", deal="contract", priority="senior"),
                             _fx.pledge("b/1", "loan-b", deal="contract", priority="senior")], db_url=db)
    monkeypatch.setenv("COLUMNS", "200")
    app(["claims", "--db", db, "--as-of", "2026-01-01"], standalone_mode=False)
    out = capsys.readouterr().out
    assert "two lenders at the same priority" in out and "as of 2026-01-01" in out
    assert "binding statuses" in out  # the counting line
    app(["claims", "--db", db, "--as-of", "2026-01-01", "--json"], standalone_mode=False)
    data = json.loads(capsys.readouterr().out)
    assert data["collateral"][0]["same_priority_two_lenders"] is True


def test_a_bad_date_is_a_one_line_error(tmp_path):
    import subprocess
    import sys

    db = f"sqlite:///{tmp_path / 'c.db'}"
    build(tmp_path, db_url=db)
    code = "from loopledger.cli import main; import sys; sys.argv=['loopledger', *sys.argv[1:]]; main()"
    r = subprocess.run([sys.executable, "-c", code, "claims", "--db", db, "--as-of", "2026-13-01"],
                       capture_output=True, text=True)
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1, r.stderr
