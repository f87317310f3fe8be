"""The map's layout and sizes, and the forms generated from the data model."""

from __future__ import annotations

import math

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger.web.forms import form_fields, split_main
from loopledger.web.graph import LAYOUT_SCALE, edge_width, node_size, spring_positions

EDGES = st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=40)


@settings(max_examples=40, deadline=None)
@given(edges=EDGES, isolated=st.sets(st.integers(15, 20), max_size=3))
def test_layout_places_every_node_once_and_deterministically(edges, isolated):
    pairs = [(f"n{u}", f"n{v}") for u, v in edges]
    nodes = [x for p in pairs for x in p] + [f"n{i}" for i in isolated]
    pos = spring_positions(pairs, nodes)
    assert set(pos) == set(nodes)
    if not nodes:
        return
    assert pos == spring_positions(list(reversed(pairs)), list(reversed(nodes)))  # order-free
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values())
    # components never overlap: their bounding boxes are disjoint (networkx says which nodes
    # belong together)
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(p for p in pairs if p[0] != p[1])
    boxes = []
    for comp in nx.connected_components(g):
        xs, ys = [pos[n][0] for n in comp], [pos[n][1] for n in comp]
        boxes.append((min(xs), max(xs), min(ys), max(ys)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[1] < b[0] or b[1] < a[0] or a[3] < b[2] or b[3] < a[2]
    # the largest component is centred on the origin within the layout scale
    biggest = max(nx.connected_components(g), key=len)
    if len(biggest) > 1:
        assert all(abs(pos[n][1]) <= LAYOUT_SCALE + 1e-6 for n in biggest)


def test_sizes_grow_with_value_and_unknown_is_smallest():
    assert node_size(None) == node_size(0) == node_size(float("nan")) == 18
    values = [0.01, 1, 10, 100, 1000, 5000]
    sizes = [node_size(v) for v in values]
    assert sizes == sorted(sizes) and sizes[0] > 18
    assert node_size(999) == round(18 + 10 * math.log10(1000), 2)
    assert edge_width(None) == 1 and edge_width(100) > edge_width(1) > 1


def test_deal_form_is_the_data_model():
    from loopledger.ledger.model import Confidence, Deal, DealKind, Overlap

    fields = {f.name: f for f in form_fields(Deal)}
    assert set(fields) == set(Deal.model_fields) - {"sources", "retracted", "retracted_reason"}
    for name, f in fields.items():
        assert f.required == Deal.model_fields[name].is_required(), name
    assert fields["kind"].input == "select" and set(fields["kind"].choices) == {k.value for k in DealKind}
    assert set(fields["confidence"].choices) == {c.value for c in Confidence}
    assert set(fields["overlap"].choices) == {o.value for o in Overlap} and not fields["overlap"].required
    assert fields["amount_low"].input == "number" and fields["include_in_totals"].input == "checkbox"
    assert fields["include_in_totals"].default is True and fields["currency"].default == "USD"
    assert fields["overlap_with"].kind == "list" and "|" in fields["overlap_with"].hint
    main, more = split_main(list(fields.values()))
    assert [f.name for f in main][:4] == ["id", "group", "payer", "payee"]
    assert {f.name for f in main} | {f.name for f in more} == set(fields)


def test_page_renders_every_model_field(client):
    from loopledger.ledger.model import Deal

    html = client.get("/").text
    assert "Edit the ledger" not in html  # anonymous
    for name in set(Deal.model_fields) - {"sources", "retracted", "retracted_reason"}:
        assert f'id="deal-{name}"' not in html  # forms only for editors


def test_editor_page_renders_every_model_field(client, sign_in):
    from loopledger.ledger.model import Deal

    sign_in(client, "ed")
    html = client.get("/").text
    for name in set(Deal.model_fields) - {"sources", "retracted", "retracted_reason"}:
        assert f'id="deal-{name}"' in html, name
        assert f'for="deal-{name}"' in html, name  # every input has its label
