/* loopledger dashboard: fills the server-rendered page from the JSON API.
   No build step, no framework: plain DOM, the vendored Cytoscape.js and the map (map.js).
   The URL holds the view (as_of, status, kind, min, company, cycle, all, claims) so a view can be
   shared. The words of every code come from GET /api/vocabulary, never retyped here. */
(function () {
  "use strict";

  const BINDING = ["funded", "funded_partial", "definitive"];
  const $ = (sel) => document.querySelector(sel);
  const $$ = (sel) => Array.from(document.querySelectorAll(sel));
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

  // The page's Content-Security-Policy allows no inline script or style: forms that the
  // script handles are kept from submitting here, and legend colours are set through the DOM.
  $$("form[data-no-submit]").forEach((f) => f.addEventListener("submit", (e) => e.preventDefault()));
  $$("[data-colour]").forEach((e) => { e.style.background = e.dataset.colour; });
  $$("[data-opacity]").forEach((e) => { e.style.opacity = e.dataset.opacity; });

  const slider = $("#asof-slider");
  const START = slider.dataset.start;       // YYYY-MM-DD, first month of the replay
  const TODAY = slider.dataset.today;
  const MAX = Number(slider.max);
  const ALL_STATUSES = $$('input[name=status]').map((x) => x.value);
  const ALL_KINDS = $$('input[name=kind]').map((x) => x.value);

  const state = { as_of: TODAY, status: ALL_STATUSES.slice(), kind: ALL_KINDS.slice(), min: null,
                  company: null, cycle: null, all: false, claims: false };
  let cy = null, map = null, net = null, cycles = [], names = {}, loadSeq = 0, viewSeq = 0, vocab = {};

  // ---------------------------------------------------------------- helpers
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  function money(x) {
    if (x === null || x === undefined || Number.isNaN(x)) return "—";
    return Number(x).toLocaleString("en-US", { maximumFractionDigits: x < 10 ? 2 : 1 });
  }
  // the human words of a code (kind, status, company type ...), from the vocabulary
  function word(code, form) {
    for (const table of ["kinds", "statuses", "company_types", "source_types", "considerations"]) {
      const m = (vocab[table] || {})[code];
      if (m) return m[form || "label"] || m.label;
    }
    return code == null ? "" : String(code).replace(/_/g, " ");
  }
  function pct(x) { return x === null || x === undefined ? "—" : (100 * x).toFixed(1) + "%"; }
  function range(lo, hi) {
    if (lo == null && hi == null) return "amount unknown";
    if (lo == null || hi == null || lo === hi) return "$" + money(lo == null ? hi : lo) + " bn";
    return "$" + money(lo) + "–" + money(hi) + " bn";
  }
  function monthDate(i) {
    if (i >= MAX) return TODAY;
    const [y, m] = START.split("-").map(Number);
    const t = y * 12 + (m - 1) + i;
    return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, "0")}-01`;
  }
  function monthIndex(d) {
    const [y, m] = START.split("-").map(Number);
    const [y2, m2] = d.split("-").map(Number);
    return Math.max(0, Math.min(MAX, (y2 * 12 + m2) - (y * 12 + m)));
  }
  function query(extra) {
    const p = new URLSearchParams();
    p.set("as_of", state.as_of);
    for (const [k, v] of Object.entries(extra || {})) {
      if (Array.isArray(v)) v.forEach((x) => p.append(k, x)); else if (v !== null && v !== undefined) p.set(k, v);
    }
    return p.toString();
  }
  async function api(path, opts) {
    const r = await fetch(path, Object.assign({ headers: { Accept: "application/json" } }, opts || {}));
    let body = null;
    try { body = await r.json(); } catch (e) { body = { detail: r.statusText }; }
    if (!r.ok) { const err = new Error(body.detail || r.statusText); err.status = r.status; err.body = body; throw err; }
    return body;
  }
  function measureStatuses() {
    const s = state.status.filter((x) => BINDING.includes(x));
    return s.length ? s : ["__none__"];
  }
  function sourcesHtml(sources) {
    return (sources || []).map((s) => `<a href="${esc(s.url)}" target="_blank" rel="noopener noreferrer">${esc(s.publisher || s.url)}${s.date ? " (" + esc(s.date) + ")" : ""}</a>`).join(", ");
  }

  // ---------------------------------------------------------------- URL state
  function readURL() {
    const p = new URLSearchParams(location.search);
    if (p.get("as_of") && /^\d{4}-\d{2}-\d{2}$/.test(p.get("as_of"))) state.as_of = p.get("as_of");
    if (p.getAll("status").length) state.status = p.getAll("status").filter((x) => ALL_STATUSES.includes(x));
    if (p.getAll("kind").length) state.kind = p.getAll("kind").filter((x) => ALL_KINDS.includes(x));
    if (p.get("min") && !Number.isNaN(Number(p.get("min")))) state.min = Number(p.get("min"));
    state.company = p.get("company") || null;
    state.cycle = p.get("cycle") || null;
    state.all = p.get("all") === "1";
    state.claims = p.get("claims") === "1";
  }
  function writeURL() {
    const p = new URLSearchParams();
    if (state.as_of !== TODAY) p.set("as_of", state.as_of);
    if (state.status.length !== ALL_STATUSES.length) state.status.forEach((s) => p.append("status", s));
    if (state.kind.length !== ALL_KINDS.length) state.kind.forEach((k) => p.append("kind", k));
    if (state.min !== null) p.set("min", state.min);
    if (state.company) p.set("company", state.company);
    if (state.cycle) p.set("cycle", state.cycle);
    if (state.all) p.set("all", "1");
    if (state.claims) p.set("claims", "1");
    const qs = p.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
  }
  function syncControls() {
    slider.value = monthIndex(state.as_of);
    $("#asof-label").textContent = state.as_of;
    $("#asof-date").value = state.as_of;
    $$('input[name=status]').forEach((x) => { x.checked = state.status.includes(x.value); });
    $$('input[name=kind]').forEach((x) => { x.checked = state.kind.includes(x.value); });
    $("#min-amount").value = state.min === null ? "" : state.min;
    $("#show-all").checked = state.all;
    $("#show-claims").checked = state.claims;
  }

  // ---------------------------------------------------------------- the map (drawn by map.js)
  function initMap() {
    map = window.LoopMap ? window.LoopMap({
      container: $("#map"), tip: $("#tip"), legend: $("#legend"), note: $("#map-core"), claims: true,
      onTapNode: (id) => selectCompany(id),
      onBackground: () => { if (state.company) { state.company = null; writeURL(); showCompanySelection(); } },
    }) : null;
    if (!map) { $("#map-status").textContent = "(the map script did not load)"; return; }
    cy = map.cy;
  }

  async function loadNetwork() {
    const seq = ++loadSeq;
    $("#map-status").textContent = "(loading…)";
    const q = query({ status: state.status.length ? state.status : ["__none__"], kind: state.kind.length ? state.kind : ["__none__"], min_amount: state.min });
    let data;
    try {
      data = state.status.length && state.kind.length ? await api("/api/network?" + q) : { nodes: [], edges: [], counts: { nodes: 0, edges: 0 } };
    } catch (e) { $("#map-status").textContent = "(" + e.message + ")"; return; }
    if (seq !== loadSeq) return;  // a newer view was asked for meanwhile
    net = data;
    data.nodes.forEach((n) => { names[n.id] = n.name; });
    if (map) { map.words = vocab; map.render(data, { all: state.all }); }
    $("#map-status").textContent = `(${data.counts.edges} deal legs, ${data.counts.nodes} companies as of ${state.as_of})`;
    $("#show-all-count").textContent = data.core && data.core.nodes.length < data.counts.nodes ? `(${data.counts.nodes})` : "";
    $("#map").dataset.legs = data.counts.edges;
    $("#map").dataset.asof = state.as_of;
    $("#fig-legs").textContent = data.counts.edges;
    renderDealsTable();
    if (state.company) showCompanySelection();
    if (state.claims) await loadClaims();
  }

  // the claims overlay (docs/web.md): one edge per pledge, from the lender to the owner of the
  // collateral (the owner of an asset, the payee of a pledged contract), from GET /api/claims
  let claimsCache = { as_of: null, list: null };
  async function loadClaims() {
    if (!map) return;
    if (!state.claims) { map.setClaims(null); delete $("#map").dataset.claimsAsof; return; }
    const asOf = state.as_of;
    if (claimsCache.as_of !== asOf) {
      let r;
      try { r = await api("/api/claims?" + query()); }
      catch (e) { $("#map-status").textContent = "(claims: " + e.message + ")"; return; }
      const list = [];
      (r.collateral || []).forEach((c) => (c.claims_in_order || []).forEach((x) => {
        if (!x.lender || !c.owner) return;
        list.push({ pledge: x.pledge, source: x.lender, target: c.owner, loan: x.loan, borrower: x.borrower,
                    amount: x.amount, priority_label: x.priority_label, collateral: c.collateral,
                    collateral_type: c.collateral_type, collateral_kind: c.kind, description: c.description });
      }));
      claimsCache = { as_of: asOf, list };
    }
    if (state.claims && state.as_of === asOf) { map.setClaims(claimsCache.list); $("#map").dataset.claimsAsof = asOf; }
  }

  function renderDealsTable() {
    const rows = (net ? net.edges : []).slice().sort((a, b) => (b.amount || 0) - (a.amount || 0));
    $("#deals-caption").textContent = `Deal legs in view (${rows.length}, as of ${state.as_of})`;
    $("#deals-counting").textContent = (net && net.params && net.params.counting) || "";
    const q = ($("#company-search").value || "").trim().toLowerCase();
    $("#deals-table tbody").innerHTML = rows.filter((e) => !q || (names[e.source] || "").toLowerCase().includes(q) || (names[e.target] || "").toLowerCase().includes(q))
      .map((e) => `<tr data-deal="${esc(e.id)}" class="${state.company && (e.source === state.company || e.target === state.company) ? "selected" : ""}">
        <td><button type="button" data-company="${esc(e.source)}">${esc(names[e.source] || e.source)}</button></td>
        <td><button type="button" data-company="${esc(e.target)}">${esc(names[e.target] || e.target)}</button></td>
        <td>${esc(word(e.kind))}</td><td>${esc(word(e.status, "short"))}</td>
        <td class="num">${e.amount_low === e.amount_high || e.amount_low == null ? money(e.amount_high) : money(e.amount_low) + "–" + money(e.amount_high)}</td>
        <td>${esc(e.announced || "")}</td><td>${sourcesHtml(e.sources)}</td></tr>`).join("");
  }

  // ---------------------------------------------------------------- headline and cycles
  async function loadHeadline() {
    const seq = viewSeq;
    const stale = () => seq !== viewSeq;  // a newer view was asked for: drop this answer
    try {
      const s = await api("/api/summary?" + query());
      if (stale()) return;
      $("#fig-reaches").textContent = s.data_reaches ? "latest event " + s.data_reaches : "—";
    } catch (e) { $("#fig-reaches").textContent = "—"; }
    // the company panel's round-trip shares follow the filters (statuses and kinds shown)
    try {
      const c = await api("/api/circulation?" + query({ status: measureStatuses(), kind: state.kind }));
      if (stale()) return;
      window.__circulation = c;
    } catch (e) { window.__circulation = null; }
    // every share on the cards is a share of one base: the headline's (binding deals that move cash)
    try {
      const h = await api("/api/headline?" + query());
      if (stale()) return;
      const b = h.basis || {}, c = h.circulation || {};
      $("#fig-binding").textContent = "$" + money(b.binding) + " bn";
      $("#fig-paid").textContent = b.paid_legs ? "$" + money(b.paid) + " bn" : "not recorded";
      $("#fig-paid").title = `${b.paid_legs || 0} of ${b.legs || 0} legs have payment records (${pct(b.paid_share)} of the base)`;
      const loi = (b.outside || {}).announced_loi;
      $("#fig-promised").textContent = loi ? "$" + money(loi.amount) + " bn" : "—";
      $("#fig-circular").textContent = pct(c.share) + " ($" + money(c.total) + " bn)";
      $("#fig-cycles").textContent = h.cycles ? h.cycles.count + (h.cycles.complete ? "" : "+") : "—";
      $("#headline-counting").textContent = h.counting || "";
      const hints = (h.hints || []).map((x) => `<li class="hint-loop">${esc(x.text)}</li>`).join("");
      // the first two findings (the base, the cash paid) stay in sight; the others fold under
      // them so the map still starts on the first screen at 1440x900
      const fs = (h.findings || []).map((f) => `<li>${esc(f)}</li>`);
      const rest = fs.slice(2).join("");
      $("#findings").innerHTML = `<h3 id="findings-title">In short</h3><ul class="findings">` + fs.slice(0, 2).join("") + "</ul>" +
        (rest || hints ? `<details id="findings-more"><summary>${fs.length - 2} more findings: how much could go round, the largest loop, ` +
          `the significance test, if the largest player fails</summary><ul class="findings">${rest}</ul>` +
          (hints ? `<ul class="hints" id="headline-hints">${hints}</ul>` : "") + "</details>" : "");
      const lt = h.lookthrough;
      $("#lookthrough-note").textContent = lt && lt.low != null
        ? `Look-through (docs/methods.md 8): ${lt.investee_name}'s implied net loss in ${lt.period}, from ${lt.investor_name}'s filings, $${money(lt.low)}–${money(lt.high)} bn (derived; best estimate $${money(lt.estimate)} bn).`
        : "";
      window.__headline = h;
    } catch (e) {
      for (const id of ["#fig-binding", "#fig-paid", "#fig-promised", "#fig-circular"]) $(id).textContent = e.status === 501 ? "not available" : "—";
      $("#findings").innerHTML = `<p class="error">${esc(errorText(e))}</p>`;
    }
  }

  async function loadCycles() {
    const list = $("#cycle-list"), body = $("#cycles-table tbody");
    const seq = viewSeq;
    try {
      const r = await api("/api/cycles?" + query({ status: measureStatuses(), kind: state.kind }));
      if (seq !== viewSeq) return;
      cycles = r.cycles || [];
      $("#cycles-counting").textContent = r.counting || "";
    } catch (e) {
      if (seq !== viewSeq) return;
      cycles = [];
      list.innerHTML = `<li>${esc(e.status === 501 ? "Cycles are not available in this version." : e.message)}</li>`;
      body.innerHTML = "";
      return;
    }
    cycles.sort((a, b) => (b.bottleneck || 0) - (a.bottleneck || 0));
    const label = (c) => c.names.concat([c.names[0]]).join(" → ");
    const key = (c) => c.nodes.join(">");
    list.innerHTML = cycles.length ? cycles.map((c, i) => `<li><button type="button" data-cycle="${esc(key(c))}" aria-pressed="${state.cycle === key(c)}">
        ${esc(label(c))} <span class="hint">· bottleneck ${c.bottleneck == null ? "unknown" : "$" + money(c.bottleneck) + " bn"}</span></button></li>`).join("")
      : "<li>No cycle among the binding deals shown.</li>";
    $("#cycles-caption").textContent = `Cycles (${cycles.length}, binding deals, as of ${state.as_of})`;
    body.innerHTML = cycles.map((c, i) => `<tr><td>${i + 1}</td><td><button type="button" data-cycle="${esc(key(c))}">${esc(label(c))}</button></td>
      <td class="num">${money(c.bottleneck)}</td><td>${esc((c.kinds || []).map((k) => word(k, "short")).join(", "))}</td></tr>`).join("");
    if (state.cycle) highlightCycle(state.cycle, false);
  }

  function highlightCycle(k, toggle) {
    if (toggle && state.cycle === k) k = null;
    state.cycle = k;
    writeURL();
    $$("[data-cycle]").forEach((b) => { if (b.hasAttribute("aria-pressed")) b.setAttribute("aria-pressed", String(b.dataset.cycle === k)); });
    if (!map) return;
    const c = k ? cycles.find((x) => x.nodes.join(">") === k) : null;
    if (!c) { map.highlightCycle(null); if (state.company) map.select(state.company, false); return; }
    const deals = new Set();
    (c.hops || []).forEach((h) => (h.deals || []).forEach((d) => deals.add(d)));
    map.highlightCycle({ nodes: c.nodes, deals });
  }

  // ---------------------------------------------------------------- company panel
  function selectCompany(id) {
    state.company = id;
    writeURL();
    showCompanySelection();
    loadCompany(id);
  }
  function showCompanySelection() {
    if (map) map.select(state.company);
    renderDealsTable();
  }
  async function loadCompany(id) {
    const box = $("#company-body");
    box.innerHTML = "<p>Loading…</p>";
    let c;
    try { c = await api(`/api/companies/${encodeURIComponent(id)}?` + query()); }
    catch (e) { box.innerHTML = `<p class="error">${esc(e.message)}</p>`; return; }
    const co = c.company;
    $("#company-title").textContent = co.name;
    const circ = window.__circulation && (window.__circulation.companies || []).find((r) => r.node === co.id);
    const val = (c.facts || []).filter((f) => /market_cap|valuation/.test(f.metric)).slice(-1)[0];
    let html = `<dl class="kv"><dt>Type</dt><dd>${esc(co.type)}${co.country ? ", " + esc(co.country) : ""}</dd>
      <dt>Valuation</dt><dd>${val ? "$" + money(val.value) + " bn (" + esc(val.metric) + ", " + esc(val.as_of) + ", " + sourcesHtml(val.sources) + ")" : "none on record"}</dd>
      <dt>Round-trip share</dt><dd id="company-roundtrip">${circ && circ.round_trip_share != null ? pct(circ.round_trip_share) + ` of what it receives from the network could be money going round ($${money(circ.circular_flow)} of $${money(circ.inflow)} bn)` + (circ.basis && circ.basis !== "unique" ? `; range ${pct(circ.round_trip_min)}–${pct(circ.round_trip_max)} (${esc(circ.basis)})` : "") : "none: it receives no binding money on a cycle"}</dd></dl>`;
    html += `<h3>Deals (${c.deals.length})</h3><div class="tablebox" tabindex="0" role="region" aria-label="Deals of ${esc(co.name)}"><table id="company-deals"><thead><tr><th scope="col">Counterparty</th><th scope="col">Kind, status</th><th scope="col" class="num">USD bn</th><th scope="col" class="num">Paid (recorded)</th><th scope="col">Sources</th></tr></thead><tbody>` +
      c.deals.map((d) => {
        const out = d.payer === co.id;
        return `<tr><td>${out ? "pays " + esc(d.payee_name) : "from " + esc(d.payer_name)}</td><td>${esc(d.kind.replace(/_/g, " "))}, ${esc(d.status.replace(/_/g, " "))}</td><td class="num">${money(d.amount_high == null ? d.amount_low : d.amount_high)}</td><td class="num">${d.paid == null ? "—" : money(d.paid)}</td><td>${sourcesHtml(d.sources)}</td></tr>`;
      }).join("") + "</tbody></table></div>";
    html += claimsTables(co, c.secured_by || [], c.pledged_to || []);
    (c.backlog || []).forEach((b) => {
      html += `<h3>Backlog</h3><dl class="kv" id="company-backlog"><dt>Remaining performance obligations</dt><dd>$${money(b.backlog)} bn (${esc(b.backlog_metric)}, ${esc(b.backlog_as_of)})</dd>` +
        (b.customer ? `<dt>Tied to one customer</dt><dd>${esc(b.customer.replace(/_/g, " "))}: ${b.customer_share}% (about $${money(b.customer_amount)} bn, derived; ${esc(b.customer_share_as_of)})</dd>` : "") +
        `<dt>Contracts in view it holds</dt><dd>${b.contracts}: $${money(b.contracts_amount)} bn, $${money(b.contracts_to_pay)} bn still to pay (${esc((b.deals || []).join(", "))})</dd></dl>`;
    });
    html += `<h3>Exposure</h3><div id="company-exposure"><p class="hint">Loading…</p></div><h3>Promises</h3><div id="company-promises"><p class="hint">Loading…</p></div>`;
    box.innerHTML = html;
    loadExposure(co.id);
    loadPromises(co.id);
  }
  // what secures the loans of the company, and what it pledged (GET /api/companies/{id}:
  // secured_by and pledged_to; docs/claims.md), in words, with the sources as links
  const ROLE_WORDS = { owner: "its asset", receivables: "receivables of a contract it is paid under",
                       payer: "a contract it pays, whose receivables the payee pledged" };
  function claimsTables(co, secured, pledged) {
    const who = (id) => esc(names[id] || String(id || "").replace(/-/g, " "));
    const what = (x) => `${esc(x.description || x.collateral)} <span class="hint">(${esc(word(x.kind))}${x.collateral_type === "contract" ? ", a contract" : ""})</span>`;
    const tail = (x) => `<td>${esc(x.priority_label || "not stated")}</td><td class="num">${x.amount == null ? "not known" : money(x.amount)}</td>` +
      `<td class="num">${pct(x.share)}</td><td>${sourcesHtml(x.source_refs)}</td>`;
    const head = (first, second) => `<thead><tr><th scope="col">${first}</th><th scope="col">${second}</th><th scope="col">Loan</th><th scope="col">Priority</th>` +
      `<th scope="col" class="num">USD bn</th><th scope="col" class="num">Share of the loan</th><th scope="col">Sources</th></tr></thead>`;
    let html = `<h3>Secured by (${secured.length})</h3>`;
    html += secured.length ? `<div class="tablebox" tabindex="0" role="region" aria-label="What secures the loans of ${esc(co.name)}"><table id="company-secured-by">` +
      head("Collateral", "Lender") + "<tbody>" + secured.map((x) => `<tr data-pledge="${esc(x.pledge)}"><td>${what(x)}</td>` +
        `<td>${x.role === "lender" ? "it lends, to " + who(x.borrower) : who(x.lender)}</td><td>${esc(x.loan)}</td>${tail(x)}</tr>`).join("") + "</tbody></table></div>"
      : '<p class="hint" id="company-secured-by-none">No collateral recorded for its loans.</p>';
    html += `<h3>Pledged to (${pledged.length})</h3>`;
    html += pledged.length ? `<div class="tablebox" tabindex="0" role="region" aria-label="What ${esc(co.name)} pledged"><table id="company-pledged-to">` +
      head("What is pledged", "To (lender)") + "<tbody>" + pledged.map((x) => `<tr data-pledge="${esc(x.pledge)}"><td>${what(x)}<br><span class="hint">${esc(ROLE_WORDS[x.role] || word(x.role))}</span></td>` +
        `<td>${who(x.lender)}</td><td>${esc(x.loan)} <span class="hint">(borrower ${who(x.borrower)})</span></td>${tail(x)}</tr>`).join("") + "</tbody></table></div>"
      : '<p class="hint" id="company-pledged-to-none">No pledges of its assets or contracts recorded.</p>';
    return html;
  }
  async function loadExposure(id) {
    const box = $("#company-exposure");
    try {
      const e = await api("/api/exposure?" + query({ company: id, status: measureStatuses() }));
      const r = (e.companies || [])[0];
      if (!r) { box.innerHTML = "<p>Receives no binding money in view.</p>"; return; }
      box.innerHTML = `<dl class="kv"><dt>Inflow</dt><dd>$${money(r.inflow)} bn${r.inflow_complete ? "" : " (at least)"}</dd>
        <dt>Largest payer</dt><dd>${esc(r.top_counterparty_name || "—")} (${pct(r.top_share)})</dd>
        <dt>Concentration (HHI)</dt><dd>${r.hhi == null ? "—" : r.hhi.toFixed(2)}</dd>
        <dt>Circular inflow</dt><dd>$${money(r.circular_inflow)} bn</dd>
        <dt>Inflow / backlog</dt><dd>${pct(r.inflow_share_of_backlog)}</dd>
        <dt>Inflow / market value</dt><dd>${pct(r.inflow_share_of_market_value)}</dd></dl>`;
    } catch (err) { box.innerHTML = `<p class="hint">${esc(err.status === 501 ? "Exposure is not available in this version." : err.message)}</p>`; }
  }
  async function loadPromises(id) {
    const box = $("#company-promises");
    try {
      const p = await api("/api/promises?" + query({ company: id }));
      const rows = Object.entries(p.by_status || {}).filter(([, v]) => v.count);
      box.innerHTML = rows.length ? `<table><thead><tr><th scope="col">Status</th><th scope="col" class="num">Legs</th><th scope="col" class="num">High (USD bn)</th></tr></thead><tbody>` +
        rows.map(([k, v]) => `<tr><td>${esc((p.status_labels || {})[k] || k)}</td><td class="num">${v.count}</td><td class="num">${money(v.high)}</td></tr>`).join("") + "</tbody></table>"
        : "<p>No deals in view.</p>";
    } catch (err) { box.innerHTML = `<p class="hint">${esc(err.status === 501 ? "Promises are not available in this version." : err.message)}</p>`; }
  }

  // ---------------------------------------------------------------- stress test
  async function runStress() {
    const out = $("#stress-result");
    const f = $("#stress-form");
    const body = { fail: [f.fail.value], loss_basis: f.loss_basis.value, lag_quarters: Number(f.lag_quarters.value),
                   model: f.model.value, as_of: state.as_of };
    if (f.recovery.value !== "") body.recovery = Number(f.recovery.value);
    if (f.substitution.value !== "") body.substitution = Number(f.substitution.value);
    if (body.model === "clearing") body.external_assets = f.external_assets.value;
    out.innerHTML = "<p>Running…</p>";
    let r;
    try {
      r = await api("/api/stress", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) });
    } catch (e) {
      out.innerHTML = `<p class="${e.status === 501 ? "hint" : "error"}">${esc(e.status === 501 ? "The stress test is not available in this version: " + e.message : errorText(e))}</p>`;
      return;
    }
    const all = stressRows(r);
    const rows = all.filter((x) => x.loss > 0).sort((a, b) => b.loss - a.loss);
    const who = (r.fail || body.fail).map((x) => names[x] || x).join(", ");
    const t = r.totals || {};
    const basis = r.loss_basis || "economic";
    const comps = Object.entries(t.components || {}).filter(([, v]) => Math.abs(v) > 0.005);
    const compNames = Object.keys((r.companies[0] || {}).components || {}).filter((k) => comps.some(([c]) => c === k));
    out.innerHTML = barChart(rows.slice(0, 15), `${basis === "economic" ? "Economic losses" : "Gross losses"} of others if ${esc(who)} fails (USD bn)`) +
      `<p id="stress-totals">Total loss to others: <strong>$${money(t.total_loss)} bn</strong> on the ${esc(basis)} basis
       (economic $${money(t.total_loss_economic)} bn; gross upper bound $${money(t.total_loss_gross)} bn; direct $${money(t.direct_loss)} bn,
       knock-on $${money(t.indirect_loss)} bn); ${t.defaults ?? 0} other companies default, ${t.distressed ?? 0} are distressed, ${t.hit ?? 0} lose something.</p>` +
      (r.sentence ? `<p id="stress-sentence">${esc(r.sentence)}</p>` : "") +
      basesTable(r, comps) +
      `<details><summary>All losses as a table</summary><table id="stress-table"><thead><tr><th scope="col">Company</th><th scope="col" class="num">Loss (USD bn)</th><th scope="col" class="num">Gross bound</th><th scope="col" class="num">Loss / buffer</th><th scope="col">State</th>` +
      compNames.map((k) => `<th scope="col" class="num">${esc(k.replace(/_/g, " "))}</th>`).join("") + `</tr></thead><tbody>` +
      rows.map((x) => `<tr><td>${esc(x.name)}</td><td class="num">${money(x.loss)}</td><td class="num">${money(x.gross)}</td><td class="num">${pct(x.share)}${x.flag ? " (" + esc(x.flag) + " buffer)" : ""}</td><td>${esc(x.state)}</td>` +
        compNames.map((k) => `<td class="num">${money((x.components || {})[k])}</td>`).join("") + "</tr>").join("") +
      "</tbody></table></details>" + absorbTable(r) +
      `<p class="counting" id="stress-assumptions">${esc(r.footer || "")}</p>` + assumptionsTable(r) +
      "<p class=\"hint\">Map colours: share of each company's buffer lost (white none, dark red all); the failing company is drawn black.</p>";
    colourByLoss(all);
  }
  // the economic and gross views side by side; the components are the result's own list
  // (whatever the stress engine names), each in the column of the basis it was computed on
  function basesTable(r, comps) {
    const t = r.totals || {};
    const econ = (r.loss_basis || "economic") === "economic";
    const side = (v) => econ ? `<td class="num">${v}</td><td class="num">—</td>` : `<td class="num">—</td><td class="num">${v}</td>`;
    return `<table id="stress-bases"><caption>Economic losses beside the gross bound (USD bn)</caption><thead><tr><th scope="col"></th>` +
      `<th scope="col" class="num">Economic (what creditors lose)</th><th scope="col" class="num">Gross (face value, upper bound)</th></tr></thead><tbody>` +
      `<tr><th scope="row">Total loss to others</th><td class="num">${money(t.total_loss_economic)}</td><td class="num">${money(t.total_loss_gross)}</td></tr>` +
      `<tr><th scope="row">Other companies that default</th>${econ ? `<td class="num">${t.defaults ?? 0}</td><td class="num">${t.defaults_gross ?? "—"}</td>` : `<td class="num">—</td><td class="num">${t.defaults ?? 0}</td>`}</tr>` +
      (t.total_loss_without_substitution != null ? `<tr><th scope="row">Without the market's reconfiguration</th>${side(money(t.total_loss_without_substitution))}</tr>` : "") +
      comps.map(([k, v]) => `<tr class="component" data-component="${esc(k)}"><th scope="row">${esc(k.replace(/_/g, " "))}</th>${side(money(v))}</tr>`).join("") +
      "</tbody></table>";
  }
  function assumptionsTable(r) {
    const a = r.assumptions || [];
    if (!a.length) return "";
    return `<details id="stress-assumption-list"><summary>Assumptions used (${a.length}; each is an option of the same name)</summary><table><thead><tr><th scope="col">Assumption</th><th scope="col">Value</th><th scope="col">Basis</th><th scope="col">Source</th></tr></thead><tbody>` +
      a.map((x) => `<tr><td>${esc(String(x.name).replace(/_/g, " "))}</td><td>${esc(String(x.value))}${x.unit ? " " + esc(x.unit) : ""}</td><td>${esc(x.basis || "")}</td><td>${esc(x.source || "")}${x.url ? ` <a href="${esc(x.url)}" rel="noopener noreferrer" target="_blank">source</a>` : ""}</td></tr>`).join("") +
      "</tbody></table></details>";
  }
  function absorbTable(r) {
    const rc = r.reconfiguration || [];
    if (!rc.length) return "";
    return `<details id="stress-absorbs"><summary>Who absorbs what</summary><table><thead><tr><th scope="col">Role</th><th scope="col">Company</th><th scope="col">From</th><th scope="col">Kind</th><th scope="col" class="num">Freed or demanded</th><th scope="col" class="num">Absorbed</th><th scope="col" class="num">Earns</th></tr></thead><tbody>` +
      rc.map((x) => `<tr><td>${esc(x.role.replace(/_/g, " "))}</td><td>${esc(x.company)}</td><td>${esc(x.from_company)}</td><td>${esc(x.kind)}</td><td class="num">${money(x.demand)}</td><td class="num">${money(x.absorbed)}</td><td class="num">${money(x.earns)}</td></tr>`).join("") +
      "</tbody></table></details>";
  }
  function stressRows(r) {
    return (r.companies || []).map((c) => ({
      id: c.company, name: c.name || names[c.company] || c.company, loss: Number(c.loss) || 0, gross: c.loss_gross,
      share: c.loss_share, h: c.h === undefined || c.h === null ? c.loss_share : c.h, round: c.round, flag: c.buffer_flag,
      components: c.components,
      state: c.failed ? "failed (shocked)" : c.state === "defaulted" ? `defaulted in wave ${c.wave}` : c.state === "no_buffer" ? "no buffer figure" : c.state === "distressed" ? "distressed" : "",
    }));
  }
  function barChart(rows, title) {
    if (!rows.length) return `<p>No company loses anything in this scenario.</p>`;
    const w = 360, bar = 16, gap = 4, left = 120, h = rows.length * (bar + gap) + 24;
    const max = Math.max(...rows.map((x) => x.loss));
    const bars = rows.map((x, i) => {
      const y = 20 + i * (bar + gap), len = Math.max(1, (w - left - 60) * x.loss / max);
      return `<text x="${left - 4}" y="${y + bar - 4}" text-anchor="end">${esc(x.name.slice(0, 18))}</text>
        <rect x="${left}" y="${y}" width="${len.toFixed(1)}" height="${bar}" fill="${lossColour(x.share)}" stroke="#57606a"></rect>
        <text x="${left + len + 4}" y="${y + bar - 4}">${money(x.loss)}</text>`;
    }).join("");
    return `<svg id="loss-chart" class="bars" viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="loss-chart-title">
      <title id="loss-chart-title">${title}</title><text x="0" y="12" font-weight="700">${title}</text>${bars}</svg>`;
  }
  function lossColour(share) {
    if (share === null || share === undefined) return "#f4a582";
    // square root: a tenth of the buffer lost is already clearly tinted
    const s = Math.sqrt(Math.max(0, Math.min(1, share)));
    const r = 255, g = Math.round(235 - 200 * s), b = Math.round(220 - 200 * s);
    return `rgb(${r},${g},${b})`;
  }
  function colourByLoss(rows) {
    if (!cy) return;
    cy.nodes().removeClass("stressed");
    let n = 0;
    rows.forEach((x) => {
      const node = cy.getElementById(x.id);
      if (node.empty() || !(x.h > 0)) return;
      node.data("stress", x.round === 0 ? "#111111" : lossColour(x.h));
      node.addClass("stressed");
      n += 1;
    });
    $("#map").dataset.stressed = n;
  }

  // ---------------------------------------------------------------- editing
  function sourceOf(form) {
    const id = form.src_id.value.trim();
    if (id) return id;
    const s = { url: form.src_url.value.trim(), publisher: form.src_publisher.value.trim(), type: form.src_type.value };
    if (form.src_date.value.trim()) s.date = form.src_date.value.trim();
    return s;
  }
  function fieldValue(el) {
    const kind = el.dataset.kind, v = el.type === "checkbox" ? el.checked : el.value.trim();
    if (kind === "bool") return Boolean(v);
    if (v === "") return kind === "list" ? [] : null;
    if (kind === "float") return Number(v);
    if (kind === "int") return parseInt(v, 10);
    if (kind === "list") return v.split("|").map((x) => x.trim());
    return v;
  }
  function editMessage(form, text, ok) {
    // next to the form's button (announced), and as the panel's latest message
    const html = `<p class="${ok ? "ok" : "error"}">${esc(text)}</p>`;
    form.querySelector(".form-message").innerHTML = html;
    $("#edit-message").innerHTML = html;
  }
  function errorText(e) {
    const errs = (e.body && e.body.errors) || [];
    return e.message + (errs.length > 1 ? " — " + errs.map((x) => `${x.field}: ${x.reason}`).join("; ") : "");
  }
  async function send(method, path, body) {
    return api(path, { method, headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf() }, body: JSON.stringify(body) });
  }
  function wireEditing() {
    const add = $("#add-deal-form");
    if (!add) return;
    add.addEventListener("submit", async () => {
      const deal = {};
      add.querySelectorAll("[data-kind]").forEach((el) => { const v = fieldValue(el); if (v !== null) deal[el.name] = v; });
      try {
        const r = await send("POST", "/api/deals", { deal, status: add.status.value, date: add.date.value.trim(), source: sourceOf(add) });
        editMessage(add, `Added deal ${r.id}.`, true);
        await refresh();
      } catch (e) { editMessage(add, errorText(e), false); }
    });
    const ev = $("#add-event-form");
    ev.addEventListener("submit", async () => {
      const body = { status: ev.status.value, date: ev.date.value.trim(), source: sourceOf(ev) };
      if (ev.note.value.trim()) body.note = ev.note.value.trim();
      try { const r = await send("POST", `/api/deals/${encodeURIComponent(ev.deal.value.trim())}/events`, body); editMessage(ev, `Recorded status event ${r.id}.`, true); await refresh(); }
      catch (e) { editMessage(ev, errorText(e), false); }
    });
    const am = $("#amend-form");
    let version = null;
    $("#amend-load").addEventListener("click", async () => {
      try {
        const d = await api(`/api/deals/${encodeURIComponent(am.deal.value.trim())}`);
        version = d.version;
        $("#amend-version").textContent = `Editing version ${d.version} of ${d.id} (${d.payer} → ${d.payee}, ${word(d.kind)}).`;
        am.dataset.deal = JSON.stringify(d);
        showAmendValue();
      } catch (e) { editMessage(am, errorText(e), false); }
    });
    function showAmendValue() {
      if (!am.dataset.deal) return;
      const d = JSON.parse(am.dataset.deal), v = d[am.field.value];
      am.value.value = v == null ? "" : Array.isArray(v) ? v.join("|") : String(v);
    }
    am.field.addEventListener("change", showAmendValue);
    am.addEventListener("submit", async () => {
      if (version === null) { editMessage(am, "Load the deal first.", false); return; }
      const opt = am.field.selectedOptions[0];
      const val = fieldValue({ type: "text", value: am.value.value, dataset: { kind: opt.dataset.kind } });
      try {
        const r = await send("PATCH", `/api/deals/${encodeURIComponent(am.deal.value.trim())}`,
          { changes: { [am.field.value]: val }, expected_version: version, source: sourceOf(am), reason: am.reason.value.trim() });
        version = r.version;
        editMessage(am, `Amended ${r.id}: now version ${r.version}.`, true);
        await refresh();
      } catch (e) { editMessage(am, errorText(e), false); }
    });
    const rt = $("#retract-form");
    rt.addEventListener("submit", async () => {
      const id = rt.deal.value.trim();
      try {
        const d = await api(`/api/deals/${encodeURIComponent(id)}`);
        const r = await send("POST", `/api/deals/${encodeURIComponent(id)}/retract`, { reason: rt.reason.value.trim(), expected_version: d.version, source: sourceOf(rt) });
        editMessage(rt, `Retracted ${r.id}.`, true);
        await refresh();
      } catch (e) { editMessage(rt, errorText(e), false); }
    });
  }

  // ---------------------------------------------------------------- controls
  let timer = null;
  function refreshSoon() { clearTimeout(timer); timer = setTimeout(refresh, 200); }
  async function refresh() {
    viewSeq += 1;
    writeURL();
    syncControls();
    await Promise.all([loadNetwork(), loadHeadline()]);
    await loadCycles();
    if (state.company) loadCompany(state.company);
  }
  function wireControls() {
    slider.addEventListener("input", () => { state.as_of = monthDate(Number(slider.value)); $("#asof-label").textContent = state.as_of; refreshSoon(); });
    $("#asof-date").addEventListener("change", (e) => { if (/^\d{4}-\d{2}-\d{2}$/.test(e.target.value)) { state.as_of = e.target.value; refreshSoon(); } });
    $$('input[name=status]').forEach((x) => x.addEventListener("change", () => { state.status = $$('input[name=status]:checked').map((y) => y.value); refreshSoon(); }));
    $$('input[name=kind]').forEach((x) => x.addEventListener("change", () => { state.kind = $$('input[name=kind]:checked').map((y) => y.value); refreshSoon(); }));
    $("#min-amount").addEventListener("change", (e) => { const v = e.target.value.trim(); state.min = v === "" || Number(v) < 0 ? null : Number(v); refreshSoon(); });
    const search = $("#company-search");
    search.addEventListener("input", () => {
      renderDealsTable();
      const q = search.value.trim().toLowerCase();
      if (cy) { cy.nodes().removeClass("hl"); if (q) cy.nodes().filter((n) => n.data("name").toLowerCase().includes(q)).addClass("hl"); }
    });
    search.addEventListener("change", () => {
      const q = search.value.trim().toLowerCase();
      const hit = net && net.nodes.find((n) => n.name.toLowerCase() === q || n.id === q);
      if (hit) selectCompany(hit.id);
    });
    $("#reset").addEventListener("click", () => {
      Object.assign(state, { as_of: TODAY, status: ALL_STATUSES.slice(), kind: ALL_KINDS.slice(), min: null, company: null, cycle: null });
      search.value = ""; $("#company-title").textContent = "Company";
      $("#company-body").innerHTML = '<p class="hint">Click a company on the map, pick it in the table or search for it.</p>';
      refresh();
    });
    $("#share").addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(location.href); $("#map-status").textContent = "(link copied)"; }
      catch (e) { $("#map-status").textContent = "(copy this page's address to share the view)"; }
    });
    let playing = null;
    $("#play").addEventListener("click", () => {
      if (playing) { clearInterval(playing); playing = null; $("#play").textContent = "▶ Replay"; return; }
      let i = 0;
      $("#play").textContent = "■ Stop";
      playing = setInterval(() => {
        state.as_of = monthDate(i); syncControls(); writeURL(); loadNetwork();
        i += 3;
        if (i > MAX) { clearInterval(playing); playing = null; state.as_of = TODAY; $("#play").textContent = "▶ Replay"; refresh(); }
      }, 350);
    });
    document.addEventListener("click", (ev) => {
      const c = ev.target.closest("[data-company]");
      if (c) { selectCompany(c.dataset.company); $("#company-panel").focus(); return; }
      const k = ev.target.closest("[data-cycle]");
      if (k) highlightCycle(k.dataset.cycle, true);
    });
    $("#stress-form").addEventListener("submit", runStress);
    $("#show-all").addEventListener("change", (e) => { state.all = e.target.checked; writeURL(); if (map) map.setAll(state.all); });
    $("#show-claims").addEventListener("change", (e) => { state.claims = e.target.checked; writeURL(); loadClaims(); });
  }

  // for the browser tests and the curious: the map and the view state
  window.loopledger = { get cy() { return cy; }, get map() { return map; }, state, word };

  readURL();
  syncControls();
  initMap();
  wireControls();
  wireEditing();
  api("/api/vocabulary").then((v) => { vocab = v; }).catch(() => { vocab = {}; })
    .then(refresh).then(() => { document.body.dataset.ready = "1"; });
})();
