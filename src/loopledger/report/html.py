"""One self-contained HTML file from a built report: inline CSS, figures as inline SVG, no
script, no stylesheet or image fetched from anywhere. Links to sources are plain ``<a href>``
links that open only when clicked.
"""

from __future__ import annotations

import html
import io
import re
from importlib import resources
from typing import Any

import jinja2
import matplotlib

from .build import Report

_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)


_TAGS = re.compile(r"<[^>]+>")


def alt_text(section, name: str) -> str:
    """The text alternative of a figure: the section's own ``alts`` entry, else its caption
    without markup."""
    text = section.alts.get(name) or _TAGS.sub("", section.captions.get(name, "")) or name.replace("_", " ")
    return " ".join(text.split())


def figure_svg(fig, alt: str = "") -> str:
    """A matplotlib figure as an inline ``<svg>`` element: glyphs as paths (no font needed),
    ids made deterministic, the XML prolog and DOCTYPE removed (invalid inside HTML); with
    ``alt``, marked as one image (``role="img"``) whose ``aria-label`` and ``<title>`` say it."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "loopledger"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "loopledger"})
    svg = _PROLOG.sub("", buf.getvalue(), count=1).strip()
    if alt:
        label = html.escape(alt, quote=True)
        svg = re.sub(r"<svg\b([^>]*)>", lambda m: f'<svg role="img" aria-label="{label}"{m.group(1)}><title>{label}</title>',
                     svg, count=1)
    return svg


def render_html(report: Report) -> str:
    """The report as one HTML document (text)."""
    from .._version import __version__

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=False, lstrip_blocks=False)
    template = env.from_string(
        resources.files("loopledger.report").joinpath("templates/report.html.j2").read_text(encoding="utf-8"))
    figures: dict[str, Any] = {}
    numbers: dict[str, Any] = {}
    for s in report.sections:
        figures[s.id] = []
        if not s.available:
            continue
        for name, fig in s.figures.items():
            numbers[name] = len(numbers) + 1
            figures[s.id].append((name, figure_svg(fig, alt_text(s, name))))
    return template.render(report=report, figures=figures, figure_numbers=numbers, version=__version__)
