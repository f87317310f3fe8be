"""Partial dates: a day, month, quarter, half or year, possibly approximate.

Sources give dates as precisely as they know them ("2025-10-28", "2025-10", "2025", a contract
term "2026-H2" or "~2029"). The ledger stores the text as recorded, so exports round-trip
exactly, and this module turns it into the first and last day of the period it names
(docs/methods.md section 9: a start maps to the period's first day, an end to its last).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ..errors import DateError

PRECISIONS = ("day", "month", "quarter", "half", "year")

_PATTERN = re.compile(
    r"^(?P<approx>~)?(?P<year>\d{4})"
    r"(?:-(?:(?P<month>\d{2})(?:-(?P<day>\d{2}))?|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$"
)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to some precision.

    >>> d = PartialDate.parse("2025-10")
    >>> d.start, d.end, d.precision
    (datetime.date(2025, 10, 1), datetime.date(2025, 10, 31), 'month')
    """

    start: date
    end: date
    precision: str
    approx: bool
    text: str

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-Qn`` or ``YYYY-Hn``, optionally
        prefixed with ``~`` (approximate). Raises ``ValueError`` naming what is wrong."""
        raw = text.strip()
        m = _PATTERN.match(raw)
        if not m:
            raise ValueError(
                f"'{text}' is not a date: expected YYYY-MM-DD, YYYY-MM, YYYY, YYYY-Qn or YYYY-Hn"
            )
        year = int(m["year"])
        if year < 1900 or year > 2200:
            raise ValueError(f"'{text}' is not a plausible year")
        approx = bool(m["approx"])
        if m["day"]:
            month, day = int(m["month"]), int(m["day"])
            if not 1 <= month <= 12:
                raise ValueError(f"'{text}' is an impossible date: month {month}")
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"'{text}' is an impossible date: day {day} of a {last}-day month")
            d = date(year, month, day)
            return cls(d, d, "day", approx, raw)
        if m["month"]:
            month = int(m["month"])
            if not 1 <= month <= 12:
                raise ValueError(f"'{text}' is an impossible date: month {month}")
            last = calendar.monthrange(year, month)[1]
            return cls(date(year, month, 1), date(year, month, last), "month", approx, raw)
        if m["quarter"]:
            q = int(m["quarter"])
            first = 3 * (q - 1) + 1
            last_month = first + 2
            return cls(
                date(year, first, 1),
                date(year, last_month, calendar.monthrange(year, last_month)[1]),
                "quarter",
                approx,
                raw,
            )
        if m["half"]:
            h = int(m["half"])
            return cls(
                date(year, 1 if h == 1 else 7, 1),
                date(year, 6, 30) if h == 1 else date(year, 12, 31),
                "half",
                approx,
                raw,
            )
        return cls(date(year, 1, 1), date(year, 12, 31), "year", approx, raw)

    def __str__(self) -> str:
        return self.text


def parse_partial(text: str | None) -> PartialDate | None:
    """``PartialDate.parse`` that passes ``None`` and blank strings through as ``None``."""
    if text is None or not str(text).strip():
        return None
    return PartialDate.parse(str(text))


def start_of(text: str | None) -> date | None:
    """First day of the period a partial date names, or None."""
    d = parse_partial(text)
    return d.start if d else None


def end_of(text: str | None) -> date | None:
    """Last day of the period a partial date names, or None."""
    d = parse_partial(text)
    return d.end if d else None


def parse_as_of(value: str | date | None) -> date:
    """An as-of date from the user: a ``date``, ``YYYY-MM-DD`` text, or None for today.

    A partial date (``2025-12``) means the end of that period, which is what "as of December
    2025" says."""
    if value is None:
        return date.today()
    if isinstance(value, date):
        return value
    try:
        return PartialDate.parse(str(value)).end
    except ValueError as e:
        raise DateError(f"as_of (--as-of): {e}") from None
