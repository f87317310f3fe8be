"""Storage: the model's tables in SQLite (default) or PostgreSQL, and the audit trail.

The tables are generated from the pydantic model (one column per field, plus ``version``,
``created_at`` and ``updated_at``); Alembic migrations under ``migrations/`` create them, and a
test checks that the migrated schema equals the generated one. Storage is append-only in the
sense that matters for a ledger: nothing is ever deleted. Each insert, amendment and
retraction writes an audit record (who, when, what changed from what to what, and why), so
every past state can be reconstructed, and a retracted record stays in its table with
``retracted = true``. A batch insert (an import) is one transaction: all rows or none.

Concurrent editors are handled by optimistic locking: an update names the version it was
based on and fails with :class:`~loopledger.errors.ConflictError` if another edit came first.

A new SQLite file is created readable and writable by its owner only (mode 0600; SQLite gives
its ``-wal`` and ``-shm`` files the same mode), in a folder only its owner can enter when
loopledger creates that folder: the ``users`` table holds password hashes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

from ..errors import ConflictError, LedgerError, NotFoundError
from .model import MODELS, Record
from .tables import field_kind

ENV_DB = "LOOPLEDGER_DB"

_SA_TYPES = {
    "str": sa.Text,
    "float": sa.Double,
    "int": sa.Integer,
    "bool": sa.Boolean,
    "list": sa.JSON,
}
#: columns every record table has besides the model's fields
BOOKKEEPING = ("version", "created_at", "updated_at")
_INDEXED = {"deals": ("payer", "payee", "group"), "events": ("deal",), "facts": ("company",),
            "disbursements": ("deal",), "assets": ("owner",), "pledges": ("loan",),
            "guarantees": ("deal",)}


def build_metadata() -> sa.MetaData:
    """The database schema, generated from the model (and the audit and users tables)."""
    md = sa.MetaData()
    for table, model in MODELS.items():
        cols: list[sa.Column] = []
        for name, field in model.model_fields.items():
            kind = field_kind(model, name)
            nullable = (
                not field.is_required() and field.default is None and field.default_factory is None
            )
            cols.append(
                sa.Column(name, _SA_TYPES[kind](), primary_key=(name == "id"), nullable=nullable)
            )
        cols += [
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        ]
        t = sa.Table(table, md, *cols)
        for col in _INDEXED.get(table, ()):
            sa.Index(f"ix_{table}_{col}", t.c[col])
    audit = sa.Table(
        "audit",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("table_name", sa.Text, nullable=False),
        sa.Column("record_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
    )
    sa.Index("ix_audit_record", audit.c.table_name, audit.c.record_id)
    sa.Table(
        "users",
        md,
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("token_hash", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        # bumped to end every session of the account (sign-out, password or role change, disable)
        sa.Column("generation", sa.Integer, nullable=False, server_default="0"),
        sa.Column("token_expires", sa.DateTime(timezone=True), nullable=True),
    )
    return md


METADATA = build_metadata()


def default_url() -> str:
    """``$LOOPLEDGER_DB`` if set, else an SQLite file in the user's data folder
    (``$XDG_DATA_HOME/loopledger/loopledger.db``, by default
    ``~/.local/share/loopledger/loopledger.db``)."""
    if os.environ.get(ENV_DB):
        return normalise_url(os.environ[ENV_DB])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'loopledger' / 'loopledger.db'}"


def normalise_url(url: str) -> str:
    """Accept a bare file path for SQLite and ``postgresql://`` for the psycopg 3 driver."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        u = sa.engine.make_url(url)
        memory = u.database in (None, "", ":memory:")
        if u.database and not memory:
            _private_file(Path(u.database))
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if memory:
            kwargs["poolclass"] = StaticPool
        engine = sa.create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - exercised through every test
            cur = dbapi_conn.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

        return engine
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError as e:  # pragma: no cover - depends on the install
            raise LedgerError(
                "PostgreSQL needs the optional driver: pip install 'loopledger[postgres]'"
            ) from e
    return sa.create_engine(url, pool_pre_ping=True)


def _private_file(path: Path) -> None:
    """Create the folder (0700) and an empty SQLite file (0600) if they do not exist yet."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _is_key(value: Any) -> bool:
    """Whether ``value`` can be an id or a user name at all (text without NUL, which
    PostgreSQL refuses in a query): anything else matches no row."""
    return isinstance(value, str) and "\x00" not in value


#: the newest revision under ``migrations/versions`` (tests/ledger/test_storage.py checks that it
#: is Alembic's head), so that opening an up-to-date database does not import Alembic
SCHEMA_HEAD = "0005"


def stored_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database (Alembic's ``alembic_version`` table): one
    SELECT; None when the table is missing, empty or holds several heads."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):  # no such table (yet)
        return None
    return rows[0][0] if len(rows) == 1 else None


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (creates it on first use). A database
    already at :data:`SCHEMA_HEAD` is left as it is without loading Alembic."""
    if stored_revision(engine) == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _now() -> datetime:
    return datetime.now(UTC)


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in BOOKKEEPING}


class Store:
    """The database behind a ledger: typed rows in, plain dict rows out."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.tables = METADATA.tables

    @classmethod
    def open(cls, url: str | None = None, create: bool = True) -> Store:
        engine = make_engine(url or default_url())
        store = cls(engine)
        if create:
            migrate(engine)
        elif not store.has_schema():
            raise LedgerError(f"no loopledger database at {engine.url!r}: run `loopledger init`")
        return store

    def has_schema(self) -> bool:
        return sa.inspect(self.engine).has_table("alembic_version")

    # reading -----------------------------------------------------------------------------

    def rows(self, table: str, include_retracted: bool = True) -> list[dict[str, Any]]:
        t = self.tables[table]
        q = sa.select(t).order_by(t.c.id)
        if not include_retracted and "retracted" in t.c:
            q = q.where(t.c.retracted.is_(False))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def row(self, table: str, record_id: str) -> dict[str, Any]:
        t = self.tables[table]
        if not _is_key(record_id):
            raise NotFoundError(f"no {table[:-1]} with id {record_id!r}")
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(t).where(t.c.id == record_id)).first()
        if r is None:
            raise NotFoundError(f"no {table[:-1]} with id '{record_id}'")
        return dict(r._mapping)

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(self.tables[table])).scalar_one()

    def audit_head(self) -> int:
        """Id of the latest audit record: changes whenever anything is written."""
        t = self.tables["audit"]
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(t.c.id))).scalar() or 0

    def audit(self, record_id: str | None = None, table: str | None = None) -> list[dict[str, Any]]:
        t = self.tables["audit"]
        q = sa.select(t).order_by(t.c.id)
        if record_id is not None:
            if not _is_key(record_id):
                return []
            q = q.where(t.c.record_id == record_id)
        if table is not None:
            q = q.where(t.c.table_name == table)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    # writing -----------------------------------------------------------------------------

    def insert(
        self,
        records: Mapping[str, Iterable[Record]],
        actor: str,
        reason: str | None,
        action: str = "insert",
    ) -> dict[str, int]:
        """Insert records of several tables in one transaction; audit each one. A record whose
        id another writer inserted first (two editors adding at once) raises ConflictError, and
        nothing of the transaction is kept."""
        with self._writing() as conn:
            return self._insert(conn, records, actor, reason, action, _now())

    @contextmanager
    def _writing(self) -> Iterator[Any]:
        """One write transaction. What only another writer at the same moment can cause, and
        a retry mends, is a ConflictError, with nothing written: a record id (a new source, an
        event number) that another edit inserted first, or PostgreSQL ending the transaction
        in a deadlock or a serialisation failure."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.IntegrityError as e:
            raise ConflictError("a record with one of these ids was added at the same time by another "
                                "edit; nothing was written: read the ledger again and retry") from e
        except sa.exc.OperationalError as e:
            if getattr(e.orig, "sqlstate", None) in ("40001", "40P01"):  # serialisation, deadlock
                raise ConflictError("the edit met another one at the same moment (the database ended "
                                    "it); nothing was written: read the ledger again and retry") from e
            raise

    def _insert(self, conn, records: Mapping[str, Iterable[Record]], actor: str, reason: str | None,
                action: str, now: datetime) -> dict[str, int]:
        counts: dict[str, int] = {}
        audit_rows: list[dict[str, Any]] = []
        for table in MODELS:
            recs = list(records.get(table, []))
            if not recs:
                continue
            rows = []
            for r in recs:
                data = r.model_dump(mode="json")
                rows.append({**data, "version": 1, "created_at": now, "updated_at": now})
                audit_rows.append(
                    dict(at=now, actor=actor, action=action, table_name=table,
                         record_id=r.id, version=1, before=None, after=data, reason=reason)
                )
            conn.execute(sa.insert(self.tables[table]), rows)
            counts[table] = len(rows)
        if audit_rows:
            conn.execute(sa.insert(self.tables["audit"]), audit_rows)
        return counts

    def update(
        self,
        table: str,
        record: Record,
        actor: str,
        reason: str | None,
        expected_version: int | None = None,
        action: str = "amend",
        insert: Mapping[str, Iterable[Record]] | None = None,
    ) -> int:
        """Replace a record's fields; returns the new version. With ``expected_version``, fail
        with ConflictError if the stored record has moved on since the caller read it.
        ``insert`` adds new records (e.g. the source an amendment cites) in the same
        transaction."""
        now = _now()
        with self._writing() as conn:
            if insert:
                self._insert(conn, insert, actor, reason, "insert", now)
            return self._update(conn, table, record, actor, reason, expected_version, action, now)

    def _update(self, conn, table: str, record: Record, actor: str, reason: str | None,
                expected_version: int | None, action: str, now: datetime) -> int:
        t = self.tables[table]
        old = conn.execute(sa.select(t).where(t.c.id == record.id)).first()
        if old is None:
            raise NotFoundError(f"no {table[:-1]} with id '{record.id}'")
        old = dict(old._mapping)
        if expected_version is not None and old["version"] != expected_version:
            raise ConflictError(
                f"{table[:-1]} '{record.id}' was changed by someone else "
                f"(version {old['version']}, your edit was based on {expected_version}); "
                "reload it and apply your change again"
            )
        new = record.model_dump(mode="json")
        before = _jsonable(old)
        changed_before = {k: before.get(k) for k in new if before.get(k) != new[k]}
        changed_after = {k: new[k] for k in changed_before}
        if not changed_after:
            return old["version"]
        version = old["version"] + 1
        res = conn.execute(
            sa.update(t)
            .where(t.c.id == record.id, t.c.version == old["version"])
            .values(**new, version=version, updated_at=now)
        )
        if res.rowcount != 1:
            raise ConflictError(f"{table[:-1]} '{record.id}' was changed concurrently; retry")
        conn.execute(
            sa.insert(self.tables["audit"]).values(
                at=now, actor=actor, action=action, table_name=table, record_id=record.id,
                version=version, before=changed_before, after=changed_after, reason=reason,
            )
        )
        return version

    def write_batch(self, steps: list[tuple[str, Any]], actor: str,
                    notes: Iterable[dict[str, Any]] = ()) -> None:
        """Write several inserts and updates in one transaction, all or nothing (a change
        set). ``steps`` are ``("insert", (records by table, reason))`` or ``("update",
        (table, record, reason, action))`` in order; each of ``notes`` adds an audit record of
        its own (``table_name``, ``record_id``, ``action``, ``after``, ``reason``), e.g. the
        change set that was applied."""
        now = _now()
        with self._writing() as conn:
            for kind, args in steps:
                if kind == "insert":
                    records, reason = args
                    self._insert(conn, records, actor, reason, "insert", now)
                elif kind == "update":
                    table, record, reason, action = args
                    self._update(conn, table, record, actor, reason, None, action, now)
                else:  # pragma: no cover - programming error
                    raise ValueError(f"unknown step {kind!r}")
            for note in notes:
                conn.execute(sa.insert(self.tables["audit"]).values(
                    at=now, actor=actor, action=note["action"], table_name=note["table_name"],
                    record_id=note["record_id"], version=1, before=None, after=note.get("after"),
                    reason=note.get("reason")))

    # users (for the web app) ---------------------------------------------------------------

    def user(self, name: str) -> dict[str, Any] | None:
        t = self.tables["users"]
        if not _is_key(name):
            return None
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(t).where(t.c.name == name)).first()
        return dict(r._mapping) if r else None

    def users(self) -> list[dict[str, Any]]:
        t = self.tables["users"]
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(t).order_by(t.c.name))]

    def put_user(self, name: str, role: str, password_hash: str | None, token_hash: str | None,
                 actor: str, token_expires: datetime | None = None, revoke: bool = False,
                 disabled: bool = False, action: str | None = None) -> None:
        """Create or update a user. ``revoke`` ends every session of the account (its
        generation goes up). The audit record names what changed, never a secret."""
        t = self.tables["users"]
        now = _now()
        with self.engine.begin() as conn:
            old = conn.execute(sa.select(t).where(t.c.name == name)).first()
            values = dict(role=role, password_hash=password_hash, token_hash=token_hash,
                          token_expires=token_expires if token_hash else None, disabled=disabled)
            if old is None:
                conn.execute(sa.insert(t).values(name=name, created_at=now, generation=0, **values))
                generation = 0
            else:
                generation = old._mapping["generation"] + (1 if revoke else 0)
                conn.execute(sa.update(t).where(t.c.name == name).values(generation=generation, **values))
            after = {"role": role, "password": password_hash is not None, "token": token_hash is not None,
                     "disabled": disabled, "sessions_revoked": bool(revoke and old is not None)}
            conn.execute(
                sa.insert(self.tables["audit"]).values(
                    at=now, actor=actor, action=action or ("user" if old is None else "user_update"),
                    table_name="users", record_id=name, version=generation + 1,
                    before=None, after=after, reason=None,
                )
            )

    def bump_generation(self, name: str) -> None:
        """End every session of a user (signing out): no audit record, as for signing in."""
        t = self.tables["users"]
        with self.engine.begin() as conn:
            conn.execute(sa.update(t).where(t.c.name == name).values(generation=t.c.generation + 1))
