"""Finn's cycling index (docs/methods.md section 3).

Checked against (1) a plain dense implementation of the docs/methods.md 3.2 formulas written here,
on random flows (hypothesis), (2) the docs/methods.md 3.4 hand case, and (3) the numbers enaR's
vignette prints for its bundled oyster-reef model (Dame & Patten 1981), computed by enaR's
``enaFlow``: Borrett & Lau (2014), enaR vignette, github.com/SEELab/enaR,
vignettes/enaR-vignette.tex, section "Flow Analysis" (``F$ns`` and ``F$NP``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger.errors import LedgerError
from loopledger.measures import ena
from loopledger.measures.ena import company_boundary, cycling_index, cycling_index_from_network
from loopledger.network import FlowNetwork

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def plain_fci(F: np.ndarray, z: np.ndarray) -> dict:
    """docs/methods.md 3.2 written out with a dense inverse; F row = payer, no pitfalls handled."""
    T = F.sum(axis=0) + z
    G = F / T[:, None]
    N = np.linalg.inv(np.eye(len(T)) - G)
    d = np.diag(N)
    tstc = ((1 - 1 / d) * T).sum()
    return {"T": T, "N_jj": d, "tst": T.sum(), "tstc": tstc, "fci": tstc / T.sum(), "apl": T.sum() / z.sum()}


@st.composite
def open_systems(draw, max_n: int = 7):
    """Random open systems (self-loops allowed) without deficits: a leaky share matrix G
    (each row passes on at most 90% of the node's throughflow), inputs z > 0, throughflow
    T solving T = z + Gᵀ T, and flows F = diag(T) G."""
    n = draw(st.integers(1, max_n))
    density = draw(st.floats(0.1, 1.0))
    vals = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n * n, max_size=n * n))).reshape(n, n)
    mask = np.array(draw(st.lists(st.floats(0, 1), min_size=n * n, max_size=n * n))).reshape(n, n)
    G = np.where((mask < density) & (vals > 1e-6), vals, 0.0)
    keep = np.array(draw(st.lists(st.floats(0.0, 0.9), min_size=n, max_size=n)))
    rows = G.sum(axis=1)
    G = G * np.where(rows > 0, keep / np.where(rows > 0, rows, 1.0), 0.0)[:, None]
    z = np.array(draw(st.lists(st.floats(0.01, 10.0), min_size=n, max_size=n)))
    T = np.linalg.solve(np.eye(n) - G.T, z)
    return T[:, None] * G, z


@SETTINGS
@given(open_systems())
def test_matches_the_plain_formulas(case):
    F, z = case
    expected = plain_fci(F, z)
    for flows in (F, sp.csr_matrix(F)):
        res = cycling_index(flows, z)
        assert res.reason is None and res.drawdown_total == 0 and not res.dropped
        assert res.tst == pytest.approx(expected["tst"], rel=1e-9)
        assert res.tstc == pytest.approx(expected["tstc"], rel=1e-7, abs=1e-9)
        assert res.fci == pytest.approx(expected["fci"], rel=1e-7, abs=1e-9)
        assert res.apl == pytest.approx(expected["apl"], rel=1e-9)
        np.testing.assert_allclose(res.throughflow.to_numpy(), expected["T"], rtol=1e-12)
        np.testing.assert_allclose(res.nodes["n_jj"].to_numpy(), expected["N_jj"], rtol=1e-8)
        np.testing.assert_allclose(res.return_share.to_numpy(), 1 - 1 / expected["N_jj"], atol=1e-9)
        assert 0 <= res.fci < 1


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(open_systems(max_n=9))
def test_sparse_lu_path_matches(case):
    """The sparse-LU path for large networks, forced on small ones."""
    F, z = case
    expected = plain_fci(F, z)
    old = ena.DENSE_LIMIT
    ena.DENSE_LIMIT = 0
    try:
        res = cycling_index(sp.csr_matrix(F), z)
    finally:
        ena.DENSE_LIMIT = old
    assert res.fci == pytest.approx(expected["fci"], rel=1e-7, abs=1e-9)
    np.testing.assert_allclose(res.nodes["n_jj"].to_numpy(), expected["N_jj"], rtol=1e-8)
    dense = cycling_index(F, z)
    assert res.condition_number == pytest.approx(dense.condition_number, rel=1e-6)


def test_hand_case_methods_3_4():
    """z = (1, 0), F[0,1] = 1, F[1,0] = 0.5 (written for docs/methods.md 3.4)."""
    res = cycling_index(np.array([[0.0, 1.0], [0.5, 0.0]]), [1.0, 0.0])
    np.testing.assert_allclose(res.throughflow.to_numpy(), [1.5, 1.0])
    np.testing.assert_allclose(res.nodes["n_jj"].to_numpy(), [1.5, 1.5])
    assert res.tstc == pytest.approx(5 / 6)
    assert res.tst == pytest.approx(2.5)
    assert res.fci == pytest.approx(1 / 3)
    assert res.apl == pytest.approx(2.5)


def test_orientation_is_pinned():
    """Reading the hand case's matrix column-to-row (the Patten orientation) is a different
    network: node 1 then pays 1 to node 0 and must draw on reserves; FCI changes."""
    res = cycling_index(np.array([[0.0, 0.5], [1.0, 0.0]]), [1.0, 0.0])
    assert res.drawdown_total > 0
    assert res.fci != pytest.approx(1 / 3)


OYSTER_NODES = ["Filter Feeders", "Microbiota", "Meiofauna", "Deposit Feeders", "Predators", "Deposited Detritus"]


def oyster() -> tuple[np.ndarray, np.ndarray]:
    """The oyster reef model (Dame & Patten 1981) as printed by enaR's vignette (unpack(m))."""
    F = np.zeros((6, 6))
    F[0, 4], F[0, 5] = 0.5135, 15.7910
    F[1, 2], F[1, 3] = 1.2060, 1.2060
    F[2, 3], F[2, 5] = 0.6609, 4.2403
    F[3, 4], F[3, 5] = 0.1721, 1.9076
    F[4, 5] = 0.3262
    F[5, 1], F[5, 2], F[5, 3] = 8.1721, 7.2745, 0.6431
    z = np.array([41.47, 0, 0, 0, 0, 0])
    return F, z


def test_enar_vignette_oyster_reef():
    """enaR's enaFlow(oyster)$ns prints Boundary 41.47, TST 83.5833, APL 2.015512,
    FCI 0.1101686, and the diagonal of NP (= diagonal of N) 1, 1.1018630, 1.2971032,
    1.1240688, 1.0051064, 1.3885039 (enaR keeps about 7 significant digits here)."""
    F, z = oyster()
    res = cycling_index(F, z, labels=OYSTER_NODES)
    assert res.boundary == pytest.approx(41.47)
    assert res.tst == pytest.approx(83.5833, rel=1e-6)
    assert res.apl == pytest.approx(2.015512, rel=1e-6)
    assert res.fci == pytest.approx(0.1101686, rel=1e-6)
    np.testing.assert_allclose(res.nodes["n_jj"].to_numpy(),
                               [1.0, 1.1018630, 1.2971032, 1.1240688, 1.0051064, 1.3885039], rtol=1e-6)
    assert not res.ill_conditioned
    # same answer from a sparse matrix and from the transposed matrix transposed back
    assert cycling_index(sp.csr_matrix(F.T).T, z).fci == pytest.approx(res.fci, rel=1e-12)


# ------------------------------------------------------------------------------------------------
# Pitfalls (docs/methods.md 3.3)


def test_closed_ring_is_an_error_that_says_so():
    ring = np.array([[0, 2.0, 0], [0, 0, 2.0], [2.0, 0, 0]])
    with pytest.raises(LedgerError, match="closed system.*no boundary input"):
        cycling_index(ring, [0, 0, 0])
    res = cycling_index(ring, [0, 0, 0], on_closed="nan")
    assert res.reason == "closed_system"
    assert np.isnan(res.fci) and np.isnan(res.tstc) and res.apl == float("inf")
    assert sorted(res.closed_nodes) == [0, 1, 2]
    assert res.to_dict()["fci"] is None
    # one outside dollar into the ring opens it: money now leaves where it came in
    assert not np.isnan(cycling_index(ring, [1.0, 0, 0]).fci)


def test_closed_part_of_an_open_network():
    """An isolated ring beside an open chain: only the ring is closed."""
    F = np.zeros((4, 4))
    F[0, 1] = 1.0          # open: 0 -> 1, boundary input at 0
    F[2, 3] = F[3, 2] = 5  # ring 2 <-> 3, no input
    with pytest.raises(LedgerError, match="2 nodes"):
        cycling_index(F, [1.0, 0, 0, 0], labels=list("abcd"))
    res = cycling_index(F, [1.0, 0, 0, 0], labels=list("abcd"), on_closed="nan")
    assert sorted(res.closed_nodes) == ["c", "d"]


def test_zero_throughflow_nodes_are_dropped_and_listed():
    F, z = oyster()
    big = np.zeros((7, 7))
    big[:6, :6] = F
    res = cycling_index(big, np.r_[z, 0.0], labels=OYSTER_NODES + ["idle"])
    assert res.dropped == ["idle"]
    assert res.fci == pytest.approx(cycling_index(F, z).fci, rel=1e-12)
    assert np.isnan(res.nodes.set_index("node").loc["idle", "return_share"])


def test_reserve_drawdown_covers_payments_above_throughflow():
    """Node 0 receives 1 but pays 3: its deficit of 2 is added to its input (default), or
    the call fails naming it."""
    F = np.array([[0.0, 3.0], [1.0, 0.0]])
    z = np.array([0.0, 0.0])
    res = cycling_index(F, z, labels=["payer", "payee"])
    assert res.reserve_drawdown is True
    assert res.drawdown_total == pytest.approx(3.0 - 1.0)
    expected = plain_fci(F, np.array([2.0, 0.0]))
    assert res.fci == pytest.approx(expected["fci"])
    with pytest.raises(LedgerError, match="payer"):
        cycling_index(F, z, labels=["payer", "payee"], reserve_drawdown=False)


def test_self_loops_count():
    F = np.array([[2.0, 1.0], [0.0, 0.0]])
    res = cycling_index(F, [3.0, 0.0])
    assert res.fci == pytest.approx(plain_fci(F, np.array([3.0, 0.0]))["fci"])
    assert res.fci > 0


def test_ill_conditioned_is_flagged():
    eps = 1e-14
    ring = np.array([[0, 1.0], [1.0 - eps, 0]])
    res = cycling_index(ring, [eps, 0.0])
    assert res.ill_conditioned and res.condition_number > 1e12
    assert any("ill-conditioned" in n for n in res.notes)


def test_imbalance_reported_with_outputs():
    F = np.array([[0.0, 1.0], [0.5, 0.0]])
    res = cycling_index(F, [1.0, 0.0], outputs=[0.5, 0.2])
    # T = (1.5, 1); out = (1, 0.5); T - out - y = (0, 0.3)
    np.testing.assert_allclose(res.nodes["imbalance"].to_numpy(), [0.0, 0.3])


@pytest.mark.parametrize("flows, inputs, message", [
    ([[0, -1], [0, 0]], [1, 0], "non-negative"),
    ([[0, 1, 0], [0, 0, 1]], [1, 0], "square"),
    ([[0, np.nan], [0, 0]], [1, 0], "finite"),
    ([[0, 1], [0, 0]], [1, -2], "node 1 has -2"),
    ([[0, 1], [0, 0]], [1], "one value per node"),
])
def test_bad_input_is_a_clear_error(flows, inputs, message):
    with pytest.raises(LedgerError, match=message):
        cycling_index(flows, inputs)


# ------------------------------------------------------------------------------------------------
# Company networks


def test_boundary_from_company_facts(bundled):
    net = bundled.network(as_of="2026-11-26")
    table = company_boundary(net, bundled).set_index("node")
    facts = bundled.facts(company="openai", metric="revenue", as_of="2026-11-26", latest=True).iloc[0]
    row = table.loc["openai"]
    assert row["fact"] == facts["id"] and row["value"] == facts["value"]
    factor = {"2026-Q1": 4.0, "FY2025": 1.0}.get(facts["period"])
    inflow = float(net.adjacency[:, net.index_of("openai")].sum())
    assert row["inflow"] == pytest.approx(inflow)
    assert row["input"] == pytest.approx(max(0.0, facts["value"] * factor - inflow))
    assert row["basis"].startswith("derived")
    # a company without a revenue fact: missing, never a made-up number
    no_fact = [nd for nd in net.nodes if nd not in set(bundled.facts(metric="revenue")["company"])]
    assert no_fact and table.loc[no_fact[0], "basis"] == "missing" and np.isnan(table.loc[no_fact[0], "input"])


def test_cycling_index_of_a_network_with_given_inputs():
    frame = pd.DataFrame({"source": ["A", "B"], "target": ["B", "A"], "amount": [1.0, 0.5]})
    net = FlowNetwork.from_edges(frame)
    res = cycling_index_from_network(net, inputs={"A": 1.0})
    assert res.fci == pytest.approx(1 / 3)
    assert list(res.boundary_table["basis"]) == ["given", "missing"]
    with pytest.raises(LedgerError, match="not in the network"):
        cycling_index_from_network(net, inputs={"Z": 1.0})
    # without inputs the ring A <-> B pays B more than it receives: reserves open it
    res = cycling_index_from_network(net)
    assert res.drawdown_total == pytest.approx(0.5) and res.reason is None


def test_cli_cycling_index(cli, tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target,amount\nA,B,1\nB,A,0.5\n")
    out = cli("cycling-index", "--edges", path, "--input", "A=1", "--json")
    assert out.code == 0, out.err
    assert out.json()["fci"] == pytest.approx(1 / 3)
    ring = tmp_path / "ring.csv"
    ring.write_text("source,target,amount\nA,B,1\nB,A,1\n")
    bad = cli("cycling-index", "--edges", ring, "--no-reserve-drawdown")
    assert bad.code == 1 and "closed system" in bad.err
    nan = cli("cycling-index", "--edges", ring, "--on-closed", "nan", "--json")
    assert nan.code == 0 and nan.json()["reason"] == "closed_system"
    inputs = tmp_path / "inputs.csv"
    inputs.write_text("node,input\nA,x\n")
    bad = cli("cycling-index", "--edges", path, "--inputs", inputs)
    assert bad.code == 1 and "inputs.csv:2:input" in bad.err


def test_components_larger_than_max_block_are_a_clear_error():
    F, z = oyster()  # one strongly connected component of 5 nodes
    with pytest.raises(LedgerError, match="5 nodes, more than max_block=4"):
        cycling_index(F, z, max_block=4)
    assert cycling_index(F, z, max_block=None).fci == pytest.approx(cycling_index(F, z).fci)


# ------------------------------------------------------------------------------------------------
# Nearly balanced models (docs/methods.md 3.5): enaR's convention, the imbalance, the other conventions


def enar_sscheck(F: np.ndarray, z: np.ndarray, y: np.ndarray, tol: float = 5.0) -> tuple[bool, float]:
    """enaR's ssCheck written out: |Tin - Tout| / Tout x 100 per node, balanced when all < tol."""
    t_in, t_out = F.sum(axis=0) + z, F.sum(axis=1) + y
    pe = np.abs(t_in - t_out) / t_out * 100
    return bool((pe < tol).all()), float(pe.max())


def plain_fci_T(F: np.ndarray, T: np.ndarray) -> float:
    G = F / T[:, None]
    d = np.diag(np.linalg.inv(np.eye(len(T)) - G))
    return float(((1 - 1 / d) * T).sum() / T.sum())


@SETTINGS
@given(open_systems(), st.lists(st.floats(-0.04, 0.04), min_size=7, max_size=7))
def test_nearly_balanced_models_follow_enar_and_report_the_imbalance(case, noise):
    F, z = case
    n = len(z)
    T = F.sum(axis=0) + z
    y = T - F.sum(axis=1)                        # the balanced outputs
    y = np.maximum(y * (1 + np.array(noise[:n])), 1e-9)   # a few percent off balance
    balanced, worst = enar_sscheck(F, z, y)
    res = cycling_index(F, z, outputs=y)
    # the default is enaR's enaFlow: throughflow from inflows, whatever the outputs say
    assert res.throughflow_basis == "input"
    assert res.fci == pytest.approx(plain_fci_T(F, F.sum(axis=0) + z), rel=1e-7, abs=1e-9)
    assert res.balanced == balanced and res.imbalance_max_pct == pytest.approx(worst, rel=1e-9, abs=1e-12)
    assert res.imbalance_total == pytest.approx(float((F.sum(axis=0) + z - F.sum(axis=1) - y).sum()), abs=1e-9)
    # from outflows, and the average of the two
    out = cycling_index(F, z, outputs=y, throughflow="output")
    assert out.fci == pytest.approx(plain_fci_T(F, F.sum(axis=1) + y), rel=1e-7, abs=1e-9)
    avg = cycling_index(F, z, outputs=y, throughflow="average")
    T_avg = 0.5 * (F.sum(axis=0) + z + F.sum(axis=1) + y)
    if (F.sum(axis=1) <= T_avg).all():
        assert avg.fci == pytest.approx(plain_fci_T(F, T_avg), rel=1e-7, abs=1e-9)


@SETTINGS
@given(open_systems())
def test_the_three_conventions_agree_on_a_balanced_model(case):
    F, z = case
    y = F.sum(axis=0) + z - F.sum(axis=1)
    results = [cycling_index(F, z, outputs=y, throughflow=t) for t in ena.THROUGHFLOW]
    assert results[0].balanced and results[0].imbalance_max_pct == pytest.approx(0, abs=1e-9)
    for r in results[1:]:
        assert r.fci == pytest.approx(results[0].fci, rel=1e-7, abs=1e-9)
        assert r.tst == pytest.approx(results[0].tst, rel=1e-9)


def test_output_and_average_need_outputs():
    with pytest.raises(LedgerError, match="outputs"):
        cycling_index([[0, 1], [0.5, 0]], [1, 0], throughflow="output")
    with pytest.raises(LedgerError, match="throughflow must be"):
        cycling_index([[0, 1], [0.5, 0]], [1, 0], throughflow="both")
    # the hand case 20 % off balance at one node: flagged, and enaR's number still comes out by default
    res = cycling_index([[0, 1], [0.5, 0]], [1, 0], outputs=[0.5, 0.5 * 1.2])
    assert res.fci == pytest.approx(1 / 3) and res.balanced is False
    assert any("not balanced" in n for n in res.notes)
