"""Web: HTTP load on 127.0.0.1 against a real ``loopledger serve`` process.

Starts the server on a free loopback port over a temporary SQLite copy of the bundled
ledger, then runs 50 concurrent clients (httpx + asyncio) for a fixed number of requests per
endpoint, each run capped in time, and prints p50 / p95 latency of ``/api/network`` and
``/api/cycles``:

* ``same view``: every request asks for today's default view (served from the view cache);
* ``24 dates``: requests cycle through 24 month-ends, so the first request for each date
  builds the view and the rest hit the cache.

Loopback only; the server is stopped at the end whatever happens.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

CLIENTS = 50
REQUESTS = 1000        # per endpoint and scenario
TIME_CAP = 60.0        # seconds per run; the run stops (and says so) when reached


def _ledger_db(folder: Path) -> str:
    from loopledger.ledger import Ledger

    db = f"sqlite:///{folder / 'bench.db'}"
    led = Ledger.open(db)
    led.init()
    led.store.engine.dispose()
    return db


def _month_ends(n: int) -> list[str]:
    import calendar

    out, y, m = [], 2024, 1
    for _ in range(n):
        out.append(f"{y}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


async def _load(base: str, paths: list[str]) -> dict:
    import httpx

    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)
    latencies: list[float] = []
    errors = 0

    async def worker(client):
        nonlocal errors
        while True:
            try:
                path = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t0 = time.perf_counter()
            try:
                r = await client.get(path)
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - t0)

    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        t0 = time.perf_counter()
        tasks = [asyncio.create_task(worker(client)) for _ in range(CLIENTS)]
        done, pending = await asyncio.wait(tasks, timeout=TIME_CAP)
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        wall = time.perf_counter() - t0
    return {"latencies": latencies, "errors": errors, "wall": wall, "capped": bool(pending),
            "asked": len(paths)}


def _report(name: str, res: dict) -> None:
    lat = sorted(res["latencies"])
    if not lat:
        print(f"  {name:38} no successful request ({res['errors']} errors)")
        return
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [lat[0]] * 99
    cap = " [stopped at the time cap]" if res["capped"] else ""
    print(f"  {name:38} p50 {1000 * q[49]:7.1f} ms   p95 {1000 * q[94]:7.1f} ms   "
          f"max {1000 * lat[-1]:7.1f} ms   {len(lat)}/{res['asked']} ok, {res['errors']} errors, "
          f"{len(lat) / res['wall']:6.0f} req/s{cap}")


def run() -> None:
    from loopledger.web.background import ServerProcess

    with tempfile.TemporaryDirectory(prefix="loopledger-bench-web-") as tmp:
        folder = Path(tmp)
        with ServerProcess(_ledger_db(folder), env={"LOOPLEDGER_SECRET": "bench"},
                           log=folder / "server.log") as server:
            print(f"server: loopledger serve on {server.url} (SQLite, bundled data); {CLIENTS} "
                  f"concurrent clients, {REQUESTS} requests per run, cap {TIME_CAP:.0f} s")
            dates = _month_ends(24)
            for endpoint in ("/api/network", "/api/cycles"):
                same = asyncio.run(_load(server.url, [endpoint] * REQUESTS))
                _report(f"{endpoint} (same view)", same)
                varied = [f"{endpoint}?as_of={dates[i % len(dates)]}" for i in range(REQUESTS)]
                _report(f"{endpoint} (24 dates, first build each)", asyncio.run(_load(server.url, varied)))


if __name__ == "__main__":
    run()
