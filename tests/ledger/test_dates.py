"""Partial dates: every form the sources use, and impossible dates rejected with a reason."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loopledger.ledger.dates import PartialDate, parse_as_of


@pytest.mark.parametrize(
    "text, start, end, precision",
    [
        ("2025-10-28", date(2025, 10, 28), date(2025, 10, 28), "day"),
        ("2025-10", date(2025, 10, 1), date(2025, 10, 31), "month"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),  # leap year
        ("2025", date(2025, 1, 1), date(2025, 12, 31), "year"),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "quarter"),
        ("2026-H2", date(2026, 7, 1), date(2026, 12, 31), "half"),
        ("2027-H1", date(2027, 1, 1), date(2027, 6, 30), "half"),
    ],
)
def test_periods(text, start, end, precision):
    d = PartialDate.parse(text)
    assert (d.start, d.end, d.precision, d.text) == (start, end, precision, text)


def test_approximate_marker_kept():
    d = PartialDate.parse("~2029")
    assert d.approx and d.start == date(2029, 1, 1) and d.text == "~2029"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("2025-02-30", "impossible date"),
        ("2023-02-29", "impossible date"),
        ("2025-13", "impossible date"),
        ("2025-00-10", "impossible date"),
        ("25-10-28", "is not a date"),
        ("2025/10/28", "is not a date"),
        ("next year", "is not a date"),
        ("1066", "plausible year"),
    ],
)
def test_bad_dates_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        PartialDate.parse(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_any_real_day_parses_to_itself(d):
    p = PartialDate.parse(d.isoformat())
    assert p.start == p.end == d


def test_as_of_of_a_month_is_its_last_day():
    assert parse_as_of("2025-12") == date(2025, 12, 31)
    assert parse_as_of(date(2024, 1, 1)) == date(2024, 1, 1)
