"""Change sets (issue 13, item 1): validated whole, written in one transaction or not at all,
idempotent, audited under their id; amendments keep source lists (add_sources) and need a
source. The applier is checked against an independent route to the same state: the same
edits made one by one through the Ledger API (hypothesis, many random change sets)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger.errors import LedgerError, ValidationError
from loopledger.ledger import Ledger, changes
from loopledger.ledger.ledger import source_id_for
from loopledger.ledger.model import MODELS

URL = "https://example.org/base"
NEW_URL = "https://example.org/new-page"

BASE = {
    "id": "2026-01-01-00-base",
    "date": "2026-01-01",
    "summary": "two companies and a deal",
    "why": "a start",
    "sources": [{"url": URL, "publisher": "Example", "date": "2025-10-01", "type": "news"}],
    "add": {
        "companies": [{"id": "acme", "name": "Acme", "type": "chip_vendor"},
                      {"id": "bolt", "name": "Bolt", "type": "ai_lab", "sources": [URL]}],
        "deals": [{"id": "acme-bolt", "group": "acme-bolt", "announced": "2025-10-01", "payer": "acme",
                   "payee": "bolt", "kind": "equity_investment", "amount_low": 1, "amount_high": 2,
                   "confidence": "high", "sources": [URL], "status": "definitive",
                   "status_date": "2025-10-01"}],
        "facts": [{"company": "bolt", "metric": "valuation", "value": 20, "unit": "USD bn",
                   "as_of": "2025-10-01", "confidence": "medium", "sources": [URL]}],
    },
}


def write(folder: Path, data: dict) -> Path:
    path = folder / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def state(ledger: Ledger) -> dict:
    return {t: {r.id: r.model_dump(mode="json") for r in ledger.records(t, include_retracted=True)}
            for t in MODELS}


@pytest.fixture
def ledger(tmp_path):
    led = Ledger.in_memory()
    changes.apply(led, write(tmp_path, BASE))
    return led


def change(**parts) -> dict:
    return {"id": "2026-02-01-00-next", "date": "2026-02-01", "summary": "next", "why": "because", **parts}


def test_a_change_set_adds_records_with_derived_ids(ledger):
    deal = ledger.record("deals", "acme-bolt")
    assert deal.sources == [source_id_for(URL)]
    assert ledger.record("events", "acme-bolt/1").status == "definitive"
    assert ledger.record("facts", "bolt/valuation/2025-10-01").value == 20
    assert ledger.record("companies", "bolt").sources == [source_id_for(URL)]


def test_applying_twice_changes_nothing(tmp_path, ledger):
    path = write(tmp_path, change(add={"events": [{"deal": "acme-bolt", "date": "2025-12", "status": "funded",
                                                   "sources": [URL]}]}))
    first = changes.apply(ledger, path)
    head = ledger.store.audit_head()
    before = state(ledger)
    second = changes.apply(ledger, path)
    assert first.status == "applied" and second.status == "already applied"
    assert ledger.store.audit_head() == head and state(ledger) == before
    assert ledger.record("events", "acme-bolt/2").status == "funded"


def test_an_edited_change_set_is_refused_once_applied(tmp_path, ledger):
    data = change(amend=[{"table": "deals", "id": "acme-bolt", "set": {"amount_high": 3},
                          "source": URL, "reason": "bigger"}])
    changes.apply(ledger, write(tmp_path, data))
    data["amend"][0]["set"]["amount_high"] = 4
    with pytest.raises(LedgerError, match="applied with other content"):
        changes.apply(ledger, write(tmp_path, data))


def test_all_or_nothing(tmp_path, ledger):
    before, head = state(ledger), ledger.store.audit_head()
    data = change(
        sources=[{"url": NEW_URL, "publisher": "New", "date": "2026-01-05", "type": "filing"}],
        add={"facts": [{"company": "acme", "metric": "cash", "value": 5, "unit": "USD bn", "as_of": "2025-12-31",
                        "confidence": "high", "sources": [NEW_URL]},
                       {"company": "nobody", "metric": "cash", "value": 5, "unit": "USD bn",
                        "as_of": "2025-12-31", "confidence": "high", "sources": [NEW_URL]}]},
    )
    with pytest.raises(ValidationError, match="unknown company 'nobody'"):
        changes.apply(ledger, write(tmp_path, data))
    assert state(ledger) == before and ledger.store.audit_head() == head


@pytest.mark.parametrize("amend,message", [
    ({"table": "deals", "id": "acme-bolt", "set": {"sources": [URL]}, "source": URL, "reason": "x"},
     "use add_sources"),
    ({"table": "deals", "id": "acme-bolt", "set": {"amount_high": 9}, "reason": "no source"},
     "needs a source"),
    ({"table": "facts", "id": "bolt/valuation/2025-10-01", "set": {"value": 9}, "reason": "no source"},
     "needs a source"),
    ({"table": "deals", "id": "acme-bolt", "set": {"amount_low": 5}, "source": URL, "reason": "low > high"},
     "greater than amount_high"),
    ({"table": "deals", "id": "nope", "set": {"notes": "x"}, "source": URL, "reason": "x"}, "no deal 'nope'"),
    ({"table": "deals", "id": "acme-bolt", "set": {"colour": "red"}, "source": URL, "reason": "x"},
     "unknown field"),
    ({"table": "deals", "id": "acme-bolt", "add_sources": ["https://example.org/undeclared"], "reason": "x"},
     "neither declared"),
])
def test_refused_amendments(tmp_path, ledger, amend, message):
    with pytest.raises(ValidationError, match=message):
        changes.apply(ledger, write(tmp_path, change(amend=[amend])))


def test_unknown_keys_and_a_wrong_id_are_refused(tmp_path, ledger):
    bad = change(add={"planets": [{"id": "x"}]})
    with pytest.raises(ValidationError, match="unknown key 'planets'"):
        changes.read(write(tmp_path, bad))
    other = change()
    path = tmp_path / "2026-02-01-01-other-name.yaml"
    path.write_text(yaml.safe_dump(other), encoding="utf-8")
    with pytest.raises(ValidationError, match="must be the file name"):
        changes.read(path)


def test_add_sources_keeps_the_old_ones_and_the_audit_names_the_change_set(tmp_path, ledger):
    data = change(sources=[{"url": NEW_URL, "publisher": "New", "date": "2026-01-05", "type": "filing"}],
                  amend=[{"table": "deals", "id": "acme-bolt", "set": {"amount_high": 3},
                          "add_sources": [NEW_URL], "reason": "the filing says 3"}],
                  retract=[{"table": "facts", "id": "bolt/valuation/2025-10-01", "reason": "wrong"}])
    report = changes.apply(ledger, write(tmp_path, data), actor="tester")
    deal = ledger.record("deals", "acme-bolt")
    assert deal.sources == [source_id_for(URL), source_id_for(NEW_URL)] and deal.amount_high == 3
    assert ledger.record("facts", "bolt/valuation/2025-10-01").retracted
    audit = [a for a in ledger.store.audit() if a["record_id"] in ("acme-bolt", "bolt/valuation/2025-10-01")
             and a["action"] != "insert"]
    assert [a["reason"] for a in audit] == ["2026-02-01-00-next: the filing says 3", "2026-02-01-00-next: wrong"]
    assert {a["actor"] for a in audit} == {"tester"}
    assert report.counts("changed") == {"deals": 1} and report.counts("retracted") == {"facts": 1}
    assert report.counts("added") == {"sources": 1}
    assert changes.applied(ledger)["2026-02-01-00-next"] == report.digest


def test_a_source_already_in_the_ledger_is_skipped_and_an_existing_record_with_other_values_refused(tmp_path, ledger):
    data = change(sources=copy.deepcopy(BASE["sources"]),
                  add={"companies": [{"id": "acme", "name": "Acme Corp", "type": "chip_vendor"}]})
    with pytest.raises(ValidationError, match="already in the ledger with other values"):
        changes.apply(ledger, write(tmp_path, data))
    data["add"]["companies"][0]["name"] = "Acme"
    report = changes.apply(ledger, write(tmp_path, data))
    assert report.records.empty and len(report.skipped) == 2


def test_disbursements_get_ids_and_the_dry_run_writes_nothing(tmp_path, ledger):
    d = {"deal": "acme-bolt", "date": "2025-11-01", "kind": "tranche", "amount": 0.5, "sources": [URL]}
    data = change(add={"disbursements": [d, dict(d, amount=0.25)]})
    head = ledger.store.audit_head()
    checked = changes.apply(ledger, write(tmp_path, data), dry_run=True)
    assert checked.status == "checked" and ledger.store.audit_head() == head
    changes.apply(ledger, write(tmp_path, data))
    ids = sorted(r.id for r in ledger.records("disbursements"))
    assert ids == ["acme-bolt/tranche/2025-11-01", "acme-bolt/tranche/2025-11-01-2"]
    assert ledger.paid()["acme-bolt"] == pytest.approx(0.75)


# -- against the Ledger API, one edit at a time ------------------------------------------------

_amend = st.fixed_dictionaries({
    "amount_high": st.one_of(st.none(), st.floats(2, 50, allow_nan=False).map(lambda x: round(x, 3))),
    "notes": st.one_of(st.none(), st.text("abc xyz", min_size=1, max_size=12).map(str.strip).filter(bool)),
    "confidence": st.sampled_from(["high", "medium", "low"]),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(amends=st.lists(_amend, min_size=1, max_size=4), new_source=st.booleans(), retract_fact=st.booleans(),
       events=st.lists(st.sampled_from(["funded_partial", "funded", "amended"]), max_size=3))
def test_the_applier_agrees_with_the_ledger_api(tmp_path, amends, new_source, retract_fact, events):
    data = change(sources=[{"url": NEW_URL, "publisher": "New", "date": "2026-01-05", "type": "press_release"}]
                  if new_source else [])
    cite = NEW_URL if new_source else URL
    sets = [{k: v for k, v in a.items() if v is not None} for a in amends]
    data["amend"] = [{"table": "deals", "id": "acme-bolt", "set": s, "source": cite, "reason": f"edit {i}"}
                     for i, s in enumerate(sets) if s]
    data["add"] = {"events": [{"deal": "acme-bolt", "date": f"2026-01-{10 + i:02d}", "status": s, "sources": [cite]}
                              for i, s in enumerate(events)]}
    if retract_fact:
        data["retract"] = [{"table": "facts", "id": "bolt/valuation/2025-10-01", "reason": "withdrawn"}]
    import tempfile

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    via_changes = Ledger.in_memory()
    changes.apply(via_changes, write(folder, BASE))
    changes.apply(via_changes, write(folder, data))

    via_api = Ledger.in_memory()
    changes.apply(via_api, write(folder, BASE))
    source = ({"url": NEW_URL, "publisher": "New", "date": "2026-01-05", "type": "press_release"}
              if new_source else source_id_for(URL))
    if new_source:
        via_api.ensure_source(source)
    for i, status in enumerate(events):
        via_api.add_event("acme-bolt", status, f"2026-01-{10 + i:02d}", source_id_for(cite))
    for s in sets:
        if s:
            via_api.amend("deals", "acme-bolt", s, source=source_id_for(cite), reason="x")
    if retract_fact:
        via_api.retract("facts", "bolt/valuation/2025-10-01", "withdrawn")
    assert state(via_changes) == state(via_api)
