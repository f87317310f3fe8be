"""The FtM statements export (docs/interchange.md 3): the entities of the stream in FtM's
statement layout, one row per property value, with per-value provenance."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

from ..common import open_output
from .stream_export import build


def statements(ledger, dataset: str | None = None) -> Iterator[Any]:
    """FtM statements (one per property value) for :func:`.stream_export.entities`, with
    provenance: ``dataset`` = the ledger's name, ``origin`` = the loopledger source id behind
    the value (the specific source for ``sourceUrl``/``publisher``/``proof`` values, the latest
    status event's source for ``status``, else the deal's first source), ``original_value`` =
    the text before conversion (``300 USD bn``, ``~2036``, ``US/UAE``), ``first_seen`` /
    ``last_seen`` = when the record was first stored and last changed."""
    from followthemoney.statement import Statement

    built = build(ledger, dataset)
    for e in built.entities:
        eid = e.id or ""  # every entity of the builder has one
        first, last = built.seen.get(eid, (None, None))
        base = built.default_origin.get(eid)
        yield Statement(entity_id=eid, prop=Statement.BASE, schema=e.schema.name, value=eid,
                        dataset=built.dataset, first_seen=first, last_seen=last, origin=base)
        for prop, value in e.itervalues():
            key = (eid, prop.name, value)
            yield Statement(
                entity_id=eid, prop=prop.name, schema=e.schema.name, value=value,
                dataset=built.dataset, first_seen=first, last_seen=last,
                origin=built.origin.get(key) or base, original_value=built.original.get(key),
            )


def write_statements(ledger, path: str | Path) -> list[Path]:
    """Write the statements as CSV (default) or JSON lines (``.json``/``.jsonl`` file names)
    with ``followthemoney.statement``; ``-`` writes CSV to stdout."""
    from followthemoney.statement import CSV, JSON
    from followthemoney.statement import write_statements as ftm_write

    name = str(path)
    fmt = JSON if name.endswith((".json", ".jsonl")) else CSV
    with open_output(path, binary=True) as fh:
        ftm_write(cast(BinaryIO, fh), fmt, statements(ledger))
    return [] if name == "-" else [Path(path)]
