"""Furfine (2003) sequential defaults (docs/methods.md 5.3): an example worked by hand, a plain-loop
oracle on random networks (no published example with printed numbers was found: the 2017
Banque de France tutorial's scripts print nothing), and the monotonicity properties of
docs/methods.md 5.8."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger.errors import LedgerError
from loopledger.stresstest.cascade import cascade


def test_ring_of_the_banque_de_france_tutorial_by_hand():
    # Data of the 2017 Banque de France "Big data finance" tutorial (github.com/paolobarucca,
    # Exercise 1-6): interbank liabilities [[0,4,0],[0,0,3],[2,0,0]] (row owes column), external
    # assets (20, 20, 10), external liabilities (17, 18, 8), so equity E = e - l + owed - owing
    # = (20-17+2-4, 20-18+4-3, 10-8+3-2) = (1, 3, 3). Exposure A = L^T: 0 is owed 2 by 2,
    # 1 is owed 4 by 0, 2 is owed 3 by 1. Worked by hand: if bank 0 fails with no recovery,
    # bank 1 loses 4 > 3 and fails (wave 1), then bank 2 loses 3 = 3 and survives (equity 0).
    L = np.array([[0, 4, 0], [0, 0, 3], [2, 0, 0]], float)
    E = np.array([20, 20, 10]) - np.array([17, 18, 8]) + L.sum(axis=0) - L.sum(axis=1)
    assert E.tolist() == [1, 3, 3]
    r = cascade(L.T, E, [0])
    assert r.defaulted.tolist() == [True, True, False]
    assert r.rounds.tolist() == [0, 1, -1]
    assert r.losses.tolist() == [0, 4, 3]
    # with 50 % recovery bank 1 loses 2 < 3: no contagion
    r = cascade(L.T, E, [0], recovery=0.5)
    assert r.defaulted.tolist() == [True, False, False]


def furfine_oracle(A, E, failed, recovery=0.0, threshold=1.0):
    """docs/methods.md 5.3 written as the loop of the paper: recompute losses from the whole default set
    each round."""
    n = len(E)
    D = set(failed)
    rounds = {i: 0 for i in D}
    t = 0
    while True:
        new = {i for i in range(n) if i not in D
               and (1 - recovery) * sum(A[i][j] for j in D) > threshold * E[i]}
        if not new:
            return D, rounds
        t += 1
        for i in new:
            rounds[i] = t
        D |= new


@st.composite
def systems(draw):
    n = draw(st.integers(2, 8))
    A = np.array(draw(st.lists(st.integers(0, 50), min_size=n * n, max_size=n * n)), float).reshape(n, n) / 10
    A *= np.array(draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n))).reshape(n, n)
    np.fill_diagonal(A, 0)
    E = np.array(draw(st.lists(st.integers(1, 60), min_size=n, max_size=n)), float) / 10
    failed = sorted(set(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3))))
    return A, E, failed


@settings(max_examples=150, deadline=None)
@given(systems(), st.sampled_from([0.0, 0.25, 0.5]))
def test_against_plain_loop(system, recovery):
    A, E, failed = system
    r = cascade(A, E, failed, recovery=recovery)
    D, rounds = furfine_oracle(A.tolist(), E, failed, recovery)
    assert set(np.flatnonzero(r.defaulted)) == D
    assert {i: int(r.rounds[i]) for i in D} == rounds
    assert r.n_rounds <= len(E)
    np.testing.assert_allclose(r.losses, (1 - recovery) * A[:, sorted(D)].sum(axis=1), atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(systems(), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(1.0, 3.0), st.integers(0, 7))
def test_monotonicity_of_methods_5_8(system, r1, r2, buffer_factor, extra):
    A, E, failed = system
    lo, hi = sorted((r1, r2))
    base = set(np.flatnonzero(cascade(A, E, failed, recovery=lo).defaulted))
    more_recovery = set(np.flatnonzero(cascade(A, E, failed, recovery=hi).defaulted))
    assert more_recovery <= base
    more_buffer = set(np.flatnonzero(cascade(A, E * buffer_factor, failed, recovery=lo).defaulted))
    assert more_buffer <= base
    bigger = set(np.flatnonzero(cascade(A, E, sorted(set(failed) | {extra % len(E)}), recovery=lo).defaulted))
    assert bigger >= base
    # full recovery: no contagion
    assert set(np.flatnonzero(cascade(A, E, failed, recovery=1.0).defaulted)) == set(failed)


def test_threshold_and_errors():
    A = [[0, 5], [0, 0]]
    assert cascade(A, [10, 1], [1], threshold=0.4).defaulted.tolist() == [True, True]
    assert cascade(A, [10, 1], [1], threshold=0.5).defaulted.tolist() == [False, True]
    with pytest.raises(LedgerError, match="threshold"):
        cascade(A, [10, 1], [1], threshold=0)
    with pytest.raises(LedgerError, match="recovery"):
        cascade(A, [10, 1], [1], recovery=2)
