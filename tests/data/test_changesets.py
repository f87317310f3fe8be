"""The bundled tables are what the change sets give (issue 13, item 1): rebuilt from
``data/changes/*.yaml`` on an empty ledger, every generated file equals the bundled one byte for
byte; every change set parses, is named by its id and in order; applying the bundled change sets
to the bundled data changes nothing."""

from __future__ import annotations

import re

import pytest

from loopledger.ledger import Ledger, changes

GENERATED = ("sources.csv", "companies.csv", "deals.csv", "events.csv", "disbursements.csv", "facts.csv",
             "changelog.csv", "changelog_records.csv")


@pytest.fixture(scope="module")
def rebuilt(rows, tmp_path_factory):
    out = tmp_path_factory.mktemp("rebuilt")
    changes.build(rows.DATA / "changes", out)
    return out


@pytest.mark.parametrize("name", GENERATED)
def test_the_bundled_tables_are_what_the_change_sets_give(rows, rebuilt, name):
    assert (rebuilt / name).read_bytes() == (rows.DATA / name).read_bytes(), \
        f"{name} differs from the change sets: run tools/build_data.py"


def test_every_change_set_is_named_by_its_id_and_dated_in_order(rows):
    files = changes.files(rows.DATA / "changes")
    assert len(files) >= 12
    ids = [changes.read(f).id for f in files]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for f in files:
        cs = changes.read(f).changeset
        assert re.match(r"^\d{4}-\d{2}-\d{2}", cs.id) and cs.id.startswith(cs.date.isoformat()), cs.id


def test_applying_the_bundled_change_sets_again_changes_nothing(rows):
    ledger = Ledger.in_memory()
    ledger.init()
    head = ledger.store.audit_head()
    reports = changes.apply_all(ledger, rows.DATA / "changes")
    assert {r.status for r in reports} == {"already applied"}
    assert ledger.store.audit_head() == head


def test_no_amendment_replaces_a_source_list(rows):
    """The rule the applier enforces, read from the files themselves."""
    for f in changes.files(rows.DATA / "changes"):
        for a in changes.read(f).changeset.amend:
            assert "sources" not in a.set, (f.name, a.id)
