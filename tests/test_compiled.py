"""loopledger._compiled.jit, the one wrapper every numba kernel (cycles, clearing, DebtRank,
Monte Carlo) is compiled with."""

from __future__ import annotations

import loopledger._compiled as compiled


def test_kernels_compile_without_a_writable_cache(monkeypatch):
    """Where numba finds nowhere to write its cache it refuses cache=True; the kernels are then
    compiled per process, silently, with the other options kept."""
    real = compiled.njit
    asked = []

    def no_cache(*args, **kw):
        asked.append(kw)
        if kw.get("cache"):
            raise RuntimeError("cannot cache function 'f': no locator available for file 'f.py'")
        return real(*args, **kw)

    monkeypatch.setattr(compiled, "njit", no_cache)

    def add_one(x):
        return x + 1

    assert compiled.jit(add_one)(1) == 2
    assert compiled.jit(nogil=True)(add_one)(2) == 3
    assert compiled.jit(lambda x: x * 2)(21) == 42
    assert {"nogil": True} in asked  # the fallback keeps the options


def test_the_kernels_are_cached_on_disk():
    """With a writable folder (this checkout), a kernel compiled with jit has numba's cache."""
    from loopledger.stresstest import _mc_stats

    assert _mc_stats._gather._cache.__class__.__name__ == "FunctionCache"
