"""The claims over HTTP (issue 17, part 5): ``GET /api/claims`` and the company panel's
``secured_by`` and ``pledged_to``, checked against the bundled CSV files read directly."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

DATA = Path(__file__).parents[2] / "src" / "loopledger" / "ledger" / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r.get("retracted") != "true"]


@pytest.fixture(scope="module")
def raw():
    deals = {d["id"]: d for d in _rows("deals")}
    pledges = [p for p in _rows("pledges") if p["loan"] in deals]
    return deals, pledges


def _start(text: str) -> date:
    parts = [int(x) for x in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def test_claims_lists_every_pledged_collateral_with_its_claims_and_flags(ro_client, raw):
    deals, pledges = raw
    r = ro_client.get("/api/claims", params={"as_of": "2026-12-07"})
    assert r.status_code == 200
    body = r.json()
    live = [p for p in pledges if _start(p["as_of"]) <= date(2026, 12, 7)]
    expected = {p["collateral_asset"] or p["collateral_deal"] for p in live}
    got = {c["collateral"]: c for c in body["collateral"]}
    assert set(got) == expected
    for c in got.values():
        mine = {p["id"] for p in live if (p["collateral_asset"] or p["collateral_deal"]) == c["collateral"]}
        assert {x["pledge"] for x in c["claims_in_order"]} == mine
        assert all(x["sources"] for x in c["claims_in_order"])
        for x in c["claims_in_order"]:
            assert x["lender"] == deals[x["loan"]]["payer"]
    # the DDTL 2.0 GPUs back two loans of two lenders, neither ranking stated
    two = got["crwv-ddtl2-gpus"]
    assert {x["lender"] for x in two["claims_in_order"]} == {"blackstone", "bank-lenders"}
    assert two["flags"] == ["priority_not_stated"]
    assert "as of 2026-12-07" in body["counting"]
    assert body["by_sponsor"] and body["resting_on"]


def test_claims_refuses_a_bad_date_with_a_clear_error(ro_client):
    r = ro_client.get("/api/claims", params={"as_of": "2026-02-30"})
    assert 400 <= r.status_code < 500 and "as_of" in r.text


def test_a_company_lists_what_secures_its_loans_and_what_it_pledged(ro_client, raw):
    deals, pledges = raw
    c = ro_client.get("/api/companies/coreweave", params={"as_of": "2026-12-07"}).json()
    borrowed = {p["id"] for p in pledges if deals[p["loan"]]["payee"] == "coreweave"}
    assert {x["pledge"] for x in c["secured_by"] if x["role"] == "borrower"} == borrowed
    owned = {p["id"] for p in pledges if p["collateral_deal"] and deals[p["collateral_deal"]]["payee"] == "coreweave"}
    assert owned and {x["pledge"] for x in c["pledged_to"] if x["role"] == "receivables"} == owned
    meta = ro_client.get("/api/companies/meta", params={"as_of": "2026-12-07"}).json()
    pays = {p["id"] for p in pledges if p["collateral_deal"] and deals[p["collateral_deal"]]["payer"] == "meta"}
    assert pays and {x["pledge"] for x in meta["pledged_to"] if x["role"] == "payer"} == pays
    assert meta["secured_by"] == []
