"""The map: a network view of the ledger as nodes, flows and legs ready to draw.

``map_view(ledger, view)`` builds the network of a :class:`~loopledger.ledger.view.View` with
:meth:`Ledger.network <loopledger.ledger.Ledger.network>` (so the map shows exactly what the
measures see, docs/methods.md 0.2) and decorates it for drawing (docs/methods.md 0.4):

* **flows**: the map draws one arrow per *flow*, the legs in view from one payer to one payee
  of one deal kind drawn alike (the ``stroke`` of their status: paid or signed, promised,
  reported, cancelled; :data:`loopledger.palette.STATUS_LINES`), so parallel legs do not pile
  up on top of each other and a tooltip lists every leg of the arrow under the pointer. The
  legs themselves stay in ``edges`` (one per deal leg, as before);
* **width** in proportion to the square root of the dollars: ``1.5 + 14.5·√(amount / largest)``
  pixels, the largest flow in view drawn 16 px wide, so a flow ten times larger is about three
  times wider (``1`` px when no leg of the flow has an amount: unknown, never 0);
* **the core**: the companies that carry most of the binding dollars (funded, partly funded,
  definitive): ranked by the binding dollars they pay and receive, the smallest top set of
  :data:`CORE_MIN` to :data:`CORE_MAX` companies between whom at least :data:`CORE_SHARE` of the
  binding dollars in view flow (all companies when there are at most ``CORE_MAX``). The page
  opens on the core and shows the rest on request;
* **node size** grows with the company's latest market value known by the date (the
  ``market_value`` family of :data:`loopledger.vocabulary.METRIC_FAMILIES`, USD bn), with the
  fact and its sources named: ``18 + 10·log10(1 + valuation)`` pixels; a company with no such
  fact gets the smallest size and ``valuation: null``, never a guessed figure;
* **colours** from :mod:`loopledger.palette` (company type, deal kind), the same as the report's;
* **positions** from networkx: a spring layout (Fruchterman & Reingold 1991) with a fixed seed,
  refined by Kamada & Kawai (1989), component by component (the largest in the middle, the
  small ones in columns beside it): ``x, y`` lay out every company, ``core_x, core_y`` the core
  companies alone (so the core view uses the whole canvas). With ``layout="ledger"``
  (default) both are layouts of every deal in the ledger, so companies stay in place while the
  as-of slider replays the years; ``layout="view"`` lays out only the legs in view. Both are
  computed once per ledger state and cached. The page then fits the positions to its canvas
  and moves nodes apart until no two labels overlap (``static/map.js``).

Amounts are USD billions on the chosen basis (``high`` by default); an unknown amount is
``null``, never 0. A user's own network (``loopledger serve --edges FILE``) is drawn by
:mod:`loopledger.web.usermap`, with the same flows, widths, core and legend.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ..ledger import Ledger
from ..ledger.view import View
from ..palette import (
    KIND_COLOURS,
    STATUS_LINES,
    STROKE_LABELS,
    TYPE_COLOURS,
    kind_colour,
    type_colour,
)
from ..results import jsonable
from ..vocabulary import (
    BINDING_STATUSES,
    COMPANY_TYPES,
    CONSIDERATIONS,
    KINDS,
    SOURCE_TYPES,
    STATUSES,
    label,
)

LAYOUT_SEED = 20190101
LAYOUT_SCALE = 480.0
#: width / height of the main component's layout (the map is landscape)
ASPECT = 1.6
#: the core view: between CORE_MIN and CORE_MAX companies carrying CORE_SHARE of the dollars
CORE_MIN, CORE_MAX, CORE_SHARE = 15, 25, 0.85
#: flow widths in pixels: the largest flow in view, the smallest known amount, unknown amounts
WIDTH_MAX, WIDTH_MIN, WIDTH_UNKNOWN = 16.0, 1.5, 1.0
#: Kamada-Kawai refines layouts of up to this many nodes (it is quadratic); larger ones keep
#: the spring layout
KK_LIMIT = 90
#: ledger layouts kept by a caller's memo (see ledger_layout)
LAYOUT_MEMO = 8

#: kept for callers of the old names (the colours live in loopledger.palette)
STATUS_STYLES = STATUS_LINES
__all__ = ["KIND_COLOURS", "STATUS_STYLES", "TYPE_COLOURS", "map_view", "ledger_positions",
           "ledger_layout", "spring_positions", "flows_of", "core_of", "vocabulary_words"]


def node_size(valuation: float | None) -> float:
    """Pixels: 18 for unknown or tiny companies, growing with log10 of the valuation."""
    if valuation is None or not math.isfinite(valuation) or valuation <= 0:
        return 18.0
    return round(18.0 + 10.0 * math.log10(1.0 + valuation), 2)


def volume_size(volume: float | None) -> float:
    """Pixels for a node of a user's network (no valuations): 16 when it moves no known
    dollars, growing with log10 of the dollars it pays and receives."""
    if volume is None or not math.isfinite(volume) or volume <= 0:
        return 16.0
    return round(16.0 + 8.0 * math.log10(1.0 + volume), 2)


def edge_width(amount: float | None, largest: float | None = None) -> float:
    """Pixels: ``WIDTH_MIN + (WIDTH_MAX - WIDTH_MIN)·√(amount / largest)``, at most WIDTH_MAX;
    ``WIDTH_UNKNOWN`` when the amount is unknown. ``largest`` is the largest flow in view
    (default: the amount itself, or 300 when that is larger)."""
    if amount is None or not math.isfinite(amount) or amount <= 0:
        return WIDTH_UNKNOWN
    top = largest if largest is not None and math.isfinite(largest) and largest > 0 else max(amount, 300.0)
    return round(min(WIDTH_MAX, WIDTH_MIN + (WIDTH_MAX - WIDTH_MIN) * math.sqrt(amount / top)), 2)


def width_samples(largest: float | None) -> list[dict[str, float]]:
    """Widths of round amounts up to the largest flow, for the legend."""
    if largest is None or not math.isfinite(largest) or largest <= 0:
        return []
    top = 10 ** math.floor(math.log10(largest))
    amounts = [a for a in (top / 100, top / 10, top) if a > 0]
    return [{"amount": float(a), "width": edge_width(a, largest)} for a in amounts]


def valuations(ledger: Ledger, as_of: date) -> dict[str, dict[str, Any]]:
    """Per company, its latest market value known by ``as_of`` (see the module docstring)."""
    out = {}
    for company, row in ledger.latest("market_value", as_of=as_of).iterrows():
        out[company] = {
            "value": float(row["value"]), "metric": row["metric"], "as_of": row["as_of"],
            "fact": row["fact"], "derived": bool(row["derived"]),
            "sources": [{"url": s["url"], "publisher": s["publisher"]} for s in row["sources"]],
        }
    return out


# -- layout ------------------------------------------------------------------------------------

def spring_positions(pairs: Iterable[tuple[str, str]], nodes: Iterable[str],
                     aspect: float = ASPECT) -> dict[str, tuple[float, float]]:
    """A seeded spring layout, component by component, in pixels.

    A spring layout of a disconnected graph pushes the small components far away and squeezes
    the large one, so the largest connected component is laid out alone (Fruchterman-Reingold
    with ``seed=LAYOUT_SEED``, then Kamada-Kawai) on a ``2·aspect·LAYOUT_SCALE`` by
    ``2·LAYOUT_SCALE`` rectangle (``aspect``: ASPECT, landscape, unless told otherwise), and the others, each laid out the same way at a size growing
    with the square root of its node count, are stacked in columns just right of it, largest
    first."""
    g = nx.Graph()
    g.add_nodes_from(sorted(set(nodes)))
    g.add_edges_from((u, v) for u, v in pairs if u != v)
    if g.number_of_nodes() == 0:
        return {}
    parts = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    out: dict[str, tuple[float, float]] = {}
    main = parts[0]
    # the map is landscape: stretch the main component sideways
    out.update({n: (aspect * x, y) for n, (x, y) in _spring(g.subgraph(main), LAYOUT_SCALE, (0.0, 0.0)).items()})
    right = max(x for x, _ in out.values())
    x, y, col_width = right + 100.0, -LAYOUT_SCALE, 0.0
    for part in parts[1:]:
        half = max(40.0, 0.7 * LAYOUT_SCALE * math.sqrt(len(part) / max(len(main), 1)))
        if y + 2 * half > LAYOUT_SCALE and y > -LAYOUT_SCALE:
            x, y, col_width = x + col_width + 80.0, -LAYOUT_SCALE, 0.0
        out.update(_spring(g.subgraph(part), half, (x + half, y + half)))
        y += 2 * half + 60.0
        col_width = max(col_width, 2 * half)
    return {n: (round(float(px), 1), round(float(py), 1)) for n, (px, py) in out.items()}


def _spring(g: nx.Graph, half: float, centre: tuple[float, float]) -> dict[str, tuple[float, float]]:
    if g.number_of_nodes() == 1:
        return {next(iter(g.nodes)): centre}
    n = g.number_of_nodes()
    start = nx.spring_layout(g, seed=LAYOUT_SEED, k=2.0 / math.sqrt(n), iterations=100,
                             scale=half, center=centre)
    if n > KK_LIMIT:
        return {v: (float(x), float(y)) for v, (x, y) in start.items()}
    # Kamada-Kawai (1989), started from the seeded spring layout, spreads hubs' neighbours
    # more evenly than springs alone; both are deterministic for a given graph
    pos = nx.kamada_kawai_layout(g, pos=start, scale=half, center=centre)
    # screen y grows downwards; the client draws y as given
    return {v: (float(x), float(y)) for v, (x, y) in pos.items()}


def core_positions(pairs: Iterable[tuple[str, str]], core: Iterable[str]) -> dict[str, tuple[float, float]]:
    """The layout of a core alone: :func:`spring_positions` with a square main component (the
    small components beside it already make the whole landscape)."""
    return spring_positions(pairs, core, aspect=1.0)


@dataclass
class Layout:
    """Positions of every company of a set of deals, and of any core among them (memoised)."""

    pairs: list[tuple[str, str]]
    positions: dict[str, tuple[float, float]]
    _cores: dict[tuple[str, ...], dict[str, tuple[float, float]]] = field(default_factory=dict, repr=False)

    def core(self, core: Iterable[str]) -> dict[str, tuple[float, float]]:
        """A layout of the ``core`` companies alone, from the deals among them."""
        key = tuple(sorted(set(core)))
        if key not in self._cores:
            inside = set(key)
            self._cores[key] = core_positions([(u, v) for u, v in self.pairs if u in inside and v in inside], key)
        return self._cores[key]


def ledger_layout(ledger: Ledger, memo: MutableMapping[Any, Layout] | None = None) -> Layout:
    """One layout of every current deal, whatever its status or date (the deals known today).

    The layout depends on the pairs of companies only, so with ``memo`` (a dict kept by the
    caller) a ledger whose pairs did not change (an edit of an amount, a status, a note) gets
    the same :class:`Layout` back, with the core layouts it already made."""
    deals = ledger.deals(as_of=date.today())
    pairs = sorted(set(zip(deals["payer"], deals["payee"])))
    nodes = sorted(set(deals["payer"]) | set(deals["payee"]))
    key = (tuple(pairs), tuple(nodes))
    if memo is not None and key in memo:
        return memo[key]
    layout = Layout(pairs, spring_positions(pairs, nodes))
    if memo is not None:
        while len(memo) >= LAYOUT_MEMO:
            memo.pop(next(iter(memo)))
        memo[key] = layout
    return layout


def ledger_positions(ledger: Ledger) -> dict[str, tuple[float, float]]:
    """Positions of :func:`ledger_layout` (every current deal)."""
    return ledger_layout(ledger).positions


# -- the core and the flows --------------------------------------------------------------------

def core_of(edges: pd.DataFrame, nodes: Iterable[str] | None = None) -> dict[str, Any]:
    """The core of a leg table (``source``, ``target``, ``amount``, optional ``status``).

    Companies are ranked by the binding dollars they pay and receive (every known amount when
    the table has no status or no binding dollar), then by all dollars, then by id; the core is
    the smallest top set of ``CORE_MIN``..``CORE_MAX`` companies between whom at least
    ``CORE_SHARE`` of those dollars flow (``CORE_MAX`` if none does; everyone when there are at
    most ``CORE_MAX``). Returns ``nodes`` (ranked), ``share`` (of the dollars flowing between
    core companies) and ``basis`` (``binding`` or ``all``)."""
    everyone = sorted(set(edges["source"]) | set(edges["target"]) | set(nodes or ()))
    amount = edges["amount"].astype(float)
    known = amount.notna()
    binding = known & (edges["status"].isin(BINDING_STATUSES) if "status" in edges else False)
    basis = "binding" if bool(binding.any()) and float(amount[binding].sum()) > 0 else "all"
    use = binding if basis == "binding" else known
    e = edges[use]
    a = amount[use]

    def volume(frame: pd.DataFrame, amt: pd.Series) -> pd.Series:
        return pd.concat([amt.groupby(frame["source"]).sum(), amt.groupby(frame["target"]).sum()]).groupby(level=0).sum()

    primary = volume(e, a)
    secondary = volume(edges[known], amount[known])
    rank = sorted(everyone, key=lambda c: (-float(primary.get(c, 0.0)), -float(secondary.get(c, 0.0)), c))
    total = float(a.sum())

    def share(top: list[str]) -> float:
        if total <= 0:
            return 1.0
        inside = set(top)
        both = e["source"].isin(inside) & e["target"].isin(inside)
        return float(a[both].sum()) / total

    if len(rank) <= CORE_MAX:
        top = rank
    else:
        top = rank[:CORE_MAX]
        for n in range(CORE_MIN, CORE_MAX + 1):
            if share(rank[:n]) >= CORE_SHARE:
                top = rank[:n]
                break
    return {"nodes": top, "share": round(share(top), 4), "basis": basis, "companies": len(rank),
            "min": CORE_MIN, "max": CORE_MAX, "target_share": CORE_SHARE,
            "volume": {c: float(primary.get(c, 0.0)) for c in rank}}


def _stroke(status: Any) -> str:
    return str(STATUS_LINES.get(status, STATUS_LINES["funded"])["stroke"])


def _stroke_style(stroke: str) -> dict[str, Any]:
    first = next(s for s, st in STATUS_LINES.items() if st["stroke"] == stroke)
    return STATUS_LINES[first]


def flows_of(edges: pd.DataFrame) -> list[dict[str, Any]]:
    """One flow per payer, payee, deal kind and stroke (see the module docstring), largest
    first, each with its legs, their deals and statuses, summed amounts (``amount`` is the sum
    of the known amounts, ``complete`` False when some leg has none; ``null`` when none has
    one), colour, line style and width."""
    if len(edges) == 0:
        return []
    f = pd.DataFrame({
        "source": edges["source"].astype(str).to_numpy(), "target": edges["target"].astype(str).to_numpy(),
        "amount": edges["amount"].astype(float).to_numpy(),
        "kind": edges["kind"].astype(str).to_numpy() if "kind" in edges else "",
        "stroke": edges["status"].map(_stroke).to_numpy() if "status" in edges else "binding",
        "status": edges["status"].astype(str).to_numpy() if "status" in edges else "",
        "deal": edges["deal"].astype(str).to_numpy() if "deal" in edges else "",
    })
    for col in ("amount_low", "amount_high"):
        f[col] = edges[col].astype(float).to_numpy() if col in edges else np.nan
    g = f.groupby(["source", "target", "kind", "stroke"], sort=True)
    table = pd.DataFrame({
        "legs": g.size(),
        "known": g["amount"].count(),
        "amount": g["amount"].sum(min_count=1),
        "amount_low": g["amount_low"].sum(min_count=1),
        "amount_high": g["amount_high"].sum(min_count=1),
    }).reset_index()
    deals = g["deal"].agg(list).to_numpy() if "deal" in edges else None
    statuses = g["status"].agg(lambda s: sorted(set(s))).to_numpy() if "status" in edges else None
    known = table["amount"].dropna()
    largest = float(known.max()) if len(known) else None
    out = []
    for i, r in enumerate(table.itertuples(index=False)):
        amt = None if pd.isna(r.amount) else float(r.amount)
        style = _stroke_style(r.stroke)
        st = list(statuses[i]) if statuses is not None else []
        kind = r.kind or None
        out.append({
            "id": f"{r.source}>{r.target}:{r.kind}:{r.stroke}", "source": r.source, "target": r.target,
            "kind": kind, "stroke": r.stroke, "statuses": st,
            "status": st[0] if len(st) == 1 else r.stroke,
            "legs": int(r.legs), "deals": list(deals[i]) if deals is not None else [],
            "amount": amt, "amount_low": _num(r.amount_low), "amount_high": _num(r.amount_high),
            "complete": bool(r.known == r.legs),
            "colour": kind_colour(kind) if kind else None,
            "line": style["line"], "opacity": style["opacity"], "width": edge_width(amt, largest),
        })
    out.sort(key=lambda x: (-(x["amount"] if x["amount"] is not None else -1.0), x["id"]))
    for rank, x in enumerate(out):
        x["rank"] = rank
    return out


def legend(present_types: Iterable[str] | None = None, present_kinds: Iterable[str] | None = None,
           present_strokes: Iterable[str] | None = None, largest: float | None = None,
           size: str | None = None) -> dict[str, Any]:
    """What the colours, lines, widths and sizes mean, in words, for the entries in view
    (every entry when nothing is said to be present)."""
    types = [t for t in TYPE_COLOURS if present_types is None or t in set(present_types)]
    kinds = [k for k in KIND_COLOURS if present_kinds is None or k in set(present_kinds)]
    strokes = [s for s in STROKE_LABELS if present_strokes is None or s in set(present_strokes)]
    return {
        # the keys of the first version of this legend
        "types": {str(k): v for k, v in TYPE_COLOURS.items()},
        "kinds": {str(k): v for k, v in KIND_COLOURS.items()},
        "statuses": STATUS_LINES,
        "size": size or "18 + 10*log10(1 + valuation in USD bn) pixels; 18 when no valuation is known",
        # the entries the page shows
        "type_items": [{"code": t, "label": COMPANY_TYPES[t][0], "plural": COMPANY_TYPES[t][1],
                        "colour": TYPE_COLOURS[t]} for t in types],
        "kind_items": [{"code": k, "label": KINDS[k].label, "short": KINDS[k].short,
                        "colour": KIND_COLOURS[k]} for k in kinds],
        "stroke_items": [{"stroke": s, "label": STROKE_LABELS[s], "line": _stroke_style(s)["line"],
                          "opacity": _stroke_style(s)["opacity"]} for s in strokes],
        "width": (f"width in proportion to the square root of the dollars: the largest flow in view "
                  f"is {WIDTH_MAX:g} px, a flow a tenth of it about a third as wide; "
                  f"{WIDTH_UNKNOWN:g} px when the amount is unknown"),
        "width_samples": width_samples(largest),
        "size_words": "size: market value (log scale); smallest when none is on record"
                      if size is None else size,
        "labels": "dollar figures name the largest flows",
    }


def vocabulary_words() -> dict[str, Any]:
    """Every code's words and colour (from :mod:`loopledger.vocabulary` and
    :mod:`loopledger.palette`), for the page (``GET /api/vocabulary``)."""
    return {
        "kinds": {k: {"label": m.label, "short": m.short, "plural": m.plural, "family": str(m.family),
                      "direction": m.direction, "colour": KIND_COLOURS[k]} for k, m in KINDS.items()},
        "statuses": {s: {"label": m.label, "short": m.short, "group": m.group, "paid": m.paid,
                         **STATUS_LINES[s]} for s, m in STATUSES.items()},
        "strokes": dict(STROKE_LABELS),
        "company_types": {t: {"label": lab, "plural": plural, "colour": TYPE_COLOURS[t]}
                          for t, (lab, plural) in COMPANY_TYPES.items()},
        "source_types": {t: {"label": lab, "primary": primary} for t, (lab, primary) in SOURCE_TYPES.items()},
        "considerations": {c: {"label": lab, "money": money} for c, (lab, money) in CONSIDERATIONS.items()},
        "amended": label("amended"),
    }


# -- the map of a ledger view -----------------------------------------------------------------

def _paid(row) -> float | None:
    paid = getattr(row, "paid", None)
    return None if paid is None or pd.isna(paid) else float(paid)


def _to_pay(row, amount: float | None) -> float | None:
    paid = _paid(row)
    if paid is None or amount is None:
        return None
    return max(amount - paid, 0.0)


def map_view(ledger: Ledger, view: View, min_amount: float | None = None,
             positions: dict[str, tuple[float, float]] | Layout | None = None) -> dict[str, Any]:
    """Nodes, flows and legs of the view, decorated for drawing (see the module docstring).

    ``positions`` is a :class:`Layout` from :func:`ledger_layout` (or its positions, node id ->
    (x, y)); missing nodes, or ``positions=None``, get a layout of this view.
    """
    as_of = view.as_of
    net = ledger.network(view=view)
    e = net.edges
    if min_amount is not None:
        size = e["amount_high"].fillna(e["amount_low"])
        e = e[size >= min_amount]
    deals = ledger.deals(as_of=as_of).set_index("id")
    companies = ledger.companies().set_index("id")
    worth = valuations(ledger, as_of)
    used = sorted(set(e["source"]) | set(e["target"]))
    layout = positions if isinstance(positions, Layout) else None
    pos: dict[str, tuple[float, float]] | None = (
        layout.positions if layout is not None else positions if isinstance(positions, dict) else None)
    view_pairs = sorted(set(zip(e["source"], e["target"])))
    if pos is None or any(n not in pos for n in used):
        pos = {**spring_positions(view_pairs, used), **(pos or {})}
        layout = None
    core = core_of(e, used)
    core_ids = core["nodes"]
    if layout is not None:
        core_pos = layout.core(core_ids)
    else:
        inside = set(core_ids)
        core_pos = core_positions([(u, v) for u, v in view_pairs if u in inside and v in inside], core_ids)

    flows = flows_of(e)
    known = [f["amount"] for f in flows if f["amount"] is not None]
    largest = max(known) if known else None
    in_core = set(core_ids)
    nodes = []
    for cid in used:
        c = companies.loc[cid] if cid in companies.index else None
        ctype = str(c["type"]) if c is not None else "other"
        v = worth.get(cid)
        x, y = pos.get(cid, (0.0, 0.0))
        cx, cy = core_pos.get(cid, (None, None))
        nodes.append({
            "id": cid, "name": str(c["name"]) if c is not None else cid, "type": ctype,
            "type_label": COMPANY_TYPES.get(ctype, (ctype,))[0],
            "colour": type_colour(ctype),
            "valuation": v["value"] if v else None, "valuation_fact": v,
            "size": node_size(v["value"] if v else None),
            "legs": int(((e["source"] == cid) | (e["target"] == cid)).sum()),
            "volume": core["volume"].get(cid, 0.0),
            "x": x, "y": y, "core": cid in in_core, "core_x": cx, "core_y": cy,
        })
    edges = []
    for row in e.itertuples(index=False):
        d = deals.loc[row.deal] if row.deal in deals.index else None
        amt = None if pd.isna(row.amount) else float(row.amount)
        style = STATUS_LINES.get(row.status, STATUS_LINES["funded"])
        edges.append({
            "id": row.deal, "source": row.source, "target": row.target, "kind": row.kind,
            "status": row.status, "status_date": row.status_date, "announced": row.announced,
            "amount": amt, "amount_low": _num(row.amount_low), "amount_high": _num(row.amount_high),
            # cash recorded paid by the date, and what is left of the amount (null when unknown)
            "paid": _paid(row), "to_pay": _to_pay(row, amt),
            "amount_note": None if d is None else _text(d["amount_note"]),
            "in_flow": bool(row.in_flow), "include_in_totals": bool(row.include_in_totals),
            "colour": kind_colour(row.kind), "line": style["line"],
            "opacity": style["opacity"], "width": edge_width(amt, largest),
            "sources": [] if d is None else [
                {"url": s["url"], "publisher": s["publisher"], "date": s["date"]} for s in d["sources"]
            ],
        })
    core_info = {k: v for k, v in core.items() if k != "volume"}
    return jsonable({
        "as_of": as_of.isoformat(),
        "mode": "companies",
        "params": {**net.params, "min_amount": min_amount, "counting": view.counting()},
        "counts": {"nodes": len(nodes), "edges": len(edges), "flows": len(flows),
                   "amount_unknown": int(sum(1 for x in edges if x["amount"] is None))},
        "core": core_info,
        "nodes": nodes,
        "flows": flows,
        "edges": edges,
        "legend": legend({n["type"] for n in nodes}, {f["kind"] for f in flows},
                         {f["stroke"] for f in flows}, largest),
    })


def _num(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def _text(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None
