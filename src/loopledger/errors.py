"""The exceptions loopledger raises.

Every error the user can cause is one of these. The CLI turns them into a one-line message on
stderr and a non-zero exit; the web API turns them into a 4xx JSON body. A
:class:`ValidationError` carries every :class:`Problem` found, each naming the file, row and
column, so a bad import is reported whole rather than one mistake at a time.
"""

from __future__ import annotations

from dataclasses import dataclass


class LedgerError(Exception):
    """Something the user asked for cannot be done (unknown id, empty database, ...)."""


class NotFoundError(LedgerError):
    """An id, name or alias that matches nothing in the ledger."""


class DateError(LedgerError, ValueError):
    """A date the user gave that is not a date (also a ValueError, for callers that catch it)."""


class ConflictError(LedgerError):
    """An edit based on an outdated version of a record (another editor changed it first)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value: where (path, row, column) and why.

    ``row`` is the 1-based line number in the file (the CSV header is line 1, so the first
    data row is line 2; in JSON lines the first record is line 1). ``column`` is the column or
    field name, or ``""`` when the problem concerns the whole row.
    """

    path: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        row = "" if self.row is None else str(self.row)
        return f"{self.path}:{row}:{self.column}: {self.reason}"


class ValidationError(LedgerError):
    """Input that does not fit the data model; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid input"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)
