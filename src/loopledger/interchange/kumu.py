"""A Kumu workbook (``.xlsx``, written with openpyxl): sheets Elements and Connections with
the columns of docs/interchange.md 6, ready for Kumu's spreadsheet import.

Multi-valued cells use ``|`` between values. Detected cycles become connection tags
``loop:cycle-<n>``, numbered as in the cycle report (``loopledger cycles``: rows sorted by
length, then canonical node sequence, counted from 1), so Kumu's loop tools can use them; the
cycles are those of the default network view as of the same date
(:func:`loopledger.measures.cycles.cycles` on ``ledger.network(as_of)``, ``max_len`` 6). The
ID column keeps parallel connections between the same two elements distinct.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from ..errors import LedgerError
from ..vocabulary import KINDS
from .common import deal_view, first_source_url, is_stdio

ELEMENT_COLUMNS = ["ID", "Label", "Type", "Description", "Tags", "Ticker", "Country",
                   "Valuation (USD bn)", "Valuation date", "Valuation basis"]
CONNECTION_COLUMNS = ["ID", "From", "To", "Type", "Direction", "Label", "Amount low (USD bn)",
                      "Amount high (USD bn)", "Status", "Announced", "Confidence", "Source", "Tags"]
_SHORT = {k: m.short for k, m in KINDS.items()}


def _money(x: float) -> str:
    if x >= 1:
        return f"${x:,.4g}B"
    return f"${x * 1000:,.4g}M"


def connection_label(kind: str, low: float | None, high: float | None) -> str:
    """Short text for a connection, e.g. ``cloud $300B`` or ``equity $5B-$25B``."""
    word = _SHORT.get(kind, kind.replace("_", " "))
    lo = None if low is None or low != low else float(low)
    hi = None if high is None or high != high else float(high)
    if lo is None and hi is None:
        return word
    if lo is not None and hi is not None and lo != hi:
        return f"{word} {_money(lo)}-{_money(hi)}"
    one = hi if hi is not None else lo
    assert one is not None
    return f"{word} {_money(one)}{'+' if hi is None else ''}"


def loop_tags(ledger, as_of=None, max_len: int = 6) -> dict[str, list[str]]:
    """deal id -> ``loop:cycle-<n>`` tags of the cycles its legs lie on (cycle report numbering).
    Empty, with a warning, when the cycles measure is not installed."""
    try:
        from ..measures.cycles import cycles
    except ImportError:  # pragma: no cover - the measure ships with the package
        warnings.warn("loopledger.measures.cycles is not available: no loop tags", stacklevel=2)
        return {}
    report = cycles(ledger.network(as_of=as_of), max_len=max_len)
    tags: dict[str, list[str]] = defaultdict(list)
    hops = report.hops()
    for row in hops.itertuples():
        tag = f"loop:cycle-{int(row.cycle) + 1}"
        for deal in row.deals:
            if tag not in tags[deal]:
                tags[deal].append(tag)
    return dict(tags)


def kumu_workbook(ledger, as_of=None, include_overlaps: bool = True, max_len: int = 6) -> Workbook:
    """The Kumu workbook for the deals in view as of ``as_of`` (all statuses). Summary legs
    are kept with the tag ``summary-row`` unless ``include_overlaps=False``."""
    as_of_d, deals, companies, vals = deal_view(ledger, as_of, include_overlaps)
    loops = loop_tags(ledger, as_of_d, max_len)

    wb = Workbook()
    elements = wb.active
    elements.title = "Elements"
    elements.append(ELEMENT_COLUMNS)
    for cid in sorted(set(deals["payer"]) | set(deals["payee"])):
        c = companies.loc[cid] if cid in companies.index else None
        tags = []
        if c is not None:
            tags.append(c["type"])
            if c["placeholder"]:
                tags.append("placeholder")
            if isinstance(c["parent"], str) and c["parent"]:
                tags.append(f"parent:{c['parent']}")
        description = None
        if c is not None:
            description = "; ".join(filter(lambda s: isinstance(s, str) and s,
                                          [c["type_detail"], c["notes"]])) or None
        v = vals.loc[cid] if cid in vals.index else None
        elements.append([
            cid, c["name"] if c is not None else cid, c["type"] if c is not None else None,
            description, "|".join(tags) or None,
            _cell(c["ticker"]) if c is not None else None, _cell(c["country"]) if c is not None else None,
            float(v["value"]) if v is not None else None, str(v["as_of"]) if v is not None else None,
            str(v["basis"]) if v is not None else None,
        ])
    conns = wb.create_sheet("Connections")
    conns.append(CONNECTION_COLUMNS)
    for r in deals.sort_values("id").itertuples():
        tags = list(loops.get(r.id, []))
        if not r.include_in_totals:
            tags.append("summary-row")
        conns.append([
            r.id, r.payer, r.payee, r.kind, "directed",
            connection_label(r.kind, r.amount_low, r.amount_high),
            _cell(r.amount_low), _cell(r.amount_high), _cell(r.status), _cell(r.announced),
            _cell(r.confidence), first_source_url(r.sources), "|".join(tags) or None,
        ])
    for ws in (elements, conns):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    return wb


def _cell(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value


def write_kumu(ledger, path: str | Path, as_of=None, include_overlaps: bool = True) -> list[Path]:
    """Write :func:`kumu_workbook` to ``path`` (an ``.xlsx`` file; ``-`` for stdout)."""
    wb = kumu_workbook(ledger, as_of=as_of, include_overlaps=include_overlaps)
    if is_stdio(path):
        import io
        import sys

        buf = io.BytesIO()
        wb.save(buf)
        sys.stdout.buffer.write(buf.getvalue())
        sys.stdout.buffer.flush()
        return []
    p = Path(path)
    if p.is_dir():
        raise LedgerError(f"{p} is a folder: give a file name such as {p / 'loopledger-kumu.xlsx'}")
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
    return [p]
