"""``loopledger serve`` in a child process, for notebooks, tests and benchmarks.

>>> with ServerProcess("sqlite:///ledger.db") as server:     # doctest: +SKIP
...     print(server.url)                                      # http://127.0.0.1:PORT
...     # open server.url in a browser or query server.url + "/api/network"

The server runs the same command a user types, on a free port of the loopback interface
(unless told otherwise), and the context manager waits until it answers ``/healthz`` before
returning, then stops it (terminate, then kill after 10 s) on exit, whatever happened.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from ..errors import LedgerError


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class ServerProcess:
    """Run ``loopledger serve --db DB`` in a child process while the ``with`` block runs.

    Parameters
    ----------
    db : database URL or path (as ``--db``).
    host : interface (default 127.0.0.1).
    port : TCP port (default: a free one).
    private : pass ``--private``.
    env : extra environment variables (e.g. ``LOOPLEDGER_SECRET``).
    log : file receiving the server's output (default: discarded).
    timeout : seconds to wait for the server to answer.
    args : more options of ``loopledger serve`` (e.g. ``["--proxy-headers"]``).
    edges : an edge list to show instead of the ledger (``serve --edges``; ``db`` is then
        ignored).
    workers : worker processes (``serve --workers``; default 1, so that the sign-in
        throttle and the view rate limit count every request; None: one per core).
    """

    def __init__(self, db: str, host: str = "127.0.0.1", port: int | None = None,
                 private: bool = False, env: dict[str, str] | None = None,
                 log: str | Path | None = None, timeout: float = 60.0, args: list[str] | None = None,
                 edges: str | Path | None = None, workers: int | None = 1):
        self.db, self.host, self.port = db, host, port or free_port(host)
        self.private, self.env, self.log_path, self.timeout = private, env or {}, log, timeout
        self.args = list(args or [])
        self.edges = edges
        self.workers = workers
        self.url = f"http://{host}:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log: Any = None

    def __enter__(self) -> ServerProcess:
        args = [sys.executable, "-c", "from loopledger.cli import main; main()", "serve",
                "--host", self.host, "--port", str(self.port)]
        args += ["--edges", str(self.edges)] if self.edges is not None else ["--db", self.db]
        if self.private:
            args.append("--private")
        if self.workers is not None and self.edges is None:
            args += ["--workers", str(self.workers)]
        args += self.args
        self._log = open(self.log_path, "w") if self.log_path else open(os.devnull, "w")
        self.process = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT,
                                        env={**os.environ, **self.env})
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    where = f"; see {self.log_path}" if self.log_path else ""
                    raise LedgerError(f"loopledger serve did not start on {self.url}{where}") from None
                time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
