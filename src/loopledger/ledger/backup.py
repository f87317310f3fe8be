"""Backups: a consistent, checksummed, portable snapshot of a whole ledger database, and its
verified restore.

``backup(url, path)`` (``loopledger backup PATH``) reads every table (sources, companies, deals,
events, facts, the audit trail and the users with their password and token hashes) inside
one read-only transaction, so the snapshot is one state of the ledger even while a server
keeps writing: SQLite's WAL gives the transaction a fixed view from its first read, and
PostgreSQL runs it at ``REPEATABLE READ``. It needs no database tool (no ``pg_dump``): the
snapshot is a ZIP file holding

* ``tables/<table>.jsonl``: one JSON array per row, the values in the order of the columns
  listed in the manifest, rows sorted by primary key (code point order, the same on both
  backends), times as UTC ISO 8601;
* ``manifest.json``: ``format`` ("loopledger-backup"), ``version`` (1), when and by which
  loopledger it was made, the schema revision (Alembic) and backend it came from, and per
  table its columns, row count and the SHA-256 of its member;
* ``manifest.sha256``: the SHA-256 of ``manifest.json``.

The file is written to a temporary file and moved into place, readable by its owner only
(0600): it holds password hashes. A snapshot from SQLite restores into PostgreSQL and back.

``restore(url, path)`` (``loopledger restore PATH``) first verifies the whole snapshot and
refuses a damaged one before anything is written: a file that is not a ZIP, a member whose
CRC fails, a checksum or row count that does not match, a row of the wrong width, a record
the data model refuses, a user with an unknown role, a schema revision this loopledger does
not know. It restores only into an empty database (nothing is ever overwritten or deleted),
inserts every row in one transaction, brings the schema to the current revision, and checks
that every table reads back with the checksums of the snapshot.
"""

from __future__ import annotations

import functools
import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .._version import __version__
from ..errors import LedgerError
from .model import MODELS
from .storage import METADATA, Store, default_url, make_engine, normalise_url
from .tables import write_atomically
from .validate import check_row

FORMAT = "loopledger-backup"
FORMAT_VERSION = 1
#: the tables a snapshot holds, in the order they are restored
TABLES = (*MODELS, "audit", "users")
#: tables a later migration added, with its revision: a database or snapshot at an older
#: revision has none of them (a snapshot without them reads as holding no such rows)
TABLE_SINCE = {"assets": "0005", "pledges": "0005", "guarantees": "0005"}


def _absent_at(table: str, revision: Any) -> bool:
    """Whether ``table`` did not exist yet at schema ``revision`` (revisions are numbered)."""
    return table in TABLE_SINCE and isinstance(revision, str) and revision < TABLE_SINCE[table]
_ROLES = ("reader", "editor", "admin")


@dataclass(frozen=True)
class BackupInfo:
    """What a snapshot holds: rows per table, schema revision, where and when it was made."""

    path: Path
    rows: dict[str, int]
    revision: str
    backend: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "rows": dict(self.rows), "revision": self.revision,
                "backend": self.backend, "created_at": self.created_at}


@dataclass
class _Snapshot:
    manifest: dict[str, Any]
    columns: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)


def _primary_key(table: sa.Table) -> str:
    return next(iter(table.primary_key.columns)).name


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.isoformat()
    return value


def _line(values: list[Any]) -> bytes:
    return (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _sort_key(value: Any) -> tuple:
    return (0, value, "") if isinstance(value, int) else (1, 0, str(value))


def _row_key(index: int, row: list[Any]) -> tuple:
    return _sort_key(row[index])


def _dump(conn, table: sa.Table, columns: list[str]) -> list[list[Any]]:
    """Every row of a table as lists of JSON-ready values, in primary-key order."""
    key = columns.index(_primary_key(table))
    rows = [[_cell(r[c]) for c in columns] for r in conn.execute(sa.select(*[table.c[c] for c in columns])).mappings()]
    rows.sort(key=lambda r: _sort_key(r[key]))
    return rows


def _revision(conn) -> str:
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


def _present_columns(engine, table: str) -> list[str]:
    names = {c["name"] for c in sa.inspect(engine).get_columns(table)}
    return [c.name for c in METADATA.tables[table].columns if c.name in names]


def backup(url: str | None, path: str | Path, overwrite: bool = False) -> BackupInfo:
    """Write a snapshot of the database at ``url`` to ``path`` (see the module docstring)."""
    store = Store.open(url, create=False)
    target = Path(path)
    if target.exists() and (target.is_dir() or not overwrite):
        raise LedgerError(f"{target} exists: choose a new file name (or pass --overwrite)")
    target.parent.mkdir(parents=True, exist_ok=True)
    engine = store.engine
    backend = engine.dialect.name
    inspector = sa.inspect(engine)
    present = tuple(t for t in TABLES if t not in TABLE_SINCE or inspector.has_table(t))
    columns = {t: _present_columns(engine, t) for t in present}
    with engine.connect() as conn:
        if backend == "sqlite":
            conn.exec_driver_sql("BEGIN")  # one read transaction: a fixed view from the first read
        else:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.begin()
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        try:
            revision = _revision(conn)
            rows = {t: _dump(conn, METADATA.tables[t], columns[t]) for t in present}
        finally:
            conn.rollback()
    created = datetime.now(UTC).isoformat()
    tables_meta = {}
    members = {}
    for t in present:
        data = b"".join(_line(r) for r in rows[t])
        members[f"tables/{t}.jsonl"] = data
        tables_meta[t] = {"columns": columns[t], "rows": len(rows[t]), "sha256": hashlib.sha256(data).hexdigest()}
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "created_at": created, "loopledger": __version__,
                "revision": revision, "backend": backend, "tables": tables_meta}
    manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("manifest.json", manifest_bytes)
            z.writestr("manifest.sha256", hashlib.sha256(manifest_bytes).hexdigest() + "\n")
            for name, data in members.items():
                z.writestr(name, data)

    write_atomically(target, write=write, mode=0o600)
    return BackupInfo(target, {t: len(rows.get(t, [])) for t in TABLES}, revision, backend, created)


def meta_rows(meta: Any) -> int:
    """The row count a manifest states for one table (0 when it states none)."""
    return meta.get("rows") or 0 if isinstance(meta, dict) else 0


def _damaged(path: Path, why: str) -> LedgerError:
    return LedgerError(f"{path}: refused, not an intact loopledger backup: {why}")


def read_backup(path: str | Path) -> _Snapshot:
    """Read and verify a snapshot whole (checksums, counts, row widths, the data model, the
    schema revision); raise LedgerError naming the first fault."""
    path = Path(path)
    if not path.is_file():
        raise LedgerError(f"{path}: no such backup file")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            for need in ("manifest.json", "manifest.sha256"):
                if need not in names:
                    raise _damaged(path, f"{need} is missing")
            manifest_bytes = z.read("manifest.json")
            if z.read("manifest.sha256").decode("ascii", "replace").strip() != hashlib.sha256(manifest_bytes).hexdigest():
                raise _damaged(path, "manifest.json does not match its checksum")
            manifest = json.loads(manifest_bytes)
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise _damaged(path, "its manifest is not a loopledger backup manifest")
            if manifest.get("version") != FORMAT_VERSION:
                raise LedgerError(f"{path}: backup format version {manifest.get('version')!r} is not "
                                  f"{FORMAT_VERSION}: restore it with the loopledger that made it")
            snap = _Snapshot(manifest)
            tables = manifest.get("tables") or {}
            revision = manifest.get("revision")
            missing = [t for t in TABLES if t not in tables and not _absent_at(t, revision)]
            if missing:
                raise _damaged(path, f"table(s) {', '.join(missing)} missing from the manifest")
            for t in TABLES:
                if t not in tables:  # added after the snapshot's revision: it holds none
                    snap.columns[t], snap.rows[t] = [c.name for c in METADATA.tables[t].columns], []
                    continue
                if _absent_at(t, revision) and meta_rows(tables[t]):
                    raise _damaged(path, f"it holds rows of table {t}, which schema revision {revision} "
                                         "did not have")
                meta = tables[t]
                member = f"tables/{t}.jsonl"
                if member not in names:
                    raise _damaged(path, f"{member} is missing")
                data = z.read(member)  # zipfile checks the member's CRC-32
                if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
                    raise _damaged(path, f"{member} does not match its checksum")
                cols = list(meta.get("columns") or [])
                known = set(METADATA.tables[t].columns.keys())
                if not cols or not set(cols) <= known:
                    raise _damaged(path, f"{member}: unknown columns {sorted(set(cols) - known)}")
                rows = [json.loads(line) for line in data.decode("utf-8").splitlines() if line]
                if len(rows) != meta.get("rows"):
                    raise _damaged(path, f"{member} holds {len(rows)} rows, the manifest says {meta.get('rows')}")
                for n, r in enumerate(rows, start=1):
                    if not isinstance(r, list) or len(r) != len(cols):
                        raise _damaged(path, f"{member} row {n} does not have the {len(cols)} columns")
                snap.columns[t], snap.rows[t] = cols, rows
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, UnicodeDecodeError,
            json.JSONDecodeError, ValueError, RuntimeError) as e:
        if isinstance(e, LedgerError):
            raise
        raise _damaged(path, str(e).splitlines()[0][:200] or type(e).__name__) from None
    _check_contents(path, snap)
    return snap


def _check_contents(path: Path, snap: _Snapshot) -> None:
    """The rows are records the data model accepts, users have known roles, audit records
    are complete, and the schema revision is one this loopledger knows."""
    for t, model in MODELS.items():
        cols = snap.columns[t]
        fields = set(model.model_fields)
        for n, r in enumerate(snap.rows[t], start=1):
            record, issues = check_row(model, {c: v for c, v in zip(cols, r) if c in fields})
            if record is None:
                col, why = issues[0]
                raise _damaged(path, f"{t} row {n}: {col}: {why}")
    ucols = snap.columns["users"]
    for n, r in enumerate(snap.rows["users"], start=1):
        row = dict(zip(ucols, r))
        if row.get("role") not in _ROLES or not isinstance(row.get("name"), str):
            raise _damaged(path, f"users row {n}: not a valid account")
    acols = snap.columns["audit"]
    for n, r in enumerate(snap.rows["audit"], start=1):
        row = dict(zip(acols, r))
        if not isinstance(row.get("id"), int) or any(row.get(c) is None for c in ("at", "actor", "action", "table_name")):
            raise _damaged(path, f"audit row {n}: incomplete")
    if snap.manifest.get("revision") not in _known_revisions():
        raise LedgerError(f"{path}: made at schema revision {snap.manifest.get('revision')!r}, which this "
                          "loopledger does not know: restore it with the loopledger that made it (or a newer one)")


def _alembic_config(conn):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()}


def _schema_at(engine, revision: str) -> None:
    """Bring an empty database's schema to ``revision`` (up from nothing or an older one, or
    down from a newer one)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    with engine.begin() as conn:
        cfg = _alembic_config(conn)
        current = _revision(conn) if sa.inspect(conn).has_table("alembic_version") else None
        if current == revision:
            return
        script = ScriptDirectory.from_config(cfg)
        below_current: set[str] = set()
        rev = script.get_revision(current) if current else None
        while rev is not None:  # the migrations are one chain: each has one parent
            below_current.add(rev.revision)
            down = rev.down_revision
            rev = script.get_revision(down if isinstance(down, str) else down[0]) if down else None
        if revision in below_current:
            command.downgrade(cfg, revision)
        else:
            command.upgrade(cfg, revision)


def _value(column: sa.Column, value: Any) -> Any:
    if value is not None and isinstance(column.type, sa.DateTime):
        return datetime.fromisoformat(value)
    return value


def restore(url: str | None, path: str | Path) -> BackupInfo:
    """Restore the snapshot at ``path`` into the empty database at ``url`` (see the module
    docstring). Returns what was restored."""
    path = Path(path)
    snap = read_backup(path)
    engine = make_engine(normalise_url(url) if url else default_url())
    try:
        inspector = sa.inspect(engine)
        held = {}
        with engine.connect() as conn:
            for t in TABLES:
                if inspector.has_table(t):
                    n = conn.execute(sa.select(sa.func.count()).select_from(METADATA.tables[t])).scalar_one()
                    if n:
                        held[t] = n
        if held:
            what = ", ".join(f"{n} {t}" for t, n in held.items())
            raise LedgerError(f"restore needs an empty database; this one holds {what}. Restore into a new "
                              "database and point --db at it (nothing is ever overwritten)")
        revision = snap.manifest["revision"]
        _schema_at(engine, revision)
        with engine.begin() as conn:
            for t in TABLES:
                table = METADATA.tables[t]
                cols = snap.columns[t]
                rows = [{c: _value(table.c[c], v) for c, v in zip(cols, r)} for r in snap.rows[t]]
                if rows:
                    conn.execute(sa.insert(table), rows)
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('audit', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM audit")
        from .storage import migrate

        migrate(engine)
        with engine.connect() as conn:
            for t in TABLES:
                got = b"".join(_line(r) for r in _dump(conn, METADATA.tables[t], snap.columns[t]))
                key = snap.columns[t].index(_primary_key(METADATA.tables[t]))
                saved = b"".join(_line(r) for r in sorted(snap.rows[t], key=functools.partial(_row_key, key)))
                if hashlib.sha256(got).digest() != hashlib.sha256(saved).digest():
                    raise LedgerError(f"restore of {t} does not read back as it was saved: check the database")
    finally:
        engine.dispose()
    m = snap.manifest
    return BackupInfo(path, {t: len(snap.rows[t]) for t in TABLES}, m["revision"], m["backend"], m["created_at"])
