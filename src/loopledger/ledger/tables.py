"""Flat rows for files: the model's records as CSV or JSON-lines tables, and back.

A ledger exports to a folder holding one file per table (``sources``, ``companies``,
``deals``, ``events``, ``facts``), each ``.csv`` or ``.jsonl``. The columns are the model's
fields in declaration order. In CSV a blank cell is a missing value, booleans are ``true`` /
``false`` and list cells join their items with ``|``; in JSON lines values keep their JSON
types. Writing is deterministic (rows sorted by id, shortest round-trip number format), so an
export diffs cleanly and export -> import -> export gives identical files.

**Formula neutralisation.** A spreadsheet opening a CSV file runs a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula (OWASP, "CSV Injection").
A text cell starting so is written with a leading apostrophe (``=HYPERLINK(...)`` becomes
``'=HYPERLINK(...)``), which spreadsheets show as text; so is a text cell that already starts
with an apostrophe followed by one of those characters or another apostrophe. Reading strips
that one apostrophe again, so export -> import gives back the exact text, and a cell written
by hand as ``'tens of billions'`` keeps its apostrophe. Number cells are never touched (a
negative fact stays ``-5``).

**Hostile files.** Reading never raises on what a file holds: bytes that are not UTF-8, lines
that are not JSON or nest too deeply, numbers too long to read, fields larger than the CSV
reader's limit and repeated JSON keys are each reported as a problem of their line (and the
line is skipped), exactly like a wrong value.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tempfile
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
#: first characters that make a spreadsheet read a cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: what neutralises them: a leading apostrophe (removed again on import)
QUOTE = "'"
_QUOTED = (*FORMULA_START, QUOTE)
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


def neutralise(text: str) -> str:
    """A text cell a spreadsheet cannot run as a formula (see the module docstring).

    >>> neutralise("=1+1"), neutralise("-5% on the year"), neutralise("'tens'")
    ("'=1+1", "'-5% on the year", "'tens'")
    """
    if text[:1] in FORMULA_START or (text[:1] == QUOTE and text[1:2] in _QUOTED):
        return QUOTE + text
    return text


def unneutralise(text: str) -> str:
    """The text :func:`neutralise` was given (``unneutralise(neutralise(t)) == t``).

    >>> unneutralise("'=1+1"), unneutralise("''=x"), unneutralise("'tens'")
    ('=1+1', "'=x", "'tens'")
    """
    if text[:1] == QUOTE and text[1:2] in _QUOTED:
        return text[1:]
    return text


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
        return neutralise(LIST_SEPARATOR.join(_plain_cell(v) for v in value))
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def _plain_cell(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float):
        return format_number(value)
    return "" if value is None else str(value)


def from_csv_cell(model: type[Record], name: str, cell: str) -> Any:
    """Text of a CSV cell -> a value pydantic can check. Blank means missing (the field's
    default). Numbers and booleans that do not parse are passed through as text so that the
    model reports them with its own message."""
    text = cell.strip()
    kind = field_kind(model, name)
    if kind in ("str", "list"):
        text = unneutralise(text)
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
    name = table_of(path)
    return {name: path} if name else {}


#: bytes that are not UTF-8 are decoded to these lone surrogates (errors="surrogateescape")
_UNDECODABLE = re.compile("[\udc80-\udcff]")
#: how much of a hostile value a message quotes
_QUOTE_CHARS = 60


def _short(text: str) -> str:
    return text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS] + "…"


def _not_utf8(text: str) -> str | None:
    bad = _UNDECODABLE.search(text)
    if bad is None:
        return None
    return f"is not valid UTF-8 (byte 0x{ord(bad.group()) - 0xDC00:02X} at character {bad.start() + 1})"


def _read_text(path: Path) -> str:
    """The file's text; bytes that are not UTF-8 become lone surrogates, reported per line."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="surrogateescape")


def _json_object(line: str) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """One JSON-lines record, or None and why not; repeated keys are problems too."""
    repeated: list[str] = []

    def pairs(items):
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                repeated.append(k)
            out[k] = v
        return out

    try:
        obj = json.loads(line, object_pairs_hook=pairs)
    except json.JSONDecodeError as e:
        return None, [("", f"not valid JSON ({e.msg} at character {e.colno})")]
    except RecursionError:
        return None, [("", "not readable: the JSON nests too deeply")]
    except ValueError as e:  # e.g. an integer of more digits than Python reads
        return None, [("", f"not readable: {_short(str(e))}")]
    if not isinstance(obj, dict):
        return None, [("", "each line must be a JSON object")]
    return obj, [(_short(k), f"field '{_short(k)}' appears twice in the line") for k in dict.fromkeys(repeated)]


def read_rows(path: Path, table: str) -> tuple[list[RawRow], list[tuple[int, str, str]]]:
    """Read a CSV or JSON-lines table. Returns rows and header-level problems
    (line, column, reason): unknown or missing columns, unreadable lines (see "Hostile
    files" in the module docstring)."""
    model = MODELS[table]
    known = columns(table)
    problems: list[tuple[int, str, str]] = []
    rows: list[RawRow] = []
    text = _read_text(path)
    if path.suffix == ".jsonl" or path.name.endswith(".jsonl"):
        # lines end at \n only: a note may hold U+2028 or other characters str.splitlines splits at
        for line_no, line in enumerate(text.split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line.strip():
                continue
            why = _not_utf8(line)
            if why:
                problems.append((line_no, "", f"the line {why}"))
                continue
            obj, line_problems = _json_object(line)
            problems += [(line_no, col, reason) for col, reason in line_problems]
            if obj is None:
                continue
            for key in obj:
                if key not in known:
                    problems.append((line_no, _short(key), f"unknown field '{_short(key)}' for table {table}"))
            values = {k: _json_value(model, k, v) for k, v in obj.items() if k in known}
            rows.append(RawRow(str(path), line_no, values))
        return rows, problems
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [(1, "", "the file is empty (no header row)")]
    except csv.Error as e:
        return [], [(1, "", f"the header row is not readable CSV ({_short(str(e))})")]
    header = [h.strip() for h in header]
    for h in header:
        why = _not_utf8(h)
        if why:
            problems.append((1, "", f"a column name {why}"))
        elif h not in known:
            problems.append((1, _short(h), f"unknown column '{_short(h)}' for table {table}"))
    seen = set()
    for h in header:
        if h in seen:
            problems.append((1, _short(h), f"column '{_short(h)}' appears twice"))
        seen.add(h)
    for name, field in model.model_fields.items():
        if field.is_required() and name not in header:
            problems.append((1, name, f"required column '{name}' is missing"))
    line_no = 1
    while True:
        line_no += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:  # e.g. a field larger than the reader's limit
            problems.append((line_no, "", f"not readable CSV ({_short(str(e))})"))
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                (line_no, "", f"has {len(cells)} cells but the header has {len(header)}")
            )
            continue
        undecodable = [(h, why) for h, c in zip(header, cells) if (why := _not_utf8(c))]
        if undecodable:
            problems += [(line_no, _short(h), f"the cell {why}") for h, why in undecodable]
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
        write_atomically(path, buf.getvalue().encode("utf-8"))
    elif fmt == "jsonl":
        lines = [
            json.dumps({c: _typed(row[c]) for c in cols}, ensure_ascii=False) for row in rows
        ]
        write_atomically(path, "".join(line + "\n" for line in lines).encode("utf-8"))
    else:
        raise ValueError(f"unknown format '{fmt}': expected one of {', '.join(FORMATS)}")


def write_atomically(path: Path, data: bytes | None = None, write=None, mode: int | None = None) -> None:
    """Write a file whole or not at all: into a temporary file beside ``path``, then moved
    into place (``os.replace``), so a reader never sees half a file and a failed write leaves
    the old one. Give the bytes, or ``write(tmp_path)`` that writes the temporary file.
    ``mode`` sets its permissions (e.g. 0o600; default: those a new file gets, or the old
    file's)."""
    path = Path(path)
    if mode is None:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            if data is not None:
                f.write(data)
        if write is not None:
            write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _typed(value: Any) -> Any:
    # integers stored as floats (2.0) are written as 2, so CSV and JSON agree
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _umask() -> int:
    """The process's umask, read without changing it (Linux); 0o022 where it cannot be read."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
