"""Company facts for the buffers (issue 7, item 4): market value or valuation, revenue, net
income, cash, debt and backlog for the companies in the loops and the stress tests.

Metric names are those of docs/data.md (``revenue`` with a standard ``period``: ``FY2025``,
``2026-Q1`` (calendar quarter; the company's fiscal label goes in the notes), ``2025-H1``, ``net_income`` signed,
``cash`` saying what it includes, ``total_debt`` / ``long_term_debt``, ``rpo`` / ``backlog``,
``capex``, ``capex_guidance``, ``book_equity``, ``market_cap`` / ``valuation*``). Where the
research dataset recorded a loss as ``net_loss`` (positive), the same reported figure is added
as ``net_income`` (negative) with the same source, so readers need one name only. A midpoint of a
guided range is ``derived`` and says so. SoftBank reports in yen: its figures are stored in
``JPY bn``, unconverted (no dated rate was sourced), under names ending in ``_jpy`` so that no
reader of ``cash`` or ``net_income`` takes yen for dollars.
"""

from __future__ import annotations

from _batch import Batch
from _sources import src

Q = "quarter"
#: (company, metric, value, as_of, period, source keys, confidence, notes[, derivation][, unit])
FACTS: list[tuple] = [
    # Nvidia (fiscal year ends late January)
    ("nvidia", "revenue", 215.9, "2026-01-25", "FY2026", ["nvda_fy26_pr"], "high", None),
    ("nvidia", "net_income", 42.96, "2026-01-25", "2025-Q4", ["nvda_q4fy26_fool"], "high",
     "NVIDIA fiscal Q4 FY2026 (quarter to 2026-01-25); the full-year figure was not in the pages read"),
    ("nvidia", "net_income", 31.91, "2025-10-26", "2025-Q3", ["nvda_q3fy26_reportify"], "high",
     "NVIDIA fiscal Q3 FY2026 (quarter to 2025-10-26)"),
    ("nvidia", "cash", 11.486, "2025-10-26", None, ["nvda_q3fy26_reportify"], "medium",
     "cash and cash equivalents only; marketable securities are not in the source"),
    ("nvidia", "supply_commitments", 50.3, "2025-10-26", None, ["nvda_commitments_cfo"], "medium",
     "supply-related commitments (inventory purchases, long-term supply and capacity)"),
    ("nvidia", "cloud_service_commitments", 26.0, "2025-10-26", None, ["nvda_commitments_cfo"], "medium",
     "multi-year cloud service agreements, up $13.4B in the quarter"),
    # Microsoft (fiscal year ends June)
    ("microsoft", "revenue", 82.9, "2026-03-31", "2026-Q1", ["secwatch_msft_q3fy26", "msft_8k_q3fy26"], "high", "Microsoft fiscal Q3 FY2026"),
    ("microsoft", "net_income", 31.8, "2026-03-31", "2026-Q1", ["secwatch_msft_q3fy26", "msft_8k_q3fy26"], "high", "Microsoft fiscal Q3 FY2026"),
    ("microsoft", "rpo", 627.0, "2026-03-31", None, ["secwatch_msft_q3fy26", "msft_8k_q3fy26"], "high",
     "commercial remaining performance obligation (Microsoft's reported measure; also recorded as "
     "commercial_rpo for 2025-12-31)"),
    ("microsoft", "capex", 30.9, "2026-03-31", "2026-Q1", ["msft_q3fy26_aardvark"], "medium", "Microsoft fiscal Q3 FY2026"),
    # Oracle (fiscal year ends May)
    ("oracle", "revenue", 57.4, "2025-05-31", "FY2025", ["orcl_fy25_pr"], "high", None),
    ("oracle", "net_income", 12.4, "2025-05-31", "FY2025", ["orcl_fy25_pr"], "high", None),
    ("oracle", "revenue", 17.2, "2026-02-28", "2026-Q1", ["orcl_q3fy26_pr"], "high",
     "Oracle fiscal Q3 FY2026 (quarter to 2026-02-28)"),
    ("oracle", "net_income", 3.7, "2026-02-28", "2026-Q1", ["orcl_q3fy26_pr", "orcl_verdict_q3"], "high",
     "Oracle fiscal Q3 FY2026 (quarter to 2026-02-28)"),
    ("oracle", "rpo", 553.0, "2026-02-28", None, ["orcl_q3fy26_pr", "orcl_8k_q3fy26"], "high", None),
    ("oracle", "cash", 19.766, "2025-11-30", None, ["orcl_bs_stockanalysis"], "medium",
     "cash and cash equivalents ($19.241B) plus short-term investments ($0.525B)"),
    ("oracle", "book_equity", 24.666, "2025-08-31", None, ["orcl_q1fy26_reportify"], "medium",
     "total stockholders' equity"),
    ("oracle", "capex_guidance", 50.0, "2026-03-10", "FY2026", ["orcl_8k_q3fy26"], "high", None),
    ("oracle", "lease_commitments", 248.0, "2025-12-17", None, ["orcl_leases_benzinga"], "medium",
     "long-term data-centre lease obligations not yet on the balance sheet (Benzinga)"),
    # Amazon
    ("amazon", "revenue", 181.5, "2026-03-31", "2026-Q1", ["amzn_q1_2026_pr"], "high", None),
    ("amazon", "net_income", 30.3, "2026-03-31", "2026-Q1", ["amzn_q1_2026_pr"], "high",
     "includes $16.8B of pre-tax gains on the Anthropic investment"),
    ("amazon", "market_cap", 2890.0, "2026-04-30", None, ["amzn_q1_2026_graphvest"], "low",
     "as shown on the page updated 2026-04-30 ($2.89T)"),
    ("amazon", "backlog", 364.0, "2026-03-31", None, ["amzn_q1_2026_belcourt"], "medium",
     "AWS backlog at the end of Q1, excluding the Anthropic agreement of over $100B announced after"),
    ("amazon", "capex", 43.2, "2026-03-31", "2026-Q1", ["amzn_q1_2026_graphvest"], "medium",
     "cash capital expenditures per the CFO; another summary gives $44.2B"),
    # Alphabet
    ("google", "revenue", 109.9, "2026-03-31", "2026-Q1", ["googl_q1_2026_converge"], "high", "Alphabet"),
    ("google", "net_income", 62.6, "2026-03-31", "2026-Q1", ["googl_q1_2026_chaobro"], "medium",
     "Alphabet; includes large unrealised gains on equity securities"),
    ("google", "backlog", 462.0, "2026-03-31", None, ["googl_q1_2026_runchey", "google_q1_2026_ceo"], "high",
     "Google Cloud backlog (the CEO's remarks say over $460B)"),
    ("google", "capex", 35.7, "2026-03-31", "2026-Q1", ["googl_q1_2026_converge"], "high", None),
    ("google", "capex_guidance", 185.0, "2026-04-29", "FY2026", ["googl_q1_2026_runchey"], "medium",
     "guided range $180-190B", "midpoint of the guided range of $180-190B"),
    ("google", "cash", 100.0, "2025-09-30", None, ["orcl_leases_benzinga"], "low",
     "approximate: Alphabet held 'nearly $100B' of cash and marketable securities (Benzinga)"),
    ("google", "total_debt", 20.0, "2025-09-30", None, ["orcl_leases_benzinga"], "low",
     "approximate: 'just over $20B' of debt (Benzinga), before the 2026 bond issues"),
    ("google", "net_cash", 49.3, "2026-03-31", None, ["googl_q1_2026_runchey"], "medium",
     "down from $74.3B a quarter earlier"),
    # Meta
    ("meta", "revenue", 56.31, "2026-03-31", "2026-Q1", ["meta_q1_2026_aardvark"], "medium", None),
    ("meta", "capex_guidance", 135.0, "2026-04-29", "FY2026", ["meta_q1_2026_aardvark"], "medium",
     "guided range $125-145B, raised from $115-135B", "midpoint of the guided range of $125-145B"),
    ("meta", "total_debt", 84.0, "2026", None, ["bigtech_debt_oracore"], "low",
     "up from $36B; the date of the later figure is not given (page of about May 2026)"),
    # CoreWeave
    ("coreweave", "revenue", 5.13, "2025-12-31", "FY2025", ["crwv_10k_bakshi"], "medium", None),
    ("coreweave", "net_income", -1.17, "2025-12-31", "FY2025", ["crwv_10k_bakshi"], "medium", None),
    ("coreweave", "total_debt", 21.4, "2025-12-31", None, ["crwv_10k_bakshi"], "medium", None),
    ("coreweave", "rpo", 60.7, "2025-12-31", None, ["crwv_10k_bakshi"], "medium",
     "RPO per the 10-K; the backlog figure recorded for the same date is $66.8B"),
    ("coreweave", "market_cap", 61.98, "2026-04", None, ["crwv_10k_bakshi"], "medium",
     "StockAnalysis figure quoted in April 2026"),
    ("coreweave", "revenue", 2.08, "2026-03-31", "2026-Q1", ["crwv_q1_2026_allmind"], "medium", None),
    ("coreweave", "net_income", -0.74, "2026-03-31", "2026-Q1", ["crwv_q1_2026_allmind"], "medium", None),
    ("coreweave", "capex", 6.8, "2026-03-31", "2026-Q1", ["crwv_q1_2026_allmind"], "medium", None),
    ("coreweave", "cash", 1.94, "2025-09-30", None, ["crwv_debt_sws"], "medium",
     "cash; short-term investments not stated"),
    ("coreweave", "total_debt", 14.0, "2025-09-30", None, ["crwv_debt_sws"], "medium", None),
    # OpenAI
    ("openai", "net_income", -21.3, "2026-03-31", "2026-Q1", ["openai_q1_2026_info"], "medium",
     "includes a $12.4B non-cash accounting charge (The Information)"),
    ("openai", "operating_loss", 9.3, "2026-03-31", "2026-Q1", ["openai_q1_2026_info"], "medium", None),
    ("openai", "cash", 73.0, "2026-03-31", None, ["openai_q1_2026_info"], "medium",
     "cash on hand at the end of Q1 (The Information); composition not stated"),
    ("openai", "cash_burn", 3.7, "2026-03-31", "2026-Q1", ["openai_q1_2026_info"], "medium", None),
    # SpaceX (with xAI since February 2026)
    ("spacex", "revenue", 18.674, "2025-12-31", "FY2025", ["spacex_s1_finrep", "spacex_s1_neucore"], "medium", None),
    ("spacex", "net_income", -4.94, "2025-12-31", "FY2025", ["spacex_s1_aiblogs", "spacex_s1_neucore"], "medium",
     "S-1; the 2024 result was a $791M profit"),
    ("spacex", "net_income", -4.3, "2026-03-31", "2026-Q1", ["spacex_s1_neucore"], "medium", None),
    ("spacex", "cash", 24.7, "2025-12-31", None, ["spacex_s1_neucore"], "medium",
     "cash per the S-1 summary; whether short-term investments are included is not stated"),
    ("spacex", "cash", 15.9, "2026-03-31", None, ["spacex_s1_neucore"], "medium",
     "cash per the S-1 summary; whether short-term investments are included is not stated"),
    ("spacex", "long_term_debt", 29.1, "2026-03-31", None, ["spacex_s1_neucore"], "medium", None),
    ("spacex", "capex", 20.7, "2025-12-31", "FY2025", ["spacex_s1_neucore"], "medium", None),
    ("spacex", "capex", 10.1, "2026-03-31", "2026-Q1", ["spacex_s1_neucore"], "medium", None),
    ("xai", "revenue", 0.818, "2025-12-31", "FY2025", ["spacex_s1_aiblogs"], "low",
     "the AI segment of SpaceX (xAI and X) in the S-1"),
    ("xai", "segment_result", -2.47, "2025-12-31", "FY2025", ["spacex_s1_aiblogs"], "low",
     "loss of SpaceX's AI segment; the measure (operating or net) is not stated by the source"),
    # Cerebras
    ("cerebras", "net_income", 0.0879, "2025-12-31", "FY2025", ["cbrs_s1_lds"], "low",
     "CNBC's figure from the S-1; another summary of the amended S-1 gives $237.8M, so uncertain"),
    ("cerebras", "rpo", 24.6, "2025-12-31", None, ["cbrs_s1_lds"], "medium",
     "remaining contractual obligations per CNBC's reading of the S-1; about 15% to be recognised "
     "in 2026-27"),
    # Nebius
    ("nebius", "revenue", 0.5298, "2025-12-31", "FY2025", ["nebius_6k_fy2025"], "high", None),
    ("nebius", "net_income", 0.1017, "2025-12-31", "FY2025", ["nebius_6k_fy2025"], "high",
     "helped by gains on investments"),
    ("nebius", "cash", 3.7, "2025-12-31", None, ["nebius_6k_fy2025"], "high", "cash and cash equivalents"),
    ("nebius", "long_term_debt", 4.1, "2025-12-31", None, ["nebius_6k_fy2025"], "high", "non-current debt"),
    ("nebius", "revenue", 0.399, "2026-03-31", "2026-Q1", ["nbis_q1_2026_pr"], "high", None),
    ("nebius", "net_income", 0.6212, "2026-03-31", "2026-Q1", ["nbis_q1_2026_pr", "nbis_q1_analysis"], "high",
     "continuing operations; includes a $780.6M non-cash revaluation gain (adjusted net loss $100.3M)"),
    ("nebius", "capex_guidance", 18.0, "2026-02", "FY2026", ["nbis_q4_call"], "medium",
     "planned $16-20B", "midpoint of the planned range of $16-20B"),
    # SoftBank (yen)
    ("softbank", "net_income_jpy", 3172.7, "2025-12-31", "2025-04/2025-12", ["softbank_ai_q3"], "high",
     "net income attributable to owners of the parent, nine months of fiscal 2025 (April to December 2025)", None, "JPY bn"),
    ("softbank", "nav_jpy", 30900.0, "2025-12-31", None, ["softbank_ai_q3"], "high",
     "net asset value: equity value of holdings less adjusted net interest-bearing debt", None, "JPY bn"),
    ("softbank", "ltv", 20.6, "2025-12-31", None, ["softbank_ai_q3"], "high",
     "loan-to-value: adjusted net interest-bearing debt / equity value of holdings", None, "%"),
    ("softbank", "cash_jpy", 3800.0, "2025-12-31", None, ["softbank_ai_q3"], "high",
     "SoftBank Group's liquidity on hand (parent level)", None, "JPY bn"),
    # AMD, Crusoe, TeraWulf, Cipher, TSMC
    ("amd", "revenue", 10.25, "2026-03", "2026-Q1", ["amd_q1_2026"], "medium", None),
    ("amd", "net_income", 1.38, "2026-03", "2026-Q1", ["amd_q1_2026"], "medium", None),
    ("crusoe", "valuation_post_money", 10.0, "2025-10", None, ["crusoe_series_e_enterprise"], "medium",
     "more than $10B after the Series E"),
    ("terawulf", "backlog", 6.7, "2025-08-18", None, ["wulf_cb5_summary"], "high",
     "contracted lease revenue over the initial terms of CB-3, CB-4 and CB-5 (up to $16B with extensions)"),
    ("cipher-mining", "backlog", 8.5, "2025-11-03", None, ["cifr_aws_mexc"], "medium",
     "lease payments contracted with AWS and Fluidstack"),
    ("tsmc", "revenue", 122.0, "2025-12-31", "FY2025", ["tsmc_fy2025"], "medium", None),
]

#: research facts recording a loss as a positive net_loss -> the same figure as net_income
NET_LOSS_FACTS = ["openai/net_loss/2025-12-31", "openai/net_loss/2025-06-30", "intel/net_loss/2024-12-31"]

#: existing facts that gain a primary source
FACT_SOURCES = [
    ("openai/valuation_post_money/2026-03-31", "openai_round_852"),
    ("oracle/rpo/2025-08-31", "secwatch_orcl_q1fy26"),
    ("anthropic/valuation_post_money/2026-02-12", "anthropic_380_guardian"),
]


def main() -> None:
    b = Batch(
        "2026-11-26-06", "2026-11-26",
        "Buffer facts: valuation, revenue, net income, cash, debt, backlog and capex for the "
        "companies in the loops and the stress tests",
        "Stress tests need real, dated buffers per company instead of defaults; metric names "
        "follow docs/data.md so that other modules read them by name",
        __file__,
    )
    for row in FACTS:
        company, metric, value, as_of, period, keys, confidence, notes, *rest = row
        derivation = rest[0] if rest else None
        unit = rest[1] if len(rest) > 1 else "USD bn"
        b.fact(company, metric, value, as_of, [src(b, k) for k in keys], confidence=confidence,
               unit=unit, period=period, notes=notes, derivation=derivation)
    for fid in NET_LOSS_FACTS:
        loss = b.get("facts", fid)
        b.fact(loss.company, "net_income", -loss.value, loss.as_of, list(loss.sources),
               confidence=loss.confidence, unit=loss.unit, period=loss.period,
               notes=f"the reported net loss of {loss.value:g} (fact {fid}) with the sign of "
                     "net_income; same source")
    for fid, key in FACT_SOURCES:
        b.cite("facts", fid, src(b, key), reason="primary or corroborating source")
    b.finish()


if __name__ == "__main__":
    main()
