"""The Ledger: the Python API over the stored facts.

``Ledger.open(url)`` opens (and on first use creates) a database; ``load_default()`` gives an
in-memory ledger holding the bundled AI-industry dataset. Reading methods return pandas
DataFrames computed *as of* a date: a deal is in view once its first status event is dated on
or before that date, and its status is the latest status event up to it. Each listing is
computed once, as plain records (``deal_rows``, ``company_rows``, ``event_rows`` ...: lists of
dicts, what the command line prints without importing pandas), and the DataFrame method of the
same name wraps those records. Writing methods
validate exactly as an import does, need a source for every new fact or amendment, and leave
an audit record; nothing is ever deleted (``retract`` marks a record withdrawn, with a reason).
"""

from __future__ import annotations

import difflib
import getpass
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from ..errors import ConflictError, LedgerError, NotFoundError, Problem, ValidationError
from ..results import jsonable
from ..vocabulary import BINDING_STATUSES, METRIC_FAMILIES, MONEY_UNIT, source_rank
from .dates import PartialDate, parse_as_of
from .limits import check_field_text
from .model import (
    MODELS,
    Company,
    Deal,
    Disbursement,
    Fact,
    Record,
    Source,
    Status,
    StatusEvent,
    paid_to_date,
)
from .storage import Store, normalise_url
from .summary import Summary, summarise
from .tables import FORMATS, RawRow, write_table
from .validate import Known, check_row, validate_files, validate_rows
from .view import View, every_leg, in_view, legs_frame, view_of
from .view import leg_rows as view_leg_rows
from .view import network as view_network

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..network import FlowNetwork
    from .claims import Claims

# pandas and numpy are imported by the methods that return DataFrames, not here: the command
# line's listings read the record methods and start without them (issue 15)

#: the columns of :meth:`Ledger.deals`, in order
DEAL_COLUMNS = [
    "id", "group", "announced", "first_date", "payer", "payer_name", "payee",
    "payee_name", "kind", "consideration", "status", "status_date", "amount_low", "amount_high",
    "currency", "fx_rate", "amount_note", "units", "power_gw", "gpu_count", "share_count",
    "stake_pct", "stake_value", "term_start", "term_end", "include_in_totals", "overlap",
    "overlap_with", "overlap_note", "confidence", "notes", "sources", "payer_detail",
    "payee_detail", "retracted", "retracted_reason",
]
#: the columns of :meth:`Ledger.deals` that hold numbers (NaN when unknown, never 0)
DEAL_NUMBERS = ("amount_low", "amount_high", "fx_rate", "power_gw", "gpu_count", "share_count",
                "stake_pct", "stake_value")
#: the columns of :meth:`Ledger.status_table`
STATUS_COLUMNS = ["deal", "first_date", "status", "status_date", "status_event"]
HISTORY_COLUMNS = ["kind", "date", "status", "what", "sources", "retracted", "event"]


def data_dir() -> Path:
    """The folder of the bundled dataset inside the installed package."""
    return Path(str(resources.files("loopledger.ledger") / "data"))


def default_actor() -> str:
    """Who is editing: ``$LOOPLEDGER_ACTOR``, else the operating-system user."""
    try:
        return os.environ.get("LOOPLEDGER_ACTOR") or getpass.getuser()
    except Exception:  # pragma: no cover - no user in some containers
        return "unknown"


def source_id_for(url: str) -> str:
    """The id loopledger gives a source: 'src-' + the first 12 hex digits of sha1(url)."""
    return "src-" + hashlib.sha1(url.encode()).hexdigest()[:12]


def as_list(value: str | Iterable[str]) -> list[str]:
    """One value or several, as a list (filters take either)."""
    return [value] if isinstance(value, str) else list(value)


def _start(text: str | None) -> date | None:
    return PartialDate.parse(text).start if text else None


def _number(value: Any) -> float:
    """A number of a record as a float; NaN when missing or not a number."""
    if value is None:
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _event_number(event_id: str) -> int:
    """The number closing an event id (``deal/3`` -> 3; 0 without one): events of a deal on
    the same date keep the order they were recorded in."""
    head, sep, tail = event_id.rpartition("/")
    return int(tail) if sep and tail.isdigit() and tail.isascii() else 0


class Ledger:
    """A sourced, dated ledger of deals between companies."""

    def __init__(self, store: Store, name: str = "loopledger"):
        self.store = store
        self.name = name
        self._cache: dict[Any, Any] = {}
        self._cache_head = -1
        self._checked_at = float("-inf")
        # the web app reads from several threads: cache swaps and fills happen under this lock
        self._lock = threading.RLock()

    # opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None, create: bool = True) -> Ledger:
        """Open the ledger at a database URL (SQLite file, ``sqlite://`` in memory, or
        ``postgresql://...``); default ``$LOOPLEDGER_DB`` or the documented SQLite file."""
        return cls(Store.open(normalise_url(url) if url else None, create=create))

    @classmethod
    def in_memory(cls) -> Ledger:
        return cls(Store.open("sqlite://"))

    def init(self, empty: bool = False, actor: str | None = None) -> dict[str, int]:
        """Load the bundled dataset into an empty database (unless ``empty``). Returns the
        counts loaded; loads nothing if the database already holds deals."""
        if empty or self.store.count("deals") > 0:
            return {}
        from .changelog import bundled_notes

        parsed, problems = validate_files(data_dir(), self.known())
        if problems:  # pragma: no cover - tests/data keeps the bundled files valid
            raise ValidationError(problems)
        # the tables and the change sets they hold (recorded as applied) in one transaction
        self.store.write_batch([("insert", (parsed.records, "bundled dataset"))], actor or "loopledger",
                               notes=bundled_notes(data_dir()))
        self._written(None)
        return {t: len(r) for t, r in parsed.records.items() if r}

    def __repr__(self) -> str:
        return f"<Ledger {self.store.engine.url!r}: {self.store.count('deals')} deals>"

    # records ---------------------------------------------------------------------------------

    #: how long cached reads are trusted before asking the database whether another process
    #: wrote to it (writes through this Ledger invalidate the cache at once)
    FRESHNESS_SECONDS = 0.5

    def _fresh(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at < self.FRESHNESS_SECONDS:
                return
            head = self.store.audit_head()
            self._checked_at = now
            if head != self._cache_head:
                self._cache = {}
                self._cache_head = head

    def refresh(self) -> int:
        """Ask the database now whether anything changed (drop cached reads if so); returns the
        id of the latest audit record, which identifies the ledger's state."""
        with self._lock:
            self._checked_at = float("-inf")
            self._fresh()
            return self._cache_head

    def _written(self, result):
        """Drop cached reads after this Ledger wrote to the database."""
        with self._lock:
            self._cache = {}
            self._cache_head = -1
            self._checked_at = float("-inf")
        return result

    @overload
    def records(self, table: Literal["sources"], include_retracted: bool = False) -> list[Source]: ...
    @overload
    def records(self, table: Literal["companies"], include_retracted: bool = False) -> list[Company]: ...
    @overload
    def records(self, table: Literal["deals"], include_retracted: bool = False) -> list[Deal]: ...
    @overload
    def records(self, table: Literal["events"], include_retracted: bool = False) -> list[StatusEvent]: ...
    @overload
    def records(self, table: Literal["facts"], include_retracted: bool = False) -> list[Fact]: ...
    @overload
    def records(self, table: Literal["disbursements"], include_retracted: bool = False) -> list[Disbursement]: ...
    @overload
    def records(self, table: str, include_retracted: bool = False) -> list[Record]: ...

    def records(self, table: str, include_retracted: bool = False) -> list[Any]:
        """The stored records of a table as model objects (a :class:`Deal` per row of
        ``"deals"``, ...), sorted by id."""
        with self._lock:
            self._fresh()
            key = f"records:{table}:{include_retracted}"
            if key not in self._cache:
                model = MODELS[table]
                rows = self.store.rows(table, include_retracted=include_retracted)
                fields = set(model.model_fields)
                self._cache[key] = [
                    model.model_construct(**{k: v for k, v in r.items() if k in fields}) for r in rows
                ]
            return self._cache[key]

    def record(self, table: str, record_id: str) -> Record:
        for r in self.records(table, include_retracted=True):
            if r.id == record_id:
                return r
        raise NotFoundError(f"no {table[:-1]} with id '{record_id}'")

    def version(self, table: str, record_id: str) -> int:
        return int(self.store.row(table, record_id)["version"])

    # companies -------------------------------------------------------------------------------

    def companies(self, include_retracted: bool = False) -> pd.DataFrame:
        """One row per company: id, name, aliases, ticker, type, country, parent ... and the
        number of deal legs it takes part in (:meth:`company_rows` as a DataFrame)."""
        import pandas as pd

        frame = pd.DataFrame(self.company_rows(include_retracted),
                             columns=[*MODELS["companies"].model_fields, "deal_count"])
        frame["deal_count"] = frame["deal_count"].astype(int)
        return frame

    def company_rows(self, include_retracted: bool = False) -> list[dict[str, Any]]:
        """The companies as records (the fields of :class:`Company` and ``deal_count``, the
        number of deal legs it takes part in), sorted by id."""
        degree: dict[str, int] = {}
        for d in self.records("deals"):
            degree[d.payer] = degree.get(d.payer, 0) + 1
            degree[d.payee] = degree.get(d.payee, 0) + 1
        return [{**r.model_dump(), "deal_count": degree.get(r.id, 0)}
                for r in self.records("companies", include_retracted)]

    def company_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.records("companies", include_retracted=True)}

    def resolve_company(self, text: str) -> str:
        """The id of a company named by id, name, alias or ticker (case-insensitive)."""
        key = text.strip().lower()
        comps = self.records("companies", include_retracted=True)
        for c in comps:
            if key == c.id or key == c.name.lower():
                return c.id
        for c in comps:
            if key in (a.lower() for a in c.aliases) or (c.ticker and key == c.ticker.lower()):
                return c.id
        names = [c.name for c in comps] + [c.id for c in comps]
        close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise NotFoundError(f"unknown company '{text}'{hint}")

    # sources and events ----------------------------------------------------------------------

    def sources(self) -> pd.DataFrame:
        import pandas as pd

        cols = list(MODELS["sources"].model_fields)
        return pd.DataFrame([r.model_dump() for r in self.records("sources")], columns=cols)

    def source_refs(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """The sources of these ids as dicts (id, url, publisher, date, type, original
        publisher), primary ones first; unknown ids are left out."""
        by_id = self._cache.get("source_map")
        if by_id is None:  # built once per ledger state (not once per call)
            by_id = {s.id: s for s in self.records("sources", include_retracted=True)}
            self._cache["source_map"] = by_id
        out = []
        for sid in ids:
            s = by_id.get(sid)
            if s is not None:
                out.append(dict(id=s.id, url=s.url, publisher=s.publisher, date=s.date,
                                type=s.type, original_publisher=s.original_publisher))
        # primary sources first (filings, company releases, official records), then news,
        # copies and aggregators; the recorded order within a type
        out.sort(key=lambda r: source_rank(r["type"]))
        return out

    def events(self, deal: str | None = None, include_retracted: bool = False) -> pd.DataFrame:
        """Status events, in date order per deal, with their sources (:meth:`event_rows` as a
        DataFrame)."""
        import pandas as pd

        cols = list(MODELS["events"].model_fields) + ["start"]
        if deal is None:  # the whole table is the same for every date: kept per ledger state
            with self._lock:
                self._fresh()
                key = f"events-frame:{include_retracted}"
                if key not in self._cache:
                    self._cache[key] = pd.DataFrame(self._event_rows(include_retracted), columns=cols)
                return self._cache[key].copy()
        return pd.DataFrame(self.event_rows(deal, include_retracted), columns=cols)

    def event_rows(self, deal: str | None = None, include_retracted: bool = False) -> list[dict[str, Any]]:
        """Status events as records (the fields of :class:`StatusEvent`, ``start``: the first
        day of its date, ``sources`` as :meth:`source_refs`), in date order per deal (events on
        the same date in the order of their number)."""
        rows = self._event_rows(include_retracted)
        return [dict(r) for r in rows if deal is None or r["deal"] == deal]

    def _event_rows(self, include_retracted: bool) -> list[dict[str, Any]]:
        """Every event's record, sorted; kept per ledger state (callers copy what they change)."""
        with self._lock:
            self._fresh()
            key = f"event-rows:{include_retracted}"
            if key not in self._cache:
                rows = []
                for e in self.records("events", include_retracted):
                    d = e.model_dump()
                    d["start"] = _start(e.date)
                    d["sources"] = self.source_refs(e.sources)
                    rows.append(d)
                rows.sort(key=lambda r: (r["deal"], r["start"], _event_number(r["id"]), r["id"]))
                self._cache[key] = rows
            return self._cache[key]

    def latest_event(self, as_of: str | date | None = None) -> str | None:
        """How far the data reaches: the date of the latest live status event (as recorded,
        e.g. ``2026-07-01``), on or before ``as_of`` when given. None for an empty ledger."""
        limit = parse_as_of(as_of) if as_of is not None else None
        best: tuple[date, str] | None = None
        for e in self.records("events"):
            start = PartialDate.parse(e.date).start
            if limit is not None and start > limit:
                continue
            if best is None or start > best[0]:
                best = (start, e.date)
        return None if best is None else best[1]

    # cash actually paid ------------------------------------------------------------------------

    def disbursements(self, deal: str | None = None, as_of: str | date | None = None,
                      include_retracted: bool = False) -> pd.DataFrame:
        """Recorded payments under deals (tranches, drawdowns, repayments), in date order,
        with their sources and ``usd`` (the amount in USD billions); ``as_of`` keeps those
        dated on or before it (:meth:`disbursement_rows` as a DataFrame)."""
        import pandas as pd

        cols = list(MODELS["disbursements"].model_fields) + ["start", "usd"]
        return pd.DataFrame(self.disbursement_rows(deal, as_of, include_retracted), columns=cols)

    def disbursement_rows(self, deal: str | None = None, as_of: str | date | None = None,
                          include_retracted: bool = False) -> list[dict[str, Any]]:
        """Recorded payments as records (the fields of :class:`Disbursement`, ``start``: the
        first day of its date, ``usd`` and ``sources``), sorted by deal, date (undated last)
        and id."""
        limit = parse_as_of(as_of) if as_of is not None else None
        rows = []
        for r in self.records("disbursements", include_retracted):
            if deal is not None and r.deal != deal:
                continue
            start = _start(r.date)
            if limit is not None and start is not None and start > limit:
                continue
            d = r.model_dump()
            d["start"] = start
            d["usd"] = r.usd
            d["sources"] = self.source_refs(r.sources)
            rows.append(d)
        rows.sort(key=lambda r: (r["deal"], r["start"] is None, r["start"] or date.min, r["id"]))
        return rows

    def paid(self, as_of: str | date | None = None) -> dict[str, float]:
        """Per deal with a recorded disbursement by ``as_of`` (default every one): the USD
        billions paid to date (:func:`loopledger.ledger.model.paid_to_date`: the latest
        cumulative figure plus later increments, repayments subtracted). Deals without a
        recorded payment are absent (unknown, never 0)."""
        limit = parse_as_of(as_of) if as_of is not None else None
        with self._lock:
            self._fresh()
            key = f"paid:{limit}"
            if key not in self._cache:
                by_deal: dict[str, list[Disbursement]] = {}
                for r in self.records("disbursements"):
                    by_deal.setdefault(r.deal, []).append(r)
                out = {}
                for deal_id, rows in by_deal.items():
                    value = paid_to_date(rows, limit)
                    if value is not None:
                        out[deal_id] = value
                self._cache[key] = out
            return dict(self._cache[key])

    def status_table(self, as_of: str | date | None = None) -> pd.DataFrame:
        """Per deal in view as of the date: its first date, status and status date
        (:meth:`status_rows` as a DataFrame, NaN for a deal with no status yet)."""
        import pandas as pd

        as_of_d = parse_as_of(as_of)
        self._fresh()
        key = f"status:{as_of_d}"
        if key not in self._cache:
            nan = float("nan")
            rows = [{"deal": d, **{k: nan if v is None else v for k, v in s.items()}}
                    for d, s in self.status_rows(as_of_d).items()]
            self._cache[key] = pd.DataFrame(rows, columns=STATUS_COLUMNS)
        return self._cache[key]

    def status_rows(self, as_of: str | date | None = None) -> dict[str, dict[str, Any]]:
        """Per deal in view as of the date (first status event on or before it), in id order:
        ``first_date``, and its ``status``, ``status_date`` and ``status_event`` then (the
        latest event that is not an amendment; None when it has only amendments)."""
        as_of_d = parse_as_of(as_of)
        with self._lock:
            self._fresh()
            key = f"status-rows:{as_of_d}"
            if key not in self._cache:
                out: dict[str, dict[str, Any]] = {}
                for e in self._event_rows(False):  # in date order per deal
                    if e["start"] > as_of_d:
                        continue
                    s = out.setdefault(e["deal"], dict(first_date=e["start"], status=None, status_date=None,
                                                       status_event=None))
                    s["first_date"] = min(s["first_date"], e["start"])
                    if e["status"] != Status.amended.value:
                        s.update(status=e["status"], status_date=e["date"], status_event=e["id"])
                self._cache[key] = dict(sorted(out.items()))
            return self._cache[key]

    # deals -----------------------------------------------------------------------------------

    def deals(
        self,
        as_of: str | date | None = None,
        company: str | None = None,
        kind: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        min_amount: float | None = None,
        include_retracted: bool = False,
    ) -> pd.DataFrame:
        """Deal legs in view as of a date (default today), with their status then.

        Amounts are USD billions (converted at the deal's ``fx_rate`` where the currency is not
        USD); a missing amount is NaN, never 0. ``company`` keeps legs it pays or receives;
        ``kind`` and ``status`` take one value or several; ``min_amount`` keeps legs whose high
        (or, lacking one, low) amount is at least that many billions. ``sources`` holds a list
        of ``{id, url, publisher, date, type}`` per leg. :meth:`deal_rows` as a DataFrame.
        """
        import pandas as pd

        rows = self._deal_rows(as_of, include_retracted)
        # the frame of every leg in view, then the rows kept: the columns' types are those of
        # the whole listing, whatever the filters leave
        frame = pd.DataFrame(rows, columns=DEAL_COLUMNS).astype(dict.fromkeys(DEAL_NUMBERS, float))
        keep = self._deal_filter(company, kind, status, min_amount)
        return frame.iloc[[i for i, r in enumerate(rows) if keep(r)]].reset_index(drop=True)

    def deal_rows(
        self,
        as_of: str | date | None = None,
        company: str | None = None,
        kind: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        min_amount: float | None = None,
        include_retracted: bool = False,
    ) -> list[dict[str, Any]]:
        """The deal legs of :meth:`deals` as records (the keys of :data:`DEAL_COLUMNS`; the
        numbers of :data:`DEAL_NUMBERS` are floats, NaN when unknown), sorted by first date
        and id."""
        keep = self._deal_filter(company, kind, status, min_amount)
        return [r for r in self._deal_rows(as_of, include_retracted) if keep(r)]

    def _deal_filter(self, company: str | None, kind: str | Iterable[str] | None,
                     status: str | Iterable[str] | None, min_amount: float | None) -> Callable[[dict[str, Any]], bool]:
        """Whether a leg record passes the filters of :meth:`deals`."""
        cid = self.resolve_company(company) if company is not None else None
        kinds = set(as_list(kind)) if kind is not None else None
        statuses = set(as_list(status)) if status is not None else None

        def keep(r: dict[str, Any]) -> bool:
            if cid is not None and cid not in (r["payer"], r["payee"]):
                return False
            if kinds is not None and r["kind"] not in kinds or statuses is not None and r["status"] not in statuses:
                return False
            if min_amount is not None:
                size = r["amount_low"] if r["amount_high"] != r["amount_high"] else r["amount_high"]
                return bool(size >= min_amount)  # an unknown amount (NaN) is never at least anything
            return True

        return keep

    def _deal_rows(self, as_of: str | date | None, include_retracted: bool) -> list[dict[str, Any]]:
        """Every leg in view as of the date, as records, sorted by first date and id."""
        st = self.status_rows(as_of)  # one entry per deal in view
        names = self.company_names()
        rows = []
        for d in self.records("deals", include_retracted):
            s = st.get(d.id)
            if s is None:
                continue
            row = d.model_dump()
            row["amount_low"] = d.usd_low
            row["amount_high"] = d.usd_high
            for c in DEAL_NUMBERS:
                row[c] = _number(row[c])
            row["payer_name"] = names.get(d.payer, d.payer)
            row["payee_name"] = names.get(d.payee, d.payee)
            row["status"] = s["status"]
            row["status_date"] = s["status_date"]
            row["first_date"] = s["first_date"]
            row["sources"] = self.source_refs(d.sources)
            rows.append({c: row.get(c) for c in DEAL_COLUMNS})
        rows.sort(key=lambda r: (r["first_date"], r["id"]))
        return rows

    def deal(self, deal_id: str) -> dict[str, Any]:
        """Everything about one deal: its fields, status history and sources."""
        d = self.record("deals", deal_id)
        out = d.model_dump()
        out["sources"] = self.source_refs(d.sources)
        out["events"] = jsonable(
            [{k: v for k, v in r.items() if k != "start"} for r in self.event_rows(deal_id, include_retracted=True)]
        )
        out["status"] = self.status_of(deal_id)
        out["disbursements"] = jsonable(
            [{k: v for k, v in r.items() if k != "start"}
             for r in self.disbursement_rows(deal_id, include_retracted=True)]
        )
        out["paid"] = self.paid().get(deal_id)
        out["version"] = self.version("deals", deal_id)
        return out

    def status_of(self, deal_id: str, as_of: str | date | None = None) -> str | None:
        """A deal's status as of the date; None when it is not in view then (or has only
        amendments)."""
        s = self.status_rows(as_of).get(deal_id)
        return None if s is None else s["status"]

    def history(self, deal_id: str) -> pd.DataFrame:
        """The dated status events of a deal and every recorded change to it (audit trail):
        :meth:`history_rows` as a DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.history_rows(deal_id), columns=HISTORY_COLUMNS)

    def history_rows(self, deal_id: str) -> list[dict[str, Any]]:
        """The records of :meth:`history`: the deal's status events in date order, then its
        audit records (``kind``, ``date``, ``status``, ``what``, ``sources``, ``retracted``,
        ``event``)."""
        self.record("deals", deal_id)
        rows = []
        for e in self.event_rows(deal_id, include_retracted=True):
            rows.append(dict(
                kind="status", date=e["date"], status=e["status"],
                what=e["note"] if isinstance(e.get("note"), str) else "",
                sources=" ".join(s["url"] for s in e["sources"]), retracted=e["retracted"],
                event=e["id"],
            ))
        for a in self.store.audit(record_id=deal_id, table="deals"):
            rows.append(dict(
                kind=f"record {a['action']}", date=a["at"].date().isoformat() if a["at"] else None,
                status=None, what=_describe_change(a), sources="", retracted=False,
                event=f"audit {a['id']} by {a['actor']}",
            ))
        return rows

    def audit(self, record_id: str | None = None) -> pd.DataFrame:
        import pandas as pd

        rows = self.store.audit(record_id=record_id)
        return pd.DataFrame(rows, columns=["id", "at", "actor", "action", "table_name",
                                           "record_id", "version", "before", "after", "reason"])

    # facts -----------------------------------------------------------------------------------

    def facts(
        self,
        company: str | None = None,
        metric: str | Iterable[str] | None = None,
        as_of: str | date | None = None,
        latest: bool = False,
    ) -> pd.DataFrame:
        """Dated company facts known by ``as_of`` (all if None); ``latest`` keeps the most
        recent value per company and metric."""
        import pandas as pd

        with self._lock:
            self._fresh()
            if "facts-frame" not in self._cache:  # the same for every date: kept per ledger state
                rows = []
                for f in self.records("facts"):
                    d = f.model_dump()
                    d["date"] = _start(f.as_of)
                    d["sources"] = self.source_refs(f.sources)
                    rows.append(d)
                cols = list(MODELS["facts"].model_fields) + ["date"]
                self._cache["facts-frame"] = pd.DataFrame(rows, columns=cols)
            frame = self._cache["facts-frame"].copy()
        if company is not None:
            frame = frame[frame["company"] == self.resolve_company(company)]
        if metric is not None:
            frame = frame[frame["metric"].isin(as_list(metric))]
        if as_of is not None:
            frame = frame[frame["date"] <= parse_as_of(as_of)]
        frame = frame.sort_values(["company", "metric", "date", "id"])
        if latest:
            frame = frame.groupby(["company", "metric"]).tail(1)
        return frame.reset_index(drop=True)

    # summary ---------------------------------------------------------------------------------

    def summary(self, as_of: str | date | None = None, kinds=None, *, view: View | None = None) -> Summary:
        """Counts and headline dollars by status as of a date: the "how much of it is
        promises" table (see :func:`loopledger.ledger.summary.summarise`). It reads the leg
        table of the view with every status."""
        v = view_of(view, as_of=as_of, kinds=kinds, statuses=BINDING_STATUSES)
        return summarise(self._leg_rows(v.with_(statuses=None)), len(self.records("companies")), v.as_of,
                         data_reaches=self.latest_event())

    # the view: the leg table and the network ------------------------------------------------

    def view(self, as_of: str | date | None = None, statuses=BINDING_STATUSES, kinds=None,
             amount: str = "high", include_overlaps: bool = False, roll_up: bool = False,
             derive: Mapping[str, Any] | None = None) -> View:
        """A checked :class:`~loopledger.ledger.view.View` (``View.of`` with the same options)."""
        return View.of(as_of=as_of, statuses=statuses, kinds=kinds, amount=amount,
                       include_overlaps=include_overlaps, roll_up=roll_up, derive=derive)

    def legs(self, as_of: str | date | None = None, statuses=BINDING_STATUSES, kinds=None,
             amount: str = "high", include_overlaps: bool = False, roll_up: bool = False,
             derive: Mapping[str, Any] | None = None, *, view: View | None = None) -> pd.DataFrame:
        """The leg table of a view (:func:`loopledger.ledger.view.legs`): one row per deal leg
        in view with its amount on the basis, ``in_flow``, ``counted`` and what remains."""
        v = view_of(view, as_of=as_of, statuses=statuses, kinds=kinds, amount=amount,
                    include_overlaps=include_overlaps, roll_up=roll_up, derive=derive)
        key = ("legs", v.key())
        with self._lock:
            self._fresh()
            if key not in self._cache:
                self._cache[key] = legs_frame(self._leg_rows(every_leg(v)), v)
            return self._cache[key].copy()

    def leg_rows(self, as_of: str | date | None = None, statuses=BINDING_STATUSES, kinds=None,
                 amount: str = "high", include_overlaps: bool = False, roll_up: bool = False,
                 derive: Mapping[str, Any] | None = None, *, view: View | None = None) -> list[dict[str, Any]]:
        """The leg table of a view as records (:func:`loopledger.ledger.view.leg_rows`, the
        rows of :meth:`legs`)."""
        v = view_of(view, as_of=as_of, statuses=statuses, kinds=kinds, amount=amount,
                    include_overlaps=include_overlaps, roll_up=roll_up, derive=derive)
        return [dict(r) for r in self._leg_rows(v)]

    def _leg_rows(self, v: View) -> list[dict[str, Any]]:
        """The leg records of a view, kept per ledger state (callers copy what they change)."""
        key = ("leg-rows", v.key())
        with self._lock:
            self._fresh()
            if key not in self._cache:
                every = every_leg(v)
                self._cache[key] = (view_leg_rows(self, v) if every == v else
                                    [r for r in self._leg_rows(every) if in_view(r, v)])
            return self._cache[key]

    def network(self, as_of: str | date | None = None, statuses=BINDING_STATUSES, kinds=None,
                amount: str = "high", include_overlaps: bool = False, roll_up: bool = False,
                derive: Mapping[str, Any] | None = None, *, view: View | None = None) -> FlowNetwork:
        """The network of a view: a :class:`loopledger.network.FlowNetwork` of its counted legs
        (see :mod:`loopledger.ledger.view` for the rules). Give the options, or ``view=``."""
        v = view_of(view, as_of=as_of, statuses=statuses, kinds=kinds, amount=amount,
                    include_overlaps=include_overlaps, roll_up=roll_up, derive=derive)
        return view_network(self, v)

    def claims(self, view: View | str | date | None = None) -> Claims:
        """The assets, pledges and guarantees live at the view's date
        (:func:`loopledger.ledger.claims.claims`; docs/claims.md): a :class:`Claims` result
        with three DataFrames. ``view`` is a :class:`View` or an as-of date."""
        from .claims import Claims
        from .claims import claims as read_claims

        v = view if isinstance(view, View) else View.of(as_of=view)
        key = ("claims", v.key())
        with self._lock:
            self._fresh()
            if key not in self._cache:
                self._cache[key] = read_claims(self, v)
            c = self._cache[key]
        return Claims(c.as_of, c.assets.copy(), c.pledges.copy(), c.guarantees.copy(), dict(c.params))

    def latest(self, metrics: str | Iterable[str], as_of: str | date | None = None) -> pd.DataFrame:
        """Per company, its latest fact of a metric family (a key of
        :data:`loopledger.vocabulary.METRIC_FAMILIES`, e.g. ``"market_value"``) or of the
        metrics listed, known on ``as_of`` (default: every fact). On the same date the metric
        listed first wins. Indexed by company: ``value`` (USD bn), ``metric``, ``as_of`` (as
        recorded), ``fact`` (id), ``derived`` and ``sources``. Only USD-bn figures are read."""
        names = METRIC_FAMILIES[metrics] if isinstance(metrics, str) and metrics in METRIC_FAMILIES else tuple(as_list(metrics))
        import pandas as pd

        cols = ["value", "metric", "as_of", "fact", "derived", "sources"]
        facts = self.facts(metric=list(names), as_of=as_of)
        facts = facts[facts["unit"].astype(str).str.replace(" ", "").str.upper() == MONEY_UNIT.replace(" ", "").upper()]
        if facts.empty:
            return pd.DataFrame(columns=cols, index=pd.Index([], name="company"))
        rank = {m: i for i, m in enumerate(names)}
        facts = facts.assign(_rank=facts["metric"].map(rank))
        facts = facts.sort_values(["company", "date", "_rank", "id"], ascending=[True, True, False, True])
        last = facts.groupby("company").tail(1).set_index("company")
        return pd.DataFrame({"value": last["value"].astype(float), "metric": last["metric"],
                             "as_of": last["as_of"], "fact": last["id"],
                             "derived": last["derived"].astype(bool), "sources": last["sources"]})[cols]

    # import / export -------------------------------------------------------------------------

    def known(self) -> Known:
        known = Known()
        for table in MODELS:
            known.ids[table] = {r.id for r in self.records(table, include_retracted=True)}
        for d in self.records("deals", include_retracted=True):
            known.announced[d.id] = d.announced
        known.deals_with_events = {e.deal for e in self.records("events", include_retracted=True)}
        known.deal_kinds = {d.id: str(d.kind) for d in self.records("deals", include_retracted=True)}
        known.pledges = {p.id: (p.loan, p.collateral, p.priority) for p in self.records("pledges")
                         if p.collateral is not None}
        return known

    def validate(self, path: str | Path) -> list[Problem]:
        """Problems with the files at ``path`` (a folder of table files or one file), checked
        against this ledger's contents. Empty when they can be imported."""
        return validate_files(Path(path), self.known())[1]

    def import_path(self, path: str | Path, actor: str | None = None, reason: str | None = None) -> dict[str, int]:
        """Validate the files at ``path``, then insert all their records in one transaction,
        or raise ValidationError and insert nothing."""
        _check_reason(reason)
        parsed, problems = validate_files(Path(path), self.known())
        if problems:
            raise ValidationError(problems)
        return self._written(self.store.insert(parsed.records, actor or default_actor(), reason or f"import {path}", "import"))

    def export(self, path: str | Path, fmt: str = "csv", include_retracted: bool = True) -> list[Path]:
        """Write every table to ``path``/<table>.<fmt> (csv or jsonl); returns the files."""
        if fmt not in FORMATS:
            raise LedgerError(f"unknown export format '{fmt}': expected one of {', '.join(FORMATS)}")
        out = Path(path)
        if out.exists() and not out.is_dir():
            raise LedgerError(f"{out} exists and is not a folder")
        out.mkdir(parents=True, exist_ok=True)
        files = []
        for table in MODELS:
            f = out / f"{table}.{fmt}"
            write_table(self.records(table, include_retracted=include_retracted), f, table, fmt)
            files.append(f)
        return files

    # editing ---------------------------------------------------------------------------------

    def _source_rows(self, source: str | Mapping[str, Any] | Source) -> tuple[str, list[dict[str, Any]]]:
        """The id an edit will cite, and the new source record to add with it (none if the
        source is already in the ledger). Nothing is written here, so a refused edit leaves
        no orphan source behind."""
        if isinstance(source, str):
            if source.startswith("http://") or source.startswith("https://"):
                raise ValidationError([Problem("<edit>", None, "source",
                                               "a new source needs url, publisher, date and type")])
            self.record("sources", source)
            return source, []
        data = source.model_dump() if isinstance(source, Source) else dict(source)
        if not data.get("url"):
            raise ValidationError([Problem("<edit>", None, "source.url", "a source needs a url")])
        data.setdefault("id", source_id_for(data["url"]))
        existing = {s.id for s in self.records("sources", include_retracted=True)}
        return data["id"], ([] if data["id"] in existing else [data])

    def ensure_source(self, source: str | Mapping[str, Any] | Source, actor: str | None = None) -> str:
        """The id of a source given as an id, or as a dict / Source, created if new."""
        sid, rows = self._source_rows(source)
        if rows:
            self.add({"sources": rows}, actor=actor, reason="new source")
        return sid

    def add(self, records: Mapping[str, Iterable[Mapping[str, Any] | Record]], actor: str | None = None,
            reason: str | None = None) -> dict[str, int]:
        """Add new records (dicts or model objects by table) after the same checks as an
        import; all or nothing."""
        _check_reason(reason)
        rows: dict[str, list[RawRow]] = {}
        for table, recs in records.items():
            if table not in MODELS:
                raise LedgerError(f"unknown table '{table}'")
            rows[table] = [
                RawRow("<edit>", n, r.model_dump() if isinstance(r, Record) else dict(r))
                for n, r in enumerate(recs, start=1)
            ]
        parsed, problems = validate_rows(rows, self.known())
        if problems:
            raise ValidationError(problems)
        return self._written(self.store.insert(parsed.records, actor or default_actor(), reason, "insert"))

    def add_deal(self, deal: Mapping[str, Any], status: str, date: str, source: Any,
                 note: str | None = None, actor: str | None = None, reason: str | None = None) -> str:
        """Add a deal with its first status event; ``source`` (id or dict) backs both. The
        source, deal and event are written together or not at all."""
        sid, source_rows = self._source_rows(source)
        data = dict(deal)
        data["sources"] = list(dict.fromkeys([*data.get("sources", []), sid]))
        event = dict(id=f"{data.get('id')}/1", deal=data.get("id"), date=date, status=status,
                     note=note, sources=[sid])
        self.add({"sources": source_rows, "deals": [data], "events": [event]}, actor=actor,
                 reason=reason or note)
        return data["id"]

    def add_event(self, deal_id: str, status: str, date: str, source: Any, note: str | None = None,
                  actor: str | None = None) -> str:
        """Record a deal's new status from a date on (status changes are events, never edits)."""
        self.record("deals", deal_id)
        sid, source_rows = self._source_rows(source)
        # the event's number is the next free one; when another writer takes it at the same
        # moment (two editors, two server processes), read again and take the next
        for attempt in range(5):
            n = 1 + max(
                [int(e.id.rsplit("/", 1)[1]) for e in self.records("events", include_retracted=True)
                 if e.deal == deal_id and e.id.rsplit("/", 1)[-1].isdigit()] or [0]
            )
            eid = f"{deal_id}/{n}"
            try:
                self.add({"sources": source_rows,
                          "events": [dict(id=eid, deal=deal_id, date=date, status=status, note=note,
                                          sources=[sid])]}, actor=actor, reason=note)
                return eid
            except ConflictError:
                if attempt == 4:
                    raise
                self.refresh()
                sid, source_rows = self._source_rows(source)  # the source may now exist
        raise AssertionError("unreachable")

    def amend(self, table: str, record_id: str, changes: Mapping[str, Any], source: Any = None,
              reason: str | None = None, actor: str | None = None,
              expected_version: int | None = None) -> int:
        """Change fields of a record. Amending a deal or fact needs a source, which is added
        to its sources. Returns the new version; raises ConflictError if ``expected_version``
        is stale.

        An amendment touches only what it may (:func:`amendment_problems`): never the id, never
        ``retracted`` (withdrawing is :meth:`retract`, with a reason; it is never undone), never
        a field the record type fixes (an event's deal, a fact's company, a deal's retraction
        reason), and ``sources`` only by adding to them. A deal's new ``announced`` date may
        not come after one of its status events."""
        if table not in MODELS:
            raise LedgerError(f"unknown table '{table}'")
        _check_reason(reason)
        current = self.record(table, record_id)
        data = current.model_dump()
        refused = amendment_problems(table, data, changes)
        if refused:
            raise ValidationError(refused)
        data.update(changes)
        source_rows: list[dict[str, Any]] = []
        # a record whose sources are required (deals, events, facts, disbursements) needs one
        # for every amendment; a company's sources are optional, added when given
        if "sources" in data and (source is not None or MODELS[table].model_fields["sources"].is_required()):
            if source is None:
                raise ValidationError([Problem("<edit>", None, "source", "an amendment needs a source")])
            sid, source_rows = self._source_rows(source)
            data["sources"] = list(dict.fromkeys([*data["sources"], sid]))
        record, issues = check_row(MODELS[table], data)
        if issues or record is None:
            raise ValidationError([Problem("<edit>", None, c, r) for c, r in issues])
        if table == "deals" and "announced" in changes and record.announced:
            before = self._events_before(record_id, record.announced)
            if before:
                raise ValidationError(before)
        known = self.known()
        known.ids[table].discard(record_id)
        rows = {table: [RawRow("<edit>", 1, record.model_dump())]}
        if source_rows:
            rows["sources"] = [RawRow("<edit>", 1, r) for r in source_rows]
        parsed, problems = validate_rows(rows, known)
        problems = [p for p in problems if not (table == "deals" and "no status event" in p.reason)]
        if problems:
            raise ValidationError(problems)
        new_sources = {"sources": parsed.records["sources"]} if source_rows else None
        try:
            return self._written(self.store.update(table, record, actor or default_actor(), reason,
                                                   expected_version, insert=new_sources))
        except ConflictError:
            # the source it cites may have been added at the same moment by another edit: then
            # it exists now, and the amendment is applied without adding it (the version it was
            # based on is still checked)
            if not new_sources:
                raise
            self.refresh()
            if self._source_rows(source)[1]:
                raise
            return self._written(self.store.update(table, record, actor or default_actor(), reason,
                                                   expected_version))

    def retract(self, table: str, record_id: str, reason: str, actor: str | None = None,
                expected_version: int | None = None) -> int:
        """Withdraw a record (it stays stored and audited, and leaves every view)."""
        if not reason or not reason.strip():
            raise ValidationError([Problem("<edit>", None, "reason", "a retraction needs a reason")])
        _check_reason(reason)
        record = self.record(table, record_id)
        if getattr(record, "retracted", False):
            raise LedgerError(f"{table[:-1]} '{record_id}' is already retracted")
        data = record.model_dump()
        data["retracted"] = True
        if "retracted_reason" in data:
            data["retracted_reason"] = reason
        new, issues = check_row(MODELS[table], data)
        if new is None:
            raise ValidationError([Problem("<edit>", None, c, r) for c, r in issues])
        return self._written(self.store.update(table, new, actor or default_actor(), reason,
                                               expected_version, action="retract"))


    def _events_before(self, deal_id: str, announced: str) -> list[Problem]:
        """Status events of a deal (retracted ones too: an import checks them all) dated before
        ``announced``."""
        start = PartialDate.parse(announced).start
        return [Problem("<edit>", None, "announced",
                        f"announced {announced} would come after the deal's status event {e.id} "
                        f"dated {e.date}")
                for e in self.records("events", include_retracted=True)
                if e.deal == deal_id and PartialDate.parse(e.date).end < start]


def amendment_problems(table: str, current: Mapping[str, Any], changes: Mapping[str, Any]) -> list[Problem]:
    """Why an amendment of a record (its fields ``current``) may not make ``changes``: one
    :class:`~loopledger.errors.Problem` naming each refused field (see :meth:`Ledger.amend`)."""
    model = MODELS[table]
    out = []
    for k, v in changes.items():
        if k not in current:
            why = f"'{k}' is not a field of {table}"
        elif k == "id":
            why = "the id cannot be changed: retract the record and add a new one"
        elif k == "retracted":
            why = ("retracted cannot be amended: withdraw a record with a retraction (and its reason); "
                   "a retraction is never undone")
        elif k in model.fixed:
            why = f"{k} cannot be amended: " + {
                "deal": "a status event never moves to another deal (retract it and add one to the other deal)",
                "company": "a fact never moves to another company (retract it and add a new one)",
                "retracted_reason": "it is set by the retraction itself",
            }.get(k, "it is fixed")
        elif k == "sources":
            kept = set(v) if isinstance(v, list) else set()
            missing = [s for s in current.get("sources") or [] if s not in kept]
            if not isinstance(v, list):
                why = "sources must be a list of source ids"
            elif missing:
                why = ("an amendment may add sources but never remove one (missing: "
                       f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''})")
            else:
                continue
        else:
            continue
        out.append(Problem("<edit>", None, k, why))
    return out


def _check_reason(reason: str | None) -> None:
    """An audit reason is text like any note: no control characters, at most 10,000 characters."""
    if reason is None:
        return
    try:
        check_field_text("reason", reason)
    except ValueError as e:
        raise ValidationError([Problem("<edit>", None, "reason", str(e))]) from None


def _describe_change(a: dict[str, Any]) -> str:
    if a["action"] in ("import", "insert"):
        return f"{a['action']}: {a.get('reason') or ''}".strip(": ")
    before, after = a.get("before") or {}, a.get("after") or {}
    parts = [f"{k}: {before.get(k)!r} -> {after.get(k)!r}" for k in after]
    why = f" ({a['reason']})" if a.get("reason") else ""
    return "; ".join(parts) + why


def load_default() -> Ledger:
    """An in-memory ledger holding the bundled AI-industry dataset (works offline)."""
    ledger = Ledger.in_memory()
    ledger.init()
    return ledger

