"""Cycle enumeration for short bounds in numpy alone (docs/methods.md section 1.2): a join of
short paths, for when loading the compiled core (:mod:`loopledger.measures._cycles_core`,
numba) would cost more than the whole search, as in a fresh ``loopledger cycles`` process.

A cycle of L nodes is listed once, from its smallest node ``s``, as :mod:`._cycles_core` does:
``s`` then the other nodes in the order the hops visit them, all larger than ``s``. It is a
path of ``i = ceil(L / 2)`` hops from ``s`` to some ``x`` joined with a path of ``j = L - i``
hops from ``x`` back to ``s`` (meet in the middle, as the core's distance pruning does), the
two sharing no node but ``s`` and ``x``. The forward paths ``s -> a1 -> ... -> x`` and the
backward ones ``x -> c1 -> ... -> s`` (every node ``> s``, none twice) are built level by
level as arrays, one row per path; the join matches rows on ``(s, x)`` by sorting. Every array
holds the paths of all start nodes at once, so the whole search is a few dozen numpy calls.
The rows come out in no particular order; the caller sorts them (by length, then nodes) as it
sorts the core's.

The strongly connected components the report gives (their sizes) come from
:func:`component_sizes`: trimming of nodes without an in- or out-edge, then forward-backward
searches (Fleischer, Hendrickson & Pinar 2000) in numpy; when a graph would need too many
rounds of those (many small components left after trimming) it returns None and the caller
uses Tarjan's algorithm of the compiled core instead.
"""

from __future__ import annotations

import numpy as np

#: forward-backward rounds (one component each) before :func:`component_sizes` gives up
MAX_ROUNDS = 64
#: rounds of trimming (one layer of nodes without an in- or out-edge each), all told, before
#: :func:`component_sizes` gives up (a long chain of companies takes one round per two)
MAX_TRIM_ROUNDS = 256


def _expand(indptr: np.ndarray, indices: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every entry x of ``at``, every neighbour of x: (position in ``at``, neighbour)."""
    lo = indptr[at]
    deg = indptr[at + 1] - lo
    total = int(deg.sum())
    row = np.repeat(np.arange(len(at)), deg)
    # the position of every neighbour in ``indices``: its row's start plus its rank in the row
    first = np.cumsum(deg) - deg
    pos = np.arange(total) - np.repeat(first - lo, deg)
    return row, indices[pos]


def _paths(indptr: np.ndarray, indices: np.ndarray, hops: int) -> list[list[np.ndarray]]:
    """Paths of 1..hops hops from every node s through nodes > s only, none twice: for each
    number of hops, the columns of its paths (column 0 the start node s)."""
    n = len(indptr) - 1
    s = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))
    keep = indices > s  # also drops self-loops
    level = [s[keep], indices[keep].astype(np.int32)]
    levels = [level]
    for _ in range(hops - 1):
        row, w = _expand(indptr, indices, level[-1])
        ok = w > level[0][row]
        for col in level[1:]:
            ok &= w != col[row]
        row = row[ok]
        level = [col[row] for col in level] + [w[ok].astype(np.int32)]
        levels.append(level)
    return levels


#: a multiplier that spreads the bits of a key (Knuth's multiplicative hashing)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _matches(fkey: np.ndarray, bkey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i, j) with ``fkey[i] == bkey[j]``, as two index arrays. Most keys have no
    match: a bit table of hashed keys first keeps the few that may (exactly the ones that do,
    plus some collisions), and only those are sorted and matched exactly."""
    if not len(fkey) or not len(bkey):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    bits = int(min(26, max(12, np.ceil(np.log2(len(fkey) + len(bkey))) + 4)))
    shift = np.uint64(64 - bits)
    hf = ((fkey.astype(np.uint64) * _MIX) >> shift).astype(np.intp)
    hb = ((bkey.astype(np.uint64) * _MIX) >> shift).astype(np.intp)
    seen = np.zeros(1 << bits, dtype=bool)
    seen[hb] = True
    fsel = np.flatnonzero(seen[hf])
    seen[:] = False
    seen[hf[fsel]] = True
    bsel = np.flatnonzero(seen[hb])
    fk, bk = fkey[fsel], bkey[bsel]
    order = np.argsort(bk, kind="stable")
    bk = bk[order]
    lo = np.searchsorted(bk, fk, side="left")
    hits = np.searchsorted(bk, fk, side="right") - lo
    total = int(hits.sum())
    fi = np.repeat(fsel, hits)
    bi = bsel[order[np.repeat(lo - np.cumsum(hits) + hits, hits) + np.arange(total)]]
    return fi, bi


def cycles(indptr: np.ndarray, indices: np.ndarray, rindptr: np.ndarray, rindices: np.ndarray,
           k: int) -> np.ndarray:
    """Every simple cycle of 2..k nodes of the graph with CSR arrays ``indptr``/``indices``
    (``rindptr``/``rindices``: the reversed graph's; self-loops may be present and are not
    taken) as rows of node indices, canonical (smallest node first, then in hop order), padded
    with -1 to width k; in no particular order."""
    n = len(indptr) - 1
    width = max(k, 1)
    if k < 2 or n == 0:
        return np.zeros((0, width), dtype=np.int64)
    forward = _paths(indptr, indices, (k + 1) // 2)
    backward = _paths(rindptr, rindices, k // 2)
    found = []
    for length in range(2, k + 1):
        i, j = (length + 1) // 2, length // 2
        f, b = forward[i - 1], backward[j - 1]  # f: s, a1 .. x; b: s, c1 .. x (x -> .. c1 -> s)
        fi, bi = _matches(f[0].astype(np.int64) * n + f[-1], b[0].astype(np.int64) * n + b[-1])
        ok = np.ones(len(fi), dtype=bool)
        for p in range(1, i):  # the two halves share no node but s and x
            for q in range(1, j):
                ok &= f[p][fi] != b[q][bi]
        fi, bi = fi[ok], bi[ok]
        rows = np.full((len(fi), width), -1, dtype=np.int64)
        for p in range(i + 1):
            rows[:, p] = f[p][fi]
        for q in range(1, j):  # c_{j-1} .. c1, in hop order
            rows[:, i + j - q] = b[q][bi]
        found.append(rows)
    return np.concatenate(found)


def _reach(indptr: np.ndarray, indices: np.ndarray, start: int, inside: np.ndarray) -> np.ndarray:
    """The nodes reachable from ``start`` through nodes of the mask ``inside`` (breadth-first,
    one numpy step per level), as a mask."""
    seen = np.zeros(len(inside), dtype=bool)
    seen[start] = True
    frontier = np.array([start], dtype=np.int64)
    while len(frontier):
        _, w = _expand(indptr, indices, frontier)
        w = w[inside[w] & ~seen[w]]
        w = np.unique(w)
        seen[w] = True
        frontier = w.astype(np.int64)
    return seen


def _trim(indptr: np.ndarray, indices: np.ndarray, rindptr: np.ndarray, rindices: np.ndarray,
          inside: np.ndarray, group: np.ndarray, budget: int) -> int:
    """Take out of ``inside`` every node that has no in-edge or no out-edge from a node of its
    own ``group`` still inside (a component of its own), until none is left to take, in rounds
    (one per layer peeled off). Returns the rounds taken, or -1 past ``budget`` rounds."""
    n = len(inside)
    src = np.repeat(np.arange(n), np.diff(indptr))
    dst = indices.astype(np.int64)
    live = inside[src] & inside[dst] & (group[src] == group[dst]) & (src != dst)
    out_deg = np.bincount(src[live], minlength=n)
    in_deg = np.bincount(dst[live], minlength=n)
    alone = np.flatnonzero(inside & ((out_deg == 0) | (in_deg == 0)))
    rounds = 0
    while len(alone):
        rounds += 1
        if rounds > budget:
            return -1
        inside[alone] = False
        touched = []
        for ptr, idx, deg in ((indptr, indices, in_deg), (rindptr, rindices, out_deg)):
            row, w = _expand(ptr, idx, alone)  # the edges between a node taken out and one left
            w = w.astype(np.int64)
            keep = inside[w] & (group[w] == group[alone[row]])
            np.subtract.at(deg, w[keep], 1)
            touched.append(w[keep])
        cand = np.unique(np.concatenate(touched))
        alone = cand[(in_deg[cand] == 0) | (out_deg[cand] == 0)]
    return rounds


def component_sizes(indptr: np.ndarray, indices: np.ndarray, rindptr: np.ndarray,
                    rindices: np.ndarray) -> np.ndarray | None:
    """Sizes of the strongly connected components with at least two nodes, largest first; or
    None when that takes more than :data:`MAX_ROUNDS` forward-backward rounds or
    :data:`MAX_TRIM_ROUNDS` rounds of trimming.

    Trimming takes out the nodes that are components of their own (no in- or out-edge inside
    what is left); then a pivot's forward and backward reach within its group meet in its
    component, and the rest splits into three groups (forward only, backward only, neither)
    that hold the other components, each trimmed again (Fleischer, Hendrickson & Pinar 2000).
    """
    n = len(indptr) - 1
    inside = np.ones(n, dtype=bool)
    group = np.zeros(n, dtype=np.int64)
    sizes: list[int] = []
    budget = MAX_TRIM_ROUNDS
    used = _trim(indptr, indices, rindptr, rindices, inside, group, budget)
    if used < 0:
        return None
    budget -= used
    rounds = 0
    next_group = 1
    while inside.any():
        rounds += 1
        if rounds > MAX_ROUNDS:
            return None
        # one pivot per round: the node left with the most edges (likely in a large component)
        left = np.flatnonzero(inside)
        degree = (indptr[left + 1] - indptr[left]) * (rindptr[left + 1] - rindptr[left])
        pivot = int(left[np.argmax(degree)])
        mine = inside & (group == group[pivot])
        fw = _reach(indptr, indices, pivot, mine)
        bw = _reach(rindptr, rindices, pivot, mine)
        scc = fw & bw
        sizes.append(int(scc.sum()))
        inside &= ~scc
        for part in (fw & ~scc, bw & ~scc):
            group[part] = next_group
            next_group += 1
        used = _trim(indptr, indices, rindptr, rindices, inside, group, budget)
        if used < 0:
            return None
        budget -= used
    return np.sort(np.array([x for x in sizes if x >= 2], dtype=np.int64))[::-1]
