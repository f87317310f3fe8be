"""The ``loopledger:`` block: the fields with no FtM home, kept exactly (docs/interchange.md
1.3).

An entity's ``description`` holds a first line ``loopledger:`` and then one ``key: value``
line per field with a value, in the ledger's CSV cell text. Text that would not survive a
line, or that FtM's text cleaning would change (it drops soft hyphens and zero-width spaces
and turns line separators into spaces), is JSON-quoted with ``\\u`` escapes. Reading the block
back gives the record's exact values, which is what makes the FtM round trip exact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from followthemoney.types import registry

from ...ledger.tables import from_csv_cell, to_csv_cell

BLOCK_HEAD = "loopledger:"


def survives(text: str) -> bool:
    """Whether FtM's text cleaning leaves ``text`` as it is (it drops format characters such
    as soft hyphens and zero-width spaces, and turns line separators into spaces)."""
    return registry.text.clean(text) == text


def _cell(value: Any) -> str:
    text = to_csv_cell(value)
    if not survives(text):
        return json.dumps(text, ensure_ascii=True)  # \u escapes are plain ASCII: FtM keeps them
    if "\n" in text or "\r" in text or text != text.strip() or text.startswith('"'):
        return json.dumps(text, ensure_ascii=False)
    return text


def json_line(body: dict) -> str:
    """``body`` as one line of JSON that FtM keeps as it is (an ``event:`` value)."""
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)
    return text if survives(text) else json.dumps(body, ensure_ascii=True, sort_keys=True)


def encode_block(pairs: Iterable[tuple[str, Any]]) -> str:
    """``loopledger:`` then one ``key: value`` line per pair with a value (None, "" and [] are
    left out). Values use the ledger's CSV cell text; text that would not survive a line is
    JSON-quoted. ``event`` values are already JSON lines (:func:`json_line`)."""
    lines = [BLOCK_HEAD]
    for key, value in pairs:
        if value is None or value == "" or value == []:
            continue
        lines.append(f"{key}: {value if key == 'event' else _cell(value)}")
    return "\n".join(lines)


def decode_block(text: str | None) -> list[tuple[str, str]] | None:
    """The (key, text) pairs of a ``loopledger:`` block, or None when there is none."""
    if not text:
        return None
    lines = text.split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == BLOCK_HEAD)
    except StopIteration:
        return None
    pairs = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        key, sep, value = line.partition(": ")
        if not sep:
            key, value = line.rstrip(":"), ""
        if value.startswith('"'):
            value = json.loads(value)
        pairs.append((key.strip(), value))
    return pairs


def record_values(model: type, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The values of a block's pairs that are fields of ``model``, parsed from cell text."""
    out = {}
    for key, text in pairs:
        if key in model.model_fields:  # type: ignore[attr-defined]
            out[key] = from_csv_cell(model, key, text)
    return out
