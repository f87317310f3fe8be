"""DebtRank, both rules (docs/methods.md 5.4, 5.5).

No published worked example with numbers was found for either paper (Battiston et al. 2012
and Bardoscia et al. 2015 illustrate the rules on figures and on confidential bank data), so
the rules are checked against the docs/methods.md 5.8 orientation example, against two examples worked
by hand here from the papers' update rules, and, on random networks, against oracles written
in this file: a plain-loop state machine for the original rule, and for the linear rule the
closed form (I - Lambda)^-1 h0 (when no cap binds) and Picard iteration of h <- min(1, h0 +
Lambda h).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger.errors import LedgerError, ValidationError
from loopledger.stresstest.debtrank import debtrank, propagate


def test_orientation_check_of_methods_5_8():
    # n = 2, A[0,1] = 5, E = (10, 4), node 1 fails: h = (0.5, 1), R = 5/14 under both rules
    for variant in ("battiston2012", "linear"):
        r = debtrank([[0, 5], [0, 0]], [10, 4], [1], variant=variant)
        np.testing.assert_allclose(r.h, [0.5, 1.0])
        assert r.R == pytest.approx(5 / 14)
        assert r.R_total == pytest.approx(5 / 14 + 4 / 14)


# A three-node cycle worked by hand. A[0,1] = 5, A[1,2] = 4, A[2,0] = 6, E = (10, 8, 12):
# every impact is 1/2 (Lambda = W). Shock h0 = (0, 0, 1/2).
CYCLE_A = [[0, 5, 0], [0, 0, 4], [6, 0, 0]]
CYCLE_E = [10, 8, 12]
CYCLE_H0 = np.array([0.0, 0.0, 0.5])


def test_original_rule_by_hand_on_a_cycle():
    # Battiston et al. (2012): step 1, node 2 (distressed) hits node 1 by 1/2 x 1/2 = 1/4 and
    # becomes inactive; step 2, node 1 hits node 0 by 1/2 x 1/4 = 1/8; step 3, node 0 hits node 2
    # by 1/2 x 1/8 = 1/16, but node 2 is inactive and passes nothing on again: h = (1/8, 1/4, 9/16).
    r = debtrank(CYCLE_A, CYCLE_E, CYCLE_H0, variant="battiston2012")
    np.testing.assert_allclose(r.h, [1 / 8, 1 / 4, 9 / 16])
    assert r.round_distressed.tolist() == [2, 1, 0]
    np.testing.assert_allclose(r.history[1], [0, 1 / 4, 1 / 2])
    v = np.array(CYCLE_E) / 30
    assert r.R == pytest.approx(v @ [1 / 8, 1 / 4, 1 / 16])


def test_linear_rule_by_hand_on_the_same_cycle():
    # Bardoscia et al. (2015): every increment goes round the cycle. Lambda^3 = I/8, so
    # h = (I - Lambda)^-1 h0 = (I + Lambda + Lambda^2) h0 / (1 - 1/8) = (1/4, 1/2, 1) x 1/2 x 8/7
    #   = (1/7, 2/7, 4/7), more than the original rule on every node (their point).
    r = debtrank(CYCLE_A, CYCLE_E, CYCLE_H0, variant="linear")
    np.testing.assert_allclose(r.h, [1 / 7, 2 / 7, 4 / 7], atol=1e-11)
    original = debtrank(CYCLE_A, CYCLE_E, CYCLE_H0, variant="battiston2012")
    assert np.all(r.h > original.h)


# ------------------------------------------------------------------------------------------------
# Oracles


def original_rule_oracle(A, E, h0):
    """Battiston et al. 2012 as a plain loop over nodes (docs/methods.md 5.4), dense, no vectorisation."""
    n = len(E)
    W = [[min(1.0, A[i][j] / E[i]) if np.isfinite(E[i]) else 0.0 for j in range(n)] for i in range(n)]
    h = list(h0)
    state = ["D" if x > 0 else "U" for x in h0]
    steps = 0
    while "D" in state:
        new = h[:]
        for i in range(n):
            new[i] = min(1.0, h[i] + sum(W[i][j] * h[j] for j in range(n) if state[j] == "D"))
        state = ["I" if s == "D" else ("D" if s == "U" and new[i] > 0 else s) for i, s in enumerate(state)]
        h = new
        steps += 1
        assert steps <= n + 1
    return np.array(h)


def linear_rule_oracle(A, E, h0):
    """Picard iteration of h <- min(1, h0 + Lambda h) from h0 (docs/methods.md 5.5, by induction equal
    to the linear rule)."""
    Lam = np.asarray(A, float) / np.asarray(E, float)[:, None]
    h = h0.copy()
    for _ in range(500_000):
        new = np.minimum(1.0, h0 + Lam @ h)
        if np.max(np.abs(new - h)) < 1e-14:
            return new
        h = new
    raise AssertionError("no convergence")


@st.composite
def systems(draw, max_n=7):
    n = draw(st.integers(2, max_n))
    density = draw(st.floats(0.2, 1.0))
    A = np.array(draw(st.lists(st.integers(0, 100), min_size=n * n, max_size=n * n)), float).reshape(n, n) / 10
    mask = np.array(draw(st.lists(st.floats(0, 1), min_size=n * n, max_size=n * n))).reshape(n, n) < density
    A = A * mask
    np.fill_diagonal(A, 0.0)
    E = np.array(draw(st.lists(st.integers(1, 300), min_size=n, max_size=n)), float) / 10
    h0 = np.array(draw(st.lists(st.sampled_from([0.0, 0.0, 0.1, 0.25, 0.5, 1.0]), min_size=n, max_size=n)))
    return A, E, h0


@settings(max_examples=150, deadline=None)
@given(systems())
def test_original_rule_against_plain_loop(system):
    A, E, h0 = system
    r = debtrank(A, E, h0, variant="battiston2012")
    np.testing.assert_allclose(r.h, original_rule_oracle(A.tolist(), E, h0), atol=1e-12)
    assert r.rounds <= len(E) + 1
    # history never decreases; h within [h0, 1]; R within [0, 1 - v h0]
    assert np.all(np.diff(r.history, axis=0) >= -1e-15)
    assert np.all(r.h >= h0 - 1e-15) and np.all(r.h <= 1)
    v = E / E.sum()
    assert -1e-12 <= r.R <= 1 - v @ h0 + 1e-12


@settings(max_examples=150, deadline=None)
@given(systems())
def test_linear_rule_against_picard_oracle(system):
    A, E, h0 = system
    r = debtrank(A, E, h0, variant="linear")
    np.testing.assert_allclose(r.h, linear_rule_oracle(A, E, h0), atol=1e-9)
    assert np.all(r.h >= h0 - 1e-15) and np.all(r.h <= 1)
    assert np.all(np.diff(r.history, axis=0) >= -1e-15)


@settings(max_examples=100, deadline=None)
@given(systems(), st.floats(0.05, 0.9))
def test_linear_rule_closed_form_when_no_cap_binds(system, target):
    A, E, _ = system
    Lam = A / E[:, None]
    rho = max(abs(np.linalg.eigvals(Lam)))
    if rho > 0:
        A = A * (target / rho)  # spectral radius below 1
    h0 = np.full(len(E), 1e-3)
    expect = np.linalg.solve(np.eye(len(E)) - A / E[:, None], h0)
    if expect.max() >= 1:
        return
    r = debtrank(A, E, h0, variant="linear")
    np.testing.assert_allclose(r.h, expect, rtol=1e-9, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(systems(), st.floats(0.0, 0.5), st.floats(1.0, 3.0))
def test_linear_rule_is_monotone_in_shock_and_exposures(system, extra, factor):
    A, E, h0 = system
    base = debtrank(A, E, h0, variant="linear").h
    bigger = debtrank(A, E, np.minimum(1.0, h0 + extra), variant="linear").h
    assert np.all(bigger >= base - 1e-9)
    heavier = debtrank(A * factor, E, h0, variant="linear").h
    assert np.all(heavier >= base - 1e-9)


@settings(max_examples=50, deadline=None)
@given(systems())
def test_no_exposures_no_contagion(system):
    _, E, h0 = system
    for variant in ("battiston2012", "linear"):
        r = debtrank(np.zeros((len(E), len(E))), E, h0, variant=variant)
        np.testing.assert_allclose(r.h, h0)
        assert r.R == pytest.approx(0.0, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(systems(), st.integers(2, 6))
def test_batch_columns_equal_single_runs(system, B):
    # the Monte Carlo runs many scenarios as columns: each column must be the single run
    A, E, h0 = system
    rng = np.random.default_rng(B)
    coo = sp.coo_matrix(A)
    scales = rng.uniform(0.5, 2.0, (coo.nnz, B))
    H0 = np.stack([np.roll(h0, k) for k in range(B)], axis=1)
    for variant in ("battiston2012", "linear"):
        run = propagate(coo.row.astype(np.int64), coo.col.astype(np.int64),
                        coo.data[:, None] * scales / E[coo.row][:, None], H0, variant)
        for b in range(B):
            Ab = sp.coo_matrix((coo.data * scales[:, b], (coo.row, coo.col)), shape=A.shape)
            single = debtrank(Ab, E, H0[:, b], variant=variant)
            np.testing.assert_allclose(run.h[:, b], single.h, atol=1e-12)


def test_infinite_buffer_absorbs_and_reports():
    # node 0 (no buffer figure: infinite) is owed by 1 and 2; 2 fails, 1 is half hit
    A = [[0, 4, 6], [0, 0, 5], [0, 0, 0]]
    r = debtrank(A, [np.inf, 10, 3], [2])
    assert r.h[0] == 0
    assert r.h[1] == pytest.approx(0.5)
    assert r.loss_usd[0] == pytest.approx(4 * 0.5 + 6 * 1.0)
    assert r.weights[0] == 0
    assert r.round_distressed.tolist() == [-1, 1, 0]


def test_labels_sparse_and_weights():
    labels = ["a", "b", "c"]
    A = pd.DataFrame(CYCLE_A, index=labels, columns=labels, dtype=float)
    r = debtrank(A, pd.Series(CYCLE_E, index=labels), CYCLE_H0, weights=[1, 1, 2], variant="linear")
    assert r.to_frame()["node"].tolist() == labels
    assert r.R_total == pytest.approx((1 / 7 + 2 / 7 + 2 * 4 / 7) / 4)
    s = debtrank(sp.csr_matrix(np.array(CYCLE_A, float)), CYCLE_E, [2])
    d = debtrank(CYCLE_A, CYCLE_E, [2])
    np.testing.assert_allclose(s.h, d.h)
    by_label = debtrank(A, pd.Series(CYCLE_E, index=labels), ["c"])
    np.testing.assert_allclose(by_label.h, d.h)


@pytest.mark.parametrize("args, error, message", [
    (dict(buffers=[0, 1]), ValidationError, "not positive"),
    (dict(shocked=[5]), ValidationError, "outside"),
    (dict(shocked=np.array([0.5, 1.5])), ValidationError, "outside"),
    (dict(shocked=["zz"]), ValidationError, "not a node"),
    (dict(variant="v3"), LedgerError, "variant"),
    (dict(weights=[0, 0]), LedgerError, "weights sum to 0"),
])
def test_bad_input(args, error, message):
    base = dict(exposures=[[0, 1], [0, 0]], buffers=[1, 1], shocked=[1]) | args
    with pytest.raises(error, match=message):
        debtrank(**base)


@st.composite
def batches(draw):
    """Random pairs (rows without pairs, several pairs on a row, zero and infinite impacts), B
    scenarios with their own impacts or one column for all, shocks that leave some scenarios
    still."""
    n = draw(st.integers(1, 12))
    B = draw(st.integers(1, 5))
    m = draw(st.integers(0, 3 * n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    keys = np.unique(rng.integers(0, n, m) * n + rng.integers(0, n, m))
    rows, cols = keys // n, keys % n
    per_scenario = draw(st.booleans())
    lam = rng.choice([0.0, 0.05, 0.3, 0.9, 1.7], size=(len(keys), B if per_scenario else 1)) * rng.random((len(keys), 1))
    if draw(st.booleans()) and len(keys):  # a zero buffer: an infinite impact (NaN distress in a batch)
        lam[rng.integers(0, len(keys))] = np.inf
    h0 = np.where(rng.random((n, B)) < 0.25, rng.choice([0.2, 0.5, 1.0], size=(n, B)), 0.0)
    h0[:, rng.random(B) < 0.3] = 0.0  # scenarios in which nothing moves
    shuffle = rng.permutation(len(keys))
    return rows[shuffle], cols[shuffle], lam[shuffle], h0


@settings(max_examples=300, deadline=None)
@given(batches(), st.sampled_from(["battiston2012", "linear"]), st.sampled_from([None, 1, 2, 5]),
       st.sampled_from([1e-12, 1e-3]))
def test_compiled_steps_equal_the_array_steps(batch, variant, max_rounds, tol):
    """The compiled kernel is the array version without its temporaries: the same arrays, bit
    for bit (same sums in the same order), the same step count and convergence flag."""
    rows, cols, lam, h0 = batch
    a = propagate(rows, cols, lam, h0, variant, tol=tol, max_rounds=max_rounds, array_steps=True)
    b = propagate(rows, cols, lam, h0, variant, tol=tol, max_rounds=max_rounds)
    for name in ("h", "first", "round_distressed", "round_defaulted", "passed"):
        np.testing.assert_array_equal(getattr(b, name), getattr(a, name), err_msg=name)
    assert (b.steps, b.converged) == (a.steps, a.converged)
