"""Company facts for the stress-test buffers, second pass (issue 7, item 4): balance sheets and
filed figures for the companies whose buffers rested on market value or on press figures.

Same conventions as 2026_11_26_06_buffer_facts.py (metric names of docs/data.md, USD bn,
standard ``period``, ``net_income`` signed, ``cash`` notes say what it includes). Sources read
for this batch are declared in ``SOURCES`` below (every URL was returned by the search tool).

Progress (done / searched, not found):
- done: Microsoft (cash, debt, equity 2025-12-31; market value 2026-05), Amazon (FY2025, cash,
  long-term debt, equity), Meta (FY2025, cash, market value), Nvidia (fiscal Q1 FY27, FY2026
  net income, market value), AMD (FY2025 net income, market value; releases cited), Broadcom
  (fiscal Q2 FY26, FY2025), Intel (FY2025, Q1 2026, cash, market value), Alphabet (filed debt,
  FY2025), Oracle (debt, cash, equity, market value at 2026-02-28), SoftBank (fiscal-year yen
  results; USD only where the source gave dollars), Cerebras (market value after the IPO), IREN,
  TeraWulf (cash and debt from its 424B5), Cipher (Q1 2026 loss), Fluidstack (2024, talks).
- searched, not found: total debt for Nvidia, AMD, Broadcom, Intel, IREN; cash for AMD,
  Broadcom, Cerebras; Alphabet's filed cash; CoreWeave and Nebius balance sheets after
  2025-12-31; Cipher revenue, cash, debt and value; SoftBank cash/debt in USD; Anthropic, xAI,
  Crusoe, Lambda, Nscale net income, cash and debt (private; xAI only a SpaceX segment).
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
    "intc_q1_2026_pr": dict(
        url="https://www.marketnewsdesk.com/index.php/intel-reports-first-quarter-2026-financial-results/",
        publisher="MarketNewsDesk (Business Wire copy)", date="2026-04-23", type="press_release",
        original_publisher="Intel", title="Intel Reports First-Quarter 2026 Financial Results"),
    "secwatch_intc_q1_2026": dict(
        url="https://secwatch.observer/filing/0000050863-26-000077.md",
        publisher="secwatch.observer", date="2026-05-15", type="repost",
        original_publisher="Intel Form 8-K filed 2026-04-23 (accession 0000050863-26-000077)",
        title="Intel reports Q1 2026 revenue of $13.6B"),
    "intc_fy2025_pr": dict(
        url="https://www.01net.it/intel-reports-fourth-quarter-and-full-year-2025-financial-results/",
        publisher="01net (Business Wire copy)", date="2026-01-22", type="press_release",
        original_publisher="Intel",
        title="Intel Reports Fourth-Quarter and Full-Year 2025 Financial Results"),
    "intc_xbrl_secinvestors": dict(
        url="https://secinvestors.com/fin/0000050863-intel-corp",
        publisher="SECInvestors", date="2026-01-23", type="other",
        original_publisher="Intel Form 10-K for 2025 (XBRL values)",
        title="Intel financial data from the 10-K filed 2026-01-23"),
    "intc_q1_2026_valye": dict(
        url="https://www.valye.com/news/intc-company-analysis-2026-04-25-intel-s-strategic-momentum-accelerates-after-q1-beat-987122",
        publisher="Valye", date="2026-04-25", type="other",
        original_publisher="Intel Form 10-Q for Q1 2026",
        title="Intel's strategic momentum accelerates after Q1 beat"),
    "intc_quote_fox": dict(
        url="https://foxbusiness.com/quote?stockTicker=INTC",
        publisher="Fox Business", date="2026-02-06", type="other",
        title="INTC quote page (market capitalisation at the close of 2026-02-06)"),
    "googl_debt_saon": dict(
        url="https://stock-analysis-on.net/NASDAQ/Company/Alphabet-Inc/Analysis/Debt",
        publisher="Stock Analysis on Net", date="2026-02", type="other",
        original_publisher="Alphabet Form 10-K for 2025",
        title="Alphabet: analysis of debt (carrying amounts from the 10-K)"),
    "googl_fy2025_finvincio": dict(
        url="https://finvincio.com/alphabet-googl-fy2025-10k-key-highlights-for-beginners",
        publisher="Finvincio", date="2026-02", type="other",
        original_publisher="Alphabet Form 10-K for 2025",
        title="Alphabet FY2025 10-K key highlights"),
    "googl_q4_2025_release": dict(
        url="https://modeledge.ai/api/proxy/0001652044/0001652044-26-000012/googexhibit991q42025.htm",
        publisher="modeledge.ai (copy of SEC exhibit)", date="2026-02-04", type="repost",
        original_publisher="Alphabet Form 8-K exhibit 99.1 (accession 0001652044-26-000012)",
        title="Alphabet Announces Fourth Quarter and Fiscal Year 2025 Results"),
    "orcl_cap_investlog": dict(
        url="https://tools.theinvestlog.com/financials/ORCL/capitalization/",
        publisher="The Invest Log", date="2026-03", type="other",
        original_publisher="Oracle Form 10-Q for the quarter to 2026-02-28 (XBRL values)",
        title="Oracle Corporation (ORCL) capitalization: market cap, equity, debt and cash"),
    "orcl_mcap_marketcapcompany": dict(
        url="https://marketcap.company/market-capitalization/nyse-orcl-oracle-corporation",
        publisher="marketcap.company", date="2026-03-18", type="other",
        title="Oracle Corporation market capitalisation as of 2026-03-18"),
    "orcl_q1fy26_quarterresults": dict(
        url="https://www.quarter-results.com/financial-reports/SIX/ORCL.SW/Q1/2026",
        publisher="quarter-results.com", date="2025-09", type="other",
        original_publisher="Oracle Form 10-Q for the quarter to 2025-08-31",
        title="Oracle Q1 FY2026 financial report summary"),
    "softbank_fy2025_kabutrack": dict(
        url="https://kabutrack.com/en/strategy/2026/06/02/softbankgroup-9984-ai-infrastructure-market-analysis.html",
        publisher="kabutrack", date="2026-06-02", type="other",
        original_publisher="SoftBank Group results for the fiscal year ended 2026-03-31 (2026-05-13)",
        title="SoftBank Group becomes Japan's largest company by market value; full-year results"),
    "softbank_q3_reuters_cna": dict(
        url="https://www.channelnewsasia.com/business/softbank-posts-fourth-straight-quarterly-profit-16-billion-openai-gains-5925651?cid=cna_flip_070214",
        publisher="CNA", date="2026-02-12", type="repost", original_publisher="Reuters",
        title="SoftBank posts fourth straight quarterly profit of $1.6 billion on OpenAI gains"),
    "softbank_mcap_ycharts": dict(
        url="https://ycharts.com/companies/SFTBY/market_cap",
        publisher="YCharts", date="2026-01-09", type="other",
        title="SoftBank Group (SFTBY) market cap for 2026-01-09"),
    "cbrs_ipo_virtuesig": dict(
        url="https://virtuesig.com/cerebras-ipo-68-percent-pop-66-billion-valuation/",
        publisher="VirtueSig", date="2026-05-15", type="other",
        title="Cerebras IPO: 68% first-day rise, $66 billion valuation"),
    "cbrs_ipo_infomachine": dict(
        url="https://theinformationmachine.fyi/threads/cerebras-ipo-launch/v2/",
        publisher="The Information Machine", date="2026-05-30", type="other",
        title="Cerebras Systems IPO: wafer-scale architecture goes public (version 2)"),
    "iren_q2fy26_pr": dict(
        url="https://www.stocktitan.net/news/IREN/iren-reports-q2-fy26-kw2ckij7k65o.html",
        publisher="StockTitan (GlobeNewswire copy)", date="2026-02-05", type="press_release",
        original_publisher="IREN", title="IREN Reports Q2 FY26 Results"),
    "iren_q1fy26_pr": dict(
        url="https://livenews.co.nz/2025/11/07/nz-au-iren-reports-q1-fy26-results",
        publisher="Live News NZ (GlobeNewswire copy)", date="2025-11-06", type="press_release",
        original_publisher="IREN", title="IREN Reports Q1 FY26 Results"),
    "wulf_424b5_apr2026": dict(
        url="https://www.stocktitan.net/sec-filings/WULF/424b5-terawulf-inc-prospectus-supplement-debt-securities-8ca4c5d8438c.html",
        publisher="StockTitan", date="2026-04", type="filing",
        original_publisher="TeraWulf prospectus supplement (Form 424B5), 47.4M shares at $19.00",
        title="TeraWulf 424B5: $900.6M common stock offering to fund the Hawesville build"),
    "wulf_424b5_prelim": dict(
        url="https://www.stocktitan.net/sec-filings/WULF/424b5-terawulf-inc-prospectus-supplement-debt-securities-3de7f065e15e.html",
        publisher="StockTitan", date="2026-04", type="filing",
        original_publisher="TeraWulf preliminary prospectus supplement (Form 424B5)",
        title="TeraWulf 424B5: $800M common stock offering; preliminary Q1 2026 results"),
    "wulf_q1_2026_decrypt": dict(
        url="https://t.bxjddjt.com/news/detail/terawulf-q1-hpc-revenue-surpasses-bitcoin-mining-for-the-first-time-loss-of-20947668",
        publisher="bxjddjt.com", date="2026-05-08", type="repost", original_publisher="Decrypt",
        title="TeraWulf Q1: HPC revenue surpasses bitcoin mining for the first time"),
    "cifr_q1_2026_coinpost": dict(
        url="https://coinpost.ai/en/topics/105534",
        publisher="CoinPost", date="2026-05", type="other",
        title="Cipher Digital reports $114 million Q1 loss as bitcoin miner speeds AI data centre shift"),
    "fluidstack_forbes_servernews": dict(
        url="https://servernews.ru/1128771",
        publisher="ServerNews", date="2025-09-08", type="repost", original_publisher="Forbes",
        title="Fluidstack: from 10 staff to a contract for a French nuclear-powered AI cluster"),
    "fluidstack_18b_siliconforward": dict(
        url="https://siliconforward.pages.dev/silicon-node/fluidstack-valuation-surge-ai-data-center-funding-analysis",
        publisher="SiliconForward", date="2026-04-14", type="other",
        title="From $7.5B to $18B: Fluidstack's valuation surge"),
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
    # Intel (fiscal 2025 ended 2025-12-27; Q1 2026 ended 2026-03-28)
    ("intel", "revenue", 52.853, "2025-12-27", "FY2025", ["intc_fy2025_pr", "intc_xbrl_secinvestors"], "high",
     "flat on 2024; Altera deconsolidated in Q3 2025"),
    ("intel", "net_income", -0.267, "2025-12-27", "FY2025", ["intc_xbrl_secinvestors"], "medium",
     "net loss attributable to Intel (EPS -$0.06 in the release)"),
    ("intel", "cash", 14.265, "2025-12-27", None, ["intc_xbrl_secinvestors"], "medium",
     "cash and cash equivalents only; short-term investments not included"),
    ("intel", "revenue", 13.6, "2026-03-28", "2026-Q1", ["intc_q1_2026_pr", "secwatch_intc_q1_2026"], "high", None),
    ("intel", "net_income", -3.7, "2026-03-28", "2026-Q1", ["secwatch_intc_q1_2026"], "medium",
     "GAAP EPS -$0.73 (non-GAAP $0.29), per the 8-K summary"),
    ("intel", "cash", 17.25, "2026-03-28", None, ["intc_q1_2026_valye"], "low",
     "cash and cash equivalents at quarter end per an analysis of the 10-Q; short-term investments not included"),
    ("intel", "market_cap", 242.76, "2026-02-06", None, ["intc_quote_fox"], "medium",
     "at the close of 2026-02-06 (quote page)"),
    # Alphabet (the filed debt replaces, as the latest figure, Benzinga's approximate one)
    ("google", "total_debt", 51.043, "2025-12-31", None, ["googl_debt_saon"], "medium",
     "carrying amount of debt and finance lease liabilities per the 10-K: short-term debt "
     "$1.996B, long-term debt $46.547B, finance leases $2.500B (debt without leases $48.543B); "
     "before the 2026 bond issues"),
    ("google", "revenue", 402.836, "2025-12-31", "FY2025", ["googl_fy2025_finvincio", "googl_q4_2025_release"], "medium",
     "Alphabet; the release says annual revenues exceeded $400B for the first time"),
    ("google", "net_income", 132.17, "2025-12-31", "FY2025", ["googl_fy2025_finvincio"], "medium", "Alphabet"),
    # Oracle (fiscal year ends May; fiscal Q3 FY2026 ended 2026-02-28)
    ("oracle", "market_cap", 448.27, "2026-03-18", None, ["orcl_mcap_marketcapcompany"], "medium",
     "$155.97 a share times 2.874B shares"),
    ("oracle", "market_cap", 423.4, "2026-02-28", None, ["orcl_cap_investlog"], "medium",
     "closing price on the quarter-end date times shares outstanding"),
    ("oracle", "total_debt", 162.16, "2026-02-28", None, ["orcl_cap_investlog"], "medium",
     "debt used in the site's enterprise value from the 10-Q; whether lease liabilities are "
     "included is not stated"),
    ("oracle", "cash", 38.45, "2026-02-28", None, ["orcl_cap_investlog"], "medium",
     "cash used in the site's enterprise value from the 10-Q; whether short-term investments "
     "are included is not stated"),
    ("oracle", "book_equity", 38.49, "2026-02-28", None, ["orcl_cap_investlog"], "medium",
     "total stockholders' equity"),
    ("oracle", "total_debt", 105.4, "2025-08-31", None, ["orcl_q1fy26_quarterresults"], "medium",
     "total debt at the end of fiscal Q1 FY2026, of which long-term debt $96.3B"),
    # SoftBank: yen figures under *_jpy names; USD only where the source itself gives dollars
    ("softbank", "net_income_jpy", 5002.271, "2026-03-31", "2025-04/2026-03", ["softbank_fy2025_kabutrack"], "medium",
     "net income attributable to owners of the parent, fiscal year to 2026-03-31 (announced "
     "2026-05-13); driven by Vision Fund gains on OpenAI", None, "JPY bn"),
    ("softbank", "revenue_jpy", 7798.65, "2026-03-31", "2025-04/2026-03", ["softbank_fy2025_kabutrack"], "medium",
     "net sales, fiscal year to 2026-03-31", None, "JPY bn"),
    ("softbank", "net_income_jpy", 248.6, "2025-12-31", "2025-Q4", ["softbank_q3_reuters_cna"], "medium",
     "October-December 2025 quarter (SoftBank's fiscal Q3)", None, "JPY bn"),
    ("softbank", "net_income", 1.62, "2025-12-31", "2025-Q4", ["softbank_q3_reuters_cna"], "medium",
     "October-December 2025 quarter: JPY 248.6bn, given as $1.62bn by Reuters (Reuters' "
     "conversion, not the company's)"),
    ("softbank", "market_cap", 161.07, "2026-01-09", None, ["softbank_mcap_ycharts"], "low",
     "USD market value of the SFTBY listing on 2026-01-09; by 2026-06-01 SoftBank had passed "
     "Toyota as Japan's most valuable company (no figure in the source read)"),
    # Cerebras
    ("cerebras", "market_cap", 66.0, "2026-05-14", None, ["cbrs_ipo_virtuesig", "cbrs_ipo_infomachine"], "medium",
     "over $66B at the close of the first trading day ($311.07 a share, IPO at $185); about "
     "$63-66B through the first week"),
    # IREN (fiscal year ends June; fiscal Q2 FY26 is the quarter to 2025-12-31)
    ("iren", "revenue", 0.1847, "2025-12-31", "2025-Q4", ["iren_q2fy26_pr"], "high",
     "IREN fiscal Q2 FY26"),
    ("iren", "net_income", -0.1554, "2025-12-31", "2025-Q4", ["iren_q2fy26_pr"], "high",
     "IREN fiscal Q2 FY26; includes unrealised losses and a debt inducement charge"),
    ("iren", "revenue", 0.2403, "2025-09-30", "2025-Q3", ["iren_q1fy26_pr"], "high", "IREN fiscal Q1 FY26"),
    ("iren", "net_income", 0.3846, "2025-09-30", "2025-Q3", ["iren_q1fy26_pr"], "high",
     "IREN fiscal Q1 FY26; includes unrealised gains on prepaid forwards and capped calls"),
    ("iren", "cash", 2.8, "2026-01-31", None, ["iren_q2fy26_pr"], "high",
     "cash on hand at 2026-01-31 per the release; composition not stated"),
    ("iren", "market_cap", 14.76, "2026-02-05", None, ["iren_q2fy26_pr"], "medium",
     "market value after the 11.5% fall on the results day, as tracked by StockTitan on the "
     "release page"),
    # TeraWulf
    ("terawulf", "cash", 3.1, "2026-03-31", None, ["wulf_424b5_apr2026", "wulf_424b5_prelim"], "high",
     "cash, cash equivalents and restricted cash, as stated in the prospectus supplement"),
    ("terawulf", "total_debt", 5.8, "2026-03-31", None, ["wulf_424b5_apr2026", "wulf_424b5_prelim"], "high",
     "total debt as stated in the prospectus supplement (senior secured notes, convertible notes, "
     "the $500M bridge facility)"),
    ("terawulf", "revenue", 0.034, "2026-03-31", "2026-Q1", ["wulf_q1_2026_decrypt", "wulf_424b5_prelim"], "medium",
     "about $34M, of which HPC lease revenue about $21M; the prospectus gave a preliminary $30-35M"),
    ("terawulf", "net_income", -0.4276, "2026-03-31", "2026-Q1", ["wulf_q1_2026_decrypt"], "medium",
     "mostly non-cash: a $216.3M warrant revaluation loss; interest expense $67.1M"),
    ("terawulf", "market_cap", 8.272, "2026-04", None, ["wulf_424b5_apr2026", "wulf_424b5_prelim"], "low",
     "implied by the April 2026 offering price, not a market quote",
     "435,381,960 shares outstanding on 2026-04-10 times the offering price of $19.00"),
    # Cipher Mining (Cipher Digital since 2026)
    ("cipher-mining", "net_income", -0.114, "2026-03-31", "2026-Q1", ["cifr_q1_2026_coinpost"], "low",
     "first-quarter loss of about $114M as reported by a news summary; revenue not stated there"),
    # Fluidstack (private; no balance sheet published)
    ("fluidstack", "revenue", 0.0662, "2024-12-31", "FY2024", ["fluidstack_forbes_servernews"], "medium",
     "$66.2M in 2024 (from $30M in 2023), per Forbes"),
    ("fluidstack", "net_income", -0.000735, "2024-12-31", "FY2024", ["fluidstack_forbes_servernews"], "medium",
     "a loss of $735K in 2024 (a profit of $1.72M earlier), per Forbes"),
    ("fluidstack", "valuation", 18.0, "2026-04-14", None, ["fluidstack_18b_siliconforward"], "low",
     "reported talks for a $1B round at about $18B, after a valuation of about $7.5B months "
     "earlier; the round was not reported closed in the pages read"),
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
