"""The colours and line styles of every picture loopledger draws, declared once.

The web map (:mod:`loopledger.web.graph`, served to the page by ``GET /api/network`` and
``GET /api/vocabulary``) and the report's figures (:mod:`loopledger.report.figures`) read them
from here, so a company type or a deal kind has the same colour on the page and in the report.

* :data:`TYPE_COLOURS`: one colour per company type, from the colour-blind-safe palette of
  Okabe & Ito (2008), plus greys for vehicles and "other";
* :data:`KIND_COLOURS`: one colour per deal kind. Money for chips is orange like the chip
  makers, cloud contracts blue like the hyperscalers, equity green like the investors; the
  rest from Okabe & Ito and Tableau 10;
* :data:`STATUS_LINES`: how a leg of each status is drawn on the map: solid when it binds the
  parties (paid or signed), dashed for a letter of intent, dotted for a rumour, faded when
  cancelled or stalled. ``stroke`` names the group of statuses drawn alike;
* :data:`STATUS_COLOURS`: one colour per status for charts by status (darkest for money paid,
  orange for promises, grey for cancelled);
* :data:`GROUP_COLOUR` and :data:`USER_NODE_COLOUR`: nodes of a user's network (which has no
  company types): a collapsed group of companies, and a single company.

Every colour is a ``#RRGGBB`` string. This module is a foundation: it imports nothing of
loopledger but the vocabulary's codes, and every code of the vocabulary has an entry (checked
at import).
"""

from __future__ import annotations

from .vocabulary import COMPANY_TYPES, KINDS, STATUSES

TYPE_COLOURS: dict[str, str] = {
    "chip_vendor": "#E69F00",
    "hyperscaler_cloud": "#0072B2",
    "neocloud": "#56B4E9",
    "ai_lab": "#D55E00",
    "investor": "#009E73",
    "lender": "#CC79A7",
    "energy_datacentre": "#C9B800",
    "vehicle_spv": "#8C8C8C",
    "other": "#B3B3B3",
}

KIND_COLOURS: dict[str, str] = {
    "equity_investment": "#009E73",
    "compute_purchase": "#E69F00",
    "cloud_contract": "#0072B2",
    "capacity_backstop": "#CC79A7",
    "lease": "#56B4E9",
    "warrant_or_equity_grant": "#9467BD",
    "loan_debt_spv": "#D55E00",
    "licensing": "#8C564B",
    "revenue_share": "#7F7F7F",
    "acquisition": "#000000",
    "deposit": "#BCBD22",
    "other": "#B3B3B3",
}

#: status -> how its legs are drawn: ``line`` (solid, dashed, dotted), ``opacity`` and
#: ``stroke``, the group of statuses drawn alike (one map edge per payer, payee, kind, stroke)
STATUS_LINES: dict[str, dict[str, str | float]] = {
    "funded": {"line": "solid", "opacity": 1.0, "stroke": "binding"},
    "funded_partial": {"line": "solid", "opacity": 1.0, "stroke": "binding"},
    "definitive": {"line": "solid", "opacity": 1.0, "stroke": "binding"},
    "announced_loi": {"line": "dashed", "opacity": 0.85, "stroke": "promised"},
    "rumored": {"line": "dotted", "opacity": 0.75, "stroke": "reported"},
    "cancelled_stalled": {"line": "solid", "opacity": 0.25, "stroke": "ended"},
}
#: the words of each stroke in the legend, in legend order
STROKE_LABELS: dict[str, str] = {
    "binding": "paid or signed",
    "promised": "promised (letter of intent)",
    "reported": "reported only (rumour)",
    "ended": "cancelled or stalled",
}

STATUS_COLOURS: dict[str, str] = {
    "funded": "#1b4f72", "funded_partial": "#2e86c1", "definitive": "#85c1e9",
    "announced_loi": "#f5b041", "rumored": "#fad7a0", "cancelled_stalled": "#bfbfbf",
}

#: a collapsed group (community) of a user's network, and one company of it
GROUP_COLOUR = "#56B4E9"
USER_NODE_COLOUR = "#0072B2"
#: a flow of a user's network (no deal kinds)
USER_FLOW_COLOUR = "#57606a"
#: anything without a colour of its own
UNKNOWN_COLOUR = "#B3B3B3"


def type_colour(code: str | None) -> str:
    return TYPE_COLOURS.get(code or "other", UNKNOWN_COLOUR)


def kind_colour(code: str | None) -> str:
    return KIND_COLOURS.get(code or "other", UNKNOWN_COLOUR)


def _check() -> None:
    assert set(TYPE_COLOURS) == set(COMPANY_TYPES), "every company type needs a colour"
    assert set(KIND_COLOURS) == set(KINDS), "every deal kind needs a colour"
    assert set(STATUS_LINES) == set(STATUSES) == set(STATUS_COLOURS), "every status needs a style"
    assert {s["stroke"] for s in STATUS_LINES.values()} == set(STROKE_LABELS)


_check()
