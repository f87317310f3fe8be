"""What a rescue would cost (docs/stress.md): the smallest support that prevents every knock-on
default, checked against a brute-force search over integer supports on small networks (the
Furfine cascade, written here in plain loops), and under DebtRank re-run with the support."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger.errors import LedgerError
from loopledger.stresstest.scenario import stress

_spec = importlib.util.spec_from_file_location("_tiny", Path(__file__).parents[1] / "measures" / "_tiny.py")
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)

AS_OF = "2026-01-01"


def deal(id, payer, payee, amount):
    return dict(id=id, payer=payer, payee=payee, kind="cloud_contract", status="definitive", date="2025-06-01",
                amount_low=amount, amount_high=amount)


def ledger(deals, buffers):
    return _tiny.tiny_ledger(deals, [dict(company=c, metric="market_cap", value=v, as_of="2025-07-01")
                                     for c, v in buffers.items()], companies=list(buffers))


def knock_on(owed, buffers, failed, support):
    """Furfine in plain loops: who defaults besides ``failed`` (owed[(debtor, creditor)] = amount)."""
    D = {failed}
    while True:
        loss = {c: sum(a for (d, cr), a in owed.items() if cr == c and d in D) for c in buffers}
        new = {c for c in buffers if c not in D and loss[c] > buffers[c] + support.get(c, 0)}
        if not new:
            return D - {failed}
        D |= new


@st.composite
def chains(draw):
    names = ["f", "a", "b", "c"]
    owed = {}
    deals = []
    for k in range(draw(st.integers(2, 6))):
        d, c = draw(st.sampled_from(names)), draw(st.sampled_from(names[1:]))
        if d == c or (d, c) in owed:
            continue
        amount = draw(st.integers(1, 12))
        owed[(d, c)] = amount
        deals.append(deal(f"d{k}", d, c, amount))
    if not any(d == "f" for d, _ in owed):
        owed[("f", "a")] = 10
        deals.append(deal("df", "f", "a", 10))
    buffers = {"f": 100, **{c: draw(st.integers(1, 8)) for c in names[1:]}}
    return deals, owed, buffers


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains())
def test_the_rescue_is_the_brute_force_minimum_under_furfine(case):
    deals, owed, buffers = case
    r = stress(ledger(deals, buffers), fail=["f"], as_of=AS_OF, loss_basis="gross", model="cascade", rescue=True)
    res = r.rescue
    assert res.exact
    # brute force: every integer support up to the largest exposure, the cheapest with no knock-on
    top = max(owed.values())
    names = ["a", "b", "c"]
    best = min(sum(s) for s in itertools.product(range(top + 1), repeat=3)
               if not knock_on(owed, buffers, "f", dict(zip(names, s))))
    assert res.support == pytest.approx(best, rel=1e-4, abs=1e-6)
    assert res.defaults_with == 0
    assert res.defaults_without == len(knock_on(owed, buffers, "f", {}))
    assert (res.defaults_without == 0) == (res.support == 0)
    # it is enough: with the support no company but the failing one defaults
    supported = {c: buffers[c] + (float(res.recipients.set_index("company")["support"].get(c, 0.0))) for c in buffers}
    again = stress(ledger(deals, supported), fail=["f"], as_of=AS_OF, loss_basis="gross", model="cascade")
    assert again.totals["defaults"] == 0


def test_debtrank_rescue_is_sufficient_and_priced_against_a_bailout():
    # f fails owing a 10 (buffer 4) and b 3; a owes b 6 (buffer 2): a and b default
    deals = [deal("fa", "f", "a", 10), deal("fb", "f", "b", 3), deal("ab", "a", "b", 6)]
    buffers = {"f": 100, "a": 4, "b": 2}
    r = stress(ledger(deals, buffers), fail=["f"], as_of=AS_OF, loss_basis="gross", rescue=True)
    res = r.rescue
    assert res.defaults_without == 2 and res.defaults_with == 0 and not res.exact
    support = res.recipients.set_index("company")["support"]
    # a needs 10 - 4 = 6; once a holds, b loses only what a's distress and f's default cost it
    assert support["a"] == pytest.approx(6, rel=1e-4)
    supported = {c: buffers[c] + float(support.get(c, 0.0)) for c in buffers}
    again = stress(ledger(deals, supported), fail=["f"], as_of=AS_OF, loss_basis="gross")
    assert again.totals["defaults"] == 0
    # paying f's debts within the horizon instead: 13, and nobody loses anything
    assert res.bailout == pytest.approx(13) and res.bailout_avoids == pytest.approx(r.totals["total_loss"])
    assert set(r.to_dict()["rescue"]) >= {"recipients", "support", "avoided", "bailout", "method"}
    with pytest.raises(LedgerError, match="rescue"):
        stress(ledger(deals, buffers), fail=["f"], as_of=AS_OF, model="clearing", external_assets="cash", rescue=True)
