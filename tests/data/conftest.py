"""Fixtures of the data checks: the bundled tables read with the csv module alone (no
loopledger parsing), so that the checks in this folder do not rest on the code they check."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("_rows", Path(__file__).with_name("_rows.py"))
_rows = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_rows)
read_rows = _rows.read_rows


@pytest.fixture(scope="session")
def rows():
    """The helper module (items, start, end, DATASET_DATE, ROOT, DATA, TABLES)."""
    return _rows


@pytest.fixture(scope="session")
def raw() -> dict[str, list[dict[str, str]]]:
    return {t: read_rows(t) for t in _rows.TABLES}


@pytest.fixture(scope="session")
def live(raw) -> dict[str, list[dict[str, str]]]:
    """Rows that are not retracted."""
    return {t: [r for r in rows if r["retracted"] != "true"] for t, rows in raw.items()}
