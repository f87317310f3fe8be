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
}

#: (company, metric, value, as_of, period, source keys, confidence, notes[, derivation][, unit])
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
        b.fact(company, metric, value, as_of, [ids[k] for k in keys], confidence=confidence,
               unit=unit, period=period, notes=notes, derivation=derivation)
    b.finish()


if __name__ == "__main__":
    main()
