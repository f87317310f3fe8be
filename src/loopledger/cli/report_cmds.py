"""The report command: one self-contained HTML file, or a PDF, for a date."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import AsOfOption, DbOption, app, console, open_ledger


@app.command()
def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="report.html (self-contained) or report.pdf (needs Chromium).")],
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Write the report: headline numbers, network map, flows, promises, circular share over
    time, top cycles, round trips and exposures, look-through, the stress test, too big to
    fail, methods, and every deal with its sources."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ..report import write_report
    from ..report.build import SECTIONS

    ledger = open_ledger(db)
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("report", total=len(SECTIONS))

        def step(title: str) -> None:
            bar.update(task, advance=0 if bar.tasks[0].description == "report" else 1, description=title)

        path = write_report(ledger, output, as_of=as_of, progress=step)
    console().print(str(path), markup=False)
