"""After any sequence of accepted web edits, ``export`` -> ``import`` into an empty database gives
back exactly the same records (issue 16, finding 3), in CSV and in JSON lines, on both
backends. Hypothesis makes the sequences: new deals, status events, amendments of deals and
events (text with formula starts, control characters, blanks, long strings; amounts;
announced dates; sources) and retractions, some with stale versions. Every answer must be a
success or a 4xx (409 for a stale version), never a 5xx; what was accepted must survive the
round trip field for field, retracted records included."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.conftest import empty_database

from loopledger import Ledger
from loopledger.ledger.model import MODELS
from loopledger.web.auth import hash_token

from ..ledger.conftest import BASE, write_folder

TOKEN = "ed:" + "t" * 43
SOURCES = [{"url": f"https://example.org/s{i}", "publisher": f"Publisher {i}", "date": "2026-01-0" + str(i + 1),
            "type": "news"} for i in range(3)]

tricky_text = st.one_of(
    st.sampled_from(["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "'=x", "''", "'tens'", "", "   ",
                     "line\nbreak", "tab\there", "cr\rhere", "nul\x00", "é ü ß 漢字", "a|b", "x" * 1200]),
    st.text(max_size=12),
)
amount = st.one_of(st.none(), st.floats(min_value=0, max_value=12_000, allow_nan=False), st.just(1e300))
day = st.dates(min_value=__import__("datetime").date(2019, 1, 1),
               max_value=__import__("datetime").date(2027, 12, 31)).map(lambda d: d.isoformat())
partial = st.one_of(day, day.map(lambda d: d[:7]), day.map(lambda d: d[:4]))
deal_field = st.sampled_from(["notes", "amount_note", "payer_detail", "units", "overlap_note"])
status = st.sampled_from(["rumored", "announced_loi", "definitive", "funded_partial", "funded",
                          "cancelled_stalled", "amended"])

ops = st.lists(st.one_of(
    st.tuples(st.just("add_deal"), amount, amount, partial, tricky_text, st.integers(0, 2)),
    st.tuples(st.just("add_event"), st.integers(0, 99), status, partial, tricky_text, st.integers(0, 2)),
    st.tuples(st.just("amend_text"), st.integers(0, 99), deal_field, tricky_text, st.booleans()),
    st.tuples(st.just("amend_amounts"), st.integers(0, 99), amount, amount),
    st.tuples(st.just("amend_announced"), st.integers(0, 99), partial),
    st.tuples(st.just("amend_sources"), st.integers(0, 99), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("amend_event"), st.integers(0, 99), partial, status, tricky_text),
    st.tuples(st.just("retract"), st.integers(0, 99), st.sampled_from(["deals", "events"]), tricky_text),
), min_size=1, max_size=8)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request):
    from tests.conftest import PG_URL, require_service

    if request.param == "postgresql" and not PG_URL:
        require_service("PostgreSQL", "LOOPLEDGER_TEST_PG is not set")
    return request.param, PG_URL


def _pick(ids, i):
    return ids[i % len(ids)] if ids else "no-such-record"


def _apply(client, led, op, n):
    """Send one edit; return the HTTP status."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    kind = op[0]
    deals = [d.id for d in led.records("deals", include_retracted=True)]
    events = [e.id for e in led.records("events", include_retracted=True)]
    reason = "edit"
    if kind == "add_deal":
        _, lo, hi, announced, note, s = op
        deal = {"id": f"new-{n}", "group": "new", "payer": "acme-chips", "payee": "bolt-ai",
                "kind": "compute_purchase", "amount_low": lo, "amount_high": hi, "announced": announced,
                "confidence": "low", "notes": note}
        return client.post("/api/deals", headers=headers, json={"deal": deal, "status": "definitive",
                                                                "date": announced, "source": SOURCES[s]}).status_code
    if kind == "add_event":
        _, i, st_, date, note, s = op
        return client.post(f"/api/deals/{_pick(deals, i)}/events", headers=headers,
                           json={"status": st_, "date": date, "note": note, "source": SOURCES[s]}).status_code
    if kind == "retract":
        _, i, table, why = op
        rid = _pick(deals if table == "deals" else events, i)
        version = _version(led, table, rid)
        return client.post(f"/api/{table}/{rid}/retract", headers=headers,
                           json={"reason": why or "r", "expected_version": version, "source": SOURCES[0]}).status_code
    if kind == "amend_event":
        _, i, date, st_, note = op
        rid = _pick(events, i)
        changes = {"date": date, "status": st_, "note": note}
        table = "events"
    else:
        rid = _pick(deals, op[1])
        table = "deals"
        if kind == "amend_text":
            _, _, field, text, stale = op
            changes = {field: text}
        elif kind == "amend_amounts":
            changes = {"amount_low": op[2], "amount_high": op[3]}
        elif kind == "amend_announced":
            changes = {"announced": op[2]}
        else:
            _, _, s, keep = op
            current = led.record("deals", rid).sources if rid in deals else []
            sid = led.records("sources")[s % len(led.records("sources"))].id
            changes = {"sources": ([*current] if keep else []) + [sid]}
    version = _version(led, table, rid)
    if kind == "amend_text" and op[4]:
        version = max(1, version - 1)  # a stale version: 409 unless it happens to be current
    return client.patch(f"/api/{table}/{rid}", headers=headers,
                        json={"changes": changes, "expected_version": version, "source": SOURCES[1],
                              "reason": reason}).status_code


def _version(led, table, rid):
    try:
        return led.version(table, rid)
    except Exception:
        return 1


def _records(led):
    return {t: [r.model_dump() for r in led.records(t, include_retracted=True)] for t in MODELS}


#: a sequence whose every edit is accepted (so the property is never checked on refusals only)
ACCEPTED = [
    ("add_deal", 1.0, 2.0, "2026-01-05", "=HYPERLINK(\"http://evil.example\")", 0),
    ("add_event", 0, "funded", "2026-02", "-10% on signing", 1),
    ("amend_text", 0, "notes", "'tens of billions'", False),
    ("amend_text", 0, "amount_note", "@risk", False),
    ("amend_text", 1, "notes", "line\nbreak and\ttab", False),
    ("amend_amounts", 1, 0.5, 10_000.0),
    ("amend_sources", 0, 2, True),
    ("amend_event", 0, "2025-10-01", "definitive", "+ note"),
    ("retract", 1, "events", "wrong date"),
    ("retract", 0, "deals", "duplicate"),
]


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@example(sequence=ACCEPTED)
@given(sequence=ops)
def test_accepted_web_edits_round_trip_through_export_and_import(backend, tmp_path_factory, sequence):
    from fastapi.testclient import TestClient

    from loopledger.web import create_app

    kind, _ = backend
    folder = tmp_path_factory.mktemp("rt")
    with empty_database(kind, folder) as src_url, empty_database(kind, folder) as csv_url, \
            empty_database(kind, folder) as jsonl_url:
        led = Ledger.open(src_url)
        led.import_path(write_folder(folder / "base", BASE))
        led.store.put_user("ed", "editor", None, hash_token(TOKEN), "test")
        statuses = []
        with TestClient(create_app(ledger=led, secret_key="k", view_rate=None)) as client:
            for n, op in enumerate(sequence):
                statuses.append(_apply(client, led, op, n))
        assert all(s < 500 for s in statuses), list(zip(sequence, statuses))
        assert all(s in (200, 201) or 400 <= s < 500 for s in statuses)
        if sequence is ACCEPTED:
            assert statuses == [201, 201, 200, 200, 200, 200, 200, 200, 200, 200], statuses
        before = _records(led)
        for fmt, url in (("csv", csv_url), ("jsonl", jsonl_url)):
            out = folder / f"export-{fmt}"
            led.export(out, fmt)
            other = Ledger.open(url)
            other.import_path(out)  # raises if the export does not validate
            assert _records(other) == before, fmt
            again = folder / f"again-{fmt}"
            other.export(again, fmt)
            for f in out.iterdir():
                assert (again / f.name).read_bytes() == f.read_bytes(), f.name
            other.store.engine.dispose()
        led.store.engine.dispose()
