"""The network view: the one place where a view of the ledger becomes a graph.

``ledger.network(as_of, statuses, kinds, amount, include_overlaps, roll_up)`` applies the view
rules of METHODS.md section 0.2 once, and returns a :class:`FlowNetwork`: a node index, an edge
table with one row per deal leg, and scipy.sparse matrices built from it. Measures and stress
models work on those arrays and never on the ledger itself. ``FlowNetwork.from_edges`` builds
the same object from any user edge list (CSV or Parquet with ``source,target[,amount]``), up to
millions of edges, without a ledger.

View rules (METHODS.md 0.2):

* **as of** a date: legs in view then (first status event on or before it), each with its
  status then;
* **statuses**: by default the binding ones (definitive, funded_partial, funded); others enter
  only when named;
* **double counting**: legs with ``include_in_totals = no`` (stake summaries, programme
  totals, subsets, realised-spend rows) are left out unless ``include_overlaps=True``;
* **amount basis**: ``low``, ``high`` or ``mid`` (the mean of the stated ends; a one-sided
  range uses its stated end). A leg without an amount stays in the edge table and in the
  structural graph (cycles), carries NaN, and is left out of dollar sums: never 0;
* **derived amounts** (METHODS.md 9), only when asked: ``amount="derived"`` reads stated
  amounts as ``high`` does, and gives legs stated only in GW or chips a value from the sourced
  assumption table of :func:`loopledger.measure.units.derive_amounts` (``derive=`` passes its
  options: ``assumption``, ``assumptions``, ``rules``, ``overrides``). Such edges carry
  ``derived = True`` and their ``assumption`` id; ``params["derived_share"]`` is the fraction
  of the money matrix's dollars that are derived;
* **money or not**: warrants and equity grants (no cash changes hands), capacity backstops
  (contingent, not paid) and all-stock acquisitions stay in the structure but carry
  ``in_flow = False`` and never enter the money matrix ``adjacency``;
* **roll-up**: with ``roll_up=True`` subsidiaries, divisions and vehicles are replaced by their
  top parent as of the date; flows inside a group then become self-loops, kept and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import LedgerError, ValidationError, Problem
from .ledger.dates import PartialDate, parse_as_of
from .ledger.ledger import as_list
from .ledger.model import BINDING_STATUSES

if TYPE_CHECKING:  # pragma: no cover
    from .ledger import Ledger

AMOUNT_BASES = ("low", "high", "mid")
#: kinds whose legs carry no cash, so never enter the money matrix (METHODS.md 0.2)
NON_CASH_KINDS = ("warrant_or_equity_grant", "capacity_backstop")


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
    edges: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def m(self) -> int:
        """Number of edge rows (legs)."""
        return len(self.edges)

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
        e = self.edges
        ones = np.ones(len(e), dtype=np.float64)
        mat = sp.coo_matrix((ones, (e["u"].to_numpy(), e["v"].to_numpy())), shape=(self.n, self.n)).tocsr()
        mat.sum_duplicates()
        mat.data[:] = 1.0
        return mat

    def pairs(self) -> pd.DataFrame:
        """One row per ordered pair (hop): its legs, summed amounts and completeness.

        ``amount`` sums the known amounts of cash legs on the chosen basis; ``complete`` is
        False when some cash leg lacks an amount (the sum is then a lower bound) and
        ``amount`` is NaN when none has one (METHODS.md 1.3). Ledger networks also give
        ``amount_low`` / ``amount_high`` sums (a leg with only a low, "more than X", adds its
        low to the high sum and is counted in ``high_open``), ``deals`` and ``kinds``."""
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
                   params: dict[str, Any] | None = None, names: dict[str, str] | None = None) -> "FlowNetwork":
        """Build from a frame with ``source``, ``target`` and optionally ``amount`` and
        ``in_flow``; ``nodes`` fixes the node order (else order of first appearance)."""
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
        return cls(nodes=node_arr, edges=e, params=dict(params or {}), names=dict(names or {}))

    @classmethod
    def from_edges(cls, table_or_path: Any, source: str = "source", target: str = "target",
                   amount: str | None = "amount") -> "FlowNetwork":
        """A network from any edge list: a DataFrame, or a CSV / Parquet file with columns
        ``source,target[,amount]``. Amounts must be non-negative numbers (blank = unknown).
        Reads millions of edges with pyarrow."""
        path = None
        if isinstance(table_or_path, (str, Path)):
            path = Path(table_or_path)
            frame = _read_edge_file(path, (source, target))
        elif isinstance(table_or_path, pd.DataFrame):
            frame = table_or_path
        else:
            raise LedgerError("from_edges takes a DataFrame or the path of a CSV or Parquet file")
        where = str(path) if path else "<edges>"
        missing = [c for c in (source, target) if c not in frame.columns]
        if missing:
            raise ValidationError([Problem(where, 1, c, f"required column '{c}' is missing") for c in missing])
        cols = {source: "source", target: "target"}
        has_amount = amount is not None and amount in frame.columns
        if has_amount:
            cols[amount] = "amount"
        e = frame[list(cols)].rename(columns=cols)
        problems = []
        for c in ("source", "target"):
            for i in _blank_rows(e[c])[:20]:
                problems.append(Problem(where, int(i) + 2, cols_inv(cols, c), "blank node label"))
        if has_amount:
            raw = e["amount"]
            num = pd.to_numeric(raw, errors="coerce")
            if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
                bad = np.zeros(len(raw), dtype=bool)  # parsed as numbers: nothing unreadable
            else:
                bad = (num.isna() & raw.notna() & (raw.astype(str).str.strip() != "")).to_numpy()
            for i in np.flatnonzero(bad)[:20]:
                problems.append(Problem(where, int(i) + 2, amount, f"'{raw.iloc[i]}' is not a number"))
            neg = num < 0
            for i in np.flatnonzero(neg.to_numpy())[:20]:
                problems.append(Problem(where, int(i) + 2, amount, f"amount {num.iloc[i]:g} is negative"))
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


def _read_edge_file(path: Path, labels: tuple[str, str] = ("source", "target")) -> pd.DataFrame:
    """The edge file as a frame whose label columns are Arrow-backed strings (no Python
    string objects are made: the columns share pyarrow's buffers)."""
    if not path.exists():
        raise LedgerError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        # pyarrow directly: pandas' pyarrow engine with a partial dtype map fails on a blank
        # amount ("cannot convert NA to integer")
        from pyarrow import csv as pa_csv, string as pa_string

        types = pa_csv.ConvertOptions(column_types={c: pa_string() for c in labels})
        return pa_csv.read_csv(path, convert_options=types).to_pandas()
    except Exception as e:  # pyarrow / parser errors name the line themselves
        raise ValidationError([Problem(str(path), None, "", f"cannot read the edge list: {e}")]) from e


# ------------------------------------------------------------------------------------------------
# From the ledger


def network_from_ledger(
    ledger: "Ledger",
    as_of: str | date | None = None,
    statuses: Iterable[str] | None = BINDING_STATUSES,
    kinds: Iterable[str] | None = None,
    amount: str = "high",
    include_overlaps: bool = False,
    roll_up: bool = False,
    derive: dict[str, Any] | None = None,
) -> FlowNetwork:
    """The network view of a ledger (see the module docstring for the rules).

    >>> from loopledger import load_default
    >>> net = load_default().network(as_of="2025-12-31")
    >>> net.n > 0 and "amount" in net.edges
    True
    """
    if amount not in AMOUNT_BASES + ("derived",):
        raise LedgerError(f"unknown amount basis '{amount}': expected low, high, mid or derived")
    as_of_d = parse_as_of(as_of)
    deals = ledger.deals(as_of=as_of_d)
    if statuses is not None:
        statuses = as_list(statuses)
        deals = deals[deals["status"].isin(statuses)]
    if kinds is not None:
        kinds = as_list(kinds)
        deals = deals[deals["kind"].isin(kinds)]
    if not include_overlaps:
        deals = deals[deals["include_in_totals"].astype(bool)]
    if amount == "derived":  # the view row calls down into measure/units only when asked
        from .measure.units import derive_amounts

        deals = derive_amounts(deals, **(derive or {})).apply(deals)
    lo, hi = deals["amount_low"], deals["amount_high"]
    if amount == "low":
        amt = lo
    elif amount in ("high", "derived"):
        amt = hi.fillna(lo)
    else:
        amt = (lo.fillna(hi) + hi.fillna(lo)) / 2
    all_stock = deals["amount_note"].fillna("").str.contains("all-stock", case=False)
    in_flow = ~deals["kind"].isin(NON_CASH_KINDS) & ~((deals["kind"] == "acquisition") & all_stock)
    companies = ledger.companies()
    names = dict(zip(companies["id"], companies["name"]))
    payer, payee = deals["payer"], deals["payee"]
    if roll_up:
        top = _top_parents(companies, as_of_d)
        payer, payee = payer.map(lambda c: top.get(c, c)), payee.map(lambda c: top.get(c, c))
    edges = pd.DataFrame({
        "source": payer.to_numpy(),
        "target": payee.to_numpy(),
        "amount": amt.to_numpy(float),
        "in_flow": in_flow.to_numpy(bool),
        "deal": deals["id"].to_numpy(),
        "group": deals["group"].to_numpy(),
        "kind": deals["kind"].to_numpy(),
        "status": deals["status"].to_numpy(),
        "status_date": deals["status_date"].to_numpy(),
        "amount_low": lo.to_numpy(float),
        "amount_high": hi.to_numpy(float),
        "announced": deals["announced"].to_numpy(),
        "include_in_totals": deals["include_in_totals"].to_numpy(bool),
        "payer": deals["payer"].to_numpy(),
        "payee": deals["payee"].to_numpy(),
    })
    node_ids = pd.unique(pd.concat([edges["source"], edges["target"]], ignore_index=True))
    # a fixed node order per view: sorted ids, so indices do not depend on row order
    node_ids = np.array(sorted(node_ids.tolist()), dtype=object)
    params = dict(as_of=as_of_d.isoformat(), statuses=None if statuses is None else list(statuses),
                  kinds=None if kinds is None else list(kinds), amount=amount,
                  include_overlaps=include_overlaps, roll_up=roll_up)
    if amount == "derived":
        from .measure.units import derived_share

        edges["derived"] = deals["derived"].to_numpy(bool)
        edges["assumption"] = deals["assumption"].to_numpy(object)
        params["derive"] = dict(derive or {})
        params["derived_share"] = derived_share(edges["amount"].where(edges["in_flow"]), edges["derived"])
    net = FlowNetwork.from_frame(edges, nodes=node_ids, params=params, names=names)
    return net


def _top_parents(companies: pd.DataFrame, as_of: date) -> dict[str, str]:
    parent = {}
    for cid, p, since in zip(companies["id"], companies["parent"], companies["parent_since"]):
        if isinstance(p, str) and p:
            if isinstance(since, str) and since and PartialDate.parse(since).start > as_of:
                continue
            parent[cid] = p
    top = {}
    for cid in parent:
        seen, c = {cid}, cid
        while c in parent and parent[c] not in seen:
            c = parent[c]
            seen.add(c)
        top[cid] = c
    return top
