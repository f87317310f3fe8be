"""Reading an FtM entity stream: JSON lines, one ``{"id", "schema", "properties"}`` object a
line (docs/interchange.md 2). Lines that are not such objects are problems with their line
number; nothing else is checked here (:mod:`.checks` does)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from followthemoney import model as ftm_model
from followthemoney.schema import Schema

from ...errors import Problem


@dataclass
class StreamEntity:
    """One entity of a stream as read, with its line number."""

    line: int
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def schema(self) -> Schema:
        return ftm_model.get(self.data["schema"])  # type: ignore[return-value]

    def get(self, prop: str) -> list[str]:
        return list(self.data.get("properties", {}).get(prop, []))

    def first(self, prop: str) -> str | None:
        values = self.get(prop)
        return values[0] if values else None


def parse_stream(text: str, where: str) -> tuple[list[StreamEntity], list[Problem]]:
    """The entities of a stream's text, and a problem per line that is not one."""
    items, problems = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(Problem(where, n, "", f"not valid JSON ({e.msg} at character {e.colno})"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data.get("id"):
            problems.append(Problem(where, n, "id", "each line must be an entity object with an 'id'"))
            continue
        if not isinstance(data.get("schema"), str):
            problems.append(Problem(where, n, "schema", "the entity has no schema"))
            continue
        props = data.setdefault("properties", {})
        if not isinstance(props, dict) or any(
            not isinstance(v, list) or any(not isinstance(x, str) for x in v) for v in props.values()
        ):
            problems.append(Problem(where, n, "properties", "properties must map names to lists of strings"))
            continue
        items.append(StreamEntity(n, data))
    return items, problems
