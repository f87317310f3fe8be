"""The report's content: every section as HTML fragments built from the measures, with each
number linked to the deals and sources behind it.

:func:`build_report` runs the measures (``measure``, ``promises``, ``exposure``, the quarterly
circular share, ``stress`` and ``systemic``) for one as-of date and returns a :class:`Report`:
its sections in order and the figures (matplotlib objects, for notebooks). A section whose
measure is not installed, or cannot be computed from the data, is kept with the reason shown
instead of its content, so the report always renders and says what is missing.

Linking: every deal in view has an anchor ``#deal-<id>`` in the deals appendix, listing its
sources (links out); every company one, ``#company-<id>``, listing its legs; each status a
list ``#status-<status>``. Numbers link to the list of deals they come from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

import pandas as pd

from ..errors import LedgerError
from ..ledger.dates import parse_as_of
from ..ledger.model import BINDING_STATUSES, STATUSES
from ..ledger.summary import STATUS_LABELS
from ..results import Result
from ..vocabulary import LOSS_COMPONENTS
from . import claims as claims_sections
from . import figures as F
from .markup import (  # noqa: F401 - the helpers, re-exported for the report's other modules
    Section,
    company_link,
    counting_line,
    deal_link,
    esc,
    link,
    missing,
    money,
    para,
    pct,
    source_links,
    status_counting,
    table,
)

#: the company every "if X fails" section is about (issue 6: "if OpenAI fails")
STRESS_COMPANY = "OpenAI"
TOP = 10
#: a share resting on less than this many USD billions of deals carries a warning
SMALL_BASE = 100.0

SECTIONS = [
    ("findings", "Key findings"),
    ("headline", "Headline numbers"),
    ("network", "The network"),
    ("flows", "Dollar flows by kind"),
    ("promises", "Promises by status over time"),
    ("circular-share", "Circular share over time"),
    ("cycles", "Top cycles"),
    ("round-trips", "Round-trip shares and exposures"),
    ("lookthrough", "Look-through estimate"),
    *((sid, title) for sid, (title, _) in claims_sections.SECTIONS.items()),
    ("stress", f"If {STRESS_COMPANY} fails"),
    ("systemic", "Too big to fail"),
    ("methods", "Methods"),
    ("deals", "Deals and sources"),
]


@dataclass(frozen=True, eq=False)
class Report(Result):
    """A built report: ``sections`` in order (each with ``html``, ``figures`` and whether it
    is ``available``), the ``as_of`` date and the ledger's counts. ``figures`` gathers every
    figure by name; :func:`loopledger.report.render_html` turns it into one HTML file."""

    as_of: date
    sections: list[Section]
    counts: dict[str, int]
    generated: str
    #: the date of the latest status event in the ledger (how far the data reaches)
    data_reaches: str | None = None

    caption = "Report sections"

    @property
    def figures(self) -> dict[str, Any]:
        return {k: v for s in self.sections for k, v in s.figures.items()}

    @property
    def unavailable(self) -> dict[str, str]:
        """Section id -> why it could not be built."""
        return {s.id: s.reason or "" for s in self.sections if not s.available}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"id": s.id, "title": s.title, "available": s.available,
                              "figures": ", ".join(s.figures), "reason": s.reason or ""}
                             for s in self.sections])

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "counts": self.counts, "generated": self.generated,
                "data_reaches": self.data_reaches,
                "sections": [{"id": s.id, "title": s.title, "available": s.available, "reason": s.reason}
                             for s in self.sections]}


# the builder -----------------------------------------------------------------------------------

class _Builder:
    def __init__(self, ledger, as_of: date, progress: Callable[[str], None] | None):
        self.ledger = ledger
        self.as_of = as_of
        self.progress = progress or (lambda what: None)
        self.deals = ledger.deals(as_of=as_of)
        self.deal_by_id = {r.id: r for r in self.deals.itertuples()}
        self.names = ledger.company_names()
        self.headline: Any = None

    def name(self, cid: str) -> str:
        return self.names.get(cid, cid)

    def deal_refs(self, deal_ids, with_sources: bool = True) -> str:
        parts = []
        for d in deal_ids:
            r = self.deal_by_id.get(d)
            if r is None:
                parts.append(esc(d))
                continue
            srcs = source_links([s["url"] for s in r.sources]) if with_sources else ""
            parts.append(f"{deal_link(d)} {srcs}".strip())
        return "; ".join(parts)

    # sections -------------------------------------------------------------------------------

    # the claims sections (off-balance-sheet debt, multiple claims) are built in report/claims.py
    section_offbalance = claims_sections.section_offbalance
    section_multiple_claims = claims_sections.section_multiple_claims

    def section_findings(self, s: Section) -> None:
        from ..measures.promises import promises

        h = self._headline()
        p = promises(self.ledger, as_of=self.as_of)
        s.figures["money_chart"] = F.money_chart(p.series)
        groups = F.money_groups(p.series)
        last = groups.iloc[-1] if len(groups) else None
        s.captions["money_chart"] = (
            "Deal dollars paid, signed but not (fully) paid, and only promised (letters of intent and "
            "reported deals) at each quarter end, as each deal stood then; high end of each range. "
            + link("promises", "By status, in detail") + ".")
        if last is not None:
            s.alts["money_chart"] = (
                f"Stacked area chart from {groups.index[0]} to {groups.index[-1]}: deal dollars grow from near "
                f"zero to {money(float(last.sum()))} at the end, of which {money(float(last.iloc[0]))} "
                f"paid, {money(float(last.iloc[1]))} signed but not fully paid and {money(float(last.iloc[2]))} "
                "only promised.")
        s.html = ('<div id="key-findings"><ul class="findings">'
                  + "".join(f"<li>{esc(f)}</li>" for f in h.findings) + "</ul>"
                  + "".join(f'<p class="hint">{esc(x["text"])}</p>' for x in h.hints)
                  + counting_line(h.counting) + "</div>")

    def section_headline(self, s: Section) -> None:
        h = self._headline()
        c, b = h.circulation, h.basis
        rows = [
            [link("status-binding", money(b["binding"])), "the base of every share",
             f"known amounts of the {b['legs']} signed or paid deal legs in view that move cash "
             f"({b['without_amount']} legs without an amount and {b['non_cash_legs']} non-cash legs beside it, "
             "never counted as 0)"],
            [link("status-binding", money(b["paid"])), "cash actually paid",
             f"recorded payments (tranches, drawdowns less repayments) under {b['paid_legs']} of these legs, "
             f"{pct(b['paid_share'])} of the base; for the others only the status is recorded"],
            [link("circulation-flows", pct(c["share"])), "circular share",
             "the largest part of the base that could go round in a loop (maximum circulation / the base)"],
            [link("circulation-flows", money(c["total"])), "money that could go round",
             "maximum circulation; each hop counts, as in the base, so a dollar round a 3-company loop counts 3 times"],
            [link("cycles", f"{h.cycles['count']:,}"), "simple cycles",
             f"closed loops of up to {h.params['max_len']} companies, none visited twice"],
        ]
        for status in STATUSES:
            v = h.promises["by_status"][status]
            rows.append([link(f"status-{status}", money(v["high"])), f"deals {esc(STATUS_LABELS[status])}",
                         f"{v['count']} legs; low end {money(v['low'])}; {v['no_amount']} with no amount"])
        if h.lookthrough:
            lt = h.lookthrough
            rows.append([link("lookthrough", money(lt["estimate"])),
                         f"{esc(lt['investee_name'])} net loss, {esc(lt['period'])} (derived)",
                         f"pre-tax pickup over the stake held, range {money(lt['low'])}–{money(lt['high'])}, backed "
                         f"out of {esc(lt['investor_name'])}'s equity-method figures; see the sensitivity table"])
        s.html = (para(f"As of <strong>{self.as_of}</strong>. Amounts are USD billions at the high end of "
                       "each stated range unless said otherwise. Every number links to the deals behind it; "
                       "every deal links to its sources.")
                  + table(["value", "measure", "what it means"], rows, "headline", numeric={0})
                  + counting_line(h.counting, "The rows by status: " + status_counting(h))
                  + "".join(para(esc(n)) for n in h.notes))
        flows = (h.trace or {}).get("circulation", [])
        flow_rows = [[esc(f["payer"]), esc(f["payee"]), money(f["amount"]), money(f["circulating"]),
                      self.deal_refs([d["deal"] for d in f["deals"]])]
                     for f in sorted(flows, key=lambda f: -f["circulating"])]
        s.html += ('<h3 id="circulation-flows">Where the circulating dollars are</h3>'
                   + para("One maximum circulation, pair by pair (the total is unique; how it splits "
                          "between pairs may not be).")
                   + table(["payer", "payee", "deal dollars", "circulating", "deals and sources"], flow_rows,
                           numeric={2, 3})
                   + counting_line(h.counting))

    def section_network(self, s: Section) -> None:
        fig = F.network_map(self.ledger, as_of=self.as_of)
        s.figures["network_map"] = fig
        s.captions["network_map"] = (
            "Companies in signed or paid deals, coloured by type and sized by the dollars they pay "
            "and receive; arrows run from payer to payee, as wide as the known dollars (dashed: no "
            "amount disclosed). Every leg is listed in " + link("deals", "Deals and sources") + ".")

    def section_flows(self, s: Section) -> None:
        fig = F.flows_sankey(self.ledger, as_of=self.as_of)
        s.figures["flows_sankey"] = fig
        table_ = F.flow_table(self.ledger, as_of=self.as_of)
        by_kind = table_.groupby("kind")["amount"].sum().sort_values(ascending=False)
        rows = [[esc(F.KIND_LABELS.get(k, k)), link(f"kind-{k}", money(v))] for k, v in by_kind.items()]
        s.captions["flows_sankey"] = (
            "Deal dollars from the type of company that pays, through the kind of deal, to the type "
            "that receives (signed or paid legs, high end of each range; legs without an amount and "
            "summary rows are not added).")
        s.html = table(["kind", "dollars"], rows, numeric={1})

    def section_promises(self, s: Section) -> None:
        from ..measures.promises import promises

        p = promises(self.ledger, as_of=self.as_of)
        s.figures["promises_chart"] = F.promises_chart(p.series)
        s.captions["promises_chart"] = (
            "Deal dollars by status at each quarter end (high end of each range): paid, signed, "
            "promised, rumoured or cancelled, as each deal stood then.")
        rows = []
        for status in STATUSES:
            v, r = p.by_status[status], p.remaining[status]
            rows.append([esc(STATUS_LABELS[status]), link(f"status-{status}", str(v["count"])), money(v["low"]),
                         money(v["high"]), money(r["high"]), str(v["no_amount"])])
        s.html = (table(["status", "legs", "low", "high", "still to pay (high)", "no amount"], rows,
                        numeric={1, 2, 3, 4, 5})
                  + para("'Still to pay' spreads a contract straight-line over its term (derived); a "
                         "contract without a term counts in full (docs/methods.md 6.1)."))

    def section_circular_share(self, s: Section) -> None:
        from .data import circular_share_series

        series = circular_share_series(self.ledger, as_of=self.as_of)
        s.figures["circular_share_chart"] = F.circular_share_chart(series)
        s.captions["circular_share_chart"] = (
            "The circular share at each quarter end: the network as it stood then (deals announced "
            "by that date, with their status then), its maximum circulation divided by its deal dollars.")
        known = series[series["flow_total"] > 0]
        small = known[(known["flow_total"] < SMALL_BASE) & (known["share"] > 0)]
        warn = ""
        if len(small):
            peak = small.loc[small["share"].idxmax()]
            warn = (f'<p class="warning" id="small-base-warning"><strong>Resting on little money:</strong> in '
                    f"{len(small)} quarters ({esc(small['quarter'].iloc[0])} to {esc(small['quarter'].iloc[-1])}) "
                    f"the circular share is a share of less than {money(SMALL_BASE, 0)} of deals; its peak "
                    f"there, {pct(peak['share'])} in {esc(peak['quarter'])}, rests on "
                    f"{money(peak['flow_total'])} ({int(peak['legs'])} legs), so a single deal moves it by "
                    "many points. Those quarters are drawn hollow in the figure and marked in the table.</p>")
        s.alts["circular_share_chart"] = (
            f"Line chart of the circular share from {known['quarter'].iloc[0]} to {known['quarter'].iloc[-1]} "
            f"over bars of the deal dollars in view: the share peaks at {pct(known['share'].max())} in "
            f"{known.loc[known['share'].idxmax(), 'quarter']} on {money(known.loc[known['share'].idxmax(), 'flow_total'])} "
            f"of deals and stands at {pct(known['share'].iloc[-1])} of {money(known['flow_total'].iloc[-1])} "
            "at the end." if len(known) else "No deal dollars in view.")
        recent = known.tail(8)
        rows = [[esc(r.quarter), pct(r.share) + (" (little money)" if r.flow_total < SMALL_BASE else ""),
                 money(r.total), money(r.flow_total), str(r.legs)]
                for r in recent.itertuples()]
        s.html = warn + table(["quarter", "circular share", "could go round", "deal dollars", "legs"], rows,
                              numeric={1, 2, 3, 4})

    def section_cycles(self, s: Section) -> None:
        h = self._headline()
        loops = (h.trace or {}).get("top_cycles", [])
        if loops:
            s.figures["loops_chart"] = F.loops_chart(loops)
            s.captions["loops_chart"] = (
                "The largest loops, each drawn on its own: an arrow per hop with the dollars of the deals on "
                "it; the red hop is the bottleneck, what could go once round the loop on its own.")
            s.alts["loops_chart"] = " ".join(
                f"Loop {c['rank']}: " + ", ".join(f"{x['payer']} pays {x['payee']} {money(x['amount'])}"
                                               for x in c["hops"])
                + f"; up to {money(c['bottleneck'])} could go once round." for c in loops[:3])
        rows = []
        for c in (h.trace or {}).get("top_cycles", []):
            hops = "<br>".join(
                f"{esc(x['payer'])} → {esc(x['payee'])}: {money(x['amount'])} — "
                f"{self.deal_refs([d['deal'] for d in x['deals']])}" for x in c["hops"])
            rows.append([str(c["rank"]), esc(" → ".join(c["names"] + c["names"][:1])), money(c["bottleneck"]), hops])
        s.html = (para(f"{h.cycles['count']:,} simple cycles of up to {h.params['max_len']} companies in signed "
                       f"or paid deals ({', '.join(f'{n} of length {k}' for k, n in h.cycles['by_length'].items() if n)}). "
                       "The largest by bottleneck (the smallest hop: what could go once round that loop on its "
                       "own; loops share deals, so bottlenecks are never added):")
                  + table(["#", "loop", "bottleneck", "hops, deals and sources"], rows, numeric={2}))

    def section_round_trips(self, s: Section) -> None:
        from ..measures.exposure import exposure

        h = self._headline()
        s.figures["round_trip_chart"] = F.round_trip_chart(h.round_trip)
        s.captions["round_trip_chart"] = (
            "Round-trip share: the part of a company's inflow from the network that could be money "
            "going round; the black line is its range over all maximum circulations (docs/methods.md 2.2).")
        trace = {t["company"]: t for t in (h.trace or {}).get("round_trip", [])}
        rows = []
        for r in h.round_trip.itertuples():
            inflows = trace.get(r.name, {}).get("circular_inflows", [])
            deals = [d["deal"] for x in inflows for d in x["deals"]]
            rows.append([company_link(r.node, r.name), money(r.inflow), money(r.circular_flow),
                         f"{pct(r.round_trip_share)} ({pct(r.round_trip_min)}–{pct(r.round_trip_max)})",
                         self.deal_refs(deals, with_sources=False)])
        s.html = table(["company", "network inflow", "circular inflow", "round-trip share (range)", "deals"],
                       rows, numeric={1, 2, 3})
        e = exposure(self.ledger, as_of=self.as_of)
        comp = e.companies.sort_values("inflow", ascending=False).head(12)
        facts = e.facts_used
        rows = []
        for r in comp.itertuples():
            used = facts[facts["company"] == r.company] if len(facts) else facts
            srcs = source_links([u for urls in used.get("source_urls", []) for u in (urls or [])])
            rows.append([company_link(r.company, r.name), money(r.inflow), esc(r.top_counterparty_name),
                         pct(r.top_share), pct(r.inflow_share_of_revenue, 0), pct(r.circular_share_of_revenue, 0),
                         pct(r.inflow_share_of_market_value), srcs])
        s.html += ("<h3>Exposures</h3>"
                   + para("Inflows from the network as shares of each company's revenue (annualised from the "
                          "latest quarter where needed, derived) and market value, from the dated company facts "
                          "named by their sources. " + " ".join(esc(n) for n in e.notes))
                   + table(["company", "inflow", "top payer", "top payer share", "inflow / revenue",
                            "circular / revenue", "inflow / market value", "facts"], rows,
                           numeric={1, 3, 4, 5, 6}))
        if len(e.backlog):
            brows = [[company_link(r.company, r.name), money(r.backlog), esc(r.backlog_as_of),
                      esc(r.customer.replace("_", " ") if isinstance(r.customer, str) else ""),
                      "" if not isinstance(r.customer, str) or r.customer_share != r.customer_share
                      else f"{r.customer_share:g}% (≈{money(r.customer_amount)}, derived)",
                      money(r.contracts_amount), money(r.contracts_to_pay), self.deal_refs(r.deals, with_sources=False),
                      source_links(r.backlog_sources)] for r in e.backlog.itertuples()]
            s.html += ("<h3>Backlog next to the contracts it holds</h3>"
                       + para("Remaining performance obligations (or backlog) as filed or reported, the share tied "
                              "to one customer where stated, and the company's inbound cloud, compute, lease and "
                              "licence contracts in view with what is still to be paid under them.")
                       + table(["company", "backlog", "as of", "one customer", "its share", "contracts in view",
                                "still to pay", "deals", "sources"], brows, numeric={1, 5, 6}))

    def section_lookthrough(self, s: Section) -> None:
        h = self._headline()
        lt = h.lookthrough
        if not lt:
            raise LedgerError("no equity-method look-through facts on or before the date")
        cells = lt["cells"]
        s.figures["lookthrough_chart"] = F.lookthrough_chart(cells)
        s.captions["lookthrough_chart"] = (
            f"{esc(lt['investee_name'])}'s net loss for {esc(lt['period'])} backed out of "
            f"{esc(lt['investor_name'])}'s equity-method figures: each cell is one formula (rows: which "
            "booked figure; columns: which stake), derived, with the rounding of the disclosed figures as "
            "a range. Hatched cells use a stake not held during the period (docs/methods.md 8).")
        rows = [[esc(i["role"]), esc(i["id"]), esc(i["value"]), esc(i["as_of"]),
                 source_links([x["url"] for x in i["sources"]])] for i in lt["inputs"]]
        press = lt.get("press")
        press_html = ""
        if press:
            press_html = para(f"Press estimate for comparison: {money(press['value'])} ({esc(press.get('derivation') or '')}) "
                              + source_links([x["url"] for x in press.get("sources", [])]))
        s.html = (para(f"Estimate: <strong>{money(lt['estimate'])}</strong>, range {money(lt['low'])} to "
                       f"{money(lt['high'])} ({esc(lt['what'])}). "
                       "Derived, not reported by the company.")
                  + table(["input", "fact", "value", "as of", "sources"], rows)
                  + press_html + "".join(para(esc(n)) for n in lt.get("notes", [])))

    def section_stress(self, s: Section) -> None:
        from ..stresstest.scenario import stress

        r = stress(self.ledger, fail=[STRESS_COMPANY], as_of=self.as_of, rescue=True)
        s.figures["stress_chart"] = F.stress_chart(r.companies, title=f"Economic losses if {STRESS_COMPANY} fails")
        s.captions["stress_chart"] = (
            f"What each company loses if {STRESS_COMPANY} fails, on the economic basis: receivables and loans "
            "less recovery, stakes at cost, lost margin and stranded capital net of what the market's "
            "reconfiguration redeploys (direct), and the losses that spread as distress does (indirect; "
            "DebtRank, Battiston et al. 2012). The gross bound and every assumption are listed below.")
        t = r.totals
        comp = r.companies[(r.companies["loss"] > 0) | (r.companies["loss_gross"] > 0)]
        comp = comp[~comp["failed"]].sort_values("loss", ascending=False).head(15)
        # the components are the result's own list (whatever the engine names), those that carry money
        names = [k for k, v in (t.get("components") or {}).items() if abs(v) > 0.005]
        rows = [[company_link(x.company, x.name), money(x.buffer) + (f" ({esc(x.buffer_flag)})" if x.buffer_flag else ""),
                 money(x.loss), money(x.loss_gross), pct(x.loss_share), esc(x.state if x.state != "ok" else "")]
                + [money(getattr(x, f"component_{n}", float("nan"))) for n in names]
                for x in comp.itertuples()]
        econ = r.loss_basis == "economic"
        side = (lambda v: [v, "—"]) if econ else (lambda v: ["—", v])
        bases = [["total loss to the others", money(t["total_loss_economic"]), money(t["total_loss_gross"])],
                 ["other companies that default", *( [str(t["defaults"]), str(t.get("defaults_gross", "—"))] if econ
                                                    else ["—", str(t["defaults"])])]]
        if t.get("total_loss_without_substitution") is not None:
            bases.append(["without the market's reconfiguration", *side(money(t["total_loss_without_substitution"]))])
        bases += [[esc(n.replace("_", " ")) + f'<br><span class="counting">{esc(LOSS_COMPONENTS.get(n, ""))}</span>',
                   *side(money(t["components"][n]))] for n in names]
        s.figures = {"stress_bases": F.bases_chart(t, names, title=f"Economic and gross losses if {STRESS_COMPANY} fails"),
                     **s.figures}
        s.captions["stress_bases"] = (
            "The economic loss to the others, component by component (bars stacked in the order the stress "
            "result lists them), beside the gross upper bound, the face value of everything owed and held.")
        rc = r.reconfiguration
        absorbs = ""
        if len(rc):
            absorbs = (para(f"Who absorbs what, USD billions within {r.basis['horizon_months']} months:")
                       + table(["role", "company", "from", "kind", "freed or demanded", "absorbed", "earns"],
                               [[esc(x.role.replace("_", " ")), esc(x.company), esc(x.from_company), esc(x.kind),
                                 money(x.demand), money(x.absorbed), money(x.earns)] for x in rc.itertuples()],
                               numeric={4, 5, 6}))
        res = r.rescue
        rescue = para(f"What a rescue would cost: support of {money(res.support)} to {len(res.recipients)} companies "
                      f"prevents the {res.defaults_without} knock-on defaults ({res.defaults_with} left); paying what "
                      f"{esc(STRESS_COMPANY)} owes within the horizon instead would cost {money(res.bailout)} and "
                      f"avoid all {money(res.bailout_avoids)} of losses. " + esc(" ".join(res.notes)))
        assumptions = table(["assumption", "value", "unit", "basis", "source"],
                            [[esc(a["name"]), esc(a["value"]), esc(a.get("unit", "")), esc(a["basis"]),
                              esc(a["source"]) + (" " + source_links([a["url"]]) if a.get("url") else "")]
                             for a in r.assumptions])
        s.html = (para(f"Total loss to the others: <strong>{link('stress-table', money(t['total_loss']))}</strong> on the "
                       f"economic basis, beside a gross upper bound of <strong>{money(t['total_loss_gross'])}</strong> "
                       f"({money(t['direct_loss'])} direct, {money(t['indirect_loss'])} indirect); {t['defaults']} "
                       f"defaults, {t['distressed']} companies distressed (a loss of at least "
                       f"{r.params['distress_threshold']:.0%} of the buffer), {t['hit']} hit.")
                  + para(esc(r.sentence))
                  + table(["", "economic (what creditors lose)", "gross (face value, upper bound)"], bases,
                          "bases", numeric={1, 2})
                  + '<div id="stress-table"></div>'
                  + table(["company", "buffer", "loss", "gross", "loss / buffer", "state",
                           *[n.replace("_", " ") for n in names]], rows,
                          numeric={1, 2, 3, 4, *range(6, 6 + len(names))})
                  + absorbs + rescue
                  + para("Assumptions used (each can be changed with the option of the same name):") + assumptions
                  + para(esc(r.footer))
                  + para("Each company links to its deals, the exposures behind its loss."))

    def section_systemic(self, s: Section) -> None:
        from ..stresstest.scenario import systemic

        r = systemic(self.ledger, as_of=self.as_of)
        s.figures["systemic_chart"] = F.systemic_chart(r.table)
        s.captions["systemic_chart"] = (
            "Each company failing alone, ranked by the economic loss it causes the others (DebtRank, default "
            "parameters as in the previous section); the gross bound and its rank beside it.")
        rows = [[str(x.rank), company_link(x.company, x.name), money(x.total_loss), money(x.total_loss_gross),
                 str(x.rank_gross), money(x.direct_loss), money(x.indirect_loss), f"{x.debtrank:.3f}", str(x.defaults),
                 str(x.distressed), esc(x.largest_victim)] for x in r.table.head(15).itertuples()]
        s.html = (table(["rank", "if this company fails", "economic loss to others", "gross bound", "gross rank",
                         "direct", "indirect", "DebtRank", "defaults", "distressed", "largest victim"], rows,
                        numeric={2, 3, 4, 5, 6, 7, 8, 9})
                  + para(esc(r.footer)))

    def section_methods(self, s: Section) -> None:
        items = [
            ("Network view (docs/methods.md 0.2)", "Deals announced by the as-of date, each with its status then. "
             "Dollar measures use the binding statuses (definitive, partly paid, paid); summary and subset rows "
             "are listed but never added; a missing amount is left out and counted, never taken as 0. Amounts "
             "are the high end of each range unless said otherwise; warrants and backstops move no cash."),
            ("Cycles (docs/methods.md 1; Johnson 1975, Gupta & Suzumura 2021)", "Simple cycles only: no company twice "
             "in a loop. A hop's amount sums its legs; the bottleneck is the smallest hop."),
            ("Circulation (docs/methods.md 2; Fleischman & Dini 2021)", "The largest flow that can go round with "
             "every company passing on what it receives, solved exactly as a linear programme. The circular "
             "share is that flow over all deal dollars; round-trip shares come with their range because the "
             "split between companies is not unique."),
            ("Promises (docs/methods.md 6.1, 6.8)", "Dollars by status; what is still to pay is straight-line over a "
             "contract's term (derived)."),
            ("Look-through (docs/methods.md 8; ASC 323, IAS 28)", "An investee's loss backed out of the investor's "
             "equity-method figures: booked figure / stake held, for each figure and stake; all cells derived."),
            ("Stress tests (docs/methods.md 5-6; Battiston et al. 2012, Bardoscia et al. 2015)", "A failed company "
             "stops paying what it committed and its equity goes to zero; losses spread by DebtRank. Default "
             "recovery 0 and substitution 0 are the worst case; buffers are market values where known and "
             "infinite (listed) where not."),
            ("Data", f"{self.ledger_counts()['deals']} deal legs, {self.ledger_counts()['companies']} companies, "
             f"{self.ledger_counts()['sources']} sources. Each deal lists its sources in the appendix."),
        ]
        s.html = "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items) + "</dl>"

    def ledger_counts(self) -> dict[str, int]:
        return {t: len(self.ledger.records(t)) for t in ("deals", "companies", "sources")}

    def section_deals(self, s: Section) -> None:
        deals = self.deals
        out = []
        groups = [("binding", "Signed or paid (the binding statuses)", deals["status"].isin(list(BINDING_STATUSES)))]
        groups += [(status, STATUS_LABELS[status], deals["status"] == status) for status in STATUSES]
        out.append("<h3>By status</h3>")
        for key, label, mask in groups:
            ids = deals.loc[mask, "id"].tolist()
            out.append(f'<p id="status-{esc(key)}"><strong>{esc(label)}</strong> ({len(ids)}): '
                       + ", ".join(deal_link(d) for d in ids) + "</p>")
        out.append("<h3>By kind</h3>")
        for kind, part in deals.groupby("kind"):
            out.append(f'<p id="kind-{esc(kind)}"><strong>{esc(F.KIND_LABELS.get(kind, kind))}</strong>: '
                       + ", ".join(deal_link(d) for d in part["id"]) + "</p>")
        out.append("<h3>By company</h3>")
        for cid in sorted(set(deals["payer"]) | set(deals["payee"]), key=lambda c: self.name(c).lower()):
            ids = deals.loc[(deals["payer"] == cid) | (deals["payee"] == cid), "id"]
            out.append(f'<p id="company-{esc(cid)}"><strong>{esc(self.name(cid))}</strong>: '
                       + ", ".join(deal_link(d) for d in ids) + "</p>")
        out.append("<h3>Every deal leg</h3>")
        rows = []
        for r in deals.sort_values("id").itertuples():
            amount = money(r.amount_low) if r.amount_low == r.amount_high else f"{money(r.amount_low)}–{money(r.amount_high)}"
            note = "" if r.include_in_totals else " <em>(summary row, not added)</em>"
            rows.append([f'<span id="deal-{esc(r.id)}">{esc(r.id)}</span>',
                         f"{company_link(r.payer, r.payer_name)} → {company_link(r.payee, r.payee_name)}",
                         esc(F.KIND_LABELS.get(r.kind, r.kind)), esc(r.status), amount + note,
                         esc(r.announced or ""), source_links([x["url"] for x in r.sources])])
        out.append(table(["deal", "payer → payee", "kind", "status", "USD bn", "announced", "sources"], rows,
                         "deals"))
        s.html = "".join(out)

    def _headline(self):
        if self.headline is None:
            from ..findings import headline

            self.headline = headline(self.ledger, as_of=self.as_of, explain=True, top=TOP)
        return self.headline

    def build(self) -> list[Section]:
        sections = []
        for sid, title in SECTIONS:
            self.progress(title)
            s = Section(sid, title)
            try:
                getattr(self, "section_" + sid.replace("-", "_"))(s)
            except ImportError as e:
                s.available, s.reason = False, f"the module it needs is not installed ({e.name or e})"
            except LedgerError as e:
                s.available, s.reason = False, str(e)
            sections.append(s)
        return sections


def build_report(ledger, as_of=None, progress: Callable[[str], None] | None = None) -> Report:
    """Run the measures for ``as_of`` (default today) and assemble the report's sections.

    ``progress`` is called with each section's title before it is built (the CLI shows a Rich
    progress bar). A section whose measure is missing or fails on the data is kept as
    unavailable, with the reason, so the report always renders.

    >>> from loopledger import load_default
    >>> r = build_report(load_default(), as_of="2025-12-31")  # doctest: +SKIP
    >>> r.unavailable  # doctest: +SKIP
    {}
    """
    from datetime import datetime

    as_of_d = parse_as_of(as_of)
    if not ledger.records("deals"):
        raise LedgerError("the ledger holds no deals: run `loopledger init` to load the bundled dataset")
    b = _Builder(ledger, as_of_d, progress)
    sections = b.build()
    return Report(as_of=as_of_d, sections=sections, counts=b.ledger_counts(), data_reaches=ledger.latest_event(),
                  generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
