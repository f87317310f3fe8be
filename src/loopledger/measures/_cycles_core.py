"""The compiled core of cycle enumeration (docs/methods.md section 1.2): a length-bounded depth-first
search over CSR arrays with distance pruning, written for numba.

Everything here works on plain integer arrays: ``indptr``/``indices`` of the forward graph and
``rindptr``/``rindices`` of the reversed graph, both already restricted by the caller to edges
inside non-trivial strongly connected components and without self-loops (those are 1-cycles,
counted by the caller). A cycle is found once, from its smallest node ``s``: the search from
``s`` only enters nodes with a larger index, so each cycle is produced in its canonical
rotation and never twice.

Distance pruning. Before searching from ``s``, a breadth-first search on the reversed graph,
restricted to nodes ``> s`` and cut at depth ``h``, gives ``d(v)``, the number of hops from
``v`` back to ``s``; a node it does not reach is at least ``h + 1`` hops away. A path with
``l`` hops may step to ``v`` only if ``l + 1 + d(v) <= k``. With ``h = k - 1`` the bound is
exact (every node entered can still close a cycle of length <= k in the subgraph of nodes
``> s``); a smaller ``h`` (``k // 2``) meets in the middle: a short backward search and a
short forward search from every node, which is cheaper on huge sparse graphs. The bound is
computed ignoring the nodes already on the path, so it is a lower bound on the true remaining
length and never cuts a real cycle.

The search is iterative and resumable: its whole state lives in arrays owned by the caller, so
:func:`search` can stop after a budget of edge steps (or when the output buffer is full, or at
the ``max_cycles`` cap) and continue on the next call. That is how the Python side applies a
time limit, shows progress and keeps memory bounded without giving up compiled speed.

Without a time limit, cap or progress bar, :func:`count_range` and :func:`enumerate_starts`
run the same search from ranges of start nodes; they release the GIL, so the Python side runs
them on all cores, each thread with its own workspace, pulling ranges until none is left.
Enumeration counts first, cycles per start node, so that every start node's cycles go to rows
fixed in advance: the rows come out in the serial search's order.

Every kernel is compiled with ``cache=True`` (the next process loads it from disk instead of
compiling); where the package directory and the user cache directory are both read-only,
numba cannot cache and the kernels are compiled in each process instead.
"""

from __future__ import annotations

import numpy as np

from .._compiled import jit

#: "not reached by the backward search"
FAR = np.int32(1 << 30)

# state slots
S_START = 0      # current start node s
S_DEPTH = 1      # nodes on the current path (0: no search open for s)
S_TOUCHED = 2    # nodes marked by the backward search of s
S_TOTAL = 3      # cycles found so far (all lengths, this core only)
S_OUT = 4        # rows written to the output buffer
STATE_SIZE = 5

# return codes
DONE = 0         # every start node in [start, stop) searched
BUFFER_FULL = 1  # the output buffer is full: empty it and call again
BUDGET = 2       # the step budget is used up: call again to continue
CAPPED = 3       # a cycle beyond max_cycles exists: stop (the result is incomplete)


@jit
def new_workspace(n, k):
    """Arrays for one search: state, path, per-level edge pointers, marks."""
    state = np.zeros(STATE_SIZE, dtype=np.int64)
    path = np.zeros(k + 1, dtype=np.int64)
    ptr = np.zeros(k + 1, dtype=np.int64)
    onpath = np.zeros(n, dtype=np.bool_)
    dist = np.full(n, FAR, dtype=np.int32)
    touched = np.zeros(n, dtype=np.int32)
    return state, path, ptr, onpath, dist, touched


@jit
def search(indptr, indices, rindptr, rindices, k, h, stop,
           state, path, ptr, onpath, dist, touched,
           counts, out, record, max_cycles, budget):
    """Enumerate simple cycles of 2..k nodes whose smallest node lies in [state[S_START], stop).

    ``counts[L]`` is incremented per cycle of length L; with ``record`` each cycle's nodes are
    written in canonical order to the next row of ``out`` (padded with -1). ``max_cycles`` < 0
    means no cap. Returns one of DONE, BUFFER_FULL, BUDGET, CAPPED; ``state`` says where to
    resume.
    """
    s = state[S_START]
    depth = state[S_DEPTH]
    ntouched = state[S_TOUCHED]
    total = state[S_TOTAL]
    nout = state[S_OUT]
    cap = out.shape[0]
    steps = 0
    code = DONE
    while True:
        if depth == 0:
            # close the previous start's backward marks, open the next start
            for i in range(ntouched):
                dist[touched[i]] = FAR
            ntouched = 0
            if s >= stop:
                code = DONE
                break
            if indptr[s + 1] == indptr[s] or rindptr[s + 1] == rindptr[s]:
                s += 1
                continue
            dist[s] = 0
            touched[0] = s
            ntouched = 1
            head = 0
            while head < ntouched:
                x = touched[head]
                head += 1
                dx = dist[x]
                if dx >= h:
                    continue
                for e in range(rindptr[x], rindptr[x + 1]):
                    y = rindices[e]
                    if y > s and dist[y] == FAR:
                        dist[y] = dx + 1
                        touched[ntouched] = y
                        ntouched += 1
                steps += rindptr[x + 1] - rindptr[x]
            path[0] = s
            ptr[0] = indptr[s]
            onpath[s] = True
            depth = 1
        u = path[depth - 1]
        e = ptr[depth - 1]
        if e < indptr[u + 1]:
            ptr[depth - 1] = e + 1
            w = indices[e]
            steps += 1
            if w == s:
                if depth < 2:
                    pass  # a self-loop: the caller counts those as 1-cycles
                elif max_cycles >= 0 and total >= max_cycles:
                    ptr[depth - 1] = e  # the cycle is not taken: resuming finds it again
                    code = CAPPED
                    break
                else:
                    counts[depth] += 1
                    total += 1
                    if record:
                        for i in range(depth):
                            out[nout, i] = path[i]
                        for i in range(depth, out.shape[1]):
                            out[nout, i] = -1
                        nout += 1
                        if nout >= cap:
                            code = BUFFER_FULL
                            break
            elif w > s and not onpath[w]:
                dw = dist[w]
                if dw == FAR:
                    dw = h + 1
                if depth + dw <= k:  # hops so far (depth - 1) + 1 + d(w) <= k
                    path[depth] = w
                    ptr[depth] = indptr[w]
                    onpath[w] = True
                    depth += 1
        else:
            onpath[u] = False
            depth -= 1
            if depth == 0:
                s += 1
        if steps >= budget:
            code = BUDGET
            break
    state[S_START] = s
    state[S_DEPTH] = depth
    state[S_TOUCHED] = ntouched
    state[S_TOTAL] = total
    state[S_OUT] = nout
    return code


@jit
def count_all(indptr, indices, rindptr, rindices, k, h):
    """Counts by length (index = length) of every simple cycle of 2..k nodes, in one call."""
    n = indptr.shape[0] - 1
    state, path, ptr, onpath, dist, touched = new_workspace(n, k)
    counts = np.zeros(k + 1, dtype=np.int64)
    out = np.zeros((1, 1), dtype=np.int64)
    search(indptr, indices, rindptr, rindices, k, h, n, state, path, ptr, onpath, dist,
           touched, counts, out, False, -1, np.int64(1) << 62)
    return counts


@jit
def split_structure(indptr, indices, labels):
    """From a canonical CSR (sorted, no duplicates) and SCC labels: the self-loop nodes, and
    the forward and reversed CSR arrays of the edges joining two distinct nodes of one SCC
    (such an SCC has >= 2 nodes, so only non-trivial SCCs keep edges)."""
    n = indptr.shape[0] - 1
    fptr = np.zeros(n + 1, dtype=np.int64)
    rptr = np.zeros(n + 1, dtype=np.int64)
    nloops = 0
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            w = indices[e]
            if w == u:
                nloops += 1
            elif labels[w] == labels[u]:
                fptr[u + 1] += 1
                rptr[w + 1] += 1
    for u in range(n):
        fptr[u + 1] += fptr[u]
        rptr[u + 1] += rptr[u]
    m = fptr[n]
    fidx = np.empty(m, dtype=np.int32)
    ridx = np.empty(m, dtype=np.int32)
    loops = np.empty(nloops, dtype=np.int64)
    fill = rptr[:n].copy()
    f = 0
    nloops = 0
    for u in range(n):  # rows in order, so every reversed row comes out sorted too
        for e in range(indptr[u], indptr[u + 1]):
            w = indices[e]
            if w == u:
                loops[nloops] = u
                nloops += 1
            elif labels[w] == labels[u]:
                fidx[f] = w
                f += 1
                ridx[fill[w]] = u
                fill[w] += 1
    return fptr, fidx, rptr, ridx, loops


@jit(inline="always")
def _from_start(s, indptr, indices, rindptr, rindices, k, h, path, ptr, onpath, dist, touched,
                counts, out, row, record):
    """Every cycle of 2..k nodes whose smallest node is s (the search of :func:`search`
    without budget or buffer); with ``record`` rows are written to ``out`` from ``row`` on.
    Returns the number of cycles found. ``dist`` must be FAR and ``onpath`` False on entry,
    and are so again on return.

    Rows are sorted, so only their tails (nodes > s, and s itself) matter: every row is read
    from its end and left at the first node below s. That halves the edges read; cycles come
    out in another order than :func:`search` gives, which the caller sorts anyway."""
    found = 0
    if indptr[s + 1] == indptr[s] or rindptr[s + 1] == rindptr[s]:
        return 0
    if indices[indptr[s + 1] - 1] <= s or rindices[rindptr[s + 1] - 1] <= s:
        return 0  # no way out of s, or back into it, through larger nodes
    dist[s] = 0
    touched[0] = s
    ntouched = 1
    head = 0
    while head < ntouched:
        x = touched[head]
        head += 1
        dx = dist[x]
        if dx >= h:
            continue
        e = rindptr[x + 1] - 1
        while e >= rindptr[x]:
            y = rindices[e]
            if y <= s:
                break
            if dist[y] == FAR:
                dist[y] = dx + 1
                touched[ntouched] = y
                ntouched += 1
            e -= 1
    path[0] = s
    ptr[0] = indptr[s + 1] - 1
    onpath[s] = True
    depth = 1
    while depth > 0:
        u = path[depth - 1]
        e = ptr[depth - 1]
        w = indices[e] if e >= indptr[u] else -1
        if w >= s:
            ptr[depth - 1] = e - 1
            if w == s:
                if depth >= 2:
                    counts[depth] += 1
                    if record:
                        r = row + found
                        for i in range(depth):
                            out[r, i] = path[i]
                        for i in range(depth, out.shape[1]):
                            out[r, i] = -1
                    found += 1
            elif not onpath[w]:
                dw = dist[w]
                if dw == FAR:
                    dw = h + 1
                if depth + dw <= k:
                    path[depth] = w
                    ptr[depth] = indptr[w + 1] - 1
                    onpath[w] = True
                    depth += 1
        else:
            onpath[u] = False
            depth -= 1
    for i in range(ntouched):
        dist[touched[i]] = FAR
    return found


@jit(nogil=True)
def count_range(indptr, indices, rindptr, rindices, k, h, lo, hi, path, ptr, onpath, dist, touched,
                counts, per_start, record_starts):
    """Add to ``counts`` (index = length) the cycles of 2..k nodes whose smallest node is in
    [lo, hi); with ``record_starts`` also set ``per_start[s]`` to the number found from s.
    Releases the GIL: threads run it on different ranges with their own workspaces."""
    out = np.zeros((1, 1), dtype=np.int64)
    for s in range(lo, hi):
        c = _from_start(s, indptr, indices, rindptr, rindices, k, h, path, ptr, onpath, dist,
                        touched, counts, out, 0, False)
        if record_starts:
            per_start[s] = c


@jit(nogil=True)
def enumerate_starts(indptr, indices, rindptr, rindices, k, h, starts, offsets, a, b, path, ptr,
                     onpath, dist, touched, out):
    """Write the cycles of start nodes ``starts[a:b]`` to ``out``, start ``starts[t]``'s from
    row ``offsets[t]`` on (its count, known from :func:`count_range`). Releases the GIL."""
    counts = np.zeros(k + 1, dtype=np.int64)
    for t in range(a, b):
        _from_start(starts[t], indptr, indices, rindptr, rindices, k, h, path, ptr, onpath, dist,
                    touched, counts, out, offsets[t], True)


@jit(nogil=True)
def strong_components(indptr, indices):
    """Strongly connected components (Tarjan 1972, iterative): (number, label of each node)."""
    n = indptr.shape[0] - 1
    # int32 where it fits (n < 2**31): half the memory traffic on large graphs
    index = np.full(n, -1, dtype=np.int32)
    low = np.zeros(n, dtype=np.int32)
    onstack = np.zeros(n, dtype=np.bool_)
    stack = np.empty(n, dtype=np.int32)
    labels = np.full(n, -1, dtype=np.int64)
    call_node = np.empty(n, dtype=np.int32)
    call_edge = np.empty(n, dtype=np.int64)
    top = 0
    counter = 0
    ncomp = 0
    for root in range(n):
        if index[root] != -1:
            continue
        index[root] = counter
        low[root] = counter
        counter += 1
        stack[top] = root
        top += 1
        onstack[root] = True
        call_node[0] = root
        call_edge[0] = indptr[root]
        depth = 1
        while depth > 0:
            v = call_node[depth - 1]
            e = call_edge[depth - 1]
            if e < indptr[v + 1]:
                call_edge[depth - 1] = e + 1
                w = indices[e]
                if index[w] == -1:
                    index[w] = counter
                    low[w] = counter
                    counter += 1
                    stack[top] = w
                    top += 1
                    onstack[w] = True
                    call_node[depth] = w
                    call_edge[depth] = indptr[w]
                    depth += 1
                elif onstack[w] and index[w] < low[v]:
                    low[v] = index[w]
            else:
                depth -= 1
                if depth > 0:
                    u = call_node[depth - 1]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == index[v]:
                    while True:
                        top -= 1
                        w = stack[top]
                        onstack[w] = False
                        labels[w] = ncomp
                        if w == v:
                            break
                    ncomp += 1
    return ncomp, labels

