"""Interchange: the formats other tools open, as views of the ledger (docs/interchange.md).

One module per format: :mod:`.ftm` (a package: FollowTheMoney entity streams and statements,
the only format that round-trips), :mod:`.gexf` (Gephi, with dates), :mod:`.graphml` (networkx;
Cytoscape, yEd, igraph), :mod:`.kumu` (an xlsx workbook for Kumu), :mod:`.tables` (CSV,
Parquet and XLSX tables of deals, companies, facts, cycles and stress results) and
:mod:`.edges` (import of a plain edge list). The two entry points below are what
``loopledger export --format F`` and ``loopledger import --format F`` call. What the modules
share (output and input handling, amount and date text, :class:`~.common.ImportCounts`, the
deal view the graph formats draw) is in :mod:`.common`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import LedgerError

#: export format -> what it writes
EXPORT_FORMATS = {
    "ftm": "FollowTheMoney entity stream (JSON lines, *.ftm.json; '-' for stdout)",
    "statements": "FtM statements with per-value provenance (CSV; .jsonl/.json name for JSON lines)",
    "gexf": "GEXF 1.3 for Gephi, with dates for its timeline",
    "graphml": "GraphML (one edge per deal leg) for Cytoscape, yEd, igraph",
    "kumu": "Kumu workbook (.xlsx with Elements and Connections sheets)",
    "tables-csv": "CSV tables of deals, companies, facts, cycles and stress results (a folder)",
    "parquet": "Parquet tables of deals, companies, facts, cycles and stress results (a folder)",
    "xlsx": "one workbook with a sheet per table (deals, companies, facts, cycles, stress results)",
}
#: import format -> what it reads
IMPORT_FORMATS = {
    "ftm": "FollowTheMoney entity stream (a file, or '-' for stdin)",
    "edges": "plain edge list: CSV or Parquet with source,target,source_url,date[,status,kind,amount...]",
}
_DEFAULT_NAMES = {"ftm": "loopledger.ftm.json", "statements": "loopledger-statements.csv",
                  "gexf": "loopledger.gexf", "graphml": "loopledger.graphml", "kumu": "loopledger-kumu.xlsx",
                  "xlsx": "loopledger-tables.xlsx"}


def _file_target(output_path: str | Path, fmt: str) -> str | Path:
    """A folder given for a one-file format gets the format's default file name inside it."""
    if str(output_path) == "-":
        return "-"
    p = Path(output_path)
    if p.is_dir() and fmt in _DEFAULT_NAMES:
        return p / _DEFAULT_NAMES[fmt]
    return p


def export_format(ledger, output_path: str | Path, format: str, *, as_of: Any = None,
                  **options: Any) -> list[Path]:
    """Export the ledger in ``format`` (see :data:`EXPORT_FORMATS`) to ``output_path``: a
    file, a folder (table formats; one-file formats then use a default name inside it), or
    ``-`` for stdout (``ftm``, ``statements``, ``gexf``, ``graphml``, ``kumu``). Returns the
    files written (none for stdout). ``as_of`` dates the views of ``gexf``, ``graphml``,
    ``kumu`` and the tables; ``options`` go to the format's writer (e.g. ``per_deal=True`` for
    GEXF, ``include_results=False`` for tables)."""
    fmt = format.lower()
    target = _file_target(output_path, fmt)
    if fmt == "ftm":
        from .ftm import write_entities

        return write_entities(ledger, target)
    if fmt == "statements":
        from .ftm import write_statements

        return write_statements(ledger, target)
    if fmt == "gexf":
        from .gexf import write_gexf

        return write_gexf(ledger, target, as_of=as_of, **options)
    if fmt == "graphml":
        from .graphml import write_graphml

        return write_graphml(ledger, target, as_of=as_of, **options)
    if fmt == "kumu":
        from .kumu import write_kumu

        return write_kumu(ledger, target, as_of=as_of, **options)
    if fmt in ("tables-csv", "parquet", "xlsx"):
        from .tables import write_tables

        return write_tables(ledger, target, fmt, as_of=as_of, **options)
    known = ", ".join(["csv", "jsonl", *EXPORT_FORMATS])
    raise LedgerError(f"unknown export format '{format}': expected one of {known}")


def import_format(ledger, path: str | Path, format: str, reason: str | None = None,
                  default_status: str | None = None) -> dict[str, int]:
    """Import ``path`` (``-`` for stdin) in ``format`` (``ftm`` or ``edges``) into the ledger,
    all or nothing. Returns the records added per table (an ``ImportCounts`` dict whose
    ``skipped`` attribute counts what was left out, by schema). ``default_status`` is given
    to legs whose status the input does not state in loopledger's vocabulary."""
    fmt = format.lower()
    if fmt == "ftm":
        from .ftm import import_entities

        return import_entities(ledger, path, reason=reason, default_status=default_status)
    if fmt == "edges":
        from .edges import import_edges

        return import_edges(ledger, path, reason=reason, default_status=default_status)
    raise LedgerError(f"unknown import format '{format}': expected ledger, {', '.join(IMPORT_FORMATS)}")


__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS", "export_format", "import_format"]
