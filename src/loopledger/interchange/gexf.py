"""GEXF 1.3 for Gephi, with dates so its timeline works (docs/interchange.md 4).

networkx's ``write_gexf`` writes GEXF 1.2draft and no edge ``kind``, so this is a small
xml.etree writer of our own. GEXF 1.3 allows parallel edges only with different ``kind``:
the default export writes one edge per (payer, payee, deal kind), aggregating same-kind legs
(``weight`` = their summed amount, with ``deal_ids``, ``n_deals``, ``amount_low``,
``amount_high``, ``statuses`` and ``amount_known``); ``per_deal=True`` writes
``kind="<kind>:<deal id>"`` to keep every leg. Edge ``start`` is the earliest announced date
and ``end`` the date the edge stopped (a cancellation's status date or the term end, for every
leg), omitted while open; ``status`` is a dynamic attribute with one spell per status from the
status history. Partial dates become the first day of their period (the last for ends), and
``announced_precision`` says how precise the earliest announced date was.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from ..ledger.dates import PartialDate
from ..vocabulary import STATUS_ORDER, STATUSES
from .common import deal_view, is_stdio, open_output

NS = "http://gexf.net/1.3"
NODE_ATTRS = [("type", "string"), ("ticker", "string"), ("country", "string"),
              ("valuation_usd_bn", "double"), ("valuation_date", "string")]
EDGE_ATTRS = [("deal_ids", "liststring"), ("n_deals", "integer"), ("amount_low", "double"),
              ("amount_high", "double"), ("statuses", "liststring"), ("amount_known", "boolean"),
              ("announced_precision", "string")]
#: a status's rank when legs of one aggregated edge differ: the most advanced wins (the
#: vocabulary's order: paid, partly paid, signed, promised, rumoured, cancelled)
_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}


def _number(x: float) -> str:
    return repr(float(x)) if not float(x).is_integer() else str(int(x)) + ".0"


def _liststring(values) -> str:
    """GEXF 1.3 list value, as Gephi writes it: ``[a, b]``."""
    return "[" + ", ".join(values) + "]"


def _leg_end(row) -> date | None:
    """When a leg stopped: the date of a status in the ``ended`` group (cancelled or
    stalled), else its term end, else None."""
    ended = isinstance(row.status, str) and row.status in STATUSES and STATUSES[row.status].group == "ended"
    if ended and isinstance(row.status_date, str):
        return PartialDate.parse(row.status_date).start
    if isinstance(row.term_end, str) and row.term_end:
        return PartialDate.parse(row.term_end).end
    return None


def _spells(legs: pd.DataFrame, events: pd.DataFrame) -> list[tuple[str, date, date | None]]:
    """(status, start, end) spells of an edge: at each status event of one of its legs, the
    most advanced current status among its legs (a display rule, see docs/interchange.md)."""
    ev = events[events["deal"].isin(set(legs["id"]))]
    if ev.empty:
        return []
    current: dict[str, str] = {}
    spells: list[tuple[str, date]] = []
    for day, group in ev.groupby("start", sort=True):
        for r in group.itertuples():
            current[r.deal] = r.status
        best = min(current.values(), key=lambda s: _RANK.get(s, len(_RANK)))
        if not spells or spells[-1][0] != best:
            spells.append((best, day))
    out = []
    for i, (status, start) in enumerate(spells):
        end = spells[i + 1][1] - timedelta(days=1) if i + 1 < len(spells) else None
        out.append((status, start, end))
    return out


def _document(as_of_d: date, per_deal: bool, amount: str) -> tuple[ET.Element, ET.Element]:
    """The root (with ``meta``) and the dynamic graph element with its attribute declarations."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}gexf", {"version": "1.3"})
    meta = ET.SubElement(root, f"{{{NS}}}meta", {"lastmodifieddate": as_of_d.isoformat()})
    ET.SubElement(meta, f"{{{NS}}}creator").text = "loopledger"
    ET.SubElement(meta, f"{{{NS}}}description").text = (
        f"Deal network as of {as_of_d}: one edge per (payer, payee, kind"
        f"{', deal' if per_deal else ''}); amounts in USD billions; weight = summed {amount} amount.")
    graph = ET.SubElement(root, f"{{{NS}}}graph", {
        "defaultedgetype": "directed", "mode": "dynamic", "timeformat": "date"})
    for cls, attrs, mode in (("node", NODE_ATTRS, "static"), ("edge", EDGE_ATTRS, "static"),
                             ("edge", [("status", "string")], "dynamic")):
        block = ET.SubElement(graph, f"{{{NS}}}attributes", {"class": cls, "mode": mode})
        for name, kind in attrs:
            ET.SubElement(block, f"{{{NS}}}attribute", {"id": name, "title": name, "type": kind})
    return root, graph


def _nodes(graph: ET.Element, deals: pd.DataFrame, companies: pd.DataFrame, vals: pd.DataFrame) -> None:
    """One node per company in view, with its type, ticker, country and latest valuation."""
    nodes_el = ET.SubElement(graph, f"{{{NS}}}nodes")
    node_ids = sorted(set(deals["payer"]) | set(deals["payee"]))
    for cid in node_ids:
        c = companies.loc[cid] if cid in companies.index else None
        node = ET.SubElement(nodes_el, f"{{{NS}}}node", {
            "id": cid, "label": str(c["name"]) if c is not None else cid})
        values: dict[str, Any] = {}
        if c is not None:
            values.update(type=c["type"], ticker=c["ticker"], country=c["country"])
        if cid in vals.index:
            values["valuation_usd_bn"] = _number(vals.loc[cid, "value"])
            values["valuation_date"] = PartialDate.parse(str(vals.loc[cid, "as_of"])).start.isoformat()
        _attvalues(node, values)


def _edge_attrs(payer: str, payee: str, kind: str, legs: pd.DataFrame) -> dict[str, str]:
    """The XML attributes of one edge: id, ends, kind, label, start, end and weight."""
    attrs = {"id": f"{payer}|{payee}|{kind}", "source": payer, "target": payee, "kind": kind,
             "label": kind.split(":")[0]}
    # earliest announced date (first day of its period); a leg without one enters at its
    # first status event
    starts = [PartialDate.parse(a).start if isinstance(a, str) and a else f
              for a, f in zip(legs["announced"], legs["first_date"]) if isinstance(a, str) or isinstance(f, date)]
    if starts:
        attrs["start"] = min(starts).isoformat()
    ends = [_leg_end(r) for r in legs.itertuples()]
    if ends and all(e is not None for e in ends):
        attrs["end"] = max(e for e in ends if e is not None).isoformat()
    known = legs["_amount"].dropna()
    if len(known):
        attrs["weight"] = _number(known.sum())
    return attrs


def _edge_values(legs: pd.DataFrame) -> dict[str, str]:
    """The static attribute values of one edge (deal ids, counts, amounts, statuses)."""
    firsts = [PartialDate.parse(a) for a in legs["announced"] if isinstance(a, str) and a]
    values = {
        "deal_ids": _liststring(legs["id"]),
        "n_deals": str(len(legs)),
        "statuses": _liststring(sorted({s for s in legs["status"] if isinstance(s, str)},
                                       key=lambda s: _RANK.get(s, 99))),
        "amount_known": "true" if legs["_amount"].notna().all() else "false",
    }
    if legs["amount_low"].notna().any():
        values["amount_low"] = _number(legs["amount_low"].sum())
    high = legs["amount_high"].fillna(legs["amount_low"])
    if high.notna().any():
        values["amount_high"] = _number(high.sum())
    if firsts:
        values["announced_precision"] = min(firsts, key=lambda p: p.start).precision
    return values


def _edges(graph: ET.Element, deals: pd.DataFrame, events: pd.DataFrame, per_deal: bool, amount: str) -> None:
    """One edge per (payer, payee, kind) (or per deal), with its status spells."""
    edges_el = ET.SubElement(graph, f"{{{NS}}}edges")
    lo, hi = deals["amount_low"], deals["amount_high"]
    basis = {"low": lo, "high": hi.fillna(lo), "mid": (lo.fillna(hi) + hi.fillna(lo)) / 2}[amount]
    deals = deals.assign(_amount=basis, _edge_kind=(deals["kind"] + ":" + deals["id"]) if per_deal else deals["kind"])
    for (payer, payee, kind), legs in deals.groupby(["payer", "payee", "_edge_kind"], sort=True):
        legs = legs.sort_values("id")
        edge = ET.SubElement(edges_el, f"{{{NS}}}edge", _edge_attrs(str(payer), str(payee), str(kind), legs))
        attvalues = _attvalues(edge, _edge_values(legs))
        for status, start, end in _spells(legs, events) if not events.empty else []:
            spell = {"for": "status", "value": status, "start": start.isoformat()}
            if end is not None:
                spell["end"] = end.isoformat()
            if attvalues is None:
                attvalues = ET.SubElement(edge, f"{{{NS}}}attvalues")
            ET.SubElement(attvalues, f"{{{NS}}}attvalue", spell)


def gexf_tree(ledger, as_of=None, per_deal: bool = False, include_overlaps: bool = False,
              amount: str = "high") -> ET.ElementTree:
    """The GEXF document of the deals in view as of ``as_of`` (all statuses: the timeline
    shows promises and cancellations too). Summary and subset legs (``include_in_totals``
    false) are left out unless ``include_overlaps``, so weights do not double count.
    ``amount`` is the weight basis: ``high`` (high, else low), ``low`` or ``mid``."""
    as_of_d, deals, companies, vals = deal_view(ledger, as_of, include_overlaps)
    events = ledger.events()
    if not events.empty:
        # an ``amended`` event changes terms, not the status: only statuses make spells
        events = events[events["status"].isin(list(STATUSES)) & (events["start"] <= as_of_d)]
    root, graph = _document(as_of_d, per_deal, amount)
    _nodes(graph, deals, companies, vals)
    _edges(graph, deals, events, per_deal, amount)
    ET.indent(root, space="  ")
    return ET.ElementTree(root)


def _attvalues(parent: ET.Element, values: dict) -> ET.Element | None:
    values = {k: v for k, v in values.items() if v is not None and not (isinstance(v, float) and v != v)
              and str(v) != ""}
    if not values:
        return None
    box = ET.SubElement(parent, f"{{{NS}}}attvalues")
    for k, v in values.items():
        ET.SubElement(box, f"{{{NS}}}attvalue", {"for": k, "value": str(v)})
    return box


def write_gexf(ledger, path: str | Path, as_of=None, per_deal: bool = False,
               include_overlaps: bool = False, amount: str = "high") -> list[Path]:
    """Write :func:`gexf_tree` to ``path`` (or stdout for ``-``); returns the files written."""
    tree = gexf_tree(ledger, as_of=as_of, per_deal=per_deal, include_overlaps=include_overlaps, amount=amount)
    with open_output(path, binary=True) as fh:
        tree.write(fh, encoding="UTF-8", xml_declaration=True)
    return [] if is_stdio(path) else [Path(path)]
