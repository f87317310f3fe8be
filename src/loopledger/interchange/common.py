"""What the interchange modules share: where output goes (a file, a folder or stdout ``-``),
where input comes from (a file or stdin ``-``), the text forms of amounts and dates that
other tools read, what an import returns, and the view of the deals the graph formats draw.

Money is USD billions in the ledger; formats that other tools sum (FtM) get plain USD, and
the ledger's partial dates (``2026-H2``, ``~2036``) are turned into what each format accepts,
with the text as recorded kept next to it (docs/interchange.md 7, cases 4 and 8).
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

from ..errors import LedgerError
from ..ledger.dates import PartialDate

STDIO = "-"


def is_stdio(path: str | Path | None) -> bool:
    return path is not None and str(path) == STDIO


@contextmanager
def open_output(path: str | Path, binary: bool = False) -> Iterator[IO]:
    """A text (or binary) handle on ``path``, or on stdout for ``-``; parents are created."""
    if is_stdio(path):
        if binary:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        else:
            yield sys.stdout
            sys.stdout.flush()
        return
    p = Path(path)
    if p.is_dir():
        raise LedgerError(f"{p} is a folder: give a file name")
    p.parent.mkdir(parents=True, exist_ok=True)
    if binary:
        with open(p, "wb") as fb:
            yield fb
    else:
        with open(p, "w", encoding="utf-8", newline="") as ft:
            yield ft


def read_input(path: str | Path) -> tuple[str, str]:
    """The text at ``path`` (stdin for ``-``) and the name to use in error messages."""
    if is_stdio(path):
        return sys.stdin.read(), "<stdin>"
    p = Path(path)
    if not p.exists():
        raise LedgerError(f"{p}: no such file")
    if p.is_dir():
        raise LedgerError(f"{p} is a folder: give a file")
    return p.read_text(encoding="utf-8-sig"), str(p)


def usd_text(billions: float) -> str:
    """USD billions -> dollars as a plain decimal string (``300`` -> ``300000000000``), to the
    cent. Decimal arithmetic on the shortest repr, so 0.285 gives ``285000000`` exactly."""
    d = (Decimal(repr(float(billions))) * Decimal(10) ** 9).quantize(Decimal("0.01"))
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_decimal(text: str) -> Decimal | None:
    """A decimal from text (``300000000000``, ``1.5e9``, ``1,000``), or None if it is not one."""
    try:
        d = Decimal(str(text).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def billions(dollars: Decimal) -> float:
    """Whole dollars -> USD billions (the ledger's unit)."""
    return float(dollars / Decimal(10) ** 9)


def iso_date(text: str | None, end: bool = False) -> str | None:
    """A partial date as an ISO day (first day of its period, or last with ``end``); None for
    a missing one (None, NaN or blank)."""
    if not isinstance(text, str) or not text.strip():
        return None
    d = PartialDate.parse(text)
    return (d.end if end else d.start).isoformat()


def ftm_date(text: str | None, end: bool = False) -> str | None:
    """A partial date as FtM accepts it: day, month or year as recorded; quarters and halves
    become the month they start (or, with ``end``, finish); the approximate marker ``~`` is
    dropped (the exact text stays in the ``loopledger:`` block)."""
    if not isinstance(text, str) or not text.strip():
        return None
    d = PartialDate.parse(text)
    if d.precision in ("day", "month", "year"):
        return d.text.lstrip("~")
    x = d.end if end else d.start
    return f"{x.year:04d}-{x.month:02d}"


def slug(text: str) -> str:
    """An id made from a name: lower case, runs of other characters as ``-`` (``x`` when
    nothing is left). Imported companies and legs get their ids this way."""
    s = re.sub(r"[^a-z0-9._\-]+", "-", text.lower()).strip("-._")
    return s or "x"


def host(url: str) -> str:
    """The host name of a URL (the publisher of an imported source that names none)."""
    return urlparse(url).hostname or url


class ImportCounts(dict):
    """Records imported per table; ``skipped`` counts the input items not imported, by reason
    (for FtM: by schema)."""

    def __init__(self, counts: dict[str, int], skipped: dict[str, int] | None = None):
        super().__init__(counts)
        self.skipped = dict(skipped or {})


def write_text(path: str | Path, text: str) -> None:
    with open_output(path) as fh:
        fh.write(text)


def text_buffer() -> io.StringIO:
    return io.StringIO(newline="")


def latest_valuations(ledger, as_of=None):
    """Per company, its latest market value on or before ``as_of`` (the ``market_value``
    family of :data:`loopledger.vocabulary.METRIC_FAMILIES`): a frame indexed by company id with
    ``value`` (USD bn), ``as_of`` (date as recorded), ``basis`` (the metric: market cap,
    post-money ...) and ``source`` (URL of the fact's first source)."""
    import pandas as pd

    latest = ledger.latest("market_value", as_of=as_of)
    return pd.DataFrame({
        "value": latest["value"].astype(float),
        "as_of": latest["as_of"],
        "basis": latest["metric"],
        "source": [s[0]["url"] if s else None for s in latest["sources"]],
    }, index=latest.index)[["value", "as_of", "basis", "source"]]


def first_source_url(sources) -> str | None:
    """URL of a deal's first source (the formats that carry one source per deal)."""
    return sources[0]["url"] if isinstance(sources, list) and sources else None


def deal_view(ledger, as_of=None, include_overlaps: bool = True):
    """What the graph formats draw: ``(as_of date, deals in view, companies indexed by id,
    latest valuations)``. ``as_of`` is a date or a :class:`~loopledger.ledger.view.View`
    (default: every status); the deals are the legs of that view (summary legs are dropped
    unless ``include_overlaps``), with every field of the ledger's deal table."""
    from ..ledger.view import View

    view = as_of if isinstance(as_of, View) else View.of(as_of=as_of, statuses=None,
                                                          include_overlaps=include_overlaps)
    legs = ledger.legs(view=view)
    if not view.include_overlaps:
        legs = legs[legs["counted"]]
    deals = ledger.deals(as_of=view.as_of)
    deals = deals[deals["id"].isin(set(legs["deal"]))].reset_index(drop=True)
    return view.as_of, deals, ledger.companies().set_index("id"), latest_valuations(ledger, view.as_of)
