"""Monte Carlo (docs/methods.md 6.9): the degenerate draw reproduces the deterministic scenario;
the draws follow their distributions; a seed gives identical results in one process and on a
real Dask cluster on 127.0.0.1."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import loopledger.stresstest._mc_stats as mc_stats
from loopledger.errors import LedgerError
from loopledger.stresstest._mc_stats import company_stats
from loopledger.stresstest.exposures import Exposures
from loopledger.stresstest.montecarlo import monte_carlo, tail_mean
from loopledger.stresstest.scenario import stress

_spec = importlib.util.spec_from_file_location("_tiny", Path(__file__).parents[1] / "measures" / "_tiny.py")
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)

AS_OF = "2026-01-01"


def deal(id, payer, payee, kind, low, high=None, status="definitive", **kw):
    return dict(id=id, payer=payer, payee=payee, kind=kind, status=status, date="2025-06-01",
                amount_low=low, amount_high=low if high is None else high, **kw)


FACTS = [dict(company=c, metric="market_cap", value=v, as_of="2025-07-01")
         for c, v in (("lab", 500), ("cloud1", 200), ("cloud2", 100), ("other", 1000), ("bank", 1000),
                      ("chips", 3000))]


@pytest.fixture(scope="module")
def point_ledger():
    deals = [deal("lab-c1", "lab", "cloud1", "cloud_contract", 100),
             deal("other-c1", "other", "cloud1", "cloud_contract", 50),
             deal("other-c2", "other", "cloud2", "cloud_contract", 50),
             deal("bank-c1", "bank", "cloud1", "loan_debt_spv", 60, status="funded")]
    return _tiny.tiny_ledger(deals, FACTS)


@pytest.mark.parametrize("kw", [dict(), dict(variant="linear", substitution=0.5), dict(model="cascade", threshold=0.4)])
def test_point_amounts_reproduce_the_deterministic_run(point_ledger, kw):
    det = stress(point_ledger, fail=["lab"], as_of=AS_OF, loss_basis="gross", recovery=0.3, **kw)
    mc = monte_carlo(point_ledger, fail=["lab"], scenarios=50, seed=1, as_of=AS_OF, loss_basis="gross", recovery=0.3, **kw)
    s = mc.summary.set_index("output")
    for out in ("total_loss", "direct_loss", "indirect_loss", "defaults", "distressed"):
        want = det.totals[out if out != "distressed" else "distressed"]
        assert s.loc[out, ["mean", "q05", "q50", "q95"]].tolist() == pytest.approx([want] * 4)
    if "R" in det.totals and kw.get("model") != "cascade":
        assert s.loc["debtrank", "q50"] == pytest.approx(det.totals["R"])
    c = mc.companies.set_index("company")
    d = det.companies.set_index("company")
    for company in d.index:
        assert c.loc[company, "q50"] == pytest.approx(d.loc[company, "loss"])
        assert c.loc[company, "p_default"] == (1.0 if d.loc[company, "defaulted"] and company != "lab" else 0.0)


def test_amounts_are_uniform_in_their_range():
    # one contract of 40..80 owed to a seller that cannot fail: its loss is the drawn amount
    deals = [deal("c", "buyer", "seller", "cloud_contract", 40, 80)]
    led = _tiny.tiny_ledger(deals, [dict(company="buyer", metric="market_cap", value=10, as_of="2025-07-01")])
    mc = monte_carlo(led, fail=["buyer"], scenarios=20_000, seed=7, as_of=AS_OF, loss_basis="gross")
    x = mc.samples["total_loss"].to_numpy()
    assert x.min() >= 40 and x.max() <= 80
    # uniform: mean 60 (sd 40 / sqrt(12) / sqrt(N)), a quarter below 50; 5-sigma bands
    assert abs(x.mean() - 60) < 5 * 40 / np.sqrt(12) / np.sqrt(len(x))
    assert abs((x < 50).mean() - 0.25) < 5 * np.sqrt(0.25 * 0.75 / len(x))
    q = mc.summary.set_index("output").loc["total_loss"]
    assert q["q05"] == pytest.approx(42, abs=0.5) and q["q95"] == pytest.approx(78, abs=0.5)


def test_letters_of_intent_realise_together_with_probability_p_loi():
    # two LOI legs of one deal group (20 to s1, 30 to s2) and one firm contract (5 to s3)
    deals = [deal("a", "buyer", "s1", "compute_purchase", 20, status="announced_loi", group="g"),
             deal("b", "buyer", "s2", "compute_purchase", 30, status="announced_loi", group="g"),
             deal("c", "buyer", "s3", "compute_purchase", 5)]
    led = _tiny.tiny_ledger(deals, [dict(company="buyer", metric="market_cap", value=10, as_of="2025-07-01")])
    mc = monte_carlo(led, fail=["buyer"], scenarios=20_000, seed=3, as_of=AS_OF, loss_basis="gross", p_loi=0.3)
    totals = np.round(mc.samples["total_loss"].to_numpy(), 9)
    assert set(np.unique(totals)) == {5.0, 55.0}  # the group's legs never realise one without the other
    share = (totals == 55).mean()
    assert abs(share - 0.3) < 5 * np.sqrt(0.3 * 0.7 / len(totals))
    none = monte_carlo(led, fail=["buyer"], scenarios=100, seed=3, as_of=AS_OF, loss_basis="gross")
    assert none.summary.set_index("output").loc["total_loss", "q95"] == 5  # p_loi = 0: LOIs out


def test_recovery_drawn_from_a_beta():
    deals = [deal("c", "buyer", "seller", "cloud_contract", 100)]
    led = _tiny.tiny_ledger(deals, [dict(company="buyer", metric="market_cap", value=10, as_of="2025-07-01")])
    mc = monte_carlo(led, fail=["buyer"], scenarios=20_000, seed=11, as_of=AS_OF, loss_basis="gross", recovery_beta=(2, 3))
    x = mc.samples["total_loss"].to_numpy()
    # loss = 100 (1 - R), R ~ Beta(2, 3): mean 40 % recovered, sd sqrt(6 / 150) = 0.2
    assert abs(x.mean() - 60) < 5 * 20 / np.sqrt(len(x))
    assert x.min() >= 0 and x.max() <= 100


def test_seed_reproducibility_and_bad_options(point_ledger):
    kw = dict(fail=["lab"], scenarios=3_000, as_of=AS_OF, loss_basis="gross", recovery_beta=(1, 2), chunk_size=700)
    a = monte_carlo(point_ledger, seed=5, **kw)
    b = monte_carlo(point_ledger, seed=5, **kw)
    c = monte_carlo(point_ledger, seed=6, **kw)
    pd.testing.assert_frame_equal(a.samples, b.samples)
    assert not a.samples.equals(c.samples)
    assert a.params["chunks"] == 5 and a.chunk_size == 700
    fresh = monte_carlo(point_ledger, fail=["lab"], scenarios=10, as_of=AS_OF, loss_basis="gross", recovery_beta=(1, 2))
    again = monte_carlo(point_ledger, fail=["lab"], scenarios=10, as_of=AS_OF, loss_basis="gross", recovery_beta=(1, 2), seed=fresh.seed)
    pd.testing.assert_frame_equal(fresh.samples, again.samples)
    assert "samples" not in a.to_dict()
    for bad in (dict(model="clearing"), dict(scenarios=0), dict(p_loi=2), dict(recovery_beta=(0, 1)),
                dict(p_realise={"maybe": 0.5}), dict(up_to_low=2.0)):
        with pytest.raises(LedgerError):
            monte_carlo(point_ledger, **({"fail": ["lab"], "as_of": AS_OF, "scenarios": 10} | bad))


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 60), st.lists(st.integers(0, 50), min_size=1, max_size=200), st.integers(0, 5),
       st.integers(1, 7), st.sampled_from([0.5, 0.9, 0.95, 0.99]), st.integers(1, 3),
       st.sampled_from([1, 3, 20, 4_000_000]), st.sampled_from([0, 2, 256]))
def test_company_stats_equal_numpy_on_the_dense_losses(N, values, rows, chunk, level, threads, batch, short):
    """Each company's mean, quantiles and expected shortfall, read from the chunks' positive
    losses, against numpy on the dense (companies x scenarios) matrix with its zeros; batches
    of companies of any size (one company at least), threads 1 to 3, rows sorted by numba or
    by numpy."""
    rows = rows + 1
    rng = np.random.default_rng(len(values))
    dense = np.zeros((rows, N))
    for v in values:
        dense[rng.integers(0, rows), rng.integers(0, N)] = v / 7
    parts = []
    for c0 in range(0, N, chunk):
        m = sp.csr_matrix(dense[:, c0:c0 + chunk])
        parts.append((m.indptr, m.data))
    qs = (0.05, 0.5, 0.95, level)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mc_stats, "BATCH_VALUES", batch)
        patch.setattr(mc_stats, "SHORT", short)
        mean, quant, es = company_stats(parts, rows, N, qs, level, threads=threads)
    np.testing.assert_allclose(mean, dense.mean(axis=1), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(quant, np.quantile(dense, qs, axis=1).T, atol=1e-12)
    k = max(1, int(np.ceil((1 - level) * N - 1e-9)))
    worst = -np.sort(-dense, axis=1)[:, :k]
    np.testing.assert_allclose(es, worst.mean(axis=1), rtol=1e-12, atol=1e-12)
    for i in range(rows):  # the sample's own estimator, row by row
        assert es[i] == pytest.approx(tail_mean(dense[i], level), rel=1e-12, abs=1e-12)


def _synthetic(n=300, seed=0):
    rng = np.random.default_rng(seed)
    m = 4 * n
    debtor, creditor = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = debtor != creditor
    low = rng.uniform(1, 10, m)
    legs = pd.DataFrame({"debtor": [f"n{i}" for i in debtor[keep]], "creditor": [f"n{i}" for i in creditor[keep]],
                         "low": low[keep], "high": (low * rng.uniform(1, 2, m))[keep]})
    buffers = {f"n{i}": float(b) for i, b in enumerate(rng.uniform(5, 60, n))}
    return Exposures.from_legs(legs, buffers)


@pytest.mark.dask
def test_identical_on_a_local_dask_cluster():
    distributed = pytest.importorskip("distributed")
    X = _synthetic()
    kw = dict(fail=["n0", "n1"], scenarios=2_000, seed=42, chunk_size=400, recovery_beta=(2, 5))
    here = monte_carlo(X, **kw)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, host="127.0.0.1",
                                  protocol="tcp", dashboard_address=None) as cluster:
        there = monte_carlo(X, scheduler=cluster.scheduler_address, **kw)
    assert there.runner.startswith("dask scheduler tcp://127.0.0.1:")
    pd.testing.assert_frame_equal(here.samples, there.samples)
    pd.testing.assert_frame_equal(here.summary, there.summary)
    pd.testing.assert_frame_equal(here.companies, there.companies)


@pytest.mark.dask
def test_identical_with_workers_started_here(point_ledger):
    pytest.importorskip("distributed")
    kw = dict(fail=["lab"], scenarios=1_000, seed=9, chunk_size=250, recovery_beta=(1, 1), as_of=AS_OF, loss_basis="gross")
    here = monte_carlo(point_ledger, **kw)
    there = monte_carlo(point_ledger, workers=2, **kw)
    assert there.runner == "local dask cluster, 2 workers on 127.0.0.1"
    pd.testing.assert_frame_equal(here.samples, there.samples)
    with pytest.raises(LedgerError, match="not both"):
        monte_carlo(point_ledger, workers=2, scheduler="tcp://127.0.0.1:1", **kw)


# -- the economic basis, clearing, tail measures -----------------------------------------------


def test_clearing_runs_in_the_monte_carlo_and_its_degenerate_draw_is_the_deterministic_run(point_ledger):
    kw = dict(fail=["lab"], as_of=AS_OF, model="clearing", external_assets={"cloud1": 5, "other": 1000})
    det = stress(point_ledger, **kw)
    mc = monte_carlo(point_ledger, scenarios=30, seed=2, **kw)
    s = mc.summary.set_index("output")
    for out in ("total_loss", "total_loss_gross", "defaults"):
        want = det.totals[out]
        assert s.loc[out, ["mean", "q05", "q50", "q95", "var", "es"]].tolist() == pytest.approx([want] * 6)
    c = mc.companies.set_index("company")
    d = det.companies.set_index("company")
    for company in d.index:
        assert c.loc[company, "q50"] == pytest.approx(d.loc[company, "loss"])


def test_margins_are_drawn_from_their_stated_distribution():
    # one contract of 60 without a term, seller without a buffer figure (absorbs everything), no
    # reconfiguration: the seller's loss is a + b x m, m = 0.14 x U[0.5, 1.5]
    led = _tiny.tiny_ledger([deal("c", "buyer", "seller", "cloud_contract", 60)],
                            [dict(company="buyer", metric="market_cap", value=10, as_of="2025-07-01")])
    det = stress(led, fail=["buyer"], as_of=AS_OF, substitution=0).companies.set_index("company")
    b = det.loc["seller", "component_lost_margin"]
    a = det.loc["seller", "loss"] - b
    mc = monte_carlo(led, fail=["buyer"], scenarios=20_000, seed=8, as_of=AS_OF, substitution=0, margin_spread=0.5)
    x = mc.samples["total_loss"].to_numpy()
    assert x.min() >= a + 0.5 * b - 1e-9 and x.max() <= a + 1.5 * b + 1e-9
    assert abs(x.mean() - (a + b)) < 5 * b / np.sqrt(12) / np.sqrt(len(x))
    assert abs(((x - a) / b < 1.0).mean() - 0.5) < 5 * np.sqrt(0.25 / len(x))
    # VaR and expected shortfall are the quantile and the mean of the worst 5 % of the samples
    s = mc.summary.set_index("output").loc["total_loss"]
    assert s["var"] == pytest.approx(np.quantile(x, 0.95))
    worst = np.sort(x)[-int(np.ceil(0.05 * len(x))):]
    assert s["es"] == pytest.approx(worst.mean())
    c = mc.companies.set_index("company").loc["seller"]
    assert c["var"] == pytest.approx(np.quantile(x, 0.95)) and c["es"] == pytest.approx(worst.mean())
    # the gross bound is not drawn: it stays the face value
    assert mc.samples["total_loss_gross"].to_numpy() == pytest.approx(np.full(len(x), 60.0))


@pytest.mark.dask
def test_economic_draws_identical_on_a_local_dask_cluster(point_ledger):
    distributed = pytest.importorskip("distributed")
    kw = dict(fail=["lab"], scenarios=1_200, seed=21, chunk_size=300, as_of=AS_OF, recovery_beta=(2, 3),
              margin_spread=0.4, substitution_spread=0.5)
    here = monte_carlo(point_ledger, **kw)
    clear = dict(kw, model="clearing", external_assets="market_value", scenarios=120, chunk_size=40)
    here_c = monte_carlo(point_ledger, **clear)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, host="127.0.0.1",
                                  protocol="tcp", dashboard_address=None) as cluster:
        there = monte_carlo(point_ledger, scheduler=cluster.scheduler_address, **kw)
        there_c = monte_carlo(point_ledger, scheduler=cluster.scheduler_address, **clear)
    assert there.runner.startswith("dask scheduler tcp://127.0.0.1:")
    for a, b in ((here, there), (here_c, there_c)):
        pd.testing.assert_frame_equal(a.samples, b.samples)
        pd.testing.assert_frame_equal(a.summary, b.summary)
        pd.testing.assert_frame_equal(a.companies, b.companies)
    assert here.samples["total_loss"].std() > 0   # the draws do move the losses
