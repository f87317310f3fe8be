"""The CLI is a thin skin over the Python API, option for option (STYLE.md): every option of a
command is a parameter of the API function it calls, with the same name (``--max-len`` is
``max_len=``) and the same default, or one of the few options that only make sense on a command
line (output format, table length, database). A difference fails here."""

from __future__ import annotations

import inspect

import pytest
import typer.main

import loopledger
from loopledger.cli import app
from loopledger.ledger import Ledger
from loopledger.ledger.units import derive_amounts
from loopledger.ledger.view import View
from loopledger.measures.ena import cycling_index_from_network
from loopledger.measures.lookthrough import lookthrough, lookthrough_from_ledger

#: options that belong to the command line only
CLI_ONLY = {"db", "json", "top", "edges", "quiet", "help"}

#: command -> the API callables whose parameters its options are (a View's options included)
API = {
    "cycles": [loopledger.cycles, View.of],
    "circulation": [loopledger.circulation, View.of],
    "reciprocity": [loopledger.reciprocity, View.of],
    "significance": [loopledger.significance, View.of],
    "cycling-index": [cycling_index_from_network, View.of],
    "promises": [loopledger.promises],
    "claims": [loopledger.claims],
    "exposure": [loopledger.exposure, derive_amounts],
    "units": [derive_amounts],
    "lookthrough": [lookthrough, lookthrough_from_ledger],
    "measure": [loopledger.measure],
    "stress": [loopledger.stress, loopledger.monte_carlo],
    "systemic": [loopledger.systemic],
    "sensitivity": [loopledger.sensitivity],
    "summary": [Ledger.summary],
    "deals": [Ledger.deals],
    "facts": [Ledger.facts],
}

#: options that deliberately differ, and why
EXCEPTIONS = {
    ("cycles", "max_len"): "0 on the command line means no bound (None in the API)",
    ("cycles", "max_cycles"): "default None in both; typer shows it as an int option",
    ("exposure", "company"): "the command shows one company's rows of the API's result",
    ("promises", "series"): "the command prints the quarterly series only when asked; the API computes it",
    ("lookthrough", "stake_low"): "with stake_high, the API's stake_range=(low, high)",
    ("lookthrough", "stake_high"): "with stake_low, the API's stake_range=(low, high)",
    ("cycling-index", "input_"): "NODE=VALUE items merged into the API's inputs= mapping",
    ("cycling-index", "facts"): "whether the command passes the ledger= for boundary inputs from facts",
}


def _commands():
    group = typer.main.get_command(app)
    for name, cmd in group.commands.items():
        yield name, cmd  # a group's own options too (`facts` lists facts; `facts import-sec` imports)
        for sub, subcmd in getattr(cmd, "commands", {}).items():  # typer vendors its own click
            yield f"{name} {sub}", subcmd


COMMANDS = dict(_commands())


@pytest.mark.parametrize("command", sorted(API))
def test_every_option_is_an_api_parameter_of_the_same_name_and_default(command):
    params = {}
    for fn in API[command]:
        for p in inspect.signature(fn).parameters.values():
            params.setdefault(p.name, p)
    problems = []
    for opt in COMMANDS[command].params:
        if opt.name in CLI_ONLY or (command, opt.name) in EXCEPTIONS:
            continue
        if opt.param_type_name != "option" or opt.hidden:  # hidden: an old spelling naming the new one
            continue
        if opt.name not in params:
            problems.append(f"--{opt.name.replace('_', '-')}: no API parameter named {opt.name}")
            continue
        flag = "--" + opt.name.replace("_", "-")
        if flag not in opt.opts:
            problems.append(f"{opt.opts[0]}: the API calls it {opt.name}= (flag {flag})")
        api_default = params[opt.name].default
        if api_default is inspect.Parameter.empty or opt.multiple or opt.default is None:
            continue
        cli_default = opt.default
        if isinstance(api_default, bool) or isinstance(cli_default, bool):
            same = bool(api_default) == bool(cli_default)
        elif isinstance(api_default, (int, float)):
            try:
                same = float(cli_default) == float(api_default)
            except (TypeError, ValueError):
                same = False
        else:
            same = str(cli_default) == str(api_default)
        if not same:
            problems.append(f"{opt.opts[0]}: default {cli_default!r} on the command line, {api_default!r} in the API")
    assert not problems, problems


def test_the_checks_see_the_options():
    # the comparison above reads real options (a guard against a check that passes vacuously)
    names = {p.name for p in COMMANDS["stress"].params if p.param_type_name == "option"}
    assert {"recovery", "substitution", "as_of", "statuses", "scenarios"} <= names


def test_every_measure_and_stress_command_is_checked():
    measured = {"cycles", "circulation", "reciprocity", "significance", "cycling-index", "promises",
                "exposure", "units", "lookthrough", "measure", "stress", "systemic", "sensitivity"}
    assert measured <= set(API) and measured <= set(COMMANDS)
