"""The data model, declared once.

Nine record types make a ledger: :class:`Source` (where a fact comes from), :class:`Company`,
:class:`Deal` (one directed leg of money or obligation, payer -> payee), :class:`StatusEvent`
(a dated status of a deal: status is a history, not a field), :class:`Disbursement` (cash
actually paid or drawn under a deal, dated), :class:`Fact` (a dated figure about a
company: valuation, revenue, loss, backlog...) and the claims (docs/claims.md):
:class:`Asset` (property that can be pledged: GPUs, a data centre, shares), :class:`Pledge`
(collateral securing a loan, with its priority) and :class:`Guarantee` (the obligation a
guarantee or backstop deal covers). These pydantic classes are the only
description of the fields: validation, the database tables (:mod:`loopledger.ledger.storage`),
CSV / JSON-lines import and export (:mod:`loopledger.ledger.tables`) and the web forms are all
generated from them.

The codes (deal kinds, statuses, company and source types, considerations) and what they mean
are declared in :mod:`loopledger.vocabulary`. Conventions (docs/methods.md): money is USD billions; an amount is a
range ``amount_low``..``amount_high`` where either end may be missing, and missing is never 0;
dates are partial dates (:mod:`loopledger.ledger.dates`) stored as the text recorded.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ..vocabulary import (
    BINDING_STATUSES,
    PRIORITY_RANKS,
    STATUS_ORDER,
    AssetKind,
    CompanyType,
    Consideration,
    DealKind,
    DisbursementBasis,
    DisbursementKind,
    PriorityLabel,
    SourceType,
    Status,
)
from . import limits
from .dates import PartialDate

__all__ = [
    "BINDING_STATUSES", "STATUSES", "MODELS", "Asset", "Company", "Guarantee", "Pledge", "CompanyType", "Confidence", "Consideration",
    "Deal", "DealKind", "Disbursement", "Fact", "Overlap", "Record", "Source", "SourceType", "Status",
    "StatusEvent",
]


#: The statuses a deal can be in, in the order of the "how much of it is real" table.
STATUSES = STATUS_ORDER

class Confidence(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class Overlap(StrEnum):
    """How a deal relates to others, so that totals never count the same money twice."""

    stake_summary = "stake_summary"  # cumulative position summing earlier rows
    programme_summary = "programme_summary"  # aspirational programme total over bilateral rows
    subset_of = "subset_of"  # part of an umbrella deal listed separately
    overlaps = "overlaps"  # may cover partly the same money as another row
    companion = "companion"  # the other side of a related agreement
    intra_group = "intra_group"  # flow inside one group of companies
    realized_spend = "realized_spend"  # payments under a contract listed separately


# --------------------------------------------------------------------------------------------
# Field types with their checks. A check raises ValueError; its message is the reason shown
# to the user next to the file, row and column.

_ID = re.compile(r"^[a-z0-9][a-z0-9._\-/]*$")


def _slug(value: str) -> str:
    if len(value) > limits.MAX_ID_LENGTH:
        raise ValueError(f"an id of {len(value):,} characters is too long: at most {limits.MAX_ID_LENGTH}")
    if not _ID.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lower-case letters, digits, '.', '-', '_' or '/'"
        )
    return value


def _announced_date(value: str | None) -> str | None:
    if value is None:
        return None
    d = PartialDate.parse(value)
    if d.precision not in ("day", "month", "year") or d.approx:
        raise ValueError(f"'{value}' must be a day, month or year (YYYY-MM-DD, YYYY-MM, YYYY)")
    return d.text


def _any_date(value: str | None) -> str | None:
    if value is None:
        return None
    return PartialDate.parse(value).text


def _url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError(f"'{value}' is not an http(s) URL")
    return value


def _cik(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.match(r"^\d{10}$", value):
        raise ValueError(f"'{value}' is not a SEC CIK: give the 10 digits, e.g. '0001045810'")
    return value


def _currency(value: str) -> str:
    if not re.match(r"^[A-Z]{3}$", value):
        raise ValueError(f"'{value}' is not a three-letter currency code")
    return value


def _list_items(values: list[str]) -> list[str]:
    for v in values:
        if "|" in v:
            raise ValueError(f"'{v}' contains '|', which separates list items")
        if not v.strip():
            raise ValueError("list items cannot be blank")
    return values


Slug = Annotated[str, AfterValidator(_slug)]
Cik = Annotated[str | None, AfterValidator(_cik)]
AnnouncedDate = Annotated[str | None, AfterValidator(_announced_date)]
TermDate = Annotated[str | None, AfterValidator(_any_date)]
EventDate = Annotated[str, AfterValidator(_announced_date)]
Url = Annotated[str, AfterValidator(_url)]
Currency = Annotated[str, AfterValidator(_currency)]
Names = Annotated[list[str], AfterValidator(_list_items)]
SourceIds = Annotated[list[Slug], Field(min_length=1), AfterValidator(_list_items)]
#: billions of the deal's currency: finite, not negative; at most
#: :data:`~loopledger.ledger.limits.MAX_LEG_USD_BN` once in USD (checked by ``Deal.problems``)
Amount = Annotated[float | None, Field(ge=0, le=limits.MAX_AMOUNT_ANY_CURRENCY, allow_inf_nan=False)]


class Record(BaseModel):
    """Common base: unknown fields are errors and strings are stripped."""

    # defer_build: each model's validator and serializer are built when first used, not at
    # import; the reading commands construct records without validating (model_construct), so
    # a start-up skips most of that work (issue 15, target 2)
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True, defer_build=True)

    #: name of the table in storage and in exports
    table: ClassVar[str]
    #: fields naming a record of another table: field -> table
    references: ClassVar[dict[str, str]] = {}

    def problems(self) -> list[tuple[str, str]]:
        """Checks that involve several fields: (column, reason) pairs."""
        return []

    #: fields an amendment may not change (``id`` and ``retracted`` always; see
    #: :meth:`loopledger.ledger.Ledger.amend`)
    fixed: ClassVar[frozenset[str]] = frozenset()

    if TYPE_CHECKING:  # the tables differ in their fields; code that takes any record reads them
        def __getattr__(self, name: str) -> Any: ...

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value, info: ValidationInfo):
        """Every text field: no control characters, within its length (ledger/limits.py); an
        optional text left blank is missing (None), as a blank cell of a file is."""
        name = info.field_name or ""
        if value == "" and isinstance(value, str) and not cls.model_fields[name].is_required():
            return None
        return limits.check_field_text(name, value)


class Source(Record):
    """Where a fact comes from: a page that was read, with its publisher and date."""

    table: ClassVar[str] = "sources"

    id: Slug = Field(description="stable id, 'src-' + the first 12 hex digits of sha1(url)")
    url: Url
    publisher: str = Field(min_length=1, description="outlet or issuer of the page")
    date: TermDate = Field(None, description="publication date, as precise as known")
    type: SourceType = Field(description="filing, press_release, official_record, news, repost, "
                             "aggregator or other (loopledger.vocabulary.SOURCE_TYPES)")
    original_publisher: str | None = Field(
        None, description="for a repost: the outlet or document it copies (Reuters, 10-Q...)"
    )
    title: str | None = None
    confidence: Confidence | None = Field(
        None, description="how far this page alone can be trusted; blank when not assessed"
    )
    notes: str | None = None
    retracted: bool = False


class Company(Record):
    """A company, fund, vehicle or placeholder that pays or receives money."""

    table: ClassVar[str] = "companies"
    references: ClassVar[dict[str, str]] = {"parent": "companies", "sponsors": "companies",
                                            "sources": "sources"}

    id: Slug = Field(description="stable slug, e.g. 'openai'")
    name: str = Field(min_length=1)
    aliases: Names = Field(default_factory=list)
    ticker: str | None = None
    cik: Cik = Field(None, description="SEC Central Index Key (10 digits) when the company "
                     "files with the SEC: `facts import-sec` reads its filings")
    type: CompanyType
    type_detail: str | None = Field(None, description="finer description of the type")
    country: str | None = None
    parent: Slug | None = Field(None, description="group it rolls up to when asked")
    parent_since: TermDate = Field(None, description="since when the parent controls it")
    owners: str | None = Field(None, description="owners when there is no single parent")
    sponsors: Annotated[list[Slug], AfterValidator(_list_items)] = Field(
        default_factory=list, description="for a vehicle or joint venture: the companies that "
        "set it up or fund its equity")
    placeholder: bool = Field(
        False, description="an unnamed aggregate (capital markets, bank lenders)"
    )
    notes: str | None = None
    sources: Annotated[list[Slug], AfterValidator(_list_items)] = Field(
        default_factory=list, description="where the company's details (CIK, parent, sponsors) "
        "come from")
    retracted: bool = False

    def problems(self) -> list[tuple[str, str]]:
        out = []
        if self.id in self.sponsors:
            out.append(("sponsors", "a company cannot sponsor itself"))
        if self.parent is not None and self.parent == self.id:
            out.append(("parent", "a company cannot be its own parent"))
        if self.parent_since is not None and self.parent is None:
            out.append(("parent_since", "parent_since is set but parent is blank"))
        return out


class Deal(Record):
    """One directed leg of money or obligation, payer -> payee.

    Direction follows the dataset README: an investor pays the investee, a buyer its supplier,
    a lender its borrower, a guarantor the beneficiary of a backstop, the issuer of a warrant
    its recipient. The legs of one relationship share a ``group``.
    """

    table: ClassVar[str] = "deals"
    references: ClassVar[dict[str, str]] = {
        "payer": "companies",
        "payee": "companies",
        "sources": "sources",
        "overlap_with": "deals",
    }

    id: Slug
    group: Slug = Field(description="the relationship this leg belongs to")
    announced: AnnouncedDate = Field(
        None, description="first announced or credibly reported (day, month or year)"
    )
    payer: Slug = Field(description="company id sending the money or taking the obligation")
    payer_detail: str | None = Field(None, description="division, vehicle or lender group")
    payee: Slug = Field(description="company id receiving the money or benefit")
    payee_detail: str | None = None
    kind: DealKind
    consideration: Consideration | None = Field(
        None, description="what changes hands: cash, stock, in_kind or mixed; blank = the "
        "kind's usual form (not stated)")
    amount_low: Amount = Field(None, description="low end, billions of `currency`")
    amount_high: Amount = Field(None, description="high end, billions of `currency`")
    currency: Currency = "USD"
    fx_rate: float | None = Field(
        None, gt=0, le=limits.MAX_FX_RATE, allow_inf_nan=False, description="USD per unit of `currency`"
    )
    amount_note: str | None = Field(None, description="how to read the amount: up to, per year")
    units: str | None = Field(None, description="physical units as reported (GW, GPUs, shares)")
    power_gw: float | None = Field(None, ge=0, le=limits.MAX_POWER_GW, allow_inf_nan=False,
                                   description="GW in units")
    gpu_count: float | None = Field(None, ge=0, le=limits.MAX_GPU_COUNT, allow_inf_nan=False,
                                    description="chips in units")
    share_count: float | None = Field(None, ge=0, le=limits.MAX_SHARE_COUNT, allow_inf_nan=False,
                                      description="shares")
    stake_pct: float | None = Field(None, allow_inf_nan=False, description="payer's % of payee")
    stake_value: Amount = Field(None, description="reported value of the stake, USD bn")
    term_start: TermDate = None
    term_end: TermDate = None
    include_in_totals: bool = Field(
        True, description="false for summary or subset rows that would double count"
    )
    overlap: Overlap | None = None
    overlap_with: Annotated[list[Slug], AfterValidator(_list_items)] = Field(
        default_factory=list, description="the deals this one overlaps or summarises"
    )
    overlap_note: str | None = None
    confidence: Confidence
    notes: str | None = None
    sources: SourceIds
    retracted: bool = False
    retracted_reason: str | None = None

    #: set only by a retraction (``Ledger.retract``, with its reason)
    fixed: ClassVar[frozenset[str]] = frozenset({"retracted_reason"})

    def problems(self) -> list[tuple[str, str]]:
        out = []
        if self.payer == self.payee:
            out.append(("payee", f"payer and payee are both '{self.payer}'"))
        lo, hi = self.amount_low, self.amount_high
        if lo is not None and hi is not None and lo > hi:
            out.append(("amount_low", f"amount_low {lo:g} is greater than amount_high {hi:g}"))
        if self.currency != "USD" and self.fx_rate is None:
            out.append(("fx_rate", f"amounts in {self.currency} need fx_rate (USD per unit)"))
        if self.stake_pct is not None and not 0 <= self.stake_pct <= 100:
            out.append(("stake_pct", f"stake_pct {self.stake_pct:g} is outside 0-100"))
        s, e = PartialDate.parse(self.term_start) if self.term_start else None, (
            PartialDate.parse(self.term_end) if self.term_end else None
        )
        if s and e and s.start > e.end:
            out.append(("term_end", f"term ends ({e}) before it starts ({s})"))
        if self.overlap_with and self.overlap is None:
            out.append(("overlap", "overlap_with is set but overlap (the relation) is blank"))
        if self.id in self.overlap_with:
            out.append(("overlap_with", "a deal cannot overlap itself"))
        if self.retracted_reason and not self.retracted:
            out.append(("retracted_reason", "retracted_reason is set but retracted is false"))
        convertible = self.currency == "USD" or self.fx_rate is not None
        for name, usd in (("amount_low", self.usd_low if convertible else None),
                          ("amount_high", self.usd_high if convertible else None),
                          ("stake_value", self.stake_value)):
            if usd is not None and not usd <= limits.MAX_LEG_USD_BN:
                out.append((name, f"{name} of {usd:,.6g} USD bn is above the plausible maximum of "
                                  f"{limits.MAX_LEG_USD_BN:,.0f} USD bn per deal leg"))
        return out

    @property
    def usd_low(self) -> float | None:
        return _to_usd(self.amount_low, self.currency, self.fx_rate)

    @property
    def usd_high(self) -> float | None:
        return _to_usd(self.amount_high, self.currency, self.fx_rate)


def _to_usd(amount: float | None, currency: str, rate: float | None) -> float | None:
    if amount is None:
        return None
    if currency == "USD":
        return amount
    return None if rate is None else amount * rate


class StatusEvent(Record):
    """A deal's status from a date on, with the source that reports it."""

    table: ClassVar[str] = "events"
    references: ClassVar[dict[str, str]] = {"deal": "deals", "sources": "sources"}
    #: an event belongs to its deal: it never moves to another one
    fixed: ClassVar[frozenset[str]] = frozenset({"deal"})

    id: Slug = Field(description="'<deal id>/<n>'")
    deal: Slug
    date: EventDate
    status: Status
    note: str | None = None
    sources: SourceIds
    retracted: bool = False


class Fact(Record):
    """A dated figure about a company (valuation, revenue, net loss, backlog, debt...)."""

    table: ClassVar[str] = "facts"
    references: ClassVar[dict[str, str]] = {"company": "companies", "sources": "sources"}

    id: Slug
    company: Slug
    metric: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    value: float = Field(allow_inf_nan=False)
    unit: str = Field(min_length=1, description="'USD bn' unless stated, e.g. 'USD/share'; the "
                      "bundled data uses loopledger.vocabulary.FACT_UNITS only")
    as_of: EventDate
    period: str | None = Field(None, description="reporting period: FY2025, 2025-Q3...")
    derived: bool = Field(False, description="computed from other figures, not reported")
    derivation: str | None = Field(None, description="the assumption behind a derived figure")
    confidence: Confidence
    notes: str | None = None
    sources: SourceIds
    retracted: bool = False

    #: a fact belongs to its company: correcting that is a retraction and a new fact
    fixed: ClassVar[frozenset[str]] = frozenset({"company"})

    def problems(self) -> list[tuple[str, str]]:
        out = []
        if self.derived and not self.derivation:
            out.append(("derivation", "a derived figure must state its derivation"))
        if self.unit.replace(" ", "").upper() == "USDBN" and not abs(self.value) <= limits.MAX_FACT_USD_BN:
            out.append(("value", f"value of {self.value:,.6g} USD bn is above the plausible maximum of "
                                 f"{limits.MAX_FACT_USD_BN:,.0f} USD bn"))
        return out


class Disbursement(Record):
    """Cash actually paid (a tranche), drawn (a loan drawdown) or paid back under a deal, on a
    date, with its source. ``basis`` says whether ``amount`` is this one payment
    (``increment``) or the total paid so far, for a loan the principal outstanding
    (``cumulative``); :func:`paid_to_date` reads them together."""

    table: ClassVar[str] = "disbursements"
    references: ClassVar[dict[str, str]] = {"deal": "deals", "sources": "sources"}

    id: Slug = Field(description="'<deal id>/<kind>/<date>' (a suffix -2, -3 when repeated)")
    deal: Slug
    date: EventDate = Field(description="when it was paid or drawn (day, month or year)")
    kind: DisbursementKind
    basis: DisbursementBasis = DisbursementBasis.increment
    amount: float = Field(ge=0, allow_inf_nan=False, description="billions of `currency`")
    currency: Currency = "USD"
    fx_rate: float | None = Field(
        None, gt=0, allow_inf_nan=False, description="USD per unit of `currency`"
    )
    note: str | None = None
    derived: bool = Field(False, description="computed from other figures, not reported")
    derivation: str | None = Field(None, description="the assumption behind a derived figure")
    sources: SourceIds
    retracted: bool = False

    def problems(self) -> list[tuple[str, str]]:
        out = []
        if self.currency != "USD" and self.fx_rate is None:
            out.append(("fx_rate", f"amounts in {self.currency} need fx_rate (USD per unit)"))
        if self.derived and not self.derivation:
            out.append(("derivation", "a derived figure must state its derivation"))
        if self.kind == DisbursementKind.repayment and self.basis == DisbursementBasis.cumulative:
            out.append(("basis", "a repayment is one payment (increment); a cumulative figure "
                                 "states what is outstanding, kind drawdown or tranche"))
        return out

    @property
    def usd(self) -> float:
        return self.amount if self.currency == "USD" else self.amount * (self.fx_rate or float("nan"))


def paid_to_date(rows: list[Disbursement], as_of: date | None = None) -> float | None:
    """USD billions recorded paid under one deal by ``as_of`` (every row if None): the latest
    cumulative figure on or before the date plus the increments dated after it (tranches and
    drawdowns add, repayments subtract), or, without a cumulative figure, the sum of the
    increments; never below 0. None when nothing is recorded by the date. A row's date counts
    from its first day (``2025-12`` counts from 2025-12-01)."""
    live = [r for r in rows if not r.retracted]
    if as_of is not None:
        live = [r for r in live if PartialDate.parse(r.date).start <= as_of]
    if not live:
        return None
    def key(r: Disbursement) -> tuple:
        d = PartialDate.parse(r.date)
        return (d.start, d.end, r.id)
    live.sort(key=key)
    cumulative = [r for r in live if r.basis == DisbursementBasis.cumulative]
    total, after = 0.0, live
    if cumulative:
        last = cumulative[-1]
        total = last.usd
        last_start = PartialDate.parse(last.date).start
        after = [r for r in live if r.basis == DisbursementBasis.increment
                 and PartialDate.parse(r.date).start > last_start]
    else:
        after = [r for r in live if r.basis == DisbursementBasis.increment]
    for r in after:
        total += -r.usd if r.kind == DisbursementKind.repayment else r.usd
    return max(total, 0.0)


class Asset(Record):
    """Property that can be pledged as collateral: GPUs (by count and generation when known),
    a data centre, a power contract, shares, an account. ``value`` is what a source states it
    is worth on ``value_as_of`` (USD bn; unknown = blank, never 0), with ``value_note`` saying
    what kind of value it is (acquisition cost, appraisal, offering documents)."""

    table: ClassVar[str] = "assets"
    references: ClassVar[dict[str, str]] = {"owner": "companies", "sources": "sources"}

    id: Slug
    kind: AssetKind = Field(description="gpus, datacentre, power_contract, shares or other "
                            "(loopledger.vocabulary.ASSET_KINDS)")
    owner: Slug = Field(description="company id holding the asset (often a vehicle)")
    description: str = Field(min_length=1)
    gpu_count: float | None = Field(None, ge=0, le=limits.MAX_GPU_COUNT, allow_inf_nan=False,
                                    description="chips, when the kind is gpus and a source counts them")
    gpu_generation: str | None = Field(None, description="H100, GB200, TPU ... as the source names it")
    value: Amount = Field(None, description="USD bn as stated on value_as_of; blank = unknown")
    value_as_of: TermDate = Field(None, description="the date the value refers to")
    value_note: str | None = Field(None, description="what the value is (acquisition cost, "
                                   "appraisal, offering documents)")
    sources: SourceIds
    retracted: bool = False

    def problems(self) -> list[tuple[str, str]]:
        out = []
        if self.value is not None and self.value_as_of is None:
            out.append(("value_as_of", "a value needs the date it refers to (value_as_of)"))
        if self.value is not None and self.value > limits.MAX_LEG_USD_BN:
            out.append(("value", f"value of {self.value:,.6g} USD bn is above the plausible maximum of "
                                 f"{limits.MAX_LEG_USD_BN:,.0f} USD bn"))
        if (self.gpu_count is not None or self.gpu_generation) and self.kind != AssetKind.gpus:
            column = "gpu_count" if self.gpu_count is not None else "gpu_generation"
            out.append((column, f"only an asset of kind gpus has {column} (this one is '{self.kind}')"))
        return out


class Pledge(Record):
    """Collateral securing a loan: an asset (``collateral_asset``) or the receivables of a
    contract in the ledger (``collateral_deal``), exactly one of the two, with the claim's
    ``priority`` on it (senior, second lien, junior; blank = not stated) and the ``share`` of
    the collateral pledged. The loan's lender and borrower are its deal's payer and payee."""

    table: ClassVar[str] = "pledges"
    references: ClassVar[dict[str, str]] = {"loan": "deals", "collateral_asset": "assets",
                                            "collateral_deal": "deals", "sources": "sources"}
    #: a pledge belongs to its loan and collateral: changing them is a retraction and a new pledge
    fixed: ClassVar[frozenset[str]] = frozenset({"loan", "collateral_asset", "collateral_deal"})

    id: Slug = Field(description="'<loan or its short name>/<n>'")
    loan: Slug = Field(description="deal id of the secured loan (a deal of a debt kind)")
    collateral_asset: Slug | None = Field(None, description="asset id pledged")
    collateral_deal: Slug | None = Field(None, description="deal id of a contract whose "
                                         "receivables are pledged")
    priority: PriorityLabel | None = Field(
        None, description="senior, second lien or junior (loopledger.vocabulary.PRIORITY_RANKS); "
        "blank = not stated")
    share: float = Field(1.0, gt=0, le=1, allow_inf_nan=False,
                         description="share of the collateral pledged, in (0, 1]")
    ltv_limit: float | None = Field(None, gt=0, le=10, allow_inf_nan=False,
                                    description="loan-to-value limit above which the loan is in breach")
    as_of: EventDate = Field(description="since when the pledge holds (day, month or year)")
    note: str | None = None
    sources: SourceIds
    retracted: bool = False

    def problems(self) -> list[tuple[str, str]]:
        out = []
        if (self.collateral_asset is None) == (self.collateral_deal is None):
            out.append(("collateral_asset", "a pledge names exactly one collateral: "
                        "collateral_asset or collateral_deal"))
        if self.collateral_deal is not None and self.collateral_deal == self.loan:
            out.append(("collateral_deal", "a loan cannot be secured by its own receivables"))
        return out

    @property
    def collateral(self) -> str | None:
        return self.collateral_asset or self.collateral_deal

    @property
    def rank(self) -> float:
        return float(PRIORITY_RANKS[self.priority]) if self.priority else float("nan")


class Guarantee(Record):
    """What a guarantee or backstop deal covers: the deal ``covers`` (a lease, a loan...), up
    to ``cap`` USD bn (blank = up to the covered amount). The guarantor is the deal's payer."""

    table: ClassVar[str] = "guarantees"
    references: ClassVar[dict[str, str]] = {"deal": "deals", "covers": "deals", "sources": "sources"}
    fixed: ClassVar[frozenset[str]] = frozenset({"deal", "covers"})

    id: Slug = Field(description="'<deal>/<covers>'")
    deal: Slug = Field(description="deal id of the guarantee or backstop (a guarantee kind)")
    covers: Slug = Field(description="deal id of the obligation covered")
    cap: Amount = Field(None, description="USD bn the guarantor pays at most; blank = up to the "
                        "covered amount")
    note: str | None = None
    sources: SourceIds
    retracted: bool = False

    def problems(self) -> list[tuple[str, str]]:
        if self.deal == self.covers:
            return [("covers", "a guarantee cannot cover itself")]
        return []


#: The tables of a ledger, in the order they load (a table only refers to those before it,
#: except deals' overlap_with, which refers to deals).
MODELS: dict[str, type[Record]] = {
    "sources": Source,
    "companies": Company,
    "deals": Deal,
    "events": StatusEvent,
    "disbursements": Disbursement,
    "facts": Fact,
    "assets": Asset,
    "pledges": Pledge,
    "guarantees": Guarantee,
}
