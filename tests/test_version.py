"""One version number: the package's equals the one pyproject.toml builds."""

import tomllib
from pathlib import Path

import loopledger
from loopledger._version import __version__


def test_the_version_is_the_one_pyproject_builds():
    meta = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert meta["project"]["version"] == __version__ == loopledger.__version__
