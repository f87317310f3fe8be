"""Snapshot of the numbers measure, stress, systemic and /api/network gave before the one-house
restructuring (issue 11), on a frozen copy of the bundled data."""
import json, sys
from pathlib import Path
from loopledger import Ledger
from loopledger.results import jsonable

here = Path("tests/regression")
led = Ledger.in_memory()
led.import_path(here / "ledger_2026_12_06", actor="snapshot")
out = {}
import loopledger
for d in ("2025-12-31", "2026-06-30"):
    h = loopledger.measure(led, as_of=d).to_dict()
    out[f"measure:{d}"] = {k: h[k] for k in ("circulation", "cycles", "top_cycles", "round_trip", "promises", "lookthrough")}
    s = loopledger.stress(led, fail=["OpenAI"], as_of=d).to_dict()
    out[f"stress:{d}"] = {"companies": s["companies"], "totals": s["totals"]}
    s2 = loopledger.stress(led, fail=["OpenAI"], as_of=d, recovery=0.4, substitution=0.5, lag_quarters=2, model="cascade").to_dict()
    out[f"stress-cascade:{d}"] = {"companies": s2["companies"], "totals": s2["totals"]}
    t = loopledger.systemic(led, as_of=d).to_dict()
    out[f"systemic:{d}"] = t["table"]
    from loopledger.web.graph import map_view
    from datetime import date
    m = map_view(led, date.fromisoformat(d), statuses=None)
    out[f"network:{d}"] = {"nodes": [{k: n[k] for k in ("id", "name", "type", "valuation", "size", "legs")} for n in m["nodes"]],
                           "edges": [{k: e[k] for k in ("id", "source", "target", "kind", "status", "amount", "amount_low", "amount_high", "in_flow", "include_in_totals")} for e in m["edges"]]}
    m2 = map_view(led, date.fromisoformat(d), statuses=["funded", "funded_partial", "definitive"])
    out[f"network-binding:{d}"] = {"edges": [{k: e[k] for k in ("id", "amount", "in_flow")} for e in m2["edges"]]}
(here / "before_restructuring.json").write_text(json.dumps(jsonable(out), indent=1, sort_keys=True, allow_nan=False) + "\n")
print({k: len(json.dumps(jsonable(v))) for k, v in out.items()})
