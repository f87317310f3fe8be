"""Primary sources, part B: 22 of the issue-7 deals and stakes (issue 7, items 1 and 2).

Adds SEC filings (or full copies of them) and company releases to the deals below, keeping every
earlier source, and dated status events where a deal's status changed. Sources read for this
batch are declared in ``SOURCES`` below (``_sources.py`` is shared by the earlier batches and not
edited here). Confidence of a row is raised to ``high`` only where the filing or release itself
states the amount.

Progress (in the order of the brief):

- done (primary source added): anthropic-fluidstack-50b (Anthropic's announcement),
  anthropic-spacex-colossus (SpaceX S-1, 424B4), google-spacex-compute (SpaceX free writing
  prospectus, 424B4), nvda-openai-loi-100b (NVIDIA's and OpenAI's announcements),
  pimco-hyperion-bonds (Meta's release, StockTitan copy), msft-nscale-200k (Nscale's release),
  nvda-tsmc-2025 (TSMC 2025 20-F), spacex-bridge-20b (S-1 exhibit 10.9, 8-Ks of 2026-06-23 and
  -26), spv-nvda-gpus (Apollo's release on Valor Compute Infrastructure), meta-scale-14.3b (Scale
  AI's blog), humain-amd-10b (AMD's release), nvda-nebius-2b (Nebius 6-K exhibit),
  sb-intc-2b (SoftBank's release), asml-mistral-1.3b (ASML's release), nvda-nokia-1b (Nokia 6-K
  and release), goog-anthropic-2023 (Anthropic's Series C announcement), aker-nscale-285m
  (Nscale's Series B release), nvda-crwv-stake (NVIDIA 13F, 2026-06-30)
- status events: spacex-bridge-20b drawn then refinanced by $25B notes (2026-06-22);
  humain-amd-10b joint venture (amended, 2025-11-19); sb-arm-margin-loan $8.5B drawn
  (2025-11-11); nvda-nokia-1b closed by 2026-06-30 (13F); spv-nvda-gpus $5.4B realised through
  Valor Compute Infrastructure (2026-01-07)
- searched, not found (gaps): anthropic-gcp-200b (reported by The Information only; Anthropic's
  April 2026 Google/Broadcom announcement gives no amount and is the anthropic-tpu-3.5gw row),
  sb-arm-margin-loan (SoftBank's results presentation not found; only pages describing the
  slide), meta-gcp-10b (neither company confirmed it; Google declined to comment),
  goog-anthropic-stake (the court filings that showed 14% were not found, only reports of them)
"""

from __future__ import annotations

from _batch import Batch

#: key -> fields of a source record; every URL was returned by the search tool
LISTED = ("listed in public research notes and link lists found with the search tool's "
          "repository index (whose address the tool does not give); the page itself was not "
          "opened")

SOURCES: dict[str, dict] = {
    "anthropic_50b_pr": dict(
        url="https://www.anthropic.com/news/anthropic-invests-50-billion-in-american-ai-infrastructure",
        publisher="Anthropic", date="2025-11-12", type="press_release",
        title="Anthropic invests $50 billion in American AI infrastructure", confidence="medium",
        notes="cited by https://thesis.copecheck.com/okf/evidence/anthropic-anthropic-invests-50-"
              "billion-in-american-ai-infrastructure.md, which quotes its opening (a $50B "
              "investment in US computing infrastructure, data centers built with Fluidstack in "
              "Texas and New York); the page itself was not opened"),
    "copecheck_anthropic_50b": dict(
        url="https://thesis.copecheck.com/okf/evidence/anthropic-anthropic-invests-50-billion-in-american-ai-infrastructure.md",
        publisher="copecheck.com", date="2025-11-12", type="repost",
        original_publisher="Anthropic announcement of 2025-11-12",
        title="Evidence item: Anthropic invests $50 billion in American AI infrastructure"),
    # SpaceX: registration statement, final prospectus, free writing prospectus
    "spcx_s1": dict(
        url="https://www.sec.gov/Archives/edgar/data/1181412/000162828026036936/spaceexplorationtechnologi.htm",
        publisher="SEC EDGAR", date="2026-05-20", type="filing",
        original_publisher="SpaceX Form S-1, accession 0001628280-26-036936",
        title="SpaceX Form S-1 registration statement", confidence="medium",
        notes=LISTED + " (annotated: the S-1 discloses Anthropic's Cloud Services Agreements, "
              "$1.25B a month for COLOSSUS and COLOSSUS II compute through May 2029); the "
              "terms as read in https://relvehq.com/blog/noise/spacex-ipo-amendment-water-risk-"
              "anthropic-compute-deal and The GPU Trade's summary (a source of the row): about "
              "325,000 NVIDIA GPUs, either party may terminate after the first three months on 90 "
              "days' notice"),
    "spcx_s1_ex109": dict(
        url="https://www.sec.gov/Archives/edgar/data/1181412/000162828026036936/exhibit109-sx1.htm",
        publisher="SEC EDGAR", date="2026-05-20", type="filing",
        original_publisher="SpaceX Form S-1, Exhibit 10.9",
        title="Bridge loan credit agreement among SpaceX, the lenders and Goldman Sachs Bank USA "
              "as administrative agent", confidence="medium",
        notes=LISTED + " (quoting the agreement's title page); the amount of the facility is "
              "not in the text read: the row's $20B rests on its other sources"),
    "spcx_424b4": dict(
        url="https://www.sec.gov/Archives/edgar/data/1181412/000162828026042639/spaceexplorationtechnologi.htm",
        publisher="SEC EDGAR", date="2026-06-12", type="filing",
        original_publisher="SpaceX Form 424B4 final prospectus, accession 0001628280-26-042639",
        title="SpaceX final prospectus (424B4)", confidence="medium",
        notes=LISTED + " (annotated: compute infrastructure and customer contracts); its "
              "accession and date are confirmed by https://orthogonal.info/spacex-424b-"
              "prospectus-june-2026-sec-edgar/"),
    "spcx_fwp_google": dict(
        url="https://www.sec.gov/Archives/edgar/data/1181412/000162828026041150/spacexagreementfwp.htm",
        publisher="SEC EDGAR", date="2026-06", type="filing",
        original_publisher="SpaceX free writing prospectus, accession 0001628280-26-041150",
        title="SpaceX free writing prospectus: Cloud Service Agreement with Google LLC",
        confidence="medium",
        notes=LISTED + " (annotated: SpaceX's Google compute arrangement); "
              "https://news.italo.dev/article/spacex-s-reported-google-compute-contract-would-"
              "turn-ai-infrastructure-into-a-platform-power-story reads an SEC-hosted SpaceX "
              "filing saying SpaceX entered a Cloud Service Agreement with Google LLC on "
              "2026-06-05; the $920M a month, Oct 2026 - Jun 2029, rests on the press"),
    "italo_spcx_google": dict(
        url="https://news.italo.dev/article/spacex-s-reported-google-compute-contract-would-turn-ai-infrastructure-into-a-platform-power-story",
        publisher="italo.dev", date="2026-06-07", type="repost",
        original_publisher="SpaceX SEC filing (Google Cloud Service Agreement of 2026-06-05)",
        title="Google's reported SpaceX compute deal points to a new AI infrastructure pressure point"),
    "alphai_spcx_google": dict(
        url="https://alphai.io/news/article/06-06/73e8aa5c829622d5/spacex-ipo-google-cloud-deal-friends-family-shares",
        publisher="AlphaI", date="2026-06-06", type="repost",
        original_publisher="SpaceX amended registration statement",
        title="SpaceX IPO: Google Cloud deal and friends & family shares"),
    "relvehq_spcx_anthropic": dict(
        url="https://relvehq.com/blog/noise/spacex-ipo-amendment-water-risk-anthropic-compute-deal",
        publisher="Relve", date="2026-06", type="repost",
        original_publisher="SpaceX amended S-1 of 2026-06-01",
        title="SpaceX amends IPO filing; $1.25B monthly Anthropic compute deal"),
    # SpaceX: bond offering to repay the bridge facility
    "spcx_8k_pricing": dict(
        url="https://www.sec.gov/Archives/edgar/data/1181412/000162828026044955/spcx-pricing8xk.htm",
        publisher="SEC EDGAR", date="2026-06-23", type="filing",
        original_publisher="SpaceX Form 8-K, accession 0001628280-26-044955",
        title="SpaceX 8-K: pricing of $25B of senior unsecured notes; proceeds to repay the bridge "
              "loan facility in full", confidence="medium",
        notes="cited by https://secwatch.observer/filing/0001628280-26-044955.md, whose summary is "
              "the text read (the filing itself was not opened)"),
    "secwatch_spcx_pricing": dict(
        url="https://secwatch.observer/filing/0001628280-26-044955.md",
        publisher="secwatch.observer", date="2026-06-23", type="repost",
        original_publisher="SpaceX Form 8-K filed 2026-06-23",
        title="SpaceX prices $25 billion inaugural bond issuance"),
    "spcx_8k_closing": dict(
        url="https://www.sec.gov/Archives/edgar/data/1181412/000162828026045763/spcx-closing8xkjune2026.htm",
        publisher="SEC EDGAR", date="2026-06-26", type="filing",
        original_publisher="SpaceX Form 8-K, accession 0001628280-26-045763",
        title="SpaceX 8-K: issue of $25B of senior unsecured notes (five tranches, 2031-2056)",
        confidence="medium",
        notes="cited by https://secwatch.observer/filing/0001628280-26-045763.md, whose summary is "
              "the text read (the filing itself was not opened)"),
    "secwatch_spcx_closing": dict(
        url="https://secwatch.observer/filing/0001628280-26-045763.md",
        publisher="secwatch.observer", date="2026-06-26", type="repost",
        original_publisher="SpaceX Form 8-K filed 2026-06-26",
        title="SpaceX issues $25B in senior notes across five tranches"),
    "spcx_launch_orbitdealflow": dict(
        url="https://orbitdealflow.com/articles/spacex-inaugural-senior-notes-offering-100-8b-cash-2026-06-22",
        publisher="Orbit Dealflow", date="2026-06-22", type="repost",
        original_publisher="SpaceX Form 8-K furnished 2026-06-22",
        title="SpaceX launches its inaugural senior notes offering; $100.8B of cash at 2026-06-19"),
    # Nvidia / OpenAI letter of intent
    "nvda_openai_loi_pr": dict(
        url="https://nvidianews.nvidia.com/news/openai-and-nvidia-announce-strategic-partnership-to-deploy-10gw-of-nvidia-systems",
        publisher="NVIDIA", date="2025-09-22", type="press_release",
        title="OpenAI and NVIDIA announce strategic partnership to deploy 10 GW of NVIDIA systems",
        confidence="medium",
        notes=LISTED + "; its content (a letter of intent for at least 10 GW of NVIDIA systems, "
              "NVIDIA intending to invest up to $100B progressively as each GW is deployed, first "
              "GW in H2 2026 on Vera Rubin) is as described by https://qazinform.com/news/openai-"
              "and-nvidia-unveil-100b-plan-for-next-gen-ai-infrastructure-c79844 and "
              "https://particle.news/story/openai-and-nvidia-strike-10-gigawatt-ai-infrastructure-"
              "pact-with-up-to-100-billion-planned"),
    "openai_nvda_loi_pr": dict(
        url="https://openai.com/index/openai-nvidia-systems-partnership/",
        publisher="OpenAI", date="2025-09-22", type="press_release",
        title="OpenAI and NVIDIA announce strategic partnership to deploy 10 gigawatts of NVIDIA "
              "systems", confidence="medium",
        notes=LISTED + "; Telborg's summary (https://telborg.com/thread/44876621, already a "
              "source of the row) names openai.com, 2025-09-22, as its origin"),
    "qazinform_nvda_openai": dict(
        url="https://qazinform.com/news/openai-and-nvidia-unveil-100b-plan-for-next-gen-ai-infrastructure-c79844",
        publisher="Kazinform", date="2025-09-23", type="repost",
        original_publisher="NVIDIA and OpenAI announcement of 2025-09-22",
        title="OpenAI and NVIDIA unveil $100B plan for next-gen AI infrastructure"),
    "particle_nvda_openai": dict(
        url="https://particle.news/story/openai-and-nvidia-strike-10-gigawatt-ai-infrastructure-pact-with-up-to-100-billion-planned",
        publisher="Particle", date="2025-09-22", type="repost",
        original_publisher="NVIDIA and OpenAI announcement of 2025-09-22",
        title="OpenAI and Nvidia strike 10-gigawatt AI infrastructure pact"),
    # Nvidia / Nebius
    "nbis_6k_nvda_ex99": dict(
        url="https://www.sec.gov/Archives/edgar/data/1513845/000110465926026163/tm268532d1_ex99-1.htm",
        publisher="SEC EDGAR", date="2026-03-11", type="filing",
        original_publisher="Nebius Group Form 6-K, Exhibit 99.1 (accession 0001104659-26-026163)",
        title="Nebius 6-K exhibit: NVIDIA's $2B investment and partnership announcement",
        confidence="medium",
        notes=LISTED + " (as the source of Nvidia's $2B Nebius investment); Morning Overview "
              "(https://morningoverview.com/nvidia-invests-2b-in-nebius-a-28b-ai-cloud-provider, "
              "already a source of the row) describes the filing of 2026-03-11: a securities "
              "purchase agreement for a pre-funded warrant of about $2B over 21,065,936 Class A "
              "shares, with the joint announcement filed as an exhibit"),
    # Nvidia's 13F
    "nvda_13f_2026q2": dict(
        url="https://www.sec.gov/Archives/edgar/data/1045810/000104581026000065/information_table.xml",
        publisher="SEC EDGAR", date="2026-08-14", type="filing",
        original_publisher="NVIDIA Form 13F-HR for the quarter to 2026-06-30 (information table), "
                           "accession 0001045810-26-000065",
        title="NVIDIA 13F-HR information table, 2026-06-30", confidence="medium",
        notes=LISTED + "; a research log quoting it gives, at 2026-06-30: CoreWeave 47,213,353 "
              "shares (24,277,573 a quarter earlier) worth $4.70B, Nokia 166,389,351 shares "
              "(unchanged from the quarter before) worth $2.21B, Intel 214,776,632 shares, "
              "Nebius $0.33B"),
    # xAI GPU vehicle (Valor Compute Infrastructure)
    "apollo_pr_vci": dict(
        url="https://finance.yahoo.com/news/apollo-backs-5-4-billion-130000749.html",
        publisher="Yahoo Finance", date="2026-01-07", type="press_release",
        original_publisher="Apollo Global Management release of 2026-01-07",
        title="Apollo backs $5.4 billion Valor and xAI data center compute infrastructure "
              "transaction with $3.5 billion capital solution", confidence="medium",
        notes=LISTED + " (annotated: Apollo / Valor Compute Infrastructure $3.5B, 2026-01-07); "
              "its content is as summarised by https://beyondspx.com/quote/APO/news/apollo-"
              "announces-35-billion-capital-solution-for-valor-compute-infrastructure-to-fund-xai-"
              "data-cente: $3.5B from Apollo funds for Valor Compute Infrastructure, a Valor "
              "fund, to support a $5.4B acquisition and triple-net lease of compute including "
              "NVIDIA GB200 GPUs to an xAI subsidiary, with NVIDIA an anchor limited partner"),
    "beyondspx_apollo_vci": dict(
        url="https://beyondspx.com/quote/APO/news/apollo-announces-35-billion-capital-solution-for-valor-compute-infrastructure-to-fund-xai-data-cente",
        publisher="BeyondSPX", date="2026-01-07", type="repost",
        original_publisher="Apollo Global Management release of 2026-01-07",
        title="Apollo announces $3.5 billion capital solution for Valor Compute Infrastructure"),
    "marketdash_apollo_vci": dict(
        url="https://www.marketdash.io/stock-market-news/60776/apollo-backs-35-billion-financing-deal-for-musks-xai-infrastructure-push",
        publisher="MarketDash", date="2026-01", type="repost",
        original_publisher="Apollo Global Management release of 2026-01-07",
        title="Apollo backs $3.5 billion financing deal for Musk's xAI infrastructure push"),
    # TSMC
    "tsmc_20f_2025": dict(
        url="https://www.sec.gov/Archives/edgar/data/1046179/000162828026025362/tsm-20251231.htm",
        publisher="SEC EDGAR", date="2026-04-16", type="filing",
        original_publisher="TSMC Form 20-F for 2025, accession 0001628280-26-025362",
        title="TSMC annual report on Form 20-F, fiscal 2025", confidence="medium",
        notes=LISTED + " (as TSMC's 2025 Form 20-F, filed 2026-04-16); TSMC's reports name "
              "customers only as customer A, B ... (technews.lt, a source of the row); the "
              "NT$726.9bn for customer A was not read in the 20-F itself, so the row's amount "
              "and the inference that customer A is Nvidia rest on the row's other sources"),
    # Nvidia / Nokia
    "nok_6k_nvda_st": dict(
        url="https://www.stocktitan.net/sec-filings/NOK/6-k-nokia-corp-current-report-foreign-issuer-856876407250.html",
        publisher="StockTitan", date="2025-10-28", type="filing",
        original_publisher="Nokia Form 6-K",
        title="Nokia 6-K: directed share issuance of 166,389,351 shares to NVIDIA at $6.01 (USD 1.0B)"),
    "nok_pr_nvda_stockopedia": dict(
        url="https://www.stockopedia.com/share-prices/nokia-oyj-NYQ:NOK/news/reg-inside-information-nvidia-to-make-usd-1-0-billion-equity-investment-in-nokia-in-addition-to-new-strategic-partnership-nokia-s-board-resolved-on-directed-share-issuance-to-nvidia-urn:newsml:reuters.com:20251028:nGNE1LZlfX",
        publisher="Stockopedia", date="2025-10-28", type="press_release",
        original_publisher="Nokia Corporation (inside information release, 28 October 2025)",
        title="Inside information: NVIDIA to make USD 1.0 billion equity investment in Nokia",
        notes="full wire copy (Refinitiv) of Nokia's own release"),
    # SoftBank / Intel
    "sb_pr_intel": dict(
        url="https://group.softbank/en/news/press/20250819",
        publisher="SoftBank Group", date="2025-08-19", type="press_release",
        title="SoftBank Group: agreement to invest $2B in Intel common stock at $23.00 per share",
        confidence="medium",
        notes=LISTED + " (annotated: $2B at $23.00 a share); Reuters' report on CNA "
              "(https://www.channelnewsasia.com/business/softbank-invest-2-billion-intel-5301411) "
              "describes the joint statement of 2025-08-18 US time: $2B at $23 a share"),
    "cna_sb_intel": dict(
        url="https://www.channelnewsasia.com/business/softbank-invest-2-billion-intel-5301411",
        publisher="CNA", date="2025-08-19", type="repost", original_publisher="Reuters",
        title="SoftBank to invest $2 billion in Intel"),
    # ASML / Mistral
    "asml_pr_mistral": dict(
        url="https://www.asml.com/en/news/press-releases/2025/asml-mistral-ai-enter-strategic-partnership",
        publisher="ASML", date="2025-09-09", type="press_release",
        title="ASML and Mistral AI enter strategic partnership", confidence="medium",
        notes=LISTED + " (annotated: EUR 1.3B as lead investor of Mistral's Series C, about 11% "
              "stake, 2025-09-09)"),
    # Meta / Scale AI
    "scale_blog_meta": dict(
        url="https://scale.com/blog/scale-ai-announces-next-phase-of-company-evolution",
        publisher="Scale AI", date="2025-06-12", type="press_release",
        title="Scale AI announces next phase of company evolution (Meta investment; Alexandr Wang "
              "joins Meta)", confidence="medium",
        notes=LISTED + " (annotated: Meta's investment and valuation, Wang's move to Meta, Jason "
              "Droege as CEO); the $14.3B and 49% of the row rest on its other sources"),
    # Google / Anthropic 2023
    "anthropic_series_c": dict(
        url="https://www.anthropic.com/news/anthropic-series-c",
        publisher="Anthropic", date="2023-05-23", type="press_release",
        title="Anthropic raises $450 million in Series C funding", confidence="medium",
        notes=LISTED + " (annotated: $450M led by Spark Capital, with Google, Salesforce "
              "Ventures, Sound Ventures and Zoom Ventures; the amounts of individual investors "
              "not disclosed)"),
    # HUMAIN / AMD
    "amd_pr_humain": dict(
        url="https://ir.amd.com/news-events/press-releases/detail/1250/amd-and-humain-form-strategic-10b-collaboration-to-advance-global-ai",
        publisher="AMD", date="2025-05-13", type="press_release",
        title="AMD and HUMAIN form strategic $10B collaboration to advance global AI",
        confidence="medium",
        notes=LISTED + " (annotated: up to $10B, 500 MW of AI compute across Saudi Arabia and "
              "the United States over five years); the same release is listed at "
              "https://www.amd.com/en/newsroom/press-releases/2025-5-13-amd-and-humain-form-"
              "strategic--10b-collaboration-.html"),
    "ht_humain_jv": dict(
        url="https://www.hindustantimes.com/business/ai-deal-amd-cisco-saudi-arabias-humain-launch-ai-jv-land-first-major-customer-101763569457281.html",
        publisher="Hindustan Times", date="2025-11-19", type="repost", original_publisher="Reuters",
        title="AMD, Cisco and Saudi Arabia's Humain launch AI joint venture, land first customer"),
    "dcpulse_humain_jv": dict(
        url="https://dcpulse.com/news/amd-cisco-humain-launch-ai-venture-with-1-gw-infrastructure-plan",
        publisher="DC Pulse", date="2025-11-19", type="repost",
        original_publisher="Cisco announcement and Reuters",
        title="AMD, Cisco, HUMAIN launch AI venture with 1 GW infrastructure plan"),
    # Microsoft / Nscale; Aker / Nscale
    "nscale_pr_msft": dict(
        url="https://www.nscale.com/press-releases/nscale-microsoft-2025",
        publisher="Nscale", date="2025-10-15", type="press_release",
        title="Nscale contracts about 200,000 NVIDIA GB300 GPUs with Microsoft", confidence="medium",
        notes=LISTED + " (annotated: about 200,000 GB300 GPUs for Microsoft across Texas (about "
              "104,000, about 240 MW, from Q3 2026, with an option for 700 MW from late 2027), "
              "Sines in Portugal (12,600, from Q1 2026), Loughton in the UK (23,000) and Narvik in "
              "Norway (52,000)); no dollar amount is given there: the row's $14-24B rests on "
              "the press"),
    "nscale_pr_series_b": dict(
        url="https://www.nscale.com/press-releases/nscale-series-b",
        publisher="Nscale", date="2025-09-25", type="press_release",
        title="Nscale raises $1.1B Series B", confidence="medium",
        notes=LISTED + " (annotated: $1.1B Series B); Reuters (the row's SRN News copy) says "
              "Nscale named the round's investors and Aker stated its $285M, 9.3% stake and "
              "the earn-out to 12.2%"),
    "finansavisen_aker_nscale": dict(
        url="https://www.finansavisen.no/industri/2025/09/25/8295517/aker-investerer-2-8-milliarder-i-ai-partner",
        publisher="Finansavisen", date="2025-09-25", type="news",
        title="Aker invests NOK 2.8 billion in its AI partner (Nscale)"),
    # Meta / Blue Owl Hyperion
    "meta_pr_hyperion_st": dict(
        url="https://www.stocktitan.net/news/META/meta-announces-joint-venture-with-funds-managed-by-blue-owl-capital-cb9waindzv96.html",
        publisher="StockTitan", date="2025-10-21", type="press_release",
        original_publisher="Meta Platforms release of 2025-10-21",
        title="Meta announces joint venture with funds managed by Blue Owl Capital to develop "
              "Hyperion data center",
        notes="wire copy of Meta's release: about $27B of total development costs, Blue Owl funds "
              "80% and Meta 20%, about $7B cash from Blue Owl and a one-time distribution of about "
              "$3B to Meta; part of Blue Owl's share is funded by debt sold to PIMCO and other bond "
              "investors in a private placement (as summarised by "
              "https://www.waredata.com/meta-and-blue-owl-capital-form-joint-venture-to-develop-"
              "hyperion-data-center); the release gives no bond amount"),
    "bs_hyperion_bloomberg": dict(
        url="https://www.business-standard.com/amp/technology/tech-news/meta-blue-owl-seal-30-bn-private-capital-deal-for-hyperion-data-centre-125101700310_1.html",
        publisher="Business Standard", date="2025-10-17", type="repost", original_publisher="Bloomberg",
        title="Meta, Blue Owl seal $30 bn private capital deal for Hyperion data centre"),
    # SoftBank margin loan on Arm shares
    "cloudnews_sb_margin": dict(
        url="https://cloudnews.tech/softbank-leverages-arm-to-finance-its-bet-on-openai-the-financial-engineering-behind-the-ai-moment",
        publisher="cloudnews.tech", date="2025-11", type="repost",
        original_publisher="SoftBank Group investor presentation of 2025-11-11",
        title="SoftBank leverages Arm to finance its bet on OpenAI"),
    "moneycontrol_sb_margin": dict(
        url="https://www.moneycontrol.com/artificial-intelligence/softbank-in-talks-for-5-billion-margin-loan-backed-by-arm-stock-article-13608567.html",
        publisher="Moneycontrol", date="2025-10-10", type="repost", original_publisher="Bloomberg",
        title="SoftBank in talks for $5 billion margin loan backed by Arm stock"),
}

#: deal -> (source keys to add, reason for raising confidence to high or None)
PRIMARY: dict[str, tuple[list[str], str | None]] = {
    "anthropic-fluidstack-50b": (["anthropic_50b_pr", "copecheck_anthropic_50b"], None),
    "spacex-bridge-20b": (["spcx_8k_pricing", "secwatch_spcx_pricing", "spcx_launch_orbitdealflow",
                           "spcx_s1_ex109"], None),
    "anthropic-spacex-colossus": (["spcx_s1", "spcx_424b4", "relvehq_spcx_anthropic"], None),
    "google-spacex-compute": (["spcx_fwp_google", "spcx_424b4", "italo_spcx_google",
                               "alphai_spcx_google"], None),
    "nvda-openai-loi-100b": (["nvda_openai_loi_pr", "openai_nvda_loi_pr", "qazinform_nvda_openai",
                              "particle_nvda_openai"], None),
    "nvda-nebius-2b": (["nbis_6k_nvda_ex99"], None),
    "nvda-nokia-1b": (["nok_6k_nvda_st", "nok_pr_nvda_stockopedia", "nvda_13f_2026q2"], None),
    "nvda-crwv-stake": (["nvda_13f_2026q2"], None),
    "nvda-tsmc-2025": (["tsmc_20f_2025"], None),
    "spv-nvda-gpus": (["apollo_pr_vci", "beyondspx_apollo_vci", "marketdash_apollo_vci"], None),
    "sb-intc-2b": (["sb_pr_intel", "cna_sb_intel"], None),
    "asml-mistral-1.3b": (["asml_pr_mistral"], None),
    "meta-scale-14.3b": (["scale_blog_meta"], None),
    "goog-anthropic-2023": (["anthropic_series_c"], None),
    "humain-amd-10b": (["amd_pr_humain"], None),
    "msft-nscale-200k": (["nscale_pr_msft"], None),
    "aker-nscale-285m": (["nscale_pr_series_b", "finansavisen_aker_nscale"], None),
    "pimco-hyperion-bonds": (["meta_pr_hyperion_st", "bs_hyperion_bloomberg"], None),
}

#: (deal, n, date, status, source keys, note) -- new status events
NEW_EVENTS: list[tuple] = [
    ("spacex-bridge-20b", 2, "2026-06-22", "funded_partial",
     ["spcx_launch_orbitdealflow", "spcx_8k_pricing", "secwatch_spcx_pricing", "spcx_8k_closing",
      "secwatch_spcx_closing"],
     "SpaceX's 8-K of 2026-06-22 reports outstanding borrowings under the bridge facility (the "
     "amount drawn is not stated, so at least part of it was lent) and that the proceeds of its "
     "first notes offering would repay them in full; the $25B of notes priced on 2026-06-23 and "
     "settled on 2026-06-26 (8-K). That the bridge was then repaid is the stated plan; no source "
     "read confirms the repayment itself"),
    ("humain-amd-10b", 2, "2025-11-19", "amended", ["ht_humain_jv", "dcpulse_humain_jv"],
     "AMD, Cisco and HUMAIN formed a joint venture (AMD and Cisco minority shareholders) to build "
     "up to 1 GW of AI data-centre capacity by 2030, starting with 100 MW of AMD MI450 GPUs in "
     "Saudi Arabia in 2026, fully contracted by Luma AI; no financial terms were disclosed, so the "
     "$10B and the status are left as they were"),
    ("nvda-nokia-1b", 2, "2026-06-30", "funded", ["nvda_13f_2026q2"],
     "Nvidia's 13F lists the 166,389,351 Nokia shares at 2026-06-30 (the same count as a quarter "
     "earlier), so the share subscription had closed by then; the closing date itself was not "
     "found (Nokia said the shares would be registered in November 2025)"),
    ("spv-nvda-gpus", 3, "2026-01-07", "funded_partial",
     ["apollo_pr_vci", "beyondspx_apollo_vci", "marketdash_apollo_vci"],
     "Apollo announced $3.5B of financing for Valor Compute Infrastructure, a Valor fund with "
     "NVIDIA as anchor limited partner, to buy and lease to an xAI subsidiary $5.4B of compute "
     "including NVIDIA GB200 GPUs. This is taken to be the realised part of the Valor-arranged GPU "
     "vehicle reported at up to $20B (the sources do not say it is the same vehicle); the "
     "remaining ~$14.6B is not confirmed"),
    ("sb-arm-margin-loan", 2, "2025-11-11", "funded_partial",
     ["cloudnews_sb_margin", "moneycontrol_sb_margin"],
     "SoftBank's results presentation of 2025-11-11 showed the Arm-backed margin loan at up to "
     "$20B from 33 lenders, $8.5B drawn and $11.5B available (cloudnews.tech's reading of the "
     "slide); Bloomberg had reported $13.5B of facilities with $5B undrawn at 2025-03-31, so part "
     "was drawn before the enlargement. The presentation itself was not found"),
]

#: (event id, source key) -- primary sources of events already recorded
EVENT_SOURCES: list[tuple[str, str]] = [
    ("nvda-openai-loi-100b/1", "nvda_openai_loi_pr"),
    ("nvda-nebius-2b/1", "nbis_6k_nvda_ex99"),
    ("nvda-nokia-1b/1", "nok_6k_nvda_st"),
    ("sb-intc-2b/1", "sb_pr_intel"),
    ("asml-mistral-1.3b/1", "asml_pr_mistral"),
    ("meta-scale-14.3b/1", "scale_blog_meta"),
    ("goog-anthropic-2023/2", "anthropic_series_c"),
    ("humain-amd-10b/1", "amd_pr_humain"),
    ("msft-nscale-200k/1", "nscale_pr_msft"),
    ("aker-nscale-285m/1", "nscale_pr_series_b"),
    ("pimco-hyperion-bonds/1", "meta_pr_hyperion_st"),
    ("spacex-bridge-20b/1", "spcx_s1_ex109"),
    ("anthropic-spacex-colossus/2", "spcx_s1"),
    ("google-spacex-compute/1", "spcx_fwp_google"),
]


def src(b: Batch, key: str) -> str:
    return b.source(**SOURCES[key])


def main() -> None:
    b = Batch(
        "2026-11-26-08", "2026-11-26",
        "Primary sources, part B: filings and company releases for 22 large deals and stakes; "
        "status events where they changed",
        "Issue 7 asks for the filing or the company's own release wherever one exists, keeping "
        "the old sources; these rows cited only news, reposts or analysis pages. Confidence is "
        "raised only where the primary document itself states the amount",
        __file__,
    )
    for deal, (keys, why_high) in PRIMARY.items():
        for key in keys:
            b.cite("deals", deal, src(b, key), reason=f"primary source for {deal}")
        if why_high:
            b.amend("deals", deal, {"confidence": "high"}, source=src(b, keys[0]), reason=why_high)
    for deal, n, date, status, keys, note in NEW_EVENTS:
        b.event(deal, n, date, status, [src(b, k) for k in keys], note)
    for eid, key in EVENT_SOURCES:
        b.cite("events", eid, src(b, key), reason="primary source of the event")
    b.finish()


if __name__ == "__main__":
    main()
