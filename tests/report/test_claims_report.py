"""The report's claims sections (issue 17, part 5): off-balance-sheet debt by sponsor and the
assets and contracts with more than one claim, checked against the bundled pledges file."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from loopledger import load_default
from loopledger.report.build import SECTIONS, build_report

DATA = Path(__file__).parents[2] / "src" / "loopledger" / "ledger" / "data"


def _rows(name):
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r.get("retracted") != "true"]


def test_claims_sections_are_in_the_report_with_every_multiple_claim_and_its_sources():
    assert [sid for sid, _ in SECTIONS if sid in ("offbalance", "multiple-claims")] == ["offbalance",
                                                                                        "multiple-claims"]
    r = build_report(load_default(), as_of="2026-12-07")
    sections = {s.id: s for s in r.sections}
    assert sections["offbalance"].available and sections["multiple-claims"].available
    on = defaultdict(set)
    for p in _rows("pledges"):
        on[p["collateral_asset"] or p["collateral_deal"]].add(p["id"])
    several = {c: ids for c, ids in on.items() if len(ids) > 1}
    assert several  # the bundled data has some (the DDTL 2.0 GPUs, Barber Lake)
    body = sections["multiple-claims"].html
    for collateral, ids in several.items():
        assert collateral in body and all(i in body for i in ids)
    assert body.count('class="src"') >= sum(len(ids) for ids in several.values())
    off = sections["offbalance"].html
    vehicles = {c["id"]: c["name"] for c in _rows("companies") if c["type"] == "vehicle_spv"}
    latest: dict[str, tuple[str, str]] = {}
    for e in _rows("events"):
        if e["date"] <= "2026-12-07" and e["status"] != "amended" and e["date"] >= latest.get(e["deal"], ("", ""))[0]:
            latest[e["deal"]] = (e["date"], e["status"])
    binding = {"funded", "funded_partial", "definitive"}
    loans = [d for d in _rows("deals") if d["kind"] == "loan_debt_spv" and d["payee"] in vehicles
             and latest.get(d["id"], ("", ""))[1] in binding and d["include_in_totals"] == "true"]
    assert loans
    for d in loans:
        assert d["id"] in off and vehicles[d["payee"]].replace("'", "&#x27;") in off
    assert "each counted once" in off and "binding statuses" in off
