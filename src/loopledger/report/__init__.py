"""loopledger.report: a report people can read, as one self-contained HTML file or a PDF.

:func:`build_report` runs the measures and stress tests for a date and assembles the sections
(:mod:`.build`); :func:`render_html` writes them into one HTML file with inline CSS and SVG
figures (:mod:`.html`); :func:`write_report` picks HTML or PDF from the file name (the PDF is
the HTML printed by headless Chromium, :mod:`.pdf`). The figures are plain functions returning
matplotlib figures (:mod:`.figures`), usable in a notebook. ``loopledger report -o FILE`` is
:func:`write_report`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import LedgerError
from .build import Report, Section, build_report
from .html import render_html

__all__ = ["Report", "Section", "build_report", "render_html", "write_report"]


def write_report(ledger, output: str | Path, as_of=None, chromium: str | None = None,
                 progress: Callable[[str], None] | None = None) -> Path:
    """Build the report for ``as_of`` (default today) and write it to ``output``: ``.html``
    (self-contained) or ``.pdf`` (printed by headless Chromium, found as
    :func:`loopledger.report.pdf.find_chromium` says). Returns the path written."""
    out = Path(output)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise LedgerError(f"{out}: the report is written as .html or .pdf")
    if suffix == ".pdf":
        from .pdf import find_chromium

        find_chromium(chromium)  # fail before the long work, not after
    report = build_report(ledger, as_of=as_of, progress=progress)
    text = render_html(report)
    if suffix == ".pdf":
        from .pdf import html_to_pdf

        return html_to_pdf(text, out, chromium=chromium)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out
