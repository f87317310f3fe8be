"""What the ledger accepts, beyond types and vocabularies: plausible maxima and clean text.

A shared ledger takes input from files and from a web form; neither may smuggle in a value
that breaks a reader. The limits, declared once here and applied by the data model
(:mod:`loopledger.ledger.model`) to every record however it arrives (import, web edit, Python
API), are:

* **amounts** are finite and at most :data:`MAX_LEG_USD_BN` (10,000 USD billions) per deal
  leg once converted to USD. The largest bundled leg is 500; the world's largest companies
  are worth a few thousand billions. Without a bound one leg of 1e300 turns every share into
  1e-297 and two legs of 1.7e308 add up to infinity. Money facts (unit ``USD bn``) are at
  most :data:`MAX_FACT_USD_BN` in absolute value (world GDP is about 110,000 USD bn);
* **text** holds no control character but the tab and the line feed (no NUL, escape,
  carriage return, C1 controls), no Unicode line or paragraph separator (JSON-lines readers
  split at them) and no lone surrogate (it cannot be written as UTF-8). PostgreSQL refuses NUL
  in text while SQLite stores it: refusing it here makes both backends behave alike;
* **lengths**: ids at most :data:`MAX_ID_LENGTH` characters, URLs :data:`MAX_URL_LENGTH`,
  other short text :data:`MAX_LINE_LENGTH`, notes :data:`MAX_TEXT_LENGTH`, and lists at
  most :data:`MAX_LIST_ITEMS` items.
"""

from __future__ import annotations

import re
from typing import Any

#: the largest amount of one deal leg, USD billions
MAX_LEG_USD_BN = 10_000.0
#: the largest absolute value of a fact in USD billions
MAX_FACT_USD_BN = 100_000.0
#: the largest number a money field may hold in its own currency (billions), before conversion
MAX_AMOUNT_ANY_CURRENCY = 1e9
#: physical quantities of one leg: gigawatts, chips, shares
MAX_POWER_GW = 1_000.0
MAX_GPU_COUNT = 1e8
MAX_SHARE_COUNT = 1e13
#: the largest exchange rate (USD per unit of a currency)
MAX_FX_RATE = 1e6

MAX_ID_LENGTH = 200
MAX_URL_LENGTH = 2_000
MAX_LINE_LENGTH = 1_000
MAX_TEXT_LENGTH = 10_000
MAX_LIST_ITEMS = 100

#: fields holding free text (the longer limit)
FREE_TEXT_FIELDS = frozenset({"notes", "note", "amount_note", "overlap_note", "derivation",
                              "retracted_reason", "reason"})

# C0 controls but tab and line feed, DEL, C1 controls, U+2028/2029 and lone surrogates
_BAD_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _describe(ch: str) -> str:
    names = {"\x00": "NUL", "\t": "a tab", "\n": "a line break", "\r": "a carriage return",
             "\x1b": "ESC", "\u2028": "a line separator", "\u2029": "a paragraph separator"}
    if "\ud800" <= ch <= "\udfff":
        return f"a lone surrogate (U+{ord(ch):04X}, not valid UTF-8)"
    name = names.get(ch)
    return f"{name} (U+{ord(ch):04X})" if name else f"a control character (U+{ord(ch):04X})"


def text_problem(value: str, max_length: int) -> str | None:
    """Why ``value`` is not acceptable text (None when it is).

    >>> text_problem("two\\nlines\\tand a tab", 30) is None
    True
    >>> text_problem("a\\x00b", 10)
    'contains NUL (U+0000) at character 2'
    >>> text_problem("a\\r\\nb", 10)
    'contains a carriage return (U+000D) at character 2'
    """
    if len(value) > max_length:
        return f"is {len(value):,} characters long: at most {max_length:,}"
    bad = _BAD_IN_TEXT.search(value)
    if bad is not None:
        return f"contains {_describe(bad.group())} at character {bad.start() + 1}"
    return None


def max_length_of(field: str) -> int:
    """The length limit of a text field, by its name."""
    if field in FREE_TEXT_FIELDS:
        return MAX_TEXT_LENGTH
    if field == "url":
        return MAX_URL_LENGTH
    return MAX_LINE_LENGTH


def check_field_text(field: str, value: Any) -> Any:
    """``value`` unchanged if its text (a string, or each string of a list) is acceptable for
    ``field``; else ValueError with the reason. (Ids are held to :data:`MAX_ID_LENGTH` by the
    model's id type.)"""
    if isinstance(value, str):
        why = text_problem(value, max_length_of(field))
        if why:
            raise ValueError(f"{field} {why}")
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise ValueError(f"{field} has {len(value):,} items: at most {MAX_LIST_ITEMS}")
        for item in value:
            if isinstance(item, str):
                why = text_problem(item, MAX_LINE_LENGTH)
                if why:
                    raise ValueError(f"an item of {field} {why}")
    return value
