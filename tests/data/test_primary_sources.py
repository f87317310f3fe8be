"""Primary sources (issue 7, item 1): the gap list computed from the CSV rows equals what
``source_gaps`` returns and what docs/data.md lists; filing sources live on filing hosts; and
``source_gaps`` matches a brute-force oracle on random ledgers (hypothesis)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger.ledger import Ledger
from loopledger.ledger.data import source_gaps

PRIMARY = {"filing", "press_release"}
#: hosts of regulators' documents or of full copies of them (docs/data.md, "Sources")
FILING_HOSTS = {"www.sec.gov", "sec.gov", "www.stocktitan.net", "stocktitan.net", "viralles.com",
                "www.viralles.com", "contracts.justia.com", "www.pubt.io"}


def _scope_from_rows(live, rows, top=50):
    """The issue-7 scope and its gaps, from the CSV rows alone."""
    types = {s["id"]: s["type"] for s in live["sources"]}

    def size(d):
        return float(d["amount_high"] or d["amount_low"]) if (d["amount_high"] or d["amount_low"]) else None

    deals = [d for d in live["deals"]]
    sized = sorted((d for d in deals if size(d) is not None), key=lambda d: (-size(d), d["id"]))
    scope = {d["id"] for d in sized[:top]} | {d["id"] for d in deals if d["stake_pct"]}
    primary = {d["id"] for d in deals if any(types[s] in PRIMARY for s in rows.items(d["sources"]))}
    return scope, primary, {d["id"] for d in deals}


def test_source_gaps_agree_with_the_rows(live, rows, bundled):
    scope, primary, everything = _scope_from_rows(live, rows)
    gaps = source_gaps(bundled, as_of=rows.DATASET_DATE)
    assert set(gaps.deals["id"]) == scope
    assert set(gaps.to_frame()["id"]) == scope - primary
    assert gaps.counts == {
        "in_scope": len(scope), "with_primary": len(scope & primary),
        "without_primary": len(scope - primary), "all_deals": len(everything),
        "all_with_primary": len(primary & everything),
    }


def _doc_section(rows, name):
    text = (rows.ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    m = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert m, f"docs/data.md lost its {name} markers"
    return m.group(1)


def test_the_documented_gap_list_is_current(live, rows):
    scope, primary, _ = _scope_from_rows(live, rows)
    listed = set(re.findall(r"^\| `([^`]+)` \|", _doc_section(rows, "gaps"), re.M))
    assert listed == scope - primary, "run tools/build_data.py"
    counts = _doc_section(rows, "counts")
    assert f"with a primary source: {len(scope & primary)};" in counts


def test_every_deal_in_scope_without_a_primary_source_says_why(live, rows):
    """Issue 13: `data gaps` lists no deal of the largest flows without a primary source, or
    names exactly why one is missing (gap_reasons.csv)."""
    scope, primary, _ = _scope_from_rows(live, rows)
    reasons = {g["id"] for g in rows.gap_reasons() if g["table"] == "deals" and g["what"] == "primary_source"}
    assert not sorted(scope - primary - reasons)
    assert not sorted(reasons & primary), "stale reasons: these deals now have a primary source"


def test_filing_sources_are_on_filing_hosts(live):
    bad = [(s["id"], s["url"]) for s in live["sources"]
           if s["type"] == "filing" and urlparse(s["url"]).netloc.lower() not in FILING_HOSTS]
    assert not bad, bad


def test_sources_cited_through_another_page_say_so(live):
    """A primary document identified through a citing page is marked, and not 'high'."""
    for s in live["sources"]:
        if "cited by" in (s["notes"] or ""):
            assert s["confidence"] == "medium", s["id"]
            assert re.search(r"cited by https?://", s["notes"]), s["id"]


# -- the algorithm against a brute-force oracle --------------------------------------------------

_deal = st.tuples(
    st.one_of(st.none(), st.floats(0.01, 500, allow_nan=False)),   # amount_high
    st.one_of(st.none(), st.floats(0.01, 5, allow_nan=False)),     # amount_low (kept <= high)
    st.booleans(),                                                  # has a stake
    st.sampled_from(["filing", "press_release", "news", "repost", "other"]),
)


def _ledger(specs):
    ledger = Ledger.in_memory()
    types = ["filing", "press_release", "news", "repost", "other"]
    sources = [dict(id=f"src-{t[:6]}", url=f"https://example.org/{t}", publisher="x", type=t) for t in types]
    companies = [dict(id="a", name="A", type="other"), dict(id="b", name="B", type="other")]
    deals, events = [], []
    for i, (high, low, stake, stype) in enumerate(specs):
        if high is not None and low is not None and low > high:
            low = high
        deals.append(dict(id=f"d{i:02d}", group="g", announced="2025-01-01", payer="a", payee="b",
                          kind="equity_investment", amount_low=low, amount_high=high,
                          stake_pct=5.0 if stake else None, confidence="high",
                          sources=[f"src-{stype[:6]}"]))
        events.append(dict(id=f"d{i:02d}/1", deal=f"d{i:02d}", date="2025-01-01", status="funded",
                           sources=[f"src-{stype[:6]}"]))
    ledger.add({"sources": sources, "companies": companies, "deals": deals, "events": events})
    return ledger


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_deal, min_size=1, max_size=12), st.integers(0, 8))
def test_source_gaps_matches_brute_force(specs, top):
    ledger = _ledger(specs)
    gaps = source_gaps(ledger, top=top, as_of="2026-01-01")
    # oracle: rank by size (high, else low), ties by id; keep `top` of those with a size
    sized = []
    for i, (high, low, _stake, _stype) in enumerate(specs):
        if high is not None and low is not None and low > high:
            low = high
        size = high if high is not None else low
        if size is not None:
            sized.append((-size, f"d{i:02d}"))
    top_ids = {i for _, i in sorted(sized)[:top]}
    stakes = {f"d{i:02d}" for i, s in enumerate(specs) if s[2]}
    primary = {f"d{i:02d}" for i, s in enumerate(specs) if s[3] in PRIMARY}
    assert set(gaps.deals["id"]) == top_ids | stakes
    assert set(gaps.to_frame()["id"]) == (top_ids | stakes) - primary
    assert gaps.counts["all_with_primary"] == len(primary)


def test_all_deals_puts_everything_in_scope(bundled):
    gaps = source_gaps(bundled, all_deals=True)
    assert gaps.counts["in_scope"] == gaps.counts["all_deals"]
    assert set(gaps.deals["scope"]) == {"all"}


@pytest.mark.parametrize("top", [0, 5])
def test_a_smaller_top_is_a_smaller_scope(bundled, top):
    small, big = source_gaps(bundled, top=top), source_gaps(bundled, top=50)
    assert set(small.deals["id"]) <= set(big.deals["id"])
