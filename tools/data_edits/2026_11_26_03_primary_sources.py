"""Primary sources for the largest flows and the equity stakes (issue 7, item 1).

Adds SEC filings (or full copies of them) and company releases to the deals they document,
keeping every earlier source. Where the filing itself states the amount, the row's confidence
is raised to ``high`` and the reason says so. Also corrects the type of one research source that
is a full copy of an 8-K but was typed as a repost. Rows of the top 50 and the stakes that still
have no primary source are listed by ``loopledger data gaps`` and in docs/data.md.
"""

from __future__ import annotations

from _batch import Batch
from _sources import src

#: deal -> sources to add (keys of _sources.SOURCES) and, when the filing states the amount,
#: the reason the row's confidence becomes high
PRIMARY: dict[str, tuple[list[str], str | None]] = {
    "meta-amd-6gw": (["amd_8k_meta", "secwatch_amd_meta"], None),
    "amd-meta-warrant": (["amd_8k_meta", "secwatch_amd_meta"],
                         "AMD's 8-K states the warrant: up to 160M shares at $0.01, vesting with "
                         "Meta's purchases of 1 to 6 GW and AMD share-price thresholds"),
    "meta-nebius-3b": (["nebius_6k_meta", "nebius_6k_meta_st"], None),
    "msft-nebius-19.4b": (["nbis_msft_cnbc"], None),
    "openai-crwv-11.9b": (["crwv_s1_r49"], None),
    "crwv-openai-equity-350m": (["crwv_s1_r49", "crwv_openai_stock_agreement"],
                                "CoreWeave's filed stock issuance agreement fixes the $350M of "
                                "Class A stock at the IPO price"),
    "nvda-intc-5b": (["intc_8k_nvidia"], None),
    "usgov-intc-8.9b": (["intc_8k_doc"], None),
    "sb-openai-30b-2025": (["softbank_pr_20250401"], None),
    "sb-openai-30b-2026": (["openai_round_852", "sb_30b_yomiuri"], None),
    "nvda-openai-30b": (["openai_round_852"], None),
    "amzn-openai-50b": (["openai_round_852"], None),
    "stargate-program-500b": (["openai_stargate"], None),
    "stargate-openai-equity": (["openai_stargate"], None),
    "stargate-softbank-equity": (["openai_stargate"], None),
    "stargate-oracle-equity": (["openai_stargate"], None),
    "stargate-mgx-equity": (["openai_stargate"], None),
    "openai-oracle-300b": (["openai_oracle_4_5gw"], None),
    "openai-azure-250b": (["openai_msft_recap"], None),
    "msft-openai-stake": (["openai_msft_recap"], None),
    "msft-openai-revshare-reverse": (["openai_msft_revamp"], None),
    "aip-aligned-40b": (["aligned_pr"], None),
    "fluidstack-terawulf-lease": (["wulf_8k_fluidstack", "wulf_8k_fluidstack_st", "wulf_pr_fluidstack"],
                                  "TeraWulf's release states about $3.7B of contracted revenue "
                                  "over the initial 10-year terms, and its 8-K the leases"),
    "goog-terawulf-backstop": (["wulf_8k_fluidstack_st", "wulf_pr_fluidstack", "wulf_8k_cb5",
                                "wulf_cb5_summary"], None),
    "terawulf-goog-warrant": (["wulf_8k_fluidstack_st", "wulf_8k_cb5", "wulf_pr_fluidstack"],
                              "TeraWulf's 8-Ks state the warrants: 41,011,803 and 32,568,197 "
                              "shares at $0.01"),
    "fluidstack-cipher-lease": (["cifr_pr_168mw", "cifr_pr_56mw", "cifr_8k_phase2"],
                                "Cipher's releases state about $3B (168 MW) and a further ~$830M "
                                "(39 MW) of contracted revenue over the initial 10-year term"),
    "goog-cipher-backstop": (["cifr_pr_168mw", "cifr_pr_56mw", "cifr_8k_phase2"], None),
    "cipher-goog-warrant": (["cifr_pr_168mw", "cifr_8k_phase2"], None),
    "meta-crwv-21b": (["crwv_filings_digest", "crwv_meta_21b_bnt"], None),
}

#: research sources whose type or publisher the conversion got wrong
SOURCE_FIXES = {
    "src-db4fd222949b": ({"type": "filing", "publisher": "Viralles",
                          "original_publisher": "CoreWeave Form 8-K"},
                         "the page is a full copy of CoreWeave's 8-K of 2025-07-25 (the notes "
                         "indenture), not a news repost; publisher and original were swapped"),
    "src-4b42860a4dae": ({"publisher": "SEC EDGAR", "original_publisher": "CoreWeave 424B4 prospectus"},
                         "publisher and original were swapped in the conversion"),
}


def main() -> None:
    b = Batch(
        "2026-11-26-03", "2026-11-26",
        "Primary sources (SEC filings, company releases) for the largest flows and the stakes",
        "Most rows cited reposts; issue 7 asks for the filing or the company's own release "
        "wherever one exists, keeping the old sources. Confidence is raised only where the "
        "filing itself states the amount",
        __file__,
    )
    for sid, (changes, why) in SOURCE_FIXES.items():
        b.amend("sources", sid, changes, source=None, reason=why)
    for deal, (keys, why_high) in PRIMARY.items():
        for key in keys:
            b.cite("deals", deal, src(b, key), reason=f"primary source for {deal}")
        if why_high:
            b.amend("deals", deal, {"confidence": "high"}, source=src(b, keys[0]), reason=why_high)
    b.finish()


if __name__ == "__main__":
    main()
