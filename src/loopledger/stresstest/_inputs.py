"""Checks shared by the numeric stress models: matrices and vectors in, clear errors out.

The models take dense arrays, scipy.sparse matrices or labelled pandas DataFrames / Series.
Everything is turned into a CSR matrix of float64 and 1-D arrays here, once, so that each
algorithm works on one representation; a fault is reported as a :class:`ValidationError`
naming the argument, the row and the column.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import LedgerError, Problem, ValidationError


def square_matrix(value: Any, name: str, *, zero_diagonal: bool = False) -> tuple[sp.csr_matrix, list | None]:
    """A non-negative, finite, square matrix as CSR, with its labels when it is a DataFrame."""
    labels = None
    if isinstance(value, pd.DataFrame):
        if list(value.index) != list(value.columns):
            raise ValidationError([Problem(name, None, "", "a labelled matrix needs the same labels on rows and columns, in the same order")])
        labels = list(value.index)
        value = value.to_numpy(dtype=float)
    if sp.issparse(value):
        mat = sp.csr_matrix(value, dtype=np.float64)
    else:
        arr = np.asarray(value, dtype=np.float64)
        if arr.ndim != 2:
            raise ValidationError([Problem(name, None, "", f"expected a square matrix, got {arr.ndim} dimension(s)")])
        mat = sp.csr_matrix(arr)
    if mat.shape[0] != mat.shape[1]:
        raise ValidationError([Problem(name, None, "", f"expected a square matrix, got shape {mat.shape}")])
    mat.sum_duplicates()
    coo = mat.tocoo()
    problems = []
    bad = ~np.isfinite(coo.data)
    for r, c in zip(coo.row[bad][:20], coo.col[bad][:20]):
        problems.append(Problem(name, int(r), str(c), "not a finite number (a missing amount cannot be used: drop it or give a value)"))
    neg = coo.data < 0
    for r, c, x in zip(coo.row[neg][:20], coo.col[neg][:20], coo.data[neg][:20]):
        problems.append(Problem(name, int(r), str(c), f"{x:g} is negative"))
    if zero_diagonal:
        diag = mat.diagonal()
        for i in np.flatnonzero(diag != 0)[:20]:
            problems.append(Problem(name, int(i), str(i), f"diagonal entry {diag[i]:g}: a node cannot owe itself"))
    if problems:
        raise ValidationError(problems)
    mat.eliminate_zeros()
    return mat, labels


def vector(value: Any, name: str, n: int, *, allow_inf: bool = False, positive: bool = False,
           allow_negative: bool = False) -> np.ndarray:
    """A 1-D float vector of length n, checked value by value."""
    if isinstance(value, (pd.Series, pd.Index)):
        value = value.to_numpy(dtype=float)
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.ndim != 1 or len(arr) != n:
        raise ValidationError([Problem(name, None, "", f"expected {n} values, got shape {arr.shape}")])
    problems = []
    for i in np.flatnonzero(np.isnan(arr))[:20]:
        problems.append(Problem(name, int(i), "", "missing value (NaN)"))
    if not allow_inf:
        for i in np.flatnonzero(np.isinf(arr))[:20]:
            problems.append(Problem(name, int(i), "", "infinite value"))
    if positive:
        for i in np.flatnonzero(arr <= 0)[:20]:
            problems.append(Problem(name, int(i), "", f"{arr[i]:g} is not positive"))
    elif not allow_negative:
        for i in np.flatnonzero(arr < 0)[:20]:
            problems.append(Problem(name, int(i), "", f"{arr[i]:g} is negative"))
    if problems:
        raise ValidationError(problems)
    return arr


def node_indices(selection: Any, n: int, labels: list | None, name: str) -> np.ndarray:
    """Indices named by integers, labels, or a boolean mask of length n."""
    arr = np.asarray(list(selection) if isinstance(selection, (set, frozenset)) else selection)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.dtype == bool:
        if len(arr) != n:
            raise ValidationError([Problem(name, None, "", f"a mask needs {n} entries, got {len(arr)}")])
        return np.flatnonzero(arr)
    out = []
    index = {lab: i for i, lab in enumerate(labels)} if labels is not None else {}
    for item in arr.tolist():
        if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            if not 0 <= item < n:
                raise ValidationError([Problem(name, None, "", f"node index {item} is outside 0..{n - 1}")])
            out.append(int(item))
        elif item in index:
            out.append(index[item])
        else:
            raise ValidationError([Problem(name, None, "", f"'{item}' is not a node")])
    return np.unique(np.asarray(out, dtype=np.int64))


def labels_of(*candidates: list | None) -> list | None:
    """The first label list given (labels of a DataFrame or Series argument)."""
    for c in candidates:
        if c is not None:
            return c
    return None


def series_labels(value: Any) -> list | None:
    return list(value.index) if isinstance(value, pd.Series) else None


def check_unit_interval(value: float, name: str) -> float:
    v = float(value)
    if not 0.0 <= v <= 1.0:
        raise LedgerError(f"{name} must be between 0 and 1, got {v:g}")
    return v


def frame_labels(labels: list | None, n: int) -> list:
    return list(labels) if labels is not None else list(range(n))


def as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)
