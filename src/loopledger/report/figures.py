"""Figures of the report, each a function returning a matplotlib ``Figure`` (never shown).

They work in a notebook as in the report: ``network_map(ledger)`` displays inline, and the
report embeds the same objects as SVG. Each figure takes the result it draws (or a ledger and
an as-of date) and plain options; none reads global state or pyplot, so nothing is drawn to a
screen. Money is USD billions; a leg without an amount is drawn, dashed, and never as 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

# one palette for the page and the report: a company type or a status has the same colour in both
from ..palette import STATUS_COLOURS, TYPE_COLOURS
from ..vocabulary import BINDING_STATUSES, COMPANY_TYPES, KINDS, STATUS_LABELS
from ..vocabulary import STATUS_ORDER as STATUSES
from ..vocabulary import STATUSES as STATUS_MEANINGS

#: legend words, from the one vocabulary
KIND_LABELS = {k: m.plural for k, m in KINDS.items()}
TYPE_LABELS = {t: plural for t, (_, plural) in COMPANY_TYPES.items()}


def _figure(width: float = 8.0, height: float = 5.0) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig


def _money(x: float) -> str:
    return f"${x:,.0f}B" if x >= 10 else f"${x:,.1f}B"


# network map -----------------------------------------------------------------------------------

def network_map(ledger, as_of=None, statuses=BINDING_STATUSES, labels: int = 24, seed: int = 7) -> Figure:
    """The deal network as of a date: companies coloured by type and sized by the dollars
    they pay and receive, one arrow per payer -> payee pair, as wide as its known dollars
    (dashed when no leg of the pair has an amount). The ``labels`` companies with most dollars
    are named. Layout: networkx's spring layout with a fixed ``seed`` (same picture every run).
    """
    import networkx as nx

    net = ledger.network(as_of=as_of, statuses=statuses)
    pairs = net.pairs()
    companies = ledger.companies().set_index("id")
    g = nx.DiGraph()
    g.add_nodes_from(net.nodes.tolist())
    for r in pairs.itertuples():
        if r.source != r.target:
            g.add_edge(r.source, r.target, amount=0.0 if pd.isna(r.amount) else float(r.amount),
                       known=not pd.isna(r.amount))
    volume = {n: 0.0 for n in g}
    for u, v, d in g.edges(data=True):
        volume[u] += d["amount"]
        volume[v] += d["amount"]
    pos = _layout(g, seed)
    fig = _figure(11, 9)
    ax = fig.add_subplot()
    ax.set_axis_off()
    top = max(volume.values()) if volume else 1.0
    types = {n: companies.loc[n, "type"] if n in companies.index else "other" for n in g}
    for known in (False, True):
        edges = [(u, v) for u, v, d in g.edges(data=True) if d["known"] == known]
        if not edges:
            continue
        widths = [0.4 + 6 * np.sqrt(g.edges[e]["amount"] / top) if known else 0.6 for e in edges]
        nx.draw_networkx_edges(g, pos, edgelist=edges, width=widths, ax=ax, alpha=0.55 if known else 0.35,
                               edge_color="#455a64", style="solid" if known else "dashed",
                               arrows=True, arrowsize=8, connectionstyle="arc3,rad=0.08", node_size=60)
    sizes = [30 + 900 * np.sqrt(volume[n] / top) for n in g]
    nx.draw_networkx_nodes(g, pos, node_size=sizes, node_color=[TYPE_COLOURS.get(types[n], "#9e9e9e") for n in g],
                           edgecolors="white", linewidths=0.8, ax=ax)
    named = sorted(g, key=lambda n: -volume[n])[:labels]
    nx.draw_networkx_labels(g, pos, labels={n: net.names.get(n, n) for n in named}, font_size=8, ax=ax)
    for t, colour in TYPE_COLOURS.items():
        if t in types.values():
            ax.scatter([], [], s=40, color=colour, label=TYPE_LABELS[t])
    ax.legend(loc="lower left", fontsize=7, frameon=False, ncol=3)
    ax.set_title(f"Deal network as of {net.params.get('as_of')}: {g.number_of_nodes()} companies, "
                 f"{net.m} deal legs ({', '.join(statuses)})", fontsize=10)
    return fig


def _layout(g, seed: int) -> dict:
    """Kamada-Kawai for the largest connected part (even spacing, no randomness), a fixed-seed
    spring layout for the small parts, placed in a row beneath it."""
    import networkx as nx

    und = g.to_undirected()
    parts = sorted(nx.connected_components(und), key=lambda c: (-len(c), sorted(c)))
    pos: dict = {}
    if not parts:
        return pos
    main = und.subgraph(parts[0])
    pos.update(nx.kamada_kawai_layout(main) if len(main) > 2 else nx.spring_layout(main, seed=seed))
    x = -1.0
    for part in parts[1:]:
        sub = nx.spring_layout(und.subgraph(part), seed=seed, scale=0.08 * np.sqrt(len(part)))
        for n, (px, py) in sub.items():
            pos[n] = np.array([x + px, -1.25 + py])
        x += 0.12 + 0.18 * np.sqrt(len(part))
    return pos


# Sankey of dollar flows by kind -----------------------------------------------------------------

def _band(ax, x0, x1, y0a, y0b, y1a, y1b, colour) -> None:
    """A ribbon from [y0a, y0b] at x0 to [y1a, y1b] at x1, with cubic Bezier edges."""
    xm = (x0 + x1) / 2
    verts = [(x0, y0a), (xm, y0a), (xm, y1a), (x1, y1a), (x1, y1b), (xm, y1b), (xm, y0b), (x0, y0b), (x0, y0a)]
    codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO,
             MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY]
    ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=colour, edgecolor="none", alpha=0.45))


def flow_table(ledger, as_of=None, statuses=BINDING_STATUSES) -> pd.DataFrame:
    """Known dollars (USD bn, high end) of the deals in view by payer type, deal kind and
    payee type: the data of :func:`flows_sankey`. Summary legs are not added."""
    deals = ledger.deals(as_of=as_of)
    deals = deals[deals["include_in_totals"].astype(bool) & deals["status"].isin(list(statuses))]
    types = ledger.companies().set_index("id")["type"]
    amount = deals["amount_high"].fillna(deals["amount_low"])
    frame = pd.DataFrame({
        "payer_type": deals["payer"].map(types).fillna("other").to_numpy(),
        "kind": deals["kind"].to_numpy(),
        "payee_type": deals["payee"].map(types).fillna("other").to_numpy(),
        "amount": amount.to_numpy(),
    })
    frame = frame[frame["amount"].notna()]
    return frame.groupby(["payer_type", "kind", "payee_type"], as_index=False)["amount"].sum()


def flows_sankey(ledger, as_of=None, statuses=BINDING_STATUSES) -> Figure:
    """A Sankey (alluvial) diagram of deal dollars: who pays (company type) -> what kind of
    deal -> who receives (company type), band widths in USD bn (high end of each range; legs
    without an amount are left out and summary legs are not added twice)."""
    table = flow_table(ledger, as_of=as_of, statuses=statuses)
    fig = _figure(10, 6.5)
    ax = fig.add_subplot()
    ax.set_axis_off()
    total = float(table["amount"].sum())
    if total <= 0:
        ax.text(0.5, 0.5, "no deal with a known amount in view", ha="center", va="center")
        return fig
    gap = total * 0.015
    columns = [("payer_type", 0.0), ("kind", 1.0), ("payee_type", 2.0)]
    spans: dict[tuple[str, str], list[float]] = {}
    for col, x in columns:
        sizes = table.groupby(col)["amount"].sum().sort_values(ascending=False)
        y = 0.0
        for name, size in sizes.items():
            spans[(col, name)] = [y, y + size, 0.0, 0.0]  # extent, then filled so far (out, in)
            colour = TYPE_COLOURS.get(name, "#546e7a") if col != "kind" else "#37474f"
            ax.add_patch(Rectangle((x - 0.03, y), 0.06, size, facecolor=colour, edgecolor="none"))
            label = (TYPE_LABELS.get(name, name) if col != "kind" else KIND_LABELS.get(name, name))
            ha, dx = {0.0: ("right", -0.05), 1.0: ("center", 0.0), 2.0: ("left", 0.05)}[x]
            if size > total * 0.012:
                ax.text(x + dx, y + size / 2, f"{label} {_money(size)}", ha=ha, va="center", fontsize=8,
                        color="white" if x == 1.0 else "black",
                        bbox=dict(facecolor="#37474f", edgecolor="none", pad=1) if x == 1.0 else None)
            y += size + gap
    for left, right, colour_col in (("payer_type", "kind", "payer_type"), ("kind", "payee_type", "payee_type")):
        flows = table.groupby([left, right, colour_col] if colour_col not in (left, right) else [left, right])["amount"].sum()
        flows = flows.reset_index().sort_values([left, "amount"], ascending=[True, False])
        x0 = dict(columns)[left]
        x1 = dict(columns)[right]
        for r in flows.itertuples(index=False):
            a, b, size = getattr(r, left), getattr(r, right), r.amount
            s0, s1 = spans[(left, a)], spans[(right, b)]
            y0 = s0[0] + s0[2]
            y1 = s1[0] + s1[3]
            s0[2] += size
            s1[3] += size
            name = a if colour_col == left else b
            _band(ax, x0 + 0.03, x1 - 0.03, y0, y0 + size, y1, y1 + size, TYPE_COLOURS.get(name, "#9e9e9e"))
    height = max(s[1] for s in spans.values())
    ax.set_xlim(-0.8, 2.8)
    ax.set_ylim(height + gap, -gap)
    ax.set_title(f"Deal dollars by kind: payer type -> deal kind -> payee type (USD bn, {_money(total)} in all)",
                 fontsize=10)
    return fig


# promises and circular share over time ----------------------------------------------------------

def promises_chart(series: pd.DataFrame, statuses=STATUSES) -> Figure:
    """Deal dollars by status at each quarter end (stacked bars of the high end, USD bn), from
    ``promises(ledger).series``: how much of the network is paid, signed or only promised."""
    wide = series.pivot_table(index="quarter", columns="status", values="high", aggfunc="sum").fillna(0.0)
    wide = wide[[s for s in statuses if s in wide.columns]]
    wide = wide.loc[wide.sum(axis=1) > 0]
    fig = _figure(10, 4.8)
    ax = fig.add_subplot()
    bottom = np.zeros(len(wide))
    x = np.arange(len(wide))
    for status in wide.columns:
        values = wide[status].to_numpy()
        ax.bar(x, values, bottom=bottom, color=STATUS_COLOURS[status], label=STATUS_LABELS[status], width=0.8)
        bottom += values
    ax.set_xticks(x[::2], wide.index[::2], rotation=60, fontsize=7)
    ax.set_ylabel("USD bn (high end of each range)")
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Deal dollars by status at each quarter end", fontsize=10)
    return fig


#: the three groups of the "how much is real" chart: paid in full, binding but not (fully) paid,
#: only promised; read from the vocabulary's status meanings (group and how much is paid)
MONEY_GROUPS: dict[str, tuple[str, ...]] = {
    "paid": tuple(k for k, m in STATUS_MEANINGS.items() if m.group == "binding" and m.paid == "all"),
    "signed, not (fully) paid": tuple(k for k, m in STATUS_MEANINGS.items() if m.group == "binding" and m.paid != "all"),
    "only promised": tuple(k for k, m in STATUS_MEANINGS.items() if m.group == "promised"),
}
_GROUP_COLOURS = {"paid": STATUS_COLOURS["funded"], "signed, not (fully) paid": STATUS_COLOURS["definitive"],
                  "only promised": STATUS_COLOURS["announced_loi"]}


def money_groups(series: pd.DataFrame) -> pd.DataFrame:
    """Quarter by quarter, the high-end dollars of :data:`MONEY_GROUPS` (one column each), from
    ``promises(ledger).series``; quarters with no dollars left out."""
    wide = series.pivot_table(index="quarter", columns="status", values="high", aggfunc="sum").fillna(0.0)
    out = pd.DataFrame({g: wide[[s for s in members if s in wide.columns]].sum(axis=1)
                        for g, members in MONEY_GROUPS.items()}, index=wide.index)
    return out.loc[out.sum(axis=1) > 0]


def money_chart(series: pd.DataFrame, width: float = 6.4, height: float = 3.6) -> Figure:
    """Paid, signed (binding, not yet fully paid) and only promised deal dollars at each quarter
    end (stacked areas, high end of each range, USD bn), from ``promises(ledger).series``."""
    data = money_groups(series)
    fig = _figure(width, height)
    ax = fig.add_subplot()
    x = np.arange(len(data))
    ax.stackplot(x, *[data[g].to_numpy() for g in data.columns], labels=list(data.columns),
                 colors=[_GROUP_COLOURS[g] for g in data.columns], alpha=0.9)
    if len(data):
        last = data.iloc[-1]
        ax.annotate(f"paid {_money(last.iloc[0])}\nsigned {_money(last.iloc[1])}\npromised {_money(last.iloc[2])}",
                    (x[-1], float(last.sum())), xytext=(-4, -2), textcoords="offset points", ha="right", va="top",
                    fontsize=7)
    step = max(1, len(data) // 8)
    ax.set_xticks(x[::step], data.index[::step], rotation=45, fontsize=7)
    ax.set_ylabel("USD bn (high end)", fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Paid, signed and only promised, quarter by quarter", fontsize=9, loc="left")
    return fig


def loops_chart(loops: list[dict], n: int = 3) -> Figure:
    """The ``n`` largest loops as small diagrams: the companies on a circle, an arrow per hop
    labelled with its dollars (USD bn), the loop's bottleneck (what could go once round it) in
    its title. ``loops`` are the headline trace's ``top_cycles`` (``names``, ``bottleneck``,
    ``hops`` with ``payer``, ``payee``, ``amount``)."""
    loops = loops[:n]
    fig = _figure(3.0 * max(1, len(loops)), 3.0)
    for i, c in enumerate(loops):
        ax = fig.add_subplot(1, max(1, len(loops)), i + 1)
        names = list(c["names"])
        k = len(names)
        angle = np.pi / 2 - 2 * np.pi * np.arange(k) / k
        xy = np.c_[np.cos(angle), np.sin(angle)]
        for j, hop in enumerate(c["hops"]):
            a, b = xy[j], xy[(j + 1) % k]
            bottleneck = abs(hop["amount"] - c["bottleneck"]) < 1e-9
            ax.annotate("", xy=b * 0.78 + a * 0.22, xytext=a * 0.78 + b * 0.22,
                        arrowprops=dict(arrowstyle="-|>", lw=2.2 if bottleneck else 1.2,
                                        color="#c0392b" if bottleneck else "#566573",
                                        connectionstyle="arc3,rad=0.25" if k == 2 else "arc3,rad=0.1"))
            mid = (a + b) / 2
            # the label sits beside its own arrow: outward for a triangle or more, on the side the
            # arc bows to for a two-company loop
            off = np.array([-(b - a)[1], (b - a)[0]]) * (-0.28 if k == 2 else 0.12)
            x, y = mid + off
            ax.text(x, y, _money(hop["amount"]), fontsize=7, ha="center", va="center",
                    color="#c0392b" if bottleneck else "#1c2833",
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
        for j, name in enumerate(names):
            ax.text(xy[j][0], xy[j][1], name, ha="center", va="center", fontsize=8, fontweight="bold",
                    bbox=dict(boxstyle="round,pad=0.3", fc="#eaf2f8", ec="#1b4f72"))
        ax.set_xlim(-1.5, 1.5)
        ax.set_ylim(-1.4, 1.45)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(f"#{c['rank']}: up to {_money(c['bottleneck'])} once round", fontsize=8)
    return fig


def circular_share_chart(series: pd.DataFrame, small_base: float = 100.0) -> Figure:
    """The circular share (maximum circulation / all deal dollars in view) at each quarter end,
    with the dollars in view behind it, from :func:`loopledger.report.data.circular_share_series`.
    Quarters whose share rests on less than ``small_base`` USD bn are drawn hollow and grey:
    a single deal moves them by many points."""
    data = series[series["flow_total"] > 0]
    fig = _figure(10, 4.2)
    ax = fig.add_subplot()
    x = np.arange(len(data))
    ax2 = ax.twinx()
    ax2.bar(x, data["flow_total"], color="#d6eaf8", width=0.8, label="deal dollars in view (USD bn)")
    ax2.set_ylabel("USD bn in view", color="#5d6d7e")
    ax.plot(x, 100 * data["share"], color="#c0392b", marker="o", markersize=3, label="circular share")
    small = (data["flow_total"] < small_base).to_numpy()
    if small.any():
        ax.plot(x[small], 100 * data["share"].to_numpy()[small], linestyle="none", marker="o", markersize=6,
                markerfacecolor="white", markeredgecolor="#7f8c8d",
                label=f"rests on less than {_money(small_base)} of deals")
        ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.set_ylabel("circular share (%)", color="#c0392b")
    ax.set_ylim(0, max(5.0, float(100 * data["share"].max()) * 1.15) if len(data) else 100)
    ax.set_xticks(x[::2], data["quarter"].iloc[::2], rotation=60, fontsize=7)
    ax.set_title("Circular share of signed and paid deal dollars, quarter by quarter", fontsize=10)
    return fig


# round trips, look-through, stress -------------------------------------------------------------

def round_trip_chart(round_trip: pd.DataFrame, top: int = 12) -> Figure:
    """Round-trip shares (circular inflow / network inflow) with their range over all
    maximum circulations (docs/methods.md 2.2), largest first."""
    data = round_trip.head(top).iloc[::-1]
    fig = _figure(8, 0.9 + 0.32 * max(1, len(data)))
    ax = fig.add_subplot()
    y = np.arange(len(data))
    share = 100 * data["round_trip_share"].to_numpy(float)
    lo = 100 * data["round_trip_min"].fillna(data["round_trip_share"]).to_numpy(float)
    hi = 100 * data["round_trip_max"].fillna(data["round_trip_share"]).to_numpy(float)
    ax.barh(y, share, color="#2e86c1")
    ax.errorbar(share, y, xerr=[share - lo, hi - share], fmt="none", ecolor="black", capsize=3, lw=1)
    ax.set_yticks(y, data["name"], fontsize=8)
    ax.set_xlim(0, 105)
    ax.set_xlabel("share of network inflow that could be money going round (%)")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def lookthrough_chart(cells: pd.DataFrame) -> Figure:
    """The look-through sensitivity table as a grid: each cell is one formula's estimate of
    the investee's loss (USD bn, derived) with its rounding range; cells using a stake not held
    in the period are hatched (docs/methods.md 8.4)."""
    rows = list(dict.fromkeys(cells["row_label"]))
    cols = list(dict.fromkeys(cells["column"]))
    fig = _figure(9, 1.2 + 0.9 * len(rows))
    ax = fig.add_subplot()
    values = cells["estimate"].to_numpy(float)
    top = np.nanmax(values) if np.isfinite(values).any() else 1.0
    for r in cells.itertuples():
        i, j = rows.index(r.row_label), cols.index(r.column)
        known = r.estimate == r.estimate
        shade = (0.75 - 0.5 * (r.estimate / top)) if known else 0.93
        ax.add_patch(Rectangle((j, i), 1, 1, facecolor=(shade, shade + 0.05, 0.95 if known else 0.93),
                               edgecolor="white", hatch=None if r.stake_applies else "//"))
        text = f"{_money(r.estimate)}\n({r.low:,.1f}–{r.high:,.1f})" if known else "not computable"
        ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=8)
    ax.set_xlim(0, len(cols))
    ax.set_ylim(len(rows), 0)
    ax.set_xticks(np.arange(len(cols)) + 0.5, cols, fontsize=7)
    ax.set_yticks(np.arange(len(rows)) + 0.5, rows, fontsize=7)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    return fig


def _loss_bars(data: pd.DataFrame, colours: tuple[str, str], labels: tuple[str, str], xlabel: str,
               title: str | None = None) -> Figure:
    """Horizontal bars of direct + indirect loss per row of ``data`` (already ordered)."""
    fig = _figure(8, 0.9 + 0.32 * max(1, len(data)))
    ax = fig.add_subplot()
    y = np.arange(len(data))
    ax.barh(y, data["direct_loss"], color=colours[0], label=labels[0])
    ax.barh(y, data["indirect_loss"], left=data["direct_loss"], color=colours[1], label=labels[1])
    ax.set_yticks(y, data["name"], fontsize=8)
    ax.set_xlabel(xlabel)
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def stress_chart(companies: pd.DataFrame, top: int = 15, title: str | None = None) -> Figure:
    """Losses per company in a stress scenario (direct and indirect, USD bn), largest first,
    from ``stress(...).companies``; the failed companies themselves are left out."""
    data = companies[companies["round"].fillna(-1) != 0] if "round" in companies else companies
    data = data.sort_values("loss", ascending=False).head(top).iloc[::-1]
    return _loss_bars(data, ("#c0392b", "#f1948a"), ("direct (from the failed company)", "indirect (through others)"),
                      "loss, USD bn", title)


#: colours of the loss components, in the order the stress result lists them (cycled)
_COMPONENT_COLOURS = ("#c0392b", "#e67e22", "#f1c40f", "#16a085", "#2980b9", "#8e44ad", "#7f8c8d", "#d35400",
                      "#27ae60", "#34495e")


def bases_chart(totals: dict, components: list[str], title: str | None = None) -> Figure:
    """The stress result as two bars (USD bn): the economic loss to the others stacked by its
    components (``totals["components"]``, in the result's own order, whatever their names),
    beside the gross upper bound (``totals["total_loss_gross"]``)."""
    fig = _figure(8.0, 2.6)
    ax = fig.add_subplot(111)
    left = 0.0
    for i, name in enumerate(components):
        v = float(totals["components"][name])
        ax.barh(1, v, left=left, color=_COMPONENT_COLOURS[i % len(_COMPONENT_COLOURS)], edgecolor="white",
                label=f"{name.replace('_', ' ')} {_money(v)}")
        left += v
    gross = float(totals["total_loss_gross"])
    ax.barh(0, gross, color="#bdc3c7", edgecolor="#7f8c8d", label=f"gross bound {_money(gross)}")
    ax.text(left, 1, f"  {_money(float(totals['total_loss_economic']))}", va="center", fontsize=9)
    ax.text(gross, 0, f"  {_money(gross)}", va="center", fontsize=9)
    ax.set_yticks([0, 1], ["gross (face value)", "economic"])
    ax.set_xlabel("loss to the other companies, USD bn")
    ax.set_xlim(0, max(gross, left) * 1.18 or 1.0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, fontsize=11, loc="left")
    return fig


def systemic_chart(table: pd.DataFrame, top: int = 15) -> Figure:
    """The too-big-to-fail ranking: total loss to the others when each company fails alone
    (USD bn), from ``systemic(...).table``."""
    return _loss_bars(table.head(top).iloc[::-1], ("#6c3483", "#c39bd3"), ("direct", "indirect"),
                      "loss to the other companies if it fails, USD bn")


__all__ = [
    "circular_share_chart", "flow_table", "flows_sankey", "lookthrough_chart", "network_map",
    "bases_chart", "loops_chart", "money_chart", "money_groups", "promises_chart", "round_trip_chart", "stress_chart", "systemic_chart",
]
