"""Start the dataset changelog with the two changes made before it existed.

1. The conversion of the research dataset (``tools/convert_research.py``, commit e69509f):
   every research row became records; the records are not itemised (all of them).
2. The coordinator's look-through inputs (commit 406c4ac): three Microsoft facts from the
   10-Q for the quarter to 2025-09-30, with three SEC filing pages and a press report of the
   pre-recapitalisation stake as sources, and the 10-Q added as a second source of the
   equity-method fact.

Re-running rewrites the same two entries (idempotent); later entries are kept.
"""

from __future__ import annotations

from _batch import CHANGELOG, CHANGELOG_RECORDS, data_dir, read_csv, write_changelog

CONVERSION = dict(
    entry="2026-11-26-00",
    date="2026-11-26",
    summary="Bundled dataset converted from the research dataset (174 deal rows, 68 companies, "
            "87 company metrics)",
    why="First version of the bundled data: each research row became records; statuses became "
        "dated event histories, sources were deduplicated by URL and typed, overlap notes became "
        "overlap relations (see tools/convert_research.py for every choice made)",
    added="sources:277|companies:68|deals:174|events:251|facts:87",
    changed="",
    retracted="",
    script="tools/convert_research.py",
)

LOOKTHROUGH = dict(
    entry="2026-11-26-01",
    date="2026-11-26",
    summary="Microsoft 10-Q inputs of the OpenAI equity-method look-through estimate",
    why="The look-through estimate (METHODS.md section 8.3) needs the pre-tax OpenAI investment "
        "loss and Microsoft's stake before and after the recapitalisation, sourced from the "
        "10-Q itself rather than press summaries",
    added="sources:4|facts:3",
    changed="facts:1",
    retracted="",
    script="(coordinator, commit 406c4ac)",
)
LOOKTHROUGH_RECORDS = [
    ("sources", "src-9d5833bc1141", "added"),
    ("sources", "src-ac432212b68d", "added"),
    ("sources", "src-bebfdf4a3dfa", "added"),
    ("sources", "src-ed53200e5bb6", "added"),
    ("facts", "microsoft/openai_investment_loss_pretax/2025-09-30", "added"),
    ("facts", "microsoft/openai_stake_pct/2025-06-30", "added"),
    ("facts", "microsoft/openai_stake_pct/2025-10-28", "added"),
    ("facts", "microsoft/openai_equity_method_net_income_hit/2025-09-30", "changed"),
]


def main() -> None:
    out = data_dir()
    mine = {CONVERSION["entry"], LOOKTHROUGH["entry"]}
    log = [r for r in read_csv(out / CHANGELOG) if r["entry"] not in mine]
    recs = [r for r in read_csv(out / CHANGELOG_RECORDS) if r["entry"] not in mine]
    recs += [dict(entry=LOOKTHROUGH["entry"], table=t, record=i, action=a)
             for t, i, a in LOOKTHROUGH_RECORDS]
    write_changelog([CONVERSION, LOOKTHROUGH, *log], recs)
    print("changelog: conversion and look-through entries written")


if __name__ == "__main__":
    main()
