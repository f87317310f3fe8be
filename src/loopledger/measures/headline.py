"""The headline: the few numbers a reader needs, each traceable to its deals and sources.

``measure(ledger, as_of)`` gathers, for one dated view of the ledger: how much of the money
could be going round in circles (circular share, docs/methods.md 2), the ten largest simple cycles
by the dollars that could go once round them (bottleneck, docs/methods.md 1), the companies whose
network revenue could most be money coming back (round-trip share, docs/methods.md 2.2), how much
of it all is paid, signed or only promised (:mod:`loopledger.measures.promises`), and the
look-through estimate of the largest private investee's loss (docs/methods.md 8). With
``explain=True`` every number carries its trace: the deals behind it and their source URLs.
It computes nothing new: it calls the measures and keeps their caveats next to their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import LedgerError
from ..ledger.dates import PartialDate
from ..ledger.view import View, view_of
from ..results import Result, frame_html
from ..vocabulary import BINDING_STATUSES, STATUS_LABELS
from ..vocabulary import STATUS_ORDER as STATUSES
from .lookthrough import METRICS, lookthrough_from_ledger
from .promises import promises

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger


@dataclass(frozen=True, eq=False)
class Headline(Result):
    """The headline numbers of a ledger view (USD billions); see :func:`measure`."""

    as_of: date
    circulation: dict[str, Any]
    cycles: dict[str, Any]
    top_cycles: pd.DataFrame = field(repr=False)
    round_trip: pd.DataFrame = field(repr=False)
    promises: dict[str, Any] = field(repr=False)
    lookthrough: dict[str, Any] | None = field(repr=False)
    derived_share: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    trace: dict[str, Any] | None = field(default=None, repr=False)

    caption = "Headline: circular financing as of a date (USD billions)"

    def to_frame(self) -> pd.DataFrame:
        """One row per headline number: what, value, unit and a plain-words meaning."""
        c = self.circulation
        rows = [
            {"measure": "circular share", "value": c["share"], "unit": "fraction of all deal dollars",
             "meaning": "the largest part of the money in signed or paid deals that could go round in a circle"},
            {"measure": "money that could circulate", "value": c["total"], "unit": "USD bn",
             "meaning": "each hop counted; a dollar round a 3-company loop counts 3 times"},
            {"measure": "deal dollars in the network", "value": c["flow_total"], "unit": "USD bn",
             "meaning": "sum of the known amounts of the deals in view"},
            {"measure": "simple cycles", "value": self.cycles["count"], "unit": "loops",
             "meaning": f"closed loops of 2 to {self.params.get('max_len')} companies, none visited twice"},
        ]
        for status in STATUSES:
            s = self.promises["by_status"][status]
            rows.append({"measure": f"deals {STATUS_LABELS[status]}", "value": s["high"], "unit": "USD bn (high)",
                         "meaning": f"{s['count']} deal legs; low {s['low']:,.1f}; {s['no_amount']} with no amount"})
        if self.lookthrough:
            lt = self.lookthrough
            rows.append({"measure": f"{lt['investee_name']} net loss, {lt['period']} (look-through)",
                         "value": lt["estimate"], "unit": "USD bn (best estimate)",
                         "meaning": f"derived: pre-tax pickup / stake held; range {lt['low']:,.1f} to "
                                    f"{lt['high']:,.1f}, from {lt['investor_name']}'s filings"})
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return frame_html(self.to_frame(), f"{self.caption}, as of {self.as_of}")


def measure(
    ledger: Ledger,
    as_of: str | date | None = None,
    explain: bool = False,
    top: int = 10,
    max_len: int = 6,
    statuses=BINDING_STATUSES,
    amount: str = "high",
    *,
    view: View | None = None,
) -> Headline:
    """The headline numbers of circular financing as of a date, each traceable to sources.

    Parameters
    ----------
    ledger : Ledger
    as_of : date or str, optional
        Date of the view (default today).
    explain : bool
        Attach ``trace``: for every number, the deals behind it and their source URLs.
    top : int
        How many cycles and round-trip companies to list (default 10).
    max_len : int
        Longest cycle searched (docs/methods.md 1.2 default 6).
    statuses : sequence of str
        Deal statuses in the network view (default the binding ones: funded, partly funded,
        definitive; docs/methods.md 6.8). Promises always show every status.
    amount : {"high", "low", "mid", "derived"}
        Amount basis of the network view (default ``high``; ``derived`` adds GW-only deals
        valued from sourced assumptions and reports ``derived_share``).
    view : View, optional
        The whole view instead of ``as_of``, ``statuses`` and ``amount``.

    Returns
    -------
    Headline
        ``circulation`` (``total``, ``share``, ``flow_total`` and what was left out),
        ``cycles`` (count, by length, completeness), ``top_cycles`` (largest bottlenecks),
        ``round_trip`` (largest round-trip shares with their range over all optimal
        solutions), ``promises`` (dollars by status and what remains to be paid),
        ``lookthrough`` (range of the sensitivity table and the press figure) and, with
        ``explain``, ``trace``.

    References
    ----------
    docs/methods.md sections 1, 2, 6.1, 8 and 9.
    """
    from .circulation import circulation
    from .cycles import cycles

    v = view_of(view, as_of=as_of, statuses=statuses, amount=amount)
    as_of_d = v.as_of
    if ledger.store.count("deals") == 0:
        raise LedgerError("the ledger holds no deals: run `loopledger init` to load the bundled dataset")
    net = ledger.network(view=v)
    circ = circulation(net, ranges=True, decompose=True)
    cyc = cycles(net, max_len=max_len)
    prom = promises(ledger, series=False, view=v)

    table = cyc.cycles.reset_index().rename(columns={"index": "cycle"})
    known = table[table["bottleneck"].notna()]
    top_cycles = known.sort_values(["bottleneck", "length"], ascending=[False, True]).head(top).reset_index(drop=True)
    top_cycles.insert(0, "rank", np.arange(1, len(top_cycles) + 1))

    comp = circ.companies
    rt = comp[(comp["inflow"] > 0) & (comp["circular_flow"] > 0)]
    rt = rt.assign(_k=rt["round_trip_max"].fillna(rt["round_trip_share"]))
    round_trip = rt.sort_values(["_k", "name"], ascending=[False, True]).drop(columns="_k").head(top).reset_index(drop=True)

    look = _lookthrough(ledger, as_of_d)
    notes = [
        "Circular share: the largest possible circulation (an exact linear programme); the total "
        "is unique, which dollars make it up is not.",
        "A cycle's bottleneck is what could go once round that loop on its own; loops share deals, "
        "so bottlenecks must not be added up.",
        "Round-trip share: the part of a company's network inflow that could be its own money "
        "coming back; the range runs over all equally large circulations.",
        f"Statuses in the network: {', '.join(v.statuses or STATUSES)}. Amounts: the {v.amount} end of each range; "
        f"{circ.legs_without_amount} legs without an amount and {circ.non_cash_legs} non-cash legs "
        "are left out of the dollars, never counted as 0.",
    ]
    if not cyc.complete:
        notes.append(f"Cycle search stopped early ({cyc.stopped}): counts are lower bounds.")
    derived = float(net.params.get("derived_share", 0.0))
    trace = _trace(ledger, net, as_of_d, circ, cyc, top_cycles, round_trip, look) if explain else None
    return Headline(
        as_of=as_of_d,
        circulation={"total": circ.total, "share": circ.share, "flow_total": circ.flow_total,
                     "legs_without_amount": circ.legs_without_amount, "non_cash_legs": circ.non_cash_legs,
                     "self_loops": circ.self_loops},
        cycles={"count": cyc.count, "by_length": {str(k): v for k, v in cyc.by_length.items()},
                "complete": cyc.complete, "without_known_bottleneck": int(len(table) - len(known))},
        top_cycles=top_cycles[[c for c in ("rank", "cycle", "nodes", "names", "length", "bottleneck",
                                           "bottleneck_low", "bottleneck_high", "amount_complete", "kinds",
                                           "first_announced", "last_announced") if c in top_cycles]],
        round_trip=round_trip[["node", "name", "inflow", "circular_flow", "round_trip_share",
                               "round_trip_min", "round_trip_max", "basis"]],
        promises={"by_status": prom.by_status, "remaining": prom.remaining, "deals": prom.deals,
                  "excluded_from_totals": prom.excluded_from_totals, "labels": dict(STATUS_LABELS)},
        lookthrough=look,
        derived_share=derived,
        params={**v.to_dict(), "max_len": max_len, "top": top, "counting": v.counting()},
        notes=tuple(notes),
        trace=trace,
    )


def _lookthrough(ledger: Ledger, as_of: date) -> dict[str, Any] | None:
    """The latest equity-method look-through in the facts on or before ``as_of``."""
    facts = ledger.facts(as_of=as_of)
    suffixes = {METRICS[r].split("}", 1)[1]: r for r in ("after_tax", "pre_tax")}
    ids = {c.replace("-", "_"): c for c in ledger.company_names()}
    found = []
    for f in facts.itertuples():
        for suffix in suffixes:
            if f.metric.endswith(suffix) and f.metric[: -len(suffix)] in ids and isinstance(f.period, str):
                period = f.period.split()[0]
                try:
                    end = PartialDate.parse(period).end
                except ValueError:
                    continue
                found.append((end, f.company, ids[f.metric[: -len(suffix)]], period))
    if not found:
        return None
    _, investor, investee, period = max(found)
    t = lookthrough_from_ledger(ledger, investor, investee, period)
    # the press convention (after-tax figure / stake, not grossed up) is a row of the table,
    # never part of the best estimate or its range
    held = t.cells[t.cells["stake_applies"] & t.cells["estimate"].notna() & (t.cells["row"] != "after_tax_press")]
    clean = held[held["flags"] == ""]
    use = clean if not clean.empty else held
    lo = float(use["low"].min()) if len(use) else float("nan")
    hi = float(use["high"].max()) if len(use) else float("nan")
    best = _best_cell(use, t.stakes)
    return {
        "investor": t.investor, "investee": t.investee, "investor_name": t.investor_name,
        "investee_name": t.investee_name, "period": t.period, "period_end": t.period_end.isoformat(),
        "estimate": float(best["estimate"]) if best is not None else float("nan"),
        "estimate_cell": None if best is None else {"row": best["row"], "column": best["column"],
                                                   "formula": best["formula"]},
        "low": lo, "high": hi, "cells": t.cells, "flags": t.flags, "notes": t.notes, "press": t.press,
        "inputs": t.inputs, "derived": True,
        "what": ("best estimate: the pre-tax pickup (the pre-tax loss, else the after-tax hit grossed up by "
                 "1 / (1 - tax rate)) over the stake held during the period; range over those figures at "
                 "the stakes held, with the $0.05B rounding of the disclosed figures"),
    }


def _best_cell(cells: pd.DataFrame, stakes: pd.DataFrame) -> pd.Series | None:
    """The pre-tax row (else the grossed-up after-tax row) at the stake held during the period:
    the time-weighted stake when it changed within it, else the one held."""
    if cells.empty:
        return None
    for row in ("pre_tax", "after_tax", "adjusted"):
        pick = cells[cells["row"] == row]
        if pick.empty:
            continue
        kinds = stakes.set_index("column")["kind"].to_dict()
        for kind in ("time_weighted", "fact", "user"):
            at = pick[pick["column"].map(kinds) == kind]
            if not at.empty:
                return at.iloc[-1]
    return None


def _trace(ledger, net, as_of, circ, cyc, top_cycles, round_trip, look) -> dict[str, Any]:
    """Deals and source URLs behind every headline number."""
    deals = ledger.deals(as_of=as_of)
    info = {
        r.id: {"deal": r.id, "payer": r.payer_name, "payee": r.payee_name, "kind": r.kind, "status": r.status,
               "amount_low": r.amount_low, "amount_high": r.amount_high,
               "sources": [s["url"] for s in r.sources]}
        for r in deals.itertuples()
    }
    edges = net.edges
    legs_of = edges.groupby(["source", "target"])["deal"].agg(list).to_dict() if "deal" in edges else {}

    def pair_deals(a, b) -> list[dict[str, Any]]:
        return [info[d] for d in legs_of.get((a, b), []) if d in info]

    flows = circ.flows[circ.flows["circulating"] > 1e-9]
    circulation_trace = [
        {"payer": r.payer, "payee": r.payee, "amount": r.amount, "circulating": r.circulating,
         "deals": pair_deals(r.source, r.target)}
        for r in flows.itertuples()
    ]
    hops = cyc.hops()
    cycle_trace = []
    for r in top_cycles.itertuples():
        h = hops[hops["cycle"] == r.cycle]
        cycle_trace.append({"rank": r.rank, "names": list(r.names), "bottleneck": r.bottleneck, "hops": [
            {"payer": net.label(net.index_of(x.payer)), "payee": net.label(net.index_of(x.payee)),
             "amount": x.amount, "deals": pair_deals(x.payer, x.payee)} for x in h.itertuples()]})
    rt_trace = []
    for r in round_trip.itertuples():
        inflows = circ.flows[(circ.flows["target"] == r.node) & (circ.flows["circulating"] > 1e-9)]
        rt_trace.append({"company": r.name, "round_trip_share": r.round_trip_share, "circular_inflows": [
            {"payer": x.payer, "circulating": x.circulating, "deals": pair_deals(x.source, x.target)}
            for x in inflows.itertuples()]})
    counted = deals[deals["include_in_totals"].astype(bool) & deals["id"].isin(info)]
    promise_trace = {
        status: [info[d] for d in counted.loc[counted["status"] == status, "id"]]
        for status in STATUSES
    }
    look_trace = None
    if look:
        look_trace = [{"role": i["role"], "fact": i["id"], "value": i["value"], "as_of": i["as_of"],
                       "sources": [s["url"] for s in i["sources"]]} for i in look["inputs"]]
    return {"circulation": circulation_trace, "top_cycles": cycle_trace, "round_trip": rt_trace,
            "promises": promise_trace, "lookthrough": look_trace}
