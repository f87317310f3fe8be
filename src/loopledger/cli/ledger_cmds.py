"""Ledger commands: init, validate, import, export, deals, companies, facts, show, history,
summary, and the edits (event, amend, retract) with their audit trail."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import LedgerError
from ..ledger.dates import parse_as_of
from ..vocabulary import KINDS, STATUS_LABELS, STATUSES, label
from .app import AsOfOption, DbOption, JsonOption, app, console, counting, emit_json, money, open_ledger, table, text


def _short(meanings, code) -> str:
    """A code's short words (a kind or status), the code itself when unknown."""
    m = meanings.get(code) if isinstance(code, str) else None
    return m.short if m is not None else text(code)


def _total(values) -> float:
    """The sum of the known amounts (NaN when none is known: an unknown total is never 0)."""
    known = [v for v in values if v is not None and v == v]
    return math.fsum(known) if known else float("nan")


def _range(low, high) -> str:
    """USD billions ``low-high``, one figure when they agree; a dash when unknown."""
    if low is None or low != low:
        return money(high)
    if high is None or high != high or abs(high - low) < 1e-9:
        return money(low)
    if max(low, high) >= 100:  # wide figures on two lines: low-, then high
        return f"{money(low)}-\n{money(high)}"
    return f"{money(low)}-{money(high)}"


@app.command()
def init(
    db: DbOption = None,
    empty: Annotated[bool, typer.Option("--empty", help="Create the database without loading the bundled data.")] = False,
) -> None:
    """Create the database (if needed) and load the bundled AI-industry dataset."""
    ledger = open_ledger(db)
    counts = ledger.init(empty=empty)
    con = console()
    if counts:
        con.print(f"Loaded the bundled dataset into {ledger.store.engine.url!r}:", markup=False)
        for t, n in counts.items():
            con.print(f"  {t}: {n}", markup=False)
    elif empty:
        con.print(f"Created an empty ledger at {ledger.store.engine.url!r}", markup=False)
    else:
        con.print(f"Already initialised: {ledger.store.count('deals')} deals in {ledger.store.engine.url!r}", markup=False)


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="A table file (deals.csv, events.jsonl ...) or a folder of them.")],
    db: DbOption = None,
    standalone: Annotated[bool, typer.Option("--standalone", help="Check the files alone, not against the database.")] = False,
) -> None:
    """Check files without importing them. Prints PATH:ROW:COLUMN: reason per problem on
    stderr and exits 1; exits 0 when they can be imported."""
    from ..errors import ValidationError
    from ..ledger.storage import Store, default_url, make_engine
    from ..ledger.validate import validate_files

    known = None
    if not standalone:
        url = db or default_url()
        store = Store(make_engine(url))
        if store.has_schema():
            from ..ledger import Ledger

            known = Ledger(store).known()
    parsed, problems = validate_files(path, known)
    if problems:
        raise ValidationError(problems)
    n = sum(len(v) for v in parsed.records.values())
    console().print(f"OK: {n} records valid in {path}", markup=False)


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A table file or a folder of them (see `export`).")],
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="ledger (loopledger tables), ftm or edges.")] = "ledger",
    reason: Annotated[Optional[str], typer.Option(help="Why, for the audit trail.")] = None,
    default_status: Annotated[Optional[str], typer.Option(
        "--default-status", help="ftm/edges: status for legs whose input states none in loopledger's vocabulary.")] = None,
) -> None:
    """Validate, then import all rows in one transaction, or none. PATH '-' reads stdin (ftm, edges)."""
    ledger = open_ledger(db)
    if format == "ledger":
        counts = ledger.import_path(path, reason=reason)
    else:
        from ..interchange import import_format  # issue 6

        counts = import_format(ledger, path, format, reason=reason, default_status=default_status)
    con = console()
    con.print(f"Imported {sum(counts.values())} records from {path}:", markup=False)
    for t, n in counts.items():
        con.print(f"  {t}: {n}", markup=False)
    for what, n in getattr(counts, "skipped", {}).items():
        con.print(f"  skipped {what}: {n}", markup=False)


@app.command()
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder (csv, jsonl, tables-csv, parquet) or file to write; '-' for stdout (ftm, statements, gexf, graphml).")],
    format: Annotated[str, typer.Option("--format", help="csv or jsonl (the ledger's tables), ftm, statements, gexf, graphml, kumu, tables-csv, parquet or xlsx (docs/interchange.md).")] = "csv",
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Write the whole ledger as one file per table (sources, companies, deals, events, facts),
    or in a format other tools open."""
    ledger = open_ledger(db)
    if format in ("csv", "jsonl"):
        files = ledger.export(output, format)
    else:
        from ..interchange import export_format  # issue 6

        files = export_format(ledger, output, format, as_of=as_of)
    for f in files:
        console().print(str(f), markup=False)


@app.command()
def deals(
    db: DbOption = None,
    company: Annotated[Optional[str], typer.Option(help="Legs this company pays or receives (name, alias or id).")] = None,
    kind: Annotated[Optional[list[str]], typer.Option(help="Deal kind (repeatable).")] = None,
    status: Annotated[Optional[list[str]], typer.Option(help="Status as of the date (repeatable).")] = None,
    as_of: AsOfOption = None,
    min_amount: Annotated[Optional[float], typer.Option(help="Keep legs of at least this many USD billions (high end).")] = None,
    json: JsonOption = False,
) -> None:
    """List deal legs with their status as of a date."""
    d = parse_as_of(as_of)  # once, before anything is opened
    ledger = open_ledger(db)
    legs = ledger.deal_rows(as_of=d, company=company, kind=kind, status=status, min_amount=min_amount)
    if json:
        emit_json(legs)
        return
    rows = [
        [r["id"], text(r["announced"]), f"{r['payer_name']} -> {r['payee_name']}", _short(KINDS, r["kind"]),
         _short(STATUSES, r["status"]),
         _range(r["amount_low"], r["amount_high"]) + ("" if r["include_in_totals"] else " *")]
        for r in legs
    ]
    counted = [r for r in legs if r["include_in_totals"]]
    total = ["total", "", f"{len(legs)} legs ({len(counted)} added)", "", "",
             _range(_total(r["amount_low"] for r in counted),
                    _total(r["amount_low"] if r["amount_high"] != r["amount_high"] else r["amount_high"]
                           for r in counted))]
    con = console()
    con.print(table(
        f"{len(legs)} deal legs as of {d} (USD billions, low-high)",
        ["id", "announced", "payer -> payee", "kind", "status", "USD bn"],
        rows, right={"USD bn"}, total=total,
    ))
    con.print("* a summary or subset leg: listed, not added to the total (its parts are). The total adds "
              "stated lows, and highs (the low where only 'more than' is known); legs with no amount are "
              "counted, never added as 0. Words for kinds and statuses: loopledger show ID.", markup=False)
    from ..ledger.view import View

    counting(con, View.of(as_of=d, statuses=status or None, kinds=kind or None))


@app.command()
def companies(db: DbOption = None, json: JsonOption = False) -> None:
    """List the companies, funds and vehicles in the ledger."""
    companies = open_ledger(db).company_rows()
    if json:
        emit_json(companies)
        return
    rows = [[r["id"], r["name"], label(r["type"]), text(r["ticker"]), text(r["country"]), text(r["parent"]),
             r["deal_count"]] for r in companies]
    console().print(table(f"{len(companies)} companies",
                          ["id", "name", "type", "ticker", "country", "parent", "deals"], rows, right={"deals"},
                          total=["total", f"{len(companies)} companies", "", "", "", "",
                                 sum(r["deal_count"] for r in companies)]))


facts_app = typer.Typer(help="List dated company facts, or import filed ones (facts import-sec).",
                        invoke_without_command=True, no_args_is_help=False)
app.add_typer(facts_app, name="facts")


@facts_app.callback()
def facts(
    ctx: typer.Context,
    db: DbOption = None,
    company: Annotated[Optional[str], typer.Option(help="Only this company.")] = None,
    metric: Annotated[Optional[list[str]], typer.Option(help="Only this metric (repeatable).")] = None,
    as_of: AsOfOption = None,
    latest: Annotated[bool, typer.Option("--latest", help="Only the latest value per company and metric.")] = False,
    json: JsonOption = False,
) -> None:
    """List dated company facts (valuation, revenue, loss, backlog ...) with their sources."""
    if ctx.invoked_subcommand is not None:
        return
    frame = open_ledger(db).facts(company=company, metric=metric, as_of=as_of, latest=latest)
    if json:
        emit_json(frame)
        return
    rows = [[r.company, r.metric, f"{r.value:,.4g} {r.unit}" + (f", {r.period}" if text(r.period) else "")
             + (" (derived)" if r.derived else ""), r.as_of, r.sources[0]["url"] if r.sources else ""]
            for r in frame.itertuples()]
    console().print(table(f"{len(frame)} facts", ["company id", "metric", "value, period", "as of", "source"], rows,
                          whole={"metric"}, total=[f"{len(frame)} facts", "", "", "", ""]))


@facts_app.command("import-sec")
def import_sec_cmd(
    path: Annotated[Path, typer.Argument(help="SEC companyfacts JSON: one CIK##########.json, a folder of them, or companyfacts.zip.")],
    db: DbOption = None,
    since: Annotated[Optional[str], typer.Option(help="Only periods ending on or after this date (YYYY-MM-DD).")] = None,
    json: JsonOption = False,
) -> None:
    """Record filed figures (equity, cash, marketable securities, debt, revenue, net income,
    remaining performance obligations) for the companies whose CIK the ledger knows; each
    sourced to its filing. Reads files only; importing again changes nothing."""
    from ..ledger.sec import import_sec

    result = import_sec(open_ledger(db), path, since=since)
    if json:
        emit_json(result)
        return
    con = console()
    counts = result.facts["action"].value_counts().to_dict() if not result.facts.empty else {}
    con.print(f"{path}: {result.status}; facts added {counts.get('added', 0)}, amended {counts.get('amended', 0)}",
              markup=False)
    for s in result.skipped:
        con.print(f"  skipped: {s}", markup=False)


@app.command()
def show(deal_id: Annotated[str, typer.Argument(help="Deal id.")], db: DbOption = None, json: JsonOption = False) -> None:
    """One deal: its fields, status history and sources."""
    d = open_ledger(db).deal(deal_id)
    if json:
        emit_json(d)
        return
    con = console()
    con.print(f"{d['id']}  ({d['group']})", markup=False, style="bold")
    skip = {"id", "group", "events", "sources", "notes"}
    for k, v in d.items():
        if k in skip or v in (None, [], ""):
            continue
        con.print(f"  {k:18} {v}", markup=False)
    if d.get("notes"):
        con.print(f"  notes              {d['notes']}", markup=False, soft_wrap=True)
    con.print("  sources:", markup=False)
    for s in d["sources"]:
        con.print(f"    - {s['publisher']} ({s['type']}, {s['date'] or 'undated'}): {s['url']}", markup=False)
    con.print("  status history:", markup=False)
    for e in d["events"]:
        flag = " [retracted]" if e["retracted"] else ""
        note = f" - {e['note']}" if e.get("note") else ""
        con.print(f"    {e['date']:10}  {e['status']}{note}{flag}", markup=False)


@app.command()
def history(deal_id: Annotated[str, typer.Argument(help="Deal id.")], db: DbOption = None, json: JsonOption = False) -> None:
    """A deal's dated status events and every recorded change to it."""
    events = open_ledger(db).history_rows(deal_id)
    if json:
        emit_json(events)
        return
    rows = [[text(r["date"]), r["kind"], text(r["status"]), text(r["what"]), text(r["sources"]), r["event"]]
            for r in events]
    console().print(table(f"History of {deal_id}", ["date", "kind", "status", "what", "sources", "event"], rows))


@app.command()
def summary(db: DbOption = None, as_of: AsOfOption = None, json: JsonOption = False) -> None:
    """Counts and headline dollars by status as of a date: how much of it is promises."""
    s = open_ledger(db).summary(as_of=as_of)
    if json:
        emit_json(s)
        return
    con = console()
    rows = []
    for status, v in s.by_status.items():
        split = (f"{money(v['paid'])} / {money(v['to_pay'])} ({v['paid_legs']} of {v['count']} legs)"
                 if v.get("paid_legs") else "")
        rows.append([STATUS_LABELS[status], v["count"], money(v["low"]), money(v["high"]),
                     v["no_amount"] or "", v["open_high"] or "", split])
    vals = list(s.by_status.values())
    total = ["total", sum(v["count"] for v in vals), money(sum(v["low"] for v in vals)),
             money(sum(v["high"] for v in vals)), sum(v["no_amount"] or 0 for v in vals) or "",
             sum(v["open_high"] or 0 for v in vals) or "",
             (f"{money(sum(v.get('paid') or 0 for v in vals if v.get('paid_legs')))} / "
              f"{money(sum(v.get('to_pay') or 0 for v in vals if v.get('paid_legs')))} "
              f"({sum(v.get('paid_legs') or 0 for v in vals)} legs)")]
    con.print(table(
        f"Deal dollars by status as of {s.as_of} (USD billions; {s.deals} deal legs, {s.companies} companies)",
        ["status", "legs", "low", "high", "no amount", "open-ended", "paid / still to pay (recorded)"], rows,
        right={"legs", "low", "high", "no amount", "open-ended"}, total=total,
    ))
    con.print(
        f"{s.excluded_from_totals} summary or subset legs are listed but not added. 'low' adds stated "
        "lows (overlapping legs once); 'high' adds stated highs, or the low where only 'more than' is "
        "known (open-ended); legs with no amount are counted, never added as 0. 'paid / still to pay' "
        "splits the legs with recorded payments (tranches, drawdowns less repayments) by the date; "
        "the other legs' split is not known.",
        markup=False, soft_wrap=True,
    )
    con.print(f"Data reaches: latest event {s.data_reaches or 'none'}.", markup=False)
    from ..ledger.view import View

    counting(con, View.of(as_of=s.as_of, statuses=None))


# edits -------------------------------------------------------------------------------------------

SourceUrl = Annotated[Optional[str], typer.Option("--source-url", help="URL of the source backing the edit.")]
SourceId = Annotated[Optional[str], typer.Option("--source", help="Id of a source already in the ledger.")]


def _source(source: str | None, url: str | None, publisher: str | None, source_date: str | None, source_type: str):
    if source:
        return source
    if not url:
        raise LedgerError("every edit needs a source: --source ID, or --source-url with --publisher and --source-date")
    return {"url": url, "publisher": publisher, "date": source_date, "type": source_type}


@app.command("event")
def add_event(
    deal_id: Annotated[str, typer.Argument(help="Deal id.")],
    status: Annotated[str, typer.Option(help="New status: rumored, announced_loi, definitive, funded_partial, funded, cancelled_stalled or amended.")],
    date: Annotated[str, typer.Option(help="Date of the status (YYYY-MM-DD, YYYY-MM or YYYY).")],
    source: SourceId = None,
    source_url: SourceUrl = None,
    publisher: Annotated[Optional[str], typer.Option(help="Publisher of a new source.")] = None,
    source_date: Annotated[Optional[str], typer.Option(help="Publication date of a new source.")] = None,
    source_type: Annotated[str, typer.Option(help="filing, press_release, news, repost or other.")] = "news",
    note: Annotated[Optional[str], typer.Option(help="What happened.")] = None,
    db: DbOption = None,
) -> None:
    """Record a deal's new status from a date on, with its source."""
    ledger = open_ledger(db)
    eid = ledger.add_event(deal_id, status, date, _source(source, source_url, publisher, source_date, source_type), note)
    console().print(f"Added status event {eid}", markup=False)


@app.command()
def amend(
    deal_id: Annotated[str, typer.Argument(help="Deal id.")],
    set_: Annotated[list[str], typer.Option("--set", help="FIELD=VALUE to change (repeatable).")],
    reason: Annotated[str, typer.Option(help="Why, for the audit trail.")],
    source: SourceId = None,
    source_url: SourceUrl = None,
    publisher: Annotated[Optional[str], typer.Option(help="Publisher of a new source.")] = None,
    source_date: Annotated[Optional[str], typer.Option(help="Publication date of a new source.")] = None,
    source_type: Annotated[str, typer.Option(help="filing, press_release, news, repost or other.")] = "news",
    db: DbOption = None,
) -> None:
    """Change fields of a deal (the old values stay in the audit trail)."""
    from ..ledger.model import Deal
    from ..ledger.tables import from_csv_cell

    changes = {}
    for item in set_:
        if "=" not in item:
            raise LedgerError(f"--set needs FIELD=VALUE, got '{item}'")
        k, v = item.split("=", 1)
        k = k.strip()
        if k not in Deal.model_fields:
            raise LedgerError(f"unknown deal field '{k}'")
        changes[k] = from_csv_cell(Deal, k, v)
    ledger = open_ledger(db)
    version = ledger.amend("deals", deal_id, changes, _source(source, source_url, publisher, source_date, source_type), reason)
    console().print(f"Amended {deal_id} (now version {version})", markup=False)


@app.command()
def retract(
    record_id: Annotated[str, typer.Argument(help="Id of the deal (or, with --table, another record).")],
    reason: Annotated[str, typer.Option(help="Why it is withdrawn.")],
    table_name: Annotated[str, typer.Option("--table", help="deals, events, facts, companies or sources.")] = "deals",
    db: DbOption = None,
) -> None:
    """Withdraw a record: it leaves every view but stays stored, with the reason audited."""
    ledger = open_ledger(db)
    ledger.retract(table_name, record_id, reason)
    console().print(f"Retracted {table_name[:-1]} {record_id}", markup=False)


@app.command()
def audit(
    record_id: Annotated[Optional[str], typer.Argument(help="Only changes to this record.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The audit trail: who changed what, when and why."""
    frame = open_ledger(db).audit(record_id)
    if json:
        emit_json(frame)
        return
    rows = [[r.id, r.at, r.actor, r.action, r.table_name, r.record_id, text(r.reason)] for r in frame.itertuples()]
    console().print(table(f"{len(frame)} audit records", ["#", "at", "actor", "action", "table", "record", "reason"], rows))
