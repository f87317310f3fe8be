"""The map of a user's own network (``loopledger serve --edges FILE``), at any size.

A network of tens of thousands of companies cannot be drawn as a readable picture, so the map
shows it in levels, as nested groups:

* a set of at most :data:`DETAIL_LIMIT` companies is drawn company by company, as the ledger's
  map is (:mod:`loopledger.web.graph`: one flow per payer and payee, width in proportion to the
  square root of the dollars, the core of the companies carrying most of the dollars first);
* a larger set is split into communities by the Louvain method (Blondel et al. 2008, networkx's
  ``louvain_communities`` with a fixed seed, on the undirected graph weighted by dollars), each
  drawn as one node (a *group*: its largest company's name and how many others; size from the
  dollars in and out), with the flows between groups summed. The :data:`MAX_GROUPS` groups with
  most dollars are drawn, the rest collapsed into one "more groups" node, and only the
  :data:`FLOW_LIMIT` largest flows between the groups drawn (the counts say what share of the
  dollars they carry).

Opening a group (``group=g3``, then ``g3/g0`` ...) draws the level below it; ``more`` opens the
collapsed groups. ``focus=NAME`` finds a company and returns the level that draws it. A group
that the Louvain method cannot split is drawn company by company, its :data:`DETAIL_LIMIT`
companies with most dollars. Levels are computed once and kept.

An amount that is unknown counts nowhere in the dollars; to group, such a link weighs as the
smallest known amount (so that it still ties its ends together).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..network import FlowNetwork
from ..palette import GROUP_COLOUR, USER_FLOW_COLOUR, USER_NODE_COLOUR
from ..results import jsonable
from .graph import LAYOUT_SEED, core_of, core_positions, flows_of, legend, spring_positions, volume_size

#: most companies drawn one by one; a larger set is drawn as groups
DETAIL_LIMIT = 200
#: most groups drawn at one level (the rest are collapsed into one node)
MAX_GROUPS = 40
#: most flows drawn between groups, largest first
FLOW_LIMIT = 60
#: most flows drawn between companies, largest first
COMPANY_FLOW_LIMIT = 600

SIZE_WORDS = "size: dollars paid and received (log scale)"


class PathError(ValueError):
    """A ``group`` path or ``focus`` name that names no level of the network."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class UserMap:
    """The levels of a user's network (see the module docstring); ``view(path, focus)``."""

    net: FlowNetwork
    name: str = "user network"
    _parts: dict[tuple[str, ...], list[np.ndarray]] = field(default_factory=dict, repr=False)
    _views: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __post_init__(self) -> None:
        e = self.net.edges
        n = self.net.n
        self.u = e["u"].to_numpy(np.int64)
        self.v = e["v"].to_numpy(np.int64)
        self.amount = e["amount"].to_numpy(float)
        known = np.isfinite(self.amount)
        amt0 = np.where(known, self.amount, 0.0)
        self.volume = np.bincount(self.u, weights=amt0, minlength=n) + np.bincount(self.v, weights=amt0, minlength=n)
        positive = self.amount[known & (self.amount > 0)]
        floor = float(positive.min()) if len(positive) else 1.0
        w = np.where(known & (self.amount > 0), self.amount, floor)
        loops = self.u == self.v
        a = sp.coo_matrix((w[~loops], (self.u[~loops], self.v[~loops])), shape=(n, n)).tocsr()
        self.weights = (a + a.T).tocsr()
        self.weights.sum_duplicates()
        self.labels = np.asarray([str(x) for x in self.net.nodes.tolist()], dtype=object)
        self.names = np.asarray([self.net.names.get(x, str(x)) for x in self.net.nodes.tolist()], dtype=object)
        self._by_name = {str(x).lower(): i for i, x in enumerate(self.names)}
        self._by_name.update({str(x).lower(): i for i, x in enumerate(self.labels)})

    # levels ------------------------------------------------------------------------------------

    def partition(self, key: tuple[str, ...], members: np.ndarray) -> list[np.ndarray]:
        """The Louvain communities of ``members`` (sorted node indices), most dollars first."""
        with self._lock:
            if key in self._parts:
                return self._parts[key]
            sub = self.weights[members][:, members]
            g = nx.from_scipy_sparse_array(sub)
            comms = nx.community.louvain_communities(g, weight="weight", seed=LAYOUT_SEED)
            groups = [members[np.sort(np.fromiter(c, dtype=np.int64))] for c in comms]
            groups.sort(key=lambda m: (-float(self.volume[m].sum()), self.labels[m[np.argmax(self.volume[m])]]))
            self._parts[key] = groups
            return groups

    def _walk(self, path: tuple[str, ...]) -> tuple[np.ndarray, list[np.ndarray] | None, int, list[dict[str, Any]]]:
        members = np.arange(self.net.n, dtype=np.int64)
        crumbs = [{"path": "", "name": f"all {self.net.n:,} companies"}]
        groups = self.partition((), members) if self.net.n > DETAIL_LIMIT else None
        offset, done = 0, list[str]()
        for tok in path:
            if groups is None:
                raise PathError("group", f"'{'/'.join(path)}': {'/'.join(done) or 'the top level'} "
                                "is drawn company by company and has no groups")
            if tok == "more":
                offset += MAX_GROUPS
                if offset >= len(groups):
                    raise PathError("group", f"'{'/'.join(path)}': no more groups after {offset}")
                done.append(tok)
                crumbs.append({"path": "/".join(done), "name": f"groups {offset + 1}-{min(len(groups), offset + MAX_GROUPS)}"})
                continue
            if not (tok.startswith("g") and tok[1:].isdigit() and int(tok[1:]) < len(groups)):
                raise PathError("group", f"'{'/'.join(path)}': '{tok}' is not a group here "
                                f"(expected g0 to g{len(groups) - 1} or 'more')")
            members = groups[int(tok[1:])]
            done.append(tok)
            crumbs.append({"path": "/".join(done), "name": self._group_name(members)})
            key = tuple(done)
            groups = self.partition(key, members) if len(members) > DETAIL_LIMIT else None
            if groups is not None and len(groups) < 2:
                groups = None  # the method cannot split it: draw its largest companies
            offset = 0
        return members, groups, offset, crumbs

    def path_to(self, name: str) -> tuple[tuple[str, ...], int]:
        """The path of the level drawing company ``name`` (label or name, any case)."""
        i = self._by_name.get(str(name).strip().lower())
        if i is None:
            raise PathError("focus", f"no company '{name}' in {self.name}")
        path: list[str] = []
        while True:
            members, groups, _, _ = self._walk(tuple(path))
            if groups is None:
                return tuple(path), i
            k = next(k for k, g in enumerate(groups) if np.searchsorted(g, i) < len(g) and g[np.searchsorted(g, i)] == i)
            path.append(f"g{k}")

    def view(self, path: tuple[str, ...] | str = (), focus: str | None = None) -> dict[str, Any]:
        """The level at ``path`` (``"g3/g0"`` or a tuple), or the level drawing ``focus``."""
        if isinstance(path, str):
            path = tuple(p for p in path.split("/") if p)
        focus_index = None
        if focus:
            path, focus_index = self.path_to(focus)
        with self._lock:
            key = (*path, f"focus={focus_index}") if focus_index is not None else tuple(path)
            if key not in self._views:
                self._views[key] = self._build(tuple(path), focus_index)
            return self._views[key]

    def _group_name(self, members: np.ndarray) -> str:
        top = members[np.argmax(self.volume[members])]
        return f"{self.names[top]} +{len(members) - 1:,}" if len(members) > 1 else str(self.names[top])

    # drawing -----------------------------------------------------------------------------------

    def _inside(self, members: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.net.n, dtype=bool)
        mask[members] = True
        return np.flatnonzero(mask[self.u] & mask[self.v])

    def _build(self, path: tuple[str, ...], focus: int | None) -> dict[str, Any]:
        members, groups, offset, crumbs = self._walk(path)
        legs = self._inside(members)
        total = float(np.nansum(self.amount[legs]))
        touching = np.flatnonzero(np.isin(self.u, members) | np.isin(self.v, members))
        outside = float(np.nansum(self.amount[np.setdiff1d(touching, legs)]))
        base = {
            "mode": "groups" if groups is not None else "companies",
            "network": self.name, "path": "/".join(path), "crumbs": crumbs,
            "focus": None if focus is None else str(self.labels[focus]),
            "as_of": None,
            "counts": {"companies": int(len(members)), "links": int(len(legs)),
                       "dollars": total, "dollars_outside": outside,
                       "network_companies": int(self.net.n), "network_links": int(self.net.m)},
        }
        if groups is None:
            return jsonable({**base, **self._companies(members, legs, focus)})
        return jsonable({**base, **self._groups(path, groups, offset, legs, total)})

    def _companies(self, members: np.ndarray, legs: np.ndarray, focus: int | None) -> dict[str, Any]:
        drawn = members
        if len(members) > DETAIL_LIMIT:
            drawn = members[np.argsort(-self.volume[members], kind="stable")[:DETAIL_LIMIT]]
            if focus is not None and focus not in set(drawn.tolist()):
                drawn = np.append(drawn, focus)
            drawn = np.sort(drawn)
        legs = self._inside(drawn)
        frame = pd.DataFrame({"source": self.labels[self.u[legs]], "target": self.labels[self.v[legs]],
                              "amount": self.amount[legs]})
        flows = flows_of(frame)
        kept = flows[:COMPANY_FLOW_LIMIT]
        for f in kept:
            f["colour"] = USER_FLOW_COLOUR
        ids = [str(x) for x in self.labels[drawn]]
        core = core_of(frame, ids)
        pairs = [(f["source"], f["target"]) for f in kept]
        pos = spring_positions(pairs, ids)
        inside = set(core["nodes"])
        core_pos = core_positions([p for p in pairs if p[0] in inside and p[1] in inside], core["nodes"])
        degree = pd.concat([frame["source"], frame["target"]]).value_counts()
        nodes = []
        for i, nid in zip(drawn.tolist(), ids):
            cx, cy = core_pos.get(nid, (None, None))
            nodes.append({
                "id": nid, "name": str(self.names[i]), "type": "company", "type_label": "company",
                "colour": USER_NODE_COLOUR, "group": False, "members": 1,
                "volume": float(self.volume[i]), "size": volume_size(float(self.volume[i])),
                "legs": int(degree.get(nid, 0)), "valuation": None, "valuation_fact": None,
                "x": pos[nid][0], "y": pos[nid][1], "core": nid in inside, "core_x": cx, "core_y": cy,
            })
        known = [f["amount"] for f in kept if f["amount"] is not None]
        drawn_dollars = float(sum(known))
        return {
            "nodes": nodes, "flows": kept,
            "core": {k: v for k, v in core.items() if k != "volume"},
            "drawn": {"companies": len(nodes), "of_companies": int(len(members)), "flows": len(kept),
                      "of_flows": len(flows), "dollars": drawn_dollars},
            "legend": _legend("companies", max(known) if known else None),
        }

    def _groups(self, path: tuple[str, ...], groups: list[np.ndarray], offset: int, legs: np.ndarray,
                total: float) -> dict[str, Any]:
        shown = groups[offset:offset + MAX_GROUPS]
        rest = groups[offset + MAX_GROUPS:]
        gid = np.full(self.net.n, -1, dtype=np.int64)
        for j, m in enumerate(shown):
            gid[m] = offset + j
        for m in rest:
            gid[m] = -2  # "more"
        su, sv = gid[self.u[legs]], gid[self.v[legs]]
        amt = self.amount[legs]
        drawn = (su != -1) & (sv != -1)
        name = {**{offset + k: f"g{offset + k}" for k in range(len(shown))}, -2: "more"}
        frame = pd.DataFrame({"su": su[drawn], "sv": sv[drawn], "amount": amt[drawn]})
        internal = frame[frame["su"] == frame["sv"]].groupby("su")["amount"].agg(lambda s: float(np.nansum(s)))
        between = frame[frame["su"] != frame["sv"]]
        flows_frame = pd.DataFrame({"source": between["su"].map(name).to_numpy(),
                                    "target": between["sv"].map(name).to_numpy(),
                                    "amount": between["amount"].to_numpy()})
        flows = flows_of(flows_frame)
        kept = flows[:FLOW_LIMIT]
        for f in kept:
            f["colour"] = USER_FLOW_COLOUR
        known_all = float(sum(f["amount"] for f in flows if f["amount"] is not None))
        known_kept = float(sum(f["amount"] for f in kept if f["amount"] is not None))
        prefix = "/".join(path)
        entries = [(name[offset + k], m, self._group_name(m)) for k, m in enumerate(shown)]
        if rest:
            every = np.concatenate(rest)
            entries.append(("more", every, f"{len(rest):,} more groups ({len(every):,} companies)"))
        ids = [x[0] for x in entries]
        pairs = [(f["source"], f["target"]) for f in kept]
        pos = spring_positions(pairs, ids)
        frame_nodes = pd.DataFrame({"source": flows_frame["source"], "target": flows_frame["target"],
                                    "amount": flows_frame["amount"]})
        core = core_of(frame_nodes, ids)
        inside = set(core["nodes"])
        core_pos = core_positions([p for p in pairs if p[0] in inside and p[1] in inside], core["nodes"])
        nodes = []
        for nid, m, label in entries:
            vol = float(self.volume[m].sum())
            top = m[np.argsort(-self.volume[m], kind="stable")[:5]]
            cx, cy = core_pos.get(nid, (None, None))
            k: int | None = None if nid == "more" else int(nid[1:])
            nodes.append({
                "id": nid, "name": label, "type": "group", "type_label": "group of companies",
                "colour": GROUP_COLOUR, "group": True, "members": int(len(m)),
                "open": "/".join(p for p in (prefix, nid) if p),
                "largest": [str(self.names[i]) for i in top],
                "internal": float(internal.get(k, 0.0)) if k is not None else None,
                "volume": vol, "size": volume_size(vol), "legs": None,
                "valuation": None, "valuation_fact": None,
                "x": pos[nid][0], "y": pos[nid][1], "core": nid in inside, "core_x": cx, "core_y": cy,
            })
        known = [f["amount"] for f in kept if f["amount"] is not None]
        return {
            "nodes": nodes, "flows": kept,
            "core": {k: v for k, v in core.items() if k != "volume"},
            "drawn": {"groups": len(shown), "of_groups": len(groups) - offset, "flows": len(kept),
                      "of_flows": len(flows), "dollars": known_kept, "dollars_between": known_all,
                      "dollars_inside_groups": float(np.nansum(frame["amount"][frame["su"] == frame["sv"]])),
                      "dollars_total": total},
            "legend": _legend("groups", max(known) if known else None),
        }


def _legend(mode: str, largest: float | None) -> dict[str, Any]:
    out = legend([], [], ["binding"], largest, size=SIZE_WORDS)
    out["type_items"] = ([{"code": "group", "label": "a group of companies (open it)", "colour": GROUP_COLOUR}]
                         if mode == "groups" else [{"code": "company", "label": "a company", "colour": USER_NODE_COLOUR}])
    out["stroke_items"] = [{"stroke": "binding", "label": "a flow (the links summed)", "line": "solid", "opacity": 1.0}]
    return out


def load_user_map(path: str, source: str = "source", target: str = "target",
                  amount: str | None = "amount") -> UserMap:
    """Read an edge list (CSV or Parquet, as :meth:`FlowNetwork.from_edges`) into a
    :class:`UserMap` named after the file."""
    from pathlib import Path

    net = FlowNetwork.from_edges(path, source=source, target=target, amount=amount)
    return UserMap(net, name=Path(path).name)
