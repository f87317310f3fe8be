"""Flat rows for files: the model's records as CSV or JSON-lines tables, and back.

A ledger exports to a folder holding one file per table (``sources``, ``companies``,
``deals``, ``events``, ``facts``), each ``.csv`` or ``.jsonl``. The columns are the model's
fields in declaration order. In CSV a blank cell is a missing value, booleans are ``true`` /
``false`` and list cells join their items with ``|``; in JSON lines values keep their JSON
types. Writing is deterministic (rows sorted by id, shortest round-trip number format), so an
export diffs cleanly and export -> import -> export gives identical files.
"""

from __future__ import annotations

import csv
import io
import json
import math
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from .model import MODELS, Record

FORMATS = ("csv", "jsonl")
LIST_SEPARATOR = "|"
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}


def columns(table: str) -> list[str]:
    """The columns of a table, in order."""
    return list(MODELS[table].model_fields)


def field_kind(model: type[Record], name: str) -> str:
    """'list', 'bool', 'float', 'int' or 'str' for a model field (after Optional)."""
    ann = model.model_fields[name].annotation
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    if typing.get_origin(ann) in (typing.Union, types.UnionType) and len(args) == 1:
        ann = args[0]
    if typing.get_origin(ann) is list:
        return "list"
    if ann is bool:
        return "bool"
    if ann is float:
        return "float"
    if ann is int:
        return "int"
    return "str"


def format_number(x: float) -> str:
    """Shortest text that reads back as the same float; integers without '.0'."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def to_csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(to_csv_cell(v) for v in value)
    return str(value)


def from_csv_cell(model: type[Record], name: str, cell: str) -> Any:
    """Text of a CSV cell -> a value pydantic can check. Blank means missing (the field's
    default). Numbers and booleans that do not parse are passed through as text so that the
    model reports them with its own message."""
    text = cell.strip()
    kind = field_kind(model, name)
    if text == "":
        field = model.model_fields[name]
        if kind == "list":
            return []
        if not field.is_required():
            return field.get_default(call_default_factory=True)
        return None
    if kind == "list":
        return [item.strip() for item in text.split(LIST_SEPARATOR)]
    if kind == "bool":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return text
    if kind in ("float", "int"):
        try:
            return float(text.replace(",", "")) if kind == "float" else int(text)
        except ValueError:
            return text
    return text


def record_to_row(record: Record) -> dict[str, Any]:
    """A record as a JSON-ready dict in column order (enums as their values)."""
    return record.model_dump(mode="json")


@dataclass
class RawRow:
    """One row read from a file, before validation: where it is and what it says."""

    path: str
    line: int
    values: dict[str, Any]


def table_of(path: Path) -> str | None:
    """The table a file holds, from its name (``deals.csv`` -> ``deals``)."""
    stem = path.name.split(".")[0]
    return stem if stem in MODELS else None


def files_in(path: Path) -> dict[str, Path]:
    """The table files under a path: a folder of ``<table>.csv|.jsonl`` files or one file."""
    if path.is_dir():
        found: dict[str, Path] = {}
        for table in MODELS:
            for fmt in FORMATS:
                f = path / f"{table}.{fmt}"
                if f.exists():
                    found[table] = f
        return found
    table = table_of(path)
    return {table: path} if table else {}


def read_rows(path: Path, table: str) -> tuple[list[RawRow], list[tuple[int, str, str]]]:
    """Read a CSV or JSON-lines table. Returns rows and header-level problems
    (line, column, reason): unknown or missing columns, unreadable lines."""
    model = MODELS[table]
    known = columns(table)
    problems: list[tuple[int, str, str]] = []
    rows: list[RawRow] = []
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".jsonl" or path.name.endswith(".jsonl"):
        for line_no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append((line_no, "", f"not valid JSON ({e.msg} at character {e.colno})"))
                continue
            if not isinstance(obj, dict):
                problems.append((line_no, "", "each line must be a JSON object"))
                continue
            for key in obj:
                if key not in known:
                    problems.append((line_no, key, f"unknown field '{key}' for table {table}"))
            values = {k: _json_value(model, k, v) for k, v in obj.items() if k in known}
            rows.append(RawRow(str(path), line_no, values))
        return rows, problems
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [(1, "", "the file is empty (no header row)")]
    header = [h.strip() for h in header]
    for h in header:
        if h not in known:
            problems.append((1, h, f"unknown column '{h}' for table {table}"))
    seen = set()
    for h in header:
        if h in seen:
            problems.append((1, h, f"column '{h}' appears twice"))
        seen.add(h)
    for name, field in model.model_fields.items():
        if field.is_required() and name not in header:
            problems.append((1, name, f"required column '{name}' is missing"))
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                (line_no, "", f"has {len(cells)} cells but the header has {len(header)}")
            )
            continue
        values = {
            h: from_csv_cell(model, h, c) for h, c in zip(header, cells) if h in known
        }
        rows.append(RawRow(str(path), line_no, values))
    return rows, problems


def _json_value(model: type[Record], name: str, value: Any) -> Any:
    if value == "" and field_kind(model, name) != "str":
        return from_csv_cell(model, name, "")
    if value == "" and not model.model_fields[name].is_required():
        return None
    return value


def write_table(records: Iterable[Record], path: Path, table: str, fmt: str) -> None:
    """Write records (already in their export order) as CSV or JSON lines."""
    cols = columns(table)
    rows = [record_to_row(r) for r in records]
    if fmt == "csv":
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for row in rows:
            w.writerow([to_csv_cell(_typed(row[c])) for c in cols])
        path.write_text(buf.getvalue(), encoding="utf-8")
    elif fmt == "jsonl":
        lines = [
            json.dumps({c: _typed(row[c]) for c in cols}, ensure_ascii=False) for row in rows
        ]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    else:
        raise ValueError(f"unknown format '{fmt}': expected one of {', '.join(FORMATS)}")


def _typed(value: Any) -> Any:
    # integers stored as floats (2.0) are written as 2, so CSV and JSON agree
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value
