"""GraphML via networkx: the safe format for Cytoscape desktop, yEd and igraph
(docs/interchange.md 5).

One edge per deal leg of a ``MultiDiGraph`` (edge id = deal id), written by networkx's
``write_graphml`` with typed keys: ``double`` for amounts, ``boolean`` for
``include_in_totals``, ``string`` for dates, kind and status. Lists are joined with ``|``.
Missing values are omitted, never written as ``nan``. GraphML has no time semantics, so dates
are ISO days (the first day of a partial date's period; the last for term ends), with
``announced_precision`` saying how precise the recorded date was.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from ..ledger.dates import PartialDate
from .common import deal_view, first_source_url, is_stdio, iso_date, open_output


def _present(value) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and value != value:
        return False
    return not (isinstance(value, (str, list)) and len(value) == 0)


def deal_graph(ledger, as_of=None, include_overlaps: bool = True) -> nx.MultiDiGraph:
    """The deals in view as of ``as_of`` (all statuses) as a networkx ``MultiDiGraph``: nodes
    are company ids with ``label``, ``type``, ``ticker``, ``country``, ``valuation_usd_bn``,
    ``valuation_date``; one edge per leg, keyed by deal id, with ``kind``, ``status``,
    ``status_date``, ``amount_low``/``amount_high`` (USD bn), ``include_in_totals``,
    ``announced``, ``announced_precision``, ``term_start``, ``term_end``, ``group``,
    ``confidence``, ``overlap``, ``overlap_with`` (``|``-joined) and ``source_url``. Summary
    legs are kept (flagged by ``include_in_totals``) unless ``include_overlaps=False``."""
    as_of_d, deals, companies, vals = deal_view(ledger, as_of, include_overlaps)
    g = nx.MultiDiGraph(name=f"loopledger deals as of {as_of_d}", as_of=as_of_d.isoformat(),
                        unit="USD billions")
    for cid in sorted(set(deals["payer"]) | set(deals["payee"])):
        attrs = {"label": cid}
        if cid in companies.index:
            c = companies.loc[cid]
            attrs.update(label=c["name"], type=c["type"], ticker=c["ticker"], country=c["country"])
        if cid in vals.index:
            attrs["valuation_usd_bn"] = float(vals.loc[cid, "value"])
            attrs["valuation_date"] = iso_date(str(vals.loc[cid, "as_of"]))
        g.add_node(cid, **{k: v for k, v in attrs.items() if _present(v)})
    for r in deals.sort_values("id").itertuples():
        attrs = {
            "kind": r.kind, "status": r.status, "status_date": iso_date(r.status_date),
            "amount_low": float(r.amount_low), "amount_high": float(r.amount_high),
            "include_in_totals": bool(r.include_in_totals),
            "announced": iso_date(r.announced),
            "announced_precision": PartialDate.parse(r.announced).precision if isinstance(r.announced, str) else None,
            "term_start": iso_date(r.term_start), "term_end": iso_date(r.term_end, end=True),
            "group": r.group, "confidence": r.confidence, "overlap": r.overlap,
            "overlap_with": "|".join(r.overlap_with or []), "source_url": first_source_url(r.sources),
        }
        g.add_edge(r.payer, r.payee, key=r.id, **{k: v for k, v in attrs.items() if _present(v)})
    return g


def write_graphml(ledger, path: str | Path, as_of=None, include_overlaps: bool = True) -> list[Path]:
    """Write :func:`deal_graph` as GraphML to ``path`` (or stdout for ``-``)."""
    g = deal_graph(ledger, as_of=as_of, include_overlaps=include_overlaps)
    with open_output(path, binary=True) as fh:
        nx.write_graphml(g, fh, encoding="utf-8", prettyprint=True)
    return [] if is_stdio(path) else [Path(path)]
