"""Rebuild the bundled tables from the change sets (docs/data.md, "Change sets").

Applies ``src/loopledger/ledger/data/changes/*.yaml`` in name order to an empty ledger and
writes the tables (``sources.csv`` ... ``facts.csv``), ``changelog.csv`` and
``changelog_records.csv`` into ``src/loopledger/ledger/data/``, then the generated lists of
docs/data.md (coverage, deals without a primary source, buffers). Run it after adding a change
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
             "assets.csv", "pledges.csv", "guarantees.csv",
             "changelog.csv", "changelog_records.csv")


DOC = ROOT / "docs" / "data.md"
#: the date the generated lists describe (fixed, so the docs do not age)
AS_OF = "2026-12-07"


def _replace(text: str, name: str, body: str) -> str:
    import re

    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"docs/data.md has no '{name}' markers")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def docs_text() -> str:
    """docs/data.md with its generated lists (coverage counts, deals without a primary source,
    buffers) as the bundled data gives them."""
    from loopledger import load_default
    from loopledger.ledger.data import buffer_facts, source_gaps

    ledger = load_default()
    gaps = source_gaps(ledger, as_of=AS_OF)
    c = gaps.counts
    counts = (
        f"- Deals in scope (the {gaps.top} largest by high amount, and every stake): {c['in_scope']}; "
        f"with a primary source: {c['with_primary']}; without: {c['without_primary']}, each with its reason.\n"
        f"- All deals: {c['all_deals']}; with a primary source: {c['all_with_primary']}.\n"
        f"- Data reaches: latest event {ledger.latest_event()}.\n"
    )
    lines = ["| deal | payer → payee | high (USD bn) | source types | why no primary source |",
             "|---|---|---|---|---|"]
    for r in gaps.to_frame().itertuples():
        high = "—" if r.amount_high != r.amount_high else f"{r.amount_high:g}"
        lines.append(f"| `{r.id}` | {r.payer} → {r.payee} | {high} | {r.source_types.replace('|', ', ')} | {r.reason} |")
    table = buffer_facts(ledger, as_of=AS_OF).to_frame()
    blines = ["| company | kind | buffer | missing | why |", "|---|---|---|---|---|"]
    for r in table.to_dict(orient="records"):
        kind = "listed" if r["listed"] else "private"
        has = "by rule" if r["by_rule"] else "yes" if r["has_buffer"] else "no"
        blines.append(f"| `{r['company']}` | {kind} | {has} | "
                      f"{', '.join(r['missing']) or '—'} | {r['why'] if isinstance(r['why'], str) else ''} |")
    text = DOC.read_text(encoding="utf-8")
    text = _replace(text, "counts", counts)
    text = _replace(text, "gaps", "\n".join(lines) + "\n")
    text = _replace(text, "buffers", "\n".join(blines) + "\n")
    return text


def main(check: bool = False) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        reports = changes.build(DATA / "changes", tmp)
        differ = [n for n in GENERATED if not (DATA / n).exists() or not filecmp.cmp(Path(tmp) / n, DATA / n, shallow=False)]
        if check:
            print("bundled tables are current" if not differ else f"out of date: {', '.join(differ)}")
            return 1 if differ else 0
        for n in GENERATED:
            (DATA / n).write_bytes((Path(tmp) / n).read_bytes())
    DOC.write_text(docs_text(), encoding="utf-8")
    for r in reports:
        print(f"{r.id}: added {changes.counts_text(r.counts('added')) or '-'}; changed "
              f"{changes.counts_text(r.counts('changed')) or '-'}; retracted {changes.counts_text(r.counts('retracted')) or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main("--check" in sys.argv[1:]))
