"""Run Monte Carlo chunks in this process or on a Dask cluster, with a Rich progress bar.

Chunks carry their own seeds (``SeedSequence(seed).spawn(n_chunks)``), so where they run does
not change what they compute: the results are gathered back in chunk order. The runner itself
is :mod:`loopledger.cluster`, shared by every model that runs on Dask (cycle search, the "too
big to fail" table); this module keeps the names the stress models import. Dask is an
optional extra (``pip install 'loopledger[dask]'``), imported only when ``workers`` or
``scheduler`` is given. ``scheduler="tcp://HOST:PORT"`` uses a running cluster;
``workers=N`` starts a local one on 127.0.0.1 for the duration of the run.
"""

from __future__ import annotations

from ..cluster import connect, describe, run_chunks

__all__ = ["connect", "describe", "run_chunks"]
