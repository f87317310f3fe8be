"""The Typer application and what every command shares: the ``--db`` option, opening the
ledger, JSON output, Rich tables and the way errors reach the user.

The CLI is a thin skin over the Python API, option for option: each command calls the function
of the same name and prints its result (a Rich table, or JSON with ``--json``). Errors go to
stderr as one line each (``PATH:ROW:COLUMN: reason`` for validation problems) with exit code 1.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from collections.abc import Set
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import LedgerError, ValidationError
from ..results import jsonable

app = typer.Typer(
    name="loopledger",
    help="Map, measure and stress-test circular financing. Money is USD billions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)

DbOption = Annotated[
    Optional[str],
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file.db, postgresql://...) or file path. "
        "Default: $LOOPLEDGER_DB, else ~/.local/share/loopledger/loopledger.db.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AsOfOption = Annotated[
    Optional[str],
    typer.Option("--as-of", help="View as of this date (YYYY-MM-DD; default today).", show_default=False),
]
StatusesOption = Annotated[
    Optional[list[str]],
    typer.Option("--statuses", "--status", help="Deal status that counts (repeatable). Default: the binding "
                 "ones, funded, funded_partial and definitive.", show_default=False),
]
AmountOption = Annotated[str, typer.Option("--amount", help="Amount basis: low, high (default; a 'more than X' "
                                           "deal counts X), mid or derived (values GW-only deals).")]


class LedgerConsole(Console):
    """The commands' console: a table made by :func:`table` is fitted to the width (ids and
    numbers whole) and followed by the URLs of its source column, one per line, never wrapped
    (the terminal may fold a long one, but it stays one clickable string)."""

    wrap_prose = True

    def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if (self.wrap_prose and kwargs.get("soft_wrap")
                and all(isinstance(o, str) and "://" not in o for o in objects)):
            kwargs["soft_wrap"] = False  # prose wraps at the width at spaces; only URLs stay whole
        for o in objects:
            if isinstance(o, Table):
                self._fit(o)
        super().print(*objects, **kwargs)
        for o in objects:
            for line in getattr(o, "loopledger_urls", ()):
                super().print(line, markup=False, highlight=False, soft_wrap=True)

    def _fit(self, t: Table) -> None:
        """Id and number columns of a :func:`table` are never wrapped (their headers are
        pre-wrapped to the data's width); the prose columns share the rest, wrapping at spaces.
        Only when the unwrapped columns alone do not fit the console do they wrap too."""
        whole = getattr(t, "loopledger_whole", None)
        if not whole:
            return
        widths = getattr(t, "loopledger_widths", {})
        need = sum(widths.get(i, 1) + 3 for i in whole) + 8 * (len(t.columns) - len(whole))
        if need > self.width:  # a narrow console: everything wraps rather than be cut off
            for i in whole:
                t.columns[i].no_wrap = False


def console() -> Console:
    """stdout console; wide enough for tables when not attached to a terminal."""
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "0") or 0) or 160
    con = LedgerConsole(width=width, highlight=False, soft_wrap=False)
    # on a terminal (or a width set in COLUMNS) prose wraps at the width; piped output keeps one
    # line per sentence, so that grep finds a phrase whole
    con.wrap_prose = sys.stdout.isatty() or bool(os.environ.get("COLUMNS"))
    return con


def err_console() -> Console:
    return Console(stderr=True, highlight=False, width=shutil.get_terminal_size((160, 20)).columns)


def open_ledger(db: str | None, create: bool = True):
    from ..ledger import Ledger

    return Ledger.open(db, create=create)


def emit_json(value: Any) -> None:
    """JSON on stdout (plain print: no Rich markup processing)."""
    print(json.dumps(jsonable(value), indent=2, ensure_ascii=False))


def money(x: Any) -> str:
    """USD billions for a table cell; blank when unknown (never 0)."""
    try:
        if x is None or x != x:
            return "—"
    except TypeError:
        return "—"
    return f"{x:,.2f}"


def text(x: Any) -> str:
    """A table cell for optional text: blank for None / NaN."""
    return x if isinstance(x, str) else ("" if x is None or x != x else str(x))


#: columns that hold ids, codes and dates: never wrapped (each is one word)
ID_COLUMNS = frozenset({"id", "deal", "#", "fact", "event", "source id", "company id", "announced", "as of", "date",
                        "quarter"})
#: columns that hold URLs: the cell shows a note number, the URL is printed whole below the table
URL_COLUMNS = frozenset({"source", "sources", "url"})


def table(title: str | None, columns: list[str], rows: list[list[Any]], right: Set[str] = frozenset(),
          total: list[Any] | None = None, whole: Set[str] = frozenset()) -> Table:
    """A Rich table that fits the console without breaking words where it can: ids
    (:data:`ID_COLUMNS`) and numbers (the ``right`` columns) are never wrapped, prose cells wrap
    at spaces, URLs (:data:`URL_COLUMNS`) become note
    numbers with the URL printed whole on its own line after the table (by
    :class:`LedgerConsole`); ``total`` is a last row set off by a rule (the listing's totals);
    ``whole`` names more columns never to wrap (short codes)."""
    t = Table(title=title, title_justify="left", show_lines=False, show_footer=False, box=box.SIMPLE_HEAD,
              pad_edge=False)
    urls: dict[str, int] = {}
    url_cols = {i for i, c in enumerate(columns) if c in URL_COLUMNS}
    body: list[list[str]] = []
    for r in [*rows, *([total] if total is not None else [])]:
        cells = []
        for i, v in enumerate(r):
            v = "" if v is None else str(v)
            if i in url_cols and "://" in v:
                found = [u for u in v.replace(";", " ").split() if "://" in u]
                v = " ".join(f"[{urls.setdefault(u, len(urls) + 1)}]" for u in found)
            cells.append(v)
        body.append(cells)
    widths: dict[int, int] = {}
    for i, c in enumerate(columns):
        header = c
        is_whole = c in ID_COLUMNS or c in right or c in whole
        if is_whole:
            width = max([len(x) for r in body if i < len(r) for x in r[i].split("\n")]
                        + [len(w) for w in c.split()] + [min(len(c), 12)])  # short headers stay on a line
            header = "\n".join(textwrap.wrap(c, width)) or c
            widths[i] = width
        t.add_column(header, justify="right" if c in right else "left", overflow="fold", no_wrap=is_whole)
    for n, cells in enumerate(body):
        t.add_row(*[Text(v) for v in cells], end_section=total is not None and n == len(rows) - 1)
    t.loopledger_urls = [f"[{k}] {u}" for u, k in urls.items()]  # type: ignore[attr-defined]
    t.loopledger_whole = set(widths)  # type: ignore[attr-defined]
    t.loopledger_widths = widths  # type: ignore[attr-defined]
    return t


def counting(con: Console, view: Any) -> None:
    """The line under every table and output saying what it counts (statuses, amount basis,
    as of): :meth:`loopledger.ledger.view.View.counting`, the one helper that words it."""
    con.print(view.counting(), style="dim", markup=False)


def fail(message: str, code: int = 1) -> None:
    err_console().print(message, markup=False)
    raise typer.Exit(code)


def _click_modules():
    """click's exception classes, and typer's vendored copy of them (typer >= 0.26)."""
    import click

    mods = [click.exceptions]
    try:
        import typer._click.exceptions as vendored  # type: ignore[import-not-found]

        mods.append(vendored)
    except ImportError:  # pragma: no cover - older typer uses click itself
        pass
    return mods


def run() -> int:
    """Run the app; turn loopledger's errors into stderr lines and exit codes."""
    mods = _click_modules()
    exits = tuple({m.Exit for m in [*mods, typer.exceptions] if hasattr(m, "Exit")})
    click_errors = tuple(m.ClickException for m in mods)
    aborts = tuple({m.Abort for m in [*mods, typer.exceptions] if hasattr(m, "Abort")})
    try:
        app(standalone_mode=False)
        return 0
    except ValidationError as e:
        con = err_console()
        for p in e.problems:
            con.print(str(p), markup=False, soft_wrap=True)
        return 1
    except LedgerError as e:
        err_console().print(f"error: {e}", markup=False, soft_wrap=True)
        return 1
    except exits as e:
        return e.exit_code
    except click_errors as e:
        e.show()
        return e.exit_code
    except aborts:
        err_console().print("aborted", markup=False)
        return 1
    except (FileNotFoundError, PermissionError, IsADirectoryError) as e:
        err_console().print(f"error: {e}", markup=False, soft_wrap=True)
        return 1


def today() -> date:
    return date.today()


def cli_view(as_of: str | None = None, statuses: list[str] | None = None, amount: str = "high", **more):
    """The :class:`~loopledger.ledger.view.View` of a command: its options parsed once, before
    anything is opened (an impossible date or an unknown status is a one-line error)."""
    from ..ledger.view import View
    from ..vocabulary import BINDING_STATUSES

    return View.of(as_of=as_of, statuses=statuses or BINDING_STATUSES, amount=amount, **more)


def network_view(edges: Path | None, as_of: str | None, statuses: list[str] | None, db: str | None,
                 amount: str = "high"):
    """The network a measure command works on: ``--edges FILE``, or the ledger view as of
    ``--as-of`` with ``--statuses`` (default: the binding statuses), with clear errors."""
    from ..network import FlowNetwork

    if edges is not None:
        if as_of is not None or statuses:
            raise LedgerError("--as-of and --statuses select deals of the ledger; they do not apply to --edges")
        return FlowNetwork.from_edges(edges)
    view = cli_view(as_of, statuses, amount)
    ledger = open_ledger(db)
    if ledger.store.count("deals") == 0:
        raise LedgerError("the ledger holds no deals: run `loopledger init` (or pass --edges FILE)")
    return ledger.network(view=view)
