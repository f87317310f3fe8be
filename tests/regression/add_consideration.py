"""Give the frozen copy the consideration column and deposit kind of issue 11 (see README.md):
the same values the bundled data's batch sets. Run from the repository root."""
from pathlib import Path

from loopledger import Ledger

here = Path(__file__).parent
src = Path("tools/data_edits/2026_12_07_00_consideration.py").read_text()
table = src[src.index("CONSIDERATION = {"):src.index("}\n", src.index("CONSIDERATION = {")) + 1]
ns: dict = {}
exec(table, ns)
led = Ledger.in_memory()
led.import_path(here / "ledger_2026_12_06", actor="snapshot")
for deal_id, (value, words) in ns["CONSIDERATION"].items():
    d = led.record("deals", deal_id)
    led.amend("deals", deal_id, {"consideration": value}, source=d.sources[0], reason=words)
d = led.record("deals", "nvda-crusoe-deposit")
led.amend("deals", "nvda-crusoe-deposit", {"kind": "deposit"}, source=d.sources[0], reason="deposit kind")
led.export(here / "ledger_2026_12_06")
for extra in ("changelog.csv", "changelog_records.csv"):
    (here / "ledger_2026_12_06" / extra).unlink(missing_ok=True)
