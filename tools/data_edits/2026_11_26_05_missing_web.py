"""The missing parts of the web (issue 7, item 3): the chip vendors' suppliers, the power behind
a large campus, and the lenders and investors behind the neoclouds, labs and hyperscalers.

Each new leg has its sources and a dated status history. Amounts are what the sources state;
where they state none the amount is blank and ``amount_note`` says so. A derived or inferred
reading (TSMC's unnamed "customer A" taken to be Nvidia) is spelled out in the note and the
confidence is lowered accordingly.
"""

from __future__ import annotations

from _batch import Batch
from _sources import src

COMPANIES = [
    dict(id="tsmc", name="TSMC", aliases=["Taiwan Semiconductor Manufacturing Company"],
         ticker="2330.TW", type="chip_vendor", type_detail="foundry and advanced packaging (CoWoS)",
         country="Taiwan", notes="Makes Nvidia's GPUs and packages them with HBM (CoWoS)."),
    dict(id="entergy", name="Entergy", aliases=["Entergy Louisiana"], ticker="ETR",
         type="energy_datacentre", type_detail="electric utility", country="US",
         notes="Builds the gas plants that power Meta's Hyperion campus in Richland Parish."),
    dict(id="magnetar", name="Magnetar", aliases=["Magnetar Capital"], type="lender",
         type_detail="investor (private credit)", country="US",
         notes="Early CoreWeave lender and investor."),
    dict(id="jane-street", name="Jane Street", type="investor", type_detail="trading firm",
         country="US"),
]


def deal(b: Batch, events: list[tuple[str, str, list[str], str | None]], **fields) -> None:
    """A new leg in USD with its events; source keys are resolved to ids."""
    sources = [src(b, k) for k in fields.pop("source_keys")]
    fields.setdefault("currency", "USD")
    b.deal([(d, s, [src(b, k) for k in keys], note) for d, s, keys, note in events],
           sources=sources, **fields)


def main() -> None:
    b = Batch(
        "2026-11-26-05", "2026-11-26",
        "Missing parts of the web: foundry and HBM suppliers, Hyperion's power, lenders and "
        "investors behind CoreWeave, Crusoe, Cipher, Oracle, Alphabet, SpaceX and SoftBank",
        "Loops were open at the chip vendors (no suppliers) and the neoclouds' and hyperscalers' "
        "funding was thin; stress tests need the lenders and the suppliers that a failure reaches",
        __file__,
    )
    for c in COMPANIES:
        b.company(**c)

    # -- upstream of the chip vendors -----------------------------------------------------------
    deal(b, [("2025-12-31", "funded", ["tsmc_customer_a"],
              "payments made during calendar 2025; the total was reported after the year ended")],
         id="nvda-tsmc-2025", group="nvda-supply-chain", announced="2025", payer="nvidia",
         payee="tsmc", kind="compute_purchase", amount_low=23.2, amount_high=23.2,
         amount_note="TSMC's 2025 revenue from its largest customer ('customer A'): NT$726.9bn, "
                     "US$23.2bn as converted by the source, 19% of TSMC revenue (12% in 2024). TSMC "
                     "names no customers; customer A is taken to be Nvidia because Nvidia's CEO said "
                     "Nvidia is now TSMC's largest customer. Wafers, CoWoS packaging and test.",
         confidence="medium", source_keys=["tsmc_customer_a", "tsmc_huang_cnbc"],
         notes="The foundry leg under every Nvidia GPU in the ledger. An analyst projects about "
               "$33B (22% of TSMC revenue) for 2026; not recorded as an amount.")
    deal(b, [("2026-01-28", "rumored", ["skhynix_hbm4"], None)],
         id="nvda-skhynix-hbm4", group="nvda-supply-chain", announced="2026-01-28",
         payer="nvidia", payee="sk-hynix", kind="compute_purchase",
         amount_note="undisclosed; industry sources put SK hynix at about two thirds (possibly "
                     "70%) of Nvidia's 2026 HBM4 volume for Vera Rubin",
         units="HBM4 memory", confidence="low", source_keys=["skhynix_hbm4", "hbm4_split_tradeiq"],
         notes="Nvidia is SK hynix's largest customer; the allocation comes from unnamed "
               "industry sources, not from either company.")
    deal(b, [("2026-01", "rumored", ["samsung_hbm4_parameter"],
              "reported to have passed Nvidia's HBM4 qualification, with production for Nvidia "
              "from February 2026"),
             ("2026-02-09", "rumored", ["hbm4_split_tradeiq"],
              "reported split of Nvidia's HBM4 orders: SK hynix about 70%, Samsung about 30%; "
              "Micron left out")],
         id="nvda-samsung-hbm4", group="nvda-supply-chain", announced="2026-01", payer="nvidia",
         payee="samsung", kind="compute_purchase", amount_note="undisclosed",
         units="HBM4 memory", confidence="low",
         source_keys=["samsung_hbm4_parameter", "hbm4_split_tradeiq"],
         notes="Samsung declined to give a schedule; the share comes from press reports.")

    # -- power behind a large campus ------------------------------------------------------------
    deal(b, [("2025-09-03", "definitive", ["entergy_bloomberg_2025", "entergy_businessreport"],
              "Louisiana regulators accepted Entergy's plan for three gas plants (about 2.3 GW) to "
              "serve the Hyperion campus; Meta to pay its share of the cost"),
             ("2026-03", "amended", ["entergy_revised_2026"],
              "revised agreement: Meta covers the full cost of service; seven new gas plants of "
              "over 5,200 MW plus transmission lines and battery storage"),
             ("2026-04-29", "amended", ["entergy_ten_plants"],
              "Entergy's plan grows to ten gas plants of over 7 GW for Hyperion (its four-year "
              "capital plan rises to $57B)")],
         id="meta-entergy-hyperion-power", group="meta-hyperion", announced="2025-09-03",
         payer="meta", payee="entergy", payee_detail="Entergy Louisiana", kind="other",
         amount_note="undisclosed: Meta pays the cost of service of new generation built for it; "
                     "Entergy's capital plan is not a payment by Meta",
         units="3 gas plants (2.3 GW), later 7 plants (>5.2 GW), then 10 plants (>7 GW)",
         confidence="medium",
         source_keys=["entergy_bloomberg_2025", "entergy_businessreport", "entergy_revised_2026",
                      "entergy_ten_plants"],
         notes="Electric service for the Hyperion data centre (row meta-hyperion-lease); the "
               "utility carries the plants, Meta the cost.")

    # -- lenders and investors behind CoreWeave -------------------------------------------------
    deal(b, [("2025-06-30", "funded", ["crwv_s1_r41"],
              "outstanding on 2025-06-30 per CoreWeave's debt note (none at 2024-12-31); the issue "
              "date is not in the source")],
         id="crwv-2030-notes-2b", group="coreweave-debt", announced="2025", payer="capital-markets",
         payee="coreweave", kind="loan_debt_spv", amount_low=2.0, amount_high=2.0,
         amount_note="2030 senior notes, principal; effective interest rate about 10%",
         term_end="2030-06", confidence="high", source_keys=["crwv_s1_r41"])
    deal(b, [("2025-06-30", "funded", ["crwv_s1_r41"],
              "outstanding on 2025-06-30 per CoreWeave's debt note; the loan date is not in the source")],
         id="magnetar-crwv-loan", group="coreweave-debt", announced="2025", payer="magnetar",
         payee="coreweave", kind="loan_debt_spv", amount_low=0.25663, amount_high=0.25663,
         amount_note="Magnetar Loan principal ($256.6M), maturing January 2029; effective rate about 12%",
         term_end="2029-01", confidence="high", source_keys=["crwv_s1_r41"])
    deal(b, [("2025-09-29", "definitive", ["crwv_8k_ddtl2_fifth"],
              "incremental tranche agreed; drawings not disclosed here")],
         id="crwv-ddtl2-fifth-3b", group="coreweave-debt", announced="2025-09-29",
         payer="bank-lenders", payer_detail="lenders under the DDTL 2.0 credit agreement (U.S. Bank, agent)",
         payee="coreweave", payee_detail="CoreWeave Compute Acquisition Co. IV", kind="loan_debt_spv",
         amount_low=3.0, amount_high=3.0,
         amount_note="incremental delayed-draw term loan tranche, available until March 2026; each "
                     "draw matures five years after it is made",
         confidence="high", source_keys=["crwv_8k_ddtl2_fifth"],
         notes="Fifth amendment of the DDTL 2.0 facility (row crwv-ddtl2-7.5b), to buy equipment "
               "for investment-grade and unrated strategic customers.")
    deal(b, [("2026-04-14", "funded", ["crwv_filings_digest"], None)],
         id="crwv-notes-2026-04", group="coreweave-debt", announced="2026-04-14",
         payer="capital-markets", payee="coreweave", kind="loan_debt_spv",
         amount_low=5.75, amount_high=5.75,
         amount_note="$4.0B of 1.75% convertible notes due 2032 (conversion price $119.60) and "
                     "$1.75B of 9.75% senior unsecured notes due 2031",
         confidence="medium", source_keys=["crwv_filings_digest"],
         notes="Raised days after Meta's $21B commitment (row meta-crwv-21b).")
    deal(b, [("2026-04-15", "funded", ["crwv_filings_digest"], "closed in cash")],
         id="janestreet-crwv-1b", group="coreweave-equity", announced="2026-04-15",
         payer="jane-street", payee="coreweave", kind="equity_investment",
         amount_low=1.0, amount_high=1.0, amount_note="private placement at $109 per share",
         confidence="medium", source_keys=["crwv_filings_digest"])

    # -- hyperscalers' and others' borrowing for the build-out ---------------------------------
    deal(b, [("2026-03-10", "funded", ["orcl_8k_q3fy26"],
              "amount raised by the date of the Q3 FY2026 report; the programme is up to $50B")],
         id="oracle-financing-2026", group="oracle-debt", announced="2026-03-10",
         payer="capital-markets", payee="oracle", kind="loan_debt_spv",
         amount_low=30.0, amount_high=30.0,
         amount_note="raised under a financing programme of up to $50B through investment-grade "
                     "bonds and mandatory convertible preferred stock (the preferred part is "
                     "equity-like); the split is not given in the source",
         confidence="high", source_keys=["orcl_8k_q3fy26"],
         notes="Funds Oracle's capital spending of about $50B in fiscal 2026.")
    deal(b, [("2026-02", "funded", ["bigtech_debt_oracore"], "issued in February 2026")],
         id="google-notes-2026", group="google-debt", announced="2026-02",
         payer="capital-markets", payee="google", payee_detail="Alphabet", kind="loan_debt_spv",
         amount_low=31.1, amount_high=31.51,
         amount_note="senior unsecured notes issued in Q1 2026: $31.1B per coverage of Alphabet's "
                     "Q1 results, $31.51B raised in February (including a 100-year bond) per "
                     "another summary",
         confidence="medium",
         source_keys=["googl_q1_2026_converge", "googl_q1_2026_runchey", "bigtech_debt_oracore"])
    deal(b, [("2026-05-20", "definitive", ["spacex_s1_neucore"], "disclosed in the public S-1")],
         id="spacex-bridge-20b", group="spacex-debt", announced="2026-05-20",
         payer="bank-lenders", payee="spacex", kind="loan_debt_spv",
         amount_low=20.0, amount_high=20.0,
         amount_note="unsecured bridge facility; the amount drawn is not given in the source",
         confidence="medium", source_keys=["spacex_s1_neucore"])
    deal(b, [("2026-03", "definitive", ["sb_tranche2_wpnews"], "bridge facility agreement entered"),
             ("2026-07-01", "funded_partial", ["sb_tranche2_wpnews", "softbank_pr_20260701"],
              "$10B drawn to pay the second OpenAI tranche")],
         id="sb-bridge-openai-2026", group="softbank-openai", announced="2026-03",
         payer="bank-lenders", payee="softbank", kind="loan_debt_spv", amount_low=10.0,
         amount_note="at least the $10B SoftBank borrowed under it; the facility size is not "
                     "given in the source",
         overlap="companion", overlap_with=["sb-openai-30b-2026"],
         overlap_note="companion: funds SoftBank's payments under sb-openai-30b-2026 (bank to "
                      "SoftBank, not the same money leg)",
         confidence="medium", source_keys=["sb_tranche2_wpnews", "softbank_pr_20260701"])
    deal(b, [("2025-11-20", "funded", ["cifr_8k_phase2"],
              "outstanding per the 8-K of 2025-11-20; the issue date is not in the source")],
         id="cipher-notes-1.4b", group="cipher-debt", announced="2025", payer="capital-markets",
         payee="cipher-mining", payee_detail="Cipher Compute LLC", kind="loan_debt_spv",
         amount_low=1.4, amount_high=1.4,
         amount_note="7.125% senior secured notes due 2030, secured on the Barber Lake project",
         term_end="2030", confidence="high", source_keys=["cifr_8k_phase2"],
         notes="Project debt behind the Fluidstack lease that Google backstops "
               "(rows fluidstack-cipher-lease, goog-cipher-backstop).")
    deal(b, [("2025-11-20", "announced_loi", ["cifr_8k_phase2"],
              "private offering launched; pricing not confirmed in the source")],
         id="cipher-notes-addon-333m", group="cipher-debt", announced="2025-11-20",
         payer="capital-markets", payee="cipher-mining", payee_detail="Cipher Compute LLC",
         kind="loan_debt_spv", amount_high=0.333,
         amount_note="up to $333M more of the 7.125% notes due 2030, for Barber Lake Phase II",
         term_end="2030", confidence="medium", source_keys=["cifr_8k_phase2"])

    # -- leases and rounds behind Fluidstack / Crusoe -------------------------------------------
    deal(b, [("2025-08-18", "definitive", ["wulf_8k_cb5"], None)],
         id="fluidstack-terawulf-cb5-lease", group="google-backstops", announced="2025-08-18",
         payer="fluidstack", payer_detail="Fluidstack USA I", payee="terawulf",
         payee_detail="Akela Data LLC (CB-5, Lake Mariner)", kind="lease",
         amount_note="not stated for CB-5 alone: TeraWulf gives about $6.7B of contracted revenue "
                     "across CB-3, CB-4 and CB-5, against about $3.7B for CB-3 and CB-4",
         units="more than 160 MW of critical IT load", power_gw=0.16,
         term_start="2026", confidence="high", source_keys=["wulf_8k_cb5", "wulf_cb5_summary"],
         notes="10-year rent from completion, expected by the end of 2026; Google backstops "
               "Fluidstack's obligations (row goog-terawulf-backstop).")
    deal(b, [("2025-10", "funded", ["crusoe_series_e_enterprise"], None)],
         id="crusoe-series-e", group="crusoe-funding", announced="2025-10",
         payer="capital-markets",
         payer_detail="co-led by Valor Equity Partners and Mubadala Capital; more than 20 others "
                      "incl. Nvidia, Salesforce Ventures, Tiger Global, Fidelity, Founders Fund",
         payee="crusoe", kind="equity_investment", amount_low=1.375, amount_high=1.4,
         amount_note="Series E of about $1.375B (also reported as $1.38B and $1.4B) at a valuation "
                     "over $10B", confidence="medium",
         source_keys=["crusoe_series_e_dcd", "crusoe_series_e_enterprise"],
         notes="Crusoe builds the Abilene campus leased to Oracle for OpenAI.")
    deal(b, [("2025-10", "funded", ["crusoe_series_e_enterprise"], None)],
         id="nvda-crusoe-series-e", group="crusoe-funding", announced="2025-10", payer="nvidia",
         payee="crusoe", kind="equity_investment", amount_note="Nvidia's share undisclosed",
         include_in_totals=False, overlap="subset_of", overlap_with=["crusoe-series-e"],
         overlap_note="subset_of: crusoe-series-e", confidence="medium",
         source_keys=["crusoe_series_e_dcd", "crusoe_series_e_enterprise"])
    b.finish()


if __name__ == "__main__":
    main()
