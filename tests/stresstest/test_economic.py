"""The economic loss model (docs/stress.md): each component worked by hand on a small ledger,
a re-count of every component from the deal rows on random ledgers (hypothesis) written here
independently of the code, the market's reconfiguration worked by hand, and the invariants
(components sum to the loss; economic <= gross for every company)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger.ledger import Ledger
from loopledger.stresstest.scenario import stress, systemic

AS_OF = "2026-01-01"
TAU = date(2026, 1, 1)
H_END = TAU + timedelta(days=round(24 * 365.25 / 12))   # the horizon's end: 731 days on
MONTH = 365.25 / 12
SOURCE = "src-econ000001"
BIG = 9e4  # a buffer nothing here can exhaust (facts are capped at 100,000 USD bn)


def build(deals, facts=(), types=None):
    """An in-memory ledger: companies (with types), deals with one status event each, facts."""
    types = dict(types or {})
    names = set(types)
    for d in deals:
        names.update((d["payer"], d["payee"]))
    for f in facts:
        names.add(f["company"])
    led = Ledger.in_memory()
    rows, events = [], []
    for d in deals:
        row = {k: v for k, v in d.items() if k not in ("status", "date")}
        row.setdefault("group", d["id"])
        row.update(confidence="high", sources=[SOURCE], announced=d.get("date", "2025-06-01"))
        rows.append(row)
        events.append(dict(id=f"{d['id']}/1", deal=d["id"], date=d.get("date", "2025-06-01"),
                           status=d.get("status", "definitive"), sources=[SOURCE]))
    led.add({
        "sources": [dict(id=SOURCE, url="https://example.org/econ", publisher="Example", date="2025-01-01",
                         type="filing")],
        "companies": [dict(id=c, name=c.title(), type=types.get(c, "other")) for c in sorted(names)],
        "deals": rows, "events": events,
        "facts": [{"unit": "USD bn", "confidence": "high", "sources": [SOURCE],
                   "id": f"{f['company']}/{f['metric']}/{f['as_of']}", **f} for f in facts],
    }, actor="test", reason="economic loss test ledger")
    return led


def deal(id, payer, payee, kind, amount, **kw):
    return dict(id=id, payer=payer, payee=payee, kind=kind, amount_low=amount, amount_high=amount, **kw)


def cap(company, value):
    return dict(company=company, metric="market_cap", value=value, as_of="2025-07-01")


def months(a: date, b: date) -> float:
    return (b - a).days / MONTH


def end_of_year(y):
    return date(y, 12, 31)


# -- each component by hand -------------------------------------------------------------------


@pytest.fixture(scope="module")
def hand():
    deals = [
        # a five-year cloud contract that started a year ago, 1 GW
        deal("cloud", "lab", "cloud", "cloud_contract", 120, term_start="2025", term_end="2029", power_gw=1.0),
        # a drawn loan to the lab
        deal("loan", "bank", "lab", "loan_debt_spv", 30, status="funded"),
        # a stake of 10 % bought for 5, marked at 10 % of 500
        deal("stake", "investor", "lab", "equity_investment", 5, status="funded", stake_pct=10),
        # a chip order without a term, placed on 2025-06-01
        deal("chips", "lab", "chips", "compute_purchase", 40),
        # a ten-year lease starting today, 0.1 GW, to a landlord without a buffer figure, whose
        # own drawn loan of 10 is serviced from that lease
        deal("lease", "lab", "landlord", "lease", 20, term_start="2026", term_end="2035", power_gw=0.1),
        deal("landlord-loan", "bank2", "landlord", "loan_debt_spv", 10, status="funded"),
    ]
    facts = [cap("lab", 500)] + [cap(c, BIG) for c in ("cloud", "bank", "investor", "chips", "bank2")] + [
        dict(company="cloud", metric="gross_margin_gpu_cloud", value=20, unit="%", as_of="2025-09-30")]
    return build(deals, facts)


def test_each_component_worked_by_hand(hand):
    r = stress(hand, fail=["lab"], as_of=AS_OF, model="cascade", substitution=0)
    c = r.companies.set_index("company")
    R = 0.37
    # cloud: term 2025-01-01 .. 2029-12-31; billed at amount / term months, two months unpaid
    start, end = date(2025, 1, 1), end_of_year(2029)
    rate = 120 / months(start, end)
    recv = rate * min(2.0, months(start, TAU))
    left = (end - TAU).days / (end - start).days                      # 0.8 of the contract to run
    rev_h = 120 * (left - (end - H_END).days / (end - start).days)    # revenue within the horizon
    assert c.loc["cloud", "component_due_within_horizon"] == pytest.approx(recv * (1 - R))
    assert c.loc["cloud", "component_lost_margin"] == pytest.approx(rev_h * 0.20)   # its own margin fact
    assert c.loc["cloud", "component_stranded_assets"] == pytest.approx(1.0 * 35 * left)  # 1 GW x 35 x 0.8
    assert c.loc["cloud", "loss"] == pytest.approx(recv * (1 - R) + rev_h * 0.2 + 35 * left)
    assert c.loc["cloud", "loss_gross"] == pytest.approx(120 * left)
    # the bank: the whole drawn principal is a claim at default
    assert c.loc["bank", "component_due_within_horizon"] == pytest.approx(30 * (1 - R))
    # the investor: its stake at cost (5), not at the mark (50)
    assert c.loc["investor", "component_stake_writedown"] == pytest.approx(5)
    assert c.loc["investor", "loss_gross"] == pytest.approx(50)
    # chips: no term, so a 72-month term from its first date; the chip seller's default margin
    first = date(2025, 6, 1)
    rate = 40 / 72
    chips_end = first + timedelta(days=round(72 * MONTH))
    chips_rev = rate * months(TAU, min(H_END, chips_end))
    assert c.loc["chips", "component_due_within_horizon"] == pytest.approx(rate * 2 * (1 - R))
    assert c.loc["chips", "component_lost_margin"] == pytest.approx(chips_rev * 0.53)
    assert c.loc["chips", "component_stranded_assets"] == 0                     # chips are resold
    # the lease starts today: nothing owed yet; the lessor's capital is 0.42 of 35 per GW
    ls, le = date(2026, 1, 1), end_of_year(2035)
    lease_rev = 20 * (1 - (le - H_END).days / (le - ls).days)
    landlord = lease_rev * 0.30 + 0.1 * 35 * 0.42
    # the landlord cannot absorb losses (no buffer figure): its lender takes them first, up to its
    # claim of 10 less recovery
    moved = min(landlord, 10 * (1 - R))
    assert c.loc["bank2", "component_secured_lending"] == pytest.approx(moved)
    assert c.loc["landlord", "loss"] == pytest.approx(landlord - moved)
    assert c.loc["landlord", "state"] in ("ok", "no_buffer")
    # the assumptions used are listed with their sources
    names = {a["name"]: a for a in r.assumptions}
    assert names["recovery"]["value"] == 0.37 and "Moody" in names["recovery"]["source"]
    assert names["margin.compute_purchase"]["basis"] == "default"
    assert any(a["basis"] == "fact" and a["name"].startswith("margin of Cloud") for a in r.assumptions)


def test_fixed_substitution_and_stake_mark(hand):
    # a fixed share s = 0.5 redeployed at the old price, no lag: margin and stranded capital halve
    base = stress(hand, fail=["lab"], as_of=AS_OF, model="cascade", substitution=0).companies.set_index("company")
    half = stress(hand, fail=["lab"], as_of=AS_OF, model="cascade", substitution=0.5,
                  lag_quarters=0).companies.set_index("company")
    for comp in ("lost_margin", "stranded_assets"):
        assert half.loc["cloud", f"component_{comp}"] == pytest.approx(0.5 * base.loc["cloud", f"component_{comp}"])
    assert half.loc["cloud", "component_due_within_horizon"] == pytest.approx(base.loc["cloud", "component_due_within_horizon"])
    mark = stress(hand, fail=["lab"], as_of=AS_OF, model="cascade", stake_basis="mark").companies.set_index("company")
    assert mark.loc["investor", "component_stake_writedown"] == pytest.approx(50)
    given = stress(hand, fail=["lab"], as_of=AS_OF, model="cascade", substitution=0,
                   margin={"cloud_contract": 0.5}).companies.set_index("company")
    assert given.loc["cloud", "component_lost_margin"] == pytest.approx(2.5 * base.loc["cloud", "component_lost_margin"])


def test_a_contract_not_yet_started_owes_nothing():
    # the Oracle-OpenAI shape: a contract that starts next year is owed nothing yet; the seller
    # loses margin and capital only, far below the face value
    led = build([deal("c", "buyer", "seller", "cloud_contract", 300, term_start="2027", term_end="2031", power_gw=4.5)],
                [cap("buyer", 800), cap("seller", 450)])
    c = stress(led, fail=["buyer"], as_of=AS_OF, substitution=0).companies.set_index("company")
    assert c.loc["seller", "component_due_within_horizon"] == 0
    assert c.loc["seller", "loss_gross"] == pytest.approx(300)
    start, end = date(2027, 1, 1), end_of_year(2031)
    rev_h = 300 * (1 - (end - H_END).days / (end - start).days)   # the year 2027 inside the horizon
    assert c.loc["seller", "component_lost_margin"] == pytest.approx(rev_h * 0.14)   # the documented default
    assert c.loc["seller", "component_stranded_assets"] == pytest.approx(4.5 * 35)
    assert c.loc["seller", "loss"] < c.loc["seller", "loss_gross"]


# -- a re-count on random ledgers -------------------------------------------------------------

KINDS = ["cloud_contract", "lease", "compute_purchase", "licensing", "loan_debt_spv"]
MARGIN = {"cloud_contract": 0.14, "compute_purchase": 0.53, "lease": 0.30, "licensing": 0.68}
SHARE = {"cloud_contract": 1.0, "lease": 0.42, "compute_purchase": 0.0, "licensing": 0.0}
INTENSITY = {"cloud_contract": 0.52, "lease": 0.80, "compute_purchase": 0.0, "licensing": 0.0}


def recount(legs, failed, s, R):
    """Each creditor's economic components when ``failed`` fails, from the deal rows alone
    (docs/stress.md): billed receivables, revenue within H x margin, capital, loans; every leg
    capped at its gross loss (a given recovery R applies to both bases); s a fixed redeployed
    share, no lag."""
    out = {}
    gw_legs = {}
    for d in legs:  # the contracts still running that state their GW set the capital intensity
        running = "term_end" not in d or end_of_year(int(d["term_end"])) > TAU
        if d["kind"] != "loan_debt_spv" and d.get("power_gw") and running:
            gw_legs.setdefault(d["kind"], []).append(d)

    def intensity(kind):
        with_gw = gw_legs.get(kind, [])
        if with_gw:
            return float(np.median([x["power_gw"] * 35 * SHARE[kind] / x["amount_high"] for x in with_gw]))
        return INTENSITY[kind]

    for d in legs:
        if d["kind"] == "loan_debt_spv":
            if d["payee"] != failed:
                continue
            holder, parts = d["payer"], {"due_within_horizon": d["amount_high"] * (1 - R)}
            gross = d["amount_high"] * (1 - R)
        else:
            if d["payer"] != failed:
                continue
            holder, amount = d["payee"], d["amount_high"]
            if "term_start" in d:
                start, end = date(int(d["term_start"]), 1, 1), end_of_year(int(d["term_end"]))
                left = min(1.0, max(0.0, (end - TAU).days / (end - start).days))
                later = min(1.0, max(0.0, (end - H_END).days / (end - start).days))
                remaining, rev_h, rate = amount * left, amount * (left - later), amount / months(start, end)
            else:
                start = date(2025, 6, 1)
                end = start + timedelta(days=round(72 * MONTH))
                rate = amount / 72
                remaining = amount
                rev_h = min(remaining, rate * max(0.0, months(max(TAU, start), min(H_END, end))))
                left = min(1.0, max(0.0, months(max(TAU, start), end) / 72))
            if remaining <= 0:
                continue
            recv = min(rate * min(2.0, max(0.0, months(start, min(TAU, end)))), amount)
            gw = d.get("power_gw")
            capital = gw * 35 * SHARE[d["kind"]] * left if gw else amount * left * intensity(d["kind"])
            parts = {"due_within_horizon": recv * (1 - R), "lost_margin": rev_h * MARGIN[d["kind"]] * (1 - s),
                     "stranded_assets": capital * (1 - s)}
            # the gross bound with the same recovery (given) and fixed share
            gross = remaining * max(0.0, 1 - R - s)
        total = sum(parts.values())
        if total > gross:
            parts = {k: v * gross / total for k, v in parts.items()}
        acc = out.setdefault(holder, {})
        for k, v in parts.items():
            acc[k] = acc.get(k, 0.0) + v
    return out


@st.composite
def commercial_ledgers(draw):
    sellers = ["s1", "s2", "s3"]
    legs = [dict(deal("base-loan", "s3", "buyer", "loan_debt_spv", 5.0), status="funded")]
    for k in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(KINDS))
        other = draw(st.sampled_from(sellers))
        amount = float(draw(st.integers(1, 90)))
        d = deal(f"d{k}", "buyer" if kind != "loan_debt_spv" else other, other if kind != "loan_debt_spv" else "buyer",
                 kind, amount)
        if kind == "loan_debt_spv":
            d["status"] = "funded"
        elif draw(st.booleans()):
            y0 = draw(st.integers(2023, 2027))
            d.update(term_start=str(y0), term_end=str(y0 + draw(st.integers(1, 8))))
        if kind in ("cloud_contract", "lease") and draw(st.booleans()):
            d["power_gw"] = float(draw(st.sampled_from([0.1, 0.5, 1.0, 2.0])))
        legs.append(d)
    return legs, draw(st.sampled_from([0.0, 0.25, 0.6])), draw(st.sampled_from([0.0, 0.37, 0.8]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commercial_ledgers())
def test_components_recounted_from_the_deal_rows(case):
    legs, s, R = case
    led = build(legs, [cap("buyer", 100)] + [cap(x, BIG) for x in ("s1", "s2", "s3")])
    r = stress(led, fail=["buyer"], as_of=AS_OF, model="cascade", substitution=s, lag_quarters=0, recovery=R)
    want = recount(legs, "buyer", s, R)
    c = r.companies.set_index("company")
    for holder in ("s1", "s2", "s3"):
        for comp in ("due_within_horizon", "lost_margin", "stranded_assets"):
            expected = want.get(holder, {}).get(comp, 0.0)
            got = c.loc[holder, f"component_{comp}"] if holder in c.index else 0.0
            assert got == pytest.approx(expected, abs=1e-9), (holder, comp)
    # the components sum to the loss and never exceed the gross bound
    comps = c[[x for x in c.columns if x.startswith("component_")]].sum(axis=1)
    np.testing.assert_allclose(comps.to_numpy(), c["loss"].to_numpy(), atol=1e-9)
    assert np.all(c["loss"] <= c["loss_gross"] + 1e-9)
    assert r.totals["total_loss"] == pytest.approx(float(c["loss"].sum()))


# -- the market's reconfiguration by hand -----------------------------------------------------


def market_ledger(with_shares=False, queue=False):
    term = dict(term_start="2026", term_end="2029")
    deals = [deal("l1-c1", "lab1", "c1", "cloud_contract", 120, **term),
             deal("l2-c2", "lab2", "c2", "cloud_contract", 60, **term),
             deal("l3-c2", "lab3", "c2", "cloud_contract", 60, **term)]
    facts = [cap(c, BIG) for c in ("c1", "c2")] + [cap(c, 500) for c in ("lab1", "lab2", "lab3")]
    if with_shares:
        facts += [dict(company="lab2", metric="enterprise_llm_api_share", value=30, unit="%", as_of="2025-12-31"),
                  dict(company="lab3", metric="enterprise_llm_api_share", value=10, unit="%", as_of="2025-12-31")]
    if queue:
        facts += [dict(company="c1", metric="contracted_power_gw", value=1.0, unit="GW", as_of="2025-12-31"),
                  dict(company="c1", metric="active_power_gw", value=0.5, unit="GW", as_of="2025-12-31")]
    return build(deals, facts, types={"lab1": "ai_lab", "lab2": "ai_lab", "lab3": "ai_lab", "c1": "neocloud",
                                      "c2": "neocloud"})


def test_reconfiguration_rivals_absorb_capped_by_their_own_demand():
    # lab1 fails: its 120-over-four-years contract leaves c1 with f x 120 idle within H (f the
    # share due in it). Its customers move to lab2 and lab3 (0.8 of them), weighted by their own
    # compute (60 each): 48 f each, within their caps of 1 x 60 f: absorbed 96 f of 120 f, rho 0.8
    start, end = date(2026, 1, 1), end_of_year(2029)
    f = 1 - (end - H_END).days / (end - start).days
    r = stress(market_ledger(), fail=["lab1"], as_of=AS_OF, model="cascade")
    rc = r.reconfiguration
    ab = rc[rc["role"] == "absorbs_demand"].set_index("company")
    assert ab.loc["Lab2", "absorbed"] == pytest.approx(0.8 * 120 * f / 2)
    assert ab.loc["Lab3", "absorbed"] == pytest.approx(0.8 * 120 * f / 2)
    red = rc[rc["role"] == "redeploys_capacity"].set_index("company")
    rho = 0.8
    assert red.loc["C1", "absorbed"] == pytest.approx(rho * 120 * f)
    lag, cut = (24 - 6) / 24, 0.4                                   # two quarters, a 40 % price cut
    assert red.loc["C1", "earns"] == pytest.approx(rho * lag * (1 - cut) * 120 * f)
    c = r.companies.set_index("company")
    assert c.loc["c1", "component_lost_margin"] == pytest.approx(120 * f * 0.14 * (1 - rho * lag * (1 - cut)))
    assert c.loc["c1", "component_stranded_assets"] == pytest.approx(120 * 0.52 * (1 - rho * (1 - cut)))
    # without reconfiguration, next to it
    assert c.loc["c1", "loss_without_substitution"] > c.loc["c1", "loss"]
    assert r.totals["redeployed"] == pytest.approx(r.totals["total_loss_without_substitution"] - r.totals["total_loss"])
    assert "Lab2" in r.sentence and "permanent" in r.sentence


def test_reconfiguration_by_market_share_and_capacity_queue():
    start, end = date(2026, 1, 1), end_of_year(2029)
    f = 1 - (end - H_END).days / (end - start).days
    # shares 30 : 10: demand 72 f to lab2 (capped at 60 f) and 24 f to lab3: 84 f of 120 f
    r = stress(market_ledger(with_shares=True), fail=["lab1"], as_of=AS_OF, model="cascade")
    ab = r.reconfiguration[r.reconfiguration["role"] == "absorbs_demand"].set_index("company")
    assert ab.loc["Lab2", "absorbed"] == pytest.approx(60 * f) and "capped" in ab.loc["Lab2", "note"]
    assert ab.loc["Lab3", "absorbed"] == pytest.approx(24 * f)
    red = r.reconfiguration[r.reconfiguration["role"] == "redeploys_capacity"].set_index("company")
    assert red.loc["C1", "absorbed"] == pytest.approx(84 * f)
    assert any(a["name"] == "rival weights (AI labs)" and a["basis"] == "fact" for a in r.assumptions)
    # c1 has 0.5 GW contracted but not active: 0.5 x 6.667 x 2 years of its own queue first
    q = stress(market_ledger(with_shares=True, queue=True), fail=["lab1"], as_of=AS_OF, model="cascade")
    red = q.reconfiguration[q.reconfiguration["role"] == "redeploys_capacity"].set_index("company")
    rho = min(1.0, 84 / 120 + 0.5 * 6.667 * 2 / (120 * f))
    assert red.loc["C1", "absorbed"] == pytest.approx(rho * 120 * f)


def test_bundled_openai_economic_below_gross_and_stated(bundled):
    r = stress(bundled, fail=["OpenAI"], as_of="2026-06-30")
    c = r.companies
    assert np.all(c["loss"] <= c["loss_gross"] + 1e-9)
    comps = c[[x for x in c.columns if x.startswith("component_")]].sum(axis=1)
    np.testing.assert_allclose(comps.to_numpy(), c["loss"].to_numpy(), atol=1e-9)
    assert r.totals["total_loss"] < r.totals["total_loss_gross"]
    # distressed means a loss of at least a tenth of the buffer, nothing less
    finite = np.isfinite(c["buffer"]) & ~c["failed"]
    assert set(c.loc[finite & (c["loss_share"] >= 0.1) & ~c["defaulted"], "company"]) == \
        set(c.loc[c["state"] == "distressed", "company"])
    assert not c.loc[finite & (c["loss_share"] < 0.1) & (c["loss"] > 0), "state"].isin(["distressed"]).any()
    # every output states what it counts
    b = r.basis
    assert {"loss_basis", "horizon_months", "recovery", "substitution", "buffer", "companies_without_buffer",
            "without_buffer_treatment"} <= set(b)
    assert b["companies_without_buffer"] == int((c["buffer_flag"] == "missing").sum())
    for word in ("Economic losses", "horizon 24 months", "recovery 37%", "buffers = market_value",
                 f"{b['companies_without_buffer']} companies without"):
        assert word in r.footer
    t = systemic(bundled, as_of="2026-06-30")
    assert np.all(t.table["total_loss"] <= t.table["total_loss_gross"] + 1e-9)
    assert sorted(t.table["rank_gross"]) == list(range(1, len(t.table) + 1))
