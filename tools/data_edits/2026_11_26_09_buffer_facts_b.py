"""Company facts for the stress-test buffers, second pass (issue 7, item 4): balance sheets and
filed figures for the companies whose buffers rested on market value or on press figures.

Same conventions as 2026_11_26_06_buffer_facts.py (metric names of docs/data.md, USD bn,
standard ``period``, ``net_income`` signed, ``cash`` notes say what it includes). Sources read
for this batch are declared in ``SOURCES`` below (every URL was returned by the search tool).

Progress (done / searched, not found):
- (in progress)
"""

from __future__ import annotations

from _batch import Batch

#: key -> fields of a source record (see _sources.py for the conventions)
SOURCES: dict[str, dict] = {
    "msft_bs_sa": dict(
        url="https://stockanalysis.com/stocks/msft/financials/balance-sheet",
        publisher="StockAnalysis", date="2026-03-17", type="other",
        original_publisher="Microsoft 10-Q for the quarter to 2025-12-31",
        title="Microsoft balance sheet (annual and trailing columns; Dec '25 column)"),
    "msft_q3fy26_stockdoz": dict(
        url="https://stockdoz.com/earnings/microsoft/fy2026-q3",
        publisher="StockDoz", date="2026-05-14", type="other",
        title="Microsoft FY2026 Q3 earnings brief (market value as of 2026-05-14)"),
    "amzn_fin_stocktitan": dict(
        url="https://www.stocktitan.net/financials/AMZN",
        publisher="StockTitan", date="2026-02", type="other",
        original_publisher="Amazon Form 10-K for 2025 (figures derived from SEC filings)",
        title="Amazon financials: fiscal 2025 revenue, net income, cash and long-term debt"),
    "amzn_10q_q1_2026_r23": dict(
        url="https://wvcqmsaqxcoshogpzqlh.supabase.co/storage/v1/object/public/filings/1018724/0001018724-26-000014/R23.htm",
        publisher="supabase.co filing mirror", date="2026-04-30", type="repost",
        original_publisher="Amazon Form 10-Q for Q1 2026, accession 0001018724-26-000014 (R23, "
                           "Stockholders' Equity tables)",
        title="Amazon 10-Q Q1 2026: changes in stockholders' equity"),
    "meta_fy2025_pr": dict(
        url="https://longbridge.com/en/news/274041609.md",
        publisher="Longbridge (PR Newswire copy)", date="2026-01-28", type="press_release",
        original_publisher="Meta Platforms",
        title="Meta Reports Fourth Quarter and Full Year 2025 Results"),
    "meta_bs_sa": dict(
        url="https://stockanalysis.com/stocks/meta/financials/balance-sheet/?p=trailing",
        publisher="StockAnalysis", date="2026-02-02", type="other",
        original_publisher="Meta Form 10-K for 2025",
        title="Meta Platforms balance sheet (quarterly; Dec '25 column)"),
    "meta_xbrl_portfoliosavvy": dict(
        url="https://portfoliosavvy.com/fin/0001326801-meta-platforms-inc",
        publisher="PortfolioSavvy", date="2026-01-29", type="other",
        original_publisher="Meta Form 10-K for 2025 (XBRL values)",
        title="Meta Platforms financial data from the 10-K filed 2026-01-29"),
    "meta_mcap_brajesh": dict(
        url="https://stocks.brajesh.com/META.html",
        publisher="stocks.brajesh.com", date="2026-03-12", type="other",
        title="META page updated 2026-03-12 (market capitalisation)"),
    "nvda_8k_q1fy27": dict(
        url="https://www.stocktitan.net/sec-filings/NVDA/8-k-nvidia-corp-reports-material-event-56086a88bbb4.html",
        publisher="StockTitan", date="2026-05", type="filing",
        original_publisher="NVIDIA Form 8-K (CFO commentary on first-quarter fiscal 2027 results)",
        title="NVIDIA 8-K: CFO commentary on Q1 fiscal 2027 (quarter to 2026-04-26)"),
    "nvda_fin_stocktitan": dict(
        url="https://stocktitan.net/financials/NVDA/",
        publisher="StockTitan", date="2026-02", type="other",
        original_publisher="NVIDIA Form 10-K for fiscal 2026 (figures derived from SEC filings)",
        title="Nvidia Corporation financials: fiscal 2026 revenue and net income"),
    "nvda_mcap_brajesh": dict(
        url="https://stocks.brajesh.com/NVDA.html",
        publisher="stocks.brajesh.com", date="2026-03-12", type="other",
        title="NVDA page updated 2026-03-12 (market capitalisation)"),
    "amd_q1_2026_pr": dict(
        url="https://cdn2.el-balad.com/469123",
        publisher="El Balad (GlobeNewswire copy)", date="2026-05-05", type="press_release",
        original_publisher="AMD",
        title="AMD Reports First Quarter 2026 Financial Results"),
    "amd_fy2025_pr": dict(
        url="https://www.stifel.wallst.com/research/company/companyNews.asp?docKey=100-034u8988-1&symbol=AMD",
        publisher="Stifel / WallSt.com (GlobeNewswire copy)", date="2026-02-03", type="press_release",
        original_publisher="AMD",
        title="AMD Reports Fourth Quarter and Full Year 2025 Financial Results"),
    "amd_sectally": dict(
        url="https://sectally.pages.dev/reports/amd",
        publisher="sectally", date="2026-05-12", type="other",
        title="AMD equity research note (market value as of 2026-05-12)"),
    "avgo_q2fy26_pr": dict(
        url="https://markets.ft.com/data/announce/full?dockey=600-202606031615PR_NEWS_USPRX____NY74543-1",
        publisher="Financial Times markets data (PR Newswire copy)", date="2026-06-03",
        type="press_release", original_publisher="Broadcom",
        title="Broadcom Inc. Announces Second Quarter Fiscal Year 2026 Financial Results and "
              "Quarterly Dividend"),
    "avgo_ecmsource": dict(
        url="https://ecmsource.com/broadcom-avgo-q2-fy26-earnings-preview-ai-xpu-june-2026/",
        publisher="ECM Source", date="2026-06-03", type="other",
        title="Broadcom Q2 FY26 earnings preview (fiscal 2025 revenue and net income)"),
}

#: (company, metric, value, as_of, period, source keys, confidence, notes[, derivation][, unit]
#:  [, fact id when <company>/<metric>/<as_of> is already taken by another period])
FACTS: list[tuple] = [
    # Microsoft (fiscal year ends June; balance sheet of fiscal Q2 FY2026)
    ("microsoft", "cash", 89.462, "2025-12-31", None, ["msft_bs_sa"], "medium",
     "cash and cash equivalents ($24.296B) plus short-term investments ($65.166B)"),
    ("microsoft", "total_debt", 40.262, "2025-12-31", None, ["msft_bs_sa"], "medium",
     "current portion of long-term debt ($4.837B) plus long-term debt ($35.425B); leases excluded",
     "sum of the current portion of long-term debt and long-term debt as listed"),
    ("microsoft", "book_equity", 390.875, "2025-12-31", None, ["msft_bs_sa"], "medium",
     "total assets ($665.302B) less total liabilities ($274.427B)",
     "total assets less total liabilities as listed"),
    ("microsoft", "market_cap", 3040.0, "2026-05-14", None, ["msft_q3fy26_stockdoz"], "medium",
     "$3.04T at a share price of $408.90 (aggregator snapshot)"),
    # Amazon
    ("amazon", "revenue", 716.9, "2025-12-31", "FY2025", ["amzn_fin_stocktitan"], "medium", None),
    ("amazon", "net_income", 77.7, "2025-12-31", "FY2025", ["amzn_fin_stocktitan"], "medium", None),
    ("amazon", "cash", 86.8, "2025-12-31", None, ["amzn_fin_stocktitan"], "medium",
     "cash (up 10.2% on the year, which matches cash and cash equivalents; marketable securities "
     "not included)"),
    ("amazon", "long_term_debt", 65.6, "2025-12-31", None, ["amzn_fin_stocktitan"], "medium",
     "long-term debt as stated by the summary; leases not included"),
    ("amazon", "book_equity", 411.065, "2025-12-31", None, ["amzn_10q_q1_2026_r23"], "high",
     "total stockholders' equity at the start of Q1 2026, per the 10-Q's equity table"),
    # Meta
    ("meta", "revenue", 200.966, "2025-12-31", "FY2025", ["meta_fy2025_pr", "meta_xbrl_portfoliosavvy"], "high", None),
    ("meta", "net_income", 60.458, "2025-12-31", "FY2025", ["meta_fy2025_pr", "meta_xbrl_portfoliosavvy"], "high",
     "slightly below 2024 because of a higher income-tax charge"),
    ("meta", "cash", 81.592, "2025-12-31", None, ["meta_bs_sa", "meta_xbrl_portfoliosavvy"], "medium",
     "cash and cash equivalents ($35.873B) plus marketable securities ($45.719B)"),
    ("meta", "market_cap", 1620.0, "2026-03-12", None, ["meta_mcap_brajesh"], "low",
     "$1.62T on the page updated 2026-03-12 (aggregator snapshot)"),
    # Nvidia (fiscal year ends late January; fiscal Q1 FY2027 is the quarter to 2026-04-26)
    ("nvidia", "revenue", 81.615, "2026-04-26", "2026-Q1", ["nvda_8k_q1fy27"], "high",
     "NVIDIA fiscal Q1 FY2027 (quarter to 2026-04-26)"),
    ("nvidia", "net_income", 58.321, "2026-04-26", "2026-Q1", ["nvda_8k_q1fy27"], "high",
     "NVIDIA fiscal Q1 FY2027, GAAP (non-GAAP $45.548B)"),
    ("nvidia", "net_income", 120.1, "2026-01-25", "FY2026", ["nvda_fin_stocktitan"], "medium",
     "fiscal year to 2026-01-25", None, "USD bn", "nvidia/net_income/2026-01-25/fy2026"),
    ("nvidia", "market_cap", 4320.0, "2026-03-12", None, ["nvda_mcap_brajesh"], "low",
     "$4.32T on the page updated 2026-03-12 (aggregator snapshot)"),
    # AMD
    ("amd", "net_income", 4.3, "2025-12-31", "FY2025", ["amd_fy2025_pr"], "high",
     "GAAP (non-GAAP $6.8B)"),
    ("amd", "market_cap", 742.0, "2026-05-12", None, ["amd_sectally"], "low",
     "about $742B on the research date of the note"),
    # Broadcom (fiscal year ends early November)
    ("broadcom", "revenue", 22.187, "2026-05", "2026-02/2026-04", ["avgo_q2fy26_pr"], "high",
     "Broadcom fiscal Q2 FY2026 (quarter ended early May 2026; released 2026-06-03)"),
    ("broadcom", "net_income", 9.31, "2026-05", "2026-02/2026-04", ["avgo_q2fy26_pr"], "high",
     "Broadcom fiscal Q2 FY2026, GAAP (non-GAAP $12.074B)"),
    ("broadcom", "revenue", 63.89, "2025-11", "FY2025", ["avgo_ecmsource"], "medium",
     "fiscal year ended early November 2025"),
    ("broadcom", "net_income", 23.13, "2025-11", "FY2025", ["avgo_ecmsource"], "medium",
     "fiscal year ended early November 2025"),
]

#: existing facts that gain a primary source (fact id, source key)
FACT_SOURCES: list[tuple[str, str]] = [
    ("amd/revenue/2026-03", "amd_q1_2026_pr"),
    ("amd/net_income/2026-03", "amd_q1_2026_pr"),
    ("amd/revenue/2025-12-31", "amd_fy2025_pr"),
]


def main() -> None:
    b = Batch(
        "2026-11-26-09", "2026-11-26",
        "Buffer facts, second pass: filed cash, debt, equity, revenue, net income and market "
        "value for hyperscalers, chip vendors, neoclouds and miners",
        "Buffers of several stress-test companies rested on market value or approximate press "
        "figures; filed balance sheets give them real cash and debt",
        __file__,
    )
    ids = {k: b.source(**v) for k, v in SOURCES.items()}
    for row in FACTS:
        company, metric, value, as_of, period, keys, confidence, notes, *rest = row
        derivation = rest[0] if rest else None
        unit = rest[1] if len(rest) > 1 else "USD bn"
        fact_id = rest[2] if len(rest) > 2 else None
        b.fact(company, metric, value, as_of, [ids[k] for k in keys], confidence=confidence,
               unit=unit, period=period, notes=notes, derivation=derivation, fact_id=fact_id)
    for fid, key in FACT_SOURCES:
        b.cite("facts", fid, ids[key], reason="primary source: the company's results release")
    b.finish()


if __name__ == "__main__":
    main()
