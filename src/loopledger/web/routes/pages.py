"""The dashboard page: one server-rendered HTML page; the map and panels fill themselves from
the JSON API (see ``static/app.js``)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...ledger.model import Deal
from ...palette import KIND_COLOURS, STATUS_LINES, TYPE_COLOURS
from ...vocabulary import BINDING_STATUSES, COMPANY_TYPES, KINDS, STATUSES, SourceType
from ..forms import form_fields, split_main
from ..site import SiteDep
from ..templating import render

router = APIRouter(include_in_schema=False)

#: the first month of the as-of slider
REPLAY_START = date(2019, 1, 1)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, site: SiteDep) -> HTMLResponse:
    if site.user_map is not None:
        um = site.user_map
        return render(request, "network.html", {"network": um.name, "companies": um.net.n,
                                                "links": um.net.m, "read_only": True})
    companies = site.cached(("page-companies",), lambda led: [
        {"id": c.id, "name": c.name} for c in sorted(led.records("companies"), key=lambda c: c.name.lower())
    ])
    main_fields, more_fields = split_main(form_fields(Deal))
    today = date.today()
    return render(request, "index.html", {
        "today": today.isoformat(),
        "replay_start": REPLAY_START.isoformat(),
        "months": (today.year - REPLAY_START.year) * 12 + today.month - REPLAY_START.month,
        # (code, words, short words, line style) and (code, words, colour): from the vocabulary
        # and the palette, never retyped in the template
        "statuses": [(s, m.label, m.short, STATUS_LINES[s]) for s, m in STATUSES.items()],
        "binding": list(BINDING_STATUSES),
        "kinds": [(k, m.label, KIND_COLOURS[k]) for k, m in KINDS.items()],
        "types": [(t, words, TYPE_COLOURS[t]) for t, (words, _) in COMPANY_TYPES.items()],
        "companies": companies,
        "deal_fields": main_fields,
        "more_deal_fields": more_fields,
        "event_statuses": list(STATUSES) + ["amended"],
        "source_types": [str(t) for t in SourceType],
    })
