"""The ``loopledger`` command. Each module below adds its commands to the one Typer app."""

import sys

from . import ledger_cmds  # noqa: F401  (registers the commands)
from .app import app, run

__all__ = ["app", "main"]


def main() -> None:
    sys.exit(run())
