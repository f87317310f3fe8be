"""Exposures and buffers from a ledger (docs/methods.md 6.1-6.4), on small ledgers built in code:
each expected number is worked out here from the dates and amounts given, not read back from
the code."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loopledger.errors import LedgerError, NotFoundError
from loopledger.stresstest.exposures import Exposures, build_exposures

_spec = importlib.util.spec_from_file_location("_tiny", Path(__file__).parents[1] / "measures" / "_tiny.py")
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)

AS_OF = "2026-01-01"


def ledger_of(deals, facts=(), placeholders=()):
    ledger = _tiny.tiny_ledger(deals, facts, companies=placeholders)
    for c in placeholders:
        ledger.amend("companies", c, {"placeholder": True}, reason="test placeholder")
    return ledger


def legs_of(X: Exposures, deal: str) -> pd.DataFrame:
    return X.legs[X.legs["deal"] == deal]


def test_straight_line_remaining_and_orientation():
    deals = [dict(id="cloud", payer="buyer", payee="seller", kind="cloud_contract", status="definitive",
                  date="2024-01-01", amount_low=100, amount_high=100, term_start="2024-01-01", term_end="2027-12-31")]
    X = build_exposures(ledger_of(deals), as_of=AS_OF)
    leg = legs_of(X, "cloud").iloc[0]
    left = (date(2027, 12, 31) - date(2026, 1, 1)).days / (date(2027, 12, 31) - date(2024, 1, 1)).days
    assert leg["remaining"] == pytest.approx(100 * left)
    assert (leg["debtor"], leg["creditor"], leg["schedule"], bool(leg["derived"])) == ("buyer", "seller", "straight_line", True)
    L = X.liabilities().toarray()
    b, s = X.index_of("buyer"), X.index_of("seller")
    assert L[b, s] == pytest.approx(100 * left) and L[s, b] == 0
    A = X.loss_matrix(recovery=0.25).toarray()
    assert A[s, b] == pytest.approx(0.75 * 100 * left)  # the seller loses if the buyer fails
    # the 24-month horizon reaches the end of the term: all of the remainder falls due in it
    assert X.due_within_horizon().toarray()[b, s] == pytest.approx(100 * left)
    short = build_exposures(ledger_of(deals), as_of=AS_OF, horizon_months=12).due_within_horizon().toarray()[b, s]
    in_year = (date(2027, 1, 1) - date(2026, 1, 1)).days / (date(2027, 12, 31) - date(2024, 1, 1)).days
    assert short == pytest.approx(100 * in_year, rel=2e-3)


def test_schedules_funded_paid_and_haircut():
    deals = [
        dict(id="noterm", payer="a", payee="b", kind="compute_purchase", status="definitive", date="2025-06-01",
             amount_low=40, amount_high=60),
        dict(id="done", payer="a", payee="b", kind="cloud_contract", status="funded", date="2025-06-01",
             amount_low=5, amount_high=5),
        dict(id="part", payer="c", payee="b", kind="lease", status="funded_partial", date="2025-06-01",
             amount_low=30, amount_high=30),
    ]
    led = ledger_of(deals)
    X = build_exposures(led, as_of=AS_OF, paid={"part": 12}, termination_haircut={"compute_purchase": 0.25})
    noterm = legs_of(X, "noterm").iloc[0]
    assert noterm["schedule"] == "no_schedule" and noterm["remaining"] == pytest.approx(60 * 0.75)
    assert legs_of(X, "done").empty
    assert "funded" in X.excluded.set_index("deal").loc["done", "reason"]
    assert legs_of(X, "part").iloc[0]["remaining"] == pytest.approx(18)
    low = build_exposures(led, as_of=AS_OF, amount="low")
    assert legs_of(low, "noterm").iloc[0]["remaining"] == pytest.approx(40)
    with pytest.raises(NotFoundError, match="nope"):
        build_exposures(led, as_of=AS_OF, paid={"nope": 1})


def test_loans_both_ways_and_repaid():
    deals = [
        dict(id="drawn", payer="bank", payee="firm", kind="loan_debt_spv", status="funded", date="2025-01-01",
             amount_low=8, amount_high=8),
        dict(id="undrawn", payer="bank", payee="firm", kind="loan_debt_spv", status="definitive", date="2025-01-01",
             amount_low=3, amount_high=3),
        dict(id="repaid", payer="bank", payee="firm", kind="loan_debt_spv", status="funded", date="2023-01-01",
             amount_low=2, amount_high=2, term_end="2025-06-30"),
    ]
    X = build_exposures(ledger_of(deals), as_of=AS_OF)
    L = X.liabilities().toarray()
    bank, firm = X.index_of("bank"), X.index_of("firm")
    assert L[firm, bank] == 8 and L[bank, firm] == 3
    assert "repaid" in X.excluded.set_index("deal").loc["repaid", "reason"]


def test_stakes_valued_at_the_latest_valuation_before_the_date():
    deals = [
        dict(id="stake", payer="holder", payee="lab", kind="equity_investment", status="funded", date="2025-03-01",
             amount_low=1, amount_high=1, stake_pct=10),
        dict(id="reported", payer="other", payee="private", kind="equity_investment", status="funded",
             date="2025-03-01", amount_low=1, amount_high=1, stake_value=7.5, include_in_totals=False,
             overlap="stake_summary"),
        dict(id="commit", payer="holder", payee="lab", kind="equity_investment", status="definitive",
             date="2025-09-01", amount_low=20, amount_high=20),
    ]
    facts = [
        dict(company="lab", metric="valuation_post_money", value=300, as_of="2025-04-01"),
        dict(company="lab", metric="valuation_post_money", value=500, as_of="2025-11-01"),
        dict(company="lab", metric="valuation_post_money", value=900, as_of="2026-06-01"),  # after the date
    ]
    X = build_exposures(ledger_of(deals, facts), as_of=AS_OF)
    S = X.stake_values().toarray()
    assert S[X.index_of("holder"), X.index_of("lab")] == pytest.approx(0.10 * 500)
    assert S[X.index_of("other"), X.index_of("private")] == pytest.approx(7.5)
    # the unfunded commitment is owed by the investor to the investee (docs/methods.md 0.2)
    assert X.liabilities().toarray()[X.index_of("holder"), X.index_of("lab")] == 20
    A = X.loss_matrix(recovery=0.5).toarray()
    assert A[X.index_of("holder"), X.index_of("lab")] == pytest.approx(50)  # stakes get no recovery
    assert A[X.index_of("lab"), X.index_of("holder")] == pytest.approx(10)


def test_warrants_only_when_asked():
    deals = [dict(id="w", payer="issuer", payee="customer", kind="warrant_or_equity_grant", status="definitive",
                  date="2025-03-01", stake_pct=10)]
    facts = [dict(company="issuer", metric="market_cap", value=200, as_of="2025-06-01")]
    led = ledger_of(deals, facts)
    with pytest.raises(LedgerError):
        # nothing is exposed without warrants: no company to stress
        build_exposures(led, as_of=AS_OF).index_of("customer")
    X = build_exposures(led, as_of=AS_OF, include_warrants=True, warrant_vested=0.5)
    S = X.stake_values().toarray()
    assert S[X.index_of("customer"), X.index_of("issuer")] == pytest.approx(0.10 * 200 * 0.5)


def test_backstops_cover_their_group_or_every_buyer():
    deals = [
        dict(id="lease", group="g1", payer="tenant", payee="landlord", kind="lease", status="definitive",
             date="2025-01-01", amount_low=10, amount_high=10),
        dict(id="other-lease", group="g2", payer="someone", payee="landlord", kind="lease", status="definitive",
             date="2025-01-01", amount_low=4, amount_high=4),
        dict(id="guarantee", group="g1", payer="guarantor", payee="landlord", kind="capacity_backstop",
             status="definitive", date="2025-01-01", amount_low=3, amount_high=6),
        dict(id="last-resort", group="g3", payer="vendor", payee="landlord", kind="capacity_backstop",
             status="definitive", date="2025-01-01", amount_low=2, amount_high=2),
    ]
    X = build_exposures(ledger_of(deals), as_of=AS_OF)
    legs = X.legs.reset_index(drop=True)
    cover = dict(zip(legs["deal"], legs["covers"]))
    assert [legs.loc[i, "deal"] for i in cover["guarantee"]] == ["lease"]
    assert sorted(legs.loc[i, "deal"] for i in cover["last-resort"]) == ["lease", "other-lease"]
    K = X.backstops().toarray()
    assert K[X.index_of("guarantor"), X.index_of("landlord")] == 6


def test_buffers_placeholders_and_missing_figures():
    deals = [
        dict(id="d1", payer="buyer", payee="seller", kind="cloud_contract", status="definitive", date="2025-01-01",
             amount_low=10, amount_high=10),
        dict(id="d2", payer="capital-markets", payee="seller", kind="loan_debt_spv", status="funded",
             date="2025-01-01", amount_low=5, amount_high=5),
    ]
    facts = [
        dict(company="seller", metric="market_cap", value=80, as_of="2025-02-01"),
        dict(company="seller", metric="valuation", value=120, as_of="2025-12-01"),
        dict(company="seller", metric="cash", value=9, as_of="2025-12-01"),
    ]
    led = ledger_of(deals, facts, placeholders=["capital-markets"])
    X = build_exposures(led, as_of=AS_OF)
    E = dict(zip(X.nodes, X.buffers))
    flags = dict(zip(X.nodes, X.buffer_flag))
    assert E["seller"] == 120  # the latest market value, whatever its metric
    assert np.isinf(E["capital-markets"]) and flags["capital-markets"] == "placeholder"
    assert np.isinf(E["buyer"]) and flags["buyer"] == "missing"
    assert build_exposures(led, as_of=AS_OF, buffer="cash").buffers[list(X.nodes).index("seller")] == 9
    assert dict(zip(*[build_exposures(led, as_of=AS_OF, missing_buffer=25).nodes,
                      build_exposures(led, as_of=AS_OF, missing_buffer=25).buffers]))["buyer"] == 25
    with pytest.raises(LedgerError, match="buyer"):
        build_exposures(led, as_of=AS_OF, missing_buffer="error")
    dropped = build_exposures(led, as_of=AS_OF, missing_buffer="exclude")
    assert "buyer" not in dropped.nodes.tolist()
    assert "d1" in dropped.excluded["deal"].tolist()
    early = build_exposures(led, as_of="2025-06-30")
    assert early.buffers[list(early.nodes).index("seller")] == 80


def test_a_company_without_a_market_value_falls_back_to_its_book_equity():
    """A vehicle has no market value, only its first-loss equity: the default buffer basis
    (market value) falls back to book equity for it, says so in its basis, and with
    buffer_fallback="none" it is missing again; cash as the fallback takes cash."""
    deals = [
        dict(id="d1", payer="lab", payee="vehicle", kind="lease", status="definitive", date="2025-01-01",
             amount_low=30, amount_high=30),
        dict(id="d2", payer="lab", payee="listed", kind="cloud_contract", status="definitive", date="2025-01-01",
             amount_low=10, amount_high=10),
    ]
    facts = [
        dict(company="vehicle", metric="book_equity", value=7, as_of="2025-06-01"),
        dict(company="vehicle", metric="cash", value=2, as_of="2025-06-01"),
        dict(company="listed", metric="market_cap", value=50, as_of="2025-06-01"),
        dict(company="listed", metric="book_equity", value=20, as_of="2025-06-01"),
    ]
    led = ledger_of(deals, facts)

    def read(**kw):
        X = build_exposures(led, as_of=AS_OF, **kw)
        return dict(zip(X.nodes, X.buffers)), dict(zip(X.nodes, X.buffer_flag)), dict(zip(X.nodes, X.buffer_basis))

    E, flags, basis = read()
    assert E["vehicle"] == 7 and flags["vehicle"] == "" and "no market_value figure: book_equity instead" in basis["vehicle"]
    assert E["listed"] == 50  # a company with a market value keeps it
    assert np.isinf(E["lab"]) and flags["lab"] == "missing"
    E, flags, _ = read(buffer_fallback="none")
    assert np.isinf(E["vehicle"]) and flags["vehicle"] == "missing"
    assert read(buffer_fallback="cash")[0]["vehicle"] == 2
    assert read(buffer="book_equity")[0]["listed"] == 20


def test_statuses_gpu_assets_and_bad_options():
    deals = [
        dict(id="loi", payer="lab", payee="chips", kind="compute_purchase", status="announced_loi",
             date="2025-01-01", amount_low=50, amount_high=50),
        dict(id="firm", payer="lab", payee="chips", kind="compute_purchase", status="funded", date="2025-01-01",
             amount_low=7, amount_high=7),
        dict(id="open", payer="lab", payee="chips", kind="compute_purchase", status="definitive", date="2025-01-01",
             amount_low=3, amount_high=3),
    ]
    led = ledger_of(deals)
    X = build_exposures(led, as_of=AS_OF)
    assert legs_of(X, "loi").empty and "announced_loi" in X.excluded.set_index("deal").loc["loi", "reason"]
    assert X.gpu_assets[X.index_of("lab")] == pytest.approx(10)
    wide = build_exposures(led, as_of=AS_OF, statuses=["definitive", "funded", "announced_loi"])
    assert wide.liabilities().sum() == pytest.approx(53)
    for bad in (dict(amount="max"), dict(buffer="book"), dict(missing_buffer="zero")):
        with pytest.raises(LedgerError):
            build_exposures(led, as_of=AS_OF, **bad)


def test_from_legs_and_bundled_ledger(bundled):
    X = Exposures.from_legs(pd.DataFrame({"debtor": ["a", "b"], "creditor": ["b", "c"], "low": [1, 2],
                                          "high": [3, 2]}), {"a": 5, "b": 6, "c": np.inf})
    assert X.liabilities().toarray()[0, 1] == 3
    assert X.buffer_flag.tolist() == ["", "", "placeholder"]
    # the bundled data: every leg names its orientation and an assumption; Microsoft's stake in
    # OpenAI is the stake % of the latest stake row x OpenAI's latest valuation in the facts
    B = build_exposures(bundled, as_of="2026-06-30")
    assert B.legs["assumption"].notna().all()
    deals = bundled.deals(as_of="2026-06-30")
    row = deals[(deals["payer"] == "microsoft") & (deals["payee"] == "openai") & deals["stake_pct"].notna()]
    pct = row.sort_values("first_date").iloc[-1]["stake_pct"]
    vals = bundled.facts(company="openai", as_of="2026-06-30")
    vals = vals[vals["metric"].isin(["market_cap", "valuation_post_money", "valuation", "valuation_deal",
                                     "valuation_secondary"])].sort_values("date")
    S = B.stake_values().toarray()
    assert S[B.index_of("microsoft"), B.index_of("openai")] == pytest.approx(pct / 100 * vals.iloc[-1]["value"])
