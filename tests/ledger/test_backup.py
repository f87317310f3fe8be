"""Backups (issue 16, finding 8) on both backends and across them: a snapshot restored into an
empty database gives back every table and the audit trail column for column (read back here
with plain SQLAlchemy selects, not with loopledger's own dump); a snapshot taken while a writer
keeps adding deals is one consistent state; a damaged snapshot is refused with nothing
written; and the files are private (0600), like a new SQLite database and its WAL."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
import zipfile
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from tests.conftest import empty_database

from loopledger import Ledger
from loopledger.ledger.backup import TABLES, backup, read_backup, restore
from loopledger.ledger.storage import METADATA, make_engine
from loopledger.web.auth import add_user, hash_secret, hash_token

SRC = {"url": "https://example.org/backup", "publisher": "Example", "date": "2026-01-01", "type": "news"}


def _edited(url):
    """The bundled ledger with amendments, a retraction, a status event and users."""
    led = Ledger.open(url)
    led.init()
    led.amend("deals", "openai-oracle-300b", {"notes": "=formula-like note\nsecond line"}, source=SRC, reason="r")
    led.retract("deals", "msft-crwv-10b", "test retraction")
    led.add_event("openai-oracle-300b", "funded_partial", "2026-11-01", SRC, note="partly paid", actor="ed")
    led.store.put_user("ed", "editor", hash_secret("a long password", n=2**4), hash_token("ed:x"), "test",
                       token_expires=datetime(2027, 1, 1, tzinfo=UTC))
    add_user(led.store, "bot", "reader", token=True)
    led.store.bump_generation("ed")
    return led


def _table(url, name):
    """Every row of a table, read with a plain select; times in UTC; sorted by primary key."""
    engine = make_engine(url)
    table = METADATA.tables[name]
    key = next(iter(table.primary_key.columns)).name
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(table))]
    engine.dispose()
    for r in rows:
        for k, v in r.items():
            if isinstance(v, datetime):
                r[k] = v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)
    return sorted(rows, key=lambda r: r[key])


@pytest.mark.parametrize("target", ["same", "other"])
def test_restore_into_an_empty_database_gives_back_every_table(db_url, tmp_path, target):
    led = _edited(db_url)
    snapshot = tmp_path / "ledger-backup.zip"
    info = backup(db_url, snapshot)
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o600  # it holds password hashes
    assert info.rows["audit"] == led.store.count("audit") and info.rows["users"] == 2
    source_kind = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    kind = source_kind if target == "same" else ("sqlite" if source_kind == "postgresql" else "postgresql")
    with empty_database(kind, tmp_path) as other:
        restored = restore(other, snapshot)
        assert restored.rows == info.rows
        for name in TABLES:
            assert _table(other, name) == _table(db_url, name), name
        # the restored ledger is a working ledger: a new edit continues the audit trail
        back = Ledger.open(other)
        head = back.store.audit_head()
        assert head == led.store.audit_head()
        back.amend("deals", "openai-oracle-300b", {"amount_low": 250.0}, source=SRC, reason="after restore")
        assert back.store.audit_head() == head + 1
        back.store.engine.dispose()
    led.store.engine.dispose()


def test_cli_backup_and_restore(db_url, tmp_path, cli):
    source = _edited(db_url)
    deals = source.store.count("deals")
    source.store.engine.dispose()
    snapshot = tmp_path / "b.zip"
    r = cli("backup", snapshot, "--db", db_url)
    assert r.code == 0, r.err
    assert cli("backup", snapshot, "--db", db_url).code == 1  # never overwrites silently
    assert cli("backup", snapshot, "--db", db_url, "--overwrite").code == 0
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    r = cli("restore", snapshot, "--db", target, "--json")
    assert r.code == 0, r.err
    assert r.json()["rows"]["deals"] == deals
    r = cli("restore", snapshot, "--db", target)  # not empty any more
    assert r.code == 1 and "needs an empty database" in r.err and "Traceback" not in r.err


def test_a_snapshot_taken_while_a_writer_runs_is_one_state(db_url, tmp_path):
    led = Ledger.open(db_url)
    led.init()
    writer = Ledger.open(db_url)
    stop = threading.Event()
    added = []

    def write():
        n = 0
        while not stop.is_set():
            deal = {"id": f"soak-{n}", "group": "soak", "payer": "nvidia", "payee": "openai",
                    "kind": "equity_investment", "amount_high": 1.0, "confidence": "low"}
            writer.add_deal(deal, status="definitive", date="2026-11-01", source=SRC, actor="writer")
            added.append(n)
            n += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        snapshots = []
        for i in range(4):
            while len(added) < 3 * (i + 1):
                stop.wait(0.01)
            snapshots.append(read_backup(backup(db_url, tmp_path / f"s{i}.zip").path))
    finally:
        stop.set()
        thread.join()
    sizes = set()
    for snap in snapshots:
        rows = {t: [dict(zip(snap.columns[t], r)) for r in snap.rows[t]] for t in TABLES}
        deals = {d["id"] for d in rows["deals"]}
        with_events = {e["deal"] for e in rows["events"]}
        inserted = {(a["table_name"], a["record_id"]) for a in rows["audit"] if a["action"] in ("insert", "import")}
        for table in ("sources", "deals", "events"):
            assert inserted & {(table, r["id"]) for r in rows[table]} == {(table, r["id"]) for r in rows[table]}
            assert {rid for t, rid in inserted if t == table} == {r["id"] for r in rows[table]}, table
        assert deals <= with_events
        sizes.add(len(deals))
    assert len(sizes) > 1  # the writer really wrote between the snapshots
    led.store.engine.dispose()
    writer.store.engine.dispose()


def _rewrite(src, dst, change):
    """Copy a snapshot, letting ``change(members)`` edit its members (a dict name -> bytes)."""
    with zipfile.ZipFile(src) as z:
        members = {n: z.read(n) for n in z.namelist()}
    change(members)
    with zipfile.ZipFile(dst, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)


def _reseal(members, table=None):
    """Make the checksums of a tampered snapshot agree again (a careful forger)."""
    manifest = json.loads(members["manifest.json"])
    for t in [t for t in TABLES if t in manifest["tables"]]:
        data = members[f"tables/{t}.jsonl"]
        manifest["tables"][t]["sha256"] = hashlib.sha256(data).hexdigest()
        manifest["tables"][t]["rows"] = len([x for x in data.splitlines() if x])
    members["manifest.json"] = json.dumps(manifest).encode()
    members["manifest.sha256"] = hashlib.sha256(members["manifest.json"]).hexdigest().encode()


def _flip_amount(members):
    m = json.loads(members["manifest.json"])
    cols = m["tables"]["deals"]["columns"]
    lines = members["tables/deals.jsonl"].decode().splitlines()
    row = json.loads(lines[0])
    row[cols.index("amount_high")] = 1e300
    lines[0] = json.dumps(row)
    members["tables/deals.jsonl"] = ("\n".join(lines) + "\n").encode()


def _deal_rows(manifest: bytes, change: int) -> bytes:
    """The manifest with the deals table's row count off by ``change`` (same bytes elsewhere)."""
    m = json.loads(manifest)
    n = m["tables"]["deals"]["rows"]
    return manifest.replace(f'"rows": {n}'.encode(), f'"rows": {n + change}'.encode(), 1)


DAMAGE = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "a flipped byte": lambda p: p.write_bytes(_flip(p.read_bytes())),
    "not a zip": lambda p: p.write_text("id,url\n"),
    "a changed table": lambda p: _rewrite(p, p, lambda m: m.__setitem__(
        "tables/deals.jsonl", m["tables/deals.jsonl"].replace(b'"openai"', b'"oracle"', 1))),
    "a changed manifest": lambda p: _rewrite(p, p, lambda m: m.__setitem__(
        "manifest.json", _deal_rows(m["manifest.json"], -1))),
    "a missing table": lambda p: _rewrite(p, p, lambda m: m.pop("tables/audit.jsonl")),
    "a row count that lies": lambda p: _rewrite(p, p, lambda m: (
        _reseal(m), m.__setitem__("manifest.json", _deal_rows(m["manifest.json"], +1)),
        m.__setitem__("manifest.sha256", hashlib.sha256(m["manifest.json"]).hexdigest().encode()))),
    "a resealed implausible amount": lambda p: _rewrite(p, p, lambda m: (_flip_amount(m), _reseal(m))),
    "an unknown schema": lambda p: _rewrite(p, p, lambda m: (
        m.__setitem__("manifest.json", m["manifest.json"].replace(b'"revision": "', b'"revision": "9999x', 1)),
        m.__setitem__("manifest.sha256", hashlib.sha256(m["manifest.json"]).hexdigest().encode()))),
}


def _flip(data: bytes) -> bytes:
    i = len(data) // 2
    return data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_snapshot_is_refused_and_nothing_is_written(db_url, tmp_path, cli, damage):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    Ledger.open(source).init()
    snapshot = tmp_path / "b.zip"
    backup(source, snapshot)
    DAMAGE[damage](snapshot)
    r = cli("restore", snapshot, "--db", db_url)
    assert r.code == 1, r.out
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1, r.err
    assert "refused" in r.err or "does not know" in r.err
    engine = make_engine(db_url)
    inspector = sa.inspect(engine)
    with engine.connect() as conn:
        for t in TABLES:
            if inspector.has_table(t):
                assert conn.execute(sa.select(sa.func.count()).select_from(METADATA.tables[t])).scalar() == 0
    engine.dispose()


def test_a_snapshot_of_an_older_schema_restores_and_is_migrated(db_url, tmp_path):
    """A snapshot made before revision 0004 (no session generation, no token expiry) restores
    into a database already at the current schema: it is taken down to the snapshot's
    revision, filled, and migrated up again."""
    source = f"sqlite:///{tmp_path / 'source.db'}"
    led = Ledger.open(source)
    led.init()
    led.store.put_user("ed", "editor", hash_secret("a long password", n=2**4), None, "test")
    snapshot = tmp_path / "b.zip"
    backup(source, snapshot)
    old = tmp_path / "old.zip"

    def to_0003(m):
        manifest = json.loads(m["manifest.json"])
        cols = manifest["tables"]["users"]["columns"]
        keep = [i for i, c in enumerate(cols) if c not in ("generation", "token_expires")]
        rows = [json.loads(x) for x in m["tables/users.jsonl"].splitlines() if x]
        m["tables/users.jsonl"] = b"".join(json.dumps([r[i] for i in keep]).encode() + b"\n" for r in rows)
        manifest["tables"]["users"]["columns"] = [cols[i] for i in keep]
        manifest["revision"] = "0003"
        for t in ("assets", "pledges", "guarantees"):  # added by revision 0005
            del manifest["tables"][t], m[f"tables/{t}.jsonl"]
        m["manifest.json"] = json.dumps(manifest).encode()
        _reseal(m)

    _rewrite(snapshot, old, to_0003)
    Ledger.open(db_url).store.engine.dispose()  # an empty database at the current schema
    restore(db_url, old)
    back = Ledger.open(db_url)
    assert back.store.user("ed")["generation"] == 0
    assert back.store.count("deals") == Ledger.open(source).store.count("deals")
    assert _table(db_url, "deals") == _table(source, "deals")
    back.store.engine.dispose()


def test_new_sqlite_files_are_readable_by_their_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "new" / "ledger.db"
        led = Ledger.open(f"sqlite:///{path}")
        led.init()
        with led.store.engine.connect() as conn:  # a connection holds the WAL and shared memory open
            conn.exec_driver_sql("SELECT count(*) FROM deals").scalar()
            files = [path, path.with_name("ledger.db-wal"), path.with_name("ledger.db-shm")]
            assert all(f.exists() for f in files)
            for f in files:
                assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        led.store.engine.dispose()
    finally:
        os.umask(old)
