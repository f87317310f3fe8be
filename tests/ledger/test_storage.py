"""Storage on both backends: the migrated schema is the model's, writes are audited,
nothing is deleted, imports are all-or-nothing and stale edits conflict."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from loopledger import ConflictError, Ledger, LedgerError, ValidationError
from loopledger.ledger.storage import METADATA, SCHEMA_HEAD, Store, stored_revision


def test_migrated_schema_equals_the_model(db_url):
    store = Store.open(db_url)
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        diff = compare_metadata(ctx, METADATA)
    assert diff == [], diff


def test_schema_head_is_the_newest_migration():
    """The constant that lets an up-to-date database open without Alembic names the head of
    the migrations folder (a new migration must move it)."""
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import loopledger.ledger.storage as storage

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_heads() == [SCHEMA_HEAD]


def test_an_up_to_date_database_opens_without_alembic_and_an_old_one_is_upgraded(db_url, monkeypatch):
    from pathlib import Path

    from alembic import command
    from alembic.config import Config

    import loopledger.ledger.storage as storage

    store = Store.open(db_url)
    assert stored_revision(store.engine) == SCHEMA_HEAD
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage.__file__).parent / "migrations"))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    assert stored_revision(store.engine) == "0003"
    store.engine.dispose()
    upgrades = []
    real_upgrade = command.upgrade
    monkeypatch.setattr(command, "upgrade", lambda *a, **k: (upgrades.append(a[1]), real_upgrade(*a, **k)))
    store = Store.open(db_url)  # at 0003: Alembic runs
    assert upgrades == ["head"] and stored_revision(store.engine) == SCHEMA_HEAD
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), METADATA) == []
    store.engine.dispose()
    Store.open(db_url).engine.dispose()  # at the head: no Alembic
    assert upgrades == ["head"]


def test_sqlite_file_uses_wal(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'x.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_open_without_create_on_missing_db_says_so(tmp_path):
    with pytest.raises(LedgerError, match="loopledger init"):
        Ledger.open(f"sqlite:///{tmp_path / 'none.db'}", create=False)


def test_edits_are_audited_and_nothing_is_deleted(db_url, ledger_folder):
    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder, actor="alice", reason="first load")
    n_rows = ledger.store.count("deals")
    src = {"url": "https://example.org/amend", "publisher": "Example", "date": "2025-12-01", "type": "news"}
    v = ledger.amend("deals", "acme-bolt-1", {"amount_high": 3.0}, source=src, reason="revised", actor="bob")
    assert v == 2
    ledger.retract("deals", "bolt-acme-1", reason="duplicate of another row", actor="carol")
    # still stored, out of every view
    assert ledger.store.count("deals") == n_rows
    assert "bolt-acme-1" not in set(ledger.deals()["id"])
    assert "bolt-acme-1" in set(ledger.deals(include_retracted=True)["id"])
    audit = ledger.audit()
    amend = audit[(audit.record_id == "acme-bolt-1") & (audit.action == "amend")].iloc[0]
    assert amend.actor == "bob" and amend.reason == "revised"
    assert amend.before["amount_high"] == 2.0 and amend.after["amount_high"] == 3.0
    assert "src-" in str(amend.after["sources"])  # the amendment's source was added
    retract = audit[audit.action == "retract"].iloc[0]
    assert (retract.actor, retract.record_id) == ("carol", "bolt-acme-1")
    assert set(audit[audit.action == "import"].actor) == {"alice"}
    with pytest.raises(LedgerError, match="already retracted"):
        ledger.retract("deals", "bolt-acme-1", reason="again")


def test_amendment_needs_a_source_and_a_valid_result(db_url, ledger_folder):
    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder)
    with pytest.raises(ValidationError, match="needs a source"):
        ledger.amend("deals", "acme-bolt-1", {"amount_high": 3.0})
    src = {"url": "https://example.org/amend", "publisher": "Example", "date": "2025-12-01", "type": "news"}
    with pytest.raises(ValidationError, match="greater than amount_high"):
        ledger.amend("deals", "acme-bolt-1", {"amount_high": 0.5}, source=src)
    with pytest.raises(ValidationError, match="unknown company"):
        ledger.amend("deals", "acme-bolt-1", {"payee": "ghost"}, source=src)
    assert ledger.record("deals", "acme-bolt-1").amount_high == 2.0


def test_second_editor_with_a_stale_version_gets_a_conflict(db_url, ledger_folder):
    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder)
    other = Ledger.open(db_url)  # a second client on the same database
    v = ledger.version("deals", "acme-bolt-1")
    src = {"url": "https://example.org/amend", "publisher": "Example", "date": "2025-12-01", "type": "news"}
    ledger.amend("deals", "acme-bolt-1", {"amount_high": 3.0}, source=src, expected_version=v)
    with pytest.raises(ConflictError, match="changed by someone else"):
        other.amend("deals", "acme-bolt-1", {"amount_high": 4.0}, source=src, expected_version=v)
    assert Ledger.open(db_url).record("deals", "acme-bolt-1").amount_high == 3.0


def test_import_is_one_transaction(db_url, ledger_folder, monkeypatch):
    """A failure half-way through writing (here: the database refuses the events) leaves no row."""
    ledger = Ledger.open(db_url)
    real_execute = sa.engine.Connection.execute

    def failing(self, statement, *args, **kwargs):
        if getattr(statement, "table", None) is not None and statement.table.name == "events":
            raise sa.exc.OperationalError("INSERT INTO events", {}, Exception("disk full"))
        return real_execute(self, statement, *args, **kwargs)

    monkeypatch.setattr(sa.engine.Connection, "execute", failing)
    with pytest.raises(sa.exc.OperationalError):
        ledger.import_path(ledger_folder)
    monkeypatch.undo()
    for table in ("sources", "companies", "deals", "events", "facts", "audit"):
        assert ledger.store.count(table) == 0, table


def test_status_events_are_added_not_edited(db_url, ledger_folder):
    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder)
    src = {"url": "https://example.org/stall", "publisher": "Example", "date": "2026-02-01", "type": "news"}
    assert ledger.status_of("bolt-acme-1") == "announced_loi"
    eid = ledger.add_event("bolt-acme-1", "cancelled_stalled", "2026-02-01", src, note="talks ended")
    assert eid == "bolt-acme-1/2"
    assert ledger.status_of("bolt-acme-1", as_of="2026-01-31") == "announced_loi"
    assert ledger.status_of("bolt-acme-1", as_of="2026-02-01") == "cancelled_stalled"
    with pytest.raises(ValidationError, match="unknown status"):
        ledger.add_event("bolt-acme-1", "paused", "2026-03-01", src)


def test_a_second_client_sees_writes_once_its_cache_is_stale(db_url, ledger_folder, monkeypatch):
    writer, reader = Ledger.open(db_url), Ledger.open(db_url)
    writer.import_path(ledger_folder)
    assert reader.status_of("bolt-acme-1") == "announced_loi"
    src = {"url": "https://example.org/stall", "publisher": "Example", "date": "2026-02-01", "type": "news"}
    writer.add_event("bolt-acme-1", "cancelled_stalled", "2026-02-01", src)
    assert writer.status_of("bolt-acme-1") == "cancelled_stalled"  # own writes: at once
    monkeypatch.setattr(Ledger, "FRESHNESS_SECONDS", 0.0)
    assert reader.status_of("bolt-acme-1") == "cancelled_stalled"


def test_a_refused_edit_leaves_no_orphan_source(db_url, ledger_folder):
    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder)
    n_sources, n_audit = ledger.store.count("sources"), len(ledger.audit())
    src = {"url": "https://example.org/new-orphan", "publisher": "Example", "date": "2026-01-01", "type": "news"}
    bad_deal = dict(id="acme-bolt-9", group="g", payer="acme-chips", payee="acme-chips",  # payer == payee
                    kind="cloud_contract", confidence="low")
    with pytest.raises(ValidationError, match="payer and payee"):
        ledger.add_deal(bad_deal, status="definitive", date="2026-01-01", source=src)
    with pytest.raises(ValidationError, match="unknown status"):
        ledger.add_event("acme-bolt-1", "paused", "2026-01-01", src)
    with pytest.raises(ValidationError, match="greater than amount_high"):
        ledger.amend("deals", "acme-bolt-1", {"amount_low": 99.0}, source=src)
    assert ledger.store.count("sources") == n_sources and len(ledger.audit()) == n_audit
    # and an accepted amendment writes its new source with it
    ledger.amend("deals", "acme-bolt-1", {"amount_low": 1.5}, source=src, reason="ok")
    assert ledger.store.count("sources") == n_sources + 1


def test_two_writers_adding_an_event_to_one_deal_at_once_both_land(db_url, ledger_folder):
    """Two clients (two server processes) add an event to the same deal; the second read the
    events before the first wrote, so it picks the same number: its insert meets the first's
    id, and it takes the next number instead of failing (the soak benchmark's 500)."""
    first, second = Ledger.open(db_url), Ledger.open(db_url)
    first.import_path(ledger_folder)
    src = {"url": "https://example.org/stall", "publisher": "Example", "date": "2026-02-01", "type": "news"}
    second.refresh()
    second.events()  # its cached view of the events, soon stale
    a = first.add_event("bolt-acme-1", "cancelled_stalled", "2026-02-01", src, note="first")
    b = second.add_event("bolt-acme-1", "definitive", "2026-03-01", src, note="second")
    assert (a, b) == ("bolt-acme-1/2", "bolt-acme-1/3")
    first.refresh()
    assert set(first.events(deal="bolt-acme-1")["id"]) == {"bolt-acme-1/1", "bolt-acme-1/2", "bolt-acme-1/3"}


def test_an_insert_that_meets_an_existing_id_is_a_conflict_and_writes_nothing(db_url, ledger_folder):
    from loopledger.errors import ConflictError
    from loopledger.ledger.model import Source

    ledger = Ledger.open(db_url)
    ledger.import_path(ledger_folder)
    existing = ledger.records("sources")[0]
    audit_before = len(ledger.store.audit())
    fresh = Source(**{**existing.model_dump(), "id": "src-brand-new", "url": "https://example.org/new"})
    with pytest.raises(ConflictError, match="at the same time"):
        ledger.store.insert({"sources": [fresh, existing]}, "ed", "test")
    assert ledger.store.count("sources") == len(ledger.records("sources"))
    assert "src-brand-new" not in {s.id for s in Ledger.open(db_url).records("sources")}
    assert len(ledger.store.audit()) == audit_before


def test_two_writers_citing_one_new_source_at_once_both_land(db_url, ledger_folder, monkeypatch):
    """Two clients amend two deals citing the same new source; the second read the sources
    before the first wrote, so it adds the source again: its insert meets the first's id, and
    its amendment is applied citing the source that now exists instead of failing with a 500
    (the soak benchmark's). A stale version still wins over that: it is a conflict."""
    first, second = Ledger.open(db_url), Ledger.open(db_url)
    first.import_path(ledger_folder)
    src = {"url": "https://example.org/both-cite", "publisher": "Example", "date": "2026-02-01", "type": "news"}
    monkeypatch.setattr(Ledger, "FRESHNESS_SECONDS", 3600.0)  # "at once": no client looks again
    second.refresh()
    second.records("sources", include_retracted=True)  # its cached view (what an edit reads), soon stale
    first.amend("deals", "bolt-acme-1", {"notes": "first"}, source=src, reason="first")
    n_sources = first.store.count("sources")
    second.amend("deals", "acme-bolt-1", {"notes": "second"}, source=src, reason="second")
    fresh = Ledger.open(db_url)
    assert fresh.store.count("sources") == n_sources  # the source written once
    sid = fresh.record("deals", "bolt-acme-1").sources[-1]
    assert fresh.record("deals", "acme-bolt-1").notes == "second"
    assert fresh.record("deals", "acme-bolt-1").sources[-1] == sid
    # the race again, on a version another edit has moved on from: a conflict, nothing written
    third = Ledger.open(db_url)
    third.records("sources", include_retracted=True)
    stale = third.version("deals", "acme-bolt-1")
    src2 = {**src, "url": "https://example.org/both-cite-2"}
    fresh.amend("deals", "acme-bolt-1", {"notes": "fourth"}, source=src2, reason="fourth")
    with pytest.raises(ConflictError):
        third.amend("deals", "acme-bolt-1", {"notes": "third"}, source=src2, reason="third", expected_version=stale)
    assert Ledger.open(db_url).record("deals", "acme-bolt-1").notes == "fourth"
