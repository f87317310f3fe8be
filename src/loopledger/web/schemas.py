"""Request bodies of the web API, derived from the data model rather than re-declared.

A new deal *is* a :class:`~loopledger.ledger.model.Deal` (the same fields, types, vocabularies
and checks), except that its ``sources`` may be left out because the edit's own source is added
to them; a new source is a :class:`~loopledger.ledger.model.Source` whose id may be left out
(it is derived from the URL). Every body forbids unknown fields, so a typo is a 422 naming it.
The Ledger runs the full validation again (cross-field rules, references) before anything is
written, exactly as for the CLI and file imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator, model_validator

from ..errors import LedgerError
from ..ledger.limits import check_field_text
from ..ledger.model import Deal, EventDate, Slug, Source, Status
from ..paramsets import request_fields
from ..stresstest.params import StressParams


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value, info: ValidationInfo):
        """Text of a request (a reason, a note, company names) is held to the ledger's rules:
        no control characters, within its length (ledger/limits.py). Passwords are exempt."""
        if info.field_name == "password":
            return value
        return check_field_text(info.field_name or "", value)


class NewSource(Source):
    """A source to create with the edit (its id defaults to 'src-' + sha1(url)[:12])."""

    id: Optional[Slug] = Field(None, description="leave out: derived from the URL")  # type: ignore[assignment]


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


def _stress_request() -> type[Body]:
    """The body of ``POST /api/stress``: the companies that fail, the view (``as_of``,
    ``statuses``, ``amount``) and every web-offered option of
    :class:`~loopledger.stresstest.params.StressParams`, with its default, unit and range."""
    fields = dict(
        fail=(list[str], Field(min_length=1, max_length=50,
                               description="companies that fail (id, name, alias or ticker)")),
        as_of=(Optional[str], Field(None, max_length=32, description="YYYY-MM-DD; default today")),
        statuses=(Optional[list[Status]], Field(None, max_length=10, description="statuses that bind "
                                                "(default definitive, funded_partial, funded)")),
        amount=(Literal["low", "high", "mid"], Field("high", description="amount basis")),
        **request_fields(StressParams),
    )
    def check(self):
        options = {k: getattr(self, k) for k in StressParams.names() if k in type(self).model_fields}
        try:
            StressParams.of(**{k: v for k, v in options.items() if v is not None or k == "external_assets"})
        except LedgerError as e:
            raise ValueError(str(e)) from None
        return self

    def clearing_needs_assets(cls, value, info):
        if value is None and info.data.get("model") == "clearing":
            raise ValueError("the clearing model needs external_assets: 'cash', 'market_value' or {company: USD bn}")
        return value

    validators = {
        "external_assets_for_clearing": field_validator("external_assets", mode="after")(clearing_needs_assets),
        "check_options": model_validator(mode="after")(check),
    }
    model = create_model("StressRequest", __base__=Body,  # type: ignore[call-overload]
                         __validators__=validators, **fields)
    model.__doc__ = _stress_request.__doc__
    return model


if TYPE_CHECKING:  # built at import from StressParams: its fields are not known statically
    StressRequest = Any
else:
    StressRequest = _stress_request()


class Login(Body):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
