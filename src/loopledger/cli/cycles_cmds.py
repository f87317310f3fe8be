"""`loopledger cycles`: the simple cycles of a ledger view or of any edge list, a thin skin over
:func:`loopledger.measures.cycles.cycles` (docs/methods.md 1)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cluster import ClusterParams
from ..errors import LedgerError
from .app import (
    AsOfOption,
    DbOption,
    JsonOption,
    StatusesOption,
    app,
    console,
    emit_json,
    money,
    network_view,
    table,
)

#: the help of --workers and --scheduler, declared once with the option (loopledger.cluster)
_WHERE = {f.name: f.metadata["help"] for f in dataclasses.fields(ClusterParams)}


@app.command("cycles")
def cycles_cmd(
    max_len: Annotated[int, typer.Option("--max-len",
                                         help="Longest cycle, in companies (0: no bound; then set --max-cycles or --time-limit).")] = 6,
    as_of: AsOfOption = None,
    statuses: StatusesOption = None,
    edges: Annotated[Optional[Path], typer.Option(
        "--edges", help="Use this edge list (CSV or Parquet with source,target[,amount]) instead of the ledger.")] = None,
    count_only: Annotated[bool, typer.Option("--count-only", help="Only count cycles by length.")] = False,
    max_cycles: Annotated[Optional[int], typer.Option("--max-cycles", help="Stop after this many cycles.")] = None,
    time_limit: Annotated[Optional[float], typer.Option("--time-limit", help="Stop after about this many seconds.")] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", help=_WHERE["workers"])] = None,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help=_WHERE["scheduler"])] = None,
    top: Annotated[int, typer.Option("--top", help="Rows shown in the table (not in --json).")] = 20,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Simple cycles (no company twice): who funds whom and gets paid back, with the smallest
    hop (bottleneck) in USD billions. Closed walks such as A->B->A->C->A are not cycles."""
    from ..measures.cycles import cycles

    # checked here rather than with typer's min=, whose errors bypass the app's error handling
    if max_len < 0:
        raise LedgerError(f"--max-len must be >= 0 (0: no bound), got {max_len}")
    if top < 1:
        raise LedgerError(f"--top must be >= 1, got {top}")
    ClusterParams.of(workers=workers, scheduler=scheduler)  # checked before the network is read
    net = network_view(edges, as_of, statuses, db)
    with _progress(json) as progress:
        report = cycles(net, max_len=max_len or None, max_cycles=max_cycles, time_limit=time_limit,
                        count_only=count_only, progress=progress, workers=workers, scheduler=scheduler)
    if json:
        out = report.to_dict()
        if count_only:
            out.pop("cycles", None)
        emit_json(out)
        return
    _print(report, net, top)


@contextmanager
def _progress(quiet: bool) -> Iterator:
    """A transient progress bar on stderr for long searches (none when stderr is no terminal)."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("searching cycles"), BarColumn(), TextColumn("{task.percentage:>3.0f}% of start nodes"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("cycles", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _print(report, net, top: int) -> None:
    con = console()
    counts = ", ".join(f"{n} of length {k}" for k, n in report.by_length.items())
    state = "" if report.complete else f" (INCOMPLETE: stopped at {report.stopped}; counts are lower bounds)"
    con.print(f"{report.count} simple cycles{state}: {counts}.", markup=False)
    sccs = report.scc_sizes
    con.print(f"Strongly connected groups that can hold cycles: {len(sccs)}"
              + (f" (sizes {', '.join(map(str, sccs[:10]))}{' ...' if len(sccs) > 10 else ''})" if sccs else "")
              + (f"; {report.self_loops} self-loops" if report.self_loops else "") + ".", markup=False)
    if report.params.get("count_only") or not report.rows:
        return
    import numpy as np

    # the table is printed from the report's columns (no frame, so no pandas): ranked by
    # bottleneck, largest first (unknown last), then by length, ties in the report's order
    col = report.column
    bottleneck = np.asarray(col("bottleneck"), dtype=float)
    length = np.asarray(col("length"))
    ranked = np.lexsort((length, -np.where(np.isnan(bottleneck), -1.0, bottleneck)))[:top].tolist()
    ledger_view = _has(report, "bottleneck_low")
    names_of, complete = col("names"), col("amount_complete")
    rows = []
    for rank, i in enumerate(ranked, start=1):
        names = list(names_of[i])
        path = " -> ".join(names + [names[0]])
        b = float(bottleneck[i])
        row = [rank, int(length[i]), path, money(b)]
        if ledger_view:
            first = col("first_announced")[i]
            row += [f"{money(col('bottleneck_low')[i])} to {money(col('bottleneck_high')[i])}",
                    ", ".join(col("kinds")[i]), first if isinstance(first, str) else ""]
        row.append("" if complete[i] else "lower bound" if b == b else "")
        rows.append(row)
    cols = ["#", "hops", "cycle", "bottleneck"]
    if ledger_view:
        cols += ["range", "kinds", "first announced"]
    cols.append("note")
    view = net.params.get("as_of")
    title = f"Top {len(rows)} cycles by bottleneck (USD billions" + (f", as of {view})" if view else ")")
    con.print(table(title, cols, rows, right={"#", "hops", "bottleneck"}))
    con.print("Bottleneck: the smallest hop, the most that could go once round that cycle on its own. "
              "Cycles share hops, so bottlenecks must not be added up (see `loopledger circulation`). "
              "'—': some hop has no disclosed amount; 'lower bound': a hop has legs without amounts.", markup=False, soft_wrap=True)


def _has(report, name: str) -> bool:
    """Whether the report's table has that column (ledger views have the ranges, kinds, dates)."""
    try:
        report.column(name)
    except KeyError:
        return False
    return True
