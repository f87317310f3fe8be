"""Team editing: add, amend and retract deals and status events.

Every route calls the same Ledger methods as the CLI (``add_deal``, ``add_event``, ``amend``,
``retract``), so an edit from the browser is validated and audited exactly like an import, in
the editor's name. Each edit needs a source (an existing source id, or a new source created
with it). Amendments and retractions name the ``expected_version`` they are based on: if
another editor changed the record first, the Ledger raises ``ConflictError`` and the client
gets 409 with nothing written. Editors only: anonymous clients get 401, readers 403, and
cookie sessions must send the CSRF token in the ``X-CSRF-Token`` header.

An amendment touches only what it may (``loopledger.ledger.ledger.amendment_problems``): a
deal's form fields, and its sources only by adding to them; never its id, never ``retracted``
(retracting has its own route, with a reason, and is never undone), never an event's deal.
Each refused field gets a 422 naming it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from ...errors import ConflictError, LedgerError, ValidationError
from ...ledger.ledger import amendment_problems, source_id_for
from ...ledger.tables import RawRow
from ...ledger.validate import validate_rows
from ..schemas import Amendment, NewDeal, NewEvent, Retraction, source_arg
from ..site import EditorDep, SiteDep

router = APIRouter(prefix="/api", tags=["editing"])

DealId = Annotated[str, Path(description="deal id", max_length=200)]
EventId = Annotated[str, Path(description="status event id ('<deal id>/<n>')", max_length=220)]


@router.post("/deals", status_code=201, summary="Add a deal")
def add_deal(site: SiteDep, user: EditorDep, body: NewDeal) -> dict[str, Any]:
    """A new deal leg with its first status event, both backed by ``source``."""
    deal = body.deal.model_dump()

    def write(led):
        sid, source_rows = _source_rows(led, body.source)
        _precheck(led, {
            "sources": source_rows,
            "deals": [{**deal, "sources": list(dict.fromkeys([*deal.get("sources", []), sid]))}],
            "events": [dict(id=f"{deal.get('id')}/1", deal=deal.get("id"), date=body.date,
                            status=body.status, note=body.note, sources=[sid])],
        })
        deal_id = led.add_deal(deal, status=body.status, date=body.date,
                               source=source_arg(body.source), note=body.note, actor=user.name,
                               reason=body.note or "added on the web")
        return {"id": deal_id, "version": led.version("deals", deal_id)}

    return site.run(write)


@router.post("/deals/{deal_id:path}/events", status_code=201, summary="Add a status event")
def add_event(site: SiteDep, user: EditorDep, deal_id: DealId, body: NewEvent) -> dict[str, Any]:
    """A deal's new status from a date on, with its source."""
    def write(led):
        led.record("deals", deal_id)
        sid, source_rows = _source_rows(led, body.source)
        _precheck(led, {"sources": source_rows, "events": [dict(
            id=f"{deal_id}/0", deal=deal_id, date=body.date, status=body.status, note=body.note,
            sources=[sid])]})
        return {"id": led.add_event(deal_id, body.status, body.date, source_arg(body.source),
                                    note=body.note, actor=user.name)}

    return site.run(write)


@router.post("/deals/{deal_id:path}/retract", summary="Retract a deal")
def retract_deal(site: SiteDep, user: EditorDep, deal_id: DealId, body: Retraction) -> dict[str, Any]:
    """Withdraw a deal: it leaves every view but stays stored, with the reason audited."""
    return site.run(_retract, "deals", deal_id, body, user.name)


@router.patch("/deals/{deal_id:path}", summary="Amend a deal")
def amend_deal(site: SiteDep, user: EditorDep, deal_id: DealId, body: Amendment) -> dict[str, Any]:
    """Change fields of a deal; the old values stay in the audit trail. 409 if
    ``expected_version`` is stale."""
    return site.run(_amend, "deals", deal_id, body, user.name)


@router.post("/events/{event_id:path}/retract", summary="Retract a status event")
def retract_event(site: SiteDep, user: EditorDep, event_id: EventId, body: Retraction) -> dict[str, Any]:
    return site.run(_retract, "events", event_id, body, user.name)


@router.patch("/events/{event_id:path}", summary="Amend a status event")
def amend_event(site: SiteDep, user: EditorDep, event_id: EventId, body: Amendment) -> dict[str, Any]:
    """Change the date, status or note of a status event. 409 if ``expected_version`` is stale."""
    return site.run(_amend, "events", event_id, body, user.name)


def _check_version(led, table: str, record_id: str, expected: int) -> None:
    """Refuse a stale edit before anything (such as a new source) is written for it."""
    current = led.version(table, record_id)
    if current != expected:
        raise ConflictError(
            f"{table[:-1]} '{record_id}' was changed by someone else (version {current}, your "
            f"edit was based on {expected}); reload it and apply your change again")


def _source_rows(led, ref) -> tuple[str, list[dict[str, Any]]]:
    """The id the edit's source will have, and the source row to add if it is new."""
    arg = source_arg(ref)
    if isinstance(arg, str):
        led.record("sources", arg)  # 404 for an unknown id
        return arg, []
    sid = arg.get("id") or source_id_for(arg["url"])
    known = {s.id for s in led.records("sources", include_retracted=True)}
    return sid, [] if sid in known else [{**arg, "id": sid}]


def _precheck(led, records: dict[str, list[dict[str, Any]]], replacing: tuple[str, str] | None = None) -> None:
    """Run the Ledger's own validation on everything an edit will write, before any of it is
    stored. The Ledger stores a new source before it checks the edit that cites it, so without
    this a refused edit would leave its source behind."""
    known = led.known()
    if replacing is not None:
        known.ids[replacing[0]].discard(replacing[1])
    rows = {t: [RawRow("<edit>", n, dict(r)) for n, r in enumerate(recs, start=1)]
            for t, recs in records.items() if recs}
    _, problems = validate_rows(rows, known)
    if replacing is not None:  # an amended deal keeps its status events, which are not re-sent
        problems = [p for p in problems if "no status event" not in p.reason]
    if problems:
        raise ValidationError(problems)


def _amend(led, table: str, record_id: str, body: Amendment, actor: str) -> dict[str, Any]:
    _check_version(led, table, record_id, body.expected_version)
    current = led.record(table, record_id).model_dump()
    refused = amendment_problems(table, current, body.changes)
    if refused:
        raise ValidationError(refused)
    sid, source_rows = _source_rows(led, body.source)
    data = {**current, **body.changes}
    if "sources" in data:
        data["sources"] = list(dict.fromkeys([*(data["sources"] or []), sid])) if isinstance(data["sources"], list) else data["sources"]
    _precheck(led, {"sources": source_rows, table: [data]}, replacing=(table, record_id))
    version = led.amend(table, record_id, dict(body.changes), source=source_arg(body.source),
                        reason=body.reason, actor=actor, expected_version=body.expected_version)
    return {"id": record_id, "version": version}


def _retract(led, table: str, record_id: str, body: Retraction, actor: str) -> dict[str, Any]:
    _check_version(led, table, record_id, body.expected_version)
    if getattr(led.record(table, record_id), "retracted", False):
        raise LedgerError(f"{table[:-1]} '{record_id}' is already retracted")
    sid = led.ensure_source(source_arg(body.source), actor)
    version = led.retract(table, record_id, f"{body.reason} [source: {sid}]", actor=actor,
                          expected_version=body.expected_version)
    return {"id": record_id, "version": version, "source": sid}
