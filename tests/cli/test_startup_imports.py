"""The commands that only read and print start without the numeric stack (issue 15, target 2).

Each command runs in a fresh interpreter, as the ``loopledger`` console script runs it, on an
SQLite ledger made by ``init``; afterwards none of pandas, numpy, scipy or numba may have been
imported. This checks what is imported, never how long it takes (speed is measured by
``python -m bench startup``, not here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from loopledger.ledger import Ledger

HEAVY = ("pandas", "numpy", "scipy", "numba")

#: run the command as the console script does (``main`` is ``run`` followed by an exit that
#: skips the interpreter's teardown, so the probe calls ``run``), then report the heavy modules
#: it imported
PROBE = """
import json, sys
from loopledger.cli import run
code = run()
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
print("\\nPROBE " + json.dumps({"code": code, "heavy": heavy}))
""".replace("HEAVY", repr(HEAVY))


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('startup') / 'ledger.db'}"
    ledger = Ledger.open(url)
    ledger.init()
    return url, ledger.deal_rows()[0]["id"]


COMMANDS = [
    ["summary", "--json"], ["summary"], ["deals"], ["deals", "--json"], ["companies"], ["companies", "--json"],
    ["show", "DEAL"], ["show", "DEAL", "--json"], ["history", "DEAL"], ["history", "DEAL", "--json"],
    ["data", "changelog"], ["data", "changelog", "--json"], ["user", "list"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_reading_commands_import_no_numeric_library(ledger_db, tmp_path, args):
    url, deal = ledger_db
    env = dict(os.environ, LOOPLEDGER_DB=url, XDG_DATA_HOME=str(tmp_path))
    argv = [deal if a == "DEAL" else a for a in args]
    r = subprocess.run([sys.executable, "-c", PROBE, *argv], env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in r.stdout.splitlines() if line.startswith("PROBE ")]
    assert lines, f"no probe line; stderr: {r.stderr[-2000:]}"
    probe = json.loads(lines[-1][len("PROBE "):])
    assert probe["code"] in (0, None), r.stderr[-2000:]
    assert probe["heavy"] == [], f"`loopledger {' '.join(args)}` imported {probe['heavy']}"
