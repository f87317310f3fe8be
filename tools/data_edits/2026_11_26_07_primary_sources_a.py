"""Primary sources for a second group of large flows (issue 7, item 1), part A.

Adds SEC filings and the companies' own announcements to the deals below, keeping every earlier
source, and dated status events where a deal's status changed. Sources are declared here (not in
``_sources.py``, which the first batches share). Where a primary document was identified through
a page that cites it (its address in a link list or research note found with the search tool),
its record says "listed in" (a link list of the search tool's repository index, whose
address the tool does not give) or "cited by <url>" in ``notes`` and has confidence ``medium``; what it says
is taken from the pages that describe it, which are recorded too.

Progress (deals of this part, in order; "gap" = no primary document found):
- spacex-xai-acquisition: SpaceX's own update "xAI joins SpaceX" (2026-02-02); S-1 not found
- anthropic-aws-100b: Anthropic's announcement (2026-04-20)
- openai-aws-100b: Amazon's release on the OpenAI investment and expanded AWS agreement
- openai-aws-38b: OpenAI's and Amazon's announcements (2025-11-03)
- amzn-anthropic-25b: Anthropic's announcement and Amazon's release (2026-04-20)
- goog-anthropic-40b: searched (Alphabet/Anthropic statement, Alphabet 10-Q Q1 2026): gap
- anthropic-azure-30b, nvda-anthropic-10b: Microsoft's blog and Anthropic's copy (2025-11-18)
- oracle-nvda-40b: searched: gap (FT report from unnamed sources; no company statement)
- vantage-oracle-38b: searched (Vantage releases on financing): gap
- oracle-bonds-18b: Oracle 10-Q (quarter to 2025-11-30, Note 3) states $18.0B: confidence high
- google-notes-2026: Alphabet 8-K (2026-02-13, StockTitan copy), issuer's counsel
- meta-nebius-27b: searched (Nebius 6-K / release of March 2026): gap
- msft-nebius-19.4b: searched (Nebius 6-K of September 2025): gap (only CNBC's account of it)
- meta-crwv-21b: CoreWeave 8-K of 2026-04-09 known only from a summary (repost): gap
- meta-crwv-14.2b: CoreWeave Q3 2025 release (StockTitan wire copy); amended event 2026-04-09
- msft-crwv-10b: CoreWeave 424B4 prospectus (Microsoft 62% of 2024 revenue; no contract total)
- msft-crwv-option-12b: searched with the CoreWeave filings: gap (Semafor only)
- anthropic-broadcom-21b: earnings-call transcript (typed repost): gap
- nvda-groq-20b: Groq's release (2025-12-24); no Nvidia filing with an amount found
- openai-cerebras-compute: OpenAI's announcement (2026-01-14); Cerebras's 2026 S-1 not found
- msft-openai-2023: Microsoft 10-Q (quarter to 2025-09-30, Note 17), OpenAI's 2023 announcement
"""

from __future__ import annotations

from _batch import Batch

ENTRY = "2026-11-26-07"

#: key -> source fields; every URL was returned by the search tool
SOURCES: dict[str, dict] = {
    # --- Amazon / Anthropic ---------------------------------------------------------------------
    "anthropic_amazon_compute": dict(
        url="https://www.anthropic.com/news/anthropic-amazon-compute",
        publisher="Anthropic", date="2026-04-20", type="press_release",
        title="Anthropic and Amazon expand collaboration for up to 5 gigawatts of new compute",
        confidence="medium",
        notes="listed (with this title and date) in public link lists of Anthropic's announcements "
              "found with the search tool's repository index; the page itself was not opened. As "
              "described by thesummerai.com and open-techstack.com: more than $100B committed to "
              "AWS technologies over ten years for up to 5 GW, nearly 1 GW of Trainium2/3 by the "
              "end of 2026, and Amazon investing $5B now with up to $20B more, on top of $8B "
              "invested before"),
    "open_techstack_anthropic_aws": dict(
        url="https://open-techstack.com/blog/anthropic-amazon-aws-compute-deal-2026/",
        publisher="Open TechStack", date="2026-04", type="repost",
        original_publisher="Anthropic announcement of 2026-04-20",
        title="Anthropic's AWS compute deal: what the commitment buys"),
    "amazon_anthropic_pr": dict(
        url="https://www.aboutamazon.com/news/company-news/amazon-invests-additional-5-billion-anthropic-ai",
        publisher="Amazon", date="2026-04", type="press_release",
        title="Amazon and Anthropic expand strategic collaboration", confidence="medium",
        notes="Amazon's release on the additional investment, named, with its title, in the source list "
              "of a public article found with the search tool's repository index; the page itself "
              "was not opened and its figures are not taken from it"),
    # --- Amazon / OpenAI ------------------------------------------------------------------------
    "openai_aws_partnership": dict(
        url="https://openai.com/index/aws-and-openai-partnership/",
        publisher="OpenAI", date="2025-11-03", type="press_release",
        title="AWS and OpenAI announce multi-year strategic partnership", confidence="medium",
        notes="listed, with OpenAI's RSS date 2025-11-03, in public research notes and link lists "
              "found with the search tool's repository index, which quote it: a $38B agreement "
              "over seven years, hundreds of thousands of Nvidia GB200/GB300 GPUs, all capacity "
              "targeted before the end of 2026; the page itself was not opened"),
    "amazon_openai_aws_pr": dict(
        url="https://www.aboutamazon.com/news/aws/aws-open-ai-workloads-compute-infrastructure",
        publisher="Amazon", date="2025-11-03", type="press_release",
        title="AWS announces new partnership to power OpenAI's AI workloads", confidence="medium",
        notes="Amazon's release of the $38B, seven-year agreement, listed with its date in public "
              "link lists and research notes found with the search tool's repository index; the "
              "page itself was not opened"),
    "amazon_openai_investment_pr": dict(
        url="https://www.aboutamazon.com/news/company-news/amazon-openai-investment",
        publisher="Amazon", date="2026-02", type="press_release",
        title="Amazon's $50B investment in OpenAI and expanded strategic partnership",
        confidence="medium",
        notes="Amazon's release, listed in public news digests found with the search tool's "
              "repository index; the page itself was not opened. Tom's Hardware (2026-02-27), "
              "citing the press release, reports the $50B investment ($15B upfront, $35B on "
              "conditions), the expansion of the $38B AWS agreement by $100B over eight years and "
              "about 2 GW of Trainium capacity"),
    # --- Microsoft / OpenAI ---------------------------------------------------------------------
    "msft_10q_q1fy26_r26": dict(
        url="https://www.sec.gov/Archives/edgar/data/789019/000119312525256321/R26.htm",
        publisher="SEC EDGAR", date="2025-10-29", type="filing",
        original_publisher="Microsoft Form 10-Q for the quarter to 2025-09-30 (XBRL), Note 17",
        title="Microsoft 10-Q, Note 17 Subsequent event: new definitive agreement with OpenAI",
        notes="states the $13B of total funding commitments to OpenAI (equity method), the "
              "about 27% stake after the recapitalisation and OpenAI's incremental $250B Azure "
              "purchase"),
    "deepdive_msft_openai_funded": dict(
        url="https://thedeepdive.ca/openai-implied-11-5b-quarterly-loss",
        publisher="The Deep Dive", date="2025-10", type="repost",
        original_publisher="Microsoft Form 10-Q for the quarter to 2025-09-30",
        title="Microsoft filing implies $11.5B loss for OpenAI"),
    "peq42_msft_10q": dict(
        url="https://peq42.com/blog/microsoft-filings-reveal-openai-lost-over-11-5-billion-in-a-single-quarter",
        publisher="peq42", date="2025-10", type="repost",
        original_publisher="Microsoft Form 10-Q for the quarter to 2025-09-30",
        title="Microsoft filings reveal OpenAI lost over $11.5 billion in a single quarter"),
    "nocode_msft_10q_q3fy26": dict(
        url="https://nocodetechstacker.com/en/posts/microsoft-openai-10-q-5-9-billion-closed-loop-12622",
        publisher="NoCode TechStacker", date="2026-05", type="other",
        original_publisher="Microsoft Form 10-Q for the quarter to 2026-03-31",
        title="Microsoft OpenAI 10-Q: the $5.9 billion closed loop"),
    "openai_msft_extend_2023": dict(
        url="https://openai.com/index/openai-and-microsoft-extend-partnership/",
        publisher="OpenAI", date="2023-01-23", type="press_release",
        title="OpenAI and Microsoft extend partnership", confidence="medium",
        notes="listed in a public link list of OpenAI's announcements found with the search tool's "
              "repository index; the page itself was not opened. It announces the multiyear, "
              "multibillion-dollar investment without an amount; the $10B figure rests on the "
              "news sources"),
    # --- Microsoft / Nvidia / Anthropic (2025-11-18) ---------------------------------------------
    "msft_blog_anthropic": dict(
        url="https://blogs.microsoft.com/blog/2025/11/18/microsoft-nvidia-and-anthropic-announce-strategic-partnerships/",
        publisher="Microsoft", date="2025-11-18", type="press_release",
        title="Microsoft, NVIDIA and Anthropic announce strategic partnerships", confidence="medium",
        notes="listed in public link lists found with the search tool's repository index; the page "
              "itself was not opened. As reported from the companies' announcement (NDTV Profit / "
              "Bloomberg, 36Kr): Anthropic commits to buy $30B of Azure compute and to contract up "
              "to 1 GW more; Nvidia commits up to $10B and Microsoft up to $5B of investment"),
    "anthropic_msft_nvda_pr": dict(
        url="https://www.anthropic.com/news/microsoft-nvidia-anthropic-announce-strategic-partnerships",
        publisher="Anthropic", date="2025-11-18", type="press_release",
        title="Microsoft, NVIDIA and Anthropic announce strategic partnerships", confidence="medium",
        notes="Anthropic's copy of the joint announcement, listed in a public link list found with "
              "the search tool's repository index; the page itself was not opened"),
    "kr36_msft_nvda_anthropic": dict(
        url="https://eu.36kr.com/en/p/3559460210818180",
        publisher="36Kr", date="2025-11-19", type="news",
        title="Anthropic secures $15 billion investment commitment from Microsoft and NVIDIA"),
    # --- Alphabet notes (February 2026) ---------------------------------------------------------
    "googl_8k_notes_2026": dict(
        url="https://www.stocktitan.net/sec-filings/GOOGL/8-k-alphabet-inc-reports-material-event-66000d4baccc.html",
        publisher="StockTitan", date="2026-02-13", type="filing",
        original_publisher="Alphabet Form 8-K",
        title="Alphabet 8-K: $20B U.S. dollar and GBP 5.5B Sterling senior notes issued",
        notes="the 8-K reports the closing of $20B of U.S. dollar notes (seven tranches, due 2029 to "
              "2066) and GBP 5.5B of Sterling notes (five tranches, due 2029 to 2126); no dollar "
              "total of both and nothing on a Swiss franc tranche"),
    "cleary_googl_notes_2026": dict(
        url="https://www.clearygottlieb.com/news-and-insights/news-listing/alphabet-in-20-billion-usd-denominated-bonds-offering-feb-2026",
        publisher="Cleary Gottlieb", date="2026-02-09", type="other",
        title="Alphabet in $20 billion USD-denominated bonds offering",
        notes="issuer's counsel: the seven U.S. tranches, closing scheduled for 2026-02-13, and a "
              "possible Sterling and Swiss franc offering"),
    # --- Nvidia / Groq --------------------------------------------------------------------------
    "groq_nvidia_pr": dict(
        url="https://groq.com/newsroom/groq-and-nvidia-enter-non-exclusive-inference-technology-licensing-agreement-to-accelerate-ai-inference-at-global-scale",
        publisher="Groq", date="2025-12-24", type="press_release",
        title="Groq and NVIDIA enter non-exclusive inference technology licensing agreement",
        confidence="medium",
        notes="listed with its date in public link lists and reading notes found with the search "
              "tool's repository index; the page itself was not opened. It announces the licence "
              "(no amount: the $20B rests on news reports)"),
    # --- Oracle notes (September 2025) ----------------------------------------------------------
    "orcl_10q_q2fy26_r12": dict(
        url="https://www.sec.gov/Archives/edgar/data/1341439/000119312525315925/R12.htm",
        publisher="SEC EDGAR", date="2025-12", type="filing",
        original_publisher="Oracle Form 10-Q for the quarter to 2025-11-30 (XBRL), Note 3",
        title="Oracle 10-Q, Note 3 Notes payable and other borrowings",
        notes="states that Oracle issued $18.0B par value of fixed-rate senior notes in September "
              "2025 in six tranches ($3B due 2030, $3B 2032, $4B 2035, $2.5B 2045, $3.5B 2055, "
              "$2B 2065)"),
    "perivis_orcl_8k_notes": dict(
        url="https://www.perivis.com/note/c1aca7ac-abbd-49e5-a9f3-d612fe8fed07",
        publisher="Perivis", date="2025-09", type="repost",
        original_publisher="Oracle Form 8-K (Item 8.01) on the notes issued 2025-09-26",
        title="Oracle 8-K summary: $18B of senior notes in six tranches issued 2025-09-26"),
    # --- CoreWeave ------------------------------------------------------------------------------
    "crwv_q3_2025_pr": dict(
        url="https://www.stocktitan.net/news/CRWV/core-weave-reports-strong-third-quarter-2025-cleos2cfu9y3.html",
        publisher="StockTitan", date="2025-11-10", type="press_release",
        original_publisher="CoreWeave press release (Business Wire)",
        title="CoreWeave reports strong third quarter 2025 results",
        notes="wire copy of CoreWeave's release; its quarter highlights include the multi-year "
              "agreement with Meta of up to about $14.2B (as open-techstack.com quotes the "
              "release); revenue backlog $55.6B at 2025-09-30"),
    "open_techstack_meta_crwv": dict(
        url="https://open-techstack.com/blog/meta-coreweave-ai-cloud-deal-2026/",
        publisher="Open TechStack", date="2026-04", type="repost",
        original_publisher="CoreWeave announcement and Form 8-K of 2026-04-09",
        title="Meta's expanded CoreWeave deal",
        notes="summarises CoreWeave's 8-K of 2026-04-09: a new order form dated 2026-03-31 under "
              "which Meta initially commits about $21B, for new capacity through 2032-12-20 and "
              "the exercise of an option under the earlier order form through 2032-04-10; and "
              "quotes CoreWeave's Q3 2025 results on the earlier deal of up to about $14.2B"),
    "hubkub_meta_crwv": dict(
        url="https://hubkub.com/tech-news/meta-coreweave-21-billion-ai-deal/",
        publisher="Hubkub", date="2026-04", type="repost",
        original_publisher="CoreWeave announcement (Business Wire) of 2026-04-09",
        title="Meta and CoreWeave $21 billion AI deal",
        notes="says the expanded deal covers new capacity through 2032-12-20 and exercises the "
              "existing option for additional capacity through 2032-04-10"),
    "converge_crwv_s1": dict(
        url="https://convergedigest.com/coreweave-files-for-ipo-explosive-growth-and-250k-gpus/",
        publisher="Converge Digest", date="2025-03", type="repost",
        original_publisher="CoreWeave Form S-1 filed 2025-03-03",
        title="CoreWeave files for IPO: Microsoft's dominance and customer concentration"),
    "crwv_424b4": dict(
        url="https://www.sec.gov/Archives/edgar/data/1769628/000119312525067651/d899798d424b4.htm",
        publisher="SEC EDGAR", date="2025-03-28", type="filing",
        original_publisher="CoreWeave 424B4 prospectus"),
    # --- SpaceX / xAI ---------------------------------------------------------------------------
    "spacex_update_xai": dict(
        url="https://www.spacex.com/updates#xai-joins-spacex",
        publisher="SpaceX", date="2026-02-02", type="press_release",
        title="xAI joins SpaceX", confidence="medium",
        notes="SpaceX's own update announcing that xAI joined SpaceX, listed (posted 2026-02-02) in "
              "public link lists and news digests found with the search tool's repository index; "
              "the page itself was not opened. It publishes Musk's message to staff (as "
              "theweeklyspaceman.com describes it) and gives no valuation: the $250B / $1T figures "
              "rest on the news sources"),
    "weeklyspaceman_xai": dict(
        url="https://www.theweeklyspaceman.com/articles/spacex-acquires-xai",
        publisher="The Weekly Spaceman", date="2026-02", type="repost",
        original_publisher="SpaceX update of 2026-02-02 (Musk's message to staff)",
        title="SpaceX acquires xAI"),
    # --- Broadcom / Anthropic -------------------------------------------------------------------
    "avgo_q4fy25_call_fool": dict(
        url="https://www.fool.com/earnings/call-transcripts/2025/12/12/broadcom-avgo-q4-2025-earnings-call-transcript/",
        publisher="Motley Fool", date="2025-12-12", type="repost",
        original_publisher="Broadcom Q4 FY2025 earnings call (2025-12-11), transcript",
        title="Broadcom (AVGO) Q4 2025 earnings call transcript", confidence="medium",
        notes="cited by https://rl.fawzi.xyz/r/mlscaling/comments/1pl8nw0/anthropic_orders_21bn_in_ironwood_tpus_for, "
              "which quotes the CEO: a $10B order for Ironwood TPU racks from Anthropic in fiscal "
              "Q3 2025 and a further $11B order in Q4 for delivery in late 2026. A transcript "
              "hosted by a third party, so typed repost, not primary"),
    # --- OpenAI / Cerebras ----------------------------------------------------------------------
    "openai_cerebras_pr": dict(
        url="https://openai.com/index/cerebras-partnership/",
        publisher="OpenAI", date="2026-01-14", type="press_release",
        title="OpenAI partners with Cerebras", confidence="medium",
        notes="listed with the date 2026-01-14 in public source lists found with the search tool's "
              "repository index; the page itself was not opened. It announces 750 MW of Cerebras "
              "inference capacity; the dollar figures (over $10B, later over $20B) rest on news "
              "reports and on Cerebras's S-1 as reported"),
    "gputrade_cerebras_s1": dict(
        url="https://thegputrade.com/news/cerebras-pop-what-openai-compute-deals-reveal-y3l4l9li",
        publisher="The GPU Trade", date="2026-05", type="repost",
        original_publisher="Cerebras amended S-1 (2026)",
        title="Cerebras pop: what OpenAI compute deals reveal",
        notes="reports from the amended S-1: about $24.6B of remaining performance obligations, "
              "mostly tied to the OpenAI commitment, and a ~$1.0B working-capital loan from OpenAI "
              "with warrants"),
}

#: deal -> (source keys to add, reason)
PRIMARY: dict[str, tuple[list[str], str]] = {
    "anthropic-aws-100b": (["anthropic_amazon_compute", "open_techstack_anthropic_aws"],
                           "Anthropic's own announcement of the >$100B, up to 5 GW AWS commitment"),
    "amzn-anthropic-25b": (["anthropic_amazon_compute", "amazon_anthropic_pr"],
                           "Anthropic's announcement ($5B now, up to $20B more) and Amazon's release"),
    "openai-aws-38b": (["openai_aws_partnership", "amazon_openai_aws_pr"],
                       "OpenAI's and Amazon's own announcements of the $38B, seven-year agreement"),
    "openai-aws-100b": (["amazon_openai_investment_pr"],
                        "Amazon's release of the investment and the $100B, eight-year expansion"),
    "msft-openai-2023": (["msft_10q_q1fy26_r26", "openai_msft_extend_2023", "deepdive_msft_openai_funded"],
                         "Microsoft's 10-Q states the $13B of total funding commitments to OpenAI "
                         "(all tranches, the 2023 one included); OpenAI's 2023 announcement"),
    "anthropic-azure-30b": (["msft_blog_anthropic", "anthropic_msft_nvda_pr", "kr36_msft_nvda_anthropic"],
                            "Microsoft's and Anthropic's announcement of the $30B Azure commitment"),
    "nvda-anthropic-10b": (["msft_blog_anthropic", "anthropic_msft_nvda_pr", "kr36_msft_nvda_anthropic"],
                           "the joint announcement of Nvidia's up-to-$10B commitment"),
    "google-notes-2026": (["googl_8k_notes_2026", "cleary_googl_notes_2026"],
                          "Alphabet's 8-K on the February 2026 U.S. dollar and Sterling notes"),
    "nvda-groq-20b": (["groq_nvidia_pr"], "Groq's release of the licensing agreement"),
    "oracle-bonds-18b": (["orcl_10q_q2fy26_r12", "perivis_orcl_8k_notes"],
                         "Oracle's 10-Q states the $18.0B of senior notes issued in September 2025"),
    "meta-crwv-14.2b": (["crwv_q3_2025_pr", "open_techstack_meta_crwv"],
                        "CoreWeave's Q3 2025 release lists the Meta agreement of up to about $14.2B"),
    "meta-crwv-21b": (["open_techstack_meta_crwv", "hubkub_meta_crwv"],
                      "a summary of CoreWeave's 8-K of 2026-04-09 (the 8-K itself was not found)"),
    "msft-crwv-10b": (["crwv_424b4", "converge_crwv_s1"],
                      "CoreWeave's prospectus names Microsoft its largest customer (62% of 2024 "
                      "revenue); it gives no contract total, the ~$10B rests on The Information"),
    "spacex-xai-acquisition": (["spacex_update_xai", "weeklyspaceman_xai"],
                               "SpaceX's own update announcing that xAI joined SpaceX"),
    "anthropic-broadcom-21b": (["avgo_q4fy25_call_fool"],
                               "the earnings-call transcript stating the $10B and $11B orders"),
    "openai-cerebras-compute": (["openai_cerebras_pr", "gputrade_cerebras_s1"],
                                "OpenAI's announcement of the 750 MW partnership"),
}

#: deal -> (source key, reason) -- rows whose amount the filing itself states: confidence high
HIGH: dict[str, tuple[str, str]] = {
    "oracle-bonds-18b": ("orcl_10q_q2fy26_r12",
                         "Oracle's 10-Q (Note 3) states the $18.0B of notes issued in September 2025"),
}

#: (event id, source keys) -- primary sources of events already recorded
EVENT_SOURCES: list[tuple[str, list[str]]] = [
    ("anthropic-aws-100b/1", ["anthropic_amazon_compute"]),
    ("amzn-anthropic-25b/1", ["anthropic_amazon_compute"]),
    ("openai-aws-38b/1", ["openai_aws_partnership", "amazon_openai_aws_pr"]),
    ("openai-aws-100b/1", ["amazon_openai_investment_pr"]),
    ("msft-openai-2023/1", ["openai_msft_extend_2023"]),
    ("msft-openai-2023/2", ["deepdive_msft_openai_funded", "peq42_msft_10q"]),
    ("anthropic-azure-30b/1", ["msft_blog_anthropic", "anthropic_msft_nvda_pr"]),
    ("nvda-anthropic-10b/1", ["msft_blog_anthropic", "anthropic_msft_nvda_pr"]),
    ("google-notes-2026/1", ["googl_8k_notes_2026"]),
    ("nvda-groq-20b/1", ["groq_nvidia_pr"]),
    ("oracle-bonds-18b/2", ["perivis_orcl_8k_notes", "orcl_10q_q2fy26_r12"]),
    ("meta-crwv-14.2b/1", ["crwv_q3_2025_pr"]),
    ("meta-crwv-21b/1", ["open_techstack_meta_crwv"]),
    ("spacex-xai-acquisition/1", ["spacex_update_xai"]),
    ("anthropic-broadcom-21b/1", ["avgo_q4fy25_call_fool"]),
    ("openai-cerebras-compute/1", ["openai_cerebras_pr"]),
]

#: (deal, n, date, status, source keys, note) -- new status events
NEW_EVENTS: list[tuple[str, int, str, str, list[str], str]] = [
    ("msft-openai-2023", 3, "2026-03-31", "funded_partial", ["nocode_msft_10q_q3fy26"],
     "repeats the status: Microsoft's 10-Q for the quarter to 2026-03-31 gives $11.8B of the $13B "
     "of total commitments funded (up from $11.6B at 2025-09-30), as reported by the page cited"),
    ("meta-crwv-14.2b", 2, "2026-04-09", "amended", ["open_techstack_meta_crwv", "hubkub_meta_crwv"],
     "terms changed: under the new order form of 2026-03-31 (CoreWeave 8-K of 2026-04-09, as "
     "summarised by the pages cited) Meta exercised the option of this September 2025 order for "
     "more capacity through 2032-04-10; the new commitment of about $21B is meta-crwv-21b"),
]


def main() -> None:
    b = Batch(
        ENTRY, "2026-11-26",
        "Primary sources (SEC filings, company announcements) for a second group of large flows, "
        "part A, and their status events",
        "Issue 7 asks for the filing or the company's own release for the largest flows, keeping "
        "the old sources; these rows cited news, reposts or analysis pages only",
        __file__,
    )

    def s(key: str) -> str:
        return b.source(**SOURCES[key])

    for deal, (keys, why) in PRIMARY.items():
        for key in keys:
            b.cite("deals", deal, s(key), reason=f"source for {deal}: {why}")
    for deal, (key, why) in HIGH.items():
        b.amend("deals", deal, {"confidence": "high"}, source=s(key), reason=why)
    for eid, keys in EVENT_SOURCES:
        for key in keys:
            b.cite("events", eid, s(key), reason="source of the event")
    for deal, n, date, status, keys, note in NEW_EVENTS:
        b.event(deal, n, date, status, [s(k) for k in keys], note)
    b.finish()


if __name__ == "__main__":
    main()
