"""`make bench`: run every benchmark module (bench/bench_*.py, each with a `run()`), in name
order, printing its results. Speed is measured here, never in the tests. Pass module names
(e.g. `python -m bench cycles`) to run some only."""

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if n.removeprefix("bench_") in argv or n in argv]
    failed = 0
    for name in names:
        print(f"\n=== {name.removeprefix('bench_')} ===", flush=True)
        t0 = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").run()
        except Exception as e:  # report and go on with the other benchmarks
            failed += 1
            print(f"FAILED: {type(e).__name__}: {e}", flush=True)
        print(f"({name} took {time.perf_counter() - t0:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
