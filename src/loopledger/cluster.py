"""Where a computation runs: in this process, on a local Dask cluster, or on an existing one.

Every model that splits its work into independent pieces (Monte Carlo chunks of scenarios,
cycle search over ranges of start nodes, the "too big to fail" table in batches of failing
companies) runs them through :func:`run_chunks`: ``[func(shared, task) for task in tasks]``,
gathered back in task order, so where the pieces run never changes what they compute. The
large read-only input (``shared``: a graph's CSR arrays, a stress engine) is sent to each
worker once (scattered); each task carries only its own small description (a range, a seed).
``workers=N`` starts a local cluster of N worker processes on 127.0.0.1 for the duration of
the call; ``scheduler="tcp://HOST:PORT"`` uses a running one (Kubernetes, Slurm, Coiled ...:
docs/cluster.md). Dask is the optional extra ``pip install 'loopledger[dask]'``, imported only
when ``workers`` or ``scheduler`` is given. Errors say where and why: a scheduler that cannot be
reached, workers without loopledger or with another version, a worker that died, an exception
raised by a task (re-raised here as it was raised there).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .errors import LedgerError
from .paramsets import ParamSet, param

__all__ = ["ClusterParams", "Runner", "connect", "describe", "run_chunks", "task_threads"]

#: how long to wait for a running cluster's scheduler to answer, and for a first worker
CONNECT_TIMEOUT = "10s"
WORKER_TIMEOUT = 60.0


@dataclass(frozen=True)
class ClusterParams(ParamSet):
    """Where a computation runs (declared once for every model that can run on Dask)."""

    what = "cluster option"

    workers: int | None = param(None, "Run on a local Dask cluster with this many workers.", ge=1, le=256,
                                web=False)
    #: an address (tcp://HOST:PORT, tls://... with Dask's TLS configuration) or, in Python, a
    #: connected ``distributed.Client`` (Coiled, dask-kubernetes: ``cluster.get_client()``)
    scheduler: Any = param(None, "Run on the Dask scheduler at tcp://HOST:PORT.", web=False)
    progress: bool | None = param(None, "Show a progress bar on stderr (default: when stderr is a "
                                  "terminal).", web=False)

    def check_more(self) -> None:
        check_where(self.workers, self.scheduler)


def check_where(workers: Any, scheduler: Any) -> None:
    """A one-line error for a bad pair of ``workers`` / ``scheduler``."""
    if workers is not None and scheduler is not None:
        raise LedgerError("give workers (a local cluster) or scheduler (an existing one), not both")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise LedgerError(f"workers must be a whole number >= 1, got {workers!r}")
    if scheduler is not None and not _is_client(scheduler) and (not isinstance(scheduler, str)
                                                                 or not scheduler.strip()):
        raise LedgerError(f"scheduler must be an address such as tcp://HOST:8786 (or a distributed.Client), "
                          f"got {scheduler!r}")


def _is_client(value: Any) -> bool:
    """A connected ``distributed.Client`` (checked without importing Dask)."""
    return type(value).__name__ == "Client" and hasattr(value, "submit") and hasattr(value, "scatter")


def _address(scheduler: Any) -> str:
    return str(scheduler.scheduler.address) if _is_client(scheduler) else str(scheduler)


def describe(workers: int | None, scheduler: Any) -> str:
    """Where a run with these options goes, in words (recorded in results)."""
    if scheduler is not None:
        return f"dask scheduler {_address(scheduler)}"
    if workers is not None:
        return f"local dask cluster, {workers} workers on 127.0.0.1"
    return "in process"


def _dask() -> Any:
    try:
        import distributed
    except ImportError as e:  # pragma: no cover - the dask extra is installed in dev
        raise LedgerError(
            "running on Dask needs the optional dependency: pip install 'loopledger[dask]'") from e
    return distributed


# ------------------------------------------------------------------------------------------------
# Runners: the same three operations here and on Dask


class Runner:
    """Runs ``func(shared, task)`` for every task, in this process (this class; on ``threads``
    threads when more than one, for a ``func`` that releases the GIL) or on Dask
    (:class:`_DaskRunner`); ``slots`` is how many tasks can run at once."""

    where = "in process"
    slots = 1

    def __init__(self, threads: int = 1):
        self.slots = max(1, int(threads))

    def scatter(self, value: Any) -> Any:
        """A handle to ``value`` for :meth:`map` (here: the value itself)."""
        return value

    def map(self, func: Callable[[Any, Any], Any], shared: Any, tasks: Sequence[Any],
            done: Callable[[int], None] | None = None) -> list:
        """``[func(shared, t) for t in tasks]`` in task order; ``done(i)`` after task i."""
        if self.slots > 1 and len(tasks) > 1:
            from concurrent.futures import ThreadPoolExecutor, as_completed

            with ThreadPoolExecutor(max_workers=min(self.slots, len(tasks))) as pool:
                futures = {pool.submit(func, shared, t): i for i, t in enumerate(tasks)}
                results: list[Any] = [None] * len(tasks)
                for f in as_completed(futures):
                    results[futures[f]] = f.result()
                    if done is not None:
                        done(futures[f])
            return results
        out = []
        for i, task in enumerate(tasks):
            out.append(func(shared, task))
            if done is not None:
                done(i)
        return out


class _DaskRunner(Runner):
    def __init__(self, client: Any, where: str):
        self.client = client
        self.where = where
        info = _workers_info(client)
        self.slots = max(1, sum(int(w.get("nthreads", 1)) for w in info.values()))

    def scatter(self, value: Any) -> Any:
        # hash=False: no hashing of a large input just to name it; broadcast: every worker
        # holds a copy, so no task waits for a transfer
        return self.client.scatter(value, broadcast=True, hash=False)

    def map(self, func, shared, tasks, done=None) -> list:
        distributed = _dask()
        futures = [self.client.submit(func, shared, t, pure=False) for t in tasks]
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for f in distributed.as_completed(futures):
                if f.status == "error":
                    _raise_task_error(f, getattr(func, "__name__", "task"), self.where)
                if done is not None:
                    done(index[f.key])
            return self.client.gather(futures)
        except BaseException:
            self.client.cancel(futures)
            raise


def _workers_info(client: Any) -> dict[str, dict]:
    """The scheduler's description of every worker (newer Dask lists only a few by default)."""
    try:
        return client.scheduler_info(n_workers=-1)["workers"]
    except TypeError:  # pragma: no cover - Dask before 2025 has no n_workers and lists them all
        return client.scheduler_info()["workers"]


def _raise_task_error(future: Any, name: str, where: str) -> None:
    """The task's own exception (as raised on the worker), or a clear one when the worker died
    or the connection was lost."""
    distributed = _dask()
    try:
        future.result()
    except LedgerError:
        raise
    except distributed.KilledWorker as e:
        raise LedgerError(f"a Dask worker died running {name} on the {where} (out of memory? see the "
                          f"worker's log): {e}") from e
    except distributed.comm.CommClosedError as e:  # pragma: no cover - needs a failing network
        raise LedgerError(f"lost the connection to the {where} while running {name}: {e}") from e


def _worker_facts(dask_worker: Any = None) -> tuple[str | None, int]:
    """Run on every worker: the loopledger version it imports and the cores it may use."""
    try:
        from loopledger._version import __version__

        version: str | None = __version__
    except ImportError:  # pragma: no cover - a worker without loopledger fails to unpickle this
        version = None
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return version, cores


def _set_threads(threads: dict[str, int], dask_worker: Any = None) -> None:
    """Run on every worker: remember how many threads one of its tasks may use."""
    dask_worker._loopledger_threads = threads.get(dask_worker.address, 1)


def task_threads() -> int | None:
    """Inside a task: the threads it may use on its worker (the worker's cores shared among
    the task slots of every worker on that host), or None in this process (use every core)."""
    try:
        from distributed import get_worker

        return getattr(get_worker(), "_loopledger_threads", None)
    except (ImportError, ValueError):
        return None


def _prepare_workers(client: Any, where: str) -> None:
    """Check that every worker runs this loopledger version, and tell each how many threads a
    task may use."""
    from ._version import __version__

    try:
        facts = client.run(_worker_facts)
    except Exception as e:
        raise LedgerError(f"the workers of the {where} cannot run loopledger ({type(e).__name__}: {e}); "
                          f"install loopledger {__version__} on every worker (docs/cluster.md)") from e
    other = {addr: v for addr, (v, _) in facts.items() if v != __version__}
    if other:
        addr, version = next(iter(other.items()))
        raise LedgerError(f"the worker {addr} of the {where} runs loopledger {version}, this process "
                          f"{__version__}: install the same version on every worker (docs/cluster.md)")
    info = _workers_info(client)
    slots_on: dict[str, int] = {}
    for addr, w in info.items():
        slots_on[w.get("host", addr)] = slots_on.get(w.get("host", addr), 0) + int(w.get("nthreads", 1))
    threads = {addr: max(1, facts[addr][1] // max(1, slots_on[w.get("host", addr)]))
               for addr, w in info.items() if addr in facts}
    client.run(_set_threads, threads)


@contextmanager
def connect(workers: int | None = None, scheduler: Any = None, *, processes: bool = True, threads: int = 1
            ) -> Iterator[Runner]:
    """A :class:`Runner`: this process (neither option), a local cluster of ``workers`` worker
    processes on 127.0.0.1 (one task thread each; ``processes=False``: threads of this
    process), closed on exit, or the running cluster whose scheduler is at ``scheduler`` (an
    address, or a connected ``distributed.Client``, which is left open). ``threads``: how many
    tasks this process runs at once (its own runner only)."""
    check_where(workers, scheduler)
    if workers is None and scheduler is None:
        yield Runner(threads)
        return
    distributed = _dask()
    where = describe(workers, scheduler)
    cluster = None
    owned = True
    if _is_client(scheduler):
        client, owned = scheduler, False
    elif scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as e:
            raise LedgerError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from e
    else:
        # every listener on 127.0.0.1; the scheduler's HTTP server (health, and the dashboard
        # when bokeh is installed) on a free port rather than a fixed 8787 another run may hold
        assert workers is not None  # checked above: one of the two is given
        cluster = distributed.LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=processes,
                                           host="127.0.0.1", protocol="tcp", dashboard_address="127.0.0.1:0")
        client = distributed.Client(cluster)
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError as e:
            raise LedgerError(f"the {where} has no worker (waited {WORKER_TIMEOUT:g} s): start workers "
                              "or scale the cluster up") from e
        _prepare_workers(client, where)
        yield _DaskRunner(client, where)
    finally:
        if owned:
            client.close()
        if cluster is not None:
            cluster.close()


def run_chunks(func: Callable[[Any, Any], Any], shared: Any, tasks: Sequence[Any], *,
               workers: int | None = None, scheduler: Any = None, processes: bool = True,
               progress: bool | None = None, label: str = "scenarios", sizes: Sequence[int] | None = None,
               threads: int = 1) -> list:
    """``[func(shared, task) for task in tasks]``, in order, here or on Dask.

    ``func`` must be a module-level function (workers import it by name; they need the same
    loopledger version). ``shared`` is sent to the workers once; ``progress`` shows a Rich bar
    on stderr (default: when stderr is a terminal and there is more than one task); ``sizes``
    are the units of work per task, for the bar (``label`` names them). ``threads``: in this
    process, run that many tasks at once on threads (for a ``func`` that releases the GIL; the
    results are the same, in task order)."""
    check_where(workers, scheduler)
    show = (sys.stderr.isatty() and len(tasks) > 1) if progress is None else bool(progress)
    sizes = list(sizes) if sizes is not None else [1] * len(tasks)
    with _bar(show, sum(sizes), label) as advance, connect(workers, scheduler, processes=processes, threads=threads) as runner:
        return runner.map(func, runner.scatter(shared), tasks, lambda i: advance(sizes[i]))


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
