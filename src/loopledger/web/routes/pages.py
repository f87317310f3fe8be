"""The dashboard page: one server-rendered HTML page; the map and panels fill themselves from
the JSON API (see ``static/app.js``)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...ledger.model import Deal
from ...vocabulary import BINDING_STATUSES, STATUS_LABELS, CompanyType, DealKind, SourceType
from ...vocabulary import STATUS_ORDER as STATUSES
from ..forms import form_fields, split_main
from ..graph import KIND_COLOURS, STATUS_STYLES, TYPE_COLOURS
from ..site import SiteDep
from ..templating import render

router = APIRouter(include_in_schema=False)

#: the first month of the as-of slider
REPLAY_START = date(2019, 1, 1)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, site: SiteDep) -> HTMLResponse:
    companies = site.cached(("page-companies",), lambda led: [
        {"id": c.id, "name": c.name} for c in sorted(led.records("companies"), key=lambda c: c.name.lower())
    ])
    main_fields, more_fields = split_main(form_fields(Deal))
    today = date.today()
    return render(request, "index.html", {
        "today": today.isoformat(),
        "replay_start": REPLAY_START.isoformat(),
        "months": (today.year - REPLAY_START.year) * 12 + today.month - REPLAY_START.month,
        "statuses": [(s, STATUS_LABELS[s], STATUS_STYLES[s]) for s in STATUSES],
        "binding": list(BINDING_STATUSES),
        "kinds": [(str(k), KIND_COLOURS[k]) for k in DealKind],
        "types": [(str(t), TYPE_COLOURS[t]) for t in CompanyType],
        "companies": companies,
        "deal_fields": main_fields,
        "more_deal_fields": more_fields,
        "event_statuses": [s for s in STATUSES] + ["amended"],
        "source_types": [str(t) for t in SourceType],
    })
