"""Web: HTTP load on 127.0.0.1 against a real ``loopledger serve`` process (issue 15, target 4).

Starts ``loopledger serve --workers N`` (N: the cores) on a free loopback port over a
temporary SQLite copy of the bundled ledger, and measures with a **native load client**
(``wrk``, from Debian's package; ``make services`` installs it), or, when it is missing,
curl's parallel mode:

* ``/api/network`` and ``/api/cycles`` at 50 concurrent connections for a few seconds, in
  several rounds (the target holds in *every* round, not the best one): with
  ``Accept-Encoding: gzip`` (as browsers ask) and without it (the whole JSON);
* the **reference**, measured in the same run by the same client at the same concurrency: a
  static file of the same server (``/static/favicon.svg``) and ``/healthz`` (a trivial route
  through the whole middleware stack);
* the first request for a new date (``/api/network?as_of=...`` for dates never asked
  before, one at a time), against the same server's answer to a cached view;
* a cached view while uncached ones are being computed (the 447 ms of issue 15).

It prints the table of the closing note: target, reference, ours, ratio (ours / reference).
Loopback only; the server is stopped at the end whatever happens.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

CLIENTS = 50
SECONDS = float(os.environ.get("LOOPLEDGER_BENCH_WEB_SECONDS", "5"))
ROUNDS = int(os.environ.get("LOOPLEDGER_BENCH_WEB_ROUNDS", "3"))
TARGET_P95_MS = 25.0
TARGET_FIRST_MS = 100.0
REFERENCE = "/static/favicon.svg"

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.3f %.3f %.3f %d %.3f %d\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency.max / 1000, summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _ledger_db(folder: Path) -> str:
    from loopledger.ledger import Ledger

    db = f"sqlite:///{folder / 'bench.db'}"
    led = Ledger.open(db)
    led.init()
    led.store.engine.dispose()
    return db


def _month_ends(first_year: int, n: int) -> list[str]:
    import calendar

    out, y, m = [], first_year, 1
    for _ in range(n):
        out.append(f"{y}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _wrk(url: str, gzip: bool, script: Path) -> dict:
    args = ["wrk", "-t2", f"-c{CLIENTS}", f"-d{SECONDS:g}s", "-s", str(script), "--timeout", "10s"]
    if gzip:
        args += ["-H", "Accept-Encoding: gzip"]
    out = subprocess.run([*args, url], capture_output=True, text=True, timeout=SECONDS + 60).stdout
    m = re.search(r"RESULT (\S+) (\S+) (\S+) (\d+) (\S+) (\d+)", out)
    if not m:
        raise RuntimeError(f"wrk printed no result: {out[-400:]}")
    p50, p95, mx, n, wall, errors = m.groups()
    return {"p50": float(p50), "p95": float(p95), "max": float(mx), "n": int(n),
            "rps": int(n) / float(wall), "errors": int(errors)}


def _curl(url: str, gzip: bool, requests: int = 2000) -> dict:
    """The fallback: curl's parallel mode, 50 transfers at once, one line per transfer."""
    args = ["curl", "-s", "-o", "/dev/null", "--parallel", "--parallel-max", str(CLIENTS),
            "--parallel-immediate", "-w", "%{http_code} %{time_total}\\n"]
    if gzip:
        args += ["-H", "Accept-Encoding: gzip"]
    t0 = time.perf_counter()
    out = subprocess.run([*args, *([url] * requests)], capture_output=True, text=True, timeout=600).stdout
    wall = time.perf_counter() - t0
    rows = [line.split() for line in out.splitlines() if line.strip()]
    lat = sorted(1000 * float(t) for code, t in rows if code == "200")
    q = statistics.quantiles(lat, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "max": lat[-1], "n": len(lat), "rps": len(lat) / wall,
            "errors": sum(code != "200" for code, _ in rows)}


def _load(url: str, gzip: bool, script: Path | None) -> dict:
    return _wrk(url, gzip, script) if script is not None else _curl(url, gzip)


def _get_ms(url: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()
    return 1000 * (time.perf_counter() - t0)


def _line(name: str, r: dict) -> str:
    return (f"  {name:44} p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  max {r['max']:7.1f} ms  "
            f"{r['rps']:6.0f} req/s  {r['errors']} errors")


def _while_computing(base: str, dates: list[str]) -> tuple[list[float], float]:
    """A cached view asked 20 times while three uncached views are computed."""
    threads = [threading.Thread(target=_get_ms, args=(f"{base}/api/headline?as_of={d}",)) for d in dates]
    for t in threads:
        t.start()
    time.sleep(0.05)
    cached = [_get_ms(f"{base}/api/network") for _ in range(20)]
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return cached, 1000 * (time.perf_counter() - t0)


def run() -> None:
    from loopledger.web.background import ServerProcess
    from loopledger.web.serve import default_workers

    workers = default_workers()
    have_wrk = shutil.which("wrk") is not None
    with tempfile.TemporaryDirectory(prefix="loopledger-bench-web-") as tmp:
        folder = Path(tmp)
        script = None
        if have_wrk:
            script = folder / "p95.lua"
            script.write_text(WRK_SCRIPT)
        with ServerProcess(_ledger_db(folder), env={"LOOPLEDGER_SECRET": "bench"}, workers=workers,
                           log=folder / "server.log", args=["--view-rate", "0"]) as server:
            base = server.url
            client = "wrk 4 (native)" if have_wrk else "curl --parallel (wrk not installed)"
            print(f"server: loopledger serve --workers {workers} on {base} (SQLite, bundled data); "
                  f"client: {client}, {CLIENTS} connections, {SECONDS:g} s per run, {ROUNDS} rounds")
            for path in ("/api/network", "/api/cycles", "/healthz", REFERENCE):
                for _ in range(2 * workers):  # every worker computes and learns the view
                    _get_ms(base + path)
            worst: dict[str, float] = {}
            for k in range(ROUNDS):
                print(f" round {k + 1}")
                ref = _load(base + REFERENCE, True, script)
                print(_line(f"reference {REFERENCE}", ref))
                health = _load(base + "/healthz", True, script)
                print(_line("reference /healthz (whole middleware stack)", health))
                for path in ("/api/network", "/api/cycles"):
                    for gz in (True, False):
                        r = _load(base + path, gz, script)
                        name = f"{path} ({'gzip' if gz else 'identity'})"
                        print(_line(name, r))
                        worst[name] = max(worst.get(name, 0.0), r["p95"])
                        worst[f"ref:{name}"] = max(worst.get(f"ref:{name}", 0.0), ref["p95"])
            # the first request for a date nobody asked for before, one at a time
            cached = statistics.median(_get_ms(f"{base}/api/network") for _ in range(20))
            firsts = [_get_ms(f"{base}/api/network?as_of={d}") for d in _month_ends(2022, 24)]
            print(f"  first request for a new date (24 dates):    median {statistics.median(firsts):6.1f} ms  "
                  f"max {max(firsts):7.1f} ms  (cached view: median {cached:.1f} ms)")
            during, slow = _while_computing(base, ["2021-03-31", "2021-06-30", "2021-09-30"])
            print(f"  a cached view while 3 uncached are computed: median {statistics.median(during):6.1f} ms  "
                  f"max {max(during):7.1f} ms  (the 3 computations took {slow:.0f} ms)")
    print(f"\n  {'target':54} {'reference':>12} {'ours':>12} {'ratio':>7}")
    for name in ("/api/network (gzip)", "/api/network (identity)", "/api/cycles (gzip)", "/api/cycles (identity)"):
        ref, ours = worst[f"ref:{name}"], worst[name]
        ok = "ok" if ours < TARGET_P95_MS else "MISSED"
        print(f"  {name + ' p95 < 25 ms, worst round':54} {ref:9.1f} ms {ours:9.1f} ms {ours / ref:7.2f}  {ok}")
    first_ok = "ok" if max(firsts) < TARGET_FIRST_MS else "MISSED"
    print(f"  {'first request for a new date < 100 ms (worst of 24)':54} {cached:9.1f} ms {max(firsts):9.1f} ms "
          f"{max(firsts) / cached:7.1f}  {first_ok}")
    print(f"  {'cached view while 3 are computed (worst of 20)':54} {cached:9.1f} ms {max(during):9.1f} ms "
          f"{max(during) / cached:7.1f}")
    print(f"  (reference: p95 of {REFERENCE} at the same concurrency in the same round; for the first "
          "request, a cached /api/network)")


if __name__ == "__main__":
    run()
