"""Collateral, loan-to-value and guarantees (docs/stress.md, "Collateral, loan-to-value and
guarantees"): the priority waterfall against a brute-force loop written here on random cases
(hypothesis), conservation, LTV breaches against a plain re-count, guarantee payments, and hand-built
ledgers with a small fake ``claims`` attribute where a failure gives the expected secured recovery
and guarantee payment."""

from __future__ import annotations

import math
from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger.ledger import Ledger
from loopledger.stresstest.collateral import guarantee_payments, liquidation_value, ltv_breaches, waterfall
from loopledger.stresstest.scenario import stress

NAN = float("nan")
R = 0.37  # the economic basis' default recovery on the unsecured remainder


# -- the waterfall -----------------------------------------------------------------------------


def brute_waterfall(value: float, amounts: list[float], ranks: list[float]) -> list[float]:
    """Pay claims one rank at a time: stated ranks ascending, then the unranked; within a rank
    each claim gets amount x min(1, what is left / the rank's total)."""
    key = [r if r == r else math.inf for r in ranks]
    order = sorted(range(len(amounts)), key=lambda i: key[i])
    paid = [0.0] * len(amounts)
    left = value
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and key[order[j]] == key[order[i]]:
            j += 1
        group = order[i:j]
        total = sum(amounts[g] for g in group)
        if total > 0:
            f = min(1.0, left / total)
            for g in group:
                paid[g] = amounts[g] * f
            left -= min(left, total)
        i = j
    return paid


claims_strategy = st.lists(
    st.tuples(st.floats(0, 100, allow_nan=False), st.sampled_from([1.0, 2.0, 3.0, 5.0, NAN])),
    min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(claims_strategy, st.floats(0, 2.5))
def test_waterfall_equals_brute_force(claims, fraction):
    amounts = [a for a, _ in claims]
    ranks = [r for _, r in claims]
    value = fraction * sum(amounts)   # below, at and above the total debt
    frame = pd.DataFrame({"amount": amounts, "priority": ranks})
    got = waterfall(value, frame)
    expected = brute_waterfall(value, amounts, ranks)
    assert got["recovered"].to_numpy() == pytest.approx(expected, abs=1e-9)
    # conservation: recovered + unsecured = the claim; recovered <= the value and <= each claim
    assert (got["recovered"] + got["unsecured"]).to_numpy() == pytest.approx(amounts, abs=1e-9)
    assert got["recovered"].sum() <= value + 1e-9
    assert got["recovered"].sum() == pytest.approx(min(value, sum(amounts)), abs=1e-9)
    assert (got["recovered"] <= got["amount"] + 1e-12).all()


@settings(max_examples=200, deadline=None)
@given(claims_strategy, st.floats(0, 1.5))
def test_a_junior_claim_gets_nothing_until_the_seniors_are_paid(claims, fraction):
    amounts = [a for a, _ in claims]
    ranks = [r for _, r in claims]
    got = waterfall(fraction * sum(amounts), pd.DataFrame({"amount": amounts, "priority": ranks}))
    key = [r if r == r else math.inf for r in ranks]
    rec = got["recovered"].tolist()
    for i in range(len(amounts)):
        if rec[i] < amounts[i] - 1e-9:   # claim i is short: every lower-ranked claim gets nothing
            for j in range(len(amounts)):
                if key[j] > key[i]:
                    assert rec[j] == pytest.approx(0.0, abs=1e-9)


def test_waterfall_by_hand():
    c = pd.DataFrame({"id": ["a", "b", "c", "d"], "amount": [60.0, 30.0, 10.0, 5.0], "priority": [1, 2, 2, NAN]})
    got = waterfall(80.0, c).set_index("id")
    # senior 60 paid in full; the second rank shares 20 pro rata (30:10); the unranked nothing
    assert got.loc["a", "recovered"] == 60.0
    assert got.loc["b", "recovered"] == pytest.approx(15.0)
    assert got.loc["c", "recovered"] == pytest.approx(5.0)
    assert got.loc["d", "recovered"] == 0.0 and got.loc["d", "unsecured"] == 5.0
    assert liquidation_value(100.0, 0.3) == pytest.approx(70.0)


# -- loan-to-value -------------------------------------------------------------------------------


@st.composite
def ltv_cases(draw):
    n_assets = draw(st.integers(1, 5))
    assets = pd.DataFrame({
        "id": [f"a{i}" for i in range(n_assets)],
        "kind": [draw(st.sampled_from(["gpus", "datacentre", "other"])) for _ in range(n_assets)],
        "value": [draw(st.one_of(st.floats(0.5, 50), st.just(NAN))) for _ in range(n_assets)],
    })
    n_loans = draw(st.integers(1, 5))
    rows = []
    for k in range(n_loans):
        for _ in range(draw(st.integers(1, 3))):
            rows.append(dict(id=f"p{len(rows)}", loan=f"l{k}", lender="bank", borrower=f"b{k}",
                             collateral_asset=f"a{draw(st.integers(0, n_assets - 1))}", collateral_deal=None,
                             share=draw(st.sampled_from([1.0, 0.5, 0.25])),
                             ltv_limit=draw(st.sampled_from([NAN, 0.5, 0.7, 0.9]))))
    amounts = {f"l{k}": draw(st.floats(0.1, 60)) for k in range(n_loans)}
    return assets, pd.DataFrame(rows), amounts, draw(st.floats(0, 1)), draw(st.sampled_from([0.6, 0.8]))


@settings(max_examples=200, deadline=None)
@given(ltv_cases())
def test_ltv_breaches_are_exactly_the_loans_above_their_limit(case):
    assets, pledges, amounts, fall, default_limit = case
    got = ltv_breaches(assets, pledges, amounts, fall, ltv_limit=default_limit).set_index("loan")
    value = {a.id: a.value * ((1 - fall) if a.kind == "gpus" else 1.0) for a in assets.itertuples()}
    expected = set()
    for loan, amount in amounts.items():
        coll = 0.0
        limits = []
        for pr in pledges[pledges["loan"] == loan].itertuples():
            v = value[pr.collateral_asset]
            if v == v:
                coll += pr.share * v
            if pr.ltv_limit == pr.ltv_limit:
                limits.append(pr.ltv_limit)
        limit = min(limits) if limits else default_limit
        if coll > 0 and amount / coll > limit:
            expected.add(loan)
            assert got.loc[loan, "cure"] == pytest.approx(amount - limit * coll)
        if coll > 0:
            assert got.loc[loan, "ltv"] == pytest.approx(amount / coll)
    assert set(got.index[got["breached"]]) == expected


def test_a_gpu_price_fall_breaches_only_gpu_backed_loans():
    assets = pd.DataFrame({"id": ["g", "d"], "kind": ["gpus", "datacentre"], "value": [40.0, 40.0]})
    pledges = pd.DataFrame([
        dict(id="p1", loan="gpu-loan", lender="bank", borrower="neo", collateral_asset="g", share=1.0, ltv_limit=NAN),
        dict(id="p2", loan="dc-loan", lender="bank", borrower="neo", collateral_asset="d", share=1.0, ltv_limit=NAN)])
    amounts = {"gpu-loan": 30.0, "dc-loan": 30.0}
    before = ltv_breaches(assets, pledges, amounts, 0.0).set_index("loan")
    assert not before["breached"].any()                       # 30 / 40 = 0.75 <= 0.8
    after = ltv_breaches(assets, pledges, amounts, 0.1).set_index("loan")
    assert after.loc["gpu-loan", "breached"] and after.loc["gpu-loan", "ltv"] == pytest.approx(30 / 36)
    assert not after.loc["dc-loan", "breached"]
    assert after.loc["gpu-loan", "cure"] == pytest.approx(30 - 0.8 * 36)


# -- guarantees ----------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 100), st.one_of(st.floats(0, 100), st.just(NAN)), st.floats(0, 200))
def test_a_guarantee_pays_the_smaller_of_its_cap_and_the_covered_loss(loss, cap, remaining):
    g = pd.DataFrame([dict(deal="g1", guarantor="parent", covers="loan", cap=cap)])
    got = guarantee_payments(g, {"loan": loss}, {"loan": remaining}).iloc[0]
    expected = min(remaining if cap != cap else cap, loss)
    assert got["paid"] == pytest.approx(expected)
    # a deal whose obligor did not default costs the guarantor nothing
    assert guarantee_payments(g, {}).iloc[0]["paid"] == 0.0


# -- hand-built ledgers with claims ----------------------------------------------------------------

SOURCE = "src-claims0001"
AS_OF = "2026-01-01"


def build(deals, caps):
    names = set(caps)
    for d in deals:
        names.update((d["payer"], d["payee"]))
    led = Ledger.in_memory()
    rows, events = [], []
    for d in deals:
        row = {k: v for k, v in d.items() if k != "status"}
        row.update(group=d.get("group", d["id"]), confidence="high", sources=[SOURCE], announced="2025-06-01")
        rows.append(row)
        events.append(dict(id=f"{d['id']}/1", deal=d["id"], date="2025-06-01", status=d.get("status", "funded"),
                           sources=[SOURCE]))
    led.add({
        "sources": [dict(id=SOURCE, url="https://example.org/claims", publisher="Example", date="2025-01-01",
                         type="filing")],
        "companies": [dict(id=c, name=c.title(), type="other") for c in sorted(names)],
        "deals": rows, "events": events,
        "facts": [dict(id=f"{c}/cap", company=c, metric="market_cap", value=v, unit="USD bn", as_of="2025-07-01",
                       confidence="high", sources=[SOURCE]) for c, v in caps.items()],
    }, actor="test", reason="claims stress test ledger")
    return led


def deal(id, payer, payee, kind, amount, **kw):
    return dict(id=id, payer=payer, payee=payee, kind=kind, amount_low=amount, amount_high=amount, **kw)


def with_claims(led, monkeypatch, assets=(), pledges=(), guarantees=()):
    """Give the ledger a ``claims(view)`` reading the schema's three frames."""
    frames = SimpleNamespace(
        assets=pd.DataFrame(list(assets), columns=["id", "kind", "owner", "description", "gpu_count",
                                                   "gpu_generation", "value", "value_as_of", "value_note", "sources"]),
        pledges=pd.DataFrame([dict(dict(priority=NAN, priority_label=None, share=1.0, ltv_limit=NAN, as_of=None,
                                        note=None, sources=SOURCE, collateral_asset=None, collateral_deal=None), **p)
                              for p in pledges],
                             columns=["id", "loan", "lender", "borrower", "collateral_asset", "collateral_deal",
                                      "priority", "priority_label", "share", "ltv_limit", "as_of", "note", "sources"]),
        guarantees=pd.DataFrame(list(guarantees), columns=["deal", "guarantor", "covers", "cap", "note", "sources"]))
    monkeypatch.setattr(led, "claims", lambda view: frames, raising=False)
    return led


def asset(id, kind, owner, value):
    return dict(id=id, kind=kind, owner=owner, description=id, gpu_count=NAN, gpu_generation=None, value=value,
                value_as_of=None, value_note=None, sources=SOURCE)


BIG = 9e4


@pytest.fixture
def secured(monkeypatch):
    deals = [deal("senior-loan", "bank", "neo", "loan_debt_spv", 50),
             deal("junior-loan", "fund", "neo", "loan_debt_spv", 30),
             deal("unsecured-loan", "other", "neo", "loan_debt_spv", 10),
             # neo's sale to a lab that keeps paying: a contract pledged to the fund
             deal("neo-lab", "lab", "neo", "cloud_contract", 12, term_start="2025", term_end="2030",
                  status="definitive")]
    led = build(deals, {"neo": 20, "bank": BIG, "fund": BIG, "other": BIG, "lab": BIG})
    return with_claims(led, monkeypatch,
                       assets=[asset("gpus-1", "gpus", "neo", 40.0)],
                       pledges=[dict(id="p1", loan="senior-loan", lender="bank", borrower="neo",
                                     collateral_asset="gpus-1", priority=1),
                                dict(id="p2", loan="junior-loan", lender="fund", borrower="neo",
                                     collateral_asset="gpus-1", priority=2),
                                dict(id="p3", loan="junior-loan", lender="fund", borrower="neo",
                                     collateral_deal="neo-lab", priority=1)])


def test_a_failure_gives_the_expected_secured_recovery(secured):
    r = stress(secured, fail=["neo"], as_of=AS_OF, model="cascade", substitution=0)
    c = r.companies.set_index("company")
    # the GPUs fetch 40 x (1 - 0.3) = 28: all to the senior bank (claim 50), nothing to the junior
    assert c.loc["bank", "component_due_within_horizon"] == pytest.approx(50 * (1 - R))
    assert c.loc["bank", "component_secured_recovery"] == pytest.approx(-28 * (1 - R))
    assert c.loc["bank", "loss"] == pytest.approx((50 - 28) * (1 - R))
    # the fund recovers the pledged contract's remaining value (the lab has not failed)
    start, end, tau = date(2025, 1, 1), date(2030, 12, 31), date(2026, 1, 1)
    contract_left = 12 * (end - tau).days / (end - start).days     # straight line over the term
    assert c.loc["fund", "component_secured_recovery"] == pytest.approx(-contract_left * (1 - R))
    assert c.loc["fund", "loss"] == pytest.approx((30 - contract_left) * (1 - R))
    # an unsecured lender recovers nothing from collateral
    assert c.loc["other", "component_secured_recovery"] == 0
    assert c.loc["other", "loss"] == pytest.approx(10 * (1 - R))
    # the components still add up to each loss, and the economic loss stays below the gross one
    comp_cols = [x for x in c.columns if x.startswith("component_")]
    assert (c[comp_cols].sum(axis=1) - c["loss"]).abs().max() < 1e-9
    assert (c["loss"] <= c["loss_gross"] + 1e-9).all()
    assert r.totals["components"]["secured_recovery"] == pytest.approx(-(28 + contract_left) * (1 - R))
    assert "3 pledges, 1 assets, 0 guarantees recorded" in r.footer
    assert f"less ${(28 + contract_left) * (1 - R):,.1f} bn secured lenders recover from pledged collateral" \
        in r.sentence
    names = {a["name"]: a for a in r.assumptions}
    assert names["collateral_haircut"]["value"] == 0.3


def test_the_haircut_is_an_option_and_a_failed_payer_voids_a_pledged_contract(secured):
    r = stress(secured, fail=["neo"], as_of=AS_OF, model="cascade", substitution=0, collateral_haircut=0.0)
    c = r.companies.set_index("company")
    assert c.loc["bank", "component_secured_recovery"] == pytest.approx(-40 * (1 - R))
    # GPUs worth 40 at no haircut: the bank takes 40 of its 50; nothing left for the junior pledge
    both = stress(secured, fail=["neo", "lab"], as_of=AS_OF, model="cascade", substitution=0)
    b = both.companies.set_index("company")
    assert b.loc["fund", "component_secured_recovery"] == 0           # the lab pays nothing now
    assert b.loc["fund", "loss"] == pytest.approx(30 * (1 - R))


def test_a_gpu_price_fall_lowers_the_recovery_and_breaches_the_loan(secured):
    r = stress(secured, fail=["neo"], as_of=AS_OF, gpu_price_fall=0.5)
    c = r.companies.set_index("company")
    # GPUs 40 -> 20, sold at 14
    assert c.loc["bank", "component_secured_recovery"] == pytest.approx(-14 * (1 - R))
    lb = r.ltv_breaches.set_index("loan")
    assert lb.loc["senior-loan", "ltv"] == pytest.approx(50 / 20) and lb.loc["senior-loan", "breached"]
    assert r.totals["ltv_breaches"] == int(lb["breached"].sum())
    assert set(r.to_dict()["ltv_breaches"][0]) >= {"loan", "ltv", "ltv_limit", "breached", "cure"}


def test_an_ltv_breach_is_a_shock_to_the_borrower(monkeypatch):
    deals = [deal("loan", "bank", "neo", "loan_debt_spv", 30), deal("neo-sale", "lab", "neo", "cloud_contract", 5,
                                                                    term_start="2025", term_end="2030")]
    led = with_claims(build(deals, {"neo": 100, "bank": BIG, "lab": BIG}), monkeypatch,
                      assets=[asset("g", "gpus", "neo", 40.0)],
                      pledges=[dict(id="p", loan="loan", lender="bank", borrower="neo", collateral_asset="g")])
    calm = stress(led, as_of=AS_OF, gpu_price_fall=0.05)   # 30 / 38 = 0.79: no breach
    assert calm.totals["ltv_breaches"] == 0
    hit = stress(led, as_of=AS_OF, gpu_price_fall=0.1)     # 30 / 36 = 0.83 > 0.8: cure 30 - 28.8
    c = hit.companies.set_index("company")
    assert hit.totals["ltv_breaches"] == 1
    assert c.loc["neo", "shock_loss"] == pytest.approx(30 - 0.8 * 36)


def test_a_guarantee_of_the_claims_table_pays_the_creditor(monkeypatch):
    deals = [deal("loan", "bank", "neo", "loan_debt_spv", 50),
             deal("parent-guarantee", "parent", "bank", "capacity_backstop", 5, status="definitive"),
             deal("parent-sale", "parent", "x", "cloud_contract", 3, term_start="2025", term_end="2030")]
    led = with_claims(build(deals, {"neo": 20, "bank": BIG, "parent": BIG, "x": BIG}), monkeypatch,
                      guarantees=[dict(deal="parent-guarantee", guarantor="parent", covers="loan", cap=NAN,
                                       note=None, sources=SOURCE)])
    r = stress(led, fail=["neo"], as_of=AS_OF, model="cascade", substitution=0)
    c = r.companies.set_index("company")
    owed = 50 * (1 - R)
    # cap NaN: up to the covered amount, so the parent pays the bank's whole loss on the loan
    assert c.loc["bank", "component_guarantee_paid"] == pytest.approx(-owed)
    assert c.loc["bank", "loss"] == pytest.approx(0.0, abs=1e-9)
    assert c.loc["parent", "component_guarantee_payout"] == pytest.approx(owed)
    # a cap of 5 pays min(5, loss)
    led2 = with_claims(build(deals, {"neo": 20, "bank": BIG, "parent": BIG, "x": BIG}), monkeypatch,
                       guarantees=[dict(deal="parent-guarantee", guarantor="parent", covers="loan", cap=5.0,
                                        note=None, sources=SOURCE)])
    c2 = stress(led2, fail=["neo"], as_of=AS_OF, model="cascade", substitution=0).companies.set_index("company")
    assert c2.loc["bank", "component_guarantee_paid"] == pytest.approx(-5.0)
    assert c2.loc["bank", "loss"] == pytest.approx(owed - 5.0)
    assert c2.loc["parent", "loss"] == pytest.approx(5.0)


def test_without_claims_the_new_components_are_zero():
    led = build([deal("loan", "bank", "neo", "loan_debt_spv", 50)], {"neo": 20, "bank": BIG})
    r = stress(led, fail=["neo"], as_of=AS_OF)
    assert r.totals["components"]["secured_recovery"] == 0
    assert r.totals["components"]["guarantee_paid"] == 0
    assert r.basis["claims"] == "no claims recorded" and "Claims: no claims recorded" in r.footer
    assert len(r.ltv_breaches) == 0
    np.testing.assert_allclose(r.companies.set_index("company").loc["bank", "loss"], 50 * (1 - R))


@st.composite
def pledged_books(draw):
    """A failed borrower with 1-5 drawn loans from different lenders, all pledged on one asset
    with random ranks (ties and unstated ranks included), and the asset's value."""
    n = draw(st.integers(1, 5))
    amounts = [draw(st.integers(1, 40)) for _ in range(n)]
    ranks = [draw(st.sampled_from([1.0, 2.0, 3.0, NAN])) for _ in range(n)]
    value = draw(st.integers(0, 2 * sum(amounts)))
    haircut = draw(st.sampled_from([0.0, 0.3, 0.5]))
    return amounts, ranks, float(value), haircut


@settings(max_examples=15, deadline=None)
@given(pledged_books())
def test_a_failure_distributes_collateral_as_the_brute_force_waterfall(book):
    amounts, ranks, value, haircut = book
    deals = [deal(f"loan{i}", f"lender{i}", "neo", "loan_debt_spv", a) for i, a in enumerate(amounts)]
    caps = {"neo": 20, **{f"lender{i}": BIG for i in range(len(amounts))}}
    with pytest.MonkeyPatch.context() as mp:
        led = with_claims(build(deals, caps), mp, assets=[asset("dc", "datacentre", "neo", value)],
                          pledges=[dict(id=f"p{i}", loan=f"loan{i}", lender=f"lender{i}", borrower="neo",
                                        collateral_asset="dc", priority=r) for i, r in enumerate(ranks)])
        r = stress(led, fail=["neo"], as_of=AS_OF, model="cascade", collateral_haircut=haircut)
    c = r.companies.set_index("company")
    expected = brute_waterfall(value * (1 - haircut), [float(a) for a in amounts], ranks)
    for i, a in enumerate(amounts):
        assert c.loc[f"lender{i}", "component_secured_recovery"] == pytest.approx(-expected[i] * (1 - R), abs=1e-9)
        assert c.loc[f"lender{i}", "loss"] == pytest.approx((a - expected[i]) * (1 - R), abs=1e-9)


def test_the_monte_carlo_degenerate_draw_keeps_the_secured_recovery(secured):
    from loopledger.stresstest.montecarlo import monte_carlo

    det = stress(secured, fail=["neo"], as_of=AS_OF, model="cascade", substitution=0)
    mc = monte_carlo(secured, fail=["neo"], scenarios=30, seed=3, as_of=AS_OF, model="cascade", substitution=0)
    c = mc.companies.set_index("company")
    d = det.companies.set_index("company")
    for company in ("bank", "fund", "other"):
        assert c.loc[company, "q50"] == pytest.approx(d.loc[company, "loss"])
    # and without the claims the bank would lose its whole claim less recovery: the draw used them
    assert c.loc["bank", "q50"] < 50 * (1 - R) - 1


def test_clearing_with_collateral_keeps_the_components_summing_to_the_loss(secured):
    r = stress(secured, fail=["neo"], as_of=AS_OF, model="clearing", external_assets={"bank": 100, "fund": 100})
    c = r.companies.set_index("company")
    comp_cols = [x for x in c.columns if x.startswith("component_")]
    assert (c[comp_cols].sum(axis=1) - c["loss"]).abs().max() < 1e-9
    assert c.loc["bank", "component_secured_recovery"] < 0
    assert (c["loss"] <= c["loss_gross"] + 1e-9).all()
