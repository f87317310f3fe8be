"""What every data-edit script shares: load the bundled data, apply edits through the Ledger
API, record them in the dataset changelog and write the files back.

A batch script builds a :class:`Batch`, calls its methods (``source``, ``cite``, ``company``,
``deal``, ``event``, ``fact``, ``amend``, ``retract``) and ends with ``finish()``. Every method
is an *ensure*: a record that is already there is left alone, so a script can be run again and
changes nothing the second time (idempotent). ``finish`` compares the ledger before and after,
writes the tables with ``Ledger.export`` (deterministic) and adds or updates the batch's entry
in ``changelog.csv`` with the records it added, changed or retracted
(``changelog_records.csv``). Nothing is written when the ledger refuses an edit: the
``ValidationError`` names the record and the reason.

Usage from a script::

    from _batch import Batch
    b = Batch("2026-11-26-02", "2026-11-26", "Primary sources ...", "why ...", __file__)
    sid = b.source("https://www.sec.gov/...", "SEC EDGAR", "2025-10-29", "filing", title="...")
    b.cite("deals", "openai-oracle-300b", sid, "Oracle 10-Q discloses ...")
    b.finish()
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from loopledger import load_default  # noqa: E402
from loopledger.ledger import data_dir  # noqa: E402
from loopledger.ledger.ledger import source_id_for  # noqa: E402
from loopledger.ledger.model import MODELS  # noqa: E402

CHANGELOG = "changelog.csv"
CHANGELOG_RECORDS = "changelog_records.csv"
CHANGELOG_COLUMNS = ["entry", "date", "summary", "why", "added", "changed", "retracted", "script"]
RECORD_COLUMNS = ["entry", "table", "record", "action"]
ACTOR = "data-edits"


def _snapshot(ledger) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        t: {r.id: r.model_dump(mode="json") for r in ledger.records(t, include_retracted=True)}
        for t in MODELS
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    path.write_text(buf.getvalue(), encoding="utf-8")


def counts_text(counts: dict[str, int]) -> str:
    """'sources:3|deals:1' in the tables' load order; blank when nothing."""
    return "|".join(f"{t}:{counts[t]}" for t in MODELS if counts.get(t))


class Batch:
    """One batch of edits to the bundled dataset, recorded as one changelog entry."""

    def __init__(self, entry: str, date: str, summary: str, why: str, script: str | Path):
        self.entry, self.date, self.summary, self.why = entry, date, summary, why
        self.script = Path(script).resolve().relative_to(ROOT).as_posix()
        self.ledger = load_default()
        self.before = _snapshot(self.ledger)
        self._pending: dict[str, list[dict[str, Any]]] = {t: [] for t in MODELS}
        self._pending_ids: dict[str, set[str]] = {t: set() for t in MODELS}

    # helpers ---------------------------------------------------------------------------------

    def exists(self, table: str, record_id: str) -> bool:
        return record_id in self.before[table] or record_id in self._pending_ids[table] or any(
            r.id == record_id for r in self.ledger.records(table, include_retracted=True)
        )

    def get(self, table: str, record_id: str):
        return self.ledger.record(table, record_id)

    def _queue(self, table: str, values: dict[str, Any]) -> bool:
        if self.exists(table, values["id"]):
            return False
        self._pending[table].append(values)
        self._pending_ids[table].add(values["id"])
        return True

    def flush(self) -> None:
        """Add the queued new records in one validated transaction (all or nothing)."""
        if any(self._pending.values()):
            self.ledger.add({t: rows for t, rows in self._pending.items() if rows},
                            actor=ACTOR, reason=f"{self.entry}: {self.summary}")
        self._pending = {t: [] for t in MODELS}
        self._pending_ids = {t: set() for t in MODELS}

    # records ---------------------------------------------------------------------------------

    def source(self, url: str, publisher: str, date: str | None, type: str,
               original_publisher: str | None = None, title: str | None = None,
               confidence: str | None = None, notes: str | None = None) -> str:
        """Ensure a source record for ``url``; returns its id (``src-`` + sha1 of the url)."""
        sid = source_id_for(url)
        self._queue("sources", dict(id=sid, url=url, publisher=publisher, date=date, type=type,
                                    original_publisher=original_publisher, title=title,
                                    confidence=confidence, notes=notes))
        return sid

    def company(self, **values: Any) -> str:
        self._queue("companies", values)
        return values["id"]

    def deal(self, events: list[tuple[str, str, list[str], str | None]], **values: Any) -> str:
        """Ensure a deal and its status history: events are (date, status, source ids, note),
        numbered ``<deal>/1``, ``<deal>/2`` ... in the order given."""
        if self._queue("deals", values):
            for n, (date, status, sources, note) in enumerate(events, start=1):
                self._queue("events", dict(id=f"{values['id']}/{n}", deal=values["id"], date=date,
                                           status=status, note=note, sources=list(sources)))
        return values["id"]

    def event(self, deal: str, n: int, date: str, status: str, sources: list[str],
              note: str | None = None) -> str:
        """Ensure the status event ``<deal>/<n>``."""
        eid = f"{deal}/{n}"
        self._queue("events", dict(id=eid, deal=deal, date=date, status=status, note=note,
                                   sources=list(sources)))
        return eid

    def fact(self, company: str, metric: str, value: float, as_of: str, sources: list[str],
             confidence: str = "high", unit: str = "USD bn", period: str | None = None,
             notes: str | None = None, derivation: str | None = None,
             fact_id: str | None = None) -> str:
        """Ensure a company fact; id ``<company>/<metric>/<as_of>`` unless given."""
        fid = fact_id or f"{company}/{metric}/{as_of}"
        self._queue("facts", dict(id=fid, company=company, metric=metric, value=value, unit=unit,
                                  as_of=as_of, period=period, derived=derivation is not None,
                                  derivation=derivation, confidence=confidence, notes=notes,
                                  sources=list(sources)))
        return fid

    def cite(self, table: str, record_id: str, source_id: str, reason: str) -> None:
        """Add a source to a record's sources (kept: the old ones stay)."""
        self.flush()
        rec = self.get(table, record_id)
        if source_id in rec.sources:
            return
        self.ledger.amend(table, record_id, {}, source=source_id, reason=reason, actor=ACTOR)

    def amend(self, table: str, record_id: str, changes: dict[str, Any], source: str | None,
              reason: str) -> None:
        """Change fields of a record unless they already hold these values."""
        self.flush()
        rec = self.get(table, record_id).model_dump(mode="json")
        same = all(rec.get(k) == v for k, v in changes.items())
        has_source = source is None or source in rec.get("sources", [source])
        if same and has_source:
            return
        self.ledger.amend(table, record_id, changes, source=source, reason=reason, actor=ACTOR)

    def retract(self, table: str, record_id: str, reason: str) -> None:
        self.flush()
        if getattr(self.get(table, record_id), "retracted", False):
            return
        self.ledger.retract(table, record_id, reason, actor=ACTOR)

    # finishing -------------------------------------------------------------------------------

    def finish(self, write: bool = True) -> dict[str, dict[str, int]]:
        """Diff against the data as loaded, export, and record the changelog entry."""
        self.flush()
        after = _snapshot(self.ledger)
        actions: list[tuple[str, str, str]] = []
        for t in MODELS:
            for rid, rec in after[t].items():
                old = self.before[t].get(rid)
                if old is None:
                    actions.append((t, rid, "added"))
                elif old != rec:
                    became_retracted = rec.get("retracted") and not old.get("retracted")
                    actions.append((t, rid, "retracted" if became_retracted else "changed"))
        out = data_dir()
        log = read_csv(out / CHANGELOG)
        recs = read_csv(out / CHANGELOG_RECORDS)
        mine = {(r["table"], r["record"]): r["action"] for r in recs if r["entry"] == self.entry}
        for t, rid, action in actions:
            # a record this batch added earlier and changes now stays 'added'
            if mine.get((t, rid)) != "added":
                mine[(t, rid)] = action
        summary: dict[str, dict[str, int]] = {"added": {}, "changed": {}, "retracted": {}}
        for (t, _), action in mine.items():
            summary[action][t] = summary[action].get(t, 0) + 1
        print(f"{self.entry}: {len(actions)} records touched by this run; the entry now holds "
              + ("; ".join(f"{a} {counts_text(c)}" for a, c in summary.items() if c) or "nothing"))
        if not write:
            return summary
        if actions:
            self.ledger.export(out, "csv")
        log = [r for r in log if r["entry"] != self.entry] + [dict(
            entry=self.entry, date=self.date, summary=self.summary, why=self.why,
            added=counts_text(summary["added"]), changed=counts_text(summary["changed"]),
            retracted=counts_text(summary["retracted"]), script=self.script,
        )]
        write_changelog(log, [r for r in recs if r["entry"] != self.entry] + [
            dict(entry=self.entry, table=t, record=rid, action=a) for (t, rid), a in mine.items()
        ])
        return summary


def write_changelog(entries: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
    order = list(MODELS)
    out = data_dir()
    write_csv(out / CHANGELOG, CHANGELOG_COLUMNS, sorted(entries, key=lambda r: r["entry"]))
    write_csv(out / CHANGELOG_RECORDS, RECORD_COLUMNS, sorted(
        records, key=lambda r: (r["entry"], order.index(r["table"]), r["record"])))
