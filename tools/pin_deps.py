"""Write constraints.txt: the exact version of every package in the venv (``make constraints``).

``make setup`` installs with ``pip install -c constraints.txt``, so CI and every developer get
the versions tested here; ``make audit`` checks this pinned set for known vulnerabilities.
Regenerate after adding or upgrading a dependency: ``make constraints``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEADER = """\
# The versions `make setup` (and so CI) installs: pip install -c constraints.txt -e '.[...]'.
# Generated from a working venv by `make constraints` (tools/pin_deps.py); audited for known
# vulnerabilities by `make audit` (tools/audit_deps.py). Do not edit by hand.
"""


def main() -> int:
    out = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
                         check=True, capture_output=True, text=True).stdout
    pins = sorted((line for line in out.splitlines()
                   if "==" in line and not line.lower().startswith("loopledger==")), key=str.lower)
    target = Path(__file__).resolve().parents[1] / "constraints.txt"
    target.write_text(HEADER + "\n".join(pins) + "\n")
    print(f"{target}: {len(pins)} packages pinned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
