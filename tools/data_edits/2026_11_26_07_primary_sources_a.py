"""Primary sources for a second group of large flows (issue 7, item 1), part A.

Adds SEC filings and the companies' own announcements to the deals below, keeping every earlier
source, and dated status events where a deal's status changed. Sources are declared here (not in
``_sources.py``, which the first batches share). Where a primary document was identified through
a page that cites it (its address in a link list or research note found with the search tool),
its record says "listed in" (a link list of the search tool's repository index, whose
address the tool does not give) or "cited by <url>" in ``notes`` and has confidence ``medium``; what it says
is taken from the pages that describe it, which are recorded too.

Progress (deals of this part, in order):
- spacex-xai-acquisition: searched (S-1, spacex.com update): no primary found, gap
- anthropic-aws-100b: Anthropic's announcement (2026-04-20)
- openai-aws-100b: Amazon's release on the OpenAI investment and expanded AWS agreement
- openai-aws-38b: OpenAI's and Amazon's announcements (2025-11-03)
- amzn-anthropic-25b: Anthropic's announcement and Amazon's release (2026-04-20)
- goog-anthropic-40b: searched (Alphabet statement, 10-Q Q1 2026): no primary found, gap
- anthropic-azure-30b, nvda-anthropic-10b: Microsoft's blog and Anthropic's copy (2025-11-18)
- google-notes-2026: Alphabet 8-K (2026-02-13, StockTitan copy), issuer's counsel
- nvda-groq-20b: Groq's release (2025-12-24); Nvidia 10-K searched, no amount found
- msft-openai-2023: Microsoft 10-Q (quarter to 2025-09-30, Note 17), OpenAI's 2023 announcement
- still to search: oracle-nvda-40b, vantage-oracle-38b, oracle-bonds-18b, meta-nebius-27b,
  msft-nebius-19.4b, meta-crwv-21b, meta-crwv-14.2b, msft-crwv-10b, msft-crwv-option-12b,
  anthropic-broadcom-21b, openai-cerebras-compute
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
]

#: (deal, n, date, status, source keys, note) -- new status events
NEW_EVENTS: list[tuple[str, int, str, str, list[str], str]] = [
    ("msft-openai-2023", 3, "2026-03-31", "funded_partial", ["nocode_msft_10q_q3fy26"],
     "repeats the status: Microsoft's 10-Q for the quarter to 2026-03-31 gives $11.8B of the $13B "
     "of total commitments funded (up from $11.6B at 2025-09-30), as reported by the page cited"),
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
            b.cite("deals", deal, s(key), reason=f"primary source for {deal}: {why}")
    for eid, keys in EVENT_SOURCES:
        for key in keys:
            b.cite("events", eid, s(key), reason="source of the event")
    for deal, n, date, status, keys, note in NEW_EVENTS:
        b.event(deal, n, date, status, [s(k) for k in keys], note)
    b.finish()


if __name__ == "__main__":
    main()
