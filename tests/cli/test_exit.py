"""The console script leaves without the interpreter's teardown (``loopledger.cli._leave``):
its exit code is the command's, everything it printed arrives whole, and the exit handlers
still run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from loopledger.ledger import Ledger

SCRIPT = ("import atexit, sys; atexit.register(lambda: print('exit handler ran', file=sys.stderr)); "
          "sys.argv = ['loopledger', *sys.argv[1:]]; from loopledger.cli import main; main()")


def _run(tmp_path, *args):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    if not (tmp_path / "ledger.db").exists():
        Ledger.open(url).init()
    env = dict(os.environ, LOOPLEDGER_DB=url, XDG_DATA_HOME=str(tmp_path))
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_output_arrives_whole_and_the_exit_handlers_run(tmp_path):
    r = _run(tmp_path, "deals", "--json")
    assert r.returncode == 0, r.stderr
    legs = json.loads(r.stdout)  # the whole document, flushed before the exit
    assert len(legs) > 100 and {"id", "payer", "payee"} <= set(legs[0])
    assert "exit handler ran" in r.stderr


def test_the_exit_code_is_the_commands(tmp_path):
    r = _run(tmp_path, "show", "no-such-deal")
    assert r.returncode == 1
    assert "no deal with id 'no-such-deal'" in r.stderr and "exit handler ran" in r.stderr
    r = _run(tmp_path, "deals", "--no-such-option")
    assert r.returncode == 2 and "exit handler ran" in r.stderr
