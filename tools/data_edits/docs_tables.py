"""Rewrite the generated sections of docs/data.md from the bundled data.

docs/data.md holds three lists that must match the data (tests/data checks that they do):
the coverage counts, the deals in scope without a primary source, and the buffer facts still
missing for the companies of the stress tests. Run after every batch:

    .venv/bin/python tools/data_edits/docs_tables.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

import pandas as pd  # noqa: E402

from loopledger import load_default  # noqa: E402
from loopledger.ledger.data import (  # noqa: E402
    REQUIRED_FAMILIES,
    buffer_facts,
    source_gaps,
)

DOC = ROOT / "docs" / "data.md"
#: the companies of the loops and the stress tests whose buffers issue 7 asks for
BUFFER_COMPANIES = [
    "nvidia", "openai", "microsoft", "oracle", "amazon", "google", "meta", "anthropic",
    "coreweave", "amd", "broadcom", "softbank", "xai", "spacex", "nebius", "nscale", "cerebras",
    "intel", "crusoe", "lambda", "iren", "fluidstack", "terawulf", "cipher-mining",
    "vantage-data-centers",
]
#: the date the tables describe (the dataset's compilation date, so the docs do not age)
AS_OF = "2026-11-26"


def replace(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"docs/data.md has no '{name}' markers")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def main() -> None:
    ledger = load_default()
    gaps = source_gaps(ledger, as_of=AS_OF)
    c = gaps.counts
    counts = (
        f"- Deals in scope (the {gaps.top} largest by high amount, and every stake): {c['in_scope']}; "
        f"with a primary source: {c['with_primary']}; without: {c['without_primary']}.\n"
        f"- All deals: {c['all_deals']}; with a primary source: {c['all_with_primary']}.\n"
    )
    lines = ["| deal | payer → payee | high (USD bn) | scope | source types |",
             "|---|---|---|---|---|"]
    for r in gaps.to_frame().itertuples():
        high = "—" if r.amount_high != r.amount_high else f"{r.amount_high:g}"
        lines.append(f"| `{r.id}` | {r.payer} → {r.payee} | {high} | {r.scope.replace('|', ', ')} | {r.source_types.replace('|', ', ')} |")
    table = buffer_facts(ledger, companies=BUFFER_COMPANIES, as_of=AS_OF).to_frame()
    blines = ["| company | missing buffer facts | full |", "|---|---|---|"]
    for r in table.to_dict(orient="records"):
        missing = [f for f in REQUIRED_FAMILIES if pd.isna(r[f])]
        blines.append(f"| `{r['company']}` | {', '.join(missing) or '—'} | {'yes' if r['full'] else 'no'} |")
    text = DOC.read_text(encoding="utf-8")
    text = replace(text, "counts", counts)
    text = replace(text, "gaps", "\n".join(lines) + "\n")
    text = replace(text, "buffers", "\n".join(blines) + "\n")
    DOC.write_text(text, encoding="utf-8")
    print(f"docs/data.md: {c['without_primary']} gaps, {int(table['full'].sum())} companies with full buffers")


if __name__ == "__main__":
    main()
