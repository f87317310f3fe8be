"""The map's numbers without a browser: flows, widths, the core, the palette and the words the
page is served, and the levels of a user's network (``serve --edges``).

Oracles: plain Python loops over the leg rows (sums per flow, volumes per company, the share of
dollars between the core's companies), the vocabulary module itself for the words, and the raw
edge list for the groups (every company in exactly one group, every dollar either between two
groups or inside one)."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger import palette
from loopledger.vocabulary import BINDING_STATUSES, COMPANY_TYPES, KINDS, STATUSES
from loopledger.web import graph
from loopledger.web.graph import CORE_MAX, CORE_MIN, CORE_SHARE, core_of, edge_width, flows_of

STATUS_CODES = list(STATUSES)
KIND_CODES = list(KINDS)

legs_strategy = st.lists(
    st.tuples(st.integers(0, 34), st.integers(0, 34), st.sampled_from(KIND_CODES[:4]),
              st.sampled_from(STATUS_CODES),
              st.one_of(st.none(), st.floats(0.01, 500, allow_nan=False))),
    min_size=1, max_size=120)


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "source": [f"n{u:02d}" for u, *_ in rows], "target": [f"n{v:02d}" for _, v, *_ in rows],
        "kind": [k for *_, k, _, _ in rows], "status": [s for *_, s, _ in rows],
        "amount": [np.nan if a is None else a for *_, a in rows],
        "deal": [f"d{i}" for i in range(len(rows))],
    })


@settings(max_examples=60, deadline=None)
@given(rows=legs_strategy)
def test_flows_carry_every_leg_once_with_summed_dollars(rows):
    e = _frame(rows)
    flows = flows_of(e)
    assert sum(f["legs"] for f in flows) == len(e)
    assert sorted(d for f in flows for d in f["deals"]) == sorted(e["deal"])
    stroke = {s: palette.STATUS_LINES[s]["stroke"] for s in STATUS_CODES}
    expected: dict[tuple, list] = defaultdict(list)
    for r in e.itertuples():
        expected[(r.source, r.target, r.kind, stroke[r.status])].append(r.amount)
    assert len(flows) == len(expected)
    for f in flows:
        amounts = expected[(f["source"], f["target"], f["kind"], f["stroke"])]
        known = [a for a in amounts if not math.isnan(a)]
        assert f["legs"] == len(amounts)
        assert f["complete"] == (len(known) == len(amounts))
        if known:
            assert f["amount"] == pytest.approx(sum(known))
        else:
            assert f["amount"] is None and f["width"] == graph.WIDTH_UNKNOWN  # unknown, never 0
        assert f["colour"] == palette.KIND_COLOURS[f["kind"]]
        assert f["line"] == palette.STATUS_LINES[next(s for s in STATUS_CODES if stroke[s] == f["stroke"])]["line"]
    # largest first, and wider when larger
    amounts = [f["amount"] for f in flows if f["amount"] is not None]
    assert amounts == sorted(amounts, reverse=True)
    widths = [f["width"] for f in flows if f["amount"] is not None]
    assert widths == sorted(widths, reverse=True)
    if amounts:
        assert widths[0] == graph.WIDTH_MAX


@pytest.mark.parametrize("largest", [1.0, 30.0, 300.0, 5000.0])
def test_a_ten_times_larger_flow_is_visibly_wider(largest):
    # square root scale: ten times the dollars is about 3.2 times the width above the minimum,
    # at least a pixel more for any flow down to 1/300 of the largest
    for x in np.geomspace(largest / 300, largest / 10, 25):
        small, big = edge_width(x, largest), edge_width(10 * x, largest)
        assert big - small >= 1.0, (x, small, big)
        assert (big - graph.WIDTH_MIN) / (small - graph.WIDTH_MIN) == pytest.approx(math.sqrt(10), rel=0.05)
    assert edge_width(largest, largest) == graph.WIDTH_MAX
    assert edge_width(None) == edge_width(float("nan")) == edge_width(0) == graph.WIDTH_UNKNOWN


def _core_oracle(e: pd.DataFrame):
    """Rank by binding dollars (then all dollars, then id) with plain loops; the share of the
    binding dollars between a set's companies."""
    binding, every = defaultdict(float), defaultdict(float)
    nodes = set(e["source"]) | set(e["target"])
    use_binding = any(s in BINDING_STATUSES and not math.isnan(a) and a > 0 for s, a in zip(e["status"], e["amount"]))
    for s, t, st_, a in zip(e["source"], e["target"], e["status"], e["amount"]):
        if math.isnan(a):
            continue
        every[s] += a
        every[t] += a
        if st_ in BINDING_STATUSES or not use_binding:
            binding[s] += a
            binding[t] += a
    rank = sorted(nodes, key=lambda c: (-binding[c], -every[c], c))

    def share(top):
        inside = set(top)
        tot = both = 0.0
        for s, t, st_, a in zip(e["source"], e["target"], e["status"], e["amount"]):
            if math.isnan(a) or (use_binding and st_ not in BINDING_STATUSES):
                continue
            tot += a
            both += a if s in inside and t in inside else 0.0
        return 1.0 if tot == 0 else both / tot

    return rank, share


@settings(max_examples=60, deadline=None)
@given(rows=legs_strategy)
def test_the_core_is_the_smallest_top_set_carrying_the_share(rows):
    e = _frame(rows)
    core = core_of(e)
    rank, share = _core_oracle(e)
    top = core["nodes"]
    assert top == rank[:len(top)]  # a prefix of the ranking
    assert core["share"] == pytest.approx(share(top), abs=1e-4)
    if len(rank) <= CORE_MAX:
        assert top == rank
        return
    assert CORE_MIN <= len(top) <= CORE_MAX
    if len(top) < CORE_MAX:
        assert share(top) >= CORE_SHARE - 1e-9
    for n in range(CORE_MIN, len(top)):  # no smaller top set carries the share
        assert share(rank[:n]) < CORE_SHARE


def test_the_bundled_map_opens_on_a_core_of_15_to_25(ledger):
    from loopledger import View

    m = graph.map_view(ledger, View.of(statuses=None), positions=graph.ledger_layout(ledger))
    core = [n for n in m["nodes"] if n["core"]]
    assert CORE_MIN <= len(core) <= CORE_MAX < len(m["nodes"])
    assert {n["id"] for n in core} == set(m["core"]["nodes"])
    assert m["core"]["share"] >= CORE_SHARE
    assert {"openai", "nvidia", "oracle", "microsoft"} <= set(m["core"]["nodes"])
    assert all(n["core_x"] is not None for n in core) and all(n["core_x"] is None for n in m["nodes"] if not n["core"])
    # the flows carry the legs
    assert sorted(d for f in m["flows"] for d in f["deals"]) == sorted(e["id"] for e in m["edges"])


def test_one_palette_for_the_page_and_the_report(ledger):
    from loopledger import View
    from loopledger.report import figures

    assert figures.TYPE_COLOURS is palette.TYPE_COLOURS
    assert figures.STATUS_COLOURS is palette.STATUS_COLOURS
    assert graph.TYPE_COLOURS is palette.TYPE_COLOURS and graph.KIND_COLOURS is palette.KIND_COLOURS
    m = graph.map_view(ledger, View.of(statuses=None))
    types = ledger.companies().set_index("id")["type"]
    for n in m["nodes"]:
        assert n["colour"] == palette.TYPE_COLOURS[types[n["id"]]]
    for f in m["flows"]:
        assert f["colour"] == palette.KIND_COLOURS[f["kind"]]


def test_the_page_is_served_the_vocabularys_words(ro_client):
    words = ro_client.get("/api/vocabulary").json()
    assert {k: v["label"] for k, v in words["kinds"].items()} == {k: m.label for k, m in KINDS.items()}
    assert {k: v["short"] for k, v in words["kinds"].items()} == {k: m.short for k, m in KINDS.items()}
    assert {k: v["label"] for k, v in words["statuses"].items()} == {k: m.label for k, m in STATUSES.items()}
    assert {k: v["short"] for k, v in words["statuses"].items()} == {k: m.short for k, m in STATUSES.items()}
    assert {k: v["label"] for k, v in words["company_types"].items()} == {k: v[0] for k, v in COMPANY_TYPES.items()}
    assert {k: v["colour"] for k, v in words["kinds"].items()} == palette.KIND_COLOURS
    # the page's controls use the same words, never the codes
    html = ro_client.get("/").text
    for code, meaning in STATUSES.items():
        assert f"</svg> {meaning.short}</label>" in html, code
    for code, meaning in KINDS.items():
        assert f"</svg> {meaning.label}</label>" in html, code
    assert "funded_partial</label>" not in html and "> funded_partial" not in html


def test_legend_says_what_widths_and_sizes_mean(ro_client):
    body = ro_client.get("/api/network", params={"status": STATUS_CODES}).json()
    legend = body["legend"]
    assert "square root" in legend["width"] and "market value" in legend["size_words"]
    largest = max(f["amount"] for f in body["flows"] if f["amount"] is not None)
    for sample in legend["width_samples"]:
        assert sample["width"] == edge_width(sample["amount"], largest)
    assert {i["code"] for i in legend["kind_items"]} == {f["kind"] for f in body["flows"]}
    assert {i["code"] for i in legend["type_items"]} == {n["type"] for n in body["nodes"]}


def test_groups_and_focus_are_refused_for_the_ledger(ro_client):
    for name in ("group", "focus"):
        r = ro_client.get("/api/network", params={name: "g1"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == name


# -- a user's network ------------------------------------------------------------------------

def _user_map(edges: pd.DataFrame, monkeypatch, detail: int = 30, groups: int = 6):
    from loopledger.network import FlowNetwork
    from loopledger.web import usermap

    monkeypatch.setattr(usermap, "DETAIL_LIMIT", detail)
    monkeypatch.setattr(usermap, "MAX_GROUPS", groups)
    return usermap.UserMap(FlowNetwork.from_edges(edges), "test.csv")


def _random_edges(seed: int, n: int = 160, m: int = 700) -> pd.DataFrame:
    from bench.bench_map import synthetic_edges

    return synthetic_edges(n, m, blocks=8, seed=seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_groups_partition_the_companies_and_conserve_the_dollars(seed, monkeypatch):
    edges = _random_edges(seed)
    um = _user_map(edges, monkeypatch)
    top = um.view("")
    assert top["mode"] == "groups"
    members = um.partition((), np.arange(um.net.n))
    everyone = np.concatenate(members)
    assert sorted(everyone.tolist()) == list(range(um.net.n))  # each company in exactly one group
    label = {i: str(x) for i, x in enumerate(um.net.nodes.tolist())}
    group_of = {label[i]: k for k, m in enumerate(members) for i in m.tolist()}
    # every dollar of the file is either inside a group or between two (plain loops)
    inside = between = 0.0
    pair: dict[tuple[str, str], float] = defaultdict(float)
    shown = {f"g{k}" for k in range(min(len(members), 6))}
    for s, t, a in edges.itertuples(index=False):
        gs, gt = group_of[s], group_of[t]
        if gs == gt:
            inside += a
        else:
            between += a
            ns = f"g{gs}" if f"g{gs}" in shown else "more"
            nt = f"g{gt}" if f"g{gt}" in shown else "more"
            if ns != nt:
                pair[(ns, nt)] += a
    drawn = top["drawn"]
    assert drawn["dollars_total"] == pytest.approx(edges["amount"].sum())
    assert drawn["dollars_inside_groups"] + drawn["dollars_between"] == pytest.approx(inside + between)
    # the flows drawn are the largest between the nodes drawn, with the file's sums
    for f in top["flows"]:
        assert f["amount"] == pytest.approx(pair[(f["source"], f["target"])])
    assert [f["amount"] for f in top["flows"]] == sorted((f["amount"] for f in top["flows"]), reverse=True)
    assert top["flows"][-1]["amount"] >= sorted(pair.values(), reverse=True)[len(top["flows"]) - 1] - 1e-9
    # a group's node says how many companies it holds; opening it draws them (or its groups)
    for node in top["nodes"]:
        if node["id"] == "more":
            continue
        k = int(node["id"][1:])
        assert node["members"] == len(members[k])
        below = um.view(node["open"])
        assert below["counts"]["companies"] == len(members[k])
        assert below["crumbs"][-1]["path"] == node["open"]
        if below["mode"] == "companies":
            assert {n["id"] for n in below["nodes"]} == {label[i] for i in members[k].tolist()}


def test_focus_finds_the_level_that_draws_a_company(monkeypatch):
    edges = _random_edges(4)
    um = _user_map(edges, monkeypatch)
    for name in sorted(set(edges["source"]))[::17]:
        level = um.view(focus=name)
        assert level["mode"] == "companies" and level["focus"] == name
        assert name in {n["id"] for n in level["nodes"]}
        assert um.view(level["path"])["counts"] == level["counts"]


def test_bad_levels_say_where_and_why(monkeypatch):
    from loopledger.web.usermap import PathError

    um = _user_map(_random_edges(5), monkeypatch)
    for bad in ("g999", "x1", "g0/g0/g0/g0/g0/g0/g0"):
        with pytest.raises(PathError) as e:
            um.view(bad)
        assert e.value.field == "group" and f"'{bad}'" in str(e.value)
    with pytest.raises(PathError) as e:
        um.view(focus="no-such-company")
    assert e.value.field == "focus" and "no-such-company" in str(e.value)


def test_a_small_user_network_is_drawn_company_by_company(monkeypatch):
    edges = pd.DataFrame({"source": ["a", "b", "c", "a"], "target": ["b", "c", "a", "c"], "amount": [1.0, 2.0, None, 4.0]})
    um = _user_map(edges, monkeypatch)
    v = um.view()
    assert v["mode"] == "companies" and {n["id"] for n in v["nodes"]} == {"a", "b", "c"}
    by = {(f["source"], f["target"]): f for f in v["flows"]}
    assert by[("c", "a")]["amount"] is None and by[("a", "c")]["amount"] == 4.0
    assert v["counts"]["dollars"] == 7.0  # the unknown amount counts nowhere
