"""The one-way sensitivity table: each row is the scenario re-run with one assumption changed
(checked against stress() called directly with that option), sorted by the size of the swing,
and bad ranges fail with a message that names the assumption."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger.errors import LedgerError
from loopledger.stresstest.scenario import stress
from loopledger.stresstest.sensitivity import RANGES, sensitivity

from .test_economic import AS_OF, BIG, build, cap, deal


@pytest.fixture(scope="module")
def small():
    deals = [
        deal("cloud", "lab", "cloud", "cloud_contract", 120, term_start="2025", term_end="2029", power_gw=1.0),
        deal("loan", "bank", "lab", "loan_debt_spv", 30, status="funded"),
        deal("stake", "investor", "lab", "equity_investment", 5, status="funded", stake_pct=10),
        deal("chips", "lab", "chips", "compute_purchase", 40),
    ]
    facts = [cap("lab", 500), cap("cloud", 40)] + [cap(c, BIG) for c in ("bank", "investor", "chips")]
    return build(deals, facts)


def _total(led, **options):
    t = stress(led, fail=["lab"], as_of=AS_OF, **options).totals
    return t["total_loss"], t["total_loss_gross"], t["defaults"]


def test_each_row_is_the_scenario_rerun_with_that_assumption(small):
    s = sensitivity(small, fail=["lab"], as_of=AS_OF, model="cascade")
    base = _total(small, model="cascade")
    assert s.base_loss == pytest.approx(base[0]) and s.base_gross == pytest.approx(base[1])
    assert set(s.table["assumption"]) == set(RANGES)
    for r in s.table.itertuples():
        option, _, kind = r.assumption.partition(".")
        def at(v, option=option, kind=kind):
            return {option: {kind: v}} if kind else {option: v}

        low, high = _total(small, model="cascade", **at(r.low)), _total(small, model="cascade", **at(r.high))
        assert r.loss_low == pytest.approx(low[0]) and r.loss_high == pytest.approx(high[0]), r.assumption
        assert r.gross_low == pytest.approx(low[1]) and r.defaults_high == high[2], r.assumption
        assert r.swing == pytest.approx(high[0] - low[0])
    swings = s.table["swing"].abs().tolist()
    assert swings == sorted(swings, reverse=True)
    # the recovery and the horizon change what a failing lab's creditors lose: some row moves
    assert (s.table["swing"].abs() > 1e-9).any()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=st.floats(0.0, 0.5), high=st.floats(0.5, 1.0))
def test_given_ranges_replace_the_defaults(small, low, high):
    s = sensitivity(small, fail=["lab"], as_of=AS_OF, model="cascade", ranges={"recovery": (low, high)})
    assert s.table["assumption"].tolist() == ["recovery"]
    r = s.table.iloc[0]
    assert r["loss_low"] == pytest.approx(_total(small, model="cascade", recovery=low)[0])
    assert r["loss_high"] == pytest.approx(_total(small, model="cascade", recovery=high)[0])
    # more recovered never means more lost
    assert r["loss_high"] <= r["loss_low"] + 1e-9


@pytest.mark.parametrize("ranges, message", [
    ({"nosuch": (0, 1)}, "'nosuch' is not a stress option"),
    ({"recovery": 0.3}, "the range of 'recovery' must be (low, high)"),
    ({"recovery.cloud_contract": (0, 1)}, "'recovery' is not a KIND=SHARE option"),
    ({"recovery": (0.2, 1.5)}, "recovery"),
])
def test_bad_ranges_name_the_assumption(small, ranges, message):
    with pytest.raises(LedgerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sensitivity(small, fail=["lab"], as_of=AS_OF, ranges=ranges)


def test_the_table_says_what_it_counts(small):
    s = sensitivity(small, fail=["lab"], as_of=AS_OF, ranges={"horizon_months": (12, 36)})
    assert "fail lab" in s.counting and f"as of {AS_OF}" in s.counting and "economic loss" in s.counting
    d = s.to_dict()
    assert d["table"][0]["assumption"] == "horizon_months" and d["counting"] == s.counting
    assert "<table" in s._repr_html_()


def test_the_value_column_is_what_the_base_run_used():
    """A value the run derives from the ledger (capital intensity: a cloud contract without GW
    takes the median of those that state it) is shown as the base stress run lists it, with
    its basis, not the fallback default; an option given is shown as given."""
    deals = [
        deal("cloud", "lab", "cloud", "cloud_contract", 120, term_start="2025", term_end="2029", power_gw=1.0),
        deal("cloud2", "lab", "cloud", "cloud_contract", 60, term_start="2025", term_end="2029"),
        deal("loan", "bank", "lab", "loan_debt_spv", 30, status="funded"),
    ]
    led = build(deals, [cap("lab", 500), cap("cloud", 40), cap("bank", BIG)])
    s = sensitivity(led, fail=["lab"], as_of=AS_OF, recovery=0.5).table.set_index("assumption")
    used = {a["name"]: a for a in stress(led, fail=["lab"], as_of=AS_OF, recovery=0.5).assumptions}
    a = used["capex_intensity.cloud_contract"]
    assert a["basis"] == "derived"
    assert s.loc["capex_intensity.cloud_contract", "value"] == f"{a['value']:g} (derived)"
    assert s.loc["recovery", "value"] == 0.5
