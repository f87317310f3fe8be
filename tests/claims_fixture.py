"""A small hand-built ledger with claims, as change sets (shared by the claims tests)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

URL = "https://example.org/claims"


def _deal(did: str, payer: str, payee: str, kind: str, amount: float | None, **extra: Any) -> dict[str, Any]:
    return {"id": did, "group": did, "announced": "2025-01-01", "payer": payer, "payee": payee, "kind": kind,
            "amount_low": amount, "amount_high": amount, "confidence": "high", "sources": [URL],
            "status": "definitive", "status_date": "2025-01-01", **extra}


BASE: dict[str, Any] = {
    "id": "2026-01-01-00-claims-base",
    "date": "2026-01-01",
    "summary": "a lab, a cloud, two lenders, a vehicle and their deals",
    "why": "tests of the claims model",
    "sources": [{"url": URL, "publisher": "Example", "date": "2025-01-01", "type": "news"}],
    "add": {
        "companies": [
            {"id": "lab", "name": "Lab", "type": "ai_lab"},
            {"id": "cloud", "name": "Cloud", "type": "neocloud"},
            {"id": "bank-a", "name": "Bank A", "type": "lender"},
            {"id": "bank-b", "name": "Bank B", "type": "lender"},
            {"id": "big", "name": "Big", "type": "hyperscaler_cloud"},
            {"id": "spv", "name": "SPV", "type": "vehicle_spv", "sponsors": ["big"]},
        ],
        "deals": [
            # the lab's contract with the cloud: the receivables pledged below (10 over no term)
            _deal("contract", "lab", "cloud", "cloud_contract", 10.0),
            _deal("loan-a", "bank-a", "cloud", "loan_debt_spv", 6.0),
            _deal("loan-b", "bank-b", "cloud", "loan_debt_spv", 5.0),
            _deal("spv-loan", "bank-a", "spv", "loan_debt_spv", 3.0),
            _deal("spv-lease", "lab", "spv", "lease", 4.0),
            _deal("backstop", "big", "spv", "capacity_backstop", 2.0),
        ],
    },
}


def claims_set(assets=(), pledges=(), guarantees=(), name: str = "2026-02-01-00-claims") -> dict[str, Any]:
    return {"id": name, "date": "2026-02-01", "summary": "claims", "why": "tests",
            "add": {"assets": list(assets), "pledges": list(pledges), "guarantees": list(guarantees)}}


def asset(aid: str, owner: str = "cloud", value: float | None = None, kind: str = "gpus") -> dict[str, Any]:
    out: dict[str, Any] = {"id": aid, "kind": kind, "owner": owner, "description": f"asset {aid}", "sources": [URL]}
    if value is not None:
        out.update(value=value, value_as_of="2025-06")
    return out


def pledge(pid: str, loan: str, asset_id: str | None = None, deal: str | None = None, priority: str | None = None,
           share: float = 1.0, as_of: str = "2025-02-01") -> dict[str, Any]:
    out: dict[str, Any] = {"id": pid, "loan": loan, "share": share, "as_of": as_of, "sources": [URL]}
    if asset_id is not None:
        out["collateral_asset"] = asset_id
    if deal is not None:
        out["collateral_deal"] = deal
    if priority is not None:
        out["priority"] = priority
    return out


def write(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(copy.deepcopy(data), sort_keys=False), encoding="utf-8")
    return path
