"""The ledger as of a date: statuses from the dated history, filters, the summary (checked
against a plain re-computation from the bundled CSV files), and the CLI's JSON shapes."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date

import pytest

from loopledger import NotFoundError, load_default
from loopledger.ledger import data_dir
from loopledger.ledger.dates import PartialDate

STATUSES = ["funded", "funded_partial", "definitive", "announced_loi", "rumored", "cancelled_stalled"]


def _rows(table):
    with (data_dir() / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def oracle_summary(as_of: date):
    """Independent re-computation: plain csv rows, no pandas, no loopledger code but dates."""
    events = defaultdict(list)
    for e in _rows("events"):
        if e["retracted"] == "true":
            continue
        events[e["deal"]].append((PartialDate.parse(e["date"]).start, int(e["id"].rsplit("/", 1)[1]), e["status"]))
    status = {}
    for deal, evs in events.items():
        evs = sorted(v for v in evs if v[0] <= as_of)
        real = [s for _, _, s in evs if s != "amended"]
        if evs:
            status[deal] = real[-1] if real else None
    out = {s: {"count": 0, "high": 0.0} for s in STATUSES}
    n = 0
    for d in _rows("deals"):
        if d["retracted"] == "true" or d["id"] not in status:
            continue
        n += 1
        if d["include_in_totals"] != "true":
            continue
        s = out[status[d["id"]]]
        s["count"] += 1
        hi = d["amount_high"] or d["amount_low"]
        if hi:
            s["high"] += float(hi)
    return n, out


@pytest.mark.parametrize("as_of", ["2023-06-30", "2024-12-31", "2025-06-30", "2025-12-31", "2026-06-30"])
def test_summary_matches_an_independent_computation(bundled, as_of):
    n, want = oracle_summary(date.fromisoformat(as_of))
    got = bundled.summary(as_of=as_of)
    assert got.deals == n
    for s in STATUSES:
        assert got.by_status[s]["count"] == want[s]["count"], s
        assert got.by_status[s]["high"] == pytest.approx(want[s]["high"]), s


def test_nvidia_openai_letter_of_intent_then_stalled(bundled):
    assert bundled.status_of("nvda-openai-loi-100b", as_of="2025-12-31") == "announced_loi"
    assert bundled.status_of("nvda-openai-loi-100b", as_of="2026-06-30") == "cancelled_stalled"
    assert bundled.status_of("nvda-openai-loi-100b", as_of="2025-09-21") is None  # not yet announced


def test_summary_cli_differs_where_statuses_changed(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'l.db'}"
    assert cli("init", "--db", db).code == 0
    end25 = cli("summary", "--db", db, "--as-of", "2025-12-31", "--json").json()
    mid26 = cli("summary", "--db", db, "--as-of", "2026-06-30", "--json").json()
    for doc in (end25, mid26):
        assert set(doc) >= {"deals", "companies", "by_status"}
        assert set(doc["by_status"]) == set(STATUSES)
        assert all({"low", "high"} <= set(v) for v in doc["by_status"].values())
    # the $100B LOI moved from promised to stalled
    assert mid26["by_status"]["cancelled_stalled"]["high"] - end25["by_status"]["cancelled_stalled"]["high"] >= 100
    assert end25["by_status"]["announced_loi"]["high"] >= 100
    assert end25["deals"] < mid26["deals"]


def test_summary_leaves_summary_rows_out(bundled):
    """Stake summaries and programme totals are listed, never added."""
    deals = bundled.deals()
    excluded = deals[~deals.include_in_totals.astype(bool)]
    assert {"stargate-program-500b", "msft-openai-stake"} <= set(excluded.id)
    s = bundled.summary()
    assert s.excluded_from_totals == len(excluded)
    counted = sum(v["count"] for v in s.by_status.values())
    assert counted == len(deals) - len(excluded)


def test_low_counts_overlapping_legs_once():
    """Two legs marked as overlapping each other count once in 'low' and fully in 'high'."""
    from loopledger import Ledger

    ledger = Ledger.in_memory()
    src = dict(id="src-1", url="https://example.org/1", publisher="X", date="2025-01-01", type="news")
    comps = [dict(id=c, name=c.title(), type="other") for c in ("a", "b")]
    def mk(i, lo, hi, ov):
        return dict(id=i, group="g", announced="2025-01-01", payer="a", payee="b",
                                        kind="cloud_contract", amount_low=lo, amount_high=hi, confidence="low",
                                        sources=["src-1"], overlap="overlaps" if ov else None, overlap_with=[ov] if ov else [])
    deals = [mk("d1", 10, 20, "d2"), mk("d2", 15, 30, "d1"), mk("d3", 5, 5, None)]
    events = [dict(id=f"{d['id']}/1", deal=d["id"], date="2025-01-01", status="definitive", sources=["src-1"]) for d in deals]
    ledger.add({"sources": [src], "companies": comps, "deals": deals, "events": events})
    s = ledger.summary(as_of="2025-06-30").by_status["definitive"]
    assert s["low"] == 15 + 5 and s["high"] == 20 + 30 + 5 and s["count"] == 3


def test_deal_filters(bundled):
    nv = bundled.deals(company="NVDA", as_of="2026-06-30")
    assert len(nv) and ((nv.payer == "nvidia") | (nv.payee == "nvidia")).all()
    big = bundled.deals(min_amount=100)
    assert (big.amount_high.fillna(big.amount_low) >= 100).all() and len(big)
    eq = bundled.deals(kind="equity_investment", status=["funded"])
    assert set(eq.kind) == {"equity_investment"} and set(eq.status) == {"funded"}
    early = bundled.deals(as_of="2024-01-01")
    assert len(early) < len(bundled.deals()) and (early.first_date <= date(2024, 1, 1)).all()


def test_companies_resolve_by_name_alias_ticker(bundled):
    assert bundled.resolve_company("Azure") == "microsoft"
    assert bundled.resolve_company("msft") == "microsoft"
    assert bundled.resolve_company("OpenAI") == "openai"
    with pytest.raises(NotFoundError, match="did you mean"):
        bundled.resolve_company("Nvidea")


def test_deals_json_has_sources_with_urls(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'l.db'}"
    cli("init", "--db", db)
    result = cli("deals", "--db", db, "--company", "Nvidia", "--json")
    assert result.code == 0
    rows = result.json()
    assert rows and all({"id", "payer", "payee", "kind", "status", "amount_low", "amount_high", "announced", "sources"} <= set(r) for r in rows)
    assert all(r["sources"] and all(s["url"].startswith("http") for s in r["sources"]) for r in rows)
    assert any(r["amount_low"] is None for r in rows)  # unknown stays null, never 0


def test_show_and_history(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'l.db'}"
    cli("init", "--db", db)
    shown = cli("show", "nvda-openai-loi-100b", "--db", db, "--json").json()
    assert [e["status"] for e in shown["events"]] == ["announced_loi", "cancelled_stalled"]
    assert shown["status"] == "cancelled_stalled"
    hist = cli("history", "nvda-openai-loi-100b", "--db", db, "--json").json()
    assert [h["status"] for h in hist if h["kind"] == "status"] == ["announced_loi", "cancelled_stalled"]
    missing = cli("show", "no-such-deal", "--db", db)
    assert missing.code == 1 and "no deal with id 'no-such-deal'" in missing.err


def test_bundled_data_loads_offline_whole():
    ledger = load_default()
    counts = {t: ledger.store.count(t) for t in ("deals", "companies")}
    assert counts["deals"] >= 174 and counts["companies"] >= 68
    assert len(ledger.facts()) >= 87


def test_bad_option_values_are_usage_errors_not_tracebacks(cli):
    result = cli("deals", "--min-amount", "abc")
    assert result.code == 2
    assert "Invalid value for '--min-amount'" in result.err and "Traceback" not in result.err
    assert cli("no-such-command").code == 2


def test_impossible_as_of_date_is_an_error_line(cli):
    result = cli("deals", "--as-of", "2025-02-30")
    assert result.code == 1 and "impossible date" in result.err and "Traceback" not in result.err
