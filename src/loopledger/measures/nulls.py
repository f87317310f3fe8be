"""Null models for reciprocity and cycle tests: randomised copies of a network that keep
what the test must not be fooled by (docs/methods.md section 4.2).

* **N1**, degree-preserving: double-edge swaps a->b, c->d => a->d, c->b, rejecting
  self-loops and duplicate links (Maslov & Sneppen 2002; Milo et al. 2002).
* **N2**, degrees and mutual dyads preserved: mutual pairs are swapped with each other as
  undirected edges, one-way links with each other; a swap that would create or destroy a
  mutual pair, or duplicate a link, is rejected. Every node keeps its in- and out-degree and
  its number of mutual partners, so an excess of longer cycles cannot be an echo of
  reciprocity.
* **N3**, weighted: N2's topology, with amounts permuted among legs of the same kind.

Every sample starts from the observed graph and makes ``swaps_per_link * L`` accepted swaps
(L directed links, default 10 per link), giving up after 50 times as many attempts (the
shortfall is recorded). Self-loops never take part in swaps and stay where they are. The
swap loops are compiled with numba; link membership is an open-addressing hash set, so
memory and time per swap do not depend on the number of nodes. Random numbers come from
splitmix64 seeded by ``numpy.random.SeedSequence``, so a seed reproduces every sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

NULL_MODELS = ("N1", "N2", "N3")
#: attempts allowed per wanted accepted swap before a sample gives up
ATTEMPTS_PER_SWAP = 50

_EMPTY = np.int64(-1)


@dataclass(frozen=True)
class LinkGraph:
    """The swap graph: links (self-loops excluded) of a simple digraph on n nodes.

    ``src[k] -> dst[k]`` is link k. ``pair_a``/``pair_b`` list the mutual pairs (a < b) with
    ``pair_ab[p]``/``pair_ba[p]`` the link ids of a->b and b->a; ``one_way`` lists the ids of
    links whose reverse is absent."""

    n: int
    src: np.ndarray
    dst: np.ndarray
    pair_a: np.ndarray
    pair_b: np.ndarray
    pair_ab: np.ndarray
    pair_ba: np.ndarray
    one_way: np.ndarray

    @classmethod
    def from_links(cls, n: int, src: np.ndarray, dst: np.ndarray) -> LinkGraph:
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        key = src * n + dst
        if (src == dst).any():
            raise ValueError("self-loops do not take part in swaps")
        if len(np.unique(key)) != len(key):
            raise ValueError("duplicate links")
        order = np.argsort(key)
        rev = dst * n + src
        pos = np.searchsorted(key[order], rev)
        pos = np.minimum(pos, len(key) - 1) if len(key) else pos
        has_rev = (key[order][pos] == rev) if len(key) else np.zeros(0, bool)
        rev_id = np.where(has_rev, order[pos] if len(key) else pos, -1)
        first = has_rev & (src < dst)
        ids = np.flatnonzero(first)
        return cls(
            n=int(n), src=src, dst=dst,
            pair_a=src[ids].copy(), pair_b=dst[ids].copy(),
            pair_ab=ids.astype(np.int64), pair_ba=rev_id[ids].astype(np.int64),
            one_way=np.flatnonzero(~has_rev).astype(np.int64),
        )

    @property
    def links(self) -> int:
        return len(self.src)


@dataclass(frozen=True)
class Sample:
    """One null graph: link k now runs ``src[k] -> dst[k]``; swaps accepted and attempted."""

    src: np.ndarray
    dst: np.ndarray
    accepted: int
    attempts: int
    target: int


def sample(graph: LinkGraph, null: str, seed: np.random.SeedSequence | int,
           swaps_per_link: float = 10.0) -> Sample:
    """One sample of null model ``null`` ("N1", or "N2"/"N3": N3's topology is N2's)."""
    if null not in NULL_MODELS:
        raise ValueError(f"unknown null model {null!r}: expected one of {', '.join(NULL_MODELS)}")
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    state = ss.generate_state(1, dtype=np.uint64).copy()
    target = int(np.ceil(swaps_per_link * graph.links))
    max_attempts = ATTEMPTS_PER_SWAP * target
    cap = _table_size(graph.links)
    if null == "N1":
        src, dst = graph.src.copy(), graph.dst.copy()
        acc, att = _swap_n1(src, dst, np.int64(graph.n), np.int64(target), np.int64(max_attempts),
                            state, cap)
        return Sample(src, dst, int(acc), int(att), target)
    pa, pb = graph.pair_a.copy(), graph.pair_b.copy()
    os_, od = graph.src[graph.one_way].copy(), graph.dst[graph.one_way].copy()
    acc, att = _swap_n2(pa, pb, os_, od, np.int64(graph.n), np.int64(target), np.int64(max_attempts),
                        state, cap)
    src, dst = graph.src.copy(), graph.dst.copy()
    src[graph.pair_ab], dst[graph.pair_ab] = pa, pb
    src[graph.pair_ba], dst[graph.pair_ba] = pb, pa
    src[graph.one_way], dst[graph.one_way] = os_, od
    return Sample(src, dst, int(acc), int(att), target)


def _table_size(links: int) -> int:
    size = 16
    while size < 4 * max(links, 1):
        size *= 2
    return size


# ------------------------------------------------------------------------------------------------
# Compiled core: random numbers, hash set of links, swap loops


@njit(cache=True)
def _next(state):
    """splitmix64 (Steele, Lea & Flood 2014): the next 64 random bits."""
    state[0] += np.uint64(0x9E3779B97F4A7C15)
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def _below(state, k):
    """A uniform integer in [0, k)."""
    r = np.int64((_next(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0) * k)
    return min(r, k - 1)


@njit(cache=True)
def _home(key, mask):
    h = np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    return np.int64(h & np.uint64(mask))


@njit(cache=True)
def _find(table, key):
    mask = len(table) - 1
    i = _home(key, mask)
    while table[i] != _EMPTY:
        if table[i] == key:
            return i
        i = (i + 1) & mask
    return -1


@njit(cache=True)
def _insert(table, key):
    mask = len(table) - 1
    i = _home(key, mask)
    while table[i] != _EMPTY:
        if table[i] == key:
            return
        i = (i + 1) & mask
    table[i] = key


@njit(cache=True)
def _remove(table, key):
    """Delete with backward shift (linear probing keeps no tombstones)."""
    mask = len(table) - 1
    i = _find(table, key)
    if i < 0:
        return
    j = i
    while True:
        j = (j + 1) & mask
        if table[j] == _EMPTY:
            break
        h = _home(table[j], mask)
        # move table[j] back to i unless its home lies cyclically in (i, j]
        if i <= j:
            stays = i < h <= j
        else:
            stays = h > i or h <= j
        if not stays:
            table[i] = table[j]
            i = j
    table[i] = _EMPTY


@njit(cache=True)
def _has(table, a, b, n):
    return _find(table, a * n + b) >= 0


@njit(cache=True)
def _directed_swap(table, src, dst, i, j, n, keep_mutual):
    """Try a->b, c->d => a->d, c->b on links i and j; True when done. Rejects self-loops,
    no-ops and duplicates, and with ``keep_mutual`` any swap creating a mutual pair (d->a
    or b->c existing; the removed links are one-way, so none is destroyed)."""
    a, b, c, d = src[i], dst[i], src[j], dst[j]
    if i == j or a == d or c == b or a == c or b == d:
        return False
    if _has(table, a, d, n) or _has(table, c, b, n):
        return False
    if keep_mutual and (_has(table, d, a, n) or _has(table, b, c, n)):
        return False
    _remove(table, a * n + b)
    _remove(table, c * n + d)
    _insert(table, a * n + d)
    _insert(table, c * n + b)
    dst[i] = d
    dst[j] = b
    return True


@njit(cache=True)
def _swap_n1(src, dst, n, target, max_attempts, state, cap):
    m = len(src)
    table = np.full(cap, _EMPTY, dtype=np.int64)
    for k in range(m):
        _insert(table, src[k] * n + dst[k])
    accepted = 0
    attempts = 0
    if m < 2:
        return accepted, attempts
    while accepted < target and attempts < max_attempts:
        attempts += 1
        if _directed_swap(table, src, dst, _below(state, m), _below(state, m), n, False):
            accepted += 1
    return accepted, attempts


@njit(cache=True)
def _swap_n2(pa, pb, os_, od, n, target, max_attempts, state, cap):
    npairs = len(pa)
    nway = len(os_)
    table = np.full(cap, _EMPTY, dtype=np.int64)
    for k in range(npairs):
        _insert(table, pa[k] * n + pb[k])
        _insert(table, pb[k] * n + pa[k])
    for k in range(nway):
        _insert(table, os_[k] * n + od[k])
    accepted = 0
    attempts = 0
    can_pairs = npairs >= 2
    can_way = nway >= 2
    if not can_pairs and not can_way:
        return accepted, attempts
    while accepted < target and attempts < max_attempts:
        attempts += 1
        use_pairs = can_pairs
        if can_pairs and can_way:
            use_pairs = _below(state, npairs + nway) < npairs
        if use_pairs:
            i = _below(state, npairs)
            j = _below(state, npairs)
            a, b = pa[i], pb[i]
            c, d = pa[j], pb[j]
            flip = _below(state, 2) == 1
            if flip:
                c, d = d, c
            # {a,b}, {c,d} => {a,d}, {c,b}
            if i == j or a == d or c == b or a == c or b == d:
                continue
            if _has(table, a, d, n) or _has(table, d, a, n) or _has(table, c, b, n) or _has(table, b, c, n):
                continue
            _remove(table, a * n + b)
            _remove(table, b * n + a)
            _remove(table, c * n + d)
            _remove(table, d * n + c)
            _insert(table, a * n + d)
            _insert(table, d * n + a)
            _insert(table, c * n + b)
            _insert(table, b * n + c)
            # pair i keeps a as its first end (its a->b link now runs a->d); pair j's first
            # link (pa->pb) ran c->d, or d->c when flipped, and now runs c->b, or b->c
            pb[i] = d
            if flip:
                pa[j] = b
                pb[j] = c
            else:
                pa[j] = c
                pb[j] = b
        elif not _directed_swap(table, os_, od, _below(state, nway), _below(state, nway), n, True):
            continue
        accepted += 1
    return accepted, attempts
