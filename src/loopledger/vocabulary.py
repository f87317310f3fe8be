"""The vocabulary of the ledger, declared once: what each code means.

Every other module reads the meaning of a deal kind, a status, a kind of consideration, a
company or source type, or a family of company metrics from here, never from its own list and
never from free text. The data model (:mod:`loopledger.ledger.model`) takes its enumerations
from this module; the network view asks it which legs move cash; the stress model asks it how a
leg exposes its parties; the map, the report and the CLI ask it for the words a reader sees.
Changing a meaning here changes it everywhere (docs/architecture.md).

* :data:`KINDS`: per deal kind its family (commercial, equity, debt, guarantee, grant,
  acquisition, revenue share, deposit, other), whether it moves cash, how a binding leg exposes
  its parties in a stress test (``exposure``) and the human label;
* :data:`STATUSES`: per status its group (``paid``, ``binding``, ``promised``, ``ended``) and
  label; :data:`STATUS_GROUPS` and :data:`BINDING_STATUSES`;
* :data:`CONSIDERATIONS`: what changes hands (cash, stock, in kind, mixed) and whether it is
  money;
* :data:`METRIC_FAMILIES`: which company facts count as market value, book equity, cash, debt,
  revenue, net income and backlog, in order of preference on the same date (the filed
  remaining performance obligations before a company's own "backlog");
* :data:`COMPANY_TYPES` and :data:`SOURCE_TYPES` with their labels (and which sources are
  primary, in the order sources are listed);
* :data:`DISBURSEMENT_KINDS` and :data:`DISBURSEMENT_BASES`: what a recorded payment under a
  deal is (a tranche, a drawdown, a repayment) and whether its amount is one payment or the
  total paid so far;
* :data:`FACT_UNITS`: the units a company fact may be stated in;
* :func:`infinite_buffer_by_rule` and :data:`BUFFER_BY_RULE`: which companies never fail
  (placeholders and governments: an infinite buffer by rule, docs/methods.md 6.4).
* :data:`ASSET_KINDS`, :data:`PRIORITY_RANKS`, :data:`DEBT_KINDS` and :data:`GUARANTEE_KINDS`:
  what can be pledged as collateral, how a pledge's priority label ranks (1 = senior), and
  which deal kinds can be secured loans or guarantees (docs/claims.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# -- deal kinds --------------------------------------------------------------------------------


class DealKind(StrEnum):
    equity_investment = "equity_investment"
    compute_purchase = "compute_purchase"
    cloud_contract = "cloud_contract"
    capacity_backstop = "capacity_backstop"
    lease = "lease"
    warrant_or_equity_grant = "warrant_or_equity_grant"
    loan_debt_spv = "loan_debt_spv"
    licensing = "licensing"
    revenue_share = "revenue_share"
    acquisition = "acquisition"
    deposit = "deposit"
    other = "other"


class Family(StrEnum):
    """What kind of relationship a deal kind is."""

    commercial = "commercial"  # goods or services bought: the buyer owes the seller
    equity = "equity"  # shares bought for money: an investor owes its commitment, then holds a stake
    grant = "grant"  # equity handed over without payment (warrants, stock grants)
    debt = "debt"  # loans, bonds, credit facilities
    guarantee = "guarantee"  # a contingent promise to pay if someone else does not
    acquisition = "acquisition"  # a company or business bought
    revenue_share = "revenue_share"  # a share of revenue paid as it is earned
    deposit = "deposit"  # money paid ahead, owed back until the goods are delivered
    other = "other"  # programmes and plans with no counterparty obligation of their own


class Exposure(StrEnum):
    """How a binding leg of a kind exposes its parties in a stress test (docs/methods.md 6)."""

    credit = "credit"  # what is left to pay is owed by the payer to the payee
    loan = "loan"  # drawn principal owed by the borrower; an undrawn facility owed by the lender
    deposit = "deposit"  # the receiver owes the deposit back until delivery
    backstop = "backstop"  # the payer guarantees what others owe the payee, up to a cap
    grant = "grant"  # the payee holds equity in the payer (counted only when asked)
    none = "none"  # no binding schedule: not an exposure


@dataclass(frozen=True)
class KindMeaning:
    """The meaning of one deal kind."""

    kind: DealKind
    label: str
    #: a word or two for maps and graph exports ("cloud $300B")
    short: str
    #: the plural for legends and group headings ("cloud contracts")
    plural: str
    family: Family
    #: money changes hands (unless the deal's consideration says it is stock or in kind)
    moves_cash: bool
    exposure: Exposure
    #: who pays whom: how the payer -> payee direction reads for this kind
    direction: str
    #: an equity leg that can carry a stake (stake % or value) in the payee
    carries_stake: bool = False


KINDS: dict[str, KindMeaning] = {m.kind.value: m for m in (
    KindMeaning(DealKind.equity_investment, "equity investment", "equity", "equity", Family.equity, True,
                Exposure.credit, "investor -> investee", carries_stake=True),
    KindMeaning(DealKind.compute_purchase, "chip or system purchase", "compute", "chip purchases",
                Family.commercial, True, Exposure.credit, "buyer -> seller"),
    KindMeaning(DealKind.cloud_contract, "cloud or capacity contract", "cloud", "cloud contracts",
                Family.commercial, True, Exposure.credit, "buyer -> cloud provider"),
    KindMeaning(DealKind.lease, "lease", "lease", "leases", Family.commercial, True, Exposure.credit,
                "lessee -> lessor"),
    KindMeaning(DealKind.licensing, "licence", "licensing", "licensing", Family.commercial, True,
                Exposure.credit, "licensee -> licensor"),
    KindMeaning(DealKind.capacity_backstop, "backstop or guarantee", "backstop", "backstops",
                Family.guarantee, False, Exposure.backstop, "guarantor -> beneficiary"),
    KindMeaning(DealKind.warrant_or_equity_grant, "warrant or equity grant", "warrant", "warrants",
                Family.grant, False, Exposure.grant, "issuer -> recipient"),
    KindMeaning(DealKind.loan_debt_spv, "loan, bond or credit facility", "loan", "loans", Family.debt,
                True, Exposure.loan, "lender -> borrower"),
    KindMeaning(DealKind.revenue_share, "revenue share", "revenue share", "revenue shares",
                Family.revenue_share, True, Exposure.none, "payer of the share -> receiver"),
    KindMeaning(DealKind.acquisition, "acquisition", "acquisition", "acquisitions", Family.acquisition,
                True, Exposure.credit, "buyer -> target or its sellers"),
    KindMeaning(DealKind.deposit, "deposit", "deposit", "deposits", Family.deposit, True,
                Exposure.deposit, "depositor -> receiver"),
    KindMeaning(DealKind.other, "other (programme or plan)", "other", "other", Family.other, True,
                Exposure.none, "payer -> payee"),
)}

#: kinds in the commercial family (goods and services): the ones substitution can re-sell
COMMERCIAL_KINDS: tuple[str, ...] = tuple(k for k, m in KINDS.items() if m.family is Family.commercial)


def kinds_with(**meaning) -> tuple[str, ...]:
    """The kinds whose meaning has every given attribute value, e.g.
    ``kinds_with(exposure=Exposure.credit)``."""
    return tuple(k for k, m in KINDS.items() if all(getattr(m, a) == v for a, v in meaning.items()))


#: kinds a secured loan can have (a pledge's ``loan``) and kinds a guarantee can have (a
#: guarantee's ``deal``): the debt and guarantee families
DEBT_KINDS: tuple[str, ...] = kinds_with(family=Family.debt)
GUARANTEE_KINDS: tuple[str, ...] = kinds_with(family=Family.guarantee)


# -- what changes hands ------------------------------------------------------------------------


class Consideration(StrEnum):
    cash = "cash"
    stock = "stock"
    in_kind = "in_kind"
    mixed = "mixed"


#: consideration -> (label, counts as money). A mixed deal is counted as money at its full
#: amount (its cash part is rarely stated separately; the amount note says what is known).
CONSIDERATIONS: dict[str, tuple[str, bool]] = {
    Consideration.cash.value: ("cash", True),
    Consideration.stock.value: ("shares", False),
    Consideration.in_kind.value: ("in kind (goods, services, credits)", False),
    Consideration.mixed.value: ("cash and shares or goods", True),
}


def moves_cash(kind: str, consideration: str | None) -> bool:
    """Whether a leg moves money: its kind moves cash and its consideration (when stated) is
    cash or mixed. A blank consideration takes the kind's usual form."""
    meaning = KINDS[kind]
    if not meaning.moves_cash:
        return False
    if consideration is None or consideration == "":
        return True
    return CONSIDERATIONS[consideration][1]


# -- statuses ----------------------------------------------------------------------------------


class Status(StrEnum):
    """A deal's status. ``amended`` records a change of terms and leaves the status as it was."""

    rumored = "rumored"
    announced_loi = "announced_loi"
    definitive = "definitive"
    funded_partial = "funded_partial"
    funded = "funded"
    cancelled_stalled = "cancelled_stalled"
    amended = "amended"


@dataclass(frozen=True)
class StatusMeaning:
    status: Status
    label: str
    short: str
    #: ``binding``, ``promised`` or ``ended`` (the keys of STATUS_GROUPS)
    group: str
    #: how much of the amount has been paid: ``all``, ``part`` or ``none``
    paid: str
    #: the words after a dollar figure in a sentence ("$704 bn paid", "$158 bn promised in ...")
    in_sentence: str = ""
    #: the deals of this status as a plural noun ("letters of intent are left out")
    plural: str = ""


#: the statuses a deal can be in, in the order of the "how much of it is real" table
STATUSES: dict[str, StatusMeaning] = {m.status.value: m for m in (
    StatusMeaning(Status.funded, "paid (funded)", "paid", "binding", "all", "paid", "paid deals"),
    StatusMeaning(Status.funded_partial, "partly paid", "partly paid", "binding", "part", "partly paid",
                  "partly paid deals"),
    StatusMeaning(Status.definitive, "signed, not yet paid (definitive)", "signed", "binding", "none",
                  "signed, not yet paid", "signed deals"),
    StatusMeaning(Status.announced_loi, "promised (letter of intent, pledge, 'up to')", "promised",
                  "promised", "none", "promised in letters of intent", "letters of intent"),
    StatusMeaning(Status.rumored, "reported only (rumoured)", "reported", "promised", "none", "only reported",
                  "deals only reported"),
    StatusMeaning(Status.cancelled_stalled, "cancelled or stalled", "cancelled", "ended", "none",
                  "cancelled or stalled", "cancelled deals"),
)}
#: status order of every by-status table
STATUS_ORDER: tuple[str, ...] = tuple(STATUSES)
#: groups of statuses. ``binding`` holds every status that binds the parties (paid included)
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    g: tuple(s for s, m in STATUSES.items() if m.group == g) for g in ("binding", "promised", "ended")
}
#: statuses that bind the parties: the default of every network and stress view
BINDING_STATUSES: tuple[str, ...] = STATUS_GROUPS["binding"]
#: plain-language label of each status, for tables a journalist reads
STATUS_LABELS: dict[str, str] = {s: m.label for s, m in STATUSES.items()}
#: the words after a dollar figure in a sentence, per status ("$704 bn paid")
STATUS_IN_SENTENCE: dict[str, str] = {s: m.in_sentence or m.short for s, m in STATUSES.items()}
#: each status's deals as a plural noun ("letters of intent")
STATUS_PLURAL: dict[str, str] = {s: m.plural or m.label for s, m in STATUSES.items()}


# -- buffers by rule ---------------------------------------------------------------------------

#: how a company whose buffer is infinite by rule is described (docs/methods.md 6.4)
BUFFER_BY_RULE = "by rule (sovereign or placeholder: infinite)"


def infinite_buffer_by_rule(placeholder: bool | None, type_detail: str | None) -> bool:
    """Whether a company's loss-absorbing buffer is infinite by rule: unnamed aggregates
    (placeholders: capital markets, bank lenders) and governments (type detail says
    government) absorb and report losses and never fail (docs/methods.md 6.4). The stress
    model and ``data buffers`` both read this one rule."""
    detail = type_detail if isinstance(type_detail, str) else ""
    return bool(placeholder) or "government" in detail.lower()


# -- company facts -----------------------------------------------------------------------------

#: family -> fact metrics, in order of preference when two share a date (the latest date wins
#: first). ``market_value`` is the one list of metrics read as what a company is worth: the
#: map's node sizes, stake values, buffers and every export use it.
METRIC_FAMILIES: dict[str, tuple[str, ...]] = {
    "market_value": ("market_cap", "valuation_post_money", "valuation", "valuation_deal",
                     "valuation_secondary"),
    "book_equity": ("book_equity",),
    # ``cash`` is cash, equivalents and short-term investments (marketable securities) where
    # the source gives them; ``cash_and_equivalents`` (filed XBRL concept) leaves them out
    "cash": ("cash", "cash_and_equivalents"),
    "debt": ("total_debt", "long_term_debt", "total_debt_principal"),
    "revenue": ("revenue",),
    "net_income": ("net_income",),
    "backlog": ("rpo", "backlog", "commercial_rpo"),
}
#: the families the economic loss model and the market's reconfiguration read (docs/stress.md):
#: margins in percent of revenue, from the most specific line of business to the whole company;
#: AI labs' market shares (percent) and revenue run rates (USD bn a year); stated capacity (GW)
METRIC_FAMILIES.update({
    "gross_margin_gpu_cloud": ("gross_margin_gpu_cloud",),
    "operating_margin_cloud": ("operating_margin_cloud",),
    "operating_margin_datacenter": ("operating_margin_datacenter",),
    "operating_margin_leasing": ("operating_margin_leasing",),
    "gross_margin": ("gross_margin",),
    "operating_margin": ("operating_margin",),
    "lab_market_share": ("enterprise_llm_api_share", "llm_market_revenue_share"),
    "revenue_run_rate": ("revenue_run_rate",),
    "contracted_power": ("contracted_power_gw",),
    "active_power": ("active_power_gw",),
})
#: the families that can serve as a stress-test buffer (what absorbs losses)
BUFFER_BASES: tuple[str, ...] = ("market_value", "book_equity", "cash")
#: deal kind -> the margin families a seller's lost margin on that kind of business is read from,
#: most specific first (docs/stress.md, "Lost margin"): cloud and capacity sellers read their
#: GPU-cloud gross margin, then their cloud segment's, then the company's; chip and system sellers
#: their gross margin, then their data-centre segment's operating margin; lessors their leasing
#: margin; licensors their gross margin
MARGIN_FAMILIES: dict[str, tuple[str, ...]] = {
    "cloud_contract": ("gross_margin_gpu_cloud", "operating_margin_cloud", "operating_margin"),
    "compute_purchase": ("gross_margin", "operating_margin_datacenter", "operating_margin"),
    "lease": ("operating_margin_leasing", "operating_margin"),
    "licensing": ("gross_margin", "operating_margin"),
}
#: an investor's own figures for a stake it holds, best first; ``{investee}`` is the investee's id
#: with '-' as '_': the carrying amount in its filings, then what it says it invested (cost)
STAKE_BOOK_METRICS: tuple[str, ...] = ("{investee}_investment_carrying_amount", "{investee}_stake_book_value",
                                       "{investee}_cumulative_investment")
#: the named parts of an economic loss (docs/stress.md): what a creditor of a failed company
#: loses, each part from sourced facts or a stated assumption
LOSS_COMPONENTS: dict[str, str] = {
    "due_within_horizon": "owed and unpaid, or falling due within the horizon (billed receivables, "
                          "drawn loans, deposits), less recovery",
    "stake_writedown": "carrying value of stakes in the failed company (cost or book value)",
    "lost_margin": "margin on the revenue it would have earned from the failed buyer within the horizon, "
                   "less what redeployed capacity earns",
    "stranded_assets": "capital committed for the failed customer that is not redeployed",
    "secured_lending": "a lender's loss on loans serviced from the failed company's contracts",
    "guarantee_payout": "what a guarantor pays when a backstop it gave triggers",
    "secured_recovery": "minus what a secured lender recovers from the failed borrower's pledged collateral "
                        "(in priority order, assets at the haircut), net of the recovery rate it would have "
                        "had anyway: it reduces the lender's loss (0 or negative)",
    "guarantee_paid": "minus what guarantors paid the creditor on the covered deals of a failed obligor: the "
                      "loss moved from the creditor to the guarantor (0 or negative; the guarantor's side is "
                      "guarantee_payout)",
    "lost_funding": "funding the failed investor or lender had committed and will not pay",
    "default_writeoff": "the rest of a defaulted company's buffer beyond its losses: a default wipes out "
                        "the buffer (a default threshold below 1, or a guarantor that fails because it pays)",
    "face_value": "gross basis only: the face value of what remains of a contract or commitment",
}
#: the unit every metric of a family is read in
MONEY_UNIT = "USD bn"
#: the currencies a company fact may be stated in besides USD: figures stay in their own
#: unit (``"<CCY> bn"``, or ``"KRW tn"``) under a metric name ending ``_<ccy>`` unless a dated,
#: sourced exchange rate converts them (then the USD figure is ``derived``)
FACT_CURRENCIES: tuple[str, ...] = ("JPY", "TWD", "KRW", "EUR")
#: every unit a company fact may carry: money in billions (trillions for won), per-share
#: dollars, percentages and gigawatts of power. Declared once; tests/data and the change-set
#: applier read it.
FACT_UNITS: tuple[str, ...] = (MONEY_UNIT, "USD/share", "%", "GW", "JPY bn", "TWD bn", "KRW tn", "EUR bn")


# -- companies and sources ---------------------------------------------------------------------


class CompanyType(StrEnum):
    chip_vendor = "chip_vendor"
    hyperscaler_cloud = "hyperscaler_cloud"
    neocloud = "neocloud"
    ai_lab = "ai_lab"
    investor = "investor"
    lender = "lender"
    energy_datacentre = "energy_datacentre"
    vehicle_spv = "vehicle_spv"
    other = "other"


#: company type -> (label, plural)
COMPANY_TYPES: dict[str, tuple[str, str]] = {
    "chip_vendor": ("chip maker", "chip makers"),
    "hyperscaler_cloud": ("hyperscaler (big cloud)", "hyperscalers"),
    "neocloud": ("GPU cloud (neocloud)", "neoclouds"),
    "ai_lab": ("AI lab", "AI labs"),
    "investor": ("investor", "investors"),
    "lender": ("lender", "lenders"),
    "energy_datacentre": ("energy or data-centre developer", "energy & data centres"),
    "vehicle_spv": ("financing vehicle (SPV, JV)", "vehicles (SPV/JV)"),
    "other": ("other", "other"),
}


class SourceType(StrEnum):
    filing = "filing"  # SEC or other regulatory filing
    press_release = "press_release"  # the company's own release, blog post or statement
    official_record = "official_record"  # a court or government record
    news = "news"  # the original outlet's article
    repost = "repost"  # a copy or summary of another outlet's story (see original_publisher)
    aggregator = "aggregator"  # data pages, link lists, machine-written summaries
    other = "other"


#: source type -> (label, primary). A primary source is the document itself: a filing, the
#: company's own release, a court or government record.
SOURCE_TYPES: dict[str, tuple[str, bool]] = {
    "filing": ("filing", True),
    "press_release": ("company release", True),
    "official_record": ("court or government record", True),
    "news": ("news report", False),
    "repost": ("copy of another report", False),
    "aggregator": ("aggregator", False),
    "other": ("other", False),
}
PRIMARY_SOURCE_TYPES: tuple[str, ...] = tuple(t for t, (_, primary) in SOURCE_TYPES.items() if primary)


# -- cash actually paid under a deal ----------------------------------------------------------


class DisbursementKind(StrEnum):
    tranche = "tranche"  # a payment of an investment or purchase price (a closing, an instalment)
    drawdown = "drawdown"  # money drawn under a loan, bond or credit facility
    repayment = "repayment"  # money paid back (principal of a loan, a refund): reduces what is paid


class DisbursementBasis(StrEnum):
    increment = "increment"  # the amount of this one payment
    cumulative = "cumulative"  # the total paid (for a loan: the principal outstanding) on the date


#: disbursement kind -> (label, sign in the paid-to-date total)
DISBURSEMENT_KINDS: dict[str, tuple[str, int]] = {
    "tranche": ("tranche paid", 1),
    "drawdown": ("amount drawn", 1),
    "repayment": ("repayment", -1),
}
#: disbursement basis -> label
DISBURSEMENT_BASES: dict[str, str] = {
    "increment": "one payment",
    "cumulative": "total paid so far (for a loan, principal outstanding)",
}


# -- claims: collateral, its priority, guarantees (docs/claims.md) -------------------------


class AssetKind(StrEnum):
    gpus = "gpus"  # GPUs or other accelerators (TPUs), with their count and generation when known
    datacentre = "datacentre"  # a data-centre building or campus, or substantially all its assets
    power_contract = "power_contract"  # a power purchase or supply contract
    shares = "shares"  # shares of a company (a margin loan's collateral)
    other = "other"  # accounts, warrants, other property


#: asset kind -> (label, plural)
ASSET_KINDS: dict[str, tuple[str, str]] = {
    "gpus": ("GPUs or accelerators", "GPUs and accelerators"),
    "datacentre": ("data centre", "data centres"),
    "power_contract": ("power contract", "power contracts"),
    "shares": ("shares", "shares"),
    "other": ("other asset", "other assets"),
}


class PriorityLabel(StrEnum):
    senior = "senior"
    second_lien = "second lien"
    junior = "junior"


#: a pledge's priority label -> its rank on the collateral (1 = paid first). A junior claim
#: and a second lien both rank after the senior one; a pledge without a label has no rank
#: (NaN: not stated), which is never read as senior.
PRIORITY_RANKS: dict[str, int] = {"senior": 1, "second lien": 2, "junior": 2}


# -- words for codes ---------------------------------------------------------------------------


def label(code: str | None) -> str:
    """The human words for any code of this vocabulary (a kind, status, consideration,
    company or source type); the code itself when it is none of them."""
    if code is None:
        return ""
    if code in KINDS:
        return KINDS[code].label
    if code in STATUSES:
        return STATUSES[code].label
    if code in COMPANY_TYPES:
        return COMPANY_TYPES[code][0]
    if code in CONSIDERATIONS:
        return CONSIDERATIONS[code][0]
    if code in SOURCE_TYPES:
        return SOURCE_TYPES[code][0]
    if code in DISBURSEMENT_KINDS:
        return DISBURSEMENT_KINDS[code][0]
    if code in ASSET_KINDS:
        return ASSET_KINDS[code][0]
    return code


def source_rank(source_type: str | None) -> int:
    """Where a source of this type is listed: primary sources first (filing, company release,
    court or government record), then news, copies, aggregators and the rest, in the order of
    :data:`SOURCE_TYPES`."""
    order = list(SOURCE_TYPES)
    return order.index(source_type) if source_type in SOURCE_TYPES else len(order)


def check_codes(values: Iterable[str], known: Iterable[str], what: str) -> list[str]:
    """The values, or a ValueError naming the first unknown one and the known ones."""
    allowed = list(known)
    out = list(values)
    for v in out:
        if v not in allowed:
            raise ValueError(f"unknown {what} '{v}': expected one of {', '.join(allowed)}")
    return out


def _check() -> None:
    assert set(KINDS) == {k.value for k in DealKind}, "every deal kind needs a meaning"
    assert set(STATUSES) | {"amended"} == {s.value for s in Status}, "every status needs a meaning"
    assert set(COMPANY_TYPES) == {t.value for t in CompanyType}
    assert set(SOURCE_TYPES) == {t.value for t in SourceType}
    assert set(CONSIDERATIONS) == {c.value for c in Consideration}
    assert set(DISBURSEMENT_KINDS) == {k.value for k in DisbursementKind}
    assert set(DISBURSEMENT_BASES) == {b.value for b in DisbursementBasis}
    assert set(ASSET_KINDS) == {k.value for k in AssetKind}
    assert set(PRIORITY_RANKS) == {p.value for p in PriorityLabel}
    assert set(sum(STATUS_GROUPS.values(), ())) == set(STATUSES)
    assert BINDING_STATUSES == ("funded", "funded_partial", "definitive")


_check()
