"""The network: a directed multigraph of money as a node index, an edge table and sparse matrices.

:class:`FlowNetwork` is what every measure and stress model reads: ``nodes``, one ``edges`` row
per deal leg, and scipy.sparse matrices built from them (``adjacency``, the money matrix;
``structure``, every ordered pair with a leg). It knows nothing of the ledger: a ledger's
network is built by :func:`loopledger.ledger.view.network` (``ledger.network(...)``), which
applies the view rules (docs/methods.md 0.2) and hands the leg table to
:meth:`FlowNetwork.from_frame`; :meth:`FlowNetwork.from_edges` builds the same object from any
user edge list (CSV or Parquet with ``source,target[,amount]``), up to millions of edges.
Amounts are USD billions; an unknown amount is NaN, never 0.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import LedgerError, Problem, ValidationError

if TYPE_CHECKING:  # pragma: no cover - pandas and scipy are imported where a frame or a matrix is built
    import pandas as pd
    import scipy.sparse as sp


@dataclass(frozen=True)
class Legs:
    """The columns of the edge table a search and its hop sums read, as numpy arrays: ``u``,
    ``v`` (node indices, int64), ``amount`` (float, NaN when unknown) and ``in_flow`` (bool),
    one entry per leg in edge-table order."""

    u: np.ndarray
    v: np.ndarray
    amount: np.ndarray
    in_flow: np.ndarray

    @classmethod
    def of(cls, edges: pd.DataFrame) -> Legs:
        return cls(u=edges["u"].to_numpy(np.int64), v=edges["v"].to_numpy(np.int64),
                   amount=edges["amount"].to_numpy(float), in_flow=edges["in_flow"].to_numpy(bool))


class _EdgeTable:
    """The ``edges`` field of :class:`FlowNetwork`: the frame given to the constructor, or, for
    a network read by the lean reader (:func:`_lean_network`), a function that builds it on
    first use, so that a command that never reads the frame never imports pandas."""

    def __get__(self, obj: Any, owner: Any = None) -> pd.DataFrame:
        if obj is None:
            raise AttributeError("edges")  # no default: the field is required
        value = obj.__dict__["_edges"]
        if callable(value):
            value = value()
            obj.__dict__["_edges"] = value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__["_edges"] = value


@dataclass(frozen=True, eq=False)
class FlowNetwork:
    """A directed multigraph of money: nodes, one edge row per leg, sparse matrices.

    ``edges`` has at least the columns ``u``, ``v`` (integer node indices), ``source``,
    ``target`` (node labels), ``amount`` (USD billions on the chosen basis, NaN when unknown)
    and ``in_flow`` (False for legs that move no cash). Networks built from the ledger add
    ``deal``, ``group``, ``kind``, ``status``, ``status_date``, ``amount_low``,
    ``amount_high``, ``announced`` and ``include_in_totals``.
    """

    nodes: np.ndarray
    edges: _EdgeTable = _EdgeTable()
    params: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    #: the :class:`~loopledger.ledger.view.View` a ledger network was built from (None for
    #: a user edge list); ``params`` holds the same choices as JSON values
    view: Any = field(default=None, repr=False)
    #: the leg arrays when the network was read without pandas (else taken from ``edges``)
    _legs: Legs | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def m(self) -> int:
        """Number of edge rows (legs)."""
        return len(self.legs.u) if self._legs is not None else len(self.edges)

    @cached_property
    def legs(self) -> Legs:
        """``u``, ``v``, ``amount`` and ``in_flow`` of every leg as numpy arrays."""
        return self._legs if self._legs is not None else Legs.of(self.edges)

    @cached_property
    def structure_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``indptr`` (int64) and ``indices`` (int32) of ``structure`` (rows sorted, no
        duplicates), made with numpy alone: what the cycle search reads."""
        legs = self.legs
        n = self.n
        key = np.unique(legs.u * n + legs.v)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(key // n, minlength=n), out=indptr[1:])
        return indptr, (key % n).astype(np.int32)

    def __repr__(self) -> str:
        return f"<FlowNetwork {self.n} nodes, {self.m} legs, {self.params}>"

    @cached_property
    def _index(self) -> dict[Any, int]:
        return {label: i for i, label in enumerate(self.nodes.tolist())}

    def index_of(self, label: Any) -> int:
        """Index of a node label; KeyError naming it when absent."""
        try:
            return self._index[label]
        except KeyError:
            raise KeyError(f"'{label}' is not a node of this network") from None

    def label(self, i: int) -> str:
        """Display name of node i (company name when known, else its label)."""
        lab = self.nodes[i]
        return self.names.get(lab, str(lab))

    @cached_property
    def adjacency(self) -> sp.csr_matrix:
        """Money matrix F: ``F[i, j]`` = sum of known amounts of cash legs i -> j (CSR).

        Pairs whose legs all lack an amount, and non-cash legs, are absent (see
        ``structure``)."""
        import scipy.sparse as sp

        e = self.edges
        keep = e["in_flow"].to_numpy(bool) & e["amount"].notna().to_numpy()
        data = e["amount"].to_numpy(float)[keep]
        mat = sp.coo_matrix(
            (data, (e["u"].to_numpy()[keep], e["v"].to_numpy()[keep])), shape=(self.n, self.n)
        ).tocsr()
        mat.sum_duplicates()
        mat.eliminate_zeros()
        return mat

    @cached_property
    def structure(self) -> sp.csr_matrix:
        """0/1 matrix of every ordered pair with at least one leg (any kind, any amount)."""
        import scipy.sparse as sp

        legs = self.legs
        ones = np.ones(len(legs.u), dtype=np.float64)
        mat = sp.coo_matrix((ones, (legs.u, legs.v)), shape=(self.n, self.n)).tocsr()
        mat.sum_duplicates()
        mat.data[:] = 1.0
        return mat

    def pairs(self) -> pd.DataFrame:
        """One row per ordered pair (hop): its legs, summed amounts and completeness.

        ``amount`` sums the known amounts of cash legs on the chosen basis; ``complete`` is
        False when some cash leg lacks an amount (the sum is then a lower bound) and
        ``amount`` is NaN when none has one (docs/methods.md 1.3). Ledger networks also give
        ``amount_low`` / ``amount_high`` sums (a leg with only a low, "more than X", adds its
        low to the high sum and is counted in ``high_open``), ``deals`` and ``kinds``."""
        import pandas as pd

        e = self.edges
        cash = e["in_flow"].astype(bool)
        known = e["amount"].notna() & cash
        g = e.assign(
            _amt=e["amount"].where(known),
            _cash=cash.astype(int),
            _known=known.astype(int),
        ).groupby(["u", "v"], sort=True)
        out = pd.DataFrame({
            "legs": g.size(),
            "cash_legs": g["_cash"].sum(),
            "known_legs": g["_known"].sum(),
            "amount": g["_amt"].sum(min_count=1),
        })
        if "amount_low" in e and "amount_high" in e:
            # a "more than X" leg (low, no high) adds its low to the high sum, which is then a
            # lower bound of the hop's high: counted in `high_open`
            lo, hi = e["amount_low"].where(cash), e["amount_high"].where(cash)
            hi_or_lo = hi.fillna(lo)
            by = e.assign(_lo=lo, _hi=hi_or_lo, _open=(hi.isna() & lo.notna()).astype(int)).groupby(["u", "v"], sort=True)
            out["amount_low"] = by["_lo"].sum(min_count=1)
            out["amount_high"] = by["_hi"].sum(min_count=1)
            out["high_open"] = by["_open"].sum()
        if "deal" in e:
            out["deals"] = g["deal"].agg(list)
            out["kinds"] = g["kind"].agg(lambda s: sorted(set(s)))
        out["complete"] = out["known_legs"] == out["cash_legs"]
        out = out.reset_index()
        out["source"] = self.nodes[out["u"].to_numpy()]
        out["target"] = self.nodes[out["v"].to_numpy()]
        return out

    def to_networkx(self, multigraph: bool = True):
        """The network as a networkx (Multi)DiGraph with node labels and edge attributes."""
        import networkx as nx

        g = nx.MultiDiGraph() if multigraph else nx.DiGraph()
        g.add_nodes_from(self.nodes.tolist())
        cols = [c for c in self.edges.columns if c not in ("u", "v", "source", "target")]
        for row in self.edges.itertuples(index=False):
            r = row._asdict()
            attrs = {c: r[c] for c in cols}
            if multigraph:
                g.add_edge(r["source"], r["target"], **attrs)
            else:
                g.add_edge(r["source"], r["target"])
        return g

    # construction ----------------------------------------------------------------------------

    @classmethod
    def from_frame(cls, edges: pd.DataFrame, nodes: Iterable[Any] | None = None,
                   params: dict[str, Any] | None = None, names: dict[str, str] | None = None,
                   view: Any = None) -> FlowNetwork:
        """Build from a frame with ``source``, ``target`` and optionally ``amount`` and
        ``in_flow``; ``nodes`` fixes the node order (else order of first appearance)."""
        import pandas as pd

        e = edges.reset_index(drop=True).copy()
        m = len(e)
        # sources and targets are looked up in one pass over both columns (millions of labels)
        both = pd.concat([e["source"], e["target"]], ignore_index=True)
        if nodes is None:
            # codes in order of first appearance, NaN included as a label, as pd.unique gives
            codes, node_arr = pd.factorize(both, use_na_sentinel=False)
            node_arr = np.asarray(node_arr)
        else:
            node_arr = pd.unique(pd.Series(list(nodes)))
            node_arr = np.asarray(node_arr, dtype=object) if node_arr.dtype == object else np.asarray(node_arr)
            index = pd.Index(node_arr)
            if not index.is_unique:
                raise LedgerError("node labels must be unique")
            codes = index.get_indexer(both)
        u, v = codes[:m], codes[m:]
        if (u < 0).any() or (v < 0).any():
            raise LedgerError("an edge names a node that is not in the node list")
        e.insert(0, "u", u.astype(np.int64))
        e.insert(1, "v", v.astype(np.int64))
        if "amount" not in e:
            e["amount"] = np.nan
        e["amount"] = pd.to_numeric(e["amount"], errors="coerce").astype(float)
        if "in_flow" not in e:
            e["in_flow"] = True
        return cls(nodes=node_arr, edges=e, params=dict(params or {}), names=dict(names or {}), view=view)

    @classmethod
    def from_edges(cls, table_or_path: Any, source: str = "source", target: str = "target",
                   amount: str | None = "amount") -> FlowNetwork:
        """A network from any edge list: a DataFrame, a CSV / Parquet file with columns
        ``source,target[,amount]``, or a folder of Parquet parts (``*.parquet``, as Dask,
        Spark or ``pyarrow.dataset`` write them) read as one table, the parts in file-name
        order with numbers compared as numbers (``part.2`` before ``part.10``), which fixes
        the node order. Amounts must be non-negative numbers (blank = unknown). Reads millions
        of edges with pyarrow; an error in a part names that part and its row."""
        path = None
        parts: list[tuple[Path, int]] = []
        if isinstance(table_or_path, (str, Path)):
            path = Path(table_or_path)
            if path.is_dir():
                frame, parts = _read_edge_parts(path)
            else:
                table = _read_edge_table(path, (source, target))
                lean = _lean_network(table, str(path), source, target, amount)
                if lean is not None:
                    return lean
                frame = _edge_frame(table, path)
        elif _is_frame(table_or_path):
            frame = table_or_path
        else:
            raise LedgerError("from_edges takes a DataFrame, the path of a CSV or Parquet file, or a folder of "
                              "Parquet parts")
        return cls._from_edge_frame(frame, str(path) if path else "<edges>", parts, source, target, amount)

    @classmethod
    def _from_edge_frame(cls, frame: pd.DataFrame, where: str, parts: list[tuple[Path, int]], source: str,
                         target: str, amount: str | None) -> FlowNetwork:
        """:meth:`from_edges` once the table is read: its checks, then :meth:`from_frame`."""
        import pandas as pd

        def problem(i: int, column: str, reason: str) -> Problem:
            if not parts:
                return Problem(where, int(i) + 2, column, reason)
            for part, start in reversed(parts):  # (part, its first row in the table)
                if i >= start:
                    return Problem(str(part), int(i - start) + 2, column, reason)
            raise AssertionError("unreachable")  # pragma: no cover

        missing = [c for c in (source, target) if c not in frame.columns]
        if missing:
            raise ValidationError([Problem(where, 1, c, f"required column '{c}' is missing") for c in missing])
        cols = {source: "source", target: "target"}
        has_amount = amount is not None and amount in frame.columns
        if amount is not None and has_amount:
            cols[amount] = "amount"
        e = frame[list(cols)].rename(columns=cols)
        problems = []
        for c in ("source", "target"):
            for i in _blank_rows(e[c])[:20]:
                problems.append(problem(i, cols_inv(cols, c), "blank node label"))
        if amount is not None and has_amount:
            raw = e["amount"]
            num = pd.to_numeric(raw, errors="coerce")
            if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
                bad = np.zeros(len(raw), dtype=bool)  # parsed as numbers: nothing unreadable
            else:
                bad = (num.isna() & raw.notna() & (raw.astype(str).str.strip() != "")).to_numpy()
            for i in np.flatnonzero(bad)[:20]:
                problems.append(problem(i, amount, f"'{raw.iloc[i]}' is not a number"))
            neg = num < 0
            for i in np.flatnonzero(neg.to_numpy())[:20]:
                problems.append(problem(i, amount, f"amount {num.iloc[i]:g} is negative"))
            e = e.assign(amount=num.astype(float))
        if problems:
            raise ValidationError(problems)
        e = e.assign(**{c: e[c] if e[c].dtype == "str" else e[c].astype(str) for c in ("source", "target")})
        if not has_amount:
            e = e.assign(amount=1.0)
        return cls.from_frame(e, params={"from": where, "amount": "given" if has_amount else "1 per edge"})


def cols_inv(cols: dict[str, str], value: str) -> str:
    return next(k for k, v in cols.items() if v == value)


def _blank_rows(labels: pd.Series) -> np.ndarray:
    """Rows whose node label is missing or only whitespace."""
    if labels.dtype == "str":  # Arrow-backed strings (a file read by pyarrow): checked in Arrow
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(labels.array)  # zero copy (__arrow_array__)
        blank = pc.or_kleene(pc.is_null(arr), pc.equal(pc.utf8_trim_whitespace(arr), ""))
        if not pc.any(blank).as_py():
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(blank.to_numpy(zero_copy_only=False))
    blank = labels.isna() | (labels.astype(str).str.strip() == "")
    return np.flatnonzero(blank.to_numpy())


def _is_frame(value: Any) -> bool:
    """Whether ``value`` is a pandas DataFrame (without importing pandas: a frame can only exist
    once pandas is imported)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.DataFrame)


def _read_edge_table(path: Path, labels: tuple[str, str] = ("source", "target")) -> Any:
    """The edge file as a pyarrow Table, the label columns of a CSV read as strings."""
    if not path.exists():
        raise LedgerError(f"{path}: no such file")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            from pyarrow import parquet as pq

            return pq.read_table(path)
        # pyarrow directly: pandas' pyarrow engine with a partial dtype map fails on a blank
        # amount ("cannot convert NA to integer")
        from pyarrow import csv as pa_csv
        from pyarrow import string as pa_string

        types = pa_csv.ConvertOptions(column_types={c: pa_string() for c in labels})
        return pa_csv.read_csv(path, convert_options=types)
    except Exception as e:  # pyarrow / parser errors name the line themselves
        raise ValidationError([Problem(str(path), None, "", f"cannot read the edge list: {e}")]) from e


def _edge_frame(table: Any, path: Path) -> pd.DataFrame:
    """The frame of an edge table read by :func:`_read_edge_table` (label columns of a CSV as
    Arrow-backed strings, sharing pyarrow's buffers; a Parquet file as pandas reads it)."""
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            import pandas as pd

            return pd.read_parquet(path)
        return table.to_pandas()
    except Exception as e:
        raise ValidationError([Problem(str(path), None, "", f"cannot read the edge list: {e}")]) from e


def _read_edge_file(path: Path, labels: tuple[str, str] = ("source", "target")) -> pd.DataFrame:
    """The edge file as a frame whose label columns are Arrow-backed strings (no Python
    string objects are made: the columns share pyarrow's buffers)."""
    if path.suffix.lower() in (".parquet", ".pq"):
        if not path.exists():
            raise LedgerError(f"{path}: no such file")
        return _edge_frame(None, path)  # read once, by pandas
    return _edge_frame(_read_edge_table(path, labels), path)


@dataclass(frozen=True)
class _FrameOf:
    """Builds the ``edges`` frame of a network read by :func:`_lean_network` when it is first
    asked for: the pandas route of :meth:`FlowNetwork.from_edges` on the same table, so the
    frame is the one that route gives (a picklable callable, not a closure)."""

    table: Any
    where: str
    source: str
    target: str
    amount: str | None

    def __call__(self) -> pd.DataFrame:
        return FlowNetwork._from_edge_frame(self.table.to_pandas(), self.where, [], self.source, self.target,
                                            self.amount).edges


def _lean_network(table: Any, where: str, source: str, target: str, amount: str | None) -> FlowNetwork | None:
    """The network of an edge table read by pyarrow, built with pyarrow and numpy alone (the
    ``edges`` frame is made only when someone reads it), when the table needs none of pandas'
    checks: string labels, none blank, and amounts (if any) numbers, none negative. Else None,
    and :meth:`FlowNetwork.from_edges` takes the pandas route, which reports the problems.
    Nodes come in the order of first appearance over sources then targets, as
    :meth:`FlowNetwork.from_frame` gives them (pyarrow's dictionary encoding keeps that order)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names = table.column_names
    if source not in names or target not in names or table.num_rows == 0:
        return None
    labels = [table.column(source), table.column(target)]
    if not all(pa.types.is_string(c.type) for c in labels):
        return None
    has_amount = amount is not None and amount in names
    if has_amount:
        col = table.column(amount)
        if not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type) or pa.types.is_null(col.type)):
            return None
        values = _buffer(col.cast(pa.float64()), np.float64)
        if (values < 0).any():
            return None
    else:
        values = np.ones(table.num_rows, dtype=np.float64)
    both = pa.concat_arrays([*labels[0].chunks, *labels[1].chunks])
    if both.null_count or not _buffer(pc.utf8_length(pc.utf8_trim_whitespace(both)), np.int32).all():
        return None  # a blank label
    encoded = pc.dictionary_encode(both)
    codes = _buffer(encoded.indices.cast(pa.int64()), np.int64)
    nodes = np.empty(len(encoded.dictionary), dtype=object)
    nodes[:] = encoded.dictionary.to_pylist()
    m = table.num_rows
    legs = Legs(u=codes[:m], v=codes[m:], amount=values, in_flow=np.ones(m, dtype=bool))
    params = {"from": where, "amount": "given" if has_amount else "1 per edge"}
    return FlowNetwork(nodes=nodes, edges=_FrameOf(table, where, source, target, amount),  # type: ignore[arg-type]
                       params=params, _legs=legs)


def _buffer(values: Any, dtype: type) -> np.ndarray:
    """A pyarrow array (or chunked array) of a fixed-width numeric type as a numpy array on its
    buffer, nulls as NaN (a float type only). pyarrow's own ``to_numpy()`` and scalars import
    pandas, which the lean reader avoids."""
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    lo, hi = values.offset, values.offset + len(values)
    validity, data = values.buffers()[:2]
    if data is None:  # a null-typed column cast: no values buffer
        return np.full(len(values), np.nan, dtype=dtype)
    out: np.ndarray = np.frombuffer(data, dtype=dtype)[lo:hi]
    if values.null_count:
        valid = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")[lo:hi].astype(bool)
        out = np.where(valid, out, np.nan).astype(dtype)
    return out


def _natural(name: str) -> tuple:
    """Sort key of a file name with its numbers compared as numbers: part.2 < part.10."""
    import re

    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


def _read_edge_parts(folder: Path) -> tuple[pd.DataFrame, list[tuple[Path, int]]]:
    """The Parquet parts of a folder as one frame (parts in natural file-name order), and each
    part with the table row it starts at."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".parquet", ".pq")),
                   key=lambda p: _natural(p.name))
    if not files:
        raise LedgerError(f"{folder}: a folder of edges must hold Parquet parts (*.parquet) directly inside it")
    tables, parts, start = [], [], 0
    for f in files:
        try:
            t = pq.read_table(f)
        except Exception as e:  # pyarrow names what is wrong with the file
            raise ValidationError([Problem(str(f), None, "", f"cannot read the edge list part: {e}")]) from e
        parts.append((f, start))
        start += t.num_rows
        tables.append(t)
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise ValidationError([Problem(str(folder), None, "", f"the Parquet parts do not share one schema: {e}")]) from e
    return table.to_pandas(), parts
