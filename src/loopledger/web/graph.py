"""The map: a network view of the ledger as nodes and edges ready to draw.

``map_view(ledger, view)`` builds the network of a :class:`~loopledger.ledger.view.View` with
:meth:`Ledger.network <loopledger.ledger.Ledger.network>` (so the map shows exactly what the
measures see, docs/methods.md 0.2) and decorates it for drawing:

* **node size** grows with the company's latest market value known by the date (the
  ``market_value`` family of :data:`loopledger.vocabulary.METRIC_FAMILIES`, USD bn), with the
  fact and its sources named. Size in pixels is ``18 + 10·log10(1 + valuation)``; a company with no such fact gets
  the smallest size and ``valuation: null``, never a guessed figure;
* **node colour** by company type, **edge colour** by deal kind, **edge style** by status
  (solid when binding, dashed for letters of intent, dotted for rumours, faded for cancelled or
  stalled), edge width ``1 + 1.5·log10(1 + amount)``;
* **positions** from networkx: a spring layout (Fruchterman & Reingold 1991) with a fixed seed,
  refined by Kamada & Kawai (1989), component by component (the largest in the middle, the
  small ones in columns beside it).
  With ``layout="ledger"`` (default) it is one layout of every deal in the ledger, so companies
  stay in place while the as-of slider replays the years; ``layout="view"`` lays out only the
  legs in view. Both are computed once per ledger state and cached.

Amounts are USD billions on the chosen basis (``high`` by default); an unknown amount is
``null``, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ..ledger import Ledger
from ..ledger.view import View
from ..results import jsonable
from ..vocabulary import CompanyType, DealKind

LAYOUT_SEED = 20190101
LAYOUT_SCALE = 480.0
#: width / height of the main component's layout (the map is landscape)
ASPECT = 1.6

#: colour-blind-safe palette (Okabe & Ito 2008) plus greys
TYPE_COLOURS = {
    CompanyType.chip_vendor: "#E69F00",
    CompanyType.hyperscaler_cloud: "#0072B2",
    CompanyType.neocloud: "#56B4E9",
    CompanyType.ai_lab: "#D55E00",
    CompanyType.investor: "#009E73",
    CompanyType.lender: "#CC79A7",
    CompanyType.energy_datacentre: "#C9B800",
    CompanyType.vehicle_spv: "#8C8C8C",
    CompanyType.other: "#B3B3B3",
}
KIND_COLOURS = {
    DealKind.equity_investment: "#009E73",
    DealKind.compute_purchase: "#E69F00",
    DealKind.cloud_contract: "#0072B2",
    DealKind.capacity_backstop: "#CC79A7",
    DealKind.lease: "#56B4E9",
    DealKind.warrant_or_equity_grant: "#9467BD",
    DealKind.loan_debt_spv: "#D55E00",
    DealKind.licensing: "#8C564B",
    DealKind.revenue_share: "#7F7F7F",
    DealKind.acquisition: "#000000",
    DealKind.deposit: "#BCBD22",
    DealKind.other: "#B3B3B3",
}
STATUS_STYLES = {
    "funded": {"line": "solid", "opacity": 1.0},
    "funded_partial": {"line": "solid", "opacity": 1.0},
    "definitive": {"line": "solid", "opacity": 0.9},
    "announced_loi": {"line": "dashed", "opacity": 0.85},
    "rumored": {"line": "dotted", "opacity": 0.7},
    "cancelled_stalled": {"line": "solid", "opacity": 0.2},
}


def node_size(valuation: float | None) -> float:
    """Pixels: 18 for unknown or tiny companies, growing with log10 of the valuation."""
    if valuation is None or not math.isfinite(valuation) or valuation <= 0:
        return 18.0
    return round(18.0 + 10.0 * math.log10(1.0 + valuation), 2)


def edge_width(amount: float | None) -> float:
    if amount is None or not math.isfinite(amount) or amount <= 0:
        return 1.0
    return round(1.0 + 1.5 * math.log10(1.0 + amount), 2)


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


def spring_positions(pairs: Iterable[tuple[str, str]], nodes: Iterable[str]) -> dict[str, tuple[float, float]]:
    """A seeded spring layout, component by component, in pixels.

    A spring layout of a disconnected graph pushes the small components far away and squeezes
    the large one, so the largest connected component is laid out alone (Fruchterman-Reingold
    with ``seed=LAYOUT_SEED``, then Kamada-Kawai) on a ``2·ASPECT·LAYOUT_SCALE`` by
    ``2·LAYOUT_SCALE`` rectangle, and the others, each laid out the same way at a size growing
    with the square root of its node count, are stacked in columns to its right, largest
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
    out.update({n: (ASPECT * x, y) for n, (x, y) in _spring(g.subgraph(main), LAYOUT_SCALE, (0.0, 0.0)).items()})
    x, y, col_width = ASPECT * LAYOUT_SCALE + 120.0, -LAYOUT_SCALE, 0.0
    for part in parts[1:]:
        half = max(40.0, LAYOUT_SCALE * math.sqrt(len(part) / max(len(main), 1)))
        if y + 2 * half > LAYOUT_SCALE and y > -LAYOUT_SCALE:
            x, y, col_width = x + col_width + 80.0, -LAYOUT_SCALE, 0.0
        out.update(_spring(g.subgraph(part), half, (x + half, y + half)))
        y += 2 * half + 60.0
        col_width = max(col_width, 2 * half)
    return {n: (round(float(px), 1), round(float(py), 1)) for n, (px, py) in out.items()}


def _spring(g: nx.Graph, half: float, centre: tuple[float, float]) -> dict[str, tuple[float, float]]:
    if g.number_of_nodes() == 1:
        return {next(iter(g.nodes)): centre}
    start = nx.spring_layout(g, seed=LAYOUT_SEED, k=2.0 / math.sqrt(g.number_of_nodes()), iterations=100)
    # Kamada-Kawai (1989), started from the seeded spring layout, spreads hubs' neighbours
    # more evenly than springs alone; both are deterministic for a given graph
    pos = nx.kamada_kawai_layout(g, pos=start, scale=half, center=centre)
    # screen y grows downwards; the client draws y as given
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def ledger_positions(ledger: Ledger) -> dict[str, tuple[float, float]]:
    """One layout of every current deal, whatever its status or date (the deals known today)."""
    deals = ledger.deals(as_of=date.today())
    return spring_positions(zip(deals["payer"], deals["payee"]),
                            list(deals["payer"]) + list(deals["payee"]))


def _paid(row) -> float | None:
    paid = getattr(row, "paid", None)
    return None if paid is None or pd.isna(paid) else float(paid)


def _to_pay(row, amount: float | None) -> float | None:
    paid = _paid(row)
    if paid is None or amount is None:
        return None
    return max(amount - paid, 0.0)


def map_view(ledger: Ledger, view: View, min_amount: float | None = None,
             positions: dict[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """Nodes and edges of the view, decorated for drawing (see the module docstring).

    ``positions`` (node id -> (x, y)) come from :func:`ledger_positions`; missing nodes, or
    ``positions=None``, get a layout of this view.
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
    if positions is None or any(n not in positions for n in used):
        positions = {**spring_positions(zip(e["source"], e["target"]), used), **(positions or {})}

    nodes = []
    for cid in used:
        c = companies.loc[cid] if cid in companies.index else None
        ctype = str(c["type"]) if c is not None else "other"
        v = worth.get(cid)
        x, y = positions.get(cid, (0.0, 0.0))
        nodes.append({
            "id": cid, "name": str(c["name"]) if c is not None else cid, "type": ctype,
            "colour": TYPE_COLOURS.get(ctype, TYPE_COLOURS[CompanyType.other]),
            "valuation": v["value"] if v else None, "valuation_fact": v,
            "size": node_size(v["value"] if v else None),
            "legs": int(((e["source"] == cid) | (e["target"] == cid)).sum()),
            "x": x, "y": y,
        })
    edges = []
    for row in e.itertuples(index=False):
        d = deals.loc[row.deal] if row.deal in deals.index else None
        amt = None if pd.isna(row.amount) else float(row.amount)
        style = STATUS_STYLES.get(row.status, {"line": "solid", "opacity": 1.0})
        edges.append({
            "id": row.deal, "source": row.source, "target": row.target, "kind": row.kind,
            "status": row.status, "status_date": row.status_date, "announced": row.announced,
            "amount": amt, "amount_low": _num(row.amount_low), "amount_high": _num(row.amount_high),
            # cash recorded paid by the date, and what is left of the amount (null when unknown)
            "paid": _paid(row), "to_pay": _to_pay(row, amt),
            "amount_note": None if d is None else _text(d["amount_note"]),
            "in_flow": bool(row.in_flow), "include_in_totals": bool(row.include_in_totals),
            "colour": KIND_COLOURS.get(row.kind, "#B3B3B3"), "line": style["line"],
            "opacity": style["opacity"], "width": edge_width(amt),
            "sources": [] if d is None else [
                {"url": s["url"], "publisher": s["publisher"], "date": s["date"]} for s in d["sources"]
            ],
        })
    return jsonable({
        "as_of": as_of.isoformat(),
        "params": {**net.params, "min_amount": min_amount, "counting": view.counting()},
        "counts": {"nodes": len(nodes), "edges": len(edges),
                   "amount_unknown": int(sum(1 for x in edges if x["amount"] is None))},
        "nodes": nodes,
        "edges": edges,
        "legend": legend(),
    })


def legend() -> dict[str, Any]:
    return {
        "types": {str(k): v for k, v in TYPE_COLOURS.items()},
        "kinds": {str(k): v for k, v in KIND_COLOURS.items()},
        "statuses": STATUS_STYLES,
        "size": "18 + 10*log10(1 + valuation in USD bn) pixels; 18 when no valuation is known",
    }


def _num(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def _text(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None
