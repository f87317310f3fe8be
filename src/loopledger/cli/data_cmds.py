"""Dataset commands (``loopledger data ...``): apply change sets, the changelog, the deals that
still lack a primary source, and the buffer facts per company. Thin skins over
:mod:`loopledger.ledger.changes` (``apply_all``, ``schema``) and :mod:`loopledger.ledger.data`
(``changelog``, ``source_gaps``, ``buffer_facts``)."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..vocabulary import BUFFER_BY_RULE
from .app import AsOfOption, JsonOption, app, console, emit_json, money, open_ledger, table

data_app = typer.Typer(
    help="Change sets, and the bundled dataset's changelog, source gaps and buffer facts (docs/data.md).",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")

BundledDbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="Read this ledger (URL or file) instead of the bundled dataset.",
                 show_default=False),
]


def _ledger(db: str | None):
    """The ledger named by --db, else the bundled dataset in memory (these commands describe
    the data, so they need no database)."""
    if db:
        return open_ledger(db, create=False)
    from ..ledger import load_default

    return load_default()


@data_app.command("apply")
def apply_cmd(
    path: Annotated[Path, typer.Argument(help="A change set (YAML) or a folder of them, applied in name order.")],
    db: Annotated[Optional[str], typer.Option("--db", help="Database URL or file (default: $LOOPLEDGER_DB or the "
                                              "user's ledger).", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the (first unapplied) change set; write nothing.")] = False,
    actor: Annotated[Optional[str], typer.Option(help="Who applies it, for the audit trail (default $LOOPLEDGER_ACTOR "
                                                 "or the user).")] = None,
    json: JsonOption = False,
) -> None:
    """Apply change sets: each is validated whole, then written in one transaction, or not at
    all; every change is audited under the change set's id. Applying one again changes nothing."""
    from ..ledger.changes import apply_all, counts_text

    ledger = open_ledger(db)
    reports = apply_all(ledger, path, actor=actor, dry_run=dry_run)
    if json:
        emit_json(reports)
        return
    con = console()
    for r in reports:
        parts = [f"{w} {counts_text(r.counts(w))}" for w in ("added", "changed", "retracted") if r.counts(w)]
        con.print(f"{r.id}: {r.status}" + (f" ({'; '.join(parts)})" if parts else ""), markup=False)
        if r.skipped and r.status != "already applied":
            con.print(f"  {len(r.skipped)} already present, skipped", markup=False)


@data_app.command("schema")
def schema_cmd() -> None:
    """The JSON schema of a change set file (docs/data.md, "Change sets")."""
    from ..ledger.changes import schema

    print(jsonlib.dumps(schema(), indent=2))


@data_app.command("changelog")
def changelog_cmd(
    db: BundledDbOption = None,
    json: JsonOption = False,
) -> None:
    """What was added or changed in the dataset, when and why: one entry per change set
    (with --db, the change sets recorded in that ledger)."""
    from ..ledger.data import changelog_dict, changelog_rows

    entries, records = changelog_rows(ledger=open_ledger(db, create=False)) if db else changelog_rows()
    if json:
        emit_json(changelog_dict(entries, records))
        return
    rows = [[e["entry"], e["date"], e["summary"], e["added"] or "", e["changed"] or "", e["retracted"] or "", e["why"]]
            for e in entries]
    console().print(table("Dataset changelog", ["entry", "date", "what", "added", "changed",
                                                "retracted", "why"], rows))


@data_app.command("gaps")
def gaps_cmd(
    db: BundledDbOption = None,
    top: Annotated[int, typer.Option(help="How many of the largest deals (by high amount) are in scope, with every stake.")] = 50,
    all_deals: Annotated[bool, typer.Option("--all", help="Put every deal in scope.")] = False,
    as_of: AsOfOption = None,
    json: JsonOption = False,
) -> None:
    """Deals of the largest flows (and every stake) without a primary source (filing, company
    release, court or government record), largest first, with the reason one is missing."""
    from ..ledger.data import source_gaps

    gaps = source_gaps(_ledger(db), top=top, as_of=as_of, all_deals=all_deals)
    if json:
        emit_json(gaps)
        return
    c = gaps.counts
    rows = [[r.id, f"{r.payer} -> {r.payee}", money(r.amount_high), r.source_types,
             r.reason if isinstance(r.reason, str) else "no reason documented"]
            for r in gaps.to_frame().itertuples()]
    con = console()
    con.print(table(f"{c['without_primary']} of {c['in_scope']} deals in scope have no primary "
                    f"source (as of {gaps.as_of}), largest first",
                    ["id", "payer -> payee", "high", "source types", "why none"], rows,
                    right={"high"}))
    con.print(f"With a primary source: {c['with_primary']} of {c['in_scope']} in scope; "
              f"{c['all_with_primary']} of {c['all_deals']} deals overall.", markup=False)


@data_app.command("buffers")
def buffers_cmd(
    db: BundledDbOption = None,
    company: Annotated[Optional[list[str]], typer.Option(help="Company id (repeatable); default every company in a binding deal of $1B or more.")] = None,
    all_companies: Annotated[bool, typer.Option("--all", help="Every company with a buffer fact instead.")] = False,
    as_of: AsOfOption = None,
    json: JsonOption = False,
) -> None:
    """Buffers per company (market value, book equity, cash, debt; revenue, net income,
    backlog): listed companies from filings, private ones from round valuations and reported
    cash (flagged); what is missing and why."""
    from ..ledger.data import buffer_facts

    result = buffer_facts(_ledger(db), companies=company, as_of=as_of, scope="all" if all_companies else "binding")
    if json:
        emit_json(result)
        return
    frame = result.to_frame()
    families = ["value", "book_equity", "cash", "debt"]

    def cell(r: dict, f: str) -> str:
        if r[f] is None or r[f] != r[f]:
            return "—"
        unit = r[f"{f}_unit"]
        value = money(r[f]) if unit == "USD bn" else f"{r[f]:,.4g} {unit}"
        return f"{value} ({r[f'{f}_metric']}, {r[f'{f}_as_of']})"

    def kind(r: dict) -> str:
        return "by rule (infinite)" if r.get("by_rule") else "listed" if r["listed"] else "private (flagged)"

    rows = [[r["company"], kind(r), *[cell(r, f) for f in families],
             ", ".join(r["missing"]) or "", r["why"] or ""]
            for r in frame.to_dict(orient="records")]
    con = console()
    scope = "every company in a binding deal of $1B or more" if result.scope == "binding" else "the companies asked for"
    con.print(table(f"Buffers as of {result.as_of}: {scope} (USD billions unless stated)",
                    ["company", "kind", *families, "missing", "why"], rows))
    if "has_buffer" in frame:
        without = list(frame.loc[~frame["has_buffer"].astype(bool), "company"])
        rule = result.by_rule
        counted = "market value, book equity or cash" + (
            f"; {len(rule)} {BUFFER_BY_RULE}: {', '.join(rule)}" if rule else "")
        con.print(f"{len(frame) - len(without)} of {len(frame)} have a buffer ({counted})"
                  + (f"; without: {', '.join(without)}" if without else "."), markup=False, soft_wrap=True)
