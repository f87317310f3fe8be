"""Stress scenarios and the "too big to fail" table (docs/methods.md 6.5-6.7) on a toy ledger whose
every number is worked out by hand below, then consistency checks on the bundled data.

Toy (as of 2026-01-01, every contract definitive without a term, so counted in full):
  lab buys cloud from cloud1 (100); other buys cloud from cloud1 (50) and from cloud2 (50);
  cloud1 owes bank a drawn loan of 60; investor holds 10 % of lab, valued at 500 (stake 50).
  Buffers (market values): lab 500, cloud1 200, cloud2 100, other 1000, investor 1000, bank 1000.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from loopledger.errors import LedgerError, NotFoundError
from loopledger.ledger.dates import end_of, start_of
from loopledger.stresstest.scenario import stress, systemic

_spec = importlib.util.spec_from_file_location("_tiny", Path(__file__).parents[1] / "measures" / "_tiny.py")
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)

AS_OF = "2026-01-01"
E_SUM = 500 + 200 + 100 + 1000 + 1000 + 1000


def deal(id, payer, payee, kind, amount, status="definitive", **kw):
    return dict(id=id, payer=payer, payee=payee, kind=kind, status=status, date="2025-06-01",
                amount_low=amount, amount_high=amount, **kw)


@pytest.fixture(scope="module")
def toy():
    deals = [
        deal("lab-c1", "lab", "cloud1", "cloud_contract", 100),
        deal("other-c1", "other", "cloud1", "cloud_contract", 50),
        deal("other-c2", "other", "cloud2", "cloud_contract", 50),
        deal("bank-c1", "bank", "cloud1", "loan_debt_spv", 60, status="funded"),
        deal("inv-lab", "investor", "lab", "equity_investment", 5, status="funded", stake_pct=10),
        deal("c2-chips", "cloud2", "chips", "compute_purchase", 40, status="funded"),
    ]
    facts = [dict(company="lab", metric="valuation_post_money", value=500, as_of="2025-07-01")] + [
        dict(company=c, metric="market_cap", value=v, as_of="2025-07-01")
        for c, v in (("cloud1", 200), ("cloud2", 100), ("other", 1000), ("investor", 1000), ("bank", 1000))]
    return _tiny.tiny_ledger(deals, facts)


def losses(result):
    return result.companies.set_index("company")["loss"].to_dict()


@pytest.mark.parametrize("variant", ["battiston2012", "linear"])
def test_lab_fails(toy, variant):
    # cloud1 loses the 100 lab owed it (h = 1/2); investor its stake of 50; cloud1's distress
    # reaches bank through the loan: 60 / 1000 x 1/2 = 3 % of bank's 1000, i.e. 30
    r = stress(toy, fail=["lab"], as_of=AS_OF, loss_basis="gross", variant=variant)
    c = r.companies.set_index("company")
    assert losses(r)["cloud1"] == pytest.approx(100)
    assert losses(r)["investor"] == pytest.approx(50)
    assert losses(r)["bank"] == pytest.approx(30)
    assert c.loc["bank", "direct_loss"] == 0 and c.loc["bank", "indirect_loss"] == pytest.approx(30)
    assert c.loc["cloud1", "round"] == 1 and c.loc["bank", "round"] == 2 and c.loc["lab", "round"] == 0
    assert c.loc["lab", "shock_loss"] == 500 and c.loc["cloud1", "loss_share"] == pytest.approx(0.5)
    t = r.totals
    assert (t["total_loss"], t["direct_loss"], t["indirect_loss"]) == pytest.approx((180, 150, 30))
    # distressed: a loss of at least a tenth of the buffer (cloud1, 50 %); investor (5 %) and
    # bank (3 %) are hit but not distressed
    assert t["defaults"] == 0 and t["distressed"] == 1 and t["hit"] == 3
    c = r.companies.set_index("company")
    assert c.loc["cloud1", "state"] == "distressed" and c.loc["investor", "state"] == "ok"
    assert t["R"] == pytest.approx(180 / E_SUM)  # all buffers finite: sum v (h - h0) = loss / sum E
    assert r.params["recovery"] == 0 and r.params["exposures"]["as_of"] == AS_OF


def test_recovery_applies_to_what_was_owed_not_to_stakes(toy):
    # cloud1 recovers 40 %: loses 60 (h = 0.3); bank's exposure to cloud1 nets recovery too:
    # 60 x 0.6 = 36, so bank loses 36 / 1000 x 0.3 x 1000 = 10.8; the stake is lost whole
    r = stress(toy, fail=["lab"], as_of=AS_OF, loss_basis="gross", recovery=0.4)
    got = losses(r)
    assert (got["cloud1"], got["investor"], got["bank"]) == pytest.approx((60, 50, 10.8))


def test_substitution_with_and_without_lag(toy):
    # a fixed substitution s: every supplier of the failed buyer redeploys s of the capacity it
    # freed, over the part of the horizon left after the lag. s = 0.5, no lag: cloud1 loses
    # 100 x (1 - 0.5) = 50; bank, through cloud1's distress, 60 / 1000 x 50 / 200 x 1000 = 15
    r = stress(toy, fail=["lab"], as_of=AS_OF, loss_basis="gross", substitution=0.5, lag_quarters=0)
    got = losses(r)
    assert got["cloud1"] == pytest.approx(50)
    assert got["bank"] == pytest.approx(60 / 1000 * 50 / 200 * 1000)
    assert got["cloud2"] == 0
    assert r.totals_without_substitution["total_loss"] == pytest.approx(180)
    assert r.companies.set_index("company").loc["cloud1", "loss_without_substitution"] == pytest.approx(100)
    assert r.totals["redeployed"] == pytest.approx(180 - (50 + 50 + 15))
    # a four-quarter lag halves what comes back over a 24-month horizon: (24 - 12) / 24
    lag = stress(toy, fail=["lab"], as_of=AS_OF, loss_basis="gross", substitution=0.5, lag_quarters=4)
    assert losses(lag)["cloud1"] == pytest.approx(75)
    assert lag.params["substitution_share_recovered"] == pytest.approx(0.25)
    # the default on the gross basis is no substitution at all
    assert losses(stress(toy, fail=["lab"], as_of=AS_OF, loss_basis="gross"))["cloud1"] == pytest.approx(100)


def test_partial_shocks(toy):
    # funding short by 20 %: lab meets 80 % of its commitments and its equity falls by 20 %
    r = stress(toy, funding_shortfall={"lab": 0.2}, as_of=AS_OF, loss_basis="gross", variant="linear")
    got = losses(r)
    assert (got["cloud1"], got["investor"]) == pytest.approx((20, 10))
    assert got["bank"] == pytest.approx(60 / 1000 * 0.1 * 1000)
    assert r.companies.set_index("company").loc["lab", "shock_loss"] == pytest.approx(100)
    # GPU prices halve: cloud2 bought 40 of chips, loses 20 = 20 % of its buffer
    g = stress(toy, gpu_price_fall=0.5, as_of=AS_OF, loss_basis="gross")
    c = g.companies.set_index("company")
    assert c.loc["cloud2", "shock_loss"] == pytest.approx(20)
    assert g.totals["total_loss"] == 0
    with pytest.raises(LedgerError, match="partial"):
        stress(toy, funding_shortfall={"lab": 0.2}, model="cascade", as_of=AS_OF, loss_basis="gross")


def test_cascade_model(toy):
    # Furfine: losses pass on only at default. cloud1 loses 100 < 200: no default, bank loses 0
    r = stress(toy, fail=["lab"], as_of=AS_OF, loss_basis="gross", model="cascade")
    assert losses(r)["bank"] == 0 and r.totals["defaults"] == 0
    # with a buffer threshold of 40 % cloud1 fails (100 > 80) in wave 1 and bank loses the loan
    r = stress(toy, fail=["lab"], as_of=AS_OF, loss_basis="gross", model="cascade", threshold=0.4)
    c = r.companies.set_index("company")
    assert bool(c.loc["cloud1", "defaulted"]) and c.loc["cloud1", "round_defaulted"] == 1
    assert c.loc["bank", "loss"] == pytest.approx(60) and c.loc["bank", "indirect_loss"] == pytest.approx(60)


def test_clearing_model(toy):
    # external assets: cloud1 5, other 1000 (everyone else 0); lab fails and pays nothing.
    # Round 1 only lab defaults; round 2 cloud1 has 5 + 50 (from other) = 55 < 60 owed to bank:
    # it defaults and pays 55, so bank is short 5; cloud1 is short the 100 lab owed it.
    r = stress(toy, fail=["lab"], as_of=AS_OF, loss_basis="gross", model="clearing", external_assets={"cloud1": 5, "other": 1000})
    c = r.companies.set_index("company")
    assert c.loc["cloud1", "loss"] == pytest.approx(100)
    assert c.loc["bank", "loss"] == pytest.approx(5) and c.loc["bank", "direct_loss"] == 0
    assert c.loc["investor", "loss"] == pytest.approx(50)
    assert bool(c.loc["cloud1", "defaulted"]) and c.loc["cloud1", "round_defaulted"] == 2
    assert r.totals["defaults"] == 1
    with pytest.raises(LedgerError, match="external_assets"):
        stress(toy, fail=["lab"], as_of=AS_OF, loss_basis="gross", model="clearing")


def test_systemic_ranks_by_loss_caused(toy):
    # lab: 180 (above). other: cloud1 and cloud2 lose 50 each, bank 60/1000 x 50/200 x 1000 = 15.
    # cloud1: bank loses its loan of 60. Nobody is exposed to the others.
    t = systemic(toy, as_of=AS_OF, loss_basis="gross").table.set_index("company")
    assert t["total_loss"].to_dict() == pytest.approx(
        {"lab": 180, "other": 115, "cloud1": 60, "bank": 0, "cloud2": 0, "investor": 0})
    assert t.loc["lab", "rank"] == 1 and t.loc["other", "rank"] == 2 and t.loc["cloud1", "rank"] == 3
    assert t.loc["other", "debtrank"] == pytest.approx(115 / E_SUM)
    assert t.loc["other", "largest_victim"] == "Cloud1" and t.loc["other", "largest_victim_loss"] == pytest.approx(50)
    cas = systemic(toy, as_of=AS_OF, loss_basis="gross", model="cascade").table.set_index("company")
    assert cas.loc["other", "total_loss"] == pytest.approx(100)  # no default, so bank is not hit


def test_backstop_moves_the_loss_to_the_guarantor():
    deals = [
        deal("lease", "tenant", "landlord", "lease", 10, group="g"),
        deal("guarantee", "guarantor", "landlord", "capacity_backstop", 6, group="g"),
    ]
    facts = [dict(company=c, metric="market_cap", value=v, as_of="2025-07-01")
             for c, v in (("tenant", 50), ("landlord", 100), ("guarantor", 1000))]
    led = _tiny.tiny_ledger(deals, facts)
    got = losses(stress(led, fail=["tenant"], as_of=AS_OF, loss_basis="gross"))
    assert (got["landlord"], got["guarantor"]) == pytest.approx((4, 6))
    both = losses(stress(led, fail=["tenant", "guarantor"], as_of=AS_OF, loss_basis="gross"))
    assert both["landlord"] == pytest.approx(10)


def test_names_and_errors(toy):
    with pytest.raises(NotFoundError):
        stress(toy, fail=["nobody"], as_of=AS_OF, loss_basis="gross")
    with pytest.raises(NotFoundError, match="no binding exposures"):
        stress(toy, fail=["chips"], as_of=AS_OF, loss_basis="gross")
    for bad in (dict(model="x"), dict(variant="x"), dict(recovery=2), dict(lag_quarters=-1), dict(colour="red")):
        with pytest.raises(LedgerError):
            stress(toy, fail=["lab"], as_of=AS_OF, loss_basis="gross", **bad)
    assert stress(toy, fail="Lab", as_of=AS_OF, loss_basis="gross").fail == ["Lab"]  # by name


def test_bundled_openai_failure(bundled):
    as_of = "2026-06-30"
    r = stress(bundled, fail=["OpenAI"], as_of=as_of, loss_basis="gross")
    c = r.companies.set_index("company")
    # on the gross basis Oracle's direct loss is what OpenAI still owes it, straight-line over the term, computed
    # here from the deal rows
    deals = bundled.deals(as_of=as_of)
    owed = deals[(deals["payer"] == "openai") & (deals["payee"] == "oracle") & deals["amount_high"].notna()
                 & deals["status"].isin(["definitive", "funded_partial"]) & deals["include_in_totals"].astype(bool)]
    tau = date(2026, 6, 30)
    expect = 0.0
    for d in owed.itertuples():
        start, end = start_of(d.term_start) if isinstance(d.term_start, str) else None, \
            end_of(d.term_end) if isinstance(d.term_end, str) else None
        frac = 1.0 if end is None or start is None else min(1.0, max(0.0, (end - tau).days / (end - start).days))
        expect += d.amount_high * frac
    assert c.loc["oracle", "direct_loss"] == pytest.approx(expect)
    assert c.loc["openai", "shock_loss"] == c.loc["openai", "buffer"]
    finite = np.isfinite(c["buffer"])
    assert np.all(c.loc[finite, "loss"] <= c.loc[finite, "buffer"] + 1e-9)
    assert np.all(c["direct_loss"] <= c["loss"] + 1e-9)
    assert r.totals["total_loss"] == pytest.approx(c["loss"].sum())
    # more recovery or substitution never adds losses
    gross = dict(as_of=as_of, loss_basis="gross")
    assert stress(bundled, fail=["OpenAI"], recovery=0.5, **gross).totals["total_loss"] < r.totals["total_loss"]
    assert stress(bundled, fail=["OpenAI"], substitution=0.5, **gross).totals["total_loss"] <= r.totals["total_loss"]
    # every company without a buffer figure is flagged
    assert set(r.flagged["company"]) == set(c.index[c["buffer_flag"] != ""])
    assert set(r.to_dict()) >= {"companies", "totals", "params", "flagged", "excluded", "loss_basis",
                                "assumptions", "sentence", "basis", "reconfiguration"}
    # the default, economic basis: below the gross bound company by company; the Oracle
    # contract starts in 2027, so nothing is owed on it yet: Oracle's loss is margin and capital
    e = stress(bundled, fail=["OpenAI"], as_of=as_of)
    ce = e.companies.set_index("company")
    assert e.loss_basis == "economic" and np.all(ce["loss"] <= ce["loss_gross"] + 1e-9)
    assert ce.loc["oracle", "component_due_within_horizon"] == 0
    assert ce.loc["oracle", "component_lost_margin"] > 0 and ce.loc["oracle", "component_stranded_assets"] > 0
    assert ce["loss_gross"].to_dict() == pytest.approx(c["loss"].to_dict())


def test_public_name_works_whatever_was_imported_first():
    # the function `loopledger.stress` and the package `loopledger.stresstest` have different
    # names: importing the package first changes nothing, and the signature is truthful
    import subprocess
    import sys

    code = ("import inspect, loopledger, loopledger.stresstest.debtrank\n"
            "assert 'recovery' in inspect.signature(loopledger.stress).parameters\n"
            "r = loopledger.stress(loopledger.load_default(), fail=['OpenAI'], as_of='2026-06-30')\n"
            "print(type(r).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "StressResult"


def test_company_without_a_buffer_still_passes_its_shortfall_on():
    led = _tiny.tiny_ledger([deal("c", "buyer", "seller", "cloud_contract", 100)],
                            [dict(company="seller", metric="market_cap", value=400, as_of="2025-07-01")])
    r = stress(led, funding_shortfall={"buyer": 0.3}, as_of=AS_OF, loss_basis="gross", variant="linear")
    c = r.companies.set_index("company")
    assert c.loc["seller", "loss"] == pytest.approx(30)
    assert np.isnan(c.loc["buyer", "shock_loss"]) and c.loc["buyer", "buffer_flag"] == "missing"
