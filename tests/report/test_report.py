"""The report for the bundled data: every section is there, the HTML asks nothing of the
network, every in-page link lands, the numbers agree with sums done here from the deals, the
figures are matplotlib objects, and page 1 of the PDF renders with pdftoppm."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from matplotlib.figure import Figure

from loopledger.ledger.model import STATUSES
from loopledger.report import build_report, render_html
from loopledger.report.build import SECTIONS

AS_OF = "2026-06-30"


class Page(HTMLParser):
    """Every tag with its attributes, the ids, and the text of each section."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.styles: list[str] = []
        self._in_style = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
        self.text.append(data)


@pytest.fixture(scope="module")
def report(bundled):
    return build_report(bundled, as_of=AS_OF)


@pytest.fixture(scope="module")
def html_text(report):
    return render_html(report)


@pytest.fixture(scope="module")
def page(html_text):
    p = Page()
    p.feed(html_text)
    return p


def test_every_section_is_there_with_captioned_figures(report, page):
    sections = [a["id"] for tag, a in page.tags if tag == "section"]
    assert sections == [sid for sid, _ in SECTIONS]
    assert report.unavailable == {}, report.unavailable
    assert {"network_map", "flows_sankey", "promises_chart", "circular_share_chart", "round_trip_chart",
            "lookthrough_chart", "stress_chart", "systemic_chart"} <= set(report.figures)
    assert all(isinstance(f, Figure) for f in report.figures.values())
    n_figures = sum(1 for tag, _ in page.tags if tag == "figure")
    n_captions = sum(1 for tag, _ in page.tags if tag == "figcaption")
    assert n_figures == n_captions == len(report.figures)
    assert sum(1 for tag, _ in page.tags if tag == "svg") >= len(report.figures)


def test_the_html_makes_no_external_request(page, html_text):
    fetching = {"script", "img", "link", "iframe", "embed", "object", "source", "video", "audio", "image",
                "use", "input", "track", "frame"}
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed"), tag
        if tag in fetching:
            for key in ("src", "href", "xlink:href", "data", "srcset", "poster"):
                value = attrs.get(key, "")
                assert "http" not in value and not value.startswith("//"), (tag, key, value)
    css = " ".join(page.styles)
    assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    # links out exist, but only as <a href> to sources
    outbound = [a["href"] for tag, a in page.tags if tag == "a" and a.get("href", "").startswith("http")]
    assert len(outbound) > 100
    assert not re.search(r"<(script|link)\b", html_text)


def test_every_in_page_link_lands(page):
    targets = [a["href"][1:] for tag, a in page.tags if tag == "a" and a.get("href", "").startswith("#")]
    assert targets
    assert sorted(set(targets) - page.ids) == []


def test_status_totals_and_deal_sources_agree_with_the_deals(bundled, page, report):
    deals = bundled.deals(as_of=AS_OF)
    counted = deals[deals["include_in_totals"].astype(bool)]
    headline = next(s for s in report.sections if s.id == "headline").html
    for status in STATUSES:
        part = counted[counted["status"] == status]
        high = part["amount_high"].fillna(part["amount_low"]).sum()
        assert f'href="#status-{status}">${high:,.1f}B</a>' in headline, status
    # each deal's row in the appendix carries one numbered link per source
    sources_per_deal = defaultdict(int)
    row_deal = None
    for tag, a in page.tags:
        if tag == "span" and a.get("id", "").startswith("deal-"):
            row_deal = a["id"][5:]
        elif tag == "a" and a.get("class") == "src" and row_deal is not None:
            sources_per_deal[row_deal] += 1
        elif tag == "tr":
            row_deal = None
    assert {d: len(s) for d, s in zip(deals["id"], deals["sources"])} == dict(sources_per_deal)


def test_missing_measure_gives_an_unavailable_section(bundled, monkeypatch):
    from loopledger.report import build as build_mod

    def missing(self, section):
        raise ImportError("No module named 'loopledger.stresstest.scenario'", name="loopledger.stresstest.scenario")

    gone = [sid for sid, _ in SECTIONS if sid not in ("methods", "deals")]
    for sid in gone:
        monkeypatch.setattr(build_mod._Builder, "section_" + sid.replace("-", "_"), missing)
    r = build_report(bundled, as_of="2025-12-31")
    assert set(r.unavailable) == set(gone)
    text = render_html(r)
    assert text.count('class="unavailable"') == len(gone)
    assert "This section is unavailable: the module it needs is not installed (loopledger.stresstest.scenario)" in text
    assert 'id="deals"' in text and 'id="methods"' in text


def test_pdf_renders_with_no_half_empty_page(html_text, tmp_path):
    from loopledger.report.pdf import find_chromium, html_to_pdf

    try:
        find_chromium()
    except Exception as e:
        from tests.conftest import require_service

        require_service("chromium", str(e))
    if shutil.which("pdftoppm") is None:
        from tests.conftest import require_service

        require_service("pdftoppm (poppler-utils)", "not on PATH")
    pdf = html_to_pdf(html_text, tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True, timeout=300)
    pngs = sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    assert len(pngs) > 3
    from PIL import Image

    img = Image.open(pngs[0]).convert("L")
    w, h = img.size
    assert 1.3 < h / w < 1.5  # A4 portrait
    dark = sum(img.histogram()[:128])
    assert dark > 0.005 * w * h  # text was drawn, not a blank page
    # no page more than half empty except the last: each page is inked at least half way down
    filled = [_filled_height(Image.open(p).convert("L")) for p in pngs]
    assert all(f >= 0.5 for f in filled[:-1]), filled


def _filled_height(img) -> float:
    """How far down the page anything is drawn (the lowest row with a pixel darker than light
    grey), as a share of the page's height."""
    import numpy as np

    a = np.asarray(img)
    rows = np.flatnonzero((a < 200).any(axis=1))
    return float(rows[-1] + 1) / a.shape[0] if len(rows) else 0.0


def test_cli_writes_the_report_and_refuses_other_suffixes(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    assert cli("init", "--db", db).code == 0
    bad = cli("report", "-o", tmp_path / "r.docx", "--db", db)
    assert bad.code == 1 and "written as .html or .pdf" in bad.err
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert cli("init", "--db", empty, "--empty").code == 0
    res = cli("report", "-o", tmp_path / "r.html", "--db", empty)
    assert res.code == 1 and "no deals" in res.err


def test_the_stress_section_states_both_bases_and_every_assumption(bundled, html_text):
    import html

    from loopledger.stresstest.scenario import stress

    section = html_text[html_text.index('id="stress"'):html_text.index('id="systemic"')]
    r = stress(bundled, fail=["OpenAI"], as_of=AS_OF)
    for word in ("economic basis", "gross upper bound", "stranded", "What a rescue would cost",
                 "Assumptions used", "horizon 24 months", "recovery 37% (default)", "Who absorbs what"):
        assert word in section, word
    for a in r.assumptions:
        assert html.escape(a["name"]) in section, a["name"]
    # economic and gross side by side; one row per component the result lists with money in
    # it, whatever its name, and a column of the per-company table each
    bases = section[section.index('class="bases"'):]
    bases = bases[:bases.index("</table>")]
    t = r.totals
    assert f"{t['total_loss_economic']:,.1f}" in bases and f"{t['total_loss_gross']:,.1f}" in bases
    carried = [k for k, v in t["components"].items() if abs(v) > 0.005]
    assert carried and all(f"<td>{k.replace('_', ' ')}<br>" in bases for k in carried)
    assert all(f"<th class=num>{k.replace('_', ' ')}</th>" in section
               for k in carried)
    assert 'id="figure-stress_bases"' in section
    systemic = html_text[html_text.index('id="systemic"'):]
    assert "gross bound" in systemic and "gross rank" in systemic
