"""The report's markup: a :class:`Section` (one section's HTML, figures, captions and text
alternatives) and the small HTML helpers every section uses (escaping, money and percentages
for a reader, links to the deals and companies appendix, numbered source links, tables, the
counting line). Its own module so that the sections built outside :mod:`.build` (the claims
sections, :mod:`.claims`) use them without importing the builder."""

from __future__ import annotations

import html
import math
from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    """One section: its anchor id, title, HTML body and figures, or why it is unavailable."""

    id: str
    title: str
    html: str = ""
    figures: dict[str, Any] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    #: the text alternative of each figure (what a reader who cannot see it needs to know)
    alts: dict[str, str] = field(default_factory=dict)
    available: bool = True
    reason: str | None = None


# small HTML helpers ----------------------------------------------------------------------------

def esc(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def missing(x: Any) -> bool:
    try:
        return x is None or (isinstance(x, float) and math.isnan(x))
    except TypeError:
        return False


def money(x: Any, digits: int = 1) -> str:
    """USD billions for a reader: ``$300.0B``; an unknown amount is a dash, never 0."""
    if missing(x):
        return "—"
    x = float(x)
    if x == math.inf:
        return "∞"
    return f"${x:,.{digits}f}B"


def pct(x: Any, digits: int = 1) -> str:
    return "—" if missing(x) else f"{100 * float(x):.{digits}f}%"


def link(anchor: str, text: str) -> str:
    return f'<a href="#{esc(anchor)}">{text}</a>'


def deal_link(deal_id: str) -> str:
    return link(f"deal-{deal_id}", esc(deal_id))


def company_link(company_id: str, name: str | None = None) -> str:
    return link(f"company-{company_id}", esc(name or company_id))


def source_links(urls: list[str]) -> str:
    """Numbered links out to the sources (kept on one line)."""
    if not urls:
        return ""
    links = " ".join(f'<a class="src" href="{esc(u)}">[{i}]</a>' for i, u in enumerate(urls, start=1))
    return f'<span class="srcs">{links}</span>'



def table(columns: list[str], rows: list[list[str]], cls: str = "", numeric: Set[int] = frozenset()) -> str:
    """An HTML table from already-escaped cells."""
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{esc(c)}</th>' for i, c in enumerate(columns))
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{c}</td>' for i, c in enumerate(r)) + "</tr>"
        for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def counting_line(line: str, *more: str) -> str:
    """The line under a table saying what it counts (statuses, amount basis, as of): the
    text of :meth:`loopledger.ledger.view.View.counting`, the one helper that words it."""
    text = esc(line) + "".join(f"<br>{esc(m)}" for m in more if m)
    return f'<p class="counting">{text}</p>' if line else ""


def status_counting(h) -> str:
    """The counting line of the by-status rows (every status, the headline's other settings)."""
    from ..ledger.view import View

    return View.of(as_of=h.as_of, statuses=None, amount=h.params.get("amount", "high")).counting()


def para(text: str) -> str:
    return f"<p>{text}</p>"
