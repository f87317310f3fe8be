"""The pages read for the 2026-11-26 batches, declared once and shared by the batch scripts.

Each entry: key -> the fields of a source record. Every URL here was returned by the search
tool, either as a result page or, where ``notes`` says "cited by", inside the text of a result
page (the primary document itself was then not opened; what it says is taken from the citing
page, which is also recorded). Types follow docs/data.md: ``filing`` for a regulator's
document or a full copy of one, ``press_release`` for the company's own release or a full wire
copy of it, ``news`` for the outlet's own reporting, ``repost`` for a copy or summary of someone
else's story or filing (``original_publisher`` names it), ``other`` for analysis sites.
"""

from __future__ import annotations

SOURCES: dict[str, dict] = {
    # --- SEC filings and full copies of filings ------------------------------------------------
    "amd_8k_meta": dict(
        url="https://www.sec.gov/Archives/edgar/data/2488/000000248826000045/amd-20260223.htm",
        publisher="SEC EDGAR", date="2026-02-24", type="filing",
        original_publisher="AMD Form 8-K, accession 0000002488-26-000045",
        title="AMD Form 8-K: Meta agreement for up to 6 GW of Instinct GPUs and warrant",
        confidence="medium",
        notes="cited by https://secwatch.observer/filing/0000002488-26-000045.md, whose summary "
              "is the text read (the filing itself was not opened)"),
    "secwatch_amd_meta": dict(
        url="https://secwatch.observer/filing/0000002488-26-000045.md",
        publisher="secwatch.observer", date="2026-05-16", type="repost",
        original_publisher="AMD Form 8-K filed 2026-02-24",
        title="AMD and Meta announce multi-year partnership for up to 6 GW of Instinct GPUs"),
    "nebius_6k_meta": dict(
        url="https://www.sec.gov/Archives/edgar/data/1513845/000110465925109803/tm2530882d2_6k.htm",
        publisher="SEC EDGAR", date="2025-11-12", type="filing",
        original_publisher="Nebius Group Form 6-K",
        title="Nebius Form 6-K: commercial agreement with Meta (first order about $2.9B)"),
    "nebius_6k_meta_st": dict(
        url="https://www.stocktitan.net/sec-filings/NBIS/6-k-nebius-group-n-v-current-report-foreign-issuer-5c8518f5acb1.html",
        publisher="StockTitan", date="2025-11-12", type="filing",
        original_publisher="Nebius Group Form 6-K", title="Nebius 6-K: Meta agreement"),
    "nebius_6k_fy2025": dict(
        url="https://www.stocktitan.net/sec-filings/NBIS/6-k-nebius-group-n-v-current-report-foreign-issuer-ed78201470e8.html",
        publisher="StockTitan", date="2026-02-12", type="filing",
        original_publisher="Nebius Group Form 6-K (Q4 and FY2025 results)",
        title="Nebius 6-K: fourth quarter and full-year 2025 results"),
    "crwv_s1_r49": dict(
        url="https://www.sec.gov/Archives/edgar/data/1769628/000114036125032095/R49.htm",
        publisher="SEC EDGAR", date="2025", type="filing",
        original_publisher="CoreWeave registration statement (XBRL), Note 18 Subsequent Events",
        title="CoreWeave: OpenAI Master Services Agreement and stock issuance (subsequent events)"),
    "crwv_s1_r41": dict(
        url="https://www.sec.gov/Archives/edgar/data/1769628/000114036125032095/R41.htm",
        publisher="SEC EDGAR", date="2025", type="filing",
        original_publisher="CoreWeave registration statement (XBRL), Note 10 Debt",
        title="CoreWeave debt obligations as of 2025-06-30"),
    "crwv_openai_stock_agreement": dict(
        url="https://contracts.justia.com/companies/coreweave-inc-103508/contract/1318201",
        publisher="Justia Contracts", date="2025-03-07", type="filing",
        original_publisher="CoreWeave Exhibit 10.25, Common Stock Issuance Agreement with OpenAI OpCo",
        title="Stock Issuance Agreement between CoreWeave and OpenAI OpCo, dated 2025-03-07"),
    "crwv_8k_ddtl2_fifth": dict(
        url="https://www.pubt.io/view/B0F05C44256F2603B18631E4C65B13F1CD9F5C95",
        publisher="Public (pubt.io)", date="2025-10-02", type="filing",
        original_publisher="CoreWeave Form 8-K (material agreement, financial obligation)",
        title="CoreWeave 8-K: Fifth Amendment to the DDTL 2.0 credit agreement ($3.0B tranche)"),
    "intc_8k_nvidia": dict(
        url="https://www.stocktitan.net/sec-filings/INTC/8-k-intel-corp-reports-material-event-8eeba5711bce.html",
        publisher="StockTitan", date="2025-09-18", type="filing",
        original_publisher="Intel Form 8-K", title="Intel 8-K: securities purchase agreement with NVIDIA"),
    "intc_8k_doc": dict(
        url="https://www.stocktitan.net/sec-filings/INTC/8-k-intel-corp-reports-material-event-e853de363453.html",
        publisher="StockTitan", date="2025-08", type="filing",
        original_publisher="Intel Form 8-K",
        title="Intel 8-K: purchase agreement with the U.S. Department of Commerce"),
    "orcl_8k_q3fy26": dict(
        url="https://www.stocktitan.net/sec-filings/ORCL/8-k-oracle-corp-reports-material-event-09287a3e58c4.html",
        publisher="StockTitan", date="2026-03-10", type="filing",
        original_publisher="Oracle Form 8-K (Q3 FY2026 results)",
        title="Oracle 8-K: fiscal Q3 2026 results, financing programme"),
    "wulf_8k_fluidstack": dict(
        url="https://www.sec.gov/Archives/edgar/data/0001083301/000110465925078084/tm2523008d2_8k.htm",
        publisher="SEC EDGAR", date="2025-08-14", type="filing",
        original_publisher="TeraWulf Form 8-K",
        title="TeraWulf 8-K: datacenter leases with Fluidstack (Lake Mariner)"),
    "wulf_8k_fluidstack_st": dict(
        url="https://www.stocktitan.net/sec-filings/WULF/8-k-tera-wulf-inc-reports-material-event-a35fdee19edc.html",
        publisher="StockTitan", date="2025-08-14", type="filing",
        original_publisher="TeraWulf Form 8-K",
        title="TeraWulf 8-K: Fluidstack leases, Google backstop and warrants"),
    "wulf_8k_cb5": dict(
        url="https://www.stocktitan.net/sec-filings/WULF/8-k-tera-wulf-inc-reports-material-event-b125b8fc7f4c.html",
        publisher="StockTitan", date="2025-08-18", type="filing",
        original_publisher="TeraWulf Form 8-K", title="TeraWulf 8-K: CB-5 lease with Fluidstack"),
    "cifr_8k_phase2": dict(
        url="https://www.stocktitan.net/sec-filings/CIFR/8-k-cipher-mining-inc-reports-material-event-a8a59a51d99e.html",
        publisher="StockTitan", date="2025-11-20", type="filing",
        original_publisher="Cipher Mining Form 8-K",
        title="Cipher 8-K: amended Fluidstack lease, Google agreements, senior secured notes add-on"),
    "msft_8k_q3fy26": dict(
        url="https://www.sec.gov/Archives/edgar/data/789019/000119312526191457/msft-20260429.htm",
        publisher="SEC EDGAR", date="2026-04-29", type="filing",
        original_publisher="Microsoft Form 8-K, accession 0001193125-26-191457",
        title="Microsoft 8-K: fiscal Q3 2026 earnings release", confidence="medium",
        notes="cited by https://secwatch.observer/filing/0001193125-26-191457.md, whose summary "
              "is the text read (the filing itself was not opened)"),
    "secwatch_msft_q3fy26": dict(
        url="https://secwatch.observer/filing/0001193125-26-191457.md",
        publisher="secwatch.observer", date="2026-05-15", type="repost",
        original_publisher="Microsoft Form 8-K filed 2026-04-29",
        title="Microsoft Q3 FY2026: revenue, net income, commercial RPO"),
    "secwatch_orcl_q1fy26": dict(
        url="https://secwatch.observer/filing/0001193125-25-199175.md",
        publisher="secwatch.observer", date="2026-05-17", type="repost",
        original_publisher="Oracle Form 8-K filed 2025-09-09",
        title="Oracle Q1 FY2026: RPO $455B"),
    # --- company releases (own site or a full wire copy) ----------------------------------------
    "softbank_pr_20250401": dict(
        url="https://group.softbank/en/news/press/20250401",
        publisher="SoftBank Group", date="2025-04-01", type="press_release",
        title="Announcement Regarding Follow-on Investments in OpenAI"),
    "softbank_pr_20260701": dict(
        url="https://group.softbank/en/news/press/20260701",
        publisher="SoftBank Group", date="2026-07-01", type="press_release",
        title="SoftBank Group: second tranche of the follow-on investment in OpenAI",
        confidence="medium",
        notes="cited by https://wpnews.pro/news/softbank-completes-10-billion-second-tranche-"
              "investment-in-openai-via-vision-2.json, whose summary is the text read"),
    "softbank_ai_q3": dict(
        url="https://ai.softbank/insights/021",
        publisher="SoftBank Group", date="2026-02-12", type="press_release",
        title="SoftBank Group Q3 FY2025 results briefing (Japanese)"),
    "openai_stargate": dict(
        url="https://openai.com/index/announcing-the-stargate-project/",
        publisher="OpenAI", date="2025-01-21", type="press_release",
        title="Announcing The Stargate Project", confidence="medium",
        notes="cited by https://www.centerconsulting.com/ai-library/milestones/2025-stargate as the "
              "canonical announcement (it quotes the $500B and $100B figures and the four initial "
              "equity funders); the page itself was not opened"),
    "openai_oracle_4_5gw": dict(
        url="https://openai.com/index/stargate-advances-with-partnership-with-oracle/",
        publisher="OpenAI", date="2025-07-22", type="press_release",
        title="Stargate advances with 4.5 GW partnership with Oracle", confidence="medium",
        notes="cited by https://mungomash.com/orgs/openai/financials/ and https://anteroom.so/"
              "partnership/159ee1ca-c341-411e-b10a-2162b427bbed (which quotes it: an agreement to "
              "develop 4.5 GW of additional Stargate capacity); it gives no dollar amount"),
    "openai_msft_recap": dict(
        url="https://openai.com/index/next-chapter-of-microsoft-openai-partnership/",
        publisher="OpenAI", date="2025-10-28", type="press_release",
        title="The next chapter of the Microsoft-OpenAI partnership", confidence="medium",
        notes="cited by https://mungomash.com/orgs/openai/financials/ as the recapitalisation "
              "explainer of 2025-10-28; the page itself was not opened, so the figures of the rows "
              "it backs rest on their other sources"),
    "openai_round_852": dict(
        url="https://openai.com/index/accelerating-the-next-phase-ai/",
        publisher="OpenAI", date="2026-03-31", type="press_release",
        title="Accelerating the next phase of AI ($122B round at $852B post-money)",
        confidence="medium",
        notes="cited by https://mungomash.com/orgs/openai/financials/ (annotated: 2026-03-31, $122B "
              "round at $852B post-money); the page itself was not opened"),
    "openai_msft_revamp": dict(
        url="https://openai.com/index/next-phase-of-microsoft-partnership/",
        publisher="OpenAI", date="2026-04-27", type="press_release",
        title="The next phase of the Microsoft partnership", confidence="medium",
        notes="cited by https://mungomash.com/orgs/openai/financials/ (annotated: 2026-04-27 "
              "partnership revamp); the page itself was not opened"),
    "google_q1_2026_ceo": dict(
        url="https://blog.google/company-news/inside-google/message-ceo/alphabet-earnings-q1-2026/",
        publisher="Google", date="2026-04-29", type="press_release",
        title="Q1 2026 earnings call: remarks from our CEO", confidence="medium",
        notes="cited by https://ellis.replygirl.club/signals/2026-04-29-q1-2026-earnings-call-remarks-"
              "from-our-ceo/, whose summary is the text read (Cloud backlog over $460B)"),
    "aligned_pr": dict(
        url="https://www.itiger.com/news/2575781752",
        publisher="Tiger Brokers (Dow Jones)", date="2025-10-15", type="press_release",
        original_publisher="AIP, MGX and GIP press release (Business Wire)",
        title="AIP, MGX and GIP to acquire all equity in Aligned Data Centers"),
    "wulf_pr_fluidstack": dict(
        url="https://investor.wedbush.com/wedbush/article/gnwcq-2025-8-14-terawulf-signs-200-mw-10-year-ai-hosting-agreements-with-fluidstack",
        publisher="Wedbush (GlobeNewswire)", date="2025-08-14", type="press_release",
        original_publisher="TeraWulf press release (GlobeNewswire)",
        title="TeraWulf signs 200 MW, 10-year AI hosting agreements with Fluidstack"),
    "cifr_pr_56mw": dict(
        url="https://www.finanznachrichten.de/nachrichten-2025-11/67033380-cipher-mining-inc-cipher-mining-signs-additional-56-mw-10-year-ai-hosting-agreement-with-fluidstack-399.htm",
        publisher="finanznachrichten.de", date="2025-11-20", type="press_release",
        original_publisher="Cipher Mining press release (GlobeNewswire)",
        title="Cipher Mining signs additional 56 MW, 10-year AI hosting agreement with Fluidstack"),
    "cifr_pr_168mw": dict(
        url="https://stocktitan.net/news/CIFR/cipher-mining-signs-168-mw-10-year-ai-hosting-agreement-with-4xpp2kjak8yk.html",
        publisher="StockTitan", date="2025-09-25", type="press_release",
        original_publisher="Cipher Mining press release",
        title="Cipher Mining signs 168 MW, 10-year AI hosting agreement with Fluidstack"),
    "amzn_q1_2026_pr": dict(
        url="https://mtrustcompany.marketminute.com/article/bizwire-2026-4-29-amazoncom-announces-first-quarter-results",
        publisher="MarketMinute", date="2026-04-29", type="press_release",
        original_publisher="Amazon.com press release (Business Wire)",
        title="Amazon.com announces first quarter results"),
    "orcl_q3fy26_pr": dict(
        url="https://www.finanznachrichten.de/nachrichten-2026-03/67913206-oracle-announces-fiscal-year-2026-third-quarter-financial-results-008.htm",
        publisher="finanznachrichten.de", date="2026-03-10", type="press_release",
        original_publisher="Oracle press release (PR Newswire)",
        title="Oracle announces fiscal year 2026 third quarter financial results"),
    "orcl_fy25_pr": dict(
        url="https://www.epicos.com/article/947866/oracle-announces-fiscal-2025-fourth-quarter-and-fiscal-full-year-financial-results",
        publisher="Epicos", date="2025-06-11", type="press_release",
        original_publisher="Oracle press release (PR Newswire)",
        title="Oracle announces fiscal 2025 fourth quarter and full year results"),
    "nvda_fy26_pr": dict(
        url="https://menafn.com/1110790416/NVIDIA-Announces-Financial-Results-For-Fourth-Quarter-And-Fiscal-2026",
        publisher="MENAFN", date="2026-02-25", type="press_release",
        original_publisher="NVIDIA press release (GlobeNewswire)",
        title="NVIDIA announces financial results for fourth quarter and fiscal 2026"),
    "nbis_q1_2026_pr": dict(
        url="https://www.gongsmedia.com/?p=35037",
        publisher="gongsmedia.com", date="2026-05-13", type="press_release",
        original_publisher="Nebius Group press release (Business Wire), machine-rewritten copy",
        title="Nebius Group first quarter 2026 results",
        notes="a reworded copy of the release; the results table is intact"),
    # --- news, reposts and analysis ---------------------------------------------------------
    "sb_second_closing": dict(
        url="https://www.finanznachrichten.de/nachrichten-2025-12/67333631-softbank-completes-dollar-22-5-bln-second-closing-investment-in-openai-ownership-rises-to-11-020.htm",
        publisher="finanznachrichten.de", date="2025-12-31", type="repost",
        original_publisher="RTTNews / dpa-AFX"),
    "sb_30b_yomiuri": dict(
        url="https://japannews.yomiuri.co.jp/business/companies/20260228-313953/",
        publisher="The Japan News (Yomiuri)", date="2026-02-28", type="news"),
    "sb_tranche2_wpnews": dict(
        url="https://wpnews.pro/news/softbank-completes-10-billion-second-tranche-investment-in-openai-via-vision-2.json",
        publisher="wpnews.pro", date="2026-07-01", type="repost",
        original_publisher="SoftBank Group press release of 2026-07-01"),
    "sb_tranche2_japanco": dict(
        url="https://japan.co.jp/e/reports/softbank-openai-second-tranche-july-2026.html",
        publisher="japan.co.jp", date="2026-07", type="other"),
    "intc_nvda_close": dict(
        url="https://www.ibselectronics.in/resources/news/nvidia-closes-$5b-intel-stock-purchase-under-september-deal/",
        publisher="IBS Electronics", date="2026-01-09", type="repost",
        original_publisher="Intel filing of 2025-12-29"),
    "nbis_msft_cnbc": dict(
        url="https://news.mogaznews.com/index.php/news/11097/us/September-08-2025/Nebius%27-stock-soars-60%25-on-multibillion-dollar-AI-infrastructure-deal-with-Microsoft-",
        publisher="mogaznews", date="2025-09-08", type="repost", original_publisher="CNBC"),
    "crwv_filings_digest": dict(
        url="https://filings-digest.pages.dev/issues/2026-04-19-issue-01",
        publisher="Filings Digest", date="2026-04-19", type="other",
        notes="a digest of CoreWeave's 8-K filings of the week"),
    "crwv_meta_21b_bnt": dict(
        url="https://business-news-today.com/?p=265335",
        publisher="Business News Today", date="2026-04-09", type="news"),
    "crwv_10k_bakshi": dict(
        url="https://www.bakshi-finance.co.il/stocks/crwv.en.html",
        publisher="Bakshi Finance", date="2026-04", type="other",
        original_publisher="CoreWeave Form 10-K for FY2025; StockAnalysis market data"),
    "crwv_q1_2026_allmind": dict(
        url="https://allmind.ai/news/7ca837cbffc5fc1495fab735616983877f0d4ff90552df92223532911647d391",
        publisher="allmind.ai", date="2026-05", type="other"),
    "crwv_debt_sws": dict(
        url="https://tubenews.eu/heres-why-coreweave-nasdaqcrwv-is-weighed-down-by-its-debt-load",
        publisher="tubenews.eu", date="2026-01-01", type="repost", original_publisher="Simply Wall St"),
    "openai_q1_2026_info": dict(
        url="https://aktiego.com/market-analysis/openai-burned-3-7-billion-in-q1-and-filed-for-a-1-trillion-ipo-in-the-same-week/?nb=1",
        publisher="Aktiego", date="2026-06", type="other",
        original_publisher="The Information (OpenAI documents shared with shareholders); Reuters"),
    "mungomash_openai": dict(
        url="https://mungomash.com/orgs/openai/financials/",
        publisher="mungomash", date="2026-05", type="other"),
    "spacex_s1_neucore": dict(
        url="https://neucore-site.pages.dev/blog/spacex-files-for-ipo",
        publisher="Neucore", date="2026-05", type="other", original_publisher="SpaceX Form S-1"),
    "spacex_s1_finrep": dict(
        url="https://www.finrep.ai/blog/what-latest-s-1-filings-reveal-for-tech-ipos",
        publisher="Finrep", date="2026-05", type="other", original_publisher="SpaceX Form S-1"),
    "spacex_s1_aiblogs": dict(
        url="https://ai-blogs.org/news/2026-05-22-spacex-ipo-roadshow-june-pm.html",
        publisher="ai-blogs.org", date="2026-05-22", type="other", original_publisher="SpaceX Form S-1"),
    "cbrs_s1_lds": dict(
        url="https://letsdatascience.com/news/cerebras-systems-files-ipo-pressures-nvidias-ai-chip-lead-ce6d2b0e",
        publisher="Let's Data Science", date="2026-04", type="repost", original_publisher="Reuters; CNBC"),
    "cbrs_s1_startupfortune": dict(
        url="https://startupfortune.com/?p=9374",
        publisher="Startup Fortune", date="2026-05-04", type="other",
        original_publisher="Cerebras amended Form S-1"),
    "nbis_q1_analysis": dict(
        url="https://analysis.org/nebius-q1-2026-the-3-2-billion-customer-prepayment-that-matters-more-than-the-621-million-headline/",
        publisher="analysis.org", date="2026-05", type="other"),
    "nbis_q4_call": dict(
        url="https://www.tradevae.com/news/earnings/NBIS/nebius-group-q4-2025-earnings-call-capacity-sprint-contracted-power-tops-2gw-targeting-3gw-arr-7-9b",
        publisher="Tradevae", date="2026-02", type="other"),
    "nvda_q3fy26_reportify": dict(
        url="https://reportify.ai/financials/1188760564478906368",
        publisher="Reportify", date="2025-11", type="repost",
        original_publisher="NVIDIA Form 10-Q for the quarter to 2025-10-26"),
    "nvda_q4fy26_fool": dict(
        url="https://www.nasdaq.com/articles/nvidias-ai-powered-earnings-beat-and-revenue-guidance-crushed-wall-streets-estimates",
        publisher="Nasdaq (Motley Fool)", date="2026-02-25", type="news"),
    "nvda_commitments_cfo": dict(
        url="https://web3.okx.com/es-es/discover/post/60952171919424",
        publisher="OKX Discover", date="2025-11", type="repost",
        original_publisher="NVIDIA CFO commentary, Q3 FY2026"),
    "msft_q3fy26_aardvark": dict(
        url="https://research.aardvarklabs.co/research/msft/earnings/2026-q3/msft-2026-q3-flashcap",
        publisher="Aardvark Labs", date="2026-04-29", type="other"),
    "amzn_q1_2026_belcourt": dict(
        url="https://belcourt.vercel.app/AMZN/earnings/2026Q1-review-claude",
        publisher="Belcourt", date="2026-04-29", type="other"),
    "amzn_q1_2026_graphvest": dict(
        url="https://graphvest.com/amzn-aws-growth-record-margins",
        publisher="Graphvest", date="2026-04-30", type="other"),
    "googl_q1_2026_converge": dict(
        url="https://convergedigest.com/google-cloud-hits-20b-quarter-fueled-by-ai-infrastructure-boom/",
        publisher="Converge Digest", date="2026-04-29", type="news"),
    "googl_q1_2026_runchey": dict(
        url="https://www.runcheyresearch.com/news/goog-q1-2026-earnings",
        publisher="Runchey Research", date="2026-04-30", type="other"),
    "googl_q1_2026_chaobro": dict(
        url="https://www.chaobro.com/en/posts/alphabet-q1-2026-earnings-ai-profit",
        publisher="chaobro.com", date="2026-04-30", type="other"),
    "bigtech_debt_oracore": dict(
        url="https://oracore.dev/en/news/big-tech-borrowing-to-pay-for-ai-buildout-en",
        publisher="Oracore", date="2026-05", type="other", original_publisher="The Kobeissi Letter"),
    "meta_q1_2026_aardvark": dict(
        url="https://research.aardvarklabs.co/research/meta/earnings/2026-q1/meta-2026-q1-recap",
        publisher="Aardvark Labs", date="2026-04-30", type="other"),
    "orcl_verdict_q3": dict(
        url="https://www.verdict.co.uk/oracle-q3-fy26-results/",
        publisher="Verdict", date="2026-03-11", type="news"),
    "orcl_bs_stockanalysis": dict(
        url="https://stockanalysis.com/stocks/orcl/financials/balance-sheet/?p=trailing",
        publisher="StockAnalysis", date="2026-02-02", type="other",
        original_publisher="Oracle Form 10-Q filings"),
    "orcl_q1fy26_reportify": dict(
        url="https://reportify.ai/financials/1163374893329420288",
        publisher="Reportify", date="2025-09", type="repost",
        original_publisher="Oracle Form 10-Q for the quarter to 2025-08-31"),
    "orcl_leases_benzinga": dict(
        url="https://reportify.ai/news/1198885703820513280",
        publisher="Reportify", date="2025-12-17", type="repost", original_publisher="Benzinga"),
    "amd_q1_2026": dict(
        url="https://echeloncreativemedia.com/marketvows/2026/05/06/amd-shares-rocket-on-q1-beat-bullish-ai-forecast-data-center-segment-fuels-explosive-growth/",
        publisher="MarketVows", date="2026-05-06", type="other"),
    "crusoe_series_e_dcd": dict(
        url="https://imdsolution.com/crusoes-1375b-funding-fuels-ai-data-center-arms-ra-20251119",
        publisher="imdsolution.com", date="2025-11-19", type="repost",
        original_publisher="DatacenterDynamics"),
    "crusoe_series_e_enterprise": dict(
        url="https://enterpriseam.com/uae/2025/10/28/mubadala-capital-leads-usd-1-4-bn-series-e-funding-round-in-crusoe-backs-usd-55-mn-fund",
        publisher="Enterprise AM", date="2025-10-28", type="news"),
    "tsmc_customer_a": dict(
        url="http://www.technews.lt/portal/news/nvidia-aplenke-apple-ir-tapo-didziausiu-tsmc-klientu/",
        publisher="TechNews.lt", date="2026", type="repost", original_publisher="Taiwan News"),
    "tsmc_huang_cnbc": dict(
        url="https://whistlebuzz.com/?p=21388", publisher="whistlebuzz.com", date="2026-01",
        type="repost", original_publisher="CNBC"),
    "tsmc_fy2025": dict(
        url="https://allnews.help/2026/01/17/nvidia-ousts-apple-tsmc-names-new-top-client",
        publisher="allnews.help", date="2026-01-17", type="repost", original_publisher="Culpium blog"),
    "skhynix_hbm4": dict(
        url="https://koreajoongangdaily.joins.com/news/2026-01-28/business/industry/SK-hynix-has-won-twothirds-of-Nvidias-nextgen-highbandwidth-memory-orders-Industry-sources/2510561",
        publisher="Korea JoongAng Daily", date="2026-01-28", type="news"),
    "samsung_hbm4_parameter": dict(
        url="https://parameter.io/samsung-to-launch-hbm4-memory-chip-manufacturing-for-nvidia-february",
        publisher="Parameter", date="2026-01", type="other"),
    "hbm4_split_tradeiq": dict(
        url="https://mail.tradeiqai.com/newsdesk/read/samsung-and-sk-hynix-secure-nvidias-hbm4-memory-supply-amid-challenging-specifications",
        publisher="TradeIQ", date="2026-02-09", type="other"),
    "entergy_bloomberg_2025": dict(
        url="https://datacenternews.tech/entergy-to-build-three-gas-plants-for-meta-data-center",
        publisher="Data Center News", date="2025-09-03", type="repost", original_publisher="Bloomberg"),
    "entergy_businessreport": dict(
        url="https://www.businessreport.com/article/heres-one-way-entergy-looks-to-help-meet-growing-electricity-demand",
        publisher="Baton Rouge Business Report", date="2025-10", type="repost",
        original_publisher="Bloomberg"),
    "entergy_revised_2026": dict(
        url="https://reportify.ai/news/1235039889742106624",
        publisher="Reportify", date="2026-03", type="repost", original_publisher="Entergy statement"),
    "entergy_ten_plants": dict(
        url="https://www.newsbang.com/news/article/story_id-p008-78563?lang=zh",
        publisher="Newsbang", date="2026-04-29", type="repost", original_publisher="Bloomberg"),
    "wulf_cb5_summary": dict(
        url="https://reportify.ai/news/1154898903741763584",
        publisher="Reportify", date="2025-08-18", type="repost",
        original_publisher="TeraWulf press release of 2025-08-18"),
    "cifr_aws_mexc": dict(
        url="https://www.mexc.fm/ms-MY/news/cipher-mining-cifr-stock-company-signs-5-5-billion-amazon-web-services-lease-agreement/152384",
        publisher="MEXC News", date="2025-11-03", type="repost", original_publisher="Blockonomi"),
    "anthropic_380_guardian": dict(
        url="https://www.discoverheadlines.com/2026/02/the-ai-gold-rush-anthropics-380bn.html",
        publisher="Discover Headlines", date="2026-02", type="repost", original_publisher="The Guardian"),
}


def src(batch, key: str) -> str:
    """Ensure the source ``key`` in the batch's ledger; returns its id."""
    return batch.source(**SOURCES[key])
