"""The ``loopledger`` command. Each ``*_cmds`` module adds its commands to the one Typer app;
they are imported here in the order their commands are listed in ``--help``."""

import sys

from . import (  # noqa: F401 - imported for the commands they register
    backup_cmds,  # backup, restore
    claims_cmds,  # claims
    cycles_cmds,  # cycles
    data_cmds,  # data changelog, gaps, buffers
    flows_cmds,  # circulation, significance, cycling-index
    ledger_cmds,  # init, validate, import, export, deals, companies, show, history, summary ...
    measure_cmds,  # promises, exposure, lookthrough, measure
    report_cmds,  # report
    stress_cmds,  # stress, systemic
    web_cmds,  # serve, user
)
from .app import app, run

__all__ = ["app", "main"]


def main() -> None:
    """The console script: run the app, then leave without tearing the interpreter down."""
    _leave(run())


def _leave(code: int) -> None:
    """Exit with ``code`` once the output is flushed and the exit handlers have run (open
    files, temporary folders, clusters, logging: whatever registered one), skipping only the
    interpreter's own teardown: freeing every module and object one by one took 70 ms of a
    short command's half second, and nothing is left to do by then."""
    import atexit
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # a reader that went away, a closed stream
            pass
    atexit._run_exitfuncs()
    os._exit(code)
