"""numpy's PCG64 stream drawn in lanes inside a compiled kernel: the same uniforms, in the same
order, as ``Generator(PCG64).random()`` called one after another, without a call per number.

PCG64 (O'Neill 2014, as numpy implements it) steps a 128-bit state ``s <- a s + c (mod 2^128)``
and outputs ``rotr64(hi(s) ^ lo(s), hi(s) >> 58)``; ``random()`` is that output's top 53 bits
over 2^53. One number depends on the one before only through the state, and k steps at once
are one step with ``(a^k, c (a^(k-1) + ... + a + 1))``. So W lanes start on the next W states
and each then jumps W steps: lane b gives the numbers b, W + b, 2W + b, ... of the stream, and
a draw of all lanes gives the next W numbers in order. The W multiplications are independent,
where one generator's are a chain; that is the whole speed-up.

The 128-bit arithmetic is LLVM's ``i128`` (numba has no 128-bit integer type), through the
intrinsic :func:`_muladd128`. A test compares the lanes with numpy's generator number for
number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from .._compiled import jit

#: PCG64's multiplier (numpy's ``PCG_DEFAULT_MULTIPLIER_128``)
MULT = 0x2360ED051FC65DA44385DF649FCCF645
_MASK = (1 << 128) - 1
_LOW = (1 << 64) - 1


@intrinsic
def _muladd128(typingctx, hi, lo, mhi, mlo, chi, clo):
    """``(hi, lo) * (mhi, mlo) + (chi, clo) (mod 2^128)`` as (hi, lo) 64-bit halves."""
    u64 = types.uint64
    sig = types.UniTuple(u64, 2)(u64, u64, u64, u64, u64, u64)

    def codegen(context, builder, signature, args):
        i128 = ir.IntType(128)
        shift = ir.Constant(i128, 64)

        def join(h, lo_):
            return builder.or_(builder.shl(builder.zext(h, i128), shift), builder.zext(lo_, i128))

        r = builder.add(builder.mul(join(args[0], args[1]), join(args[2], args[3])), join(args[4], args[5]))
        halves = [builder.trunc(builder.lshr(r, shift), ir.IntType(64)), builder.trunc(r, ir.IntType(64))]
        return context.make_tuple(builder, signature.return_type, halves)

    return sig, codegen


def lanes(s: Mapping[str, Any], W: int) -> tuple[np.ndarray, np.ndarray]:
    """The lanes of a PCG64 stream from the state ``s`` on (a bit generator's ``.state``):
    ``state`` (2, W) uint64, lane b's high and low halves after b + 1 steps (numpy steps, then
    outputs), and ``jump`` (4,) uint64, the W-step multiplier's and increment's halves."""
    if s.get("bit_generator") != "PCG64":
        raise ValueError(f"lanes need a PCG64 bit generator, not {s.get('bit_generator')!r}")
    x, inc = int(s["state"]["state"]), int(s["state"]["inc"])
    state = np.empty((2, W), dtype=np.uint64)
    a, c = 1, 0  # the W-step jump: a = MULT^W, c = inc (MULT^(W-1) + ... + 1)
    for b in range(W):
        x = (x * MULT + inc) & _MASK
        state[0, b], state[1, b] = x >> 64, x & _LOW
        a, c = (a * MULT) & _MASK, (c * MULT + inc) & _MASK
    jump = np.array([a >> 64, a & _LOW, c >> 64, c & _LOW], dtype=np.uint64)
    return state, jump


@jit(nogil=True, inline="always")
def draw(state, jump, out):  # pragma: no cover - compiled
    """The stream's next W uniforms into ``out[:W]`` (W = the lanes' width), each lane then
    W steps on (inlined where it is called: a call per leg cost as much as its draws)."""
    hi, lo = state[0], state[1]
    jh, jl, ch, cl = jump[0], jump[1], jump[2], jump[3]
    for b in range(hi.shape[0]):
        h = hi[b]
        x = h ^ lo[b]
        r = h >> np.uint64(58)
        v = (x >> r) | (x << ((np.uint64(64) - r) & np.uint64(63)))
        out[b] = np.float64(np.int64(v >> np.uint64(11))) * (1.0 / 9007199254740992.0)
        hi[b], lo[b] = _muladd128(h, lo[b], jh, jl, ch, cl)


@jit(nogil=True)
def fill(state, jump, out):  # pragma: no cover - compiled
    """``out`` (k, W) filled row by row with the stream's next k W uniforms (what the test
    compares with numpy's generator)."""
    for k in range(out.shape[0]):
        draw(state, jump, out[k])
