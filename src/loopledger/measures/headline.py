"""The headline: the few numbers a reader needs, each traceable to its deals and sources.

``measure(ledger, as_of)`` gathers, for one dated view of the ledger: how much of the money
could be going round in circles (circular share, docs/methods.md 2), the ten largest simple cycles
by the dollars that could go once round them (bottleneck, docs/methods.md 1), the companies whose
network revenue could most be money coming back (round-trip share, docs/methods.md 2.2), how much
of it all is paid, signed or only promised (:mod:`loopledger.measures.promises`), and the
look-through estimate of the largest private investee's loss (docs/methods.md 8). With
``explain=True`` every number carries its trace: the deals behind it and their source URLs.
It computes nothing new: it calls the measures and keeps their caveats next to their numbers.

**One base for every share.** Every dollar share of the headline is a share of one base: the
known amounts of the deal legs in view that move cash (``basis["binding"]``: with the default
view, signed or paid deals at the high end of each range; the circulation's ``flow_total``).
The money that could go round is counted on every leg it passes through, as the base is, so
the two can be divided. Stock and warrants (no cash), legs without an amount and legs outside
the view (letters of intent by default) are beside the base, each said with its dollars.

**In words.** :attr:`Headline.findings` are the few sentences a reader needs, built from the
numbers: how much is paid, binding and promised; how much could go round and through whom;
what the significance test says (the circular share against random networks with the same
links per company, :func:`loopledger.measures.reciprocity.significance`, a fixed seed so the
words do not change from run to run); what the stress test says about the largest player (the
company with the most base dollars paid and received, :func:`largest_player`, failing alone on
the default economic basis with the gross bound beside it: run one layer up by
:func:`loopledger.findings.headline`, since the measures do not import the stress engine, and
passed in as ``stress``); and, where a loop is small only because of the view, a
:attr:`Headline.hints` entry saying so with the bottleneck the wider view gives.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import LedgerError
from ..ledger.dates import PartialDate
from ..ledger.view import View, view_of
from ..results import Result, frame_html
from ..vocabulary import BINDING_STATUSES, STATUS_GROUPS, STATUS_IN_SENTENCE, STATUS_LABELS, STATUS_PLURAL
from ..vocabulary import STATUS_ORDER as STATUSES
from .lookthrough import METRICS, lookthrough_from_ledger
from .promises import promises

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger

#: random networks the circular share is compared with in the findings (docs/methods.md 4.3)
SIGNIFICANCE_SAMPLES = 1000
#: the seed of those networks: the same words every run (any run can be repeated with
#: ``loopledger significance --stat circular_share --seed 1``)
SIGNIFICANCE_SEED = 1
#: a share resting on less than this many USD billions of base dollars is flagged as resting
#: on little money (the report's circular share over time)
SMALL_BASE = 100.0

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
    #: the one base every dollar share is a share of, and what lies beside it (see the module)
    basis: dict[str, Any] = field(default_factory=dict)
    #: the circular share against random networks (None when not asked for)
    significance: dict[str, Any] | None = None
    #: the largest player failing alone, on the default economic basis (None when not asked)
    stress: dict[str, Any] | None = None
    #: loops that are small only because of the view, each with the view that counts more
    hints: tuple[dict[str, Any], ...] = ()
    #: the findings in words, one sentence each (built from the numbers above)
    findings: tuple[str, ...] = ()

    caption = "Headline: circular financing as of a date (USD billions)"

    @property
    def paragraph(self) -> str:
        """The findings as one plain-language paragraph."""
        return " ".join(self.findings)

    @property
    def counting(self) -> str:
        """The line saying what the numbers count (statuses, amount basis, as of)."""
        return str(self.params.get("counting", ""))

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["paragraph"] = self.paragraph
        d["counting"] = self.counting
        return d

    def to_frame(self) -> pd.DataFrame:
        """One row per headline number: what, value, unit and a plain-words meaning."""
        c = self.circulation
        b = self.basis
        rows = [
            {"measure": "base of every share", "value": b.get("binding", c["flow_total"]), "unit": "USD bn",
             "meaning": "the known amounts of the deal legs in view that move cash (the one denominator)"},
            {"measure": "cash actually paid", "value": b.get("paid", float("nan")), "unit": "USD bn",
             "meaning": f"recorded payments under {b.get('paid_legs', 0)} of the {b.get('legs', 0)} legs in the base"},
            {"measure": "circular share", "value": c["share"], "unit": "fraction of the base",
             "meaning": "the largest part of the base that could go round in a circle"},
            {"measure": "money that could circulate", "value": c["total"], "unit": "USD bn",
             "meaning": "each hop counted, as the base is; a dollar round a 3-company loop counts 3 times"},
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
    significance_samples: int = SIGNIFICANCE_SAMPLES,
    *,
    view: View | None = None,
    stress: dict[str, Any] | None = None,
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
    significance_samples : int
        Random networks the circular share is compared with (default 1000, docs/methods.md
        4.3; seed :data:`SIGNIFICANCE_SEED`, null model N2); 0 leaves the test out.
    view : View, optional
        The whole view instead of ``as_of``, ``statuses`` and ``amount``.
    stress : dict, optional
        A stress test of the largest player already run one layer up (the measures do not run
        the stress engine, a sibling package): ``company``, ``name``, ``volume``, ``loss``,
        ``loss_gross``, ``sentence`` ..., as :func:`loopledger.findings.stress_summary` gives
        it. :func:`loopledger.findings.headline` runs both; without it the findings leave the
        stress test out.

    Returns
    -------
    Headline
        ``circulation`` (``total``, ``share``, ``flow_total`` and what was left out),
        ``cycles`` (count, by length, completeness), ``top_cycles`` (largest bottlenecks),
        ``round_trip`` (largest round-trip shares with their range over all optimal
        solutions), ``promises`` (dollars by status and what remains to be paid),
        ``lookthrough`` (range of the sensitivity table and the press figure), ``basis`` (the
        one base of every share and what lies beside it), ``significance``, ``stress``,
        ``hints``, ``findings`` (sentences; ``paragraph`` joins them) and, with ``explain``,
        ``trace``.

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
    basis = base_of(ledger, v)
    sig = circular_significance(net, significance_samples) if significance_samples else None
    hints = loop_hints(ledger, v, known, net=net)
    stressed = stress
    circ_d = {"total": circ.total, "share": circ.share, "flow_total": circ.flow_total,
              "legs_without_amount": circ.legs_without_amount, "non_cash_legs": circ.non_cash_legs,
              "self_loops": circ.self_loops}
    findings = tuple(build_findings(v, basis, circ_d, top_cycles, comp, sig, stressed, hints))
    return Headline(
        as_of=as_of_d,
        circulation=circ_d,
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
        basis=basis,
        significance=sig,
        stress=stressed,
        hints=tuple(hints),
        findings=findings,
    )



# ------------------------------------------------------------------------------------------------
# the one base, the significance test, the largest player, the loops the view makes small


def base_of(ledger: Ledger, view: View) -> dict[str, Any]:
    """The one base of every dollar share (see the module docstring) and what lies beside it.

    ``binding``: the known amounts of the legs in view that move cash (the network's legs, so
    the circulation's ``flow_total``), with ``legs`` and ``by_status`` ({status: amount,
    legs}); ``paid``: the cash recorded paid under those legs by the date (dated tranches and
    drawdowns less repayments; ``paid_legs`` of them have a record, the others' split is not
    known); ``non_cash`` / ``non_cash_legs``: legs in view that move no cash (stock, warrants,
    backstops); ``without_amount``: cash legs in view with no amount (never counted as 0);
    ``outside``: {status: amount, legs} of the statuses the view leaves out (counted legs that
    move cash). USD billions on the view's amount basis."""
    table = ledger.legs(view=view)
    edges = table if view.include_overlaps else table[table["counted"]]
    cash = edges[edges["in_flow"].astype(bool)]
    base = cash[cash["amount"].notna()]
    non_cash = edges[~edges["in_flow"].astype(bool)]
    by_status = {s: {"amount": float(base.loc[base["status"] == s, "amount"].sum()),
                     "legs": int((base["status"] == s).sum())}
                 for s in STATUSES if s in set(base["status"]) or (view.statuses and s in view.statuses)}
    paid = base["paid"].astype(float)
    outside: dict[str, dict[str, Any]] = {}
    if view.statuses is not None:
        every = ledger.legs(view=view.with_(statuses=None))
        every = every[every["counted"] & every["in_flow"].astype(bool) & ~every["status"].isin(view.statuses)]
        for s in STATUSES:
            part = every[every["status"] == s]
            if len(part):
                outside[s] = {"amount": float(part["amount"].sum(skipna=True)), "legs": int(len(part)),
                              "without_amount": int(part["amount"].isna().sum())}
    binding = float(base["amount"].sum())
    return {
        "what": "the known amounts of the deal legs in view that move cash",
        "binding": binding,
        "legs": int(len(base)),
        "by_status": by_status,
        "paid": float(paid.sum(skipna=True)),
        "paid_legs": int(paid.notna().sum()),
        "paid_share": float(paid.sum(skipna=True)) / binding if binding > 0 else float("nan"),
        "non_cash": float(non_cash["amount"].sum(skipna=True)),
        "non_cash_legs": int(len(non_cash)),
        "without_amount": int(cash["amount"].isna().sum()),
        "outside": outside,
    }


_SIGNIFICANCE_CACHE: dict[str, dict[str, Any]] = {}


def circular_significance(net, samples: int = SIGNIFICANCE_SAMPLES, seed: int = SIGNIFICANCE_SEED,
                          null: str = "N2") -> dict[str, Any] | None:
    """The circular share of ``net`` against ``samples`` random networks of null model
    ``null`` (docs/methods.md 4.3; :func:`loopledger.measures.reciprocity.significance` with
    ``stats=["circular_share"]``), as JSON values: ``observed``, ``null_mean``, the null's
    95% band, ``z``, ``p`` (the share of random networks at least as circular, (1 + count) /
    (samples + 1)), ``more_than_chance`` (p < 0.05) and the ``samples``, ``seed`` and ``null``
    to repeat it. A fixed seed gives the same answer every run; results are kept per network
    (its legs and amounts) in this process. None for a network without legs."""
    from .reciprocity import significance

    if net.m == 0:
        return None
    e = net.edges
    digest = hashlib.sha1(pd.util.hash_pandas_object(
        e[["source", "target", "amount", "in_flow"]].astype({"source": str, "target": str}), index=False
    ).to_numpy().tobytes()).hexdigest()
    key = f"{digest}:{samples}:{seed}:{null}"
    if key not in _SIGNIFICANCE_CACHE:
        try:
            res = significance(net, stats=("circular_share",), null=null, samples=samples, seed=seed)
        except LedgerError:
            return None
        r = res.stats.iloc[0]
        if len(_SIGNIFICANCE_CACHE) > 64:
            _SIGNIFICANCE_CACHE.clear()
        _SIGNIFICANCE_CACHE[key] = {
            "statistic": "circular_share", "observed": float(r["observed"]), "null_mean": float(r["null_mean"]),
            "band_low": float(r["band_low"]), "band_high": float(r["band_high"]), "z": float(r["z"]),
            "p": float(r["p"]), "more_than_chance": bool(r["p"] < 0.05), "samples": int(samples),
            "seed": int(seed), "null": null,
            "what": ("the circular share against random networks in which every company keeps its number of "
                     "links in and out and of two-way partners (null model N2, docs/methods.md 4.2-4.3)"),
        }
    return dict(_SIGNIFICANCE_CACHE[key])


def volumes(ledger: Ledger, view: View) -> pd.Series:
    """Base dollars each company pays and receives (companies that are placeholders left out)."""
    table = ledger.legs(view=view)
    edges = table if view.include_overlaps else table[table["counted"]]
    base = edges[edges["in_flow"].astype(bool) & edges["amount"].notna()]
    vol = base.groupby("source")["amount"].sum().add(base.groupby("target")["amount"].sum(), fill_value=0.0)
    companies = ledger.companies()
    if "placeholder" in companies:
        placeholders = set(companies.loc[companies["placeholder"].fillna(False).astype(bool), "id"])
        vol = vol[~vol.index.isin(placeholders)]
    return vol


def largest_player(ledger: Ledger, view: View) -> str | None:
    """The company (not a placeholder) with the most base dollars paid and received; ties go
    to the first id. None when no dollars are in view."""
    vol = volumes(ledger, view)
    vol = vol[vol > 0]
    if vol.empty:
        return None
    frame = vol.rename("v").reset_index().rename(columns={"index": "id", "source": "id"})
    frame = frame.sort_values(["v", "id"], ascending=[False, True])
    return str(frame.iloc[0]["id"])


def loop_hints(ledger: Ledger, view: View, cycles: pd.DataFrame, net=None,
               add: tuple[str, ...] = ("announced_loi",), factor: float = 2.0,
               at_least: float = 1.0, limit: int = 3) -> list[dict[str, Any]]:
    """Loops of ``cycles`` (a cycle table with ``nodes`` and ``bottleneck``) that are small only
    because the view leaves out the statuses ``add`` (default letters of intent): counting
    them, the loop's bottleneck would be at least ``factor`` times larger and ``at_least`` USD
    bn more. The ``limit`` loops the wider view lifts most, largest first. Each hint names the
    hop that holds the loop back, the deals that would lift it, the bottleneck with them
    (``with_added``) and the ``statuses`` of the view that counts them (docs/methods.md 1)."""
    if view.statuses is None or cycles.empty:
        return []
    extra = tuple(s for s in add if s not in view.statuses)
    if not extra:
        return []
    wider = view.with_(statuses=tuple(view.statuses) + extra)
    wide_net = ledger.network(view=wider)
    narrow = (net if net is not None else ledger.network(view=view)).pairs()
    wide = wide_net.pairs()
    amount = {(r.source, r.target): r.amount for r in narrow.itertuples()}
    amount_wide = {(r.source, r.target): r.amount for r in wide.itertuples()}
    e = wide_net.edges
    lifting_of: dict[tuple[str, str], list[str]] = {}
    if "deal" in e:
        part = e[e["status"].isin(extra)]
        for r in part.itertuples():
            lifting_of.setdefault((r.source, r.target), []).append(r.deal)
    names = ledger.company_names()
    words = " and ".join(STATUS_PLURAL[s] for s in extra)
    out = []
    for r in cycles.itertuples():
        if pd.isna(r.bottleneck):
            continue
        nodes = list(r.nodes)
        hops = list(zip(nodes, nodes[1:] + nodes[:1]))
        wide_vals = [amount_wide.get(h, np.nan) for h in hops]
        if any(pd.isna(x) for x in wide_vals):
            continue
        with_extra = float(min(wide_vals))
        if not (with_extra >= factor * r.bottleneck and with_extra - r.bottleneck >= at_least):
            continue
        narrow_vals = [amount.get(h, np.nan) for h in hops]
        i = int(np.nanargmin(narrow_vals))
        a, b = hops[i]
        lifting = lifting_of.get((a, b), [])
        j = int(np.argmin(wide_vals))
        loop = " → ".join([names.get(n, n) for n in nodes] + [names.get(nodes[0], nodes[0])])
        text = (f"The {loop} loop carries only {_bn(r.bottleneck)} because {words} are left out: its "
                f"{names.get(a, a)} → {names.get(b, b)} hop holds {_bn(narrow_vals[i])} of the deals in view"
                + (f" and {_bn(amount_wide[(a, b)] - narrow_vals[i])} more in {words}" if lifting else "")
                + f". Counting them, up to {_bn(with_extra)} could go once round it (then the "
                f"{names.get(hops[j][0], hops[j][0])} → {names.get(hops[j][1], hops[j][1])} hop is the bottleneck).")
        out.append({"nodes": nodes, "names": [names.get(n, n) for n in nodes],
                    "bottleneck": float(r.bottleneck), "with_added": with_extra, "added": list(extra),
                    "hop": {"payer": a, "payee": b, "amount": float(narrow_vals[i]),
                            "amount_with_added": float(amount_wide[(a, b)]), "deals": lifting},
                    "bottleneck_with_added": {"payer": hops[j][0], "payee": hops[j][1], "amount": with_extra},
                    "statuses": list(wider.statuses or ()), "text": text})
    out.sort(key=lambda h: (-(float(h["with_added"]) - float(h["bottleneck"])), h["names"]))  # type: ignore[arg-type]
    return out[:limit]


def _bn(x: float) -> str:
    """USD billions in a sentence: ``$2,494 bn``, ``$30.1 bn``; unknown says so."""
    if x is None or x != x:
        return "an unknown amount"
    return f"${x:,.0f} bn" if abs(x) >= 100 else f"${x:,.1f} bn"


def _pct_words(x: float) -> str:
    return "—" if x is None or x != x else f"{100 * x:.1f}%"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def build_findings(view: View, basis: dict[str, Any], circ: dict[str, Any], top_cycles: pd.DataFrame,
                   companies: pd.DataFrame, sig: dict[str, Any] | None, stressed: dict[str, Any] | None,
                   hints: list[dict[str, Any]]) -> list[str]:
    """The findings in words, one sentence (or two) per number, from the numbers given."""
    as_of = view.as_of.isoformat()
    base = basis["binding"]
    if view.statuses is None:
        what = "the deals of every status in view that move cash"
    elif set(view.statuses) == set(BINDING_STATUSES):
        what = "the signed or paid deals in view that move cash"
    else:
        what = "the " + _and([STATUS_IN_SENTENCE.get(s, s) for s in view.statuses]) + " deals that move cash"
    if not base > 0:
        return [f"As of {as_of} no deal in view moves cash with a known amount: there is nothing to measure."]
    out = []
    parts = [f"{_bn(v['amount'])} {STATUS_IN_SENTENCE.get(s, s)}" for s, v in basis["by_status"].items()
             if v["legs"]]
    out.append(f"As of {as_of} the base of every share here is {_bn(base)}: {what} ({basis['legs']} deal legs"
               + (f"; {_and(parts)}" if len(parts) > 1 else "") + ").")
    if basis["paid_legs"]:
        out.append(f"Dated payment records show {_bn(basis['paid'])} of cash actually paid under "
                   f"{basis['paid_legs']} of these legs ({_pct_words(basis['paid_share'])} of the base); for the "
                   "others the ledger records the status, not the payments.")
    beside = []
    for s, v in basis["outside"].items():
        if s in STATUS_GROUPS["promised"] and v["amount"] > 0:
            beside.append(f"{_bn(v['amount'])} {STATUS_IN_SENTENCE.get(s, s)}")
    if basis["non_cash"] > 0:
        beside.append(f"{_bn(basis['non_cash'])} of deals paid in stock or warrants (no cash moves)")
    if beside:
        out.append("Not in the base: " + _and(beside) + ".")
    share, total = circ["share"], circ["total"]
    if total > 1e-9:
        comp = companies[companies["circular_flow"] > 1e-9].sort_values(["circular_flow", "name"],
                                                                         ascending=[False, True])
        back = [f"{r.name} ({_bn(r.circular_flow)})" for r in comp.head(3).itertuples()]
        out.append(f"Up to {_bn(total)} of the base ({_pct_words(share)}) could be money going round in circles, "
                   "counted on every deal it passes through, as the base is"
                   + (f"; most of it comes back to {_and(back)}" if back else "") + ".")
        known = top_cycles[top_cycles["bottleneck"].notna()]
        if len(known):
            r = known.iloc[0]
            loop = " → ".join(list(r["names"]) + [r["names"][0]])
            out.append(f"The largest loop, {loop}, could carry {_bn(r['bottleneck'])} once round (loops share "
                       "deals, so their figures are not added up).")
    else:
        out.append("None of it can go round in a circle: no loop of deals in view has a known amount.")
    if sig is not None and total > 1e-9:
        verdict = "more than chance" if sig["more_than_chance"] else "not clearly more than chance"
        out.append(f"That is {verdict}: in {sig['samples']:,} random networks in which every company keeps its "
                   f"number of links and of two-way partners, the circular share averages "
                   f"{_pct_words(sig['null_mean'])}, and {_pct_words(sig['p'])} of them are at least as circular "
                   f"(p = {sig['p']:.2f}).")
    if stressed is not None and stressed.get("sentence"):
        out.append(f"{stressed['name']} is the largest player ({_bn(stressed['volume'])} paid and received in "
                   f"the base). " + stressed["sentence"])
    for h in hints[:2]:
        out.append(h["text"])
    return out


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
