"""The ledger as an FtM entity stream (docs/interchange.md 1): :func:`entities` and
:func:`write_entities` (JSON lines, ``*.ftm.json``).

The order is fixed, so two exports of one ledger are identical: every company (by id), the
parent links, the sources (by id), then each deal's entities, deals by id. Retracted records
are left out, except retracted companies and sources a live deal still uses.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from followthemoney.proxy import EntityProxy

from ...ledger.dates import PartialDate
from ...ledger.model import StatusEvent
from ..common import open_output
from .builder import EntityBuilder, Seen
from .legs import deal_entities
from .parties import NO_SEEN, company_entities, parent_links, source_entities


def _ts(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else str(value)


def _seen_times(ledger, table: str) -> dict[str, Seen]:
    """Record id -> (first stored, last changed), from the store."""
    return {r["id"]: (_ts(r.get("created_at")), _ts(r.get("updated_at")))
            for r in ledger.store.rows(table)}


def _event_order(ev: StatusEvent) -> tuple:
    n = ev.id.rsplit("/", 1)[-1]
    return (PartialDate.parse(ev.date).start, int(n) if n.isdigit() else 0, ev.id)


def _events_and_status(ledger) -> tuple[dict[str, list[StatusEvent]], dict[str, StatusEvent]]:
    """Per deal: its status events in order, and the event of its latest status."""
    events: dict[str, list[StatusEvent]] = defaultdict(list)
    for ev in ledger.records("events"):
        events[ev.deal].append(ev)
    for evs in events.values():
        evs.sort(key=_event_order)
    by_event = {ev.id: ev for evs in events.values() for ev in evs}
    status = {}
    for row in ledger.status_table().itertuples():
        if isinstance(row.status, str) and row.status_event in by_event:
            status[row.deal] = by_event[row.status_event]
    return events, status


def build(ledger, dataset: str | None = None) -> EntityBuilder:
    """The export's entities with their provenance (:class:`.builder.EntityBuilder`)."""
    out = EntityBuilder(dataset=dataset or ledger.name)
    deals = sorted(ledger.records("deals"), key=lambda d: d.id)
    events, status = _events_and_status(ledger)
    all_companies = {c.id: c for c in ledger.records("companies", include_retracted=True)}
    used = {d.payer for d in deals} | {d.payee for d in deals}
    companies = sorted((c for c in all_companies.values() if not c.retracted or c.id in used),
                       key=lambda c: c.id)
    sources = {s.id: s for s in ledger.records("sources", include_retracted=True)}
    live_sources = sorted((s for s in sources.values() if not s.retracted or
                           any(s.id in d.sources for d in deals)), key=lambda s: s.id)
    seen_co = _seen_times(ledger, "companies")
    seen_deal = _seen_times(ledger, "deals")
    names = {c.id: c.name for c in companies}

    company_entities(out, companies, seen_co)
    parent_links(out, companies, set(all_companies), seen_co)
    source_entities(out, live_sources, _seen_times(ledger, "sources"))
    for d in deals:
        deal_entities(out, d, events.get(d.id, []), status.get(d.id), sources, names,
                      seen_deal.get(d.id, NO_SEEN))
    return out


def entities(ledger, dataset: str | None = None) -> list[EntityProxy]:
    """The ledger as FtM entities (docs/interchange.md 1), in export order: companies (and
    their parent ``Ownership`` links), sources as ``Article``, then each deal's entities by
    deal id. Retracted deals are left out, as from every view.

    >>> from loopledger import load_default
    >>> ents = entities(load_default())
    >>> ents[0].schema.name in ("Company", "Organization", "PublicBody")
    True
    """
    return build(ledger, dataset).entities


def write_entities(ledger, path: str | Path) -> list[Path]:
    """Write the entity stream (JSON lines, ``*.ftm.json``) to ``path`` or stdout (``-``)."""
    with open_output(path) as fh:
        for e in entities(ledger):
            fh.write(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    return [] if str(path) == "-" else [Path(path)]
