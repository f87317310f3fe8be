"""constraints.txt pins every dependency pyproject.toml declares (issue 16, finding 10), so that
`make setup` and CI install exactly the tested versions; a new dependency without a pin fails
here until `make constraints` is run."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]).lower()


def test_every_declared_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    for extra in ("postgres", "dask", "dev"):
        declared |= {_name(r) for r in project["optional-dependencies"][extra]}
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version and re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), line
            pins[_name(name)] = version
    assert declared - set(pins) == set()
    assert "loopledger" not in pins and {"pip", "setuptools", "wheel"} <= set(pins)


def test_make_installs_with_the_constraints_and_ci_audits_them():
    makefile = (ROOT / "Makefile").read_text()
    installs = [line for line in makefile.splitlines() if "pip install" in line]
    assert installs and all("-c constraints.txt" in line for line in installs)
    assert "make audit" in (ROOT / ".ci" / "run").read_text()
