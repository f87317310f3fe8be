"""Backup commands: ``loopledger backup PATH`` writes a consistent, checksummed snapshot of the
whole database (safe while a server runs); ``loopledger restore PATH`` verifies one and
restores it into an empty database (:mod:`loopledger.ledger.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import DbOption, JsonOption, app, console, emit_json


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="The snapshot file to write (a .zip).")],
    db: DbOption = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace PATH if it exists.")] = False,
    json: JsonOption = False,
) -> None:
    """Write a snapshot of every table (records, audit trail, users) to PATH, readable by you
    only: one consistent state even while `loopledger serve` keeps writing."""
    from ..ledger.backup import backup as run

    info = run(db, path, overwrite=overwrite)
    if json:
        emit_json(info.to_dict())
        return
    rows = ", ".join(f"{t} {n}" for t, n in info.rows.items())
    console().print(f"Backed up to {info.path} (schema {info.revision}, {info.backend}): {rows}", markup=False)


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A snapshot written by `loopledger backup`.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Verify the snapshot at PATH and restore it into an empty database (--db). A damaged
    snapshot, or a database that already holds data, is refused and nothing is written."""
    from ..ledger.backup import restore as run

    info = run(db, path)
    if json:
        emit_json(info.to_dict())
        return
    rows = ", ".join(f"{t} {n}" for t, n in info.rows.items())
    console().print(f"Restored {info.path} (made {info.created_at} from {info.backend}): {rows}", markup=False)
