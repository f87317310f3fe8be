"""The Monte Carlo's compiled path for plain networks (loopledger.stresstest._mc_core) against
the array version it replaces (``run_chunk(..., compiled=False)``: the waves, the valuation
and DebtRank on (n, B) arrays), chunk by chunk, on many random networks: credit legs with
ranges, letters of intent realised at random, stakes at cost and at mark, buffers finite and
infinite, both DebtRank rules, both loss bases, drawn recoveries, chunks of any size."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import loopledger.stresstest.montecarlo as mc
from loopledger.stresstest.exposures import Exposures


def network(seed: int, n: int, m: int, stakes: int, loi_share: float, inf_share: float) -> Exposures:
    rng = np.random.default_rng(seed)
    debtor = rng.integers(0, n, m)
    creditor = (debtor + rng.integers(1, n, m)) % n  # never the debtor itself
    keep = np.ones(m, dtype=bool)
    low = rng.lognormal(0.0, 1.0, m)
    high = low * rng.choice([1.0, 1.5, 3.0], m)  # some legs without a range
    legs = pd.DataFrame({"debtor": [f"c{i}" for i in debtor[keep]], "creditor": [f"c{i}" for i in creditor[keep]],
                         "low": low[keep], "high": high[keep],
                         "status": np.where(rng.random(m) < loi_share, "announced_loi", "definitive")[keep]})
    # a deal group of several legs realises together
    legs["group"] = [f"g{i // 2}" for i in range(len(legs))]
    nodes = sorted(set(legs["debtor"]) | set(legs["creditor"]) | {f"c{i}" for i in range(n)})
    buffers = {x: (np.inf if rng.random() < inf_share else float(rng.lognormal(1.0, 1.0))) for x in nodes}
    X = Exposures.from_legs(legs, buffers, nodes=nodes)
    if stakes:
        holder, issuer = rng.integers(0, n, stakes), rng.integers(0, n, stakes)
        ok = holder != issuer
        template = X.legs.iloc[[0] * int(ok.sum())].reset_index(drop=True).copy()
        mark = rng.lognormal(0.0, 1.0, int(ok.sum()))
        template = template.assign(
            deal=[f"s{i}" for i in range(len(template))], group=[f"s{i}" for i in range(len(template))],
            kind="equity_stake", channel="equity", holder=[f"c{i}" for i in holder[ok]],
            counterparty=[f"c{i}" for i in issuer[ok]], debtor=[f"c{i}" for i in issuer[ok]],
            creditor=[f"c{i}" for i in holder[ok]], low=mark, high=mark, amount=mark, remaining=mark,
            cost=np.where(rng.random(len(mark)) < 0.5, mark * rng.uniform(0.2, 1.5, len(mark)), np.nan),
            cost_basis="cost")
        X = dataclasses.replace(X, legs=pd.concat([X.legs, template], ignore_index=True))
    return X


def both_paths(X, **kw):
    """Run the Monte Carlo with every chunk evaluated both ways; return the pairs of outputs.
    The patch is undone on return (a hypothesis example must not wrap the last one's)."""
    pairs = []
    plans = []
    real = mc.run_chunk

    def twice(plan, task, compiled=True):
        plans.append(plan)
        fast, ref = real(plan, task, True), real(plan, task, False)
        pairs.append((fast, ref))
        return fast

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mc, "run_chunk", twice)
        result = mc.monte_carlo(X, progress=False, **kw)
    return result, pairs, plans


def assert_same(fast, ref):
    for k, x in fast["scalars"].items():
        y = ref["scalars"][k]
        if k in ("defaults", "distressed", "hit"):
            assert np.array_equal(x, y), k
        else:
            # the same terms in the same order; numpy sums a one-scenario chunk pairwise
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12, err_msg=k)
    (ptr_f, data_f), (ptr_r, data_r) = fast["loss"], ref["loss"]
    assert np.array_equal(ptr_f, ptr_r)  # the same companies lose in the same scenarios
    np.testing.assert_allclose(data_f, data_r, rtol=1e-12, atol=1e-12)
    for k in ("defaults", "distressed", "hit"):
        assert np.array_equal(fast[k], ref[k]), k


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 40), m=st.integers(1, 120), stakes=st.integers(0, 8),
       loi=st.sampled_from([0.0, 0.3]), inf=st.sampled_from([0.0, 0.2]),
       variant=st.sampled_from(["battiston2012", "linear"]), basis=st.sampled_from(["economic", "gross"]),
       beta=st.booleans(), threshold=st.sampled_from([1.0, 0.5]), scenarios=st.integers(1, 40),
       chunk=st.sampled_from([1, 5, 16, 17, 40]))
def test_compiled_path_equals_the_array_version(seed, n, m, stakes, loi, inf, variant, basis, beta,
                                                threshold, scenarios, chunk):
    X = network(seed, n, m, stakes, loi, inf)
    fail = [X.nodes[seed % X.n]]
    kw = dict(fail=fail, scenarios=scenarios, seed=seed, chunk_size=chunk, variant=variant, loss_basis=basis,
              threshold=threshold, p_loi=0.5, recovery_beta=(2, 3) if beta else None)
    _, pairs, plans = both_paths(X, **kw)
    assert plans[0].plain is not None  # the compiled path ran
    for fast, ref in pairs:
        assert_same(fast, ref)


def test_the_synthetic_benchmark_network_is_plain_and_equal():
    from bench.bench_stress import synthetic

    X = synthetic(n=400, seed=3)
    hub = X.nodes[int(np.argmax(np.asarray(X.liabilities().sum(axis=1)).ravel()))]
    res, pairs, plans = both_paths(X, fail=[hub], scenarios=60, seed=5, chunk_size=25)
    assert plans[0].plain is not None
    for fast, ref in pairs:
        assert_same(fast, ref)
    # the shock spreads: most companies are hit, one defaults (as in the benchmark)
    assert res.summary.set_index("output").loc["hit", "q50"] > 200


def test_threads_do_not_change_the_results(monkeypatch):
    X = network(11, 60, 300, 5, 0.3, 0.1)
    kw = dict(fail=[X.nodes[0]], scenarios=200, seed=3, chunk_size=24, progress=False)
    monkeypatch.setattr(mc.os, "cpu_count", lambda: 1)
    one = mc.monte_carlo(X, **kw)
    monkeypatch.setattr(mc.os, "cpu_count", lambda: 2)
    two = mc.monte_carlo(X, **kw)
    pd.testing.assert_frame_equal(one.samples, two.samples)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    pd.testing.assert_frame_equal(one.companies, two.companies)


def test_a_ledger_with_contracts_and_backstops_takes_the_array_path():
    from loopledger import load_default
    from loopledger.stresstest.params import MonteCarloParams, StressParams
    from loopledger.stresstest.scenario import exposures_for, read_options, resolve_companies
    from loopledger.stresstest.shocks import ShockModel

    ledger = load_default()
    (p, m), view, buffers = read_options(ledger, {}, (StressParams, MonteCarloParams))
    engine = ShockModel.build(exposures_for(ledger, view, p, buffers), p)
    assert not mc.is_plain(engine, p)  # cloud contracts redeploy, guarantees move losses
    assert resolve_companies(ledger, engine.exposures, ["OpenAI"])


@pytest.mark.parametrize("model", ["cascade", "clearing"])
def test_other_models_take_the_array_path(model):
    X = network(2, 10, 30, 0, 0.0, 0.0)
    from loopledger.stresstest.params import StressParams
    from loopledger.stresstest.shocks import ShockModel

    p = StressParams(model=model)
    assert not mc.is_plain(ShockModel.build(X, p), p)
