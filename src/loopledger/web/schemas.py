"""Request bodies of the web API, derived from the data model rather than re-declared.

A new deal *is* a :class:`~loopledger.ledger.model.Deal` (the same fields, types, vocabularies
and checks), except that its ``sources`` may be left out because the edit's own source is added
to them; a new source is a :class:`~loopledger.ledger.model.Source` whose id may be left out
(it is derived from the URL). Every body forbids unknown fields, so a typo is a 422 naming it.
The Ledger runs the full validation again (cross-field rules, references) before anything is
written, exactly as for the CLI and file imports.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..ledger.model import Deal, EventDate, Slug, Source, Status


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NewSource(Source):
    """A source to create with the edit (its id defaults to 'src-' + sha1(url)[:12])."""

    id: Optional[Slug] = Field(None, description="leave out: derived from the URL")


#: the source backing an edit: the id of a source already in the ledger, or a new one
SourceRef = Union[Slug, NewSource]


def source_arg(ref: Any) -> Any:
    """The value ``Ledger.ensure_source`` takes for a SourceRef."""
    if isinstance(ref, BaseModel):
        return ref.model_dump(exclude_none=True)
    return ref


class NewDealFields(Deal):
    """The deal's fields, as in the data model (``sources`` may be empty here)."""

    sources: list[Slug] = Field(default_factory=list,
                                description="more source ids; the edit's source is added")


class NewDeal(Body):
    """A new deal leg with its first status event; ``source`` backs both."""

    deal: NewDealFields
    status: Status = Field(description="status from `date` on")
    date: EventDate = Field(description="date of that status: YYYY-MM-DD, YYYY-MM or YYYY")
    source: SourceRef
    note: Optional[str] = Field(None, max_length=2000)


class NewEvent(Body):
    """A deal's new status from a date on (status changes are events, never edits)."""

    status: Status
    date: EventDate
    source: SourceRef
    note: Optional[str] = Field(None, max_length=2000)


class Amendment(Body):
    """Changed fields of a record, based on the version the editor read."""

    changes: dict[str, Any] = Field(min_length=1, description="field -> new value")
    expected_version: int = Field(ge=1, description="the `version` the edit is based on; a "
                                  "stale one gives 409 Conflict")
    source: SourceRef
    reason: str = Field(min_length=1, max_length=2000)


class Retraction(Body):
    """Withdraw a record (it stays stored and audited, and leaves every view)."""

    reason: str = Field(min_length=1, max_length=2000)
    expected_version: int = Field(ge=1)
    source: SourceRef = Field(description="the source that shows the record was wrong or is "
                              "withdrawn; it is added to the ledger and named in the audit reason")


class StressRequest(Body):
    """Scenario parameters of ``loopledger.stress`` (METHODS.md section 6); the defaults are
    that function's."""

    fail: list[str] = Field(min_length=1, max_length=50,
                            description="companies that fail (id, name, alias or ticker)")
    recovery: float = Field(0.0, ge=0, le=1, allow_inf_nan=False,
                            description="share of what a failed company owes that its "
                            "creditors recover (default 0, METHODS.md 6.3)")
    substitution: float = Field(0.0, ge=0, le=1, allow_inf_nan=False,
                                description="share of lost demand won back by competitors")
    lag_quarters: int = Field(0, ge=0, le=40, description="quarters before substitution starts")
    model: Literal["debtrank", "clearing", "cascade"] = "debtrank"
    variant: Literal["battiston2012", "linear"] = Field(
        "battiston2012", description="DebtRank variant (Battiston et al. 2012, Bardoscia et al. 2015)")
    threshold: float = Field(1.0, gt=0, le=100, allow_inf_nan=False,
                             description="cascade: a company fails when losses exceed threshold x buffer")
    external_assets: Optional[Literal["cash", "market_value"]] = Field(
        None, validate_default=True, description="clearing (required there): the outside "
        "assets of each company, reported 'cash' or 'market_value' (a derived proxy)")
    gpu_price_fall: float = Field(0.0, ge=0, le=1, allow_inf_nan=False,
                                  description="GPU prices fall by this share (DebtRank only)")
    funding_shortfall: dict[str, Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]] = Field(
        default_factory=dict, max_length=50,
        description="company -> share of its funding that falls short (DebtRank only)")
    as_of: Optional[str] = Field(None, max_length=32, description="YYYY-MM-DD; default today")

    @field_validator("external_assets", mode="after")
    @classmethod
    def _clearing_needs_assets(cls, value, info):
        if value is None and info.data.get("model") == "clearing":
            raise ValueError("the clearing model needs external_assets: 'cash' or 'market_value'")
        return value


class Login(Body):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
