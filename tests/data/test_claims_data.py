"""Checks of the bundled claims (issue 17): every asset, pledge and guarantee is sourced by live
sources and names live records; pledges secure live loans; nothing invented (an unknown value
or priority is blank with a note saying so)."""

from __future__ import annotations

from loopledger.vocabulary import DEBT_KINDS, GUARANTEE_KINDS


def test_every_claim_is_sourced_by_live_sources(live, rows):
    live_sources = {s["id"] for s in live["sources"]}
    bad = [(t, r["id"]) for t in ("assets", "pledges", "guarantees") for r in live[t]
           if not rows.items(r["sources"]) or not set(rows.items(r["sources"])) <= live_sources]
    assert not bad, bad


def test_claims_name_live_records_of_the_right_kind(live):
    deals = {d["id"]: d for d in live["deals"]}
    assets = {a["id"] for a in live["assets"]}
    companies = {c["id"] for c in live["companies"]}
    bad = [("asset owner", a["id"]) for a in live["assets"] if a["owner"] not in companies]
    for p in live["pledges"]:
        if deals.get(p["loan"], {}).get("kind") not in DEBT_KINDS:
            bad.append(("pledge loan", p["id"]))
        if bool(p["collateral_asset"]) == bool(p["collateral_deal"]):
            bad.append(("pledge collateral", p["id"]))
        if p["collateral_asset"] and p["collateral_asset"] not in assets:
            bad.append(("pledged asset", p["id"]))
        if p["collateral_deal"] and p["collateral_deal"] not in deals:
            bad.append(("pledged contract", p["id"]))
    for g in live["guarantees"]:
        if deals.get(g["deal"], {}).get("kind") not in GUARANTEE_KINDS or g["covers"] not in deals:
            bad.append(("guarantee", g["id"]))
    assert not bad, bad


def test_unknowns_are_blank_and_say_so(live):
    """No value or priority is filled in: a blank one carries a note saying it is not known."""
    silent = [a["id"] for a in live["assets"] if not a["value"] and not a["value_note"]]
    silent += [p["id"] for p in live["pledges"] if not p["priority"] and "not stated" not in p["note"].lower()
               and "priority" not in p["note"].lower()]
    assert not silent, silent


def test_every_flag_on_the_bundled_claims_is_reviewed_in_the_docs(rows):
    """The data check of the claims' flags (docs/claims.md): every flag the encumbrance raises on
    the bundled data as of the dataset's date is listed, with its collateral, in the reviewed
    list of docs/claims.md, and every listed flag is still raised."""
    import re

    from loopledger import load_default
    from loopledger.measures.encumbrance import encumbrance

    text = (rows.ROOT / "docs" / "claims.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- claims-flags:start -->(.*?)<!-- claims-flags:end -->", text, re.S)
    assert block, "docs/claims.md has no claims-flags markers"
    listed = set(re.findall(r"^- `([^`]+)` `([a-z_]+)`", block.group(1), re.M))
    e = encumbrance(load_default(), "2026-12-07", lookthrough=False)
    raised = {(r.collateral, f) for r in e.collateral.itertuples() for f in r.flags}
    assert raised == listed, {"not reviewed": sorted(raised - listed), "no longer raised": sorted(listed - raised)}
