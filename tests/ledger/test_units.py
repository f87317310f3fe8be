"""Units (docs/methods.md 9): the sourced assumption table, derived values checked by hand and
against a plain re-computation on random legs, validation of user tables, and the network's
``amount="derived"`` view with its ``derived_share``."""

from __future__ import annotations

import csv
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger.errors import LedgerError, ValidationError
from loopledger.ledger.dates import PartialDate
from loopledger.ledger.units import (
    DEFAULT_RULES,
    SCOPES,
    bundled_assumptions_path,
    derive_amounts,
    derived_share,
    load_assumptions,
    term_years,
)


def _raw_table() -> dict[str, dict[str, str]]:
    """The bundled CSV read with the csv module, independently of load_assumptions."""
    with bundled_assumptions_path().open(newline="", encoding="utf-8") as f:
        return {r["id"]: r for r in csv.DictReader(f)}


def test_bundled_table_is_sourced_and_valid():
    raw = _raw_table()
    assert len(raw) >= 4
    for rid, r in raw.items():
        assert r["source"].startswith("https://"), rid
        assert r["scope"] in SCOPES
        PartialDate.parse(r["date"])
        assert r["usd_bn_per_gw_low"] or r["usd_bn_per_gpu_low"]
    assert {r["scope"] for r in raw.values()} >= {"chips", "full_data_centre", "capacity_per_gw_year"}
    table = load_assumptions()
    assert set(table["id"]) == set(raw)
    assert set(DEFAULT_RULES.values()) <= set(raw)


def _leg(**kw) -> dict:
    base = dict(id="x", payer="a", payee="nvidia", kind="compute_purchase", status="definitive",
                amount_low=np.nan, amount_high=np.nan, power_gw=np.nan, gpu_count=np.nan,
                term_start=None, term_end=None)
    base.update(kw)
    return base


def test_hand_examples():
    raw = _raw_table()
    nv = float(raw["nvidia-2025-08-chips"]["usd_bn_per_gw_low"])
    b_lo = float(raw["bernstein-2025-10-chips"]["usd_bn_per_gw_low"])
    b_hi = float(raw["bernstein-2025-10-chips"]["usd_bn_per_gw_high"])
    per_gw_year = float(raw["oracle-openai-2025-07-cloud"]["usd_bn_per_gw_low"])
    legs = pd.DataFrame([
        _leg(id="nv", power_gw=2.0),                                   # 2 GW x Nvidia's $/GW
        _leg(id="amd", payee="amd", power_gw=6.0),                     # 6 GW x 15-20
        _leg(id="gpus", payee="amd", gpu_count=50_000),                # GPUs x $30-40k
        _leg(id="cloud", kind="cloud_contract", payee="oracle", power_gw=1.5,
             term_start="2026-01", term_end="2027-12"),                # GW x $/GW-yr x years
        _leg(id="cloud-no-term", kind="cloud_contract", payee="oracle", power_gw=1.0),
        _leg(id="lease", kind="lease", payee="dc", power_gw=1.0),
        _leg(id="stated", power_gw=1.0, amount_low=3.0, amount_high=3.0),  # has an amount: not a candidate
    ])
    res = derive_amounts(legs).legs.set_index("id")
    assert "stated" not in res.index
    assert res.loc["nv", "derived_low"] == pytest.approx(2.0 * nv)
    assert (res.loc["amd", "derived_low"], res.loc["amd", "derived_high"]) == pytest.approx((6 * b_lo, 6 * b_hi))
    assert (res.loc["gpus", "derived_low"], res.loc["gpus", "derived_high"]) == pytest.approx((50_000 * 30_000e-9, 50_000 * 40_000e-9))
    years = ((date(2027, 12, 31) - date(2026, 1, 1)).days + 1) / 365.25   # 730 / 365.25
    assert res.loc["cloud", "term_years"] == pytest.approx(years)
    assert res.loc["cloud", "derived_low"] == pytest.approx(1.5 * per_gw_year * years)
    assert np.isnan(res.loc["cloud-no-term", "derived_low"]) and "no_term" in res.loc["cloud-no-term", "reason"]
    assert np.isnan(res.loc["lease", "derived_low"]) and "lease" in res.loc["lease", "reason"]
    assert res.loc["nv", "assumption"] == "nvidia-2025-08-chips"
    assert res.loc["nv", "source"].startswith("https://")


def test_overrides_per_call():
    legs = pd.DataFrame([_leg(id="nv", power_gw=2.0), _leg(id="nv2", power_gw=1.0)])
    forced = derive_amounts(legs, assumption="bernstein-2025-10-chips").legs.set_index("id")
    assert forced.loc["nv", "derived_high"] == pytest.approx(2.0 * 20)      # 2 GW x $20B
    one = derive_amounts(legs, overrides={"nv2": "nvidia-2025-08-full-dc"}).legs.set_index("id")
    assert one.loc["nv2", "derived_low"] == pytest.approx(50) and one.loc["nv2", "derived_high"] == pytest.approx(60)
    off = derive_amounts(legs, rules={"compute_purchase:nvidia": None, "compute_purchase": None}).legs
    assert off["derived_low"].isna().all()
    with pytest.raises(LedgerError, match="unknown unit assumption"):
        derive_amounts(legs, assumption="nope")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["compute_purchase", "cloud_contract", "lease"]),
    st.sampled_from(["nvidia", "amd", "oracle"]),
    st.one_of(st.none(), st.floats(0.01, 20)),          # GW
    st.one_of(st.none(), st.integers(1, 10**6)),        # GPUs
    st.one_of(st.none(), st.floats(0, 500)),            # stated amount
    st.booleans(),                                      # has a term
), min_size=1, max_size=12))
def test_random_legs_against_a_plain_recomputation(rows):
    raw = _raw_table()

    def per(aid, unit):
        r = raw[aid]
        lo, hi = r[f"usd_bn_per_{unit}_low"], r[f"usd_bn_per_{unit}_high"]
        return (float(lo), float(hi)) if lo else None

    legs = pd.DataFrame([
        _leg(id=f"d{i}", kind=k, payee=p, power_gw=np.nan if gw is None else gw,
             gpu_count=np.nan if g is None else g, amount_low=np.nan if a is None else a,
             amount_high=np.nan if a is None else a, term_start="2026-01-01" if t else None,
             term_end="2030-12-31" if t else None)
        for i, (k, p, gw, g, a, t) in enumerate(rows)])
    res = derive_amounts(legs)
    got = res.legs.set_index("id")
    applied = res.apply(legs).set_index("id")
    for i, (k, p, gw, g, a, t) in enumerate(rows):
        did = f"d{i}"
        if a is not None or (gw is None and g is None):
            assert did not in got.index
            assert not applied.loc[did, "derived"]
            assert applied.loc[did, "amount_high"] == legs.set_index("id").loc[did, "amount_high"] or a is None
            continue
        # oracle: the documented rules, written out
        expect = None
        if gw is not None:
            aid = {"compute_purchase": "nvidia-2025-08-chips" if p == "nvidia" else "bernstein-2025-10-chips",
                   "cloud_contract": "oracle-openai-2025-07-cloud"}.get(k)
            if aid:
                lo, hi = per(aid, "gw")
                years = (date(2030, 12, 31) - date(2026, 1, 1)).days / 365.25 + 1 / 365.25
                if k == "cloud_contract":
                    expect = (gw * lo * years, gw * hi * years) if t else None
                else:
                    expect = (gw * lo, gw * hi)
        elif k == "compute_purchase":
            lo, hi = per("cnbc-2024-10-blackwell-gpu", "gpu")
            expect = (g * lo, g * hi)
        if expect is None:
            assert np.isnan(got.loc[did, "derived_low"])
            assert not applied.loc[did, "derived"]
        else:
            assert (got.loc[did, "derived_low"], got.loc[did, "derived_high"]) == pytest.approx(expect)
            assert applied.loc[did, "derived"]
            assert applied.loc[did, "amount_low"] == pytest.approx(expect[0])


def test_user_table_validation_names_row_and_column(tmp_path):
    bad = tmp_path / "mine.csv"
    bad.write_text(
        "id,scope,usd_bn_per_gw_low,usd_bn_per_gw_high,source,date\n"
        "ok,chips,10,12,https://example.org/a,2025-01\n"
        "x,galaxy,10,12,https://example.org/a,2025-01\n"
        "y,chips,12,10,https://example.org/a,2025-01\n"
        "z,chips,1,2,,2025-01\n"
        "ok,chips,-1,2,https://example.org/a,someday\n")
    with pytest.raises(ValidationError) as e:
        load_assumptions(bad)
    where = {(p.row, p.column) for p in e.value.problems}
    assert {(3, "scope"), (4, "usd_bn_per_gw_low"), (5, "source"), (6, "id"), (6, "usd_bn_per_gw_low"), (6, "date")} <= where
    assert all(p.path == str(bad) for p in e.value.problems)
    good = tmp_path / "good.csv"
    good.write_text("id,scope,usd_bn_per_gw_low,usd_bn_per_gw_high,source,date\n"
                    "mine,chips,10,12,https://example.org/a,2025-01\n")
    legs = pd.DataFrame([_leg(id="nv", power_gw=3.0)])
    res = derive_amounts(legs, assumptions=good, assumption="mine").legs
    assert (res["derived_low"].iloc[0], res["derived_high"].iloc[0]) == pytest.approx((30.0, 36.0))


def test_term_years_and_derived_share():
    assert term_years("2026", "2026") == pytest.approx(365 / 365.25)
    assert term_years(None, "2027") is None and term_years("2027", "2026") is None
    assert derived_share([10.0, 30.0, np.nan], [False, True, True]) == pytest.approx(30 / 40)
    assert derived_share([np.nan], [True]) == 0.0


def test_network_derived_view(bundled):
    plain = bundled.network(as_of="2026-06-30", statuses=None)
    net = bundled.network(as_of="2026-06-30", statuses=None, amount="derived")
    e = net.edges
    assert e["derived"].any()
    # stated amounts are never overwritten: legs not derived keep the "high" basis amounts
    same = e.loc[~e["derived"], "amount"].to_numpy()
    assert np.allclose(same, plain.edges.loc[~e["derived"].to_numpy(), "amount"].to_numpy(), equal_nan=True)
    assert plain.edges.loc[e["derived"].to_numpy(), "amount"].isna().all()
    assert e.loc[e["derived"], "assumption"].notna().all()
    cash = e[e["in_flow"] & e["amount"].notna()]
    expect = cash.loc[cash["derived"], "amount"].sum() / cash["amount"].sum()
    assert net.params["derived_share"] == pytest.approx(expect)
    assert 0 < net.params["derived_share"] < 1
    assert "derived_share" not in plain.params
    with pytest.raises(LedgerError, match="unknown amount basis"):
        bundled.network(amount="guess")


def test_cli_units_and_exposure_derived(cli, tmp_path):
    from loopledger.ledger import Ledger

    url = f"sqlite:///{tmp_path / 'u.db'}"
    Ledger.open(url).init()
    r = cli("units", "--db", url, "--json")
    assert r.code == 0, r.err
    legs = r.json()["legs"]
    assert any(x["derived_high"] for x in legs) and all(x["source"] or x["reason"] for x in legs)
    r = cli("exposure", "--db", url, "--amount", "derived", "--assumption", "bernstein-2025-10-chips", "--json")
    assert r.code == 0, r.err
    assert r.json()["params"]["derived_share"] > 0
    r = cli("exposure", "--db", url, "--amount", "derived", "--assumption", "nope")
    assert r.code == 1 and "unknown unit assumption" in r.err
