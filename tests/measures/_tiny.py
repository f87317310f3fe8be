"""Small ledgers built in code for the measure tests (loaded by path: tests use importlib mode).

``tiny_ledger(deals, facts)`` makes an in-memory ledger with one source, the companies named
in the rows, and each deal's single status event. Deals are dicts with payer, payee, kind,
status, date and optional amounts / terms / GW; facts are dicts with company, metric, value,
as_of and optional unit / period / derived.
"""

from __future__ import annotations

from loopledger.ledger import Ledger

SOURCE = "src-tiny000001"
URL = "https://example.org/tiny-source"


def tiny_ledger(deals=(), facts=(), companies=()) -> Ledger:
    ledger = Ledger.in_memory()
    names = set(companies)
    for d in deals:
        names.update((d["payer"], d["payee"]))
    for f in facts:
        names.add(f["company"])
    deal_rows, events = [], []
    for i, d in enumerate(deals):
        did = d.get("id", f"deal-{i}")
        row = {k: v for k, v in d.items() if k not in ("status", "date", "id")}
        row.update(id=did, group=d.get("group", did), confidence="high", sources=[SOURCE])
        row.setdefault("announced", d["date"])
        deal_rows.append(row)
        events.append(dict(id=f"{did}/1", deal=did, date=d["date"], status=d["status"], sources=[SOURCE]))
    fact_rows = []
    for f in facts:
        row = {"unit": "USD bn", "confidence": "high", "sources": [SOURCE], **f}
        row.setdefault("id", f"{f['company']}/{f['metric']}/{f['as_of']}")
        if row.get("derived"):
            row.setdefault("derivation", "test assumption")
        fact_rows.append(row)
    ledger.add({
        "sources": [dict(id=SOURCE, url=URL, publisher="Example", date="2025-01-01", type="filing")],
        "companies": [dict(id=c, name=c.title(), type="other") for c in sorted(names)],
        "deals": deal_rows,
        "events": events,
        "facts": fact_rows,
    }, actor="test", reason="tiny ledger")
    return ledger
