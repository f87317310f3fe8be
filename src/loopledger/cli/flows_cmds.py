"""Money-flow commands: `circulation`, `reciprocity`, `significance` and `cycling-index`, thin
skins over :func:`loopledger.measures.circulation.circulation`,
:func:`loopledger.measures.reciprocity.reciprocity` and ``significance``, and
:func:`loopledger.measures.ena.cycling_index_from_network` (docs/methods.md 2-4)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import LedgerError, Problem, ValidationError
from .app import (
    AmountOption,
    AsOfOption,
    DbOption,
    JsonOption,
    StatusesOption,
    app,
    console,
    emit_json,
    money,
    network_view,
    open_ledger,
    table,
)

EdgesOption = Annotated[Optional[Path], typer.Option(
    "--edges", help="Use this edge list (CSV or Parquet with source,target[,amount]) instead of the ledger.")]


@app.command("circulation")
def circulation_cmd(
    edges: EdgesOption = None,
    as_of: AsOfOption = None,
    statuses: StatusesOption = None,
    amount: AmountOption = "high",
    ranges: Annotated[Optional[bool], typer.Option(
        "--ranges/--no-ranges", show_default=False,
        help="Each company's range over all optimal solutions (2 LPs per company). Default: when at most 100 companies are on loops.")] = None,
    decompose: Annotated[Optional[bool], typer.Option(
        "--decompose/--no-decompose", show_default=False,
        help="Split the circulation into loops for display. Default: when at most 2,000 pairs carry circulation.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows shown per table (not in --json).")] = 15,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """How much money can go round: the maximum circulation (exact LP), its share of all
    dollars, and per company the part of its network receipts that could be its own money
    coming back (round-trip share). USD billions."""
    from ..measures.circulation import circulation

    net = network_view(edges, as_of, statuses, db, amount)
    res = circulation(net, ranges=ranges, decompose=decompose, progress=_show_progress(json))
    if json:
        emit_json(res)
        return
    con = console()
    view = f" as of {net.params['as_of']}" if net.params.get("as_of") else ""
    con.print(f"Maximum circulation{view}: {money(res.total)} of {money(res.flow_total)} USD bn "
              f"({_pct(res.share)}) could go round in closed loops; the other {money(res.remainder_total)} "
              "flows one way only. A dollar going round a loop of k companies counts k times.",
              markup=False, soft_wrap=True)
    rows = []
    shown = res.companies[res.companies["circular_max"].fillna(res.companies["circular_flow"]) > 0].head(top)
    for r in shown.itertuples():
        rows.append([r.name, money(r.inflow), money(r.circular_flow), _range(r.circular_min, r.circular_max),
                     _pct(r.round_trip_share), _range(r.round_trip_min, r.round_trip_max, pct=True), r.basis])
    if rows:
        con.print(table("Companies on loops (USD billions)",
                        ["company", "network receipts", "circular", "range", "round-trip share", "range", "basis"],
                        rows, right={"network receipts", "circular", "range", "round-trip share"}))
        con.print("Round-trip share: the part of a company's receipts from the network that could be money going "
                  "round a loop (circular inflow / network inflow). Which dollars go round is not unique, so each "
                  "value is one optimal solution and 'range' gives the lowest and highest over all of them.",
                  markup=False, soft_wrap=True)
    if res.cycles is not None and len(res.cycles):
        crow = [[i + 1, r.path, money(r.flow), money(r.dollars)] for i, r in enumerate(res.cycles.head(top).itertuples())]
        con.print(table("One way to split it into loops (USD billions)", ["#", "loop", "per hop", "counted"],
                        crow, right={"#", "per hop", "counted"}))
    for note in res.notes:
        con.print(note, markup=False, soft_wrap=True)


@app.command("reciprocity")
def reciprocity_cmd(
    edges: EdgesOption = None,
    as_of: AsOfOption = None,
    statuses: StatusesOption = None,
    amount: AmountOption = "high",
    top: Annotated[int, typer.Option("--top", min=1, help="Rows shown (not in --json).")] = 15,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """How much goes both ways: the share of links whose reverse exists (r, and rho corrected
    for density) and the share of dollars matched by dollars going back (r_w)."""
    from ..measures.reciprocity import reciprocity

    net = network_view(edges, as_of, statuses, db, amount)
    res = reciprocity(net)
    if json:
        emit_json(res)
        return
    con = console()
    con.print(f"{res.mutual_links} of {res.links} links go both ways (r = {_pct(res.r)}; rho = {_num(res.rho)}, "
              f"above 0 means more than chance). {money(res.matched)} of {money(res.amount)} USD bn "
              f"({_pct(res.r_w)}) is matched by money going back (r_w).", markup=False, soft_wrap=True)
    frame = res.nodes[res.nodes["mutual_partners"] > 0].head(top)
    rows = [[r.name, r.mutual_partners, f"{r.out_links} / {r.in_links}", _pct(r.reciprocity),
             money(r.matched), _pct(r.weighted_reciprocity)] for r in frame.itertuples()]
    con.print(table("Companies with two-way partners", ["company", "two-way partners", "links out / in", "r",
                                                        "matched (USD bn)", "r_w"],
                    rows, right={"two-way partners", "r", "matched (USD bn)", "r_w"}))


@app.command("significance")
def significance_cmd(
    edges: EdgesOption = None,
    as_of: AsOfOption = None,
    statuses: StatusesOption = None,
    amount: AmountOption = "high",
    stat: Annotated[Optional[list[str]], typer.Option(
        "--stat", help="Statistic (repeatable): mutual_pairs, cycles_K, reciprocity, weighted_reciprocity, "
                       "circular_share. Default: mutual_pairs, cycles_3, cycles_4, weighted_reciprocity, circular_share.")] = None,
    null: Annotated[str, typer.Option("--null", help="N1 (degrees), N2 (degrees + mutual pairs) or N3 (N2 + amounts permuted within kind).")] = "N2",
    samples: Annotated[int, typer.Option("--samples", min=1, help="Number of null samples.")] = 1000,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Random seed (printed when not given, to reproduce the run).")] = None,
    swaps_per_link: Annotated[float, typer.Option("--swaps-per-link", help="Accepted swaps per link in each sample.")] = 10.0,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Are the loops more than chance? Compares mutual pairs, k-cycles, weighted reciprocity and
    the circular share with randomised networks that keep every company's number of links
    (and, by default, of two-way partners): z-score, p-value and the null's 95% band."""
    from ..measures.reciprocity import DEFAULT_STATS, significance

    net = network_view(edges, as_of, statuses, db, amount)
    res = significance(net, stats=stat or DEFAULT_STATS, null=null, samples=samples, seed=seed,
                       swaps_per_link=swaps_per_link, progress=_show_progress(json))
    if json:
        emit_json(res)
        return
    con = console()
    rows = []
    for r in res.stats.itertuples():
        rows.append([r.statistic, _num(r.observed), _num(r.null_mean), f"{_num(r.band_low)} to {_num(r.band_high)}",
                     "—" if r.z != r.z else f"{r.z:+.2f}", f"{r.p:.4f}", "—" if r.ratio != r.ratio else f"{r.ratio:.2f}",
                     "kept fixed by the null" if r.fixed else ""])
    con.print(table(f"Observed vs {res.samples} random networks (null {res.null}, seed {res.seed})",
                    ["statistic", "observed", "null mean", "null 95% band", "z", "p", "obs / null", "note"],
                    rows, right={"observed", "null mean", "z", "p", "obs / null"}))
    con.print(f"p: share of random networks at least as high as observed, (1 + count) / (samples + 1), never 0. "
              f"Swaps accepted: {res.acceptance_rate:.1%} of attempts; {res.target_swaps} per sample.",
              markup=False, soft_wrap=True)
    for note in res.notes:
        con.print(note, markup=False, soft_wrap=True)


@app.command("cycling-index")
def cycling_index_cmd(
    edges: EdgesOption = None,
    as_of: AsOfOption = None,
    statuses: StatusesOption = None,
    amount: AmountOption = "high",
    inputs: Annotated[Optional[Path], typer.Option(
        "--inputs", help="CSV with columns node,input: boundary inputs (USD bn) that override the facts.")] = None,
    input_: Annotated[Optional[list[str]], typer.Option(
        "--input", help="NODE=VALUE boundary input (repeatable; overrides --inputs and the facts).")] = None,
    facts: Annotated[bool, typer.Option("--facts/--no-facts",
                                        help="Take boundary inputs from company revenue facts (ledger only).")] = True,
    reserve_drawdown: Annotated[bool, typer.Option("--reserve-drawdown/--no-reserve-drawdown",
                                                   help="Cover payments above throughflow from reserves (else: error).")] = True,
    on_closed: Annotated[str, typer.Option("--on-closed", help="raise (error) or nan, for a closed system.")] = "raise",
    max_block: Annotated[int, typer.Option("--max-block", min=0,
                                           help="Largest strongly connected component solved exactly (0: no limit).")] = 5000,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows shown (not in --json).")] = 15,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Finn's cycling index: the share of all money passing through companies that passes
    through the same company again, with each company's return share (ENA, docs/methods.md 3)."""
    from ..measures.ena import cycling_index_from_network

    net = network_view(edges, as_of, statuses, db, amount)
    given = _read_inputs(inputs) if inputs else {}
    for item in input_ or []:
        if "=" not in item:
            raise LedgerError(f"--input needs NODE=VALUE, got '{item}'")
        k, v = item.rsplit("=", 1)
        try:
            given[k.strip()] = float(v)
        except ValueError:
            raise LedgerError(f"--input {item}: '{v}' is not a number") from None
    ledger = open_ledger(db) if (edges is None and facts) else None
    res = cycling_index_from_network(net, inputs=given, ledger=ledger,
                                     reserve_drawdown=reserve_drawdown, on_closed=on_closed,
                                     max_block=max_block or None)
    if json:
        emit_json(res)
        return
    con = console()
    if res.reason:
        con.print(f"Cycling index undefined ({res.reason}).", markup=False)
    else:
        con.print(f"Finn cycling index: {_pct(res.fci)} of all throughflow ({money(res.tstc)} of {money(res.tst)}) "
                  f"is money passing through a company again. Boundary inputs {money(res.boundary)}; an outside dollar "
                  f"makes {res.apl:.2f} hops on average.", markup=False, soft_wrap=True)
    frame = res.nodes.sort_values(["return_share", "throughflow"], ascending=False).head(top)
    rows = [[getattr(r, "name", r.node), money(r.input), money(r.drawdown), money(r.throughflow),
             "—" if r.return_share != r.return_share else f"{r.return_share:.1%}"] for r in frame.itertuples()]
    con.print(table("Return share per company", ["company", "outside input", "from reserves", "throughflow", "return share"],
                    rows, right={"outside input", "from reserves", "throughflow", "return share"}))
    for note in res.notes:
        con.print(note, markup=False, soft_wrap=True)


# ------------------------------------------------------------------------------------------------


def _read_inputs(path: Path) -> dict[str, float]:
    import pandas as pd

    if not path.exists():
        raise LedgerError(f"{path}: no such file")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("node", "input") if c not in frame.columns]
    if missing:
        raise ValidationError([Problem(str(path), 1, c, f"required column '{c}' is missing") for c in missing])
    out, problems = {}, []
    for i, (node, value) in enumerate(zip(frame["node"], frame["input"]), start=2):
        if not node.strip():
            problems.append(Problem(str(path), i, "node", "blank node label"))
            continue
        try:
            x = float(value)
        except ValueError:
            problems.append(Problem(str(path), i, "input", f"'{value}' is not a number"))
            continue
        if not x >= 0:
            problems.append(Problem(str(path), i, "input", f"input {value} must be a number >= 0"))
            continue
        out[node.strip()] = x
    if problems:
        raise ValidationError(problems)
    return out


def _show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


def _pct(x) -> str:
    return "—" if x is None or x != x else f"{x:.1%}"


def _num(x) -> str:
    return "—" if x is None or x != x else f"{x:,.4g}"


def _range(lo, hi, pct: bool = False) -> str:
    if lo is None or lo != lo:
        return "—"
    f = _pct if pct else money
    return f(lo) if abs(hi - lo) <= 1e-9 * max(1.0, abs(hi)) else f"{f(lo)} to {f(hi)}"
