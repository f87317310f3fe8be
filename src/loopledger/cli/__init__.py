"""The ``loopledger`` command. Each ``*_cmds`` module adds its commands to the one Typer app."""

import importlib
import importlib.util
import sys

from .app import app, run

#: command modules, in the order their commands are listed in --help
COMMAND_MODULES = [
    "ledger_cmds",   # init, validate, import, export, deals, companies, show, history, summary ...
    "cycles_cmds",   # cycles
    "flows_cmds",    # circulation, significance, cycling-index
    "measure_cmds",  # promises, exposure, lookthrough, measure
    "stress_cmds",   # stress, systemic
    "web_cmds",      # serve, user
    "report_cmds",   # report
    "data_cmds",     # data changelog
]
for _name in COMMAND_MODULES:
    if importlib.util.find_spec(f"{__name__}.{_name}") is not None:
        importlib.import_module(f"{__name__}.{_name}")

__all__ = ["app", "main"]


def main() -> None:
    sys.exit(run())
