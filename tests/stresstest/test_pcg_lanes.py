"""The PCG64 lanes of the compiled Monte Carlo (loopledger.stresstest._pcg) against numpy's own
generator: the same uniforms, number for number, for any seed, width and length, and the bit
generator's state at the end the same as numpy's after as many draws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger.stresstest._pcg import fill, lanes


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**63), W=st.integers(1, 40), k=st.integers(0, 50), skip=st.integers(0, 300))
def test_lanes_draw_numpys_stream(seed, W, k, skip):
    bits = np.random.PCG64(seed)
    bits.advance(skip)  # any state, not only a fresh one
    expected = np.random.Generator(np.random.PCG64(seed)).random(skip + k * W)[skip:]
    state, jump = lanes(bits.state, W)
    out = np.full((k, W), -1.0)
    fill(state, jump, out)
    assert np.array_equal(out.ravel(), expected)  # bit for bit, in numpy's order
    # lane 0 now holds the state numpy reaches after k W + 1 more steps
    after = np.random.PCG64(seed)
    after.advance(skip + k * W + 1)
    s = int(after.state["state"]["state"])
    assert (int(state[0, 0]) << 64) | int(state[1, 0]) == s


def test_lanes_leave_the_generator_alone_and_refuse_another_kind():
    bits = np.random.PCG64(7)
    before = bits.state
    lanes(bits.state, 16)
    assert bits.state == before
    with pytest.raises(ValueError, match="PCG64"):
        lanes(np.random.MT19937(7).state, 16)
