"""The benchmark runner lists every benchmark module (bench/__main__.py imports them by name,
so a new bench/bench_*.py that is not listed would silently never run)."""

from pathlib import Path

from bench.__main__ import BENCHMARKS, main

ROOT = Path(__file__).resolve().parents[1]


def test_every_benchmark_module_is_listed():
    on_disk = {p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py")}
    assert on_disk == set(BENCHMARKS)


def test_each_loader_gives_the_module_run():
    for name, load in BENCHMARKS.items():
        run = load()
        assert callable(run) and run.__module__ == f"bench.bench_{name}"


def test_an_unknown_name_is_refused(capsys):
    assert main(["nosuch"]) == 2
    assert "unknown benchmark nosuch" in capsys.readouterr().err
