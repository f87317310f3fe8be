"""Web forms generated from the data model, never re-described by hand.

:func:`form_fields` walks a model's fields (``Deal``, ``Source``, ``StatusEvent``) and gives
what a template needs to draw an input for each: name, label, input type, whether it is
required, the choices of a vocabulary and the model's own description as the hint. Adding a
field to the model adds it to the forms; the server checks what comes back with the same model.
"""

from __future__ import annotations

import enum
import types
import typing
from dataclasses import dataclass
from typing import Any

from ..ledger.model import Record
from ..ledger.tables import field_kind

#: fields an editor never types: bookkeeping, and what the edit itself sets
SKIP = {"sources", "retracted", "retracted_reason"}
#: fields shown first; the others go under "more fields"
MAIN_DEAL_FIELDS = ("id", "group", "payer", "payee", "kind", "amount_low", "amount_high",
                    "announced", "confidence", "amount_note", "notes")
_INPUT = {"float": "number", "int": "number", "bool": "checkbox", "list": "text", "str": "text"}


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    input: str  # text, number, checkbox or select
    kind: str  # the model's kind: str, float, int, bool or list ('|' separates items)
    required: bool
    choices: tuple[str, ...] = ()
    hint: str = ""
    default: Any = None


def _enum_of(annotation: Any) -> type[enum.Enum] | None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, enum.Enum):
                return arg
    return None


def form_fields(model: type[Record], skip: set[str] = SKIP) -> list[FormField]:
    """One :class:`FormField` per model field, in declaration order."""
    out = []
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        kind = field_kind(model, name)
        choices = _enum_of(field.annotation)
        hint = field.description or ""
        if kind == "list":
            hint = (hint + "; " if hint else "") + "separate items with |"
        if kind == "float" and "amount" in name:
            hint = hint or "USD billions"
        default = None if field.is_required() or field.default_factory else field.default
        if isinstance(default, enum.Enum):
            default = default.value
        out.append(FormField(
            name=name, label=name.replace("_", " "),
            input="select" if choices else _INPUT[kind], kind=kind,
            required=field.is_required(),
            choices=tuple(c.value for c in choices) if choices else (),
            hint=hint, default=default,
        ))
    return out


def split_main(fields: list[FormField], main: tuple[str, ...] = MAIN_DEAL_FIELDS) -> tuple[list[FormField], list[FormField]]:
    """(fields shown first in ``main`` order, the rest in model order)."""
    by_name = {f.name: f for f in fields}
    first = [by_name[n] for n in main if n in by_name]
    return first, [f for f in fields if f.name not in main]
