"""Integrity of the bundled dataset (issue 7, item 5): ids, references, sources, units and
ranges, dates, and totals that never count the same money twice.

The rows are read with the csv module (fixtures ``raw`` / ``live``); the summary is recomputed
here from those rows and compared with ``Ledger.summary``, the only place loopledger's own code
is involved."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict

import networkx as nx
import pytest

from loopledger.ledger.data import BUFFER_FAMILIES
from loopledger.vocabulary import FACT_UNITS as VOCABULARY_FACT_UNITS

TABLES = ("sources", "companies", "deals", "events", "disbursements", "facts")
VOCAB = {
    ("deals", "kind"): {"equity_investment", "compute_purchase", "cloud_contract", "capacity_backstop",
                        "lease", "warrant_or_equity_grant", "loan_debt_spv", "licensing",
                        "revenue_share", "acquisition", "deposit", "other"},
    ("deals", "consideration"): {"", "cash", "stock", "in_kind", "mixed"},
    ("deals", "confidence"): {"high", "medium", "low"},
    ("facts", "confidence"): {"high", "medium", "low"},
    ("events", "status"): {"rumored", "announced_loi", "definitive", "funded_partial", "funded",
                           "cancelled_stalled", "amended"},
    ("sources", "type"): {"filing", "press_release", "official_record", "news", "repost", "aggregator",
                          "other"},
}
#: relations that mark a row as a summary or part of another row: never added to totals
NOT_IN_TOTALS = {"stake_summary", "programme_summary", "subset_of", "realized_spend"}
FINAL = {"funded", "cancelled_stalled"}
#: largest plausible single amount in USD bn (the $500B Stargate programme is the largest row)
MAX_DEAL_USD_BN = 1000.0
MAX_FACT_USD_BN = 10000.0  # a market value of $10 trillion
#: the allowed units are declared once, in loopledger.vocabulary.FACT_UNITS
FACT_UNITS = set(VOCABULARY_FACT_UNITS)
#: metrics that code reads as USD billions without looking at the unit
USD_METRICS = {m for ms in BUFFER_FAMILIES.values() for m in ms} | {"capex", "capex_guidance", "book_equity",
                                                                     "net_loss", "operating_loss"}
PERIOD = re.compile(r"^(FY\d{4}|\d{4}|\d{4}-Q[1-4]|\d{4}-H[12]|\d{4}-\d{2}/\d{4}-\d{2})( \(.+\))?$")


# -- ids and references --------------------------------------------------------------------------

@pytest.mark.parametrize("table", TABLES)
def test_every_id_is_unique(raw, table):
    dupes = [i for i, n in Counter(r["id"] for r in raw[table]).items() if n > 1]
    assert not dupes, f"{table}: duplicate ids {dupes}"


def test_source_ids_are_the_sha1_of_their_url_and_urls_are_unique(raw):
    bad = [s["id"] for s in raw["sources"]
           if s["id"] != "src-" + hashlib.sha1(s["url"].encode()).hexdigest()[:12]]
    assert not bad, f"source ids that are not src-+sha1(url)[:12]: {bad}"
    dupes = [u for u, n in Counter(s["url"] for s in raw["sources"]).items() if n > 1]
    assert not dupes


def test_every_referenced_record_exists(raw, rows):
    ids = {t: {r["id"] for r in raw[t]} for t in TABLES}
    missing = []
    for d in raw["deals"]:
        missing += [("deal", d["id"], c) for c in (d["payer"], d["payee"]) if c not in ids["companies"]]
        missing += [("deal overlap", d["id"], o) for o in rows.items(d["overlap_with"]) if o not in ids["deals"]]
    missing += [("event", e["id"], e["deal"]) for e in raw["events"] if e["deal"] not in ids["deals"]]
    missing += [("fact", f["id"], f["company"]) for f in raw["facts"] if f["company"] not in ids["companies"]]
    missing += [("company parent", c["id"], c["parent"]) for c in raw["companies"]
                if c["parent"] and c["parent"] not in ids["companies"]]
    for table in ("deals", "events", "facts"):
        missing += [(table, r["id"], s) for r in raw[table] for s in rows.items(r["sources"])
                    if s not in ids["sources"]]
    assert not missing, missing[:20]


@pytest.mark.parametrize("table,column", sorted(VOCAB))
def test_vocabularies(raw, table, column):
    bad = {r[column] for r in raw[table]} - VOCAB[(table, column)]
    assert not bad


# -- sources ---------------------------------------------------------------------------------------

def test_every_row_is_sourced_by_live_sources(live, rows):
    live_sources = {s["id"] for s in live["sources"]}
    unsourced = []
    for table in ("deals", "events", "facts"):
        for r in live[table]:
            refs = rows.items(r["sources"])
            if not refs or not set(refs) <= live_sources:
                unsourced.append((table, r["id"]))
    assert not unsourced, unsourced[:20]


def test_every_live_deal_has_a_status_history(live):
    with_events = {e["deal"] for e in live["events"]}
    assert not [d["id"] for d in live["deals"] if d["id"] not in with_events]


def test_reposts_name_what_they_copy(live):
    """A repost without its original is an anonymous source."""
    bad = [s["id"] for s in live["sources"] if s["type"] == "repost" and not s["original_publisher"]]
    assert not bad, bad


# -- units and ranges ----------------------------------------------------------------------------

def _num(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def test_deal_amounts_are_usd_billions_in_a_plausible_range(live):
    problems = []
    for d in live["deals"]:
        lo, hi = _num(d["amount_low"]), _num(d["amount_high"])
        if d["currency"] != "USD" and not d["fx_rate"]:
            problems.append((d["id"], "non-USD amount without fx_rate"))
        for v in (lo, hi):
            if v is not None and not 0 < v <= MAX_DEAL_USD_BN:
                # 0 would be an invented figure (missing is blank); > $1T is a unit slip
                problems.append((d["id"], f"amount {v} outside (0, {MAX_DEAL_USD_BN}]"))
        if lo is not None and hi is not None and lo > hi:
            problems.append((d["id"], "low > high"))
        stake = _num(d["stake_pct"])
        if stake is not None and not 0 < stake <= 100:
            problems.append((d["id"], f"stake_pct {stake}"))
        gw = _num(d["power_gw"])
        if gw is not None and not 0 < gw <= 20:
            problems.append((d["id"], f"power_gw {gw} (a slip between MW and GW?)"))
        sv = _num(d["stake_value"])
        if sv is not None and not 0 < sv <= MAX_DEAL_USD_BN:
            problems.append((d["id"], f"stake_value {sv}"))
    assert not problems, problems


def test_fact_units_and_ranges(live):
    problems = []
    for f in live["facts"]:
        v, unit, metric = float(f["value"]), f["unit"], f["metric"]
        if unit not in FACT_UNITS:
            problems.append((f["id"], f"unit {unit!r}"))
        if unit == "USD bn" and abs(v) > MAX_FACT_USD_BN:
            problems.append((f["id"], f"{v} USD bn looks like a unit slip"))
        if unit == "%" and not 0 <= v <= 100:
            problems.append((f["id"], f"{v}%"))
        if metric in ("revenue", "cash", "total_debt", "long_term_debt", "rpo", "backlog", "capex",
                      "market_cap") or metric.startswith("valuation"):
            if v < 0:
                problems.append((f["id"], f"{metric} cannot be negative"))
        if metric == "net_loss" and v < 0:
            problems.append((f["id"], "net_loss is recorded positive; use net_income for the signed figure"))
        if f["derived"] == "true" and not f["derivation"]:
            problems.append((f["id"], "derived without derivation"))
        if metric in USD_METRICS and unit != "USD bn":
            problems.append((f["id"], f"{metric} is read as USD bn by buffer and measure code, not {unit}"))
        for ccy, ccy_unit in (("jpy", "JPY bn"), ("twd", "TWD bn"), ("eur", "EUR bn"), ("krw", "KRW tn")):
            if metric.endswith(f"_{ccy}") and unit != ccy_unit:
                problems.append((f["id"], f"{metric} must be in {ccy_unit}"))
            if unit == ccy_unit and not metric.endswith(f"_{ccy}"):
                problems.append((f["id"], f"a {ccy_unit} figure needs a metric name ending _{ccy}"))
        if f["period"] and not PERIOD.match(f["period"]):
            problems.append((f["id"], f"period {f['period']!r} is not FY2025 / 2025 / 2025-Q1 / 2025-H1 / YYYY-MM/YYYY-MM"))
    assert not problems, problems


def test_net_income_agrees_with_net_loss_where_both_are_recorded(live):
    signed = {(f["company"], f["as_of"]): float(f["value"]) for f in live["facts"] if f["metric"] == "net_income"}
    for f in live["facts"]:
        if f["metric"] == "net_loss" and (f["company"], f["as_of"]) in signed:
            assert signed[(f["company"], f["as_of"])] == pytest.approx(-float(f["value"]))


# -- dates -------------------------------------------------------------------------------------------

def test_nothing_is_dated_after_the_dataset(live, rows):
    late = [(e["id"], e["date"]) for e in live["events"] if rows.start(e["date"]) > rows.DATASET_DATE]
    late += [(f["id"], f["as_of"]) for f in live["facts"] if rows.start(f["as_of"]) > rows.DATASET_DATE]
    late += [(d["id"], d["announced"]) for d in live["deals"]
             if d["announced"] and rows.start(d["announced"]) > rows.DATASET_DATE]
    assert not late


# -- status histories ------------------------------------------------------------------------------

def _histories(live):
    by_deal = defaultdict(list)
    for e in live["events"]:
        by_deal[e["deal"]].append(e)
    return {d: sorted(es, key=lambda e: int(e["id"].rsplit("/", 1)[1])) for d, es in by_deal.items()}


def test_status_histories_are_in_date_order(live, rows):
    """Events numbered in the order they happened: a later number never starts earlier."""
    bad = []
    for _deal, events in _histories(live).items():
        for a, b in zip(events, events[1:]):
            if rows.start(b["date"]) < rows.start(a["date"]):
                bad.append((a["id"], a["date"], b["id"], b["date"]))
    assert not bad, bad


def test_nothing_follows_a_final_state_without_a_reason(live):
    bad = []
    for _deal, events in _histories(live).items():
        final_seen = False
        for e in events:
            if final_seen and not e["note"]:
                bad.append(e["id"])
            final_seen = final_seen or e["status"] in FINAL
    assert not bad, bad


def test_first_event_is_not_before_the_announcement(live, rows):
    announced = {d["id"]: d["announced"] for d in live["deals"]}
    bad = [es[0]["id"] for d, es in _histories(live).items()
           if announced.get(d) and rows.end(es[0]["date"]) < rows.start(announced[d])]
    assert not bad


def test_amended_events_do_not_open_a_history(live):
    """'amended' changes terms and keeps the status: it needs a status before it."""
    assert not [es[0]["id"] for es in _histories(live).values() if es[0]["status"] == "amended"]


# -- overlaps and the summary --------------------------------------------------------------------

def test_summary_and_subset_rows_stay_out_of_totals(live):
    bad = [d["id"] for d in live["deals"] if d["overlap"] in NOT_IN_TOTALS and d["include_in_totals"] == "true"]
    assert not bad, bad


def test_rows_left_out_of_totals_say_why(live):
    bad = [d["id"] for d in live["deals"]
           if d["include_in_totals"] == "false" and not (d["overlap"] or d["overlap_note"] or d["stake_pct"])]
    assert not bad, bad


def _status_today(live, rows) -> dict[str, str]:
    """Latest status per deal as of the dataset date: the last non-amended event by date, then
    by number (an independent reading of the event table)."""
    out = {}
    for deal, events in _histories(live).items():
        real = [e for e in events if e["status"] != "amended" and rows.start(e["date"]) <= rows.DATASET_DATE]
        if real:
            last = max(real, key=lambda e: (rows.start(e["date"]), int(e["id"].rsplit("/", 1)[1])))
            out[deal] = last["status"]
    return out


def test_summary_counts_every_dollar_once(live, rows, bundled):
    """Recompute the by-status totals from the rows and compare with Ledger.summary: only
    include_in_totals legs; highs add high or else low; lows add each group of mutually
    overlapping legs once, at its largest low (groups from networkx connected components)."""
    status = _status_today(live, rows)
    counted = [d for d in live["deals"] if d["include_in_totals"] == "true" and d["id"] in status]
    expected = {}
    for st in ("funded", "funded_partial", "definitive", "announced_loi", "rumored", "cancelled_stalled"):
        part = [d for d in counted if status[d["id"]] == st]
        g = nx.Graph()
        g.add_nodes_from(d["id"] for d in part)
        ids = {d["id"] for d in part}
        for d in part:
            if d["overlap"] == "overlaps":
                g.add_edges_from((d["id"], o) for o in rows.items(d["overlap_with"]) if o in ids)
        lows = {d["id"]: _num(d["amount_low"]) for d in part}
        low = sum(max((lows[i] for i in comp if lows[i] is not None), default=0.0)
                  for comp in nx.connected_components(g))
        high = sum((_num(d["amount_high"]) if d["amount_high"] else _num(d["amount_low"]) or 0.0) for d in part)
        expected[st] = (len(part), low, high)
    got = bundled.summary(as_of=rows.DATASET_DATE).by_status
    for st, (n, low, high) in expected.items():
        assert got[st]["count"] == n, st
        assert got[st]["low"] == pytest.approx(low, abs=1e-6), st
        assert got[st]["high"] == pytest.approx(high, abs=1e-6), st


def test_overlap_partners_are_in_the_same_relationship_or_named(live, rows):
    """An 'overlaps' or 'subset_of' row names its partner, and the partner exists and is live."""
    live_ids = {d["id"] for d in live["deals"]}
    bad = [d["id"] for d in live["deals"] if d["overlap"] in ("overlaps", "subset_of")
           and not set(rows.items(d["overlap_with"])) & live_ids]
    assert not bad, bad


# -- events against the dates of their sources (issue 13, item 2) --------------------------------

#: how long after the newest source it cites an event may be dated
EVENT_GRACE_DAYS = 31


def _source_dates(live, rows, e):
    dates = {s["id"]: s["date"] for s in live["sources"]}
    return [dates[s] for s in rows.items(e["sources"]) if dates.get(s)]


def test_no_event_is_dated_long_after_all_its_sources(live, rows):
    """An event more than 31 days after the newest source it cites (read at the latest
    possible publication day of a partly dated source) rests on nothing that reports it."""
    late = []
    for e in live["events"]:
        ds = _source_dates(live, rows, e)
        if ds:
            newest = max(rows.end(d) for d in ds)
            if (rows.start(e["date"]) - newest).days > EVENT_GRACE_DAYS:
                late.append((e["id"], e["date"], max(ds)))
    assert not late, late


def test_no_event_is_dated_after_every_source_it_cites(live, rows):
    """A source cannot report an event that had not happened yet: an event whose every source
    was certainly published before it fails (a schedule announced in advance is recorded as a
    separate, earlier event, and the payment when a source reports it)."""
    early = []
    for e in live["events"]:
        ds = _source_dates(live, rows, e)
        if ds and all(rows.end(d) < rows.start(e["date"]) for d in ds):
            early.append((e["id"], e["date"], sorted(ds)))
    assert not early, early


def test_every_live_event_has_a_dated_source_or_says_why(live, rows):
    undated = [e["id"] for e in live["events"] if not _source_dates(live, rows, e)]
    # sources reporting past events are fine (allowed, docs/data.md); an undated source gives no check at all
    assert len(undated) <= 1, undated


# -- source quality (issue 13, item 7) -------------------------------------------------------------

def test_a_deal_citing_only_aggregators_fails_unless_its_reason_is_documented(live, rows):
    types = {s["id"]: s["type"] for s in live["sources"]}
    documented = {g["id"] for g in rows.gap_reasons() if g["table"] == "deals" and g["what"] == "non_aggregator_source"}
    only = {d["id"] for d in live["deals"] if {types[s] for s in rows.items(d["sources"])} == {"aggregator"}}
    assert only <= documented, sorted(only - documented)
    assert not documented - only, f"stale reasons (the deal now has a better source): {sorted(documented - only)}"


def test_gap_reasons_name_live_records_and_real_gaps(live, rows):
    ids = {t: {r["id"] for r in live[t]} for t in ("deals", "companies")}
    for g in rows.gap_reasons():
        assert g["id"] in ids[g["table"]], g
        assert len(g["reason"]) > 30, g
        assert g["what"] in {"primary_source", "non_aggregator_source", "value", "book_equity", "cash", "debt"}, g


# -- disbursements and companies ---------------------------------------------------------------------

def test_disbursements_are_sourced_dated_and_name_live_deals(live, rows):
    deals = {d["id"]: d for d in live["deals"]}
    first = {}
    for e in live["events"]:
        first[e["deal"]] = min(first.get(e["deal"], rows.start(e["date"])), rows.start(e["date"]))
    bad = []
    for r in live["disbursements"]:
        if r["deal"] not in deals:
            bad.append((r["id"], "unknown deal"))
            continue
        if not rows.items(r["sources"]):
            bad.append((r["id"], "no source"))
        if not float(r["amount"]) > 0:
            bad.append((r["id"], "amount must be positive (missing is not 0)"))
        if r["currency"] != "USD" and not r["fx_rate"]:
            bad.append((r["id"], "non-USD without fx_rate"))
        if r["kind"] == "repayment" and r["basis"] == "cumulative":
            bad.append((r["id"], "a repayment is an increment"))
        if r["derived"] == "true" and not r["derivation"]:
            bad.append((r["id"], "derived without derivation"))
        if rows.start(r["date"]) > rows.DATASET_DATE:
            bad.append((r["id"], "dated after the dataset"))
    assert not bad, bad


def test_paid_never_exceeds_a_known_amount_by_much(live, rows, bundled):
    """What is recorded paid stays within the deal's high amount (5% rounding allowance)."""
    deals = {d["id"]: d for d in live["deals"]}
    over = []
    for deal, paid in bundled.paid().items():
        hi = deals[deal]["amount_high"] or deals[deal]["amount_low"]
        if hi and paid > 1.05 * float(hi):
            over.append((deal, paid, hi))
    assert not over, over


def test_company_ciks_sponsors_and_sources(live, rows):
    ids = {c["id"] for c in live["companies"]}
    sources = {s["id"] for s in live["sources"]}
    for c in live["companies"]:
        if c["cik"]:
            assert re.fullmatch(r"\d{10}", c["cik"]), c["id"]
        assert set(rows.items(c["sponsors"])) <= ids, c["id"]
        assert set(rows.items(c["sources"])) <= sources, c["id"]
    ciks = [c["cik"] for c in live["companies"] if c["cik"]]
    assert len(ciks) == len(set(ciks)), "two companies share a CIK"
