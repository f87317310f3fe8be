"""The cluster runner (loopledger.cluster) on a real Dask LocalCluster on 127.0.0.1: results come
back in task order whatever order the tasks finish in, the shared input reaches every task,
task errors come back as raised, and the checks of workers (versions, thread budget) say what
is wrong."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from loopledger import cluster
from loopledger.cluster import ClusterParams, connect, describe, run_chunks, task_threads
from loopledger.errors import LedgerError

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.dask


@pytest.fixture(scope="module")
def address():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, host="127.0.0.1",
                                  protocol="tcp", dashboard_address=None) as local:
        yield local.scheduler_address


def _slow_square(shared, task):
    """Later tasks finish first: the runner must still return them in task order."""
    i, pause = task
    time.sleep(pause)
    return int(shared[i]) ** 2


def _fail_on(shared, task):
    if task == shared:
        raise ValueError(f"task {task} is bad")
    return task


def _threads(shared, task):
    return task_threads()


def test_in_order_here_and_on_the_cluster(address):
    values = np.arange(10, 20)
    tasks = [(i, 0.05 * (6 - i)) for i in range(6)]
    want = [int(values[i]) ** 2 for i, _ in tasks]
    assert run_chunks(_slow_square, values, tasks) == want
    assert run_chunks(_slow_square, values, tasks, scheduler=address) == want


def test_a_task_error_is_raised_as_it_was_raised(address):
    with pytest.raises(ValueError, match="task 3 is bad"):
        run_chunks(_fail_on, 3, list(range(6)), scheduler=address)
    # the cluster is still usable afterwards
    assert run_chunks(_fail_on, -1, [1, 2], scheduler=address) == [1, 2]


def test_the_thread_budget_shares_the_cores_of_a_host(address):
    assert run_chunks(_threads, None, [0]) == [None]  # in process: every core
    cores = len(os.sched_getaffinity(0))
    # two workers of one thread each on this host share its cores
    assert run_chunks(_threads, None, [0, 1, 2, 3], scheduler=address) == [max(1, cores // 2)] * 4


def test_workers_of_another_version_are_refused(address, monkeypatch):
    monkeypatch.setattr(cluster, "_worker_facts", lambda dask_worker=None: ("0.0.0-other", 2))
    with pytest.raises(LedgerError, match=r"runs loopledger 0\.0\.0-other, this process .*same version"):
        run_chunks(_fail_on, None, [1], scheduler=address)


def test_an_unreachable_scheduler_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "0.5s")
    with pytest.raises(LedgerError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1"):
        run_chunks(_fail_on, None, [1], scheduler="tcp://127.0.0.1:1")


@pytest.mark.parametrize("kw, match, declared", [
    (dict(workers=2, scheduler="tcp://127.0.0.1:1"), "not both", "not both"),
    (dict(workers=0), "workers must be a whole number >= 1", "workers must be >= 1"),
    (dict(workers=300), None, "workers must be .*<= 256"),
    (dict(scheduler=" "), "scheduler must be an address", "scheduler must be an address"),
])
def test_bad_options(kw, match, declared):
    if match is not None:
        with pytest.raises(LedgerError, match=match):
            run_chunks(_fail_on, None, [1], **kw)
    with pytest.raises(LedgerError, match=declared):
        ClusterParams.of(**kw)


def test_describe_and_runner_slots(address):
    assert describe(None, None) == "in process"
    assert describe(3, None) == "local dask cluster, 3 workers on 127.0.0.1"
    with connect(scheduler=address) as runner:
        assert runner.slots == 2 and runner.where == f"dask scheduler {address}"


def _die(shared, task):
    os._exit(1)


def test_a_worker_that_dies_is_named(monkeypatch):
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with pytest.raises(LedgerError, match="a Dask worker died running _die"):
            run_chunks(_die, None, [1], workers=1)


def test_a_connected_client_is_used_and_left_open(address):
    # how Coiled and dask-kubernetes hand over their clusters: cluster.get_client()
    with distributed.Client(address) as client:
        values = np.arange(5)
        assert run_chunks(_slow_square, values, [(4, 0.0), (1, 0.0)], scheduler=client) == [16, 1]
        assert describe(None, client) == f"dask scheduler {address}"
        assert client.status == "running"
        assert client.submit(sum, [1, 2]).result() == 3
