"""Shared fixtures: the bundled ledger, and a database URL for each storage backend.

Storage tests take the ``db_url`` fixture and run twice: on an SQLite file and on the
PostgreSQL server named by ``LOOPLEDGER_TEST_PG`` (``make test`` and ``.ci/run`` start one; each
test gets a schema of its own). Without that variable the PostgreSQL leg is skipped with the
reason shown, except when ``LOOPLEDGER_REQUIRE_SERVICES=1`` (CI), where it fails instead.
"""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest

PG_URL = os.environ.get("LOOPLEDGER_TEST_PG")
REQUIRE_SERVICES = os.environ.get("LOOPLEDGER_REQUIRE_SERVICES") == "1"


def require_service(what: str, why: str) -> None:
    """Skip a test that needs a missing service, or fail when CI requires it."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required on CI but unavailable: {why}")
    pytest.skip(f"{what} unavailable ({why}); `make test` starts it when run as root")


@pytest.fixture(autouse=True)
def _private_default_database(tmp_path, monkeypatch):
    """No test touches the user's own ledger: the default database (and the XDG data folder it
    lives in) point into the test's temporary folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("LOOPLEDGER_DB", raising=False)


@pytest.fixture(scope="session")
def bundled():
    """The bundled dataset in an in-memory ledger (shared: tests must not write to it)."""
    from loopledger import load_default

    return load_default()


@pytest.fixture
def fresh_ledger():
    """A writable in-memory ledger holding the bundled dataset."""
    from loopledger import load_default

    return load_default()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A URL of an empty database: an SQLite file, then a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    if not PG_URL:
        require_service("PostgreSQL", "LOOPLEDGER_TEST_PG is not set")
    import sqlalchemy as sa

    from loopledger.ledger.storage import normalise_url

    base = normalise_url(PG_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except Exception as e:  # server not running
        require_service("PostgreSQL", str(e).splitlines()[0])
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@contextlib.contextmanager
def empty_database(kind: str, folder):
    """A URL of another empty database within one test: a new SQLite file in ``folder``, or a
    new PostgreSQL schema (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / (uuid.uuid4().hex + '.db')}"
        return
    if not PG_URL:
        require_service("PostgreSQL", "LOOPLEDGER_TEST_PG is not set")
    import sqlalchemy as sa

    from loopledger.ledger.storage import normalise_url

    base = normalise_url(PG_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def json(self):
        import json

        return json.loads(self.out)


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run the ``loopledger`` command in-process: ``cli("summary", "--json")`` -> CliResult
    with the exit code, stdout and stderr (errors are printed exactly as for a user)."""
    import sys

    from loopledger.cli import run

    def invoke(*args: str) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["loopledger", *map(str, args)])
        code = run()
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke
