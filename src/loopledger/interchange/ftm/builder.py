"""The entities of an export being built, with the provenance of each value.

Values go in through :meth:`EntityBuilder.put`, which checks them with FtM's own cleaning and
refuses one FtM would drop or change (docs/interchange.md 1.3, "nothing is dropped silently").
The builder remembers, per value, the loopledger source behind it and the text before
conversion, and per entity when its record was first stored and last changed: the statements
export (docs/interchange.md 3) reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from followthemoney import model as ftm_model
from followthemoney.proxy import EntityProxy

from ...errors import LedgerError
from .ids import check_entity_id

#: (first stored, last changed) of a record, ISO timestamps
Seen = tuple[str | None, str | None]


@dataclass
class EntityBuilder:
    """Entities in export order, with the provenance of each value."""

    dataset: str
    entities: list[EntityProxy] = field(default_factory=list)
    #: (entity id, property, value) -> the loopledger source id behind the value
    origin: dict[tuple[str, str, str], str] = field(default_factory=dict)
    #: (entity id, property, value) -> the text before conversion, where it differs
    original: dict[tuple[str, str, str], str] = field(default_factory=dict)
    seen: dict[str, Seen] = field(default_factory=dict)
    #: entity id -> the source of its values that name none of their own
    default_origin: dict[str, str] = field(default_factory=dict)

    def make(self, schema: str, eid: str, seen: Seen, origin: str | None = None) -> EntityProxy:
        """A new entity of ``schema`` with id ``eid``, appended to the export."""
        e = ftm_model.make_entity(schema)
        e.id = check_entity_id(eid)
        self.entities.append(e)
        self.seen[eid] = seen
        if origin:
            self.default_origin[eid] = origin
        return e

    def put(self, e: EntityProxy, prop: str, value: Any, origin: str | None = None,
            original: str | None = None, kept: bool = False) -> None:
        """Add a value (or each of a list); fail loudly if FtM would drop or change it (never
        lose data silently), unless ``kept``: the exact value is in the entity's
        ``loopledger:`` block, and FtM's cleaned form (names without zero-width characters
        ...) is what other tools get."""
        if value is None or value == "":
            return
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if v is None or v == "":
                continue
            text = str(v)
            ptype = e.schema.properties[prop].type
            clean = ptype.clean(text, proxy=e)
            if clean is not None and not ptype.validate(clean):
                clean = None  # FtM's cleaning can give a value its validation refuses ('"\n"' -> '" "')
            if clean is None and kept:
                continue
            if clean is None or (prop == "description" and clean != text):
                raise LedgerError(f"FtM does not accept {prop}={text!r} on {e.schema.name} {e.id}")
            e.add(prop, clean, cleaned=True, quiet=False)
            key = (e.id or "", prop, clean)
            if origin:
                self.origin[key] = origin
            if original is not None and original != clean:
                self.original[key] = original
