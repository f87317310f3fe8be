"""Buffer facts (issue 7, item 4): ``buffer_facts`` against a brute-force oracle on random
ledgers, the documented list of missing buffers against the data, and the companies whose
buffers are complete against the raw fact rows."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger.ledger import Ledger
from loopledger.ledger.data import BUFFER_FAMILIES, REQUIRED_FAMILIES, buffer_facts

METRICS = [m for ms in BUFFER_FAMILIES.values() for m in ms]
BASE = date(2025, 1, 1)

_fact = st.tuples(
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(METRICS + ["revenue_run_rate", "capex"]),   # two that belong to no family
    st.integers(0, 400),                                      # days after BASE
    st.floats(-50, 5000, allow_nan=False),
)


def _ledger(facts):
    ledger = Ledger.in_memory()
    rows = []
    seen = set()
    for company, metric, day, value in facts:
        as_of = (BASE + timedelta(days=day)).isoformat()
        fid = f"{company}/{metric}/{as_of}"
        if fid in seen:
            continue
        seen.add(fid)
        rows.append(dict(id=fid, company=company, metric=metric, value=value, unit="USD bn",
                         as_of=as_of, confidence="high", sources=["src-t"]))
    ledger.add({"sources": [dict(id="src-t", url="https://example.org/t", publisher="x", type="news")],
                "companies": [dict(id=c, name=c.upper(), type="other") for c in "abc"],
                "facts": rows})
    return ledger, rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_fact, min_size=0, max_size=25), st.integers(0, 400))
def test_latest_fact_per_family_matches_brute_force(facts, cutoff):
    ledger, rows = _ledger(facts)
    as_of = BASE + timedelta(days=cutoff)
    table = buffer_facts(ledger, companies=["a", "b", "c"], as_of=as_of).to_frame().set_index("company")
    for company in "abc":
        for family, names in BUFFER_FAMILIES.items():
            mine = [r for r in rows if r["company"] == company and r["metric"] in names
                    and date.fromisoformat(r["as_of"]) <= as_of]
            got = table.loc[company, family]
            if not mine:
                assert got is None or got != got, (company, family)
                continue
            latest = max(date.fromisoformat(r["as_of"]) for r in mine)
            # on the latest date, the metric listed first in the family wins
            best = min((r for r in mine if date.fromisoformat(r["as_of"]) == latest),
                       key=lambda r: names.index(r["metric"]))
            assert got == best["value"], (company, family)
            assert table.loc[company, f"{family}_metric"] == best["metric"]
        full = all(table.loc[company, f] is not None and table.loc[company, f] == table.loc[company, f]
                   for f in REQUIRED_FAMILIES)
        assert bool(table.loc[company, "full"]) == full


def _missing_from_rows(live, rows, company):
    have = {f["metric"] for f in live["facts"]
            if f["company"] == company and rows.start(f["as_of"]) <= rows.DATASET_DATE}
    return [fam for fam in REQUIRED_FAMILIES if not have & set(BUFFER_FAMILIES[fam])]


def _binding_companies(live, rows, when):
    """Companies in a deal of >= $1B whose latest status on the date is binding, from the CSV
    rows alone (status: the last non-amended event by date, then number)."""
    events = {}
    for e in live["events"]:
        if e["status"] != "amended" and rows.start(e["date"]) <= when:
            key = (rows.start(e["date"]), int(e["id"].rsplit("/", 1)[1]))
            if e["deal"] not in events or key > events[e["deal"]][0]:
                events[e["deal"]] = (key, e["status"])
    placeholders = {c["id"] for c in live["companies"] if c["placeholder"] == "true"}
    out = set()
    for d in live["deals"]:
        status = events.get(d["id"], (None, None))[1]
        size = d["amount_high"] or d["amount_low"]
        if status in ("definitive", "funded_partial", "funded") and size:
            usd = float(size) * (float(d["fx_rate"]) if d["currency"] != "USD" else 1.0)
            if usd >= 1:
                out |= {d["payer"], d["payee"]} - placeholders
    return out


def _by_rule(live, company):
    """A government or a placeholder, read from the company rows themselves (the stress
    model's rule, docs/methods.md 6.4: their buffer is infinite)."""
    row = next((c for c in live["companies"] if c["id"] == company), None)
    return row is not None and (row["placeholder"] == "true" or "government" in row["type_detail"].lower())


def _has_fact_buffer(live, rows, company, when):
    names = {m for fam in ("value", "book_equity", "cash") for m in BUFFER_FAMILIES[fam]}
    return any(f["company"] == company and f["metric"] in names and f["unit"] == "USD bn"
               and rows.start(f["as_of"]) <= when for f in live["facts"])


def _has_buffer(live, rows, company, when):
    return _by_rule(live, company) or _has_fact_buffer(live, rows, company, when)


def test_every_company_in_a_binding_billion_dollar_deal_has_a_buffer_or_a_documented_reason(live, rows):
    when = date(2026, 12, 7)
    scope = _binding_companies(live, rows, when)
    assert len(scope) >= 50
    reasons = {(g["id"], g["what"]) for g in rows.gap_reasons() if g["table"] == "companies"}
    without = sorted(c for c in scope if not _has_buffer(live, rows, c, when))
    undocumented = [c for c in without if not any((c, w) in reasons for w in ("value", "book_equity", "cash"))]
    assert not undocumented, undocumented


def test_buffer_facts_scope_is_the_binding_billion_dollar_companies(live, rows, bundled):
    when = date(2026, 12, 7)
    result = buffer_facts(bundled, as_of=when)
    assert set(result.table["company"]) == _binding_companies(live, rows, when)
    assert set(result.without_buffer) == {c for c in _binding_companies(live, rows, when)
                                          if not _has_buffer(live, rows, c, when)}
    assert set(result.by_rule) == {c for c in _binding_companies(live, rows, when) if _by_rule(live, c)}
    assert "us-government" in result.by_rule   # in a binding deal (its Intel stake), no facts


def test_governments_and_placeholders_have_a_buffer_by_rule():
    """The stress model gives governments and placeholders an infinite buffer
    (``is_placeholder``); ``buffer_facts`` counts them as having a buffer by that rule, needs
    no figure from them, and says so, while an ordinary company without a figure has none."""
    from loopledger.stresstest.buffers import is_placeholder
    from loopledger.vocabulary import BUFFER_BY_RULE

    ledger = Ledger.in_memory()
    ledger.add({"sources": [dict(id="src-t", url="https://example.org/t", publisher="x", type="news")],
                "companies": [dict(id="gov", name="A Government", type="other", type_detail="Government (federal)"),
                              dict(id="mkts", name="Capital markets", type="other", placeholder=True),
                              dict(id="plain", name="Plain", type="other", type_detail="governance software"),
                              dict(id="firm", name="Firm", type="other")],
                "facts": [dict(id="firm/cash/2025-06-30", company="firm", metric="cash", value=2.0,
                               unit="USD bn", as_of="2025-06-30", confidence="high", sources=["src-t"])]})
    result = buffer_facts(ledger, companies=["gov", "mkts", "plain", "firm"], as_of="2026-01-01")
    table = result.to_frame().set_index("company")
    assert result.by_rule == ["gov", "mkts"]
    assert result.without_buffer == ["plain"]
    for c in ("gov", "mkts"):
        assert bool(table.loc[c, "has_buffer"]) and table.loc[c, "missing"] == []
        assert BUFFER_BY_RULE in table.loc[c, "why"] and table.loc[c, "basis"] == BUFFER_BY_RULE
        assert table.loc[c, "value"] != table.loc[c, "value"] or table.loc[c, "value"] is None   # no figure invented
        assert table.loc[c, "cash"] != table.loc[c, "cash"] or table.loc[c, "cash"] is None
    assert table.loc["plain", "missing"] == ["value", "cash"] and not bool(table.loc["plain", "by_rule"])
    assert bool(table.loc["firm", "has_buffer"]) and not bool(table.loc["firm", "by_rule"])
    # the same rule as the stress model's, company by company
    frame = ledger.companies().set_index("id")   # the frame the stress model reads
    for c in ("gov", "mkts", "plain", "firm"):
        assert is_placeholder(frame.loc[c]) == bool(table.loc[c, "by_rule"]), c


def test_the_documented_buffer_list_is_current(live, rows):
    text = (rows.ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    section = re.search(r"<!-- buffers:start -->\n(.*?)<!-- buffers:end -->", text, re.S).group(1)
    documented = {m.group(1): m.group(2) for m in
                  re.finditer(r"^\| `([^`]+)` \| \w+ \| (yes|no|by rule) \|", section, re.M)}
    when = date(2026, 12, 7)
    expected = {c: "by rule" if _by_rule(live, c) else "yes" if _has_fact_buffer(live, rows, c, when) else "no"
                for c in _binding_companies(live, rows, when)}
    assert documented == expected, "run tools/build_data.py"


def test_companies_with_full_buffers(live, rows, bundled):
    full = set(buffer_facts(bundled, as_of=rows.DATASET_DATE, scope="all").full)
    companies = {f["company"] for f in live["facts"]}
    assert full == {c for c in companies if not _missing_from_rows(live, rows, c)}
    assert {"coreweave", "oracle", "nebius"} <= full


def test_net_income_is_signed(bundled):
    """Losses are negative net income: OpenAI's FY2025 loss and CoreWeave's."""
    facts = bundled.facts(metric="net_income")
    openai = facts[(facts["company"] == "openai") & (facts["as_of"] == "2025-12-31")]
    assert (openai["value"] < 0).all() and len(openai) == 1
    assert (facts[facts["company"] == "coreweave"]["value"] < 0).all()
