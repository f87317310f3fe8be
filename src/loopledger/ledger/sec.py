"""Filed figures from SEC XBRL "companyfacts" files (``loopledger facts import-sec``).

The SEC publishes, per filer, every XBRL fact it has filed as one JSON document
(``CIK##########.json``; all of them in the bulk ``companyfacts.zip``): ``cik``,
``entityName`` and ``facts`` -> taxonomy (``us-gaap``, ``dei``) -> concept -> ``units`` ->
unit -> a list of ``{start, end, val, accn, fy, fp, form, filed, frame}``. :func:`import_sec`
reads such files (it downloads nothing) and records, for the ledger companies whose ``cik``
is known, the concepts of :data:`CONCEPTS` as company facts:

* dated by the period's end (``as_of``); flows (revenue, net income) carry a standard period,
  ``FY<year>`` for about a year and ``<year>-Q<n>`` (the calendar quarter holding the end) for
  about three months; other durations (six and nine months to date) are not imported;
* in USD billions (other currencies stay in their own unit under ``<metric>_<ccy>``);
* sourced to the filing: its EDGAR index page (``/Archives/edgar/data/<cik>/<accession>/``),
  type ``filing``, dated by the filing date, the form and accession number in the title;
* a period filed several times (a 10-Q, then as the prior period of the next 10-K, or an
  amendment) takes the latest filing's value; if a fact for the same company, metric and date is
  already recorded, the later filing amends it (value, and the filing added to its sources) and
  an earlier one leaves it alone. Importing the same file again changes nothing.

``cash`` (cash, equivalents and short-term investments) is derived where a filing gives both
cash and equivalents and marketable securities for the same date: their sum, marked
``derived`` with the two concepts named.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import LedgerError
from ..results import Result
from .changes import ChangeSet, ChangeSetFile, apply
from .ledger import source_id_for

if TYPE_CHECKING:  # pragma: no cover
    from .ledger import Ledger

#: XBRL concept -> ledger metric, in order of preference when two concepts give the same
#: metric for the same date (the first listed wins)
CONCEPTS: dict[str, str] = {
    "StockholdersEquity": "book_equity",
    "StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest": "book_equity",
    "CashAndCashEquivalentsAtCarryingValue": "cash_and_equivalents",
    "CashCashEquivalentsAndShortTermInvestments": "cash",
    "MarketableSecuritiesCurrent": "marketable_securities",
    "ShortTermInvestments": "marketable_securities",
    "AvailableForSaleSecuritiesDebtSecuritiesCurrent": "marketable_securities",
    "LongTermDebt": "long_term_debt",
    "LongTermDebtNoncurrent": "long_term_debt",
    "Revenues": "revenue",
    "RevenueFromContractWithCustomerExcludingAssessedTax": "revenue",
    "NetIncomeLoss": "net_income",
    "RevenueRemainingPerformanceObligation": "rpo",
}
#: metrics that are flows over a period (the others are balances on a date)
FLOWS = ("revenue", "net_income")
EDGAR = "https://www.sec.gov/Archives/edgar/data"


@dataclass(frozen=True)
class SecImport(Result):
    """What an import read and recorded: ``facts`` (one row per fact recorded or amended:
    company, metric, as_of, value, accession, action), ``skipped`` (files or companies not in
    the ledger, with the reason) and the change set ``report`` it was applied as."""

    facts: pd.DataFrame = field(repr=False)
    skipped: tuple[str, ...] = ()
    status: str = ""

    caption = "SEC companyfacts import"

    def to_frame(self) -> pd.DataFrame:
        return self.facts.copy()


def _documents(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for name in sorted(z.namelist()):
                if name.endswith(".json"):
                    yield f"{path}!{name}", json.loads(z.read(name))
        return
    if path.is_dir():
        for f in sorted(path.glob("CIK*.json")):
            yield str(f), json.loads(f.read_text(encoding="utf-8"))
        return
    yield str(path), json.loads(path.read_text(encoding="utf-8"))


def _days(start: str, end: str) -> int:
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


def _period(start: str | None, end: str) -> str | None:
    """FY<year> for about a year, <year>-Q<n> for about a quarter, else None (not imported)."""
    if start is None:
        return None
    n = _days(start, end)
    e = date.fromisoformat(end)
    if 350 <= n <= 380:
        return f"FY{e.year}"
    if 80 <= n <= 100:
        # the calendar quarter holding most of the period: the one holding its middle day
        mid = date.fromordinal(date.fromisoformat(start).toordinal() + n // 2)
        return f"{mid.year}-Q{(mid.month - 1) // 3 + 1}"
    return None


def _unit(unit: str) -> tuple[str, str] | None:
    """XBRL unit -> (ledger unit, metric suffix); None for units the ledger does not hold."""
    if unit == "USD":
        return "USD bn", ""
    if unit in ("JPY", "TWD", "EUR"):
        return f"{unit} bn", f"_{unit.lower()}"
    return None


def read_companyfacts(doc: dict[str, Any], since: date | None = None) -> list[dict[str, Any]]:
    """The mapped facts of one companyfacts document: per (metric, end, period) the value of
    the latest filing (ties: the later accession number), with where it was filed."""
    best: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    rank = {c: i for i, c in enumerate(CONCEPTS)}
    for taxonomy in ("us-gaap", "ifrs-full"):
        concepts = (doc.get("facts") or {}).get(taxonomy) or {}
        for concept, body in concepts.items():
            metric = CONCEPTS.get(concept)
            if metric is None:
                continue
            for unit, entries in (body.get("units") or {}).items():
                mapped = _unit(unit)
                if mapped is None:
                    continue
                ledger_unit, suffix = mapped
                for e in entries:
                    end, start = e.get("end"), e.get("start")
                    if not end or e.get("val") is None or not e.get("accn") or not e.get("filed"):
                        continue
                    if since is not None and date.fromisoformat(end) < since:
                        continue
                    period = _period(start, end) if metric in FLOWS else None
                    if metric in FLOWS and period is None:
                        continue  # six or nine months to date: not a standard period
                    if metric not in FLOWS and start:
                        continue
                    key = (metric + suffix, end, period)
                    cand = {"metric": metric + suffix, "concept": concept, "end": end, "period": period,
                            "value": float(e["val"]) / 1e9, "unit": ledger_unit, "accn": e["accn"],
                            "form": e.get("form") or "", "filed": e["filed"], "fy": e.get("fy"), "fp": e.get("fp")}
                    old = best.get(key)
                    order = (cand["filed"], cand["accn"], -rank[concept])
                    if old is None or order > (old["filed"], old["accn"], -rank[old["concept"]]):
                        best[key] = cand
    return sorted(best.values(), key=lambda r: (r["metric"], r["end"], r["period"] or ""))


def _source(cik: str, name: str, f: dict[str, Any]) -> dict[str, Any]:
    accn = f["accn"]
    url = f"{EDGAR}/{int(cik)}/{accn.replace('-', '')}/{accn}-index.htm"
    return {"url": url, "publisher": "SEC EDGAR", "date": f["filed"], "type": "filing",
            "original_publisher": f"{name} {f['form']}".strip(),
            "title": f"{name} {f['form']} filed {f['filed']} (accession {accn})",
            "confidence": "high",
            "notes": "XBRL companyfacts (SEC); facts imported by loopledger facts import-sec"}


def import_sec(ledger: Ledger, path: str | Path, since: str | date | None = None,
               actor: str | None = None) -> SecImport:
    """Read SEC companyfacts JSON (one ``CIK##########.json``, a folder of them, or the bulk
    ``companyfacts.zip``) and record the mapped facts of the ledger's companies whose ``cik``
    matches, in one transaction (a change set ``sec-import-<cik>...`` in the audit trail).
    ``since`` keeps periods ending on or after a date."""
    p = Path(path)
    if not p.exists():
        raise LedgerError(f"{p}: no such file or folder")
    since_d = date.fromisoformat(since) if isinstance(since, str) else since
    by_cik = {c.cik: c for c in ledger.records("companies") if c.cik}
    existing = {f.id: f for f in ledger.records("facts", include_retracted=True)}
    source_dates = {s.id: (s.date or "") for s in ledger.records("sources", include_retracted=True)}
    source_urls = {s.id: s.url for s in ledger.records("sources", include_retracted=True)}
    sources: dict[str, dict[str, Any]] = {}
    adds: list[dict[str, Any]] = []
    amends: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    ciks: list[str] = []
    for where, doc in _documents(p):
        if not isinstance(doc, dict) or "cik" not in doc or "facts" not in doc:
            skipped.append(f"{where}: not a companyfacts document (no cik / facts)")
            continue
        cik = f"{int(doc['cik']):010d}"
        company = by_cik.get(cik)
        if company is None:
            skipped.append(f"{where}: CIK {cik} ({doc.get('entityName', '?')}) is no ledger company's cik")
            continue
        ciks.append(cik)
        name = doc.get("entityName") or company.name
        found = read_companyfacts(doc, since_d)
        # derived cash: cash and equivalents + marketable securities of the same filing and date
        by_key = {(f["metric"], f["end"]): f for f in found}
        for (metric, end), f in list(by_key.items()):
            ms = by_key.get(("marketable_securities", end))
            if metric == "cash_and_equivalents" and ms is not None and ms["accn"] == f["accn"] \
                    and ("cash", end) not in by_key:
                found.append({**f, "metric": "cash", "concept": f"{f['concept']} + {ms['concept']}",
                              "value": f["value"] + ms["value"], "derived": True})
        periods: dict[tuple[str, str], set] = {}
        for f in found:
            periods.setdefault((f["metric"], f["end"]), set()).add(f["period"])
        for f in found:
            src = _source(cik, name, f)
            sid = source_id_for(src["url"])
            fid = f"{company.id}/{f['metric']}/{f['end']}"
            plain = existing.get(fid)
            # a quarter and a fiscal year ending on the same day: the year keeps the plain id
            if f["metric"] in FLOWS and (
                    (plain is not None and plain.period not in (None, f["period"]))
                    or (plain is None and len(periods[(f["metric"], f["end"])]) > 1 and not f["period"].startswith("FY"))):
                fid = f"{fid}/{f['period'].lower()}"
            value = round(f["value"], 9)
            note = f"{f['concept']} ({f['form']} filed {f['filed']}, accession {f['accn']})"
            old = existing.get(fid)
            action = None
            if old is None:
                fact = {"id": fid, "company": company.id, "metric": f["metric"], "value": value, "unit": f["unit"],
                        "as_of": f["end"], "period": f["period"], "confidence": "high", "notes": note,
                        "sources": [src["url"]]}
                if f.get("derived"):
                    fact.update(derived=True, derivation=f"sum of {f['concept'].replace(' + ', ' and ')} in the same filing")
                adds.append(fact)
                action = "added"
            elif sid not in old.sources:
                filed = [source_dates[s] for s in old.sources if source_urls.get(s, "").startswith(EDGAR)]
                # a filing supersedes press figures and earlier filings, never a later filing
                if not filed or f["filed"] > max(filed):
                    amends.append({"table": "facts", "id": fid,
                                   "set": {"value": value, "notes": note} if old.value != value else {},
                                   "source": src["url"], "reason": f"filed in {f['form']} {f['accn']} ({f['filed']})"})
                    action = "amended"
            if action:
                sources.setdefault(src["url"], src)
                rows.append({"company": company.id, "metric": f["metric"], "as_of": f["end"],
                             "period": f["period"], "value": value, "unit": f["unit"], "accession": f["accn"],
                             "form": f["form"], "filed": f["filed"], "action": action})
    frame = pd.DataFrame(rows, columns=["company", "metric", "as_of", "period", "value", "unit", "accession",
                                        "form", "filed", "action"])
    if not adds and not amends:
        return SecImport(frame, tuple(skipped), "nothing to record")
    today = date.today()
    cs_id = f"{today.isoformat()}-00-sec-import-{ledger.store.audit_head()}-{'-'.join(sorted(set(ciks)))[:60]}"
    data = {"id": cs_id, "date": today.isoformat(),
            "summary": f"SEC companyfacts import: {len(adds)} facts added, {len(amends)} amended",
            "why": f"filed XBRL figures from {p.name}", "sources": list(sources.values()),
            "add": {"facts": adds}, "amend": amends}
    from .changes import _digest

    cs = ChangeSetFile(ChangeSet.model_validate(data), str(p), _digest(data))
    apply(ledger, cs, actor=actor)
    return SecImport(frame, tuple(skipped), "applied")
