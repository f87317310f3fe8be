"""Look-through losses (docs/methods.md 8): hand calculations, a brute-force check of the range, the
8.2 flags, the sensitivity table on ledgers built here and on the bundled Microsoft facts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger.errors import LedgerError
from loopledger.measures.lookthrough import lookthrough, lookthrough_from_ledger

_spec = importlib.util.spec_from_file_location("_tiny", Path(__file__).with_name("_tiny.py"))
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)


# --- hand calculations (docs/methods.md 8.3: The Register's 3.1/0.27 and Bernstein's 4.1/0.325) -----

def test_after_tax_figure_is_grossed_up_by_the_tax_rate():
    # 3.1 after tax at 21 % is a pre-tax pickup of 3.1 / 0.79; on a 27 % stake 3.1 / 0.79 / 0.27
    r = lookthrough(3.1, 0.27, basis="after_tax", basis_range=False)
    assert r.estimate == pytest.approx(14.533521, abs=1e-6)
    assert r.estimate == pytest.approx(3.1 / 0.79 / 0.27)
    assert r.low == pytest.approx(3.05 / 0.79 / 0.27) and r.high == pytest.approx(3.15 / 0.79 / 0.27)
    assert r.formula == "3.1 / 0.79 / 0.27"
    assert r.press_estimate == pytest.approx(3.1 / 0.27) and r.derived is True
    # the default basis is the grossed-up after-tax figure
    assert lookthrough(3.1, 0.27, basis_range=False).estimate == pytest.approx(r.estimate)


def test_press_convention_post_recap_stake():
    # The Register's 3.1 / 0.27: the after-tax figure over the stake, which understates by 0.79
    r = lookthrough(3.1, 0.27, basis="after_tax_press", basis_range=False)
    assert r.estimate == pytest.approx(11.481481, abs=1e-6)   # 3.1 / 0.27
    assert r.low == pytest.approx(11.296296, abs=1e-6)        # (3.1 - 0.05) / 0.27 = 3.05 / 0.27
    assert r.high == pytest.approx(11.666667, abs=1e-6)       # (3.1 + 0.05) / 0.27 = 3.15 / 0.27
    assert r.other_basis_estimate == pytest.approx(3.1 / 0.79 / 0.27)
    assert "understates" in r.notes[0]


def test_pre_tax_convention_pre_recap_stake():
    r = lookthrough(4.1, 0.325, basis="pre_tax", basis_range=False)
    assert r.estimate == pytest.approx(12.615385, abs=1e-6)   # 4.1 / 0.325
    assert r.low == pytest.approx(12.461538, abs=1e-6)        # 4.05 / 0.325
    assert r.high == pytest.approx(12.769231, abs=1e-6)       # 4.15 / 0.325


def test_basis_range_spans_the_press_convention():
    r = lookthrough(3.1, 0.27, tax_rate=0.21)
    # the other reading of the after-tax figure is the press convention 3.1 / 0.27
    assert r.other_basis_estimate == pytest.approx(3.1 / 0.27)
    # high end: (3.1 + 0.05) / 0.79 / 0.27 = 14.7679; low end, press convention: 3.05 / 0.27
    assert r.high == pytest.approx(14.767932, abs=1e-6)
    assert r.low == pytest.approx(11.296296, abs=1e-6)


def test_pre_tax_basis_converts_down_and_stake_range():
    r = lookthrough(4.1, 0.30, basis="pre_tax", stake_range=(0.27, 0.325), tax_rate=0.21)
    # lowest: after-tax equivalent (4.05 * 0.79) over the highest stake 0.325 = 3.1995 / 0.325
    assert r.low == pytest.approx(4.05 * 0.79 / 0.325)
    # highest: 4.15 / 0.27 = 15.3704
    assert r.high == pytest.approx(15.370370, abs=1e-6)
    assert r.estimate == pytest.approx(4.1 / 0.30)


def test_sign_convention_is_kept():
    assert lookthrough(-3.1, 0.27, basis_range=False).estimate == pytest.approx(-3.1 / 0.79 / 0.27)


def test_adjusted_estimator_subtracts_amortisation_and_other_items():
    # (I_pre - amort - other) / s = (4.1 - 0.3 - 0.2) / 0.325 = 3.6 / 0.325 = 11.0769
    r = lookthrough(4.1, 0.325, basis="pre_tax", amort=0.3, other=0.2, basis_range=False)
    assert r.estimate == pytest.approx(11.076923, abs=1e-6)
    assert r.formula == "(4.1 - 0.3 - 0.2) / 0.325"


@settings(max_examples=60, deadline=None)
@given(
    loss=st.floats(0.5, 50), s_lo=st.floats(0.05, 0.6), width=st.floats(0, 0.3),
    t=st.floats(0, 0.4), rounding=st.floats(0, 0.2),
    basis=st.sampled_from(["after_tax", "pre_tax", "after_tax_press"]),
)
def test_range_matches_a_brute_force_grid(loss, s_lo, width, t, rounding, basis):
    s_hi = min(1.0, s_lo + width)
    stake = (s_lo + s_hi) / 2
    r = lookthrough(loss, stake, basis=basis, tax_rate=t, stake_range=(s_lo, s_hi), rounding=rounding)
    # oracle: evaluate the estimator on a grid over figure, stake and both readings of it: the
    # after-tax figure grossed up or not, the pre-tax figure as is or as if after tax
    readings = {"after_tax": (1 / (1 - t), 1.0), "after_tax_press": (1.0, 1 / (1 - t)), "pre_tax": (1.0, 1 - t)}[basis]
    values = [n * c / s for n in np.linspace(loss - rounding, loss + rounding, 7)
              for s in np.linspace(s_lo, s_hi, 7) for c in readings]
    assert r.low == pytest.approx(min(values), rel=1e-9)
    assert r.high == pytest.approx(max(values), rel=1e-9)
    assert r.low <= r.estimate <= r.high
    assert r.estimate * stake == pytest.approx(loss * readings[0])


@pytest.mark.parametrize("kwargs, needle", [
    (dict(investor_loss=3.1, stake=27), "did you mean 0.27"),
    (dict(investor_loss=3.1, stake=0.27, basis="net"), "unknown basis"),
    (dict(investor_loss=3.1, stake=0.27, tax_rate=1.2), "tax_rate"),
    (dict(investor_loss=float("nan"), stake=0.27), "finite"),
    (dict(investor_loss=3.1, stake=0.27, stake_range=(0.3, 0.2)), "stake_range"),
])
def test_bad_input_is_a_clear_error(kwargs, needle):
    with pytest.raises(LedgerError, match=needle):
        lookthrough(**kwargs)


def test_flags_of_methods_8_2():
    # a line showing a net gain of 3.5 that holds a dilution gain of 7.6 (losses positive, so
    # both are negative): pickup = -3.5 - (-7.6) = 4.1, and |other| = 7.6 >= 4.1
    r = lookthrough(-3.5, 0.27, other=-7.6)
    assert [f["code"] for f in r.flags] == ["other_dominates"]
    assert r.pickup == pytest.approx(4.1)
    with pytest.raises(LedgerError, match="not meaningful"):
        lookthrough(-3.5, 0.27, other=-7.6, strict=True)
    assert [f["code"] for f in lookthrough(4.1, 0.3, carrying_amount=5.0).flags] == ["loss_limit"]
    assert lookthrough(4.1, 0.3, carrying_amount=50.0).flags == ()
    assert [f["code"] for f in lookthrough(4.1, 0.3, hlbv=True).flags] == ["hlbv"]


# --- the sensitivity table from a ledger built here -------------------------------------------

def _ledger_with_stakes():
    facts = [
        dict(company="inv", metric="tee_equity_method_net_income_hit", value=-2.0, as_of="2024-06-30", period="2024-Q2"),
        dict(company="inv", metric="tee_investment_loss_pretax", value=-2.6, as_of="2024-06-30", period="2024-Q2"),
        dict(company="inv", metric="tee_stake_pct", value=40, unit="%", as_of="2024-03-31"),
        dict(company="inv", metric="tee_stake_pct", value=30, unit="%", as_of="2024-05-15"),
        dict(company="inv", metric="tee_stake_pct", value=25, unit="%", as_of="2024-08-01"),
        dict(company="inv", metric="tee_equity_method_net_income_hit", value=1.5, as_of="2024-12-31", period="2024-Q4"),
        dict(company="inv", metric="tee_dilution_gain_after_tax", value=5.0, as_of="2024-12-31", period="2024-Q4"),
        dict(company="inv", metric="tee_dilution_gain_after_tax", value=4.0, as_of="2025-03-31", period="2025-Q1"),
    ]
    return _tiny.tiny_ledger(facts=facts, companies=["tee"])


def test_table_from_a_ledger_built_here():
    t = lookthrough_from_ledger(_ledger_with_stakes(), "inv", "tee", "2024-Q2")
    m = t.matrix()
    cols = list(m.columns)
    assert len(cols) == 4  # 40%, 30%, 25% facts and the time-weighted stake
    c40, c30, c25, tw = cols
    assert m.loc["after_tax_press", c40] == pytest.approx(5.0)          # 2.0 / 0.40
    assert m.loc["after_tax_press", c30] == pytest.approx(2.0 / 0.30)   # 6.667
    assert m.loc["after_tax", c40] == pytest.approx(2.0 / 0.79 / 0.40)  # grossed up at 21 %: 6.329
    assert m.loc["pre_tax", c40] == pytest.approx(6.5)            # 2.6 / 0.40
    # time-weighted: 40% from 1 Apr to 14 May (44 days), 30% from 15 May to 30 Jun (47 days)
    tw_stake = (44 * 0.40 + 47 * 0.30) / 91                       # = 31.7 / 91 = 0.348352
    assert t.stakes.set_index("column").loc[tw, "stake"] == pytest.approx(tw_stake)
    assert m.loc["pre_tax", tw] == pytest.approx(2.6 / tw_stake)
    cells = t.cells.set_index(["row", "column"])
    assert "stake_not_held_in_period" in cells.loc[("after_tax", c25), "flags"]
    assert cells.loc[("after_tax", c40), "flags"] == ""
    assert cells.loc[("pre_tax", c40), "low"] == pytest.approx(2.55 / 0.40)   # +/-0.05 rounding
    assert cells.loc[("pre_tax", c40), "high"] == pytest.approx(2.65 / 0.40)
    assert np.isnan(cells.loc[("adjusted", c40), "estimate"])                # amort/other unknown
    # implied investor tax: 1 - 2.0 / 2.6 = 0.230769
    assert t.implied_tax_rate == pytest.approx(1 - 2.0 / 2.6)
    assert all(i["sources"] and i["sources"][0]["url"] == _tiny.URL for i in t.inputs)
    # user amortisation fills the adjusted row: (2.6 - 0.2) / 0.40 = 6.0
    t2 = lookthrough_from_ledger(_ledger_with_stakes(), "inv", "tee", "2024-Q2", amort=0.2, stake=0.5)
    m2 = t2.matrix()
    assert m2.loc["adjusted", c40] == pytest.approx(6.0)
    assert m2.loc["after_tax_press"].iloc[-1] == pytest.approx(2.0 / 0.5)   # the user's stake column
    assert list(m.index) == ["pre_tax", "after_tax", "after_tax_press", "adjusted"]


def test_dilution_gain_period_is_flagged():
    t = lookthrough_from_ledger(_ledger_with_stakes(), "inv", "tee", "2024-Q4")
    assert [f["code"] for f in t.flags] == ["other_dominates"]
    assert (t.cells.dropna(subset=["estimate"])["flags"].str.contains("other_dominates")).all()
    assert np.isnan(t.range[0]) and np.isnan(t.range[1])   # no clean cell left to quote
    with pytest.raises(LedgerError, match="dilution|gain") as e:
        lookthrough_from_ledger(_ledger_with_stakes(), "inv", "tee", "2025-Q1")
    assert "2024-Q2" in str(e.value)   # names the periods that do have figures


def test_unknown_company_and_bad_period():
    ledger = _ledger_with_stakes()
    with pytest.raises(LedgerError):
        lookthrough_from_ledger(ledger, "nobody", "tee", "2024-Q2")
    with pytest.raises(LedgerError, match="period"):
        lookthrough_from_ledger(ledger, "inv", "tee", "Q2 2024")


# --- the bundled Microsoft / OpenAI facts ------------------------------------------------------

def test_bundled_table_has_the_four_cells_and_cites_the_sec(bundled):
    t = lookthrough_from_ledger(bundled, "Microsoft", "OpenAI", "2025-Q3")
    m = t.matrix()
    c325 = next(c for c in m.columns if c.startswith("32.5%"))
    c27 = next(c for c in m.columns if c.startswith("27%"))
    assert m.loc["after_tax_press", c27] == pytest.approx(3.1 / 0.27)     # 11.48, The Register
    assert m.loc["pre_tax", c325] == pytest.approx(4.1 / 0.325)           # 12.62, Bernstein "more than $12B"
    assert m.loc["after_tax_press", c325] == pytest.approx(3.1 / 0.325)   # 9.54
    assert m.loc["after_tax", c325] == pytest.approx(3.1 / 0.79 / 0.325)  # 12.07, grossed up
    assert m.loc["after_tax", c27] == pytest.approx(3.1 / 0.79 / 0.27)    # 14.53
    assert m.loc["pre_tax", c27] == pytest.approx(4.1 / 0.27)       # 15.19
    held = t.stakes.set_index("column")["applies"]
    assert bool(held[c325]) and not bool(held[c27])                  # 27% is a subsequent event
    roles = {i["role"].split(" (")[0]: i for i in t.inputs}
    for role in ("after-tax net income impact", "pre-tax loss"):
        assert any("sec.gov" in s["url"] and s["type"] == "filing" for s in roles[role]["sources"])
    assert any("sec.gov" in s["url"] for i in t.inputs if i["metric"] == "openai_stake_pct" and i["value"] == 27
               for s in i["sources"])
    assert t.press["value"] == 11.5 and t.press["closest_cell"]["row"] == "after_tax_press"


def test_bundled_q4_dilution_gain_refuses_a_naive_back_out(bundled):
    with pytest.raises(LedgerError, match="7.6"):
        lookthrough_from_ledger(bundled, "Microsoft", "OpenAI", "2025-Q4")


# --- CLI -----------------------------------------------------------------------------------------

def test_cli_numbers_json(cli):
    r = cli("lookthrough", "--investor-loss", "3.1", "--stake", "0.27", "--no-basis-range", "--json")
    assert r.code == 0, r.err
    out = r.json()
    assert out["estimate"] == pytest.approx(3.1 / 0.79 / 0.27)
    assert out["low"] == pytest.approx(3.05 / 0.79 / 0.27) and out["high"] == pytest.approx(3.15 / 0.79 / 0.27)
    r = cli("lookthrough", "--investor-loss", "3.1", "--stake", "0.27", "--basis", "after_tax_press", "--json")
    assert r.json()["estimate"] == pytest.approx(3.1 / 0.27)
    r = cli("lookthrough", "--investor-loss", "4.1", "--stake", "0.325", "--basis", "pre_tax", "--json")
    assert r.json()["estimate"] == pytest.approx(4.1 / 0.325)
    # the stake is a fraction on the command line as in the API; the old percent option says so
    r = cli("lookthrough", "--investor-loss", "3.1", "--stake-pct", "27")
    assert r.code == 1 and "--stake-pct was renamed: use --stake 0.27" in r.err


def test_cli_errors_exit_1(cli):
    r = cli("lookthrough", "--investor-loss", "3.1")
    assert r.code == 1 and "--stake" in r.err
    r = cli("lookthrough", "--investor-loss", "3.1", "--investor", "Microsoft")
    assert r.code == 1 and "either" in r.err
