"""Audit the pinned dependencies (constraints.txt) for known vulnerabilities: ``make audit``.

Runs pip-audit on every pinned version, without resolving or installing anything
(``--no-deps --disable-pip``), against the advisories PyPI publishes with each release (the
Python Packaging Advisory Database, via PyPI's JSON API; ``--service osv`` asks osv.dev
instead). When that service cannot be reached (an offline machine), it says so and exits 0: the
audit is skipped, not passed. Exit 1 when a pinned version has a known vulnerability.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBES = {"pypi": "https://pypi.org/pypi/pip/json", "osv": "https://api.osv.dev/v1/vulns/PYSEC-2023-228"}


def reachable(url: str, timeout: float = 10.0) -> str | None:
    """None if ``url`` answers, else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read(1)
        return None
    except Exception as e:  # no network, DNS, proxy, TLS ...
        return f"{type(e).__name__}: {e}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", choices=sorted(PROBES), default="pypi")
    parser.add_argument("--constraints", type=Path, default=ROOT / "constraints.txt")
    args = parser.parse_args(argv)
    if not args.constraints.exists():
        print(f"audit: {args.constraints} is missing: run `make constraints`")
        return 1
    tool = shutil.which("pip-audit") or str(Path(sys.executable).with_name("pip-audit"))
    if not Path(tool).exists():
        print("audit: pip-audit is not installed (it is in the dev extra: `make setup`)")
        return 1
    why = reachable(PROBES[args.service])
    if why:
        print(f"audit skipped: the advisory service ({args.service}, {PROBES[args.service]}) cannot be "
              f"reached ({why}); run `make audit` where it can")
        return 0
    cmd = [tool, "-r", str(args.constraints), "--no-deps", "--disable-pip", "--progress-spinner", "off",
           "--vulnerability-service", args.service]
    print("audit:", " ".join(cmd), flush=True)
    return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())
