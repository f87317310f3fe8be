"""Run Monte Carlo chunks in this process or on a Dask cluster, with a Rich progress bar.

Chunks carry their own seeds (``SeedSequence(seed).spawn(n_chunks)``), so where they run does
not change what they compute: the results are gathered back in chunk order. Dask is an
optional extra (``pip install 'loopledger[dask]'``), imported only when ``workers`` or
``scheduler`` is given. ``scheduler="tcp://HOST:PORT"`` uses a running cluster;
``workers=N`` starts a local one on 127.0.0.1 for the duration of the run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import LedgerError


def _dask():
    try:
        import distributed
    except ImportError as e:  # pragma: no cover - the dask extra is installed in dev
        raise LedgerError(
            "running on Dask needs the optional dependency: pip install 'loopledger[dask]'") from e
    return distributed


@contextmanager
def _client(workers: int | None, scheduler: str | None, processes: bool) -> Iterator[Any]:
    distributed = _dask()
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout="10s")
        except OSError as e:
            raise LedgerError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from e
        try:
            yield client
        finally:
            client.close()
        return
    if workers is None or workers < 1:
        raise LedgerError(f"workers must be a positive number, got {workers}")
    cluster = distributed.LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=processes,
                                       host="127.0.0.1", protocol="tcp", dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def describe(workers: int | None, scheduler: str | None) -> str:
    if scheduler is not None:
        return f"dask scheduler {scheduler}"
    if workers is not None:
        return f"local dask cluster, {workers} workers on 127.0.0.1"
    return "in process"


def run_chunks(func: Callable[[Any, Any], Any], shared: Any, tasks: Sequence[Any], *,
               workers: int | None = None, scheduler: str | None = None, processes: bool = True,
               progress: bool | None = None, label: str = "scenarios", sizes: Sequence[int] | None = None) -> list:
    """``[func(shared, task) for task in tasks]``, in order, here or on Dask.

    ``shared`` is sent to the workers once; ``progress`` shows a Rich bar on stderr (default:
    when stderr is a terminal and there is more than one chunk); ``sizes`` are the number of
    scenarios per task, for the bar."""
    if workers is not None and scheduler is not None:
        raise LedgerError("give workers (start a local cluster) or scheduler (use a running one), not both")
    show = (sys.stderr.isatty() and len(tasks) > 1) if progress is None else bool(progress)
    sizes = list(sizes) if sizes is not None else [1] * len(tasks)
    with _bar(show, sum(sizes), label) as advance:
        if workers is None and scheduler is None:
            out = []
            for task, size in zip(tasks, sizes):
                out.append(func(shared, task))
                advance(size)
            return out
        distributed = _dask()
        with _client(workers, scheduler, processes) as client:
            shared_f = client.scatter(shared, broadcast=True)
            futures = [client.submit(func, shared_f, t, pure=False) for t in tasks]
            size_of = {f.key: s for f, s in zip(futures, sizes)}
            for f in distributed.as_completed(futures):
                if f.status == "error":
                    f.result()  # raises the worker's exception here
                advance(size_of[f.key])
            return client.gather(futures)


@contextmanager
def _bar(show: bool, total: int, label: str) -> Iterator[Callable[[int], None]]:
    if not show:
        yield lambda k: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda k: bar.advance(task, k)
