"""Rebuild the bundled tables from the change sets (docs/data.md, "Change sets").

Applies ``src/loopledger/ledger/data/changes/*.yaml`` in name order to an empty ledger and
writes the tables (``sources.csv`` ... ``facts.csv``), ``changelog.csv`` and
``changelog_records.csv`` into ``src/loopledger/ledger/data/``. Run it after adding a change
set; ``tests/data/test_changesets.py`` fails until the bundled files equal what it writes.

Usage: python tools/build_data.py [--check]
"""

from __future__ import annotations

import filecmp
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from loopledger.ledger import changes  # noqa: E402

DATA = ROOT / "src" / "loopledger" / "ledger" / "data"
GENERATED = ("sources.csv", "companies.csv", "deals.csv", "events.csv", "disbursements.csv", "facts.csv",
             "changelog.csv", "changelog_records.csv")


def main(check: bool = False) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        reports = changes.build(DATA / "changes", tmp)
        differ = [n for n in GENERATED if not (DATA / n).exists() or not filecmp.cmp(Path(tmp) / n, DATA / n, shallow=False)]
        if check:
            print("bundled tables are current" if not differ else f"out of date: {', '.join(differ)}")
            return 1 if differ else 0
        for n in GENERATED:
            (DATA / n).write_bytes((Path(tmp) / n).read_bytes())
    for r in reports:
        print(f"{r.id}: added {changes.counts_text(r.counts('added')) or '-'}; changed "
              f"{changes.counts_text(r.counts('changed')) or '-'}; retracted {changes.counts_text(r.counts('retracted')) or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main("--check" in sys.argv[1:]))
