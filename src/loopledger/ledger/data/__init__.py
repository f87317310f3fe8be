"""The bundled dataset: its changelog, how well its rows are sourced, and its buffer facts.

The bundled tables (``sources``, ``companies``, ``deals``, ``events``, ``disbursements``,
``facts``) live in this folder and load with :func:`loopledger.load_default`. They are built,
never edited: ``changes/`` holds the change sets (one YAML file per batch of edits,
:mod:`loopledger.ledger.changes`), and the tables are what applying them in name order to an
empty ledger gives (``tools/build_data.py`` writes them; ``tests/data`` rebuilds them and
compares byte for byte). The build also writes ``changelog.csv`` (one row per change set: id,
date, summary, why, counts added / changed / retracted by table, its file and digest) and
``changelog_records.csv`` (the records each change set added, changed or retracted).

* :func:`changelog` reads the changelog (of the bundled data, or of a ledger's audit trail);
* :func:`source_gaps` lists the deals of the largest flows and every equity stake that still
  have no primary source (a filing, the company's own release, a court or government record),
  largest first, with the documented reason why one is missing;
* :func:`buffer_facts` shows, per company, the latest value of each buffer family (market value
  or valuation, book equity, cash, debt, revenue, net income, backlog), whether the company is
  listed or private, and what is missing and why.

Definitions and metric names: docs/data.md.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...results import Result, jsonable
from ...vocabulary import BUFFER_BY_RULE, METRIC_FAMILIES, PRIMARY_SOURCE_TYPES, infinite_buffer_by_rule
from ..changelog import AUDIT_TABLE, counts_text, parse_counts

__all__ = ["BUFFER_FAMILIES", "REQUIRED_FAMILIES", "BufferFacts", "Changelog", "SourceGaps", "buffer_facts",
           "changelog", "changelog_rows", "parse_counts", "source_gaps"]

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..ledger import Ledger

# pandas is imported by the functions that build DataFrames: the changelog's records need none
# (`loopledger data changelog` starts without it)

CHANGELOG_FILE = "changelog.csv"
CHANGELOG_RECORDS_FILE = "changelog_records.csv"
#: documented reasons why a figure or a primary source is missing (table, id, what, reason)
GAP_REASONS_FILE = "gap_reasons.csv"
#: source types that count as primary (the document itself: a filing, the company's own
#: release, a court or government record)
PRIMARY_TYPES = PRIMARY_SOURCE_TYPES
#: default number of largest flows in the source-gap scope (issue 7)
DEFAULT_TOP = 50
#: buffer families -> fact metrics, in order of preference on the same date
BUFFER_FAMILIES: dict[str, tuple[str, ...]] = {
    "value": METRIC_FAMILIES["market_value"],
    **{f: METRIC_FAMILIES[f] for f in ("book_equity", "cash", "debt", "revenue", "net_income", "backlog")},
}
#: the families a company needs for "full" buffer facts (backlog only where disclosed)
REQUIRED_FAMILIES = ("value", "revenue", "net_income", "cash", "debt")
#: the families that make a buffer (what absorbs a loss: docs/methods.md 6.4)
BUFFER_BASIS_FAMILIES = ("value", "book_equity", "cash")


def _folder() -> Path:
    return Path(__file__).resolve().parent


def gap_reasons(path: str | Path | None = None) -> pd.DataFrame:
    """The documented reasons why something is missing from the bundled data
    (``gap_reasons.csv``): one row per ``table``, ``id`` and ``what`` (``primary_source``,
    ``non_aggregator_source``, or a buffer family: ``value``, ``book_equity``, ``cash``,
    ``debt``) with the ``reason``: what was searched and why nothing better exists."""
    import pandas as pd

    folder = Path(path) if path is not None else _folder()
    return pd.DataFrame(_read(folder / GAP_REASONS_FILE), columns=["table", "id", "what", "reason"])


def _reason_map(table: str, what: str) -> dict[str, str]:
    g = gap_reasons()
    g = g[(g["table"] == table) & (g["what"] == what)]
    return dict(zip(g["id"], g["reason"]))


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))




# --------------------------------------------------------------------------------------------
# changelog


@dataclass(frozen=True)
class Changelog(Result):
    """The dataset changelog: ``entries`` (one row per batch) and ``records`` (what each batch
    added, changed or retracted). Counts are per table."""

    entries: pd.DataFrame = field(repr=False)
    records: pd.DataFrame = field(repr=False)

    caption = "Dataset changelog"

    def to_frame(self) -> pd.DataFrame:
        return self.entries.copy()

    def to_dict(self) -> dict[str, Any]:
        return changelog_dict(self.entries.to_dict(orient="records"), self.records.to_dict(orient="records"))


def changelog_dict(entries: list[dict[str, Any]], records: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON form of a changelog (:meth:`Changelog.to_dict`) from its records
    (:func:`changelog_rows`): per entry its fields, the counts by table, and under ``records``
    the ids it touched, by action and table (sorted)."""
    touched: dict[Any, dict[str, dict[str, list[str]]]] = {}
    for r in records:
        touched.setdefault(r["entry"], {}).setdefault(r["action"], {}).setdefault(r["table"], []).append(r["record"])
    out = []
    for e in entries:
        e = dict(e)
        by_action = touched.get(e["entry"], {})
        e["records"] = {action: {t: sorted(ids) for t, ids in sorted(by_action[action].items())}
                        for action in sorted(by_action)}
        for key in ("added", "changed", "retracted"):
            e[key] = parse_counts(e[key])
        out.append(e)
    return {"entries": jsonable(out)}


CHANGELOG_COLUMNS = ["entry", "date", "summary", "why", "added", "changed", "retracted", "script"]
CHANGELOG_RECORD_COLUMNS = ["entry", "table", "record", "action"]


def changelog(path: str | Path | None = None, ledger: Ledger | None = None) -> Changelog:
    """The changelog of the bundled dataset (or of the dataset folder ``path``), generated
    from its change sets; with ``ledger``, the change sets recorded in that ledger's audit
    trail (applied with ``loopledger data apply`` or held by the bundled data it was
    initialised with).

    Returns a :class:`Changelog`; ``to_frame()`` gives one row per change set: ``entry`` (its
    id, in order), ``date``, ``summary``, ``why``, ``added`` / ``changed`` / ``retracted``
    (``table:count`` joined by ``|``) and ``script`` (the change set file). Its records are
    :func:`changelog_rows`.
    """
    import pandas as pd

    entries, records = changelog_rows(path, ledger)
    return Changelog(entries=pd.DataFrame(entries, columns=CHANGELOG_COLUMNS),
                     records=pd.DataFrame(records, columns=CHANGELOG_RECORD_COLUMNS))


def changelog_rows(path: str | Path | None = None,
                   ledger: Ledger | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The records of :func:`changelog`: its entries (the keys of :data:`CHANGELOG_COLUMNS`,
    in entry order for the bundled data, in the order applied for a ledger) and the records
    each entry added, changed or retracted (``entry``, ``table``, ``record``, ``action``)."""
    cols = CHANGELOG_COLUMNS
    if ledger is not None:
        rows, recs = [], []
        for a in ledger.store.audit(table=AUDIT_TABLE):
            after = a.get("after") or {}
            rows.append({"entry": a["record_id"], "date": after.get("date"), "summary": after.get("summary"),
                         "why": after.get("why"), "added": counts_text(after.get("added") or {}),
                         "changed": counts_text(after.get("changed") or {}),
                         "retracted": counts_text(after.get("retracted") or {}), "script": after.get("file")})
        for a in ledger.store.audit():
            reason = a.get("reason") or ""
            for r in rows:
                if a["table_name"] != AUDIT_TABLE and reason.startswith(f"{r['entry']}: "):
                    action = {"insert": "added", "retract": "retracted"}.get(a["action"], "changed")
                    recs.append({"entry": r["entry"], "table": a["table_name"], "record": a["record_id"],
                                 "action": action})
        seen: set[tuple[Any, ...]] = set()
        unique = []  # each record once, where it first appears
        for r in recs:
            if tuple(r.values()) not in seen:
                seen.add(tuple(r.values()))
                unique.append(r)
        return rows, unique
    folder = Path(path) if path is not None else _folder()
    entries = sorted(({c: r.get(c, "") for c in cols} for r in _read(folder / CHANGELOG_FILE)),
                     key=lambda e: e["entry"])
    records = [{c: r.get(c) for c in CHANGELOG_RECORD_COLUMNS} for r in _read(folder / CHANGELOG_RECORDS_FILE)]
    return entries, records


# --------------------------------------------------------------------------------------------
# source gaps


@dataclass(frozen=True)
class SourceGaps(Result):
    """Deals in the issue-7 scope with and without a primary source (see :func:`source_gaps`).

    ``deals`` has one row per deal in scope: id, payer, payee, kind, amount_high, stake_pct,
    why it is in scope, the types of its sources, ``primary`` (has a filing or press release)
    and ``original`` (has the original outlet's article). ``to_frame()`` keeps the gaps."""

    as_of: date
    top: int
    deals: pd.DataFrame = field(repr=False)
    counts: dict[str, int] = field(default_factory=dict)

    caption = "Deals without a primary source (filing or company release)"

    def to_frame(self) -> pd.DataFrame:
        return self.deals[~self.deals["primary"]].reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "top": self.top, "counts": dict(self.counts),
                "gaps": jsonable(self.to_frame()), "deals": jsonable(self.deals)}


def _size(frame: pd.DataFrame) -> pd.Series:
    return frame["amount_high"].fillna(frame["amount_low"])


def source_gaps(ledger: Ledger | None = None, top: int = DEFAULT_TOP,
                as_of: str | date | None = None, all_deals: bool = False) -> SourceGaps:
    """Which deals still lack a primary source.

    Parameters
    ----------
    ledger : Ledger, optional
        Default: the bundled dataset (:func:`loopledger.load_default`).
    top : int
        The scope holds the ``top`` largest deals by high amount (low where only a low is
        stated; ties by id) and every deal with a ``stake_pct`` (default 50, issue 7).
    as_of : date, optional
        Deals in view at this date (default today).
    all_deals : bool
        Put every deal in scope instead.

    Returns
    -------
    SourceGaps
        ``counts`` gives ``in_scope``, ``with_primary``, ``without_primary`` and, over all deals
        in view, ``all_deals`` and ``all_with_primary``.

    Example
    -------
    >>> gaps = source_gaps(top=10)                    # doctest: +SKIP
    >>> gaps.counts["without_primary"] <= gaps.counts["in_scope"]   # doctest: +SKIP
    True
    """
    import pandas as pd

    if ledger is None:
        from ..ledger import load_default

        ledger = load_default()
    deals = ledger.deals(as_of=as_of)
    as_of_d = _as_of(as_of)
    size = _size(deals)
    order = deals.assign(_size=size).sort_values(["_size", "id"], ascending=[False, True])
    biggest = set(order[order["_size"].notna()].head(top)["id"])
    stakes = set(deals.loc[deals["stake_pct"].notna(), "id"])
    types = deals["sources"].map(lambda refs: sorted({r["type"] for r in refs}))
    frame = pd.DataFrame({
        "id": deals["id"], "payer": deals["payer"], "payee": deals["payee"], "kind": deals["kind"],
        "amount_high": size, "stake_pct": deals["stake_pct"],
        "source_types": types.map(lambda t: "|".join(t)),
        "primary": types.map(lambda t: any(x in PRIMARY_TYPES for x in t)),
        "original": types.map(lambda t: "news" in t),
    })
    reasons = _reason_map("deals", "primary_source")
    agg = _reason_map("deals", "non_aggregator_source")
    frame["aggregator_only"] = types.map(lambda t: bool(t) and set(t) == {"aggregator"})
    frame["reason"] = [None if prim else reasons.get(i) or agg.get(i) for i, prim in zip(frame["id"], frame["primary"])]
    frame["scope"] = [
        "all" if all_deals else
        "|".join(x for x, hit in (("top", i in biggest), ("stake", i in stakes)) if hit)
        for i in frame["id"]
    ]
    everything = frame
    frame = frame[frame["scope"] != ""].copy()
    frame = frame.sort_values(["amount_high", "id"], ascending=[False, True], na_position="last")
    counts = {
        "in_scope": int(len(frame)),
        "with_primary": int(frame["primary"].sum()),
        "without_primary": int((~frame["primary"]).sum()),
        "all_deals": int(len(everything)),
        "all_with_primary": int(everything["primary"].sum()),
    }
    return SourceGaps(as_of=as_of_d, top=top, deals=frame.reset_index(drop=True), counts=counts)


def _as_of(as_of: str | date | None) -> date:
    from ..dates import parse_as_of

    return parse_as_of(as_of)


# --------------------------------------------------------------------------------------------
# buffer facts


#: the families a listed company's buffer is read from (its latest filing), and a private
#: company's (its latest round valuation and reported cash, flagged)
NEEDED_LISTED = ("value", "book_equity", "cash", "debt")
NEEDED_PRIVATE = ("value", "cash")


@dataclass(frozen=True)
class BufferFacts(Result):
    """Per company, the latest fact of each buffer family on or before ``as_of``.

    ``table`` columns: company, name, type, ``listed`` (a ticker is recorded) and ``basis``
    (``filing`` for listed companies, ``private: round valuation and reported cash``
    otherwise), then for each family of :data:`BUFFER_FAMILIES` its value, the metric used
    and its date (``<family>``, ``<family>_metric``, ``<family>_as_of``, ``<family>_unit``);
    ``by_rule`` (the company's buffer is infinite by rule: a government or a placeholder,
    :func:`loopledger.vocabulary.infinite_buffer_by_rule`, as the stress model treats it,
    docs/methods.md 6.4), ``has_buffer`` (a market value, book equity or cash figure in USD, or
    a buffer by rule), ``missing`` (the families a company of its kind needs and lacks: market
    value, book equity, cash and debt for a listed company; round valuation and cash for a
    private one; nothing for a buffer by rule) with ``why`` (the documented reason,
    ``gap_reasons.csv``; for a buffer by rule, the rule), ``deal`` (its largest binding deal,
    for the default scope) and ``full`` (all of :data:`REQUIRED_FAMILIES` present). Units: USD
    bn unless ``<family>_unit`` says otherwise."""

    as_of: date
    table: pd.DataFrame = field(repr=False)
    scope: str = "binding"

    caption = "Buffer facts (latest per company and family)"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    @property
    def full(self) -> list[str]:
        return sorted(self.table.loc[self.table["full"], "company"])

    @property
    def without_buffer(self) -> list[str]:
        return sorted(self.table.loc[~self.table["has_buffer"].astype(bool), "company"])

    @property
    def by_rule(self) -> list[str]:
        """The companies whose buffer is infinite by rule (governments, placeholders)."""
        if self.table.empty:
            return []
        return sorted(self.table.loc[self.table["by_rule"].astype(bool), "company"])


def binding_companies(ledger: Ledger, as_of: date, min_amount: float = 1.0) -> dict[str, str]:
    """Companies (not placeholders) paying or receiving in a binding deal (definitive, partly
    paid, paid) of at least ``min_amount`` USD bn as of the date: company -> its largest such
    deal."""
    legs = ledger.legs(as_of=as_of)
    legs = legs[legs["amount"] >= min_amount].sort_values(["amount", "deal"], ascending=[False, True])
    placeholders = {c.id for c in ledger.records("companies") if c.placeholder}
    out: dict[str, str] = {}
    for deal, payer, payee in zip(legs["deal"], legs["payer"], legs["payee"]):
        for c in (payer, payee):
            if c not in placeholders and c not in out:
                out[c] = deal
    return dict(sorted(out.items()))


def buffer_facts(ledger: Ledger | None = None, companies: Iterable[str] | None = None,
                 as_of: str | date | None = None, scope: str = "binding",
                 min_amount: float = 1.0) -> BufferFacts:
    """The latest buffer facts per company (see :class:`BufferFacts`).

    ``companies`` defaults to ``scope``: ``"binding"`` every company in a binding deal of at
    least ``min_amount`` USD bn (issue 13); ``"all"`` every company with at least one buffer
    fact. A named company with none gets a row of blanks (so gaps show). Net income is signed
    (negative = loss).
    """
    import pandas as pd

    if ledger is None:
        from ..ledger import load_default

        ledger = load_default()
    if scope not in ("binding", "all"):
        raise ValueError(f"unknown scope '{scope}': expected binding or all")
    as_of_d = _as_of(as_of)
    metrics = [m for ms in BUFFER_FAMILIES.values() for m in ms]
    facts = ledger.facts(metric=metrics, as_of=as_of_d)
    deals: dict[str, str] = {}
    if companies is not None:
        wanted = list(companies)
    elif scope == "binding":
        deals = binding_companies(ledger, as_of_d, min_amount)
        wanted = list(deals)
    else:
        wanted = sorted(set(facts["company"]))
    info = {c.id: c for c in ledger.records("companies", include_retracted=True)}
    reasons = gap_reasons()
    reasons = reasons[reasons["table"] == "companies"]
    why_of = {(i, w): r for i, w, r in zip(reasons["id"], reasons["what"], reasons["reason"])}
    rows = []
    for company in wanted:
        c = info.get(company)
        listed = bool(c is not None and c.ticker)
        row: dict[str, Any] = {"company": company, "name": c.name if c else company,
                               "type": c.type if c else None, "listed": listed,
                               "basis": "filing" if listed else "private: round valuation and reported cash"}
        mine = facts[facts["company"] == company]
        for family, names in BUFFER_FAMILIES.items():
            part = mine[mine["metric"].isin(names)]
            if part.empty:
                row.update({family: None, f"{family}_metric": None, f"{family}_as_of": None,
                            f"{family}_unit": None})
                continue
            pref = part["metric"].map({m: i for i, m in enumerate(names)})
            best = part.assign(_p=pref).sort_values(["date", "_p"], ascending=[True, False]).iloc[-1]
            row.update({family: float(best["value"]), f"{family}_metric": best["metric"],
                        f"{family}_as_of": best["as_of"], f"{family}_unit": best["unit"]})
        row["full"] = all(row[f] is not None for f in REQUIRED_FAMILIES)
        rule = c is not None and infinite_buffer_by_rule(c.placeholder, c.type_detail)
        row["by_rule"] = rule
        row["has_buffer"] = rule or any(row[f] is not None and row[f"{f}_unit"] == "USD bn"
                                        for f in BUFFER_BASIS_FAMILIES)
        needed = () if rule else NEEDED_LISTED if listed else NEEDED_PRIVATE
        missing = [f for f in needed if row[f] is None]
        row["missing"] = missing
        if rule:
            row["basis"] = BUFFER_BY_RULE
        row["why"] = f"buffer {BUFFER_BY_RULE}" if rule else "; ".join(dict.fromkeys(
            why_of.get((company, f)) or ("no filed figure recorded yet (facts import-sec reads it from the "
                                         "company's SEC filings)" if listed and c is not None and c.cik else
                                         "not found in the material searched")
            for f in missing)) or None
        row["deal"] = deals.get(company)
        rows.append(row)
    return BufferFacts(as_of=as_of_d, table=pd.DataFrame(rows), scope=scope if companies is None else "named")
