"""The dashboard in a real browser: Debian's chromium driven by Playwright against a real
``loopledger serve`` process on 127.0.0.1, over a temporary SQLite copy of the bundled ledger.

Every request the page makes is checked to stay on 127.0.0.1 (the page must work offline).
Screenshots go to tests/artifacts/ (git-ignored). axe-core 4.14.1 (MPL-2.0, vendored from its
npm package under tests/web/vendor/) is injected to check accessibility.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ALL = ["funded", "funded_partial", "definitive", "announced_loi", "rumored", "cancelled_stalled"]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def server(template_db, tmp_path_factory):
    """``loopledger serve`` in a subprocess, on a free port, over a copy of the template
    database (bundled data; editors ed and eve, reader rita)."""
    from loopledger.web.background import ServerProcess

    path, tokens = template_db
    folder = tmp_path_factory.mktemp("server")
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            shutil.copyfile(f"{path}{suffix}", folder / f"ledger.db{suffix}")
    db = f"sqlite:///{folder / 'ledger.db'}"
    with ServerProcess(db, env={"LOOPLEDGER_SECRET": "browser-tests"}, log=folder / "server.log") as proc:
        yield type("Server", (), {"url": proc.url, "tokens": tokens, "db": db})


@pytest.fixture(scope="module")
def browser():
    exe = os.environ.get("LOOPLEDGER_CHROMIUM") or "/usr/bin/chromium"
    if not Path(exe).exists():
        from tests.conftest import require_service

        require_service("chromium", f"{exe} not found")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser context; fails the test on any request leaving 127.0.0.1 or any
    JavaScript error."""
    context = browser.new_context(viewport={"width": 1440, "height": 1100})
    pg = context.new_page()
    outside, errors = [], []

    def guard(route):
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    pg.route("**/*", guard)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # the Content-Security-Policy (issue 16) must block nothing the page itself needs
    pg.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    blocked: list[str] = []
    pg.set_default_timeout(30_000)
    yield pg
    context.close()
    assert not outside, f"the page tried to reach the internet: {outside}"
    assert not errors, f"JavaScript errors: {errors}"
    assert not blocked, f"the CSP blocked part of the page: {blocked}"


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"web_{name}.png"), full_page=False)


def open_dashboard(pg, server, query: str = "") -> None:
    pg.goto(server.url + "/" + query)
    pg.wait_for_selector("body[data-ready='1']")


def legs(pg) -> int:
    return int(pg.get_attribute("#map", "data-legs"))


def test_page_loads_the_bundled_network(page, server):
    open_dashboard(page, server)
    today = date.today().isoformat()
    expected = _get(f"{server.url}/api/network?as_of={today}&" + "&".join(f"status={s}" for s in ALL))
    assert legs(page) == expected["counts"]["edges"] > 100
    assert page.evaluate("window.loopledger.cy.nodes().length") == expected["counts"]["nodes"]
    # the map draws one arrow per flow (legs of one payer, payee, kind and stroke): together
    # they carry every leg in view, each once
    carried = page.evaluate("window.loopledger.cy.edges().map(e => e.data('deals')).flat()")
    assert sorted(carried) == sorted(e["id"] for e in expected["edges"])
    assert page.evaluate("window.loopledger.cy.edges().length") == expected["counts"]["flows"] < expected["counts"]["edges"]
    assert page.locator("#deals-table tbody tr").count() == expected["counts"]["edges"]
    assert page.locator("#map canvas").count() >= 1
    for fig in ("#fig-legs", "#fig-binding", "#fig-paid", "#fig-circular", "#fig-cycles"):
        page.wait_for_function(f"() => !['…', '—', ''].includes(document.querySelector('{fig}').textContent)")
    # one base for every share: the cards show the headline's base, its cash paid and the
    # circular share of that base, with the counting line and the findings in words
    head = _get(f"{server.url}/api/headline?as_of={today}")
    b = head["basis"]
    assert page.inner_text("#fig-binding") == f"${js_money(b['binding'])} bn"
    assert page.inner_text("#fig-paid") == f"${js_money(b['paid'])} bn"
    assert page.inner_text("#fig-circular").startswith(f"{100 * head['circulation']['total'] / b['binding']:.1f}%")
    assert page.inner_text("#headline-counting") == head["counting"] and head["counting"].startswith("Counting:")
    assert page.locator("#findings li").count() == len(head["findings"]) + len(head["hints"]) >= 5
    assert page.locator("#deals-counting").inner_text().startswith("Counting:")
    # letters of intent are drawn dashed and cancelled deals faded, as the legend says
    styles = page.evaluate("""() => window.loopledger.cy.edges().map(e => [e.data('status'), e.style('line-style'), Number(e.style('opacity'))])""")
    assert {s for st, s, _ in styles if st == "announced_loi"} == {"dashed"}
    assert all(o < 0.5 for st, _, o in styles if st == "cancelled_stalled")
    shot(page, "1_loaded")
    # filters: without letters of intent and below $10 bn, the map holds what the API says
    page.uncheck("input[name=status][value=announced_loi]")
    page.fill("#min-amount", "10")
    page.press("#min-amount", "Tab")
    kept = [s for s in ALL if s != "announced_loi"]
    expected = _get(f"{server.url}/api/network?as_of={today}&min_amount=10&" + "&".join(f"status={s}" for s in kept))
    page.wait_for_function(f"() => document.querySelector('#map').dataset.legs == '{expected['counts']['edges']}'")
    assert "min=10" in page.url and "status=funded" in page.url and "announced_loi" not in page.url


def test_slider_to_2024_shows_fewer_deals(page, server, raw):
    open_dashboard(page, server)
    today_legs = legs(page)
    index = page.evaluate("""() => {
        const s = document.querySelector('#asof-slider');
        const [y, m] = s.dataset.start.split('-').map(Number);
        return (2024 * 12 + 0) - (y * 12 + m - 1);
    }""")
    page.focus("#asof-slider")
    page.evaluate("""(i) => { const s = document.querySelector('#asof-slider'); s.value = i;
                               s.dispatchEvent(new Event('input', {bubbles: true})); }""", index)
    page.wait_for_selector("#map[data-asof='2024-01-01']")
    assert page.inner_text("#asof-label") == "2024-01-01"
    assert legs(page) < today_legs
    assert legs(page) == len(raw.legs(date(2024, 1, 1)))
    assert "as_of=2024-01-01" in page.url
    # the keyboard moves the slider too: one month on
    page.focus("#asof-slider")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("#map[data-asof='2024-02-01']")
    shot(page, "2_slider_2024")


def test_clicking_nvidia_shows_its_deals_with_sources(page, server):
    open_dashboard(page, server)
    box = page.locator("#map").bounding_box()
    pos = page.evaluate("window.loopledger.cy.getElementById('nvidia').renderedPosition()")
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_selector("#company-deals tbody tr")
    assert page.inner_text("#company-title") == "Nvidia"
    rows = page.locator("#company-deals tbody tr").count()
    api = _get(f"{server.url}/api/companies/nvidia")
    assert rows == len(api["deals"]) > 10
    links = page.locator("#company-deals a[href^='http']")
    assert links.count() >= rows
    assert links.first.get_attribute("target") == "_blank"
    assert "company=nvidia" in page.url
    page.wait_for_function("() => !document.querySelector('#company-promises').innerText.includes('Loading')")
    page.wait_for_function("() => !document.querySelector('#company-exposure').innerText.includes('Loading')")
    assert "Round-trip share" in page.inner_text("#company-body")
    shot(page, "3_nvidia")
    # the URL keeps the selection: opening it again shows the same panel
    page.goto(page.url)
    page.wait_for_selector("#company-deals tbody tr")
    assert page.inner_text("#company-title") == "Nvidia"


def test_keyboard_reaches_a_company_from_the_table(page, server):
    open_dashboard(page, server)
    button = page.locator("#deals-table tbody button[data-company='oracle']").first
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#company-deals tbody tr")
    assert page.inner_text("#company-title") == "Oracle"


def test_selecting_a_cycle_highlights_it(page, server):
    open_dashboard(page, server)
    target = page.locator("#cycle-list button", has_text="OpenAI → Oracle → Nvidia → OpenAI")
    if target.count() == 0:  # the canonical rotation starts elsewhere
        target = page.locator("#cycle-list button", has_text="Nvidia → OpenAI → Oracle → Nvidia")
    assert target.count() == 1
    target.click()
    assert target.get_attribute("aria-pressed") == "true"
    hl_nodes = page.evaluate("window.loopledger.cy.nodes('.hl').map(n => n.id()).sort()")
    assert hl_nodes == ["nvidia", "openai", "oracle"]
    pairs = page.evaluate("window.loopledger.cy.edges('.hl').map(e => e.data('source') + '>' + e.data('target'))")
    assert set(pairs) == {"openai>oracle", "oracle>nvidia", "nvidia>openai"}
    faded = page.evaluate("window.loopledger.cy.elements('.faded').length")
    total = page.evaluate("window.loopledger.cy.elements().length")
    assert faded == total - len(hl_nodes) - len(pairs)
    assert "cycle=" in page.url
    shot(page, "4_cycle")
    target.click()  # a second click clears it
    assert page.evaluate("window.loopledger.cy.elements('.hl').length") == 0


def js_money(x: float) -> str:
    """The page's money(): en-US grouping, at most 2 decimals below 10 and 1 above, no trailing zeros."""
    text = f"{round(x, 2 if x < 10 else 1):,.{2 if x < 10 else 1}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def test_openai_stress_test_shows_a_loss_chart(page, server):
    open_dashboard(page, server)
    assert page.input_value("#stress-fail") == "openai"
    page.fill("#stress-recovery", "0.4")
    page.click("#stress-run")
    page.wait_for_selector("#loss-chart rect")
    api = json.loads(urllib.request.urlopen(urllib.request.Request(
        server.url + "/api/stress", data=json.dumps({"fail": ["openai"], "recovery": 0.4,
                                                      "as_of": date.today().isoformat()}).encode(),
        headers={"Content-Type": "application/json"})).read())
    losers = sorted((c for c in api["companies"] if c["loss"] > 0), key=lambda c: -c["loss"])
    assert page.locator("#loss-chart rect").count() == min(15, len(losers)) > 0
    assert losers[0]["name"][:18] in page.text_content("#loss-chart")
    assert int(page.get_attribute("#map", "data-stressed")) > 0
    assert page.evaluate("window.loopledger.cy.getElementById('openai').hasClass('stressed')")
    # economic and gross side by side, the components, the answer and what the numbers count
    totals = page.text_content("#stress-totals")
    assert js_money(api["totals"]["total_loss"]) in totals and js_money(api["totals"]["total_loss_gross"]) in totals
    # the components come from the result's own list, whatever their names: one row each, in
    # the economic column, and the gross bound beside the economic total
    comps = {k: v for k, v in api["totals"]["components"].items() if abs(v) > 0.005}  # a guarantee paid is negative
    rows = page.eval_on_selector_all("#stress-bases tr.component", "rs => rs.map(r => [r.dataset.component, r.cells[1].textContent, r.cells[2].textContent])")
    assert {k for k, _, _ in rows} == set(comps) and "stranded_assets" in comps
    assert all(econ == js_money(comps[k]) and gross == "—" for k, econ, gross in rows)
    first = page.eval_on_selector("#stress-bases tbody tr", "r => [...r.cells].map(c => c.textContent)")
    assert first[1:] == [js_money(api["totals"]["total_loss_economic"]), js_money(api["totals"]["total_loss_gross"])]
    assert page.locator("#stress-assumption-list tbody tr").count() == len(api["assumptions"]) > 0
    assert page.text_content("#stress-sentence") == api["sentence"]
    footer = page.text_content("#stress-assumptions")
    assert footer == api["footer"] and "horizon 24 months" in footer and "recovery 40% (given)" in footer
    page.locator("#stress-panel").scroll_into_view_if_needed()
    shot(page, "5_stress")


def sign_in_page(pg, server, name: str) -> None:
    pg.goto(server.url + "/login")
    pg.fill("#login-name", name)
    pg.fill("#login-password", "correct-horse-battery")
    pg.click("button[type=submit]")
    pg.wait_for_selector("body[data-ready='1']")


def test_editor_adds_a_deal_with_a_source_and_it_appears(page, server):
    sign_in_page(page, server, "ed")
    assert page.locator("#edit-panel").count() == 1
    fields = {"#deal-id": "web-test-amd-xai", "#deal-group": "web-test", "#deal-payer": "xai",
              "#deal-payee": "amd", "#deal-amount_low": "3", "#deal-amount_high": "4.5",
              "#deal-announced": "2026-11-20", "#deal-date": "2026-11-20",
              "#deal-src-url": "https://example.org/amd-xai", "#deal-src-publisher": "Example Wire",
              "#deal-src-date": "2026-11-20"}
    for sel, value in fields.items():
        page.fill(sel, value)
    page.select_option("#deal-kind", "compute_purchase")
    page.select_option("#deal-confidence", "medium")
    page.select_option("#deal-status", "definitive")
    page.click("#add-deal-form button[type=submit]")
    page.wait_for_selector("#add-deal-form .form-message .ok")
    assert "web-test-amd-xai" in page.inner_text("#add-deal-form .form-message")
    page.wait_for_selector("#deals-table tr[data-deal='web-test-amd-xai']")
    row = page.inner_text("#deals-table tr[data-deal='web-test-amd-xai']")
    # the table shows the vocabulary's words, never the code
    from loopledger.vocabulary import KINDS
    assert "Example Wire" in row and KINDS["compute_purchase"].label in row and "compute_purchase" not in row
    d = _get(server.url + "/api/deals/web-test-amd-xai")
    assert (d["payer"], d["payee"], d["amount_high"], d["status"]) == ("xai", "amd", 4.5, "definitive")
    assert [s["url"] for s in d["sources"]] == ["https://example.org/amd-xai"]
    page.locator("#deals-table tr[data-deal='web-test-amd-xai']").scroll_into_view_if_needed()
    shot(page, "6_editor_added")
    # a second add with the same id is refused with the reason shown, nothing written
    page.click("#add-deal-form button[type=submit]")
    page.wait_for_selector("#add-deal-form .form-message .error")
    assert "already" in page.inner_text("#add-deal-form .form-message") or "duplicate" in page.inner_text("#add-deal-form .form-message")


def test_anonymous_user_cannot_edit(page, server):
    open_dashboard(page, server)
    assert page.locator("#edit-panel").count() == 0
    assert page.locator("text=Sign in to edit").count() == 1
    before = _get(server.url + "/api/deals")["count"]
    status = page.evaluate("""async () => {
        const csrf = document.querySelector('meta[name=csrf-token]').content;
        const r = await fetch('/api/deals', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
          body: JSON.stringify({deal: {id: 'anon-x', group: 'g', payer: 'xai', payee: 'amd', kind: 'other', confidence: 'low'},
                                status: 'rumored', date: '2026-01-01', source: {url: 'https://example.org/x', publisher: 'x', type: 'news'}})});
        return r.status; }""")
    assert status == 401
    assert _get(server.url + "/api/deals")["count"] == before


def _axe(pg) -> list[dict]:
    # evaluated through the driver: the page's CSP (rightly) refuses an injected inline script
    pg.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = pg.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_no_serious_accessibility_violations(page, server):
    open_dashboard(page, server)
    page.click("#cycle-list button >> nth=0")
    bad = _axe(page)
    assert not bad, json.dumps([(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in bad], indent=1)
    page.goto(server.url + "/login")
    bad = _axe(page)
    assert not bad, [(v["id"], v["help"]) for v in bad]


def test_no_serious_accessibility_violations_for_editors(page, server):
    sign_in_page(page, server, "eve")
    for d in page.locator("#edit-panel details").all():
        d.evaluate("el => el.open = true")
    bad = _axe(page)
    assert not bad, json.dumps([(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in bad], indent=1)
    shot(page, "7_editor_forms")


def test_the_page_cannot_be_framed_or_run_injected_script(browser, server):
    """The CSP at work in the browser: an inline script added to the page does not run, and
    another page cannot frame the dashboard."""
    context = browser.new_context()
    page = context.new_page()
    open_dashboard(page, server)
    ran = page.evaluate("""() => new Promise((done) => {
        document.addEventListener('securitypolicyviolation', () => done('blocked'), {once: true});
        const s = document.createElement('script'); s.textContent = 'window.__injected = 1';
        document.body.appendChild(s);
        setTimeout(() => done(window.__injected ? 'ran' : 'blocked'), 500); })""")
    assert ran == "blocked"
    context.close()
    r = urllib.request.urlopen(server.url + "/", timeout=30)
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"] and r.headers["X-Frame-Options"] == "DENY"


def test_api_docs_page_works_offline(page, server):
    """The OpenAPI page renders from the vendored Swagger UI, listing the routes."""
    page.goto(server.url + "/docs")
    page.wait_for_selector(".opblock-summary-path")
    body = page.inner_text("body")
    for path in ("/api/deals", "/api/cycles", "/api/stress", "/api/deals/{deal_id}/history"):
        assert path in body


def test_two_editors_amending_the_same_deal_in_the_page(browser, server):
    """Both load version N; the first amendment wins, the second is told of the conflict."""
    deal = "aker-nscale-285m"
    pages = []
    for name in ("ed", "eve"):
        context = browser.new_context(viewport={"width": 1440, "height": 1100})
        pg = context.new_page()
        sign_in_page(pg, server, name)
        pg.evaluate("document.querySelector('#amend-deal').open = true")
        pg.fill("#amend-deal-id", deal)
        pg.click("#amend-load")
        pg.wait_for_selector("#amend-version:has-text('Editing version')")
        pages.append(pg)
    version = _get(f"{server.url}/api/deals/{deal}")["version"]
    for pg, value, outcome in zip(pages, ("0.3", "0.4"), (".ok", ".error")):
        pg.select_option("#amend-field", "amount_high")
        pg.fill("#amend-value", value)
        pg.fill("#amend-reason", "revised in the filing")
        pg.fill("#amend-src-url", "https://example.org/aker-filing")
        pg.fill("#amend-src-publisher", "Aker ASA")
        pg.click("#amend-form button[type=submit]")
        pg.wait_for_selector("#amend-form .form-message " + outcome)
    assert f"now version {version + 1}" in pages[0].inner_text("#amend-form .form-message")
    assert "changed by someone else" in pages[1].inner_text("#amend-form .form-message")
    d = _get(f"{server.url}/api/deals/{deal}")
    assert (d["amount_high"], d["version"]) == (0.3, version + 1)
    shot(pages[1], "8_conflict")
    for pg in pages:
        pg.context.close()


# ---------------------------------------------------------------- claims (issue 17, part 5)

def test_the_company_panel_lists_what_secures_its_loans_and_what_it_pledged(page, server):
    today = date.today().isoformat()
    api = _get(f"{server.url}/api/companies/coreweave?as_of={today}")
    assert api["secured_by"] and api["pledged_to"]
    open_dashboard(page, server, "?company=coreweave")
    page.wait_for_selector("#company-secured-by tbody tr")
    for table, rows in (("#company-secured-by", api["secured_by"]), ("#company-pledged-to", api["pledged_to"])):
        assert page.locator(f"{table} tbody tr").count() == len(rows)
        drawn = page.eval_on_selector_all(f"{table} tbody tr", "rs => rs.map(r => r.dataset.pledge)")
        assert sorted(drawn) == sorted(r["pledge"] for r in rows)
        text = page.inner_text(table)
        assert rows[0]["loan"] in text
        # words, not codes: the collateral described, a missing priority said in words
        assert rows[0]["description"] in text
        assert "_" not in text and "None" not in text and "null" not in text
        if any(r["priority_label"] is None for r in rows):
            assert "not stated" in text
        # the sources as links, as for the deals: every source of every row, opening a new tab
        hrefs = page.eval_on_selector_all(f"{table} a[href^='http']", "as => as.map(a => a.href)")
        ids = {s for r in rows for s in r["sources"].split(";") if s}
        assert len(hrefs) == sum(len(r["source_refs"]) for r in rows) >= len(ids) > 0
        assert {s["id"] for r in rows for s in r["source_refs"]} == ids
        assert page.locator(f"{table} a[href^='http']").first.get_attribute("target") == "_blank"
    # a company without collateral on its loans says so in one line
    assert _get(f"{server.url}/api/companies/meta?as_of={today}")["secured_by"] == []
    page.locator("#deals-table tbody button[data-company='meta']").first.click()
    page.wait_for_function("() => document.querySelector('#company-title').textContent === 'Meta'")
    page.wait_for_selector("#company-secured-by-none")
    assert page.locator("#company-secured-by").count() == 0
    assert page.locator("#company-pledged-to tbody tr").count() == len(_get(f"{server.url}/api/companies/meta?as_of={today}")["pledged_to"])


def test_the_claims_overlay_draws_one_edge_per_pledge_and_hides(page, server):
    today = date.today().isoformat()
    net = _get(f"{server.url}/api/network?as_of={today}&" + "&".join(f"status={s}" for s in ALL))
    claims = _get(f"{server.url}/api/claims?as_of={today}")
    on_map = {n["id"] for n in net["nodes"]}
    # the test's own oracle: lender -> owner of the collateral, both companies on the map
    expected = sorted([x["pledge"], x["lender"], c["owner"]] for c in claims["collateral"] for x in c["claims_in_order"]
                      if x["lender"] in on_map and c["owner"] in on_map)
    assert expected
    open_dashboard(page, server)
    count = "() => window.loopledger.cy.edges('.claim').length"
    # off by default: the map is the deal map, its legend says how to show the claims
    assert not page.is_checked("#show-claims")
    assert page.evaluate(count) == 0 and page.get_attribute("#map", "data-claims") is None
    assert "pledge: lender → owner of the collateral" in page.inner_text("#legend")
    assert "backstop or guarantee: guarantor → beneficiary" in page.inner_text("#legend")
    flows_before = page.evaluate("window.loopledger.cy.edges().length")
    legs_before = legs(page)
    page.check("#show-claims")
    page.wait_for_selector(f"#map[data-claims-asof='{today}']")
    got = page.evaluate("""() => window.loopledger.cy.edges('.claim').map(e => [e.data('pledge'), e.source().id(), e.target().id()])""")
    assert sorted(got) == expected
    assert int(page.get_attribute("#map", "data-claims")) == len(expected)
    assert "claims=1" in page.url
    # drawn unlike any deal: its own colour and a dash-dot line, never counted as a deal leg
    looks = page.evaluate("""() => {
      const cy = window.loopledger.cy;
      return {claim: cy.edges('.claim').map(e => [e.style('line-color'), e.style('line-style'), e.style('line-dash-pattern')]),
              deals: cy.edges().not('.claim').map(e => e.style('line-color')),
              guarantee: cy.edges('[kind = "capacity_backstop"]').map(e => e.style('target-arrow-shape'))};
    }""")
    deal_colours = set(looks["deals"])
    assert all(c not in deal_colours and s == "dashed" for c, s, _ in looks["claim"])
    assert looks["guarantee"] and set(looks["guarantee"]) == {"diamond"}
    assert legs(page) == legs_before
    assert page.evaluate("window.loopledger.cy.edges().not('.claim').length") == flows_before == net["counts"]["flows"]
    assert page.evaluate("window.loopledger.cy.edges().not('.claim').map(e => e.data('deals')).flat().length") == net["counts"]["edges"]
    # the tooltip of a pledge names the loan, the collateral and the amount
    box = page.locator("#map").bounding_box()
    spots = page.evaluate("""() => window.loopledger.cy.edges('.claim').filter(e => e.visible())
      .map(e => ({id: e.id(), loan: e.data('loan'), at: e.renderedMidpoint()}))""")
    assert spots
    for spot in spots:  # the midpoint of a pledge, unless a node or another pledge is drawn there
        page.mouse.move(box["x"] + spot["at"]["x"], box["y"] + spot["at"]["y"])
        page.wait_for_timeout(50)
        if page.get_attribute("#tip", "data-element") == spot["id"] and page.is_visible("#tip"):
            break
    else:
        raise AssertionError("no pledge shows its tooltip under the pointer")
    text = page.inner_text("#tip")
    assert "pledge" in text and spot["loan"] in text and ("bn" in text or "amount unknown" in text)
    assert "holds a claim on" in text
    shot(page, "9_claims")
    # a selection still highlights exactly the company's deal legs
    page.locator("#deals-table tbody button[data-company='coreweave']").first.click()
    page.wait_for_selector("#map[data-selected='coreweave']")
    links = page.evaluate("window.loopledger.cy.edges('.link').map(e => e.data('deals')).flat()")
    assert sorted(links) == sorted(e["id"] for e in net["edges"] if "coreweave" in (e["source"], e["target"]))
    mine = {p for p, lender, owner in expected if "coreweave" in (lender, owner)}
    assert set(page.evaluate("window.loopledger.cy.edges('.claim-link').map(e => e.data('pledge'))")) == mine
    # another date: the claims live then, with the map of then
    page.fill("#asof-date", "2025-06-01")
    page.press("#asof-date", "Tab")
    page.wait_for_selector("#map[data-asof='2025-06-01']")
    net = _get(f"{server.url}/api/network?as_of=2025-06-01&" + "&".join(f"status={s}" for s in ALL))
    claims = _get(f"{server.url}/api/claims?as_of=2025-06-01")
    on_map = {n["id"] for n in net["nodes"]}
    then = sorted([x["pledge"], x["lender"], c["owner"]] for c in claims["collateral"] for x in c["claims_in_order"]
                  if x["lender"] in on_map and c["owner"] in on_map)
    assert then != expected
    page.wait_for_selector("#map[data-claims-asof='2025-06-01']")
    got = page.evaluate("""() => window.loopledger.cy.edges('.claim').map(e => [e.data('pledge'), e.source().id(), e.target().id()])""")
    assert sorted(got) == then
    flows_before = page.evaluate("window.loopledger.cy.edges().not('.claim').length")
    # and the overlay goes as it came
    page.uncheck("#show-claims")
    assert page.evaluate(count) == 0
    assert "claims=1" not in page.url
    assert page.evaluate("window.loopledger.cy.edges().length") == flows_before
    assert page.get_attribute("#map", "data-claims") is None
    assert page.get_attribute("#map", "data-claims-asof") is None
