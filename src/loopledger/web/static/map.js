/* loopledger map: draws an answer of GET /api/network with the vendored Cytoscape.js.
   Used by the dashboard (app.js) and by the page of a user's network (network.js).

   What it does with the server's answer (see web/graph.py and docs/web.md):
   - draws one arrow per flow (the legs from one payer to one payee of one kind drawn alike),
     as wide as the server says (square root of the dollars), with dollar figures on the
     largest flows where they fit;
   - opens on the core (the companies carrying most of the binding dollars); setAll(true)
     shows every company;
   - fits the server's positions to the canvas (turned a quarter when the canvas is portrait
     and the layout landscape, or the other way round), then moves nodes apart until no two
     node boxes (the node and its label, from Cytoscape's own bounding boxes) overlap. The same
     answer in the same canvas always gives the same picture;
   - a tooltip for the element under the pointer (dimmed elements take no pointer events, and
     the tip is hidden whenever the map changes), a legend drawn from the answer's words;
   - select(id): the company, its links and its counterparties stand out, the rest is dimmed,
     and the map zooms to them (counterparties outside the core are shown for the time);
   - setClaims(list): the claims overlay (docs/web.md), one edge of class "claim" per pledge
     from the lender to the owner of the collateral, drawn dash-dot in its own colour, only
     where both ends are nodes of the answer; setClaims(null) removes it. Claim edges carry no
     deal legs: dollar figures, selections and cycles count only the deal edges.
   Nothing here is inline in the page, so a strict Content-Security-Policy works. */
(function () {
  "use strict";

  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  function money(x) {
    if (x === null || x === undefined || Number.isNaN(x)) return "—";
    return Number(x).toLocaleString("en-US", { maximumFractionDigits: x < 10 ? 2 : 1 });
  }
  function short(x) {  // "$300B", "$1.5B", "$0.25B"
    if (x === null || x === undefined) return "";
    const d = x >= 10 ? 0 : x >= 1 ? 1 : 2;
    return "$" + Number(x).toLocaleString("en-US", { maximumFractionDigits: d }) + "B";
  }
  const DASH = { solid: "", dashed: ' stroke-dasharray="6 3"', dotted: ' stroke-dasharray="2 3"', claim: ' stroke-dasharray="8 3 2 3"' };
  // the claims overlay: a colour no deal kind or company type uses, and a dash-dot line
  const CLAIM = "#5e3c99";
  function lineSvg(line, opacity, width, colour) {
    const w = Math.max(1, width || 3);
    return `<svg class="linekey" width="30" height="${Math.max(8, Math.ceil(w) + 4)}" aria-hidden="true"><line x1="1" y1="${(Math.max(8, Math.ceil(w) + 4)) / 2}" x2="29" y2="${(Math.max(8, Math.ceil(w) + 4)) / 2}" stroke="${esc(colour || "#1b1f24")}" stroke-width="${w}" stroke-opacity="${opacity == null ? 1 : opacity}"${DASH[line] || ""}/></svg>`;
  }
  function dotSvg(colour, double) {
    return `<svg class="dot" width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="${double ? 4 : 5}" fill="${esc(colour)}" stroke="#57606a" stroke-width="${double ? 2 : 1}"/></svg>`;
  }

  function LoopMap(opts) {
    const container = opts.container, tip = opts.tip, legendBox = opts.legend, note = opts.note;
    const words = () => opts.words || {};
    let cy = null, data = null, all = false, selected = null, cycle = null, names = {}, legs = {}, claimList = null;
    const extras = new Set();
    let lastSize = "";

    function P() {  // sizes for the canvas: a phone draws smaller nodes, never smaller text than 11 px
      const phone = container.clientWidth < 600;
      return phone ? { font: 11, wrap: 84, node: 0.72, edge: 0.8, money: 5, pad: 3 }
                   : { font: 12.5, wrap: 124, node: 1, edge: 1, money: 8, pad: 4 };
    }
    function style(p) {
      return [
        { selector: "node", style: {
            width: "data(px)", height: "data(px)", "background-color": "data(colour)", label: "data(name)",
            "font-size": p.font, "text-wrap": "wrap", "text-max-width": p.wrap, "text-valign": "bottom",
            "text-halign": "center", "text-margin-y": 3, color: "#1b1f24", "text-outline-color": "#fff",
            "text-outline-width": 2, "text-events": "no", "min-zoomed-font-size": 5,
            "border-width": 1, "border-color": "#57606a", "z-index": 2 } },
        { selector: "node.group", style: { "border-width": 4, "border-style": "double", "border-color": "#1b1f24" } },
        { selector: "node.off", style: { display: "none" } },
        { selector: "edge", style: {
            width: "data(px)", "line-color": "data(colour)", "target-arrow-color": "data(colour)",
            "target-arrow-shape": "triangle", "arrow-scale": 0.9, "curve-style": "bezier",
            "control-point-step-size": 20, "line-style": "data(line)", opacity: "data(opacity)", "z-index": 1 } },
        // a guarantee (a deal of kind capacity_backstop) ends in a diamond, not an arrow
        { selector: 'edge[kind = "capacity_backstop"]', style: { "target-arrow-shape": "diamond", "arrow-scale": 1.1 } },
        { selector: "edge.claim", style: {
            width: 2, "line-color": CLAIM, "target-arrow-color": CLAIM, "target-arrow-shape": "square", "arrow-scale": 0.7,
            "line-style": "dashed", "line-dash-pattern": [8, 3, 2, 3], opacity: 0.9, "curve-style": "bezier", "z-index": 3 } },
        { selector: "edge.money", style: {
            label: "data(money)", "text-margin-x": "data(mx)", "text-margin-y": "data(my)", "font-size": p.font - 1, "font-weight": "bold", color: "#1b1f24",
            "text-background-color": "#ffffff", "text-background-opacity": 0.9, "text-background-padding": 2,
            "text-background-shape": "roundrectangle", "text-events": "no" } },
        { selector: "edge.money-along", style: {
            label: "", "source-label": "data(money)", "source-text-offset": "data(along)", "source-text-margin-y": "data(my)", "font-size": p.font - 1,
            "font-weight": "bold", color: "#1b1f24", "text-background-color": "#ffffff", "text-background-opacity": 0.9,
            "text-background-padding": 2, "text-background-shape": "roundrectangle", "text-events": "no" } },
        { selector: "edge.hover", style: { "underlay-color": "#f0b400", "underlay-opacity": 0.55, "underlay-padding": 4 } },
        { selector: ".dim", style: { opacity: 0.12, "text-opacity": 0.35, events: "no" } },
        { selector: "edge.dim", style: { opacity: 0.06 } },
        { selector: "node.selected", style: { "border-width": 5, "border-color": "#0b5cad", "z-index": 20, opacity: 1 } },
        { selector: "node.counterparty", style: { "border-width": 2, "border-color": "#1b1f24", "z-index": 15 } },
        { selector: "edge.link", style: { "z-index": 15, "underlay-color": "#0b5cad", "underlay-opacity": 0.2, "underlay-padding": 3 } },
        { selector: ".faded", style: { opacity: 0.08, "text-opacity": 0.3, events: "no" } },
        { selector: "node.hl", style: { "border-width": 4, "border-color": "#111", opacity: 1, "text-opacity": 1, "z-index": 10 } },
        { selector: "edge.hl", style: { opacity: 1, "z-index": 10, "underlay-color": "#f0b400", "underlay-opacity": 0.6, "underlay-padding": 4 } },
        { selector: "node.stressed", style: { "background-color": "data(stress)" } },
      ];
    }

    if (typeof cytoscape === "undefined") { if (note) note.textContent = "(the map script did not load)"; return null; }
    cy = cytoscape({ container, style: style(P()), layout: { name: "preset" }, wheelSensitivity: 0.3,
                     minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false, autoungrabify: false });

    // Cytoscape keeps where its canvas is on the page and learns of a new size, a scroll or a
    // window resize, but not of the canvas moving because the page above it changed (figures
    // and panels fill in after the map): it then tests the pointer against a stale position
    // and reports the element a few pixels away, so a tooltip showed another deal's data.
    // Any change of the canvas' place tells Cytoscape before the pointer is tested.
    let lastRect = "";
    function syncBox() {
      const r = container.getBoundingClientRect();
      const key = [r.left, r.top, r.width, r.height].map((x) => Math.round(x * 10)).join(",");
      if (key !== lastRect) { lastRect = key; cy.resize(); }
    }
    container.addEventListener("pointerenter", syncBox);
    container.addEventListener("pointerdown", syncBox, true);
    if (window.ResizeObserver) new ResizeObserver(syncBox).observe(document.body);

    // ------------------------------------------------------------ tooltips
    function hideTip() { if (tip) tip.hidden = true; cy.edges(".hover").removeClass("hover"); }
    function showTip(ev, html) {
      if (!tip) return;
      tip.innerHTML = html;
      tip.hidden = false;
      const p = ev.renderedPosition || ev.target.renderedPosition();
      const cr = container.getBoundingClientRect();
      const parent = tip.offsetParent ? tip.offsetParent.getBoundingClientRect() : { left: 0, top: 0 };
      const w = tip.offsetWidth, h = tip.offsetHeight;
      let x = cr.left - parent.left + p.x + 14, y = cr.top - parent.top + p.y + 14;
      if (p.x + 14 + w > container.clientWidth) x = cr.left - parent.left + Math.max(0, p.x - w - 14);
      if (p.y + 14 + h > container.clientHeight) y = cr.top - parent.top + Math.max(0, p.y - h - 14);
      tip.style.left = x + "px";
      tip.style.top = y + "px";
      tip.dataset.element = ev.target.id();
    }
    function kindWords(k) { const m = (words().kinds || {})[k]; return m ? m.label : (k || ""); }
    function statusWords(s) { const m = (words().statuses || {})[s]; return m ? m.short : (s || ""); }
    function strokeWords(s) { return ((words().strokes || {})[s]) || s; }
    function amountText(d) {
      if (d.amount == null) return "amount unknown";
      const lo = d.amount_low, hi = d.amount_high;
      const range = lo != null && hi != null && lo !== hi ? `$${money(lo)}–${money(hi)} bn` : `$${money(d.amount)} bn`;
      return (d.complete ? "" : "at least ") + range + (d.complete ? "" : ` (${d.legs > 1 ? "some legs have" : "it has"} no amount)`);
    }
    function claimTip(e) {
      const d = e.data();
      let html = `<strong>pledge (a claim): ${esc(names[d.source] || d.source)} → ${esc(names[d.target] || d.target)}</strong><br>`;
      html += `${esc(names[d.source] || d.source)} holds a claim on ${esc(d.description || d.collateral)}` +
        ` (${esc(d.collateral_type === "contract" ? "a contract's receivables" : "an asset")} of ${esc(names[d.target] || d.target)})<br>`;
      html += `loan ${esc(d.loan)}: ${d.amount == null ? "amount unknown" : "$" + money(d.amount) + " bn"}` +
        `${d.borrower ? ", borrowed by " + esc(names[d.borrower] || d.borrower) : ""}; priority ${esc(d.priority_label || "not stated")}`;
      return html;
    }
    function edgeTip(e) {
      if (e.hasClass("claim")) return claimTip(e);
      const d = e.data();
      let html = `<strong>${esc(names[d.source] || d.source)} → ${esc(names[d.target] || d.target)}</strong><br>`;
      if (d.kind) html += `${esc(kindWords(d.kind))} · ${esc(strokeWords(d.stroke))}<br>`;
      html += `${esc(amountText(d))}; ${d.legs} ${d.legs === 1 ? "leg" : "legs"}`;
      const rows = (d.deals || []).map((id) => legs[id]).filter(Boolean);
      if (rows.length) {
        html += "<ul>" + rows.slice(0, 6).map((l) => `<li>${esc(l.id)}: ${l.amount == null ? "amount unknown" : "$" + money(l.amount) + " bn"}${l.paid != null ? ` ($${money(l.paid)} bn paid)` : ""}, ${esc(statusWords(l.status))}${l.status_date ? " since " + esc(l.status_date) : ""}${l.amount_note ? " (" + esc(l.amount_note) + ")" : ""}<br><span class="hint">sources: ${esc((l.sources || []).map((s) => s.publisher).join(", ") || "none")}</span></li>`).join("") + "</ul>";
        if (rows.length > 6) html += `<span class="hint">and ${rows.length - 6} more (all in the table of deal legs)</span>`;
      }
      return html;
    }
    function nodeTip(n) {
      const d = n.data();
      if (d.group) {
        return `<strong>${esc(d.name)}</strong><br>a group of ${money(d.members)} companies; largest: ${esc((d.largest || []).join(", "))}<br>` +
          `$${money(d.volume)} bn paid and received` + (d.internal != null ? `, $${money(d.internal)} bn within the group` : "") +
          `<br><span class="hint">click or tap to open it</span>`;
      }
      const v = d.valuation_fact;
      let html = `<strong>${esc(d.name)}</strong>${d.type_label ? " (" + esc(d.type_label) + ")" : ""}<br>`;
      if (d.valuation !== undefined && d.type !== "company") {
        html += v ? `market value $${money(v.value)} bn (${esc(v.metric.replace(/_/g, " "))}, ${esc(v.as_of)})` : "no market value on record";
        html += "<br>";
      } else {
        html += `$${money(d.volume)} bn paid and received<br>`;
      }
      return html + (d.legs != null ? `${d.legs} ${d.legs === 1 ? "leg" : "legs"} in view` : "");
    }
    cy.on("mouseover", "edge", (ev) => { cy.edges(".hover").removeClass("hover"); ev.target.addClass("hover"); showTip(ev, edgeTip(ev.target)); });
    cy.on("mouseout", "edge", () => hideTip());
    cy.on("mouseover", "node", (ev) => showTip(ev, nodeTip(ev.target)));
    cy.on("mouseout", "node", () => hideTip());
    cy.on("tap", "edge", (ev) => { cy.edges(".hover").removeClass("hover"); ev.target.addClass("hover"); showTip(ev, edgeTip(ev.target)); });
    cy.on("tap", "node", (ev) => { hideTip(); if (opts.onTapNode) opts.onTapNode(ev.target.id(), ev.target.data()); });
    cy.on("tap", (ev) => { if (ev.target === cy) { hideTip(); if (opts.onBackground) opts.onBackground(); } });
    cy.on("viewport", () => { if (tip && !tip.hidden && !cy.edges(".hover").length) tip.hidden = true; });

    // ------------------------------------------------------------ drawing
    function render(answer, o) {
      data = answer;
      all = !!(o && o.all);
      selected = null; cycle = null; extras.clear();
      hideTip();
      names = {}; legs = {};
      (answer.nodes || []).forEach((n) => { names[n.id] = n.name; });
      (answer.edges || []).forEach((l) => { legs[l.id] = l; });
      const p = P();
      cy.startBatch();
      cy.elements().remove();
      cy.style(style(p));
      cy.add((answer.nodes || []).map((n) => ({ group: "nodes", data: Object.assign({}, n, { px: Math.round(n.size * p.node * 10) / 10 }),
                                                 classes: n.group ? "group" : "" })));
      cy.add((answer.flows || []).map((f) => ({ group: "edges", data: Object.assign({}, f, {
        id: "flow:" + f.id, flow: f.id, px: Math.max(1, Math.round(f.width * p.edge * 10) / 10),
        colour: f.colour || "#57606a", money: short(f.amount), mx: 0, my: 0, along: 0 }) })));
      addClaims();
      cy.endBatch();
      applyMode();
      place();
      drawLegend();
      describe();
    }
    function applyMode() {
      const keep = new Set(extras);
      cy.batch(() => cy.nodes().forEach((n) => n.toggleClass("off", !(all || n.data("core") || keep.has(n.id())))));
    }
    const drawn = () => cy.nodes().not(".off");
    const dealEdges = (n) => n.connectedEdges().not(".claim");
    const dealNb = (n) => dealEdges(n).connectedNodes().not(n);
    function addClaims() {  // the overlay, where both ends are nodes of the answer
      cy.edges(".claim").remove();
      const isNode = (id) => { const x = cy.getElementById(id); return x.nonempty() && x.isNode(); };
      const keep = (claimList || []).filter((c) => isNode(c.source) && isNode(c.target));
      cy.add(keep.map((c) => ({ group: "edges", classes: "claim",
        data: Object.assign({}, c, { id: "claim:" + c.pledge, px: 2, colour: CLAIM, line: "dashed", opacity: 0.9 }) })));
      if (claimList) container.dataset.claims = String(keep.length); else delete container.dataset.claims;
    }
    function setClaims(list) {
      claimList = list && list.length ? list.slice() : (list ? [] : null);
      hideTip();
      cy.batch(addClaims);
      // a selection or a cycle shown keeps its look with the overlay
      if (cycle) highlightCycle(cycle); else if (selected) select(selected, false);
      drawLegend();
    }
    function boxOf(n, pad) {
      const b = n.boundingBox({ includeLabels: true, includeNodes: true, includeEdges: false, includeOverlays: false });
      const q = n.position();
      return { l: b.x1 - q.x - pad, r: b.x2 - q.x + pad, t: b.y1 - q.y - pad, b: b.y2 - q.y + pad };
    }
    function place() {
      const W = container.clientWidth, H = container.clientHeight;
      lastSize = W + "x" + H;
      const nodes = drawn();
      if (!W || !H || nodes.empty()) { cy.fit(undefined, 20); return; }
      const p = P();
      const useCore = !all && nodes.every((n) => n.data("core_x") != null);
      let pts = nodes.map((n) => useCore ? [n.data("core_x"), n.data("core_y")] : [n.data("x"), n.data("y")]);
      const xs = pts.map((q) => q[0]), ys = pts.map((q) => q[1]);
      let dx = Math.max(...xs) - Math.min(...xs), dy = Math.max(...ys) - Math.min(...ys);
      // a landscape layout in a portrait canvas (a phone) is turned a quarter, and back
      const turn = (dx > 1.25 * dy && H > 1.25 * W) || (dy > 1.25 * dx && W > 1.25 * H);
      if (turn) { pts = pts.map((q) => [q[1], q[0]]); [dx, dy] = [dy, dx]; }
      const minx = Math.min(...pts.map((q) => q[0])), miny = Math.min(...pts.map((q) => q[1]));
      const big = Math.max(...nodes.map((n) => n.data("px")));
      const mx = Math.min(p.wrap / 2 + 4, W / 4), mt = big / 2 + 4, mb = Math.min(big / 2 + 3 * p.font + 6, H / 4);
      let sx = dx > 0 ? (W - 2 * mx) / dx : 0, sy = dy > 0 ? (H - mt - mb) / dy : 0;
      if (dx > 0 && dy > 0) { if (sx > 2.2 * sy) sx = 2.2 * sy; if (sy > 2.2 * sx) sy = 2.2 * sx; }
      const ox = mx + ((W - 2 * mx) - sx * dx) / 2, oy = mt + ((H - mt - mb) - sy * dy) / 2;
      cy.batch(() => nodes.forEach((n, i) => n.position({ x: ox + sx * (pts[i][0] - minx), y: oy + sy * (pts[i][1] - miny) })));
      // nodes outside the core shown for a selection sit by their counterparties
      const shownCore = nodes.filter((n) => !extras.has(n.id()));
      placeExtras(nodes.filter((n) => extras.has(n.id())), shownCore);
      resolve(nodes, W, H, true);
      frame(nodes);
      dollarLabels();
      container.dataset.overlaps = String(overlaps());
      container.dataset.drawn = String(drawn().length);
      container.dataset.mode = all ? "all" : "core";
    }
    function placeExtras(news, shown) {
      if (news.empty()) return;
      const base = shown.nonempty() ? shown : drawn();
      const cx = base.reduce((t, n) => t + n.position("x"), 0) / base.length;
      const cyy = base.reduce((t, n) => t + n.position("y"), 0) / base.length;
      const known = new Set(shown.map((n) => n.id()));
      news.sort((a, b) => (a.id() < b.id() ? -1 : 1)).forEach((n, k) => {
        const nb = dealNb(n).filter((m) => known.has(m.id()));
        const bx = nb.length ? nb.reduce((t, m) => t + m.position("x"), 0) / nb.length : cx;
        const by = nb.length ? nb.reduce((t, m) => t + m.position("y"), 0) / nb.length : cyy;
        const a = k * 2.39996, r = 50 + 14 * Math.sqrt(k);
        n.position({ x: bx + r * Math.cos(a), y: by + r * Math.sin(a) });
      });
    }
    function resolve(nodes, W, H, clampFirst) {
      // move node boxes (node and label) apart, along the axis of least overlap, half each;
      // kept inside the canvas for the first passes, free afterwards (then the map zooms out)
      const pad = P().pad;
      const it = nodes.map((n) => Object.assign({ n, x: n.position("x"), y: n.position("y") }, boxOf(n, pad)));
      const m = it.length;
      for (let pass = 0; pass < 900; pass++) {
        const clamp = clampFirst && pass < 500;
        let moved = false;
        for (let i = 0; i < m; i++) {
          const a = it[i];
          for (let j = i + 1; j < m; j++) {
            const b = it[j];
            const ox = Math.min(a.x + a.r, b.x + b.r) - Math.max(a.x + a.l, b.x + b.l);
            if (ox <= 0) continue;
            const oy = Math.min(a.y + a.b, b.y + b.b) - Math.max(a.y + a.t, b.y + b.t);
            if (oy <= 0) continue;
            moved = true;
            if (ox < oy) { const d = ox / 2 + 0.5, s = b.x >= a.x ? 1 : -1; a.x -= s * d; b.x += s * d; }
            else { const d = oy / 2 + 0.5, s = b.y >= a.y ? 1 : -1; a.y -= s * d; b.y += s * d; }
          }
        }
        if (clamp) {
          it.forEach((a) => {
            a.x = a.r - a.l >= W ? W / 2 - (a.l + a.r) / 2 : Math.min(Math.max(a.x, -a.l), W - a.r);
            a.y = a.b - a.t >= H ? H / 2 - (a.t + a.b) / 2 : Math.min(Math.max(a.y, -a.t), H - a.b);
          });
        }
        if (!moved) break;
      }
      cy.batch(() => it.forEach((a) => a.n.position({ x: a.x, y: a.y })));
    }
    function frame(nodes) {
      cy.fit(nodes, 6);
      if (cy.zoom() > 1) { cy.zoom(1); cy.center(nodes); }
    }
    function labelBox(n) { return n.boundingBox({ includeLabels: true, includeNodes: false, includeEdges: false, includeOverlays: false }); }
    function hit(a, b) { return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2; }
    function overlaps() {  // pairs of drawn node labels whose boxes overlap (Cytoscape's own boxes)
      const boxes = drawn().map(labelBox).filter((b) => b.w > 0 && b.h > 0);
      let k = 0;
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (hit(boxes[i], boxes[j])) k++;
      return k;
    }
    function dollarLabels() {
      // dollar figures on the largest drawn flows, where they cover no node, label or other figure
      cy.edges(".money, .money-along").removeClass("money money-along");
      const k = P().money;
      const grow = (b, g) => ({ x1: b.x1 - g, y1: b.y1 - g, x2: b.x2 + g, y2: b.y2 + g, w: b.w + 2 * g, h: b.h + 2 * g });
      const taken = drawn().map((n) => grow(n.boundingBox({ includeLabels: true, includeNodes: true, includeEdges: false }), 3));
      const cands = cy.edges().not(".claim").filter((e) => e.visible() && e.data("amount") != null && e.data("stroke") !== "ended")
        .sort((a, b) => (b.data("amount") - a.data("amount")) || (a.id() < b.id() ? -1 : 1)).slice(0, 3 * k);
      // at the middle of the arrow, else a little above, below or beside it
      const spots = [[0, 0], [0, -13], [0, 13], [-24, 0], [24, 0], [0, -24], [0, 24], [-30, -13], [30, 13], [30, -13], [-30, 13]];
      let kept = 0;
      cands.forEach((e) => {
        if (kept >= k) return;
        e.addClass("money");
        for (const [mx, my] of spots) {
          e.data({ mx, my });
          const b = e.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
          if (b.w > 0 && !taken.some((t) => hit(t, b))) { taken.push(b); kept += 1; return; }
        }
        e.removeClass("money");
        e.data({ mx: 0, my: 0 });
        // else somewhere along a long arrow, a third or two thirds of the way
        const a = e.source().position(), b = e.target().position(), len = Math.hypot(b.x - a.x, b.y - a.y);
        if (len > 120) {
          e.addClass("money-along");
          for (const f of [0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.15, 0.85]) {
            for (const my of [0, -12, 12]) {
              e.data({ along: Math.round(f * len), my });
              const box = e.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
              if (box.w > 0 && !taken.some((t) => hit(t, box))) { taken.push(box); kept += 1; return; }
            }
          }
          e.removeClass("money-along");
          e.data({ along: 0, my: 0 });
        }
      });
      container.dataset.dollarLabels = String(kept);
    }

    // ------------------------------------------------------------ selection and highlights
    function reveal(nodes) {
      const hidden = nodes.filter(".off");
      if (hidden.empty()) return;
      const shown = drawn();
      hidden.forEach((n) => { extras.add(n.id()); n.removeClass("off"); });
      placeExtras(hidden, shown);
      resolve(drawn(), container.clientWidth, container.clientHeight, false);
      container.dataset.drawn = String(drawn().length);
    }
    function tidyExtras() {
      const need = new Set();
      if (selected) { const n = cy.getElementById(selected); n.union(dealNb(n)).forEach((x) => need.add(x.id())); }
      if (cycle) cycle.nodes.forEach((x) => need.add(x));
      Array.from(extras).forEach((id) => { if (!need.has(id)) { extras.delete(id); cy.getElementById(id).addClass("off"); } });
      container.dataset.drawn = String(drawn().length);
    }
    function zoomTo(eles) {
      const W = container.clientWidth, H = container.clientHeight;
      const bb = eles.boundingBox({ includeLabels: true, includeOverlays: false });
      if (!(bb.w > 0) || !(bb.h > 0)) return;
      const z = Math.max(cy.minZoom(), Math.min(1.6, (W - 40) / bb.w, (H - 40) / bb.h));
      cy.stop();
      cy.animate({ zoom: z, pan: { x: W / 2 - z * (bb.x1 + bb.w / 2), y: H / 2 - z * (bb.y1 + bb.h / 2) } }, { duration: 250 });
    }
    function select(id, zoom) {
      cy.elements().removeClass("selected link claim-link counterparty dim");
      selected = null;
      if (!id) { tidyExtras(); delete container.dataset.selected; return false; }
      const node = cy.getElementById(id);
      if (node.empty()) { tidyExtras(); delete container.dataset.selected; return false; }
      if (cycle) clearCycle();
      selected = id;
      const nb = dealNb(node);
      reveal(node.union(nb));
      tidyExtras();
      const links = dealEdges(node), pledges = node.connectedEdges(".claim");
      cy.batch(() => {
        node.addClass("selected");
        links.addClass("link");
        pledges.addClass("claim-link");
        nb.addClass("counterparty");
        cy.elements().not(node).not(links).not(pledges).not(nb).addClass("dim");
      });
      container.dataset.selected = id;
      if (zoom !== false) zoomTo(node.union(nb));
      return true;
    }
    function clearCycle() {
      cycle = null;
      cy.elements().removeClass("hl faded");
    }
    function highlightCycle(c) {
      // c: {nodes: [ids in order], deals: Set of deal ids (empty: every leg of each hop)}
      cy.elements().removeClass("hl faded");
      cycle = c && c.nodes && c.nodes.length ? c : null;
      if (!cycle) { tidyExtras(); container.dataset.highlighted = "0"; return; }
      cy.elements().removeClass("selected link claim-link counterparty dim");
      selected = null;
      reveal(cy.nodes().filter((n) => cycle.nodes.includes(n.id())));
      tidyExtras();
      const deals = cycle.deals || new Set();
      cy.batch(() => {
        cy.elements().addClass("faded");
        cycle.nodes.forEach((n, i) => {
          const next = cycle.nodes[(i + 1) % cycle.nodes.length];
          cy.getElementById(n).removeClass("faded").addClass("hl");
          cy.edges().not(".claim").filter((e) => e.data("source") === n && e.data("target") === next &&
            (deals.size === 0 || (e.data("deals") || []).some((d) => deals.has(d)))).removeClass("faded").addClass("hl");
        });
      });
      container.dataset.highlighted = String(cy.elements(".hl").length);
    }

    // ------------------------------------------------------------ legend and summary
    function drawLegend() {
      if (!legendBox || !data) return;
      const L = data.legend || {};
      const user = data.mode === "groups" || (data.nodes || []).some((n) => n.type === "company");
      let html = "";
      const types = L.type_items || [];
      html += `<h3>${user ? "Nodes" : "Companies"}</h3><p class="hint">colour: ${user ? "what it is" : "type"}; ${esc(L.size_words || L.size || "")}</p>`;
      if (types.length) html += '<ul class="keys">' + types.map((t) => `<li>${dotSvg(t.colour, t.code === "group")}${esc(t.label)}</li>`).join("") + "</ul>";
      const kinds = L.kind_items || [];
      if (kinds.length) html += '<h3>Deals, by kind</h3><ul class="keys">' + kinds.map((k) => `<li>${lineSvg("solid", 1, 4, k.colour)}${esc(k.label)}</li>`).join("") + "</ul>";
      const strokes = L.stroke_items || [];
      if (strokes.length > 1 || !user) html += '<h3>Lines</h3><ul class="keys">' + strokes.map((s) => `<li>${lineSvg(s.line, s.opacity, 3)}${esc(s.label)}</li>`).join("") + "</ul>";
      const guarantee = kinds.find((k) => k.code === "capacity_backstop");
      if (opts.claims || guarantee) {  // opts.claims: the page can draw the claims overlay
        html += '<h3 id="legend-claims">Claims</h3><ul class="keys">' +
          (opts.claims ? `<li>${lineSvg("claim", 0.9, 2, CLAIM)}pledge: lender → owner of the collateral${claimList ? "" : " (tick “Pledges”)"}</li>` : "") +
          (guarantee ? `<li>${lineSvg("solid", 1, 4, guarantee.colour)}${esc(guarantee.label)}: guarantor → beneficiary, a diamond head</li>` : "") + "</ul>";
      }
      const ws = L.width_samples || [];
      html += "<h3>Width: dollars</h3>";
      if (ws.length) html += '<ul class="keys widths">' + ws.map((w) => `<li>${lineSvg("solid", 1, w.width * P().edge, "#57606a")}${esc(short(w.amount))}</li>`).join("") + "</ul>";
      html += `<p class="hint">${esc(L.width || "")}. Figures on the arrows: the largest flows, in USD billions.</p>`;
      legendBox.innerHTML = html;
    }
    function describe() {
      if (!note || !data) return;
      const c = data.core || {};
      const total = (data.nodes || []).length;
      const coreN = (c.nodes || []).length;
      const what = data.mode === "groups" ? "groups" : "companies";
      if (all || coreN >= total) {
        note.textContent = `All ${total} ${what} drawn.` + (coreN < total ? " Untick “Show all” for the core." : "");
      } else {
        const basis = c.basis === "binding" ? "binding (paid or signed) dollars" : "dollars";
        note.textContent = `The core: ${coreN} of ${total} ${what}, between whom ${Math.round(100 * (c.share || 0))}% of the ${basis} in view flow. ` +
          `“Show all” draws the other ${total - coreN}; selecting one shows it with its counterparties.`;
      }
    }
    function setAll(on) {
      all = !!on;
      const keepSel = selected, keepCycle = cycle;
      selected = null; cycle = null; extras.clear();
      cy.elements().removeClass("selected link claim-link counterparty dim hl faded");
      applyMode();
      place();
      describe();
      if (keepSel) select(keepSel, false);
      if (keepCycle) highlightCycle(keepCycle);
    }
    let resizeTimer = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        if (!data || container.clientWidth + "x" + container.clientHeight === lastSize) return;
        const keepSel = selected, keepCycle = cycle;
        render(data, { all });
        if (keepSel) select(keepSel, false);
        if (keepCycle) highlightCycle(keepCycle);
      }, 250);
    });

    return {
      get cy() { return cy; },
      render, select, highlightCycle, setAll, overlaps, hideTip, setClaims,
      get claims() { return claimList; },
      get all() { return all; },
      get data() { return data; },
      set words(v) { opts.words = v; },
    };
  }

  window.LoopMap = LoopMap;
})();
