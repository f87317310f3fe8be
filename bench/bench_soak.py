"""Soak: 20 editors making conflicting edits and 50 readers for 60 s against a real
``loopledger serve`` on PostgreSQL (issue 16, finding 9).

The server (``--workers N``, one per core, as ``serve`` runs by default, so that edits
through one worker must show in the views of the other) runs over a fresh PostgreSQL schema
holding the bundled ledger and 20 editor accounts (API tokens), with its default limits (sign-in throttle, view rate limit). Each
editor loops: read one of three "hot" deals and amend it with the version it read (so editors
collide and get 409), add a status event to one, or add a deal of its own. Each reader loops
over the map, the summary, the deal list, one deal, the cycles and the headline, at random
dates (so some views must be computed). Afterwards:

* no answer was a 5xx (nor a dropped connection);
* every refused edit got 409 or another 4xx;
* every accepted edit is in the ledger and in the audit trail, under its editor's name and
  with the version it was given, and no amendment is in the audit trail that was not
  accepted; each hot deal holds the value of its last accepted amendment;
* the export validates and imports into an empty database, giving the same records.

The PostgreSQL URL comes from ``$LOOPLEDGER_TEST_PG`` or ``.ci/services.env`` (``make services``
writes it); without one the benchmark says so and is skipped. ``$LOOPLEDGER_SOAK_SECONDS``
shortens the run (default 60).
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import statistics
import tempfile
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

EDITORS = 20
READERS = 50
SECONDS = float(os.environ.get("LOOPLEDGER_SOAK_SECONDS", "60"))
HOT = ("openai-oracle-300b", "nvda-openai-loi-100b", "msft-crwv-10b")
SOURCE = {"url": "https://example.org/soak", "publisher": "Soak Wire", "date": "2026-11-20", "type": "news"}


def _pg_url() -> str | None:
    if os.environ.get("LOOPLEDGER_TEST_PG"):
        return os.environ["LOOPLEDGER_TEST_PG"]
    env = Path(__file__).resolve().parents[1] / ".ci" / "services.env"
    if env.exists():
        for line in env.read_text().splitlines():
            if line.startswith("LOOPLEDGER_TEST_PG="):
                return line.split("=", 1)[1].strip() or None
    return None


@contextmanager
def _schema(base_url: str):
    import sqlalchemy as sa

    from loopledger.ledger.storage import normalise_url

    base = normalise_url(base_url)
    schema = f"soak_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


async def _editor(client, n: int, token: str, until: float, log: list) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(n)
    k = 0
    while time.monotonic() < until:
        action = rng.choices(("amend", "event", "deal"), weights=(6, 2, 1))[0]
        deal = rng.choice(HOT)
        try:
            if action == "amend":
                got = await client.get(f"/api/deals/{deal}")
                if got.status_code != 200:
                    log.append((n, "read", deal, got.status_code, None))
                    continue
                version = got.json()["version"]
                await asyncio.sleep(rng.random() * 0.05)  # think: others may edit meanwhile
                note = f"soak note by editor{n} #{k}"
                r = await client.patch(f"/api/deals/{deal}", headers=headers, json={
                    "changes": {"notes": note}, "expected_version": version, "source": SOURCE,
                    "reason": f"soak {n}/{k}"})
                log.append((n, "amend", deal, r.status_code, {"note": note, **(r.json() if r.content else {})}))
            elif action == "event":
                r = await client.post(f"/api/deals/{deal}/events", headers=headers, json={
                    "status": rng.choice(["definitive", "funded_partial", "funded"]), "date": "2026-11-2" + str(rng.randint(0, 9)),
                    "source": SOURCE, "note": f"soak event by editor{n} #{k}"})
                log.append((n, "event", deal, r.status_code, r.json() if r.content else None))
            else:
                deal_id = f"soak-e{n}-{k}"
                r = await client.post("/api/deals", headers=headers, json={
                    "deal": {"id": deal_id, "group": "soak", "payer": "nvidia", "payee": "openai",
                             "kind": "equity_investment", "amount_high": round(rng.random() * 5, 3),
                             "confidence": "low"},
                    "status": "definitive", "date": "2026-11-20", "source": SOURCE})
                log.append((n, "deal", deal_id, r.status_code, r.json() if r.content else None))
        except Exception as e:  # a dropped connection or a timeout: a failure of the server
            log.append((n, action, deal, -1, repr(e)))
        k += 1


async def _reader(client, n: int, until: float, log: list) -> None:
    rng = random.Random(1000 + n)
    months = [f"20{y}-{m:02d}-28" for y in (24, 25, 26) for m in range(1, 13)]
    while time.monotonic() < until:
        path = rng.choice(["/api/network", "/api/summary", "/api/deals", f"/api/deals/{rng.choice(HOT)}",
                           "/api/cycles", "/api/headline"])
        params = {"as_of": rng.choice(months)} if rng.random() < 0.3 and "/api/deals/" not in path else {}
        t0 = time.perf_counter()
        try:
            r = await client.get(path, params=params)
            log.append((path, r.status_code, time.perf_counter() - t0))
        except Exception as e:
            log.append((path, -1, repr(e)))


async def _soak(base: str, tokens: dict[int, str]) -> tuple[list, list, float]:
    import httpx

    edits: list = []
    reads: list = []
    limits = httpx.Limits(max_connections=EDITORS + READERS, max_keepalive_connections=EDITORS + READERS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120.0) as client:
        t0 = time.monotonic()
        until = t0 + SECONDS
        await asyncio.gather(*[_editor(client, n, tokens[n], until, edits) for n in range(EDITORS)],
                             *[_reader(client, n, until, reads) for n in range(READERS)])
        wall = time.monotonic() - t0
    return edits, reads, wall


def _check(url: str, edits: list, reads: list, folder: Path) -> list[str]:
    """What went wrong (empty: everything the soak promises held)."""
    from loopledger import Ledger
    from loopledger.ledger.model import MODELS

    bad: list[str] = []
    five = [e for e in edits if e[3] >= 500 or e[3] < 0] + [r for r in reads if r[1] >= 500 or r[1] < 0]
    if five:
        bad.append(f"{len(five)} answers were 5xx or failed: {five[:3]}")
    refused = [e for e in edits if e[3] not in (200, 201) and e[1] != "read"]
    odd = [e for e in refused if not 400 <= e[3] < 500]
    if odd:
        bad.append(f"{len(odd)} refused edits without a 4xx: {odd[:3]}")
    led = Ledger.open(url)
    audit = led.store.audit()
    by_key = {(a["table_name"], a["record_id"], a["version"], a["action"]): a for a in audit}
    accepted_amends = [e for e in edits if e[1] == "amend" and e[3] == 200]
    for n, _, deal, _, body in accepted_amends:
        a = by_key.get(("deals", deal, body["version"], "amend"))
        if a is None or a["actor"] != f"editor{n}" or (a["after"] or {}).get("notes") != body["note"]:
            bad.append(f"accepted amendment of {deal} (version {body['version']}) by editor{n} is not audited as such")
    amend_records = [a for a in audit if a["action"] == "amend" and a["table_name"] == "deals" and a["record_id"] in HOT]
    if len(amend_records) != len(accepted_amends):
        bad.append(f"{len(amend_records)} amendments in the audit trail, {len(accepted_amends)} accepted")
    for deal in HOT:
        mine = [e for e in accepted_amends if e[2] == deal]
        if mine:
            last = max(mine, key=lambda e: e[4]["version"])
            rec = led.record("deals", deal)
            if rec.notes != last[4]["note"] or led.version("deals", deal) != last[4]["version"]:
                bad.append(f"{deal} does not hold its last accepted amendment")
    events = {e.id: e for e in led.records("events", include_retracted=True)}
    deals = {d.id for d in led.records("deals", include_retracted=True)}
    inserted = {(a["table_name"], a["record_id"]): a["actor"] for a in audit if a["action"] == "insert"}
    for n, action, target, status, body in edits:
        if action == "event" and status == 201:
            if body["id"] not in events or inserted.get(("events", body["id"])) != f"editor{n}":
                bad.append(f"accepted event {body['id']} is missing from the ledger or its audit trail")
        if action == "deal" and status == 201:
            if target not in deals or inserted.get(("deals", target)) != f"editor{n}":
                bad.append(f"accepted deal {target} is missing from the ledger or its audit trail")
    out = folder / "export"
    led.export(out, "csv")
    problems = Ledger.in_memory().validate(out)
    if problems:
        bad.append(f"the export does not validate: {problems[:3]}")
    else:
        other = Ledger.in_memory()
        other.import_path(out)
        for t in MODELS:
            if [r.model_dump() for r in other.records(t, include_retracted=True)] != \
                    [r.model_dump() for r in led.records(t, include_retracted=True)]:
                bad.append(f"the export of {t} does not import back unchanged")
    led.store.engine.dispose()
    return bad


def _report(edits: list, reads: list, wall: float) -> None:
    codes = Counter((e[1], e[3]) for e in edits)
    print(f"  edits: {len(edits)} requests in {wall:.0f} s by {EDITORS} editors")
    for (action, code), n in sorted(codes.items()):
        print(f"    {action:6} {code}: {n}")
    lat = sorted(r[2] for r in reads if r[1] == 200)
    rc = Counter(r[1] for r in reads)
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [0.0] * 99
    print(f"  reads: {len(reads)} by {READERS} readers ({len(reads) / wall:.0f} req/s); "
          + ", ".join(f"{c}: {n}" for c, n in sorted(rc.items()))
          + f"; p50 {1000 * q[49]:.0f} ms, p95 {1000 * q[94]:.0f} ms (200s only; 429 = the view rate limit)")


def run() -> None:
    pg = _pg_url()
    if not pg:
        print("skipped: no PostgreSQL (set LOOPLEDGER_TEST_PG or run `make services`)")
        return
    from loopledger import Ledger
    from loopledger.web.auth import hash_token
    from loopledger.web.background import ServerProcess
    from loopledger.web.serve import default_workers

    with tempfile.TemporaryDirectory(prefix="loopledger-soak-") as tmp, _schema(pg) as url:
        folder = Path(tmp)
        led = Ledger.open(url)
        led.init()
        tokens = {}
        for n in range(EDITORS):
            tokens[n] = f"editor{n}:{secrets.token_urlsafe(32)}"
            led.store.put_user(f"editor{n}", "editor", None, hash_token(tokens[n]), "bench",
                               token_expires=datetime.now(UTC) + timedelta(days=1))
        led.store.engine.dispose()
        workers = default_workers()
        with ServerProcess(url, env={"LOOPLEDGER_SECRET": "soak"}, log=folder / "server.log",
                           workers=workers) as server:
            print(f"server: loopledger serve --workers {workers} on {server.url} (PostgreSQL, bundled data, "
                  "default limits); "
                  f"{EDITORS} editors and {READERS} readers for {SECONDS:.0f} s")
            edits, reads, wall = asyncio.run(_soak(server.url, tokens))
        _report(edits, reads, wall)
        bad = _check(url, edits, reads, folder)
        if bad:
            for b in bad:
                print(f"  FAILED: {b}")
            # the log goes with the temporary folder: its tracebacks are printed first
            log = (folder / "server.log").read_text(errors="replace").splitlines()
            marks = [i for i, line in enumerate(log) if "Traceback" in line or "unexpected error" in line]
            for line in log[marks[0]:marks[0] + 80] if marks else log[-40:]:
                print(f"  | {line}")
            raise AssertionError(f"soak: {len(bad)} checks failed (server log: {folder / 'server.log'})")
        print("  checks: no 5xx; every refused edit a 4xx; every accepted edit in the ledger and the audit "
              "trail; hot deals hold their last accepted amendment; the export validates and imports back")


if __name__ == "__main__":
    run()
