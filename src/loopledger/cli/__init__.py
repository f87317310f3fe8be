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
    sys.exit(run())
