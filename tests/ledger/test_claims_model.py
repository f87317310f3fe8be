"""The claims in the model (issue 17, part 1): assets, pledges and guarantees in change sets,
validated whole with where and why, stored on both backends with an audit trail, retracted
never deleted."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from loopledger.errors import ValidationError
from loopledger.ledger import Ledger, changes

_spec = importlib.util.spec_from_file_location("claims_fixture", Path(__file__).parents[1] / "claims_fixture.py")
_fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fx)
BASE, URL, asset, claims_set, pledge, write = _fx.BASE, _fx.URL, _fx.asset, _fx.claims_set, _fx.pledge, _fx.write


@pytest.fixture
def ledger(tmp_path, db_url):
    led = Ledger.open(db_url)
    changes.apply(led, write(tmp_path, BASE))
    return led


GOOD = claims_set(
    assets=[asset("gpus-1", value=8.0)],
    pledges=[pledge("loan-a/1", "loan-a", asset_id="gpus-1", priority="senior"),
             pledge("loan-b/1", "loan-b", asset_id="gpus-1", priority="second lien", share=0.5),
             pledge("loan-a/2", "loan-a", deal="contract")],
    guarantees=[{"deal": "backstop", "covers": "spv-lease", "cap": 2.0, "sources": [URL]}],
)


def test_claims_are_added_stored_and_audited(tmp_path, ledger):
    report = changes.apply(ledger, write(tmp_path, GOOD))
    assert report.counts("added") == {"assets": 1, "pledges": 3, "guarantees": 1}
    again = Ledger.open(str(ledger.store.engine.url.render_as_string(hide_password=False)))
    p = again.record("pledges", "loan-b/1")
    assert (p.loan, p.collateral_asset, p.priority, p.share) == ("loan-b", "gpus-1", "second lien", 0.5)
    assert again.record("guarantees", "backstop/spv-lease").cap == 2.0  # id <deal>/<covers>
    assert again.record("assets", "gpus-1").value == 8.0
    audit = again.audit()
    assert set(audit[audit.table_name == "pledges"].record_id) == {"loan-a/1", "loan-a/2", "loan-b/1"}


def test_a_pledge_is_retracted_not_deleted(tmp_path, ledger):
    changes.apply(ledger, write(tmp_path, GOOD))
    out = claims_set(name="2026-03-01-00-retract")
    out["retract"] = [{"table": "pledges", "id": "loan-b/1", "reason": "the source withdrew it"}]
    changes.apply(ledger, write(tmp_path, out))
    assert ledger.record("pledges", "loan-b/1").retracted
    assert "loan-b/1" not in {p.id for p in ledger.records("pledges")}
    assert ledger.store.count("pledges") == 3


@pytest.mark.parametrize("bad, place, why", [
    (pledge("p/1", "ghost", asset_id="gpus-1"), "add.pledges.1.loan", "unknown deal 'ghost'"),
    (pledge("p/1", "loan-a", asset_id="gpus-1", share=1.5), "add.pledges.1.share", "less than or equal to 1"),
    (pledge("p/1", "loan-a", asset_id="gpus-1", share=0), "add.pledges.1.share", "greater than 0"),
    (pledge("p/1", "contract", asset_id="gpus-1"), "loan", "is a cloud or capacity contract (cloud_contract), "
     "not a loan"),
    (pledge("p/1", "loan-a"), "collateral_asset", "exactly one collateral"),
    (pledge("p/1", "loan-a", asset_id="gpus-1", deal="contract"), "collateral_asset", "exactly one collateral"),
    (pledge("p/1", "loan-a", deal="loan-b"), "collateral_deal", "is a loan"),
    (pledge("p/1", "loan-a", asset_id="nowhere"), "add.pledges.1.collateral_asset", "unknown asset 'nowhere'"),
    (pledge("p/1", "loan-a", asset_id="gpus-1", priority="junior"), "priority",
     "one loan cannot rank both 1 and 2 on the same collateral"),
    (dict(pledge("p/1", "loan-a", deal="contract"), lender="bank-b"), "add.pledges.1.lender",
     "is not the lender of loan 'loan-a'"),
])
def test_a_bad_pledge_fails_the_whole_change_set_saying_where_and_why(tmp_path, ledger, bad, place, why):
    data = claims_set(assets=[asset("gpus-1", value=8.0)],
                      pledges=[pledge("ok/1", "loan-a", asset_id="gpus-1", priority="senior"), bad])
    before = {t: ledger.store.count(t) for t in ("assets", "pledges", "audit")}
    with pytest.raises(ValidationError) as err:
        changes.apply(ledger, write(tmp_path, data))
    text = str(err.value)
    assert why in text and place in text, text
    assert {t: ledger.store.count(t) for t in before} == before  # all or nothing


@pytest.mark.parametrize("bad, why", [
    ({"deal": "loan-a", "covers": "spv-lease"}, "a guarantee is a deal of a guarantee kind"),
    ({"deal": "backstop", "covers": "nothing"}, "unknown deal 'nothing'"),
    ({"deal": "backstop", "covers": "backstop"}, "cannot cover itself"),
    ({"deal": "backstop", "covers": "spv-lease", "cap": -1}, "add.guarantees.0.cap: Input should be greater than or equal to 0"),
])
def test_a_bad_guarantee_is_refused(tmp_path, ledger, bad, why):
    data = claims_set(guarantees=[dict(bad, sources=[URL])])
    with pytest.raises(ValidationError, match=why):
        changes.apply(ledger, write(tmp_path, data))
    assert ledger.store.count("guarantees") == 0


def test_an_asset_value_needs_its_date_and_unknown_kinds_are_named(tmp_path, ledger):
    undated = dict(asset("a"), value=3.0)
    with pytest.raises(ValidationError, match="value_as_of"):
        changes.apply(ledger, write(tmp_path, claims_set(assets=[undated])))
    with pytest.raises(ValidationError, match="kind"):
        changes.apply(ledger, write(tmp_path, claims_set(assets=[dict(asset("a"), kind="castle")])))


def test_a_priority_conflict_with_a_pledge_already_in_the_ledger_is_refused(tmp_path, ledger):
    changes.apply(ledger, write(tmp_path, GOOD))
    later = claims_set(pledges=[pledge("loan-a/9", "loan-a", asset_id="gpus-1", priority="junior")],
                       name="2026-03-01-00-more")
    with pytest.raises(ValidationError, match="already has rank 1 on 'gpus-1'"):
        changes.apply(ledger, write(tmp_path, later))
