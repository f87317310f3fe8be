"""The one way loopledger compiles a kernel with numba: ``njit`` with its on-disk cache, so that
a second process loads the machine code instead of compiling it again; where numba finds no
folder it can write the cache to (a read-only install), compiled in each process instead."""

from __future__ import annotations

from numba import njit


def jit(func=None, **options):
    """``njit(cache=True, **options)``, or ``njit(**options)`` when numba cannot cache; usable
    as ``@jit`` or ``@jit(nogil=True)``."""
    def wrap(f):
        try:
            return njit(cache=True, **options)(f)
        except RuntimeError:  # numba: "cannot cache function ...: no locator available"
            return njit(**options)(f)
    return wrap if func is None else wrap(func)
