"""Measure commands: promises, exposure, units, lookthrough and the `measure` headline, each a
thin skin over the function of the same name in :mod:`loopledger.measures` (option for option)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.padding import Padding
from rich.text import Text

from ..errors import LedgerError
from ..vocabulary import STATUS_LABELS
from ..vocabulary import STATUS_ORDER as STATUSES
from .app import (
    AsOfOption,
    DbOption,
    JsonOption,
    app,
    cli_view,
    console,
    counting,
    emit_json,
    money,
    open_ledger,
    table,
)

AssumptionOption = Annotated[Optional[str], typer.Option(
    "--assumption", help="Unit assumption id to value every GW/chip-only deal with (see `loopledger units`).")]
AssumptionsOption = Annotated[Optional[Path], typer.Option(
    "--assumptions", help="Your own unit assumption table (CSV: id, scope, usd_bn_per_gw_low/high, "
    "usd_bn_per_gpu_low/high, source, date).")]


def _ledger(db: str | None):
    ledger = open_ledger(db)
    if ledger.store.count("deals") == 0:
        raise LedgerError("the ledger holds no deals: run `loopledger init` to load the bundled dataset")
    return ledger


def _pct(x) -> str:
    try:
        return "—" if x is None or x != x else f"{100 * x:,.1f}%"
    except TypeError:
        return "—"


def _share_range(x, lo, hi) -> str:
    """One share, or its range over the optimal solutions when that shows at 0.1%."""
    a, b = _pct(lo), _pct(hi)
    return _pct(x) if a == b or "—" in (a, b) else f"{a} to {b}"


def _derive(assumption: str | None, assumptions: Path | None) -> dict | None:
    out: dict[str, Any] = {}
    if assumption:
        out["assumption"] = assumption
    if assumptions:
        out["assumptions"] = assumptions
    return out or None


# promises ----------------------------------------------------------------------------------------


@app.command("promises")
def promises_cmd(
    db: DbOption = None,
    as_of: AsOfOption = None,
    company: Annotated[Optional[str], typer.Option(help="Only deals this company pays or receives.")] = None,
    series: Annotated[bool, typer.Option("--series/--no-series", help="Also print the quarterly series.")] = False,
    json: JsonOption = False,
) -> None:
    """How much is paid, signed or only promised, as of a date: dollars by status, what is
    still to be paid, per company, and quarter by quarter since 2019."""
    from ..measures.promises import promises

    p = promises(_ledger(db), as_of=as_of, company=company)
    if json:
        emit_json(p)
        return
    con = console()
    who = f" involving {company}" if company else ""
    rows = []
    for status in STATUSES:
        s, r = p.by_status[status], p.remaining[status]
        rows.append([STATUS_LABELS[status], s["count"], money(s["low"]), money(s["high"]),
                     money(r["low"]), money(r["high"]), s["no_amount"] or ""])
    con.print(table(f"Deal dollars by status as of {p.as_of}{who} (USD billions)",
                    ["status", "deal legs", "low", "high", "still to pay (low)", "still to pay (high)", "no amount"],
                    rows, right={"deal legs", "low", "high", "still to pay (low)", "still to pay (high)", "no amount"}))
    con.print(
        f"{p.excluded_from_totals} summary or subset legs are listed but not added. 'Still to pay' assumes even "
        "payments over a contract's term (derived); contracts without a term count in full.",
        markup=False, soft_wrap=True)
    if series:
        wide = p.series.pivot(index="quarter", columns="status", values="high")
        srows = [[q, *[money(wide.loc[q, s]) for s in STATUSES]] for q in wide.index]
        con.print(table("Quarter by quarter (high end, USD billions, as of each quarter's end)",
                        ["quarter", *[STATUS_LABELS[s] for s in STATUSES]], srows,
                        right={STATUS_LABELS[s] for s in STATUSES}))


# exposure ----------------------------------------------------------------------------------------


@app.command("exposure")
def exposure_cmd(
    db: DbOption = None,
    as_of: AsOfOption = None,
    company: Annotated[Optional[str], typer.Option(help="Show this company's counterparties in detail.")] = None,
    amount: Annotated[str, typer.Option(help="Amount basis: high, low, mid or derived (values GW-only deals).")] = "high",
    assumption: AssumptionOption = None,
    assumptions: AssumptionsOption = None,
    annualise_revenue: Annotated[bool, typer.Option(
        "--annualise-revenue/--no-annualise-revenue", help="Annualise quarterly or half-year revenue facts.")] = True,
    top: Annotated[int, typer.Option(min=1, help="Rows shown in the table (not in --json).")] = 20,
    json: JsonOption = False,
) -> None:
    """Each company's inflows from its counterparties and its circular inflow as shares of its
    revenue, backlog and market value, with the facts used; top-customer share and HHI."""
    from ..measures.exposure import exposure

    if (assumption or assumptions) and amount != "derived":
        raise LedgerError("--assumption and --assumptions apply to --amount derived")
    ledger = _ledger(db)
    res = exposure(ledger, as_of=as_of, amount=amount, derive=_derive(assumption, assumptions),
                   annualise_revenue=annualise_revenue)
    if company:
        cid = ledger.resolve_company(company)
        res = type(res)(as_of=res.as_of, companies=res.companies[res.companies["company"] == cid],
                        counterparties=res.counterparties[res.counterparties["company"] == cid],
                        facts_used=res.facts_used[res.facts_used["company"] == cid] if len(res.facts_used) else res.facts_used,
                        missing=[m for m in res.missing if m["company"] == cid], params=res.params, notes=res.notes,
                        backlog=res.backlog[res.backlog["company"] == cid])
        if res.companies.empty:
            raise LedgerError(f"{company} receives no money in this view")
    if json:
        emit_json(res)
        return
    con = console()
    c = res.companies.head(top)
    rows = [[r.name, money(r.inflow) + ("" if r.inflow_complete else "+"), r.top_counterparty_name or "",
             _pct(r.top_share), f"{r.hhi:.2f}" if r.hhi == r.hhi else "—", money(r.circular_inflow),
             _pct(r.inflow_share_of_revenue), _pct(r.inflow_share_of_backlog), _pct(r.inflow_share_of_market_value),
             _pct(r.circular_share_of_market_value)] for r in c.itertuples()]
    con.print(table(
        f"Exposure as of {res.as_of} (USD billions; shares of the latest revenue, backlog and market value)",
        ["company", "money in", "largest payer", "its share", "HHI", "could be circular",
         "in / revenue", "in / backlog", "in / market value", "circular / market value"], rows,
        right={"money in", "its share", "HHI", "could be circular", "in / revenue", "in / backlog",
               "in / market value", "circular / market value"}))
    if company:
        cp = res.counterparties
        con.print(table(f"Who pays {res.companies.iloc[0]['name']}",
                        ["payer", "amount", "share of money in", "share of revenue", "deals"],
                        [[r.counterparty_name, money(r.amount), _pct(r.share_of_inflow), _pct(r.share_of_revenue),
                          ", ".join(r.deals) if isinstance(r.deals, list) else ""] for r in cp.itertuples()],
                        right={"amount", "share of money in", "share of revenue"}))
    if len(res.facts_used):
        f = res.facts_used[res.facts_used["company"].isin(c["company"])]
        con.print(table("Facts used (the latest on or before the date)",
                        ["company", "measure", "fact", "value used", "date", "source"],
                        [[r.company, r.measure, r.fact, money(r.used_value) + (" (derived)" if r.derived else ""),
                          r.date, r.source_urls[0] if r.source_urls else ""] for r in f.itertuples()],
                        right={"value used"}))
    if len(res.backlog):
        con.print(table("Backlog (remaining performance obligations) next to the contracts it holds",
                        ["company", "backlog", "as of", "one customer", "its share (implied)", "contracts in view",
                         "their amount", "still to pay", "deals"],
                        [[r.name, money(r.backlog), r.backlog_as_of, r.customer if isinstance(r.customer, str) else "",
                          f"{r.customer_share:g}% ({money(r.customer_amount)}, derived)" if isinstance(r.customer, str) else "", r.contracts, money(r.contracts_amount),
                          money(r.contracts_to_pay), ", ".join(r.deals[:4]) + (" ..." if len(r.deals) > 4 else "")]
                         for r in res.backlog.itertuples()],
                        right={"backlog", "their amount", "still to pay", "contracts in view"}))
    con.print("'+' marks a lower bound (some deals have no amount). HHI: 1 = a single payer. "
              + " ".join(res.notes) + f" {len(res.missing)} denominators missing (see --json: missing).",
              markup=False, soft_wrap=True)


# units -------------------------------------------------------------------------------------------


@app.command("units")
def units_cmd(
    db: DbOption = None,
    as_of: AsOfOption = None,
    assumption: AssumptionOption = None,
    assumptions: AssumptionsOption = None,
    json: JsonOption = False,
) -> None:
    """Dollar values derived for deals stated only in gigawatts or chips, from the sourced
    assumption table (used only when asked, e.g. `exposure --amount derived`)."""
    from ..ledger.units import derive_amounts

    res = derive_amounts(_ledger(db), as_of=as_of, assumptions=assumptions, assumption=assumption)
    if json:
        emit_json(res)
        return
    con = console()
    rows = [[r.id, f"{r.payer} -> {r.payee}", r.kind, money(r.derived_low), money(r.derived_high),
             r.assumption or "", r.formula or r.reason or ""] for r in res.legs.itertuples()]
    con.print(table("Deals stated only in GW or chips: derived values (USD billions, derived)",
                    ["deal", "payer -> payee", "kind", "low", "high", "assumption", "how"], rows,
                    right={"low", "high"}))
    a = res.assumptions
    con.print(table("Assumptions", ["id", "scope", "USD bn per GW", "USD per GPU", "date", "source"],
                    [[r.id, r.scope,
                      "" if r.usd_bn_per_gw_low != r.usd_bn_per_gw_low else f"{r.usd_bn_per_gw_low:g}-{r.usd_bn_per_gw_high:g}",
                      "" if r.usd_bn_per_gpu_low != r.usd_bn_per_gpu_low else f"{r.usd_bn_per_gpu_low * 1e9:,.0f}-{r.usd_bn_per_gpu_high * 1e9:,.0f}",
                      r.date, r.source] for r in a.itertuples()]))


# lookthrough -------------------------------------------------------------------------------------


@app.command("lookthrough")
def lookthrough_cmd(
    investor_loss: Annotated[Optional[float], typer.Option(
        "--investor-loss", help="The investor's booked loss on the investment, USD bn (e.g. 3.1).")] = None,
    stake: Annotated[Optional[float], typer.Option(
        "--stake", help="The investor's stake as a fraction (e.g. 0.27, as stake= in the API); with "
        "--investor, an extra column.")] = None,
    basis: Annotated[str, typer.Option(help="after_tax (net income hit, grossed up by 1 - tax rate), pre_tax "
                                       "(other income line) or after_tax_press (the net income hit / stake, "
                                       "the press convention, which understates).")] = "after_tax",
    tax_rate: Annotated[float, typer.Option("--tax-rate", help="Investor tax rate (default 0.21).")] = 0.21,
    rounding: Annotated[float, typer.Option(help="Rounding of the disclosed figure, USD bn (+/-).")] = 0.05,
    stake_low: Annotated[Optional[float], typer.Option("--stake-low", help="Low end of the stake range (a fraction).")] = None,
    stake_high: Annotated[Optional[float], typer.Option("--stake-high", help="High end of the stake range (a fraction).")] = None,
    basis_range: Annotated[bool, typer.Option(
        "--basis-range/--no-basis-range", help="Include the other tax basis in low/high.")] = True,
    amort: Annotated[Optional[float], typer.Option(help="Basis-difference amortisation in the figure, USD bn.")] = None,
    other: Annotated[Optional[float], typer.Option(help="Non-pickup items in the figure (a gain as negative), USD bn.")] = None,
    investor: Annotated[Optional[str], typer.Option(help="Investor company (uses the ledger's facts).")] = None,
    investee: Annotated[Optional[str], typer.Option(help="Investee company.")] = None,
    period: Annotated[Optional[str], typer.Option(help="Reporting period, e.g. 2025-Q3.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail instead of printing a flagged estimate.")] = False,
    stake_pct: Annotated[Optional[float], typer.Option("--stake-pct", hidden=True)] = None,
    stake_low_pct: Annotated[Optional[float], typer.Option("--stake-low-pct", hidden=True)] = None,
    stake_high_pct: Annotated[Optional[float], typer.Option("--stake-high-pct", hidden=True)] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Back an investee's net loss out of its investor's equity-method loss (docs/methods.md 8):
    either from your numbers (--investor-loss, --stake) or from the ledger's sourced facts
    (--investor, --investee, --period), which prints the whole sensitivity table."""
    from ..measures.lookthrough import lookthrough, lookthrough_from_ledger

    for old, new, value in (("--stake-pct", "--stake", stake_pct), ("--stake-low-pct", "--stake-low", stake_low_pct),
                            ("--stake-high-pct", "--stake-high", stake_high_pct)):
        if value is not None:
            raise LedgerError(f"{old} was renamed: use {new} {value / 100:g} (a fraction, as in the API)")

    from_ledger = any(x is not None for x in (investor, investee, period))
    if from_ledger:
        if investor_loss is not None:
            raise LedgerError("give either --investor-loss (your numbers) or --investor/--investee/--period (the ledger's)")
        if not (investor and investee and period):
            raise LedgerError("--investor, --investee and --period go together")
        t = lookthrough_from_ledger(_ledger(db), investor, investee, period,
                                    stake=stake, tax_rate=tax_rate,
                                    rounding=rounding, amort=amort, other=other)
        if json:
            emit_json(t)
            return
        _print_table(t)
        return
    if investor_loss is None or stake is None:
        raise LedgerError("give --investor-loss and --stake, or --investor, --investee and --period")
    stake_range = None
    if stake_low is not None or stake_high is not None:
        stake_range = (stake_low if stake_low is not None else stake, stake_high if stake_high is not None else stake)
    r = lookthrough(investor_loss, stake, basis=basis, tax_rate=tax_rate, stake_range=stake_range,
                    rounding=rounding, amort=amort or 0.0, other=other or 0.0, basis_range=basis_range,
                    strict=strict)
    if json:
        emit_json(r)
        return
    con = console()
    con.print(f"Implied investee net loss: {r.estimate:,.2f} USD bn = {r.formula} ({basis.replace('_', '-')} "
              f"basis; derived). Range {r.low:,.2f} to {r.high:,.2f}: the disclosed figure +/- {r.rounding:g}"
              + (f", stake {100 * r.stake_low:g}%-{100 * r.stake_high:g}%" if r.stake_low != r.stake_high else "")
              + (f", and both readings of the figure at t = {r.tax_rate:g} (other reading: {r.other_basis_estimate:,.2f})"
                 if basis_range else "") + ".", markup=False, soft_wrap=True)
    for n in r.notes:
        con.print(f"note: {n}", markup=False, soft_wrap=True)
    for f in r.flags:
        con.print(f"warning ({f['code']}): {f['message']}", markup=False, soft_wrap=True)


def _print_table(t) -> None:
    con = console()
    m = t.matrix()
    lows, highs = t.matrix("low"), t.matrix("high")
    rows = []
    for row in m.index:
        cells = []
        for col in m.columns:
            v = m.loc[row, col]
            cells.append("—" if v != v else f"{v:,.1f} ({lows.loc[row, col]:,.1f}-{highs.loc[row, col]:,.1f})")
        rows.append([row.replace("_", "-") + ": " + {
            "after_tax": "after-tax hit to net income", "pre_tax": "pre-tax loss (other income)",
            "adjusted": "pre-tax less amortisation and other items"}[row], *cells])
    con.print(table(
        f"{t.investee_name}'s implied net loss in {t.period} ({t.period_start} to {t.period_end}), from "
        f"{t.investor_name}'s equity-method figures: USD billions, derived; (low-high) carries the +/-{t.rounding:g} rounding",
        ["booked figure / stake", *m.columns], rows, right=set(m.columns)))
    empty = t.cells[t.cells["estimate"].isna()]
    for reason in dict.fromkeys(empty["reason"]):
        con.print(f"empty row: {reason}", markup=False, soft_wrap=True)
    con.print("Inputs and their sources:", markup=False)
    for i in t.inputs:
        srcs = "; ".join(f"{s['url']} ({s['type']})" for s in i["sources"])
        unit = "%" if i["unit"] == "%" else f" {i['unit']}"
        con.print(f"  - {i['role']}: {i['value']:g}{unit}, as of {i['as_of']}"
                  f"{', period ' + i['period'] if i['period'] else ''} [{i['id']}]: {srcs}", markup=False, soft_wrap=True)
    if t.press:
        p = t.press
        near = p.get("closest_cell")
        where = f"; closest cell: {near['row'].replace('_', '-')} at {near['column']} = {near['estimate']:,.2f}" if near else ""
        con.print(f"Press figure: {p['value']:g} USD bn ({p['sources'][0]['url'] if p['sources'] else 'no source'}){where}.",
                  markup=False, soft_wrap=True)
    for n in t.notes:
        con.print(f"note: {n}", markup=False, soft_wrap=True)
    for f in t.flags:
        con.print(f"warning ({f['code']}): {f['message']}", markup=False, soft_wrap=True)
    con.print("No single number is 'the' answer: the cells differ in tax basis and stake (docs/methods.md 8.3-8.4).",
              markup=False, soft_wrap=True)


# measure (the headline) --------------------------------------------------------------------------


@app.command("measure")
def measure_cmd(
    db: DbOption = None,
    as_of: AsOfOption = None,
    explain: Annotated[bool, typer.Option("--explain", help="Trace every number to its deals and their sources.")] = False,
    top: Annotated[int, typer.Option(min=1, help="How many cycles and companies to list.")] = 10,
    max_len: Annotated[int, typer.Option("--max-len", min=1, help="Longest cycle searched, in companies.")] = 6,
    amount: Annotated[str, typer.Option(help="Amount basis: high, low, mid or derived.")] = "high",
    json: JsonOption = False,
) -> None:
    """The headline: how much of the money could be going round in circles, the largest loops,
    who gets their own money back, how much is only promised, and the look-through loss; first
    in a few sentences (with the significance test and the stress test of the largest player),
    then number by number, each with the line saying what it counts."""
    from ..findings import headline

    view = cli_view(as_of, None, amount)
    h = headline(_ledger(db), explain=explain, top=top, max_len=max_len, view=view)
    if json:
        emit_json(h)
        return
    con = console()
    c, b = h.circulation, h.basis
    con.print(f"Circular financing as of {h.as_of} (all money in USD billions)", style="bold", markup=False)
    con.print("In short:", style="bold", markup=False)
    for f in h.findings:
        con.print(Padding(Text("- " + f), (0, 0, 0, 2), expand=False))
    counting(con, view)
    for hint in h.hints:
        con.print("hint: " + hint["text"] + " (see `loopledger cycles --status "
                  + " --status ".join(hint["statuses"]) + "`)", markup=False)
    if explain and h.trace:
        _print_trace(h, view)
        return
    con.print(
        f"1. The base of every share: {money(b['binding'])} in {b['legs']} deal legs that move cash; "
        f"{money(b['paid'])} of it recorded as actually paid ({b['paid_legs']} legs with payment records). "
        f"Up to {_pct(c['share'])} of the base could be money going round in circles ({money(c['total'])}, "
        f"counted on every deal it passes through, as the base is). {b['without_amount']} legs without a "
        f"disclosed amount and {b['non_cash_legs']} non-cash legs ({money(b['non_cash'])}) are beside the base, "
        "not counted as zero.", markup=False)
    con.print(table(None, ["status", "deal legs", "dollars", "share of base"],
                    [*[[STATUS_LABELS[s], x["legs"], money(x["amount"]), _pct(x["amount"] / b["binding"])]
                       for s, x in b["by_status"].items()],
                      ["total (the base)", b["legs"], money(b["binding"]), _pct(1.0)]],
                    right={"deal legs", "dollars", "share of base"}))
    counting(con, view)
    cy = h.cycles
    con.print(f"2. {cy['count']} closed loops (each company at most once); the {len(h.top_cycles)} largest by the "
              "money that could go once round them (the smallest link in the loop):", markup=False)
    con.print(table(None, ["#", "loop (who pays whom, back to the start)", "companies", "up to", "from"],
                    [[r.rank, " -> ".join([*r.names, r.names[0]]), r.length, money(r.bottleneck),
                      money(r.bottleneck_low) if "bottleneck_low" in h.top_cycles else ""]
                     for r in h.top_cycles.itertuples()], right={"up to", "from", "companies"}))
    counting(con, view)
    con.print("3. Companies whose income from these deals could most be their own money coming back:",
              markup=False, soft_wrap=True)
    con.print(table(None, ["company", "money in", "could be circular", "share"],
                    [[r.name, money(r.inflow), money(r.circular_flow),
                      _share_range(r.round_trip_share, r.round_trip_min, r.round_trip_max)]
                     for r in h.round_trip.itertuples()], right={"money in", "could be circular", "share"}))
    counting(con, view)
    p = h.promises
    con.print("4. How much of all announced deals is real money (every status):", markup=False)
    con.print(table(None, ["status", "deals", "dollars", "still to pay"],
                    [*[[STATUS_LABELS[s], p["by_status"][s]["count"], money(p["by_status"][s]["high"]),
                        money(p["remaining"][s]["high"])] for s in STATUSES],
                     ["total", sum(p["by_status"][s]["count"] for s in STATUSES),
                      money(sum(p["by_status"][s]["high"] for s in STATUSES)),
                      money(sum(p["remaining"][s]["high"] for s in STATUSES))]],
                    right={"deals", "dollars", "still to pay"}))
    counting(con, view.with_(statuses=None))
    lt = h.lookthrough
    if lt:
        press = lt.get("press")
        near = (press or {}).get("closest_cell")
        extra = (f" The figure reported in the press, {press['value']:g}, matches the "
                 f"{near['row'].replace('_', '-')} figure divided by the stake {near['column']}."
                 if press and near else "")
        con.print(f"5. {lt['investee_name']}'s net loss in {lt['period']} (quarter to {lt['period_end']}), backed out of "
                  f"{lt['investor_name']}'s filings: {money(lt['estimate'])}, between {money(lt['low'])} and "
                  f"{money(lt['high'])} (derived; {lt['what']}).{extra}", markup=False)
        con.print(f"   Details: loopledger lookthrough --investor {lt['investor']} --investee {lt['investee']} "
                  f"--period {lt['period']}", markup=False)
    st = h.stress
    if st and "loss" in st:
        con.print(f"6. If {st['name']}, the largest player, fails: others lose {money(st['loss_economic'])} "
                  f"(economic) beside the gross upper bound {money(st['loss_gross'])}; details: loopledger "
                  f"stress --fail {st['company']}", markup=False)
        con.print(st["footer"], markup=False)
    if h.derived_share:
        con.print(f"{_pct(h.derived_share)} of the dollars are derived from GW or chip counts (assumptions, not reported).",
                  markup=False)
    for n in h.notes:
        con.print(f"note: {n}", markup=False)


def _ids(deals: list[dict]) -> str:
    return "[" + ", ".join(d["deal"] for d in deals) + "]"


def _print_trace(h, view) -> None:
    """``measure --explain``: number by number, its value, the pairs, loops or companies behind
    it with their deals (by id, each deal once per number), then one source line per deal (each
    deal once), its URL on a line that is never wrapped; the counting line under each number."""
    con = console()
    seen: dict[str, dict] = {}

    def keep(deals: list[dict]) -> str:
        for d in deals:
            seen.setdefault(d["deal"], d)
        return _ids(deals)

    t, c, b = h.trace, h.circulation, h.basis
    con.print("Where each number comes from (deals by id; their sources once, at the end)", style="bold",
              markup=False)
    con.print(f"1. Up to {money(c['total'])} of the base of {money(b['binding'])} ({_pct(c['share'])}) could go "
              "round in circles; pair by pair, what circulates of the pair's dollars:", markup=False)
    for f in t["circulation"]:
        con.print(f"   {f['payer']} -> {f['payee']}: {money(f['circulating'])} of {money(f['amount'])} "
                  + keep(f["deals"]), markup=False)
    con.print(f"2. The {len(t['top_cycles'])} largest of {h.cycles['count']} loops (up to: the smallest hop), "
              "then each of their hops once:", markup=False)
    pairs: dict[tuple[str, str], dict] = {}
    for x in t["top_cycles"]:
        con.print(f"   #{x['rank']} up to {money(x['bottleneck'])}: " + " -> ".join([*x["names"], x["names"][0]]),
                  markup=False)
        for hop in x["hops"]:
            pairs.setdefault((hop["payer"], hop["payee"]), hop)
    con.print("   hops: " + "; ".join(f"{a} -> {b2} {money(hop['amount'])} {keep(hop['deals'])}"
                                      for (a, b2), hop in pairs.items()), markup=False)
    con.print("3. Circular income by company (its share of its network income), from whom:", markup=False)
    for r in t["round_trip"]:
        parts = "; ".join(f"{x['payer']} {money(x['circulating'])} {keep(x['deals'])}"
                          for x in r["circular_inflows"])
        con.print(f"   {r['company']} {_pct(r['round_trip_share'])}: {parts}", markup=False)
    counting(con, view)
    p = h.promises
    con.print("4. Deals counted in each status (each deal and its sources: loopledger deals --status STATUS): "
              + "; ".join(f"{STATUS_LABELS[s]} {len(d)} deals, {money(p['by_status'][s]['high'])}"
                          for s, d in t["promises"].items()), markup=False)
    counting(con, view.with_(statuses=None))
    lt = h.lookthrough
    if t["lookthrough"] and lt:
        con.print(f"5. {lt['investee_name']}'s net loss in {lt['period']}: {money(lt['estimate'])} (derived, "
                  f"{money(lt['low'])} to {money(lt['high'])}), from these facts:", markup=False)
        for i in t["lookthrough"]:
            con.print(f"   {i['role']}: {i['value']:g} as of {i['as_of']}", markup=False)
            for u in i["sources"][:1]:
                con.print(f"     {u}", markup=False, overflow="ignore", no_wrap=True, crop=False)
    con.print(f"Sources of the {len(seen)} deals in 1-3, one line per deal (id, who pays whom, amount, the first "
              "source; every source: loopledger show ID):", markup=False)
    for d in sorted(seen.values(), key=lambda d: d["deal"]):
        amt = money(d["amount_high"]) if d["amount_high"] == d["amount_high"] else money(d["amount_low"])
        more = f" (+{len(d['sources']) - 1})" if len(d["sources"]) > 1 else ""
        url = d["sources"][0] if d["sources"] else "no source"
        con.print(f"  {d['deal']}: {d['payer']} -> {d['payee']}, {amt}{more} {url}", markup=False,
                  overflow="ignore", no_wrap=True, crop=False)
    for n in h.notes:
        con.print(f"note: {n}", markup=False)
