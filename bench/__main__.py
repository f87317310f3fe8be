"""`make bench`: run every benchmark (bench/bench_*.py, each with a `run()`), in the order of
BENCHMARKS, printing its results. Speed is measured here, never in the tests. Pass names
(e.g. `python -m bench cycles`) to run some only.

Each benchmark is imported only when it runs (some import Dask, Playwright or start servers),
but by an explicit import statement below, so that a reader (and `farm-studio look`) sees
which modules the benchmark runner uses."""

import sys
import time
from collections.abc import Callable


def _clearing() -> Callable[[], None]:
    from bench import bench_clearing
    return bench_clearing.run


def _cluster() -> Callable[[], None]:
    from bench import bench_cluster
    return bench_cluster.run


def _cycles() -> Callable[[], None]:
    from bench import bench_cycles
    return bench_cycles.run


def _map() -> Callable[[], None]:
    from bench import bench_map
    return bench_map.run


def _soak() -> Callable[[], None]:
    from bench import bench_soak
    return bench_soak.run


def _startup() -> Callable[[], None]:
    from bench import bench_startup
    return bench_startup.run


def _stress() -> Callable[[], None]:
    from bench import bench_stress
    return bench_stress.run


def _web() -> Callable[[], None]:
    from bench import bench_web
    return bench_web.run


#: name -> the loader of its run(); a new benchmark module is added here (a test checks that
#: every bench/bench_*.py is listed)
BENCHMARKS: dict[str, Callable[[], Callable[[], None]]] = {
    "clearing": _clearing,
    "cluster": _cluster,
    "cycles": _cycles,
    "map": _map,
    "soak": _soak,
    "startup": _startup,
    "stress": _stress,
    "web": _web,
}


def main(argv: list[str]) -> int:
    unknown = [a for a in argv if a.removeprefix("bench_") not in BENCHMARKS]
    if unknown:
        print(f"bench: unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}",
              file=sys.stderr)
        return 2
    names = [n for n in BENCHMARKS if not argv or n in {a.removeprefix("bench_") for a in argv}]
    failed = 0
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        t0 = time.perf_counter()
        try:
            BENCHMARKS[name]()()
        except Exception as e:  # report and go on with the other benchmarks
            failed += 1
            print(f"FAILED: {type(e).__name__}: {e}", flush=True)
        print(f"(bench_{name} took {time.perf_counter() - t0:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
