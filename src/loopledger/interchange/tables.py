"""Flat tables for spreadsheets and data tools: deals, companies and facts, plus the results
people ask for next (cycles, round-trip shares, and the stress test) as CSV, Parquet or XLSX.

These are views, not the system of record: ``loopledger export --format csv`` (the ledger's
own tables, which import back) is unchanged. Here each table is a pandas DataFrame with plain
cells (lists joined with ``|``, sources as URLs), written one file per table for CSV and
Parquet (a folder) and one sheet per table for XLSX (one workbook). Valuation and metric time
series have no FtM schema (docs/interchange.md 7, case 9): the ``facts`` table carries them.

The result tables use the default views and parameters of their functions as of the same date
(``cycles(ledger.network(as_of))``, ``circulation(...)``, ``stress(ledger, fail=["openai"])``,
``systemic(ledger)``). A result whose module is missing or fails is left out and named in
:attr:`Tables.unavailable`; the export then warns.

These files are opened in spreadsheets, so none of them can attack its reader: in
``tables-csv`` a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading apostrophe (as in the ledger's own CSV export,
:func:`loopledger.ledger.tables.neutralise`; numbers are never touched), and in XLSX every text
cell is written as a string cell, never as a formula, whatever it starts with. The workbook is
written to a temporary file beside the target and moved into place, so a failed export never
leaves a truncated workbook where the last good one was.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import LedgerError
from ..ledger.dates import parse_as_of
from ..ledger.tables import neutralise, write_atomically

TABLE_FORMATS = ("tables-csv", "parquet", "xlsx")


@dataclass
class Tables:
    """Named tables and the results that could not be computed (name -> reason)."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain cells: lists and tuples joined with ``|``, source dicts as their URLs."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype != object:
            continue
        sample = next((v for v in out[col] if isinstance(v, (list, tuple))), None)
        if sample is None:
            continue

        def join(v):
            if not isinstance(v, (list, tuple)):
                return v
            return "|".join(str(x["url"] if isinstance(x, dict) and "url" in x else x) for x in v)

        out[col] = out[col].map(join)
    return out


def _deals(ledger, as_of) -> pd.DataFrame:
    deals = ledger.deals(as_of=as_of)
    deals = deals.assign(source_ids=[[s["id"] for s in v] for v in deals["sources"]])
    return _flat(deals.rename(columns={"sources": "source_urls"}))


def _cycles(ledger, as_of) -> pd.DataFrame:
    from ..measures.cycles import cycles

    report = cycles(ledger.network(as_of=as_of))
    table = report.to_frame()
    table.insert(0, "cycle", range(1, len(table) + 1))
    hops = report.hops()
    deals = {}
    for cyc, part in hops.groupby("cycle"):
        deals[int(cyc) + 1] = [d for legs in part["deals"] for d in legs]
    table["deals"] = table["cycle"].map(lambda n: deals.get(n, []))
    return _flat(table)


def _round_trips(ledger, as_of) -> pd.DataFrame:
    from ..measures.circulation import circulation

    return _flat(circulation(ledger.network(as_of=as_of)).to_frame())


def _stress(ledger, as_of) -> pd.DataFrame:
    from ..stresstest.scenario import stress

    return _flat(stress(ledger, fail=["openai"], as_of=as_of).to_frame())


def _systemic(ledger, as_of) -> pd.DataFrame:
    from ..stresstest.scenario import systemic

    return _flat(systemic(ledger, as_of=as_of).to_frame())


#: result tables: name -> function of (ledger, as_of)
RESULT_TABLES: dict[str, Callable] = {
    "cycles": _cycles,
    "round_trips": _round_trips,
    "stress_openai": _stress,
    "systemic": _systemic,
}


def tables(ledger, as_of=None, include_results: bool = True) -> Tables:
    """The export tables as of ``as_of`` (default today): ``deals``, ``companies``, ``facts``
    and, with ``include_results``, ``cycles``, ``round_trips``, ``stress_openai`` and
    ``systemic`` (see the module docstring)."""
    as_of_d = parse_as_of(as_of)
    out = Tables()
    out.frames["deals"] = _deals(ledger, as_of_d)
    out.frames["companies"] = _flat(ledger.companies())
    out.frames["facts"] = _flat(ledger.facts(as_of=as_of_d))
    if include_results:
        for name, fn in RESULT_TABLES.items():
            try:
                out.frames[name] = fn(ledger, as_of_d)
            except ImportError as e:
                out.unavailable[name] = f"module not available ({e.name})"
            except TypeError as e:  # a result module whose signature differs from the one used
                out.unavailable[name] = f"could not be computed: {e}"
    return out


def write_tables(ledger, path: str | Path, fmt: str, as_of=None, include_results: bool = True) -> list[Path]:
    """Write :func:`tables` as ``tables-csv`` or ``parquet`` (a folder, one file per table) or
    ``xlsx`` (one workbook, one sheet per table). Returns the files written."""
    if fmt not in TABLE_FORMATS:
        raise LedgerError(f"unknown table format '{fmt}': expected one of {', '.join(TABLE_FORMATS)}")
    if str(path) == "-":
        raise LedgerError(f"--format {fmt} writes files: give a {'file' if fmt == 'xlsx' else 'folder'}, not '-'")
    result = tables(ledger, as_of=as_of, include_results=include_results)
    for name, reason in result.unavailable.items():
        warnings.warn(f"table '{name}' left out: {reason}", stacklevel=2)
    out = Path(path)
    if fmt == "xlsx":
        if out.is_dir():
            out = out / "loopledger-tables.xlsx"
        out.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(result.frames, out)
        return [out]
    if out.exists() and not out.is_dir():
        raise LedgerError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, frame in result.frames.items():
        if fmt == "parquet":
            f = out / f"{name}.parquet"
            frame.to_parquet(f, index=False)
        else:
            f = out / f"{name}.csv"
            neutralised_text(frame).to_csv(f, index=False, lineterminator="\n")
        files.append(f)
    return files


def neutralised_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell passed through
    :func:`~loopledger.ledger.tables.neutralise` (number columns untouched)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return out


def write_xlsx(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """One sheet per frame (a header row, then the rows), every text cell a string cell and
    never a formula, written atomically (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for name, frame in frames.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append([_text_cell(WriteOnlyCell, ws, str(col)) for col in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            ws.append([_text_cell(WriteOnlyCell, ws, v) for v in row])
    write_atomically(path, write=lambda tmp: wb.save(tmp))


def _text_cell(cell_type, ws, value: Any):
    c = cell_type(ws, value=_excel_value(value))
    if isinstance(c.value, str):
        c.data_type = "s"  # openpyxl makes a formula of any string starting with "="
    return c


def _excel_value(value: Any) -> Any:
    """A value openpyxl can store: missing -> empty, infinities as text (as pandas writes
    them), numpy scalars as Python ones, times without a time zone, characters XLSX cannot
    hold replaced by U+FFFD."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, (bool, int, date)):
        return value
    text = str(value)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
