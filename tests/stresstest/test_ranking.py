"""The "too big to fail" table in batches (loopledger.stresstest.ranking), here and on a real
Dask LocalCluster on 127.0.0.1: the same batches give the same table to the last bit wherever
they run; every row is the scenario :func:`stress` computes for that company alone (an
independent, one-scenario path); batch sizes agree to rounding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger.errors import LedgerError
from loopledger.stresstest.exposures import Exposures
from loopledger.stresstest.ranking import batch_size_for, batches
from loopledger.stresstest.scenario import stress, systemic

FEW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])
MODELS = [dict(), dict(variant="linear", substitution=0.4, recovery=0.2), dict(model="cascade", threshold=0.5),
          dict(model="clearing", external_assets=None)]


def exposures():
    """(n, seed) of a random obligation network, built by :func:`network` in the test body
    (Dask's threads use the random module meanwhile, which hypothesis forbids in a strategy)."""
    return st.tuples(st.integers(2, 30), st.integers(0, 2**32 - 1))


def network(spec) -> Exposures:
    """n companies, about 3n legs, some infinite buffers."""
    n, seed = spec
    rng = np.random.default_rng(seed)
    m = 3 * n
    debtor, creditor = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = debtor != creditor
    legs = pd.DataFrame({"debtor": [f"n{i}" for i in debtor[keep]], "creditor": [f"n{i}" for i in creditor[keep]],
                         "amount": rng.uniform(1, 20, m)[keep]})
    buffers = rng.uniform(2, 60, n)
    buffers[rng.random(n) < 0.1] = np.inf
    names = [f"n{i}" for i in range(n)]
    return Exposures.from_legs(legs, dict(zip(names, buffers)), nodes=names)


def _options(X, kw):
    if kw.get("model") == "clearing":  # every company can use 30 % of its finite buffer
        kw = dict(kw, external_assets={c: float(0.3 * b) if np.isfinite(b) else 50.0
                                       for c, b in zip(X.nodes.tolist(), X.buffers)})
    return kw


@pytest.fixture(scope="module")
def address():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, host="127.0.0.1",
                                  protocol="tcp", dashboard_address="127.0.0.1:0") as local:
        yield local.scheduler_address


def test_batches_cover_every_scenario_once_in_order():
    for count in (0, 1, 7, 43):
        for size in (1, 2, 5, 43, 100):
            parts = batches(count, size)
            assert (np.concatenate(parts).tolist() if parts else []) == list(range(count))
            assert all(1 <= len(p) <= size for p in parts)
    assert batch_size_for(43, 300) == 43            # all at once when it fits
    assert batch_size_for(10_000, 60_000) == 66     # 4,000,000 cells / 60,000 per scenario
    with pytest.raises(LedgerError, match="batch_size"):
        batches(5, 0)


@pytest.mark.dask
@FEW
@given(exposures(), st.sampled_from(MODELS), st.integers(1, 7))
def test_the_table_on_the_cluster_is_the_table_in_process(address, X, kw, batch_size):
    X = network(X)
    kw = _options(X, kw)
    here = systemic(X, batch_size=batch_size, **kw)
    there = systemic(X, batch_size=batch_size, scheduler=address, **kw)
    pd.testing.assert_frame_equal(here.table, there.table, check_exact=True)
    assert here.params == there.params and here.params["batch_size"] == batch_size


@settings(max_examples=25, deadline=None)
@given(exposures(), st.sampled_from(MODELS), st.integers(1, 9))
def test_every_row_is_that_company_failing_alone(X, kw, batch_size):
    X = network(X)
    kw = _options(X, kw)
    table = systemic(X, batch_size=batch_size, **kw).table.set_index("company")
    for company in table.index[:8]:
        one = stress(X, fail=[company], **kw)
        row, t = table.loc[company], one.totals
        assert row["total_loss"] == pytest.approx(t["total_loss"], rel=1e-9, abs=1e-9)
        assert row["direct_loss"] == pytest.approx(t["direct_loss"], rel=1e-9, abs=1e-9)
        assert row["defaults"] == t["defaults"]
        assert row["distressed"] == t["distressed"]
        if "R" in t:
            assert row["debtrank"] == pytest.approx(t["R"], rel=1e-9, abs=1e-12)
        hit = one.companies[one.companies["company"] != company]
        top = hit["loss"].max()
        assert row["largest_victim_loss"] == pytest.approx(top if top > 0 else 0.0, rel=1e-9, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(exposures(), st.sampled_from(MODELS[:3]), st.integers(1, 9))
def test_batch_sizes_agree_to_rounding(X, kw, batch_size):
    X = network(X)
    whole = systemic(X, **kw)
    assert whole.params["batch_size"] == len(whole.table)  # small networks: one batch
    cut = systemic(X, batch_size=batch_size, **kw)
    pd.testing.assert_frame_equal(whole.table, cut.table, rtol=1e-12, atol=1e-12)


@pytest.mark.dask
@pytest.mark.parametrize("kw", [dict(), dict(model="clearing", external_assets="market_value")])
def test_the_bundled_table_on_the_cluster(address, bundled, kw):
    here = systemic(bundled, as_of="2026-06-30", batch_size=10, **kw)
    there = systemic(bundled, as_of="2026-06-30", batch_size=10, scheduler=address, **kw)
    pd.testing.assert_frame_equal(here.table, there.table, check_exact=True)
    assert len(here.table) > 20 and here.params["batch_size"] == 10


@pytest.mark.dask
def test_the_command_line_on_the_cluster(address, cli, tmp_path):
    from loopledger.ledger import Ledger

    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    Ledger.open(db).init()
    args = ["systemic", "--as-of", "2026-06-30", "--db", db, "--batch-size", "9", "--json"]
    here, there = cli(*args), cli(*args, "--scheduler", address)
    assert here.code == 0 and there.code == 0, there.err
    assert there.json() == here.json() and here.json()["params"]["batch_size"] == 9
    bad = cli("systemic", "--db", db, "--workers", "2", "--scheduler", address)
    assert bad.code == 1 and "not both" in bad.err
