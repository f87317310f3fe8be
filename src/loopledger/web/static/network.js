/* loopledger: the page of a user's network (loopledger serve --edges FILE), drawn by map.js.
   The URL holds the level (?group=g3/g0), the selected company (?company=) and ?all=1. */
(function () {
  "use strict";
  const $ = (sel) => document.querySelector(sel);
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const money = (x) => x == null ? "—" : Number(x).toLocaleString("en-US", { maximumFractionDigits: x < 10 ? 2 : 1 });
  const p = new URLSearchParams(location.search);
  const state = { group: p.get("group") || "", company: p.get("company") || null, all: p.get("all") === "1" };
  let data = null, seq = 0, firstDone = false;

  const map = window.LoopMap({
    container: $("#map"), tip: $("#tip"), legend: $("#legend"), note: $("#map-core"),
    onTapNode: (id, d) => { if (d.group) { state.company = null; load({ group: d.open }); } else select(id); },
    onBackground: () => select(null),
  });
  window.loopledger = { get cy() { return map && map.cy; }, get map() { return map; }, state };

  function writeURL() {
    const q = new URLSearchParams();
    if (state.group) q.set("group", state.group);
    if (state.company) q.set("company", state.company);
    if (state.all) q.set("all", "1");
    history.replaceState(null, "", location.pathname + (q.toString() ? "?" + q : ""));
  }
  function select(id) {
    state.company = id;
    writeURL();
    if (map) map.select(id);
    renderTable();
  }
  async function load(q) {
    const mine = ++seq;
    $("#map-status").textContent = "(loading…)";
    const query = new URLSearchParams();
    if (q.focus) query.set("focus", q.focus); else if (q.group) query.set("group", q.group);
    const r = await fetch("/api/network?" + query, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({ detail: r.statusText }));
    if (mine !== seq) return false;
    if (!r.ok) { $("#map-status").textContent = ""; throw new Error(body.detail || r.statusText); }
    data = body;
    state.group = data.path || "";
    if (data.focus) state.company = data.focus;
    if (map) map.render(data, { all: state.all });
    if (state.company && map) map.select(state.company);
    writeURL();
    const c = data.counts, d = data.drawn || {};
    $("#map-status").textContent = data.mode === "groups"
      ? `(${c.companies.toLocaleString()} companies in ${d.of_groups} groups; the ${d.flows} largest of ${d.of_flows} flows between groups drawn)`
      : `(${d.companies} of ${c.companies.toLocaleString()} companies; ${d.flows} of ${d.of_flows} flows drawn)`;
    $("#map").dataset.group = state.group;
    $("#map").dataset.level = data.mode;
    renderCrumbs();
    renderTable();
    if (!firstDone) {
      firstDone = true;
      // painted: Cytoscape draws on the next animation frames
      requestAnimationFrame(() => requestAnimationFrame(() => {
        window.loopledgerFirstRender = performance.now();
        document.body.dataset.ready = "1";
      }));
    }
    return true;
  }
  function renderCrumbs() {
    const crumbs = data.crumbs || [];
    $("#crumbs").innerHTML = "<ol>" + crumbs.map((k, i) => i === crumbs.length - 1
      ? `<li aria-current="page">${esc(k.name)}</li>`
      : `<li><button type="button" class="link" data-group="${esc(k.path)}">${esc(k.name)}</button></li>`).join("") + "</ol>";
  }
  function renderTable() {
    if (!data) return;
    const names = {};
    (data.nodes || []).forEach((n) => { names[n.id] = n.name; });
    const rows = (data.flows || []).filter((f) => !state.company || f.source === state.company || f.target === state.company);
    $("#flows-caption").textContent = state.company ? `Flows of ${names[state.company] || state.company} drawn (${rows.length})` : `Flows drawn (${rows.length}), largest first`;
    $("#flows-table tbody").innerHTML = rows.map((f) => `<tr><td>${esc(names[f.source] || f.source)}</td><td>${esc(names[f.target] || f.target)}</td><td class="num">${money(f.amount)}${f.complete ? "" : " (at least)"}</td><td class="num">${f.legs.toLocaleString()}</td></tr>`).join("");
  }

  $("#crumbs").addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-group]");
    if (b) { state.company = null; load({ group: b.dataset.group }); }
  });
  $("#net-search").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = $("#net-find").value.trim();
    if (!q) return;
    $("#net-find-message").textContent = "";
    try { await load({ focus: q }); $("#net-find-message").textContent = `showing ${q}`; }
    catch (e) { $("#net-find-message").textContent = e.message; }
  });
  $("#show-all").checked = state.all;
  $("#show-all").addEventListener("change", (ev) => { state.all = ev.target.checked; writeURL(); if (map) { map.setAll(state.all); if (state.company) map.select(state.company, false); } });

  fetch("/api/vocabulary").then((r) => r.json()).then((v) => { if (map) map.words = v; }).catch(() => {})
    .then(() => load({ group: state.group }))
    .catch((e) => { $("#map-status").textContent = "(" + e.message + ")"; document.body.dataset.ready = "1"; });
})();
