"""Exposure: inflow shares and concentration checked against plain loops on random edge lists
(hypothesis), the dated facts chosen and annualised by hand on a ledger built here, circular
inflow on a hand example (docs/methods.md 2.3 (a)), and the bundled data."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger.measures.exposure import exposure
from loopledger.network import FlowNetwork

_spec = importlib.util.spec_from_file_location("_tiny", Path(__file__).with_name("_tiny.py"))
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)

NODES = list("ABCDEF")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES),
                          st.one_of(st.none(), st.floats(0.01, 100))), min_size=1, max_size=25))
def test_concentration_against_plain_loops(rows):
    frame = pd.DataFrame(rows, columns=["source", "target", "amount"])
    net = FlowNetwork.from_edges(frame)
    res = exposure(net, circular=False).companies.set_index("company")
    # oracle: dictionaries over the raw rows, self-loops excluded (a company is not its own payer)
    by_target: dict[str, dict[str, float]] = {}
    unknown: dict[str, int] = {}
    receivers = set()
    for s, t, a in rows:
        if s == t:
            continue
        receivers.add(t)
        if a is None:
            unknown[t] = unknown.get(t, 0) + 1
            by_target.setdefault(t, {})
        else:
            by_target.setdefault(t, {})
            by_target[t][s] = by_target[t].get(s, 0.0) + a
    assert set(res.index) == receivers
    for t in receivers:
        amounts = by_target[t]
        row = res.loc[t]
        assert bool(row["inflow_complete"]) == (unknown.get(t, 0) == 0)
        if not amounts:
            assert math.isnan(row["inflow"]) and math.isnan(row["hhi"])
            continue
        total = sum(amounts.values())
        assert row["inflow"] == pytest.approx(total)
        assert row["top_share"] == pytest.approx(max(amounts.values()) / total)
        assert row["hhi"] == pytest.approx(sum((a / total) ** 2 for a in amounts.values()))
        assert 1 / len(amounts) - 1e-12 <= row["hhi"] <= 1 + 1e-12
        # every denominator is missing without a ledger: NaN, never 0
        assert math.isnan(row["revenue"]) and math.isnan(row["inflow_share_of_revenue"])


def _ledger():
    deals = [
        dict(payer="a", payee="c", kind="cloud_contract", status="definitive", date="2025-01-10", amount_low=30, amount_high=30),
        dict(payer="b", payee="c", kind="compute_purchase", status="funded", date="2025-02-10", amount_low=10, amount_high=10),
        dict(payer="c", payee="a", kind="equity_investment", status="funded", date="2025-02-11", amount_low=5, amount_high=5),
        dict(payer="b", payee="a", kind="compute_purchase", status="announced_loi", date="2025-02-11", amount_low=99, amount_high=99),
    ]
    facts = [
        dict(company="c", metric="revenue", value=20, as_of="2024-12-31", period="FY2024"),
        dict(company="c", metric="revenue", value=8, as_of="2025-03-31", period="2025-Q1"),
        dict(company="c", metric="backlog", value=100, as_of="2025-09-30"),          # after as_of: not used
        dict(company="c", metric="market_cap", value=150, as_of="2025-01-15"),
        dict(company="c", metric="valuation_post_money", value=200, as_of="2025-04-01"),
        dict(company="a", metric="rpo", value=50, as_of="2025-03-01"),
        dict(company="a", metric="backlog", value=60, as_of="2025-03-01"),           # same date: the filed RPO wins
    ]
    return _tiny.tiny_ledger(deals, facts)


def test_facts_nearest_before_as_of_by_hand():
    res = exposure(_ledger(), as_of="2025-06-30")
    c = res.companies.set_index("company")
    # C: inflow 30 (a) + 10 (b) = 40; revenue 8 in 2025-Q1 annualised x4 = 32; market value:
    # the post-money valuation of 2025-04-01 (200) is nearer than the market cap of 2025-01-15
    assert c.loc["c", "inflow"] == pytest.approx(40)
    assert c.loc["c", "revenue"] == pytest.approx(32)
    assert c.loc["c", "inflow_share_of_revenue"] == pytest.approx(40 / 32)
    assert c.loc["c", "market_value"] == pytest.approx(200)
    assert c.loc["c", "inflow_share_of_market_value"] == pytest.approx(40 / 200)
    assert math.isnan(c.loc["c", "backlog"])                  # the backlog fact is dated after as_of
    assert c.loc["c", "top_counterparty"] == "a" and c.loc["c", "top_share"] == pytest.approx(0.75)
    assert c.loc["c", "hhi"] == pytest.approx(0.75 ** 2 + 0.25 ** 2)
    assert c.loc["a", "backlog"] == pytest.approx(50)         # LOI from b is not binding: A's inflow is 5
    assert c.loc["a", "inflow"] == pytest.approx(5)
    used = res.facts_used.set_index(["company", "measure"])
    assert used.loc[("c", "revenue"), "fact"] == "c/revenue/2025-03-31"
    assert bool(used.loc[("c", "revenue"), "derived"]) and "x 4" in used.loc[("c", "revenue"), "derivation"]
    assert used.loc[("c", "market_value"), "metric"] == "valuation_post_money"
    assert used.loc[("c", "revenue"), "source_urls"] == [_tiny.URL]
    assert {"company": "c", "measure": "backlog"}.items() <= next(
        m for m in res.missing if m["company"] == "c" and m["measure"] == "backlog").items()
    plain = exposure(_ledger(), as_of="2025-06-30", annualise_revenue=False).companies.set_index("company")
    assert plain.loc["c", "revenue"] == pytest.approx(8)
    early = exposure(_ledger(), as_of="2025-03-15").companies.set_index("company")
    assert early.loc["c", "revenue"] == pytest.approx(20)     # the FY2024 figure, as reported
    cp = res.counterparties.set_index(["company", "counterparty"])
    assert cp.loc[("c", "a"), "share_of_revenue"] == pytest.approx(30 / 32)


def test_circular_inflow_on_the_methods_hand_example():
    # docs/methods.md 2.3 (a): A->B 10, B->C 6, C->A 8, A->C 3 circulates 22; the optimum is unique:
    # 6 round the triangle and 2 on the A-C pair, so A's circular inflow is 8 (of 8), B's 6 (of
    # 10) and C's 8 (of 6 + 3 = 9)
    net = FlowNetwork.from_edges(pd.DataFrame({"source": list("ABCA"), "target": list("BCAC"),
                                               "amount": [10, 6, 8, 3]}))
    c = exposure(net).companies.set_index("company")
    assert c.loc["A", "circular_inflow"] == pytest.approx(8)
    assert c.loc["B", "circular_inflow"] == pytest.approx(6)
    assert c.loc["C", "circular_inflow"] == pytest.approx(8)
    given = exposure(net, circular={"A": 1.0}).companies.set_index("company")
    assert given.loc["A", "circular_inflow"] == 1.0 and math.isnan(given.loc["B", "circular_inflow"])


def test_bundled(bundled):
    res = exposure(bundled, as_of="2025-12-31")
    c = res.companies.set_index("company")
    assert c.loc["oracle", "top_counterparty"] == "openai"
    assert (res.facts_used["source_urls"].map(len) > 0).all()
    assert res.facts_used["date"].map(str).max() <= "2025-12-31"
    for m in res.missing:
        assert math.isnan(c.loc[m["company"], m["measure"]])
    assert (c["hhi"].dropna() <= 1 + 1e-12).all()


def test_cli_exposure(cli, tmp_path):
    from loopledger.ledger import Ledger

    url = f"sqlite:///{tmp_path / 'e.db'}"
    Ledger.open(url).init()
    r = cli("exposure", "--db", url, "--as-of", "2025-12-31", "--company", "Oracle", "--json")
    assert r.code == 0, r.err
    out = r.json()
    assert [c["company"] for c in out["companies"]] == ["oracle"]
    assert {f["measure"] for f in out["facts_used"]} >= {"backlog", "market_value"}
    r = cli("exposure", "--db", url, "--as-of", "2025-12-31", "--company", "Oracle")
    assert r.code == 0 and "Who pays Oracle" in r.out and "Facts used" in r.out
    r = cli("exposure", "--db", url, "--assumption", "nvidia-2025-08-chips")
    assert r.code == 1 and "--amount derived" in r.err
