"""Change sets: declarative files that change a ledger, one batch each (docs/data.md).

A change set is a YAML file named ``YYYY-MM-DD-NN-short-name.yaml`` holding the sources it
cites, the records it adds (companies, deals with their first status, events, disbursements,
facts, and the claims: assets, pledges, guarantees), the fields it amends (each with a reason and a source) and the records it retracts
(never deletes). :func:`apply` validates the whole file against the ledger first, then writes
everything in one transaction, or nothing; every record written is audited under the change
set's id (``reason = "<id>: ..."``), and the change set itself is recorded in the audit trail
with a digest of its content. Applying it again changes nothing: a change set already applied
is skipped (an edited one, with a different digest, is refused: write a new change set), and
within a file a source already in the ledger, a record already there with the same values, an
amendment already in effect and a retraction already made are each skipped.

The format is the data model's (:mod:`loopledger.ledger.model`): an added record has the
fields of its table, sources are cited by URL (or by the id of a source already in the
ledger), and a few conveniences are added: a new deal's first ``status`` and ``status_date``;
ids that follow from other fields (``src-`` + sha1(url), ``<deal>/<n>`` for events,
``<company>/<metric>/<as_of>`` for facts, ``<deal>/<kind>/<date>`` for disbursements,
``<deal>/<covers>`` for guarantees); a pledge may name its ``lender``, which must be its
loan's payer (a check, not stored). An
amendment adds sources with ``add_sources``; one that would replace a record's source list is
refused. :class:`ChangeSet` is the schema (``ChangeSet.model_json_schema()``).

The bundled dataset is the result of applying the change sets in ``ledger/data/changes/`` in
name order to an empty ledger: :func:`build` writes the bundled tables from them and
``tests/data`` rebuilds them and compares byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Optional, TypeAlias

import yaml
from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic import ValidationError as PydanticError

from ..errors import LedgerError, Problem, ValidationError
from ..results import Result, jsonable
from ..vocabulary import FACT_UNITS
from .changelog import AUDIT_TABLE, counts_text
from .model import (
    MODELS,
    Asset,
    Company,
    Deal,
    Disbursement,
    Fact,
    Guarantee,
    Pledge,
    Record,
    Source,
    StatusEvent,
)
from .tables import RawRow
from .validate import check_row, validate_rows

if TYPE_CHECKING:  # pragma: no cover
    from .ledger import Ledger

import pandas as pd

#: the audit trail's table name for applied change sets
#: fields no amendment may set: ids, the source list (use add_sources) and retraction (retract)
NOT_AMENDABLE = ("id", "sources", "retracted", "retracted_reason")
ID_PATTERN = r"^\d{4}-\d{2}-\d{2}-\d{2}-[a-z0-9][a-z0-9-]*$"


# --------------------------------------------------------------------------------------------
# the format, derived from the data model


def _entry_model(model: type[Record], name: str, drop: Iterable[str] = (), optional: Iterable[str] = (),
                 extra: dict[str, Any] | None = None) -> type[BaseModel]:
    """A change-set entry for records of ``model``: the model's fields (types, enums and
    descriptions as declared there), ``sources`` cited by URL or id, some fields optional."""
    fields: dict[str, Any] = {}
    for fname, info in model.model_fields.items():
        if fname in drop:
            continue
        if fname == "sources":
            required = info.is_required()
            fields[fname] = (list[str], Field(... if required else [], min_length=1 if required else 0,
                                               description="URLs declared in the change set's "
                                               "sources, or ids of sources in the ledger"))
            continue
        ann = info.annotation
        if fname in optional:
            fields[fname] = (Optional[ann], Field(None, description=info.description))  # type: ignore[valid-type]
        else:
            fields[fname] = (ann, info)
    for fname, spec in (extra or {}).items():
        fields[fname] = spec
    return create_model(name, __config__=ConfigDict(extra="forbid", use_enum_values=True), **fields)


_Refs = list[str]
if TYPE_CHECKING:  # pragma: no cover - built at run time; to the type checker, pydantic models
    NewSource: TypeAlias = BaseModel
    NewCompany: TypeAlias = BaseModel
    NewDeal: TypeAlias = BaseModel
    NewEvent: TypeAlias = BaseModel
    NewDisbursement: TypeAlias = BaseModel
    NewFact: TypeAlias = BaseModel
    NewAsset: TypeAlias = BaseModel
    NewPledge: TypeAlias = BaseModel
    NewGuarantee: TypeAlias = BaseModel
else:
    NewSource = _entry_model(Source, "NewSource", drop=("retracted",), optional=("id",))
    NewCompany = _entry_model(Company, "NewCompany", drop=("retracted",))
    NewDeal = _entry_model(Deal, "NewDeal", drop=("retracted", "retracted_reason"), extra={
        "status": (str, Field(description="the first status event's status (required)")),
        "status_date": (str, Field(description="its date (usually the announcement)")),
        "status_note": (str | None, Field(None, description="its note")),
        "status_sources": (_Refs | None, Field(None, description="its sources (default: the deal's)")),
    })
    NewEvent = _entry_model(StatusEvent, "NewEvent", drop=("retracted",), optional=("id",))
    NewDisbursement = _entry_model(Disbursement, "NewDisbursement", drop=("retracted",), optional=("id",))
    NewFact = _entry_model(Fact, "NewFact", drop=("retracted",), optional=("id",))
    NewAsset = _entry_model(Asset, "NewAsset", drop=("retracted",))
    NewPledge = _entry_model(Pledge, "NewPledge", drop=("retracted",), extra={
        "lender": (str | None, Field(None, description="the loan's lender (its payer), checked, not "
                                     "stored")),
    })
    NewGuarantee = _entry_model(Guarantee, "NewGuarantee", drop=("retracted",), optional=("id",))

_Table = Literal["sources", "companies", "deals", "events", "disbursements", "facts", "assets", "pledges",
                 "guarantees"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Additions(_Strict):
    companies: list[NewCompany] = Field(default_factory=list)  # type: ignore[valid-type]
    deals: list[NewDeal] = Field(default_factory=list)  # type: ignore[valid-type]
    events: list[NewEvent] = Field(default_factory=list)  # type: ignore[valid-type]
    disbursements: list[NewDisbursement] = Field(default_factory=list)  # type: ignore[valid-type]
    facts: list[NewFact] = Field(default_factory=list)  # type: ignore[valid-type]
    assets: list[NewAsset] = Field(default_factory=list)  # type: ignore[valid-type]
    pledges: list[NewPledge] = Field(default_factory=list)  # type: ignore[valid-type]
    guarantees: list[NewGuarantee] = Field(default_factory=list)  # type: ignore[valid-type]


class Amend(_Strict):
    """Change fields of an existing record (or one added earlier in the same file)."""

    table: _Table
    id: str
    set: dict[str, Any] = Field(default_factory=dict, description="field -> new value")
    add_sources: list[str] = Field(default_factory=list, description="sources added to the "
                                   "record's list (the old ones stay)")
    source: str | None = Field(None, description="the source backing the change (added to the "
                               "record's sources); a deal, event, disbursement, fact or company "
                               "amendment needs it or add_sources")
    reason: str = Field(min_length=1)


class Retract(_Strict):
    table: _Table
    id: str
    reason: str = Field(min_length=1)


class ChangeSet(_Strict):
    """One change set file (docs/data.md, "Change sets")."""

    id: str = Field(pattern=ID_PATTERN, description="the file name without .yaml; never reused")
    date: Date = Field(description="when the batch was made")
    summary: str = Field(min_length=1, description="one line: what the batch does")
    why: str = Field(min_length=1, description="why: which gap, error or issue it closes")
    sources: list[NewSource] = Field(default_factory=list)  # type: ignore[valid-type]
    add: Additions = Field(default_factory=Additions)
    amend: list[Amend] = Field(default_factory=list)
    retract: list[Retract] = Field(default_factory=list)


def schema() -> dict[str, Any]:
    """The JSON schema of a change set file."""
    return ChangeSet.model_json_schema()


# --------------------------------------------------------------------------------------------
# reading


@dataclass(frozen=True)
class ChangeSetFile:
    """A parsed change set with where it came from and the digest of its content."""

    changeset: ChangeSet
    path: str
    digest: str

    @property
    def id(self) -> str:
        return self.changeset.id


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


_DATE_KEYS = ("date", "as_of", "announced", "status_date", "term_start", "term_end", "parent_since")


def _dates_as_text(value: Any) -> Any:
    """YAML reads an unquoted 2026-07-01 as a date and 2024 as a number: the ledger records
    dates as text."""
    if isinstance(value, Date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: str(v) if k in _DATE_KEYS and isinstance(v, int) and not isinstance(v, bool)
                else _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value


def read(path: str | Path) -> ChangeSetFile:
    """Parse and check the form of one change set file (a ValidationError lists every fault)."""
    p = Path(path)
    where = str(p)
    try:
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise LedgerError(f"{where}: no such file") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise ValidationError([Problem(where, row, "", f"not valid YAML: {getattr(e, 'problem', e)}")]) from None
    if not isinstance(data, dict):
        raise ValidationError([Problem(where, None, "", "a change set is a YAML mapping (id, date, summary, why, ...)")])
    data = _dates_as_text(data)
    try:
        cs = ChangeSet.model_validate(data)
    except PydanticError as e:
        problems = []
        for err in e.errors():
            loc = ".".join(str(x) for x in err.get("loc", ()))
            msg = err.get("msg", "invalid").removeprefix("Value error, ")
            if err.get("type") == "extra_forbidden":
                msg = f"unknown key '{loc.rsplit('.', 1)[-1]}'"
            problems.append(Problem(where, None, loc, msg))
        raise ValidationError(problems) from None
    if cs.id != p.stem:
        raise ValidationError([Problem(where, None, "id", f"id '{cs.id}' must be the file name without .yaml ('{p.stem}')")])
    return ChangeSetFile(cs, where, _digest(data))


def files(path: str | Path) -> list[Path]:
    """The change set files at ``path`` (one file, or a folder's ``*.yaml`` in name order)."""
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.glob("*.yaml") if not f.name.startswith("held-"))
    if not p.exists():
        raise LedgerError(f"{p}: no such file or folder")
    return [p]


# --------------------------------------------------------------------------------------------
# applying


@dataclass(frozen=True)
class ApplyReport(Result):
    """What applying one change set did: ``status`` is ``applied``, ``already applied`` or
    ``checked`` (a dry run); ``records`` has one row per record written (table, record,
    action: added, changed, retracted); ``skipped`` says what was already there."""

    id: str
    status: str
    records: pd.DataFrame = field(repr=False)
    skipped: tuple[str, ...] = ()
    digest: str = ""

    caption = "Change set"

    def counts(self, action: str) -> dict[str, int]:
        part = self.records[self.records["action"] == action]
        out = Counter(part["table"])
        return {t: out[t] for t in MODELS if out.get(t)}

    def to_frame(self) -> pd.DataFrame:
        return self.records.copy()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "digest": self.digest,
                "added": self.counts("added"), "changed": self.counts("changed"),
                "retracted": self.counts("retracted"), "skipped": list(self.skipped),
                "records": jsonable(self.records)}


def applied(ledger: Ledger) -> dict[str, str]:
    """The change sets recorded as applied to a ledger: id -> digest (from the audit trail)."""
    out = {}
    for a in ledger.store.audit(table=AUDIT_TABLE):
        after = a.get("after") or {}
        out[a["record_id"]] = after.get("digest", "")
    return out


class _Plan:
    """The records a change set writes, worked out against the ledger before anything is
    written."""

    def __init__(self, ledger: Ledger, cs: ChangeSetFile):
        self.ledger = ledger
        self.cs = cs
        self.where = cs.path
        self.problems: list[Problem] = []
        self.existing: dict[str, dict[str, Record]] = {
            t: {r.id: r for r in ledger.records(t, include_retracted=True)} for t in MODELS}
        self.new: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in MODELS}
        self.new_rows: dict[str, dict[str, str]] = {t: {} for t in MODELS}  # id -> place
        self.updates: list[tuple[str, str, dict[str, Any], str, str]] = []  # table, id, data, reason, action
        self.current: dict[tuple[str, str], dict[str, Any]] = {}
        self.skipped: list[str] = []
        self.declared: dict[str, str] = {}  # url -> id

    # helpers --------------------------------------------------------------------------------

    def problem(self, place: str, column: str, reason: str) -> None:
        self.problems.append(Problem(self.where, None, f"{place}.{column}" if column else place, reason))

    def exists(self, table: str, rid: str) -> bool:
        return rid in self.existing[table] or rid in self.new[table]

    def ref(self, ref: str, place: str) -> str | None:
        from .ledger import source_id_for

        if ref.startswith("http://") or ref.startswith("https://"):
            sid = source_id_for(ref)
            if sid not in self.existing["sources"] and sid not in self.new["sources"]:
                self.problem(place, "sources", f"source '{ref}' is neither declared in this change "
                             "set's sources nor in the ledger")
                return None
            return sid
        if not self.exists("sources", ref):
            self.problem(place, "sources", f"unknown source '{ref}'")
            return None
        return ref

    def refs(self, refs: Iterable[str], place: str) -> list[str]:
        out = [self.ref(r, place) for r in refs]
        return list(dict.fromkeys(r for r in out if r is not None))

    def state(self, table: str, rid: str) -> dict[str, Any] | None:
        if rid in self.new[table]:
            return self.new[table][rid]
        if (table, rid) in self.current:
            return self.current[(table, rid)]
        rec = self.existing[table].get(rid)
        return None if rec is None else rec.model_dump(mode="json")

    def add(self, table: str, values: dict[str, Any], place: str) -> None:
        rid = values.get("id")
        if not isinstance(rid, str):
            self.problem(place, "id", "an id is required")
            return
        model = MODELS[table]
        record, issues = check_row(model, values)
        for col, reason in issues:
            self.problem(place, col, reason)
        if record is None:
            return
        data = record.model_dump(mode="json")
        if rid in self.new[table]:
            if self.new[table][rid] != data:
                self.problem(place, "id", f"duplicate {table[:-1]} id '{rid}' (first at {self.new_rows[table][rid]})")
            return
        if rid in self.existing[table]:
            old = self.existing[table][rid].model_dump(mode="json")
            if old != data:
                differ = sorted(k for k in data if old.get(k) != data[k])
                self.problem(place, "id", f"{table[:-1]} '{rid}' is already in the ledger with other "
                             f"values ({', '.join(differ)}): amend it instead")
            else:
                self.skipped.append(f"{table} {rid}: already in the ledger")
            return
        self.new[table][rid] = data
        self.new_rows[table][rid] = place

    # the parts ------------------------------------------------------------------------------

    def sources(self) -> None:
        from .ledger import source_id_for

        for i, s in enumerate(self.cs.changeset.sources):
            values = s.model_dump()
            sid = source_id_for(values["url"])
            if values.get("id") not in (None, sid):
                self.problem(f"sources.{i}", "id", f"id must be 'src-' + sha1(url)[:12] = '{sid}'")
                continue
            values["id"] = sid
            self.declared[values["url"]] = sid
            if sid in self.existing["sources"] or sid in self.new["sources"]:
                self.skipped.append(f"sources {sid}: already present ({values['url']})")
                continue
            self.add("sources", values, f"sources.{i}")

    def companies(self) -> None:
        for i, c in enumerate(self.cs.changeset.add.companies):
            values = c.model_dump()
            values["sources"] = self.refs(values.get("sources") or [], f"add.companies.{i}")
            self.add("companies", values, f"add.companies.{i}")

    def deals(self) -> None:
        for i, d in enumerate(self.cs.changeset.add.deals):
            place = f"add.deals.{i}"
            values = d.model_dump()
            status, when = values.pop("status"), values.pop("status_date")
            note, ev_refs = values.pop("status_note"), values.pop("status_sources")
            values["sources"] = self.refs(values["sources"], place)
            self.add("deals", values, place)
            ev_sources = self.refs(ev_refs, place) if ev_refs else values["sources"]
            self._event({"id": f"{values['id']}/1", "deal": values["id"], "date": when, "status": status,
                         "note": note, "sources": ev_sources}, place)

    def _event(self, values: dict[str, Any], place: str) -> None:
        deal = values.get("deal")
        if isinstance(deal, str) and not self.exists("deals", deal):
            self.problem(place, "deal", f"unknown deal '{deal}'")
            return
        if not values.get("id"):
            values["id"] = f"{deal}/{self._next_event_number(str(deal))}"
        self.add("events", values, place)

    def _next_event_number(self, deal: str) -> int:
        ids = list(self.existing["events"]) + list(self.new["events"])
        numbers = [int(i.rsplit("/", 1)[1]) for i in ids
                   if i.rsplit("/", 1)[0] == deal and i.rsplit("/", 1)[1].isdigit()]
        return 1 + max(numbers, default=0)

    def events(self) -> None:
        for i, e in enumerate(self.cs.changeset.add.events):
            place = f"add.events.{i}"
            values = e.model_dump()
            values["sources"] = self.refs(values["sources"], place)
            self._event(values, place)

    def disbursements(self) -> None:
        for i, d in enumerate(self.cs.changeset.add.disbursements):
            place = f"add.disbursements.{i}"
            values = d.model_dump()
            values["sources"] = self.refs(values["sources"], place)
            if not self.exists("deals", values["deal"]):
                self.problem(place, "deal", f"unknown deal '{values['deal']}'")
                continue
            if not values.get("id"):
                base = f"{values['deal']}/{values['kind']}/{values['date']}"
                rid, n = base, 1
                while self.exists("disbursements", rid):
                    n += 1
                    rid = f"{base}-{n}"
                values["id"] = rid
            self.add("disbursements", values, place)

    def facts(self) -> None:
        for i, f in enumerate(self.cs.changeset.add.facts):
            place = f"add.facts.{i}"
            values = f.model_dump()
            values["sources"] = self.refs(values["sources"], place)
            if values.get("unit") not in FACT_UNITS:
                self.problem(place, "unit", f"unknown unit '{values.get('unit')}': expected one of "
                             f"{', '.join(FACT_UNITS)} (loopledger.vocabulary.FACT_UNITS)")
            if not values.get("id"):
                values["id"] = f"{values['company']}/{values['metric']}/{values['as_of']}"
            self.add("facts", values, place)

    def assets(self) -> None:
        for i, a in enumerate(self.cs.changeset.add.assets):
            place = f"add.assets.{i}"
            values = a.model_dump()
            values["sources"] = self.refs(values["sources"], place)
            self.add("assets", values, place)

    def pledges(self) -> None:
        for i, p in enumerate(self.cs.changeset.add.pledges):
            place = f"add.pledges.{i}"
            values = p.model_dump()
            values["sources"] = self.refs(values["sources"], place)
            lender = values.pop("lender")
            loan = self.state("deals", values["loan"])
            if loan is None:
                self.problem(place, "loan", f"unknown deal '{values['loan']}'")
                continue
            if lender is not None and lender != loan["payer"]:
                self.problem(place, "lender", f"lender '{lender}' is not the lender of loan "
                             f"'{values['loan']}' (its payer is '{loan['payer']}')")
            for col, table in (("collateral_asset", "assets"), ("collateral_deal", "deals")):
                if values.get(col) is not None and not self.exists(table, values[col]):
                    self.problem(place, col, f"unknown {table[:-1]} '{values[col]}'")
            self.add("pledges", values, place)

    def guarantees(self) -> None:
        for i, g in enumerate(self.cs.changeset.add.guarantees):
            place = f"add.guarantees.{i}"
            values = g.model_dump()
            values["sources"] = self.refs(values["sources"], place)
            for col in ("deal", "covers"):
                if not self.exists("deals", values[col]):
                    self.problem(place, col, f"unknown deal '{values[col]}'")
            if not values.get("id"):
                values["id"] = f"{values['deal']}/{values['covers']}"
            self.add("guarantees", values, place)

    def amendments(self) -> None:
        for i, a in enumerate(self.cs.changeset.amend):
            place = f"amend.{i}"
            model = MODELS[a.table]
            data = self.state(a.table, a.id)
            if data is None:
                self.problem(place, "id", f"no {a.table[:-1]} '{a.id}' to amend")
                continue
            bad = [k for k in a.set if k in NOT_AMENDABLE or k not in model.model_fields]
            for k in bad:
                why = ("replaces the record's source list: use add_sources, which keeps the old ones"
                       if k == "sources" else "use retract" if k.startswith("retract") else
                       "ids never change" if k == "id" else f"unknown field of {a.table}")
                self.problem(place, f"set.{k}", f"'{k}' cannot be set: {why}")
            if bad:
                continue
            has_sources = "sources" in model.model_fields
            cited = self.refs([*a.add_sources, *([a.source] if a.source else [])], place)
            if has_sources and not cited:
                self.problem(place, "source", f"an amendment of a {a.table[:-1]} needs a source "
                             "(source or add_sources)")
                continue
            if not has_sources and a.add_sources:
                self.problem(place, "add_sources", f"{a.table} records carry no source list")
                continue
            new = dict(data)
            new.update(a.set)
            if has_sources:
                new["sources"] = list(dict.fromkeys([*data["sources"], *cited]))
            record, issues = check_row(model, new)
            for col, reason in issues:
                self.problem(place, col, reason)
            if record is None:
                continue
            new = record.model_dump(mode="json")
            if a.table == "facts" and new.get("unit") not in FACT_UNITS:
                self.problem(place, "unit", f"unknown unit '{new.get('unit')}'")
            if new == data:
                self.skipped.append(f"amend {a.table} {a.id}: already in effect")
                continue
            self._write(a.table, a.id, new, a.reason, "amend")

    def _write(self, table: str, rid: str, new: dict[str, Any], reason: str, action: str) -> None:
        if rid in self.new[table]:
            self.new[table][rid] = new  # amended in the file that adds it: written once
            return
        self.current[(table, rid)] = new
        self.updates.append((table, rid, new, reason, action))

    def retractions(self) -> None:
        for i, r in enumerate(self.cs.changeset.retract):
            place = f"retract.{i}"
            data = self.state(r.table, r.id)
            if data is None:
                self.problem(place, "id", f"no {r.table[:-1]} '{r.id}' to retract")
                continue
            if data.get("retracted"):
                self.skipped.append(f"retract {r.table} {r.id}: already retracted")
                continue
            new = dict(data, retracted=True)
            if "retracted_reason" in new:
                new["retracted_reason"] = r.reason
            self._write(r.table, r.id, new, r.reason, "retract")

    def check_together(self) -> None:
        """References, duplicates and status histories of everything written, with the
        ledger's own rules (:func:`loopledger.ledger.validate.validate_rows`)."""
        known = self.ledger.known()
        rows: dict[str, list[RawRow]] = defaultdict(list)
        for table, recs in self.new.items():
            for rid, data in recs.items():
                rows[table].append(RawRow(f"{table} {rid}", 0, data))
        for (table, rid), data in self.current.items():
            known.ids[table].discard(rid)
            rows[table].append(RawRow(f"{table} {rid}", 0, data))
        _, problems = validate_rows(dict(rows), known)
        for p in problems:
            self.problems.append(Problem(self.where, None, f"{p.path}.{p.column}", p.reason))

    def run(self) -> None:
        self.sources()
        self.companies()
        self.deals()
        self.events()
        self.disbursements()
        self.facts()
        self.assets()
        self.pledges()
        self.guarantees()
        self.amendments()
        self.retractions()
        if not self.problems:
            self.check_together()


def _records_frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["table", "record", "action"])


def apply(ledger: Ledger, path: str | Path | ChangeSetFile, actor: str | None = None,
          dry_run: bool = False) -> ApplyReport:
    """Apply one change set to a ledger: validate it whole, then write it in one
    transaction (or, with ``dry_run``, only check it). A change set already applied with the
    same content changes nothing; one applied with other content is refused."""
    from .ledger import default_actor

    cs = path if isinstance(path, ChangeSetFile) else read(path)
    done = applied(ledger)
    if cs.id in done:
        if done[cs.id] and done[cs.id] != cs.digest:
            raise LedgerError(f"{cs.path}: change set {cs.id} was applied with other content; a change "
                              "set is never edited once applied: write a new one")
        return ApplyReport(cs.id, "already applied", _records_frame([]), digest=cs.digest)
    plan = _Plan(ledger, cs)
    plan.run()
    if plan.problems:
        raise ValidationError(plan.problems)
    prefix = f"{cs.id}: "
    records: list[tuple[str, str, str]] = []
    inserts: dict[str, list[Record]] = {}
    for table, recs in plan.new.items():
        if recs:
            inserts[table] = [MODELS[table].model_validate(d) for d in recs.values()]
            records += [(table, rid, "added") for rid in recs]
    steps: list[tuple[str, Any]] = []
    if inserts:
        steps.append(("insert", (inserts, prefix + cs.changeset.summary)))
    seen: set[tuple[str, str]] = set()
    actions: dict[tuple[str, str], str] = {}
    for table, rid, data, reason, action in plan.updates:
        steps.append(("update", (table, MODELS[table].model_validate(data), prefix + reason, action)))
        key = (table, rid)
        if key not in seen:
            seen.add(key)
        actions[key] = "retracted" if action == "retract" or actions.get(key) == "retracted" else "changed"
    records += [(t, rid, actions[(t, rid)]) for t, rid in sorted(seen, key=lambda k: (list(MODELS).index(k[0]), k[1]))]
    records.sort(key=lambda r: (list(MODELS).index(r[0]), r[1]))
    report = ApplyReport(cs.id, "checked" if dry_run else "applied", _records_frame(records),
                         tuple(plan.skipped), cs.digest)
    if dry_run:
        return report
    note = _note(cs, report)
    ledger.store.write_batch(steps, actor or default_actor(), notes=[note])
    ledger._written(None)
    return report


def _note(cs: ChangeSetFile, report: ApplyReport) -> dict[str, Any]:
    c = cs.changeset
    return {"table_name": AUDIT_TABLE, "record_id": cs.id, "action": "apply",
            "reason": f"{cs.id}: {c.summary}",
            "after": {"digest": cs.digest, "date": c.date.isoformat(), "summary": c.summary, "why": c.why,
                      "file": Path(cs.path).name, "added": report.counts("added"),
                      "changed": report.counts("changed"), "retracted": report.counts("retracted")}}


def apply_all(ledger: Ledger, path: str | Path, actor: str | None = None,
              dry_run: bool = False) -> list[ApplyReport]:
    """Apply every change set at ``path`` (a file or a folder, in name order), each in its
    own transaction; stops at the first one refused (those before it stay applied). A dry
    run checks only the first change set not yet applied against the ledger as it is (the
    later ones may depend on it)."""
    out = []
    for f in files(path):
        cs = read(f)
        report = apply(ledger, cs, actor=actor, dry_run=dry_run)
        out.append(report)
        if dry_run and report.status == "checked":
            break
    return out


# --------------------------------------------------------------------------------------------
# building the bundled tables


def build(changes: str | Path, out: str | Path) -> list[ApplyReport]:
    """Apply the change sets in ``changes`` to an empty in-memory ledger and write its tables
    (``<table>.csv``), the changelog (``changelog.csv``: one row per change set) and what
    each change set did to which record (``changelog_records.csv``) to ``out``."""
    from .ledger import Ledger

    ledger = Ledger.in_memory()
    reports = []
    for f in files(changes):
        reports.append(apply(ledger, read(f), actor="loopledger-build"))
    out = Path(out)
    ledger.export(out, "csv")
    write_changelog(out, [read(f) for f in files(changes)], reports, Path(changes))
    return reports


CHANGELOG_COLUMNS = ["entry", "date", "summary", "why", "added", "changed", "retracted", "script", "digest"]
RECORD_COLUMNS = ["entry", "table", "record", "action"]


def write_changelog(out: Path, sets: list[ChangeSetFile], reports: list[ApplyReport], changes: Path) -> None:
    import csv
    import io

    def write(name: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
        buf = io.StringIO(newline="")
        w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)
        (out / name).write_text(buf.getvalue(), encoding="utf-8")

    entries, recs = [], []
    for cs, rep in zip(sets, reports):
        c = cs.changeset
        rel = _package_path(changes, Path(cs.path).name)
        entries.append({"entry": c.id, "date": c.date.isoformat(), "summary": c.summary, "why": c.why,
                        "added": counts_text(rep.counts("added")), "changed": counts_text(rep.counts("changed")),
                        "retracted": counts_text(rep.counts("retracted")), "script": rel, "digest": cs.digest})
        recs += [{"entry": c.id, "table": r.table, "record": r.record, "action": r.action}
                 for r in rep.records.itertuples()]
    write("changelog.csv", CHANGELOG_COLUMNS, entries)
    write("changelog_records.csv", RECORD_COLUMNS, recs)


def _package_path(changes: Path, name: str) -> str:
    parts = changes.resolve().parts
    if "src" in parts:
        return "/".join([*parts[parts.index("src"):], name])
    return name


# --------------------------------------------------------------------------------------------
# writing change sets (for tools that generate them)


def dump(data: dict[str, Any]) -> str:
    """A change set as YAML text, keys in the order given (deterministic)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def entry(record: Record, urls: dict[str, str] | None = None, drop: Iterable[str] = ()) -> dict[str, Any]:
    """A record as a change-set entry: fields at their default left out, sources cited by URL
    where ``urls`` (id -> url) knows them."""
    model = type(record)
    data = record.model_dump(mode="json")
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k in drop:
            continue
        info = model.model_fields[k]
        default = info.get_default(call_default_factory=True) if not info.is_required() else object()
        if hasattr(default, "value"):
            default = default.value
        if not info.is_required() and v == default:
            continue
        if k == "sources" and urls:
            v = [urls.get(s, s) for s in v]
        out[k] = v
    return out
