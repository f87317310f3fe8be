"""The stated assumptions of the stress models: every default with its value, unit and source.

An economic loss is built from sourced facts where the ledger has them (a seller's margin, a
lab's market share, a stake's cost) and from stated assumptions where it does not. Each such
assumption is declared once here, in :data:`DEFAULTS`, with the number, its unit and where it
comes from (a page the figure was read on, or "a round default" when none was found). The
stress results list, in ``assumptions``, every one they used and whether it was the default,
a value given by the user, a fact of the ledger or derived from the ledger's contracts
(:func:`used`). Overriding an assumption is an option of
:class:`~loopledger.stresstest.params.StressParams` of the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Assumption:
    """One stated default: ``value`` in ``unit``, and where it comes from."""

    name: str
    value: Any
    unit: str
    source: str
    url: str | None = None

    def to_dict(self, basis: str = "default", value: Any = None, note: str | None = None) -> dict[str, Any]:
        out = dict(name=self.name, value=self.value if value is None else value, unit=self.unit,
                   basis=basis, source=self.source)
        if self.url:
            out["url"] = self.url
        if note:
            out["note"] = note
        return out


_DSO = ("https://stock-data.online/stock/orcl/activity-ratio/days-of-sales-outstanding")
_BERNSTEIN = "https://ng.investing.com/news/stock-market-news/how-much-does-a-gw-of-data-center-capacity-actually-cost-2169144"

#: every documented default of the stress models (docs/stress.md, "Assumptions")
DEFAULTS: dict[str, Assumption] = {a.name: a for a in (
    Assumption("horizon_months", 24, "months", "docs/methods.md 6.1: the horizon over which what falls due "
               "and the revenue lost are counted"),
    Assumption("recovery", 0.37, "fraction of a claim",
               "Moody's Ultimate Recovery Database (Emery, Cantor, Keisman, Ou, April 2007): average discounted "
               "ultimate recovery on defaulted bonds 37 % (loans 82 %); applied to every claim on the economic "
               "basis; the gross basis recovers nothing",
               "https://info.5y1.org/gm-financial-auto-loan-rates_1_10921d.html"),
    Assumption("receivable_months", 2.0, "months of billing",
               "days sales outstanding of two large cloud sellers: Oracle 54 days (FY2024), Microsoft 69 days "
               "(Dec 2024), stock-data.online from their filings; about 61 days, i.e. two months of billing "
               "delivered and not yet paid", _DSO),
    Assumption("unknown_term_months", 72, "months",
               "derived from the ledger: the binding commercial contracts that state both ends of their term "
               "(20 on 2026-12-06) run a median of 78 months; Oracle-OpenAI's runs 72; rounded down to whole "
               "years"),
    Assumption("margin.cloud_contract", 0.14, "fraction of revenue",
               "gross margin of Oracle's Nvidia-GPU rentals, 14 % on about $900M in the quarter to August 2025 "
               "(The Information, internal documents, as reported by MarketScreener, 2025-10-08); used for a "
               "cloud seller without its own GPU-cloud, cloud-segment or company margin fact",
               "https://www.marketscreener.com/news/oracle-slips-after-doubts-about-profitability-of-its-ai-related-cloud-business-ce7d5bd2dc80f123"),
    Assumption("margin.compute_purchase", 0.53, "fraction of revenue",
               "AMD's GAAP gross margin, Q1 2026 (53 %; AMD's results release as copied by El Balad, "
               "2026-05-05): between Dell's 18 % and Nvidia's 75 %; used for a chip or system seller "
               "without its own margin fact", "https://cdn2.el-balad.com/469123"),
    Assumption("margin.lease", 0.30, "fraction of rent",
               "a round default: no operating margin of an AI data-centre lessor was found in the stored "
               "material (Digital Realty's adjusted EBITDA margin, 54 % in Q4 2025, is before depreciation, "
               "which the stranded-capital part already counts)",
               "https://markets.financialcontent.com/concordmonitor/article/gnwcq-2026-2-5-digital-realty-reports-fourth-quarter-2025-results"),
    Assumption("margin.licensing", 0.68, "fraction of revenue",
               "Microsoft Cloud gross margin, fiscal Q1 2026 (68 %, quarter-results.com, an aggregator)",
               "https://quarter-results.com/financial-reports/NASDAQ/MSFT"),
    Assumption("capex_per_gw", 35.0, "USD bn per GW",
               "Bernstein (Stacy Rasgon, October 2025): about $35B to build 1 GW of AI data centre (GB200 NVL72 "
               "racks at ~$5.9M: $3.4M compute, $2.5M physical infrastructure), as cited by Investing.com; "
               "Nvidia's own figure is $50-60B (ledger unit assumptions bernstein-2025-10-full-dc, "
               "nvidia-2025-08-full-dc)", _BERNSTEIN),
    Assumption("capex_share.cloud_contract", 1.0, "share of capex per GW",
               "a cloud seller builds the whole data centre (chips and building)"),
    Assumption("capex_share.lease", 0.42, "share of capex per GW",
               "a lessor builds the shell, power and cooling: $2.5M of Bernstein's $5.9M per rack is physical "
               "infrastructure", _BERNSTEIN),
    Assumption("capex_share.compute_purchase", 0.0, "share of capex per GW",
               "a chip or system seller's production is not dedicated to one buyer: chips are resold, so "
               "nothing is stranded; its loss is the margin"),
    Assumption("capex_share.licensing", 0.0, "share of capex per GW", "a licence needs no dedicated capital"),
    Assumption("capex_intensity.cloud_contract", 0.52, "capital per USD of contract value",
               "used for a cloud contract without GW when no contract of the view states its GW: Bernstein's "
               "$35B per GW over the $66.7B per GW of the Oracle-OpenAI contract ($300B for 4.5 GW); with "
               "contracts that state GW, the median of theirs is used instead (derived)", _BERNSTEIN),
    Assumption("capex_intensity.lease", 0.80, "capital per USD of rent",
               "used for a lease without GW when no lease of the view states its GW: $14.7B of physical "
               "infrastructure per GW (0.42 x 35) over the $18.3B per GW of Amazon's lease from Cipher "
               "($5.5B for 0.3 GW)", _BERNSTEIN),
    Assumption("capex_intensity.compute_purchase", 0.0, "capital per USD of contract value",
               "chips are resold: nothing stranded"),
    Assumption("capex_intensity.licensing", 0.0, "capital per USD of contract value", "no dedicated capital"),
    Assumption("price_cut", 0.4, "fraction of the price",
               "in the 2024-25 glut one-year H100 rental rates fell about 40 %, from $2.85 (early 2024) to "
               "$1.70 per GPU-hour (October 2025), SemiAnalysis and Latent Space as compiled by "
               "neighborhoodsf.com; a failed buyer's capacity released at once is such a glut",
               "https://neighborhoodsf.com/Wikis/Neighborhood+Notes/Published/H100+rental+prices+(%24+per+GPU-hour)"),
    Assumption("lag_quarters", 2, "quarters",
               "Digital Realty's weighted-average lag between signing a new lease and its start was four "
               "months (Q2 2025 results), plus the time to find the new customer: two quarters of degraded "
               "service and idle capacity",
               "https://www.hstong.com/news/hk/detail/25072504302718989"),
    Assumption("customer_migration", 0.8, "fraction of demand",
               "79 % of Anthropic's paying customers also pay OpenAI and 75 % of enterprise AI spend is spread "
               "over several providers (parallect.ai, April 2026, compiling Ramp and a16z data): most "
               "customers can move at once",
               "https://parallect.ai/reports/ai-model-switching-loyalty-commoditization-2026-b3cec7"),
    Assumption("rival_growth_cap", 1.0, "x own contracted compute within H",
               "a round default: a rival can at most double its contracted compute within the horizon "
               "(funding and build-out constrain it); no sourced figure found"),
    Assumption("capacity_value_per_gw_year", 6.667, "USD bn per GW-year",
               "OpenAI renting 4.5 GW from Oracle for about $30B a year (Bloomberg via The Decoder, July "
               "2025): ledger unit assumption oracle-openai-2025-07-cloud",
               "https://the-decoder.com/openai-to-tap-4-5-gw-of-oracle-data-center-power-for-stargate-ai-project/"),
    Assumption("distress_threshold", 0.1, "fraction of buffer",
               "a round default: a loss of a tenth of what absorbs losses is material; no regulatory "
               "threshold applies to these companies"),
    Assumption("threshold", 1.0, "x buffer", "a company defaults when its loss exceeds its buffer"),
    Assumption("funding_loss_share", 0.0, "fraction",
               "when an investor does not pay for shares it committed to buy, the investee keeps the shares: "
               "no value is lost, only funding (a liquidity shock: funding_shortfall); the gross basis "
               "counts the whole commitment"),
    Assumption("collateral_haircut", 0.3, "fraction of the collateral's value",
               "no primary source found (no filing or rating-agency recovery study of GPU or data-centre "
               "sales was found): GPU lenders apply valuation haircuts of 25-30 % (commercial banks) and "
               "20-25 % (private credit funds) to GPU collateral, an industry guide's survey of 40+ GPU "
               "financings (January 2026); the upper end is taken since a failed borrower's GPUs are sold "
               "in distress. Bound: 0.6 (H100 rental rates fell more than 60 % in 18 months, CCIR; forced "
               "sales of specialised assets are often 30-60 % below fair value)",
               "https://v2-pseo-ai.pages.dev/financing/gpu-ltv-calculator"),
    Assumption("ltv_limit", 0.8, "loan / collateral value",
               "the highest loan-to-value at origination reported for GPU-backed loans: USD.AI lends at "
               "most 80 % of hardware value (Underwriting and Risk Management, May 2026); banks lend 50-55 %, "
               "private credit 55-65 % (industry guide, January 2026). A loan without a stated limit "
               "breaches once it owes more than 80 % of its collateral's value",
               "https://usd.ai/insights/usdai-underwriting-and-risk-management"),
    Assumption("stake_basis", "cost", "",
               "a stake is written down at what it is carried at: the investor's own carrying amount or "
               "cumulative investment where a fact gives it, else the equity paid in (funded equity legs, "
               "recorded payments), never above the mark; a private valuation mark is the alternative "
               "basis (stake_basis='mark')"),
)}


def used(name: str, value: Any, default: Any | None = None, basis: str | None = None,
         note: str | None = None) -> dict[str, Any]:
    """The record of one assumption as used: the declared source, the value used and whether it
    was the default (``basis`` "default"), given (``"given"``) or something else the caller
    names (``"fact"``, ``"derived"``)."""
    a = DEFAULTS[name]
    if basis is None:
        basis = "default" if default is None or value == default else "given"
    return a.to_dict(basis=basis, value=value, note=note)
