"""Validation of an entity stream with followthemoney itself, before anything is imported
(docs/interchange.md 2).

FtM's ``model.get_proxy`` silently drops unknown properties and unparsable dates, and
``schema.validate`` catches bad values but neither unknown properties nor missing edge ends,
so the checks are ours, on FtM's model: ids are unique; the schema exists; every property
exists in it; ``schema.validate`` passes; amounts and shares parse as decimals; both edge ends
are present and name an entity of the stream or a company of the ledger, and so do a
contract's ``authority``, an award's ``contract`` and a security's ``issuer``.
"""

from __future__ import annotations

from typing import Any, cast

from followthemoney.exc import InvalidData

from ...errors import Problem
from ..common import parse_decimal
from .stream_reader import StreamEntity

#: FtM properties holding amounts or shares that must parse as decimals (``percentage`` and
#: ``sharesValue`` are string properties in FtM: ``schema.validate`` accepts any text there)
DECIMAL_PROPS = ("amount", "amountUsd", "amountEur", "sharesValue", "sharesCount", "percentage")
#: references of the deal's parts that must name an entity too: property -> schemas having it
PART_REFERENCES = {"contract": ("ContractAward",), "authority": ("Contract",), "issuer": ("Security",)}


def _duplicates(items: list[StreamEntity], where: str) -> tuple[set[str], list[Problem]]:
    problems = []
    by_id: dict[str, int] = {}
    for it in items:
        if it.id in by_id:
            problems.append(Problem(where, it.line, "id", f"duplicate entity id '{it.id}' (first on line {by_id[it.id]})"))
        else:
            by_id[it.id] = it.line
    return set(by_id), problems


def _schema_problems(it: StreamEntity, where: str) -> list[Problem]:
    """The problems of the values of an entity whose schema exists."""
    schema = it.schema
    bad = [p for p in it.data["properties"] if p not in schema.properties]
    problems = [Problem(where, it.line, p, f"'{p}' is not a property of {schema.name}") for p in bad]
    try:
        schema.validate(cast(Any, it.data))
    except InvalidData as e:
        errors = (getattr(e, "errors", None) or {}).get("properties", {})
        for p, msg in sorted(errors.items()):
            problems.append(Problem(where, it.line, p, str(msg)))
        if not errors:
            problems.append(Problem(where, it.line, "", str(e)))
    for p in DECIMAL_PROPS:
        if p in schema.properties and p not in bad:
            for v in it.get(p):
                if parse_decimal(v) is None:
                    problems.append(Problem(where, it.line, p, f"'{v}' is not a decimal number"))
    return problems


def _reference_problems(it: StreamEntity, where: str, ids: set[str]) -> list[Problem]:
    schema = it.schema
    problems = []
    if schema.edge:
        for end in filter(None, (schema.edge_source, schema.edge_target)):
            values = it.get(end)
            if not values:
                problems.append(Problem(where, it.line, end, f"edge end '{end}' is missing"))
            for v in values:
                if v not in ids:
                    problems.append(Problem(where, it.line, end, f"'{v}' is not an entity of the stream or the ledger"))
    for p, schemas in PART_REFERENCES.items():
        if p in schema.properties and schema.name in schemas:
            for v in it.get(p):
                if v not in ids:
                    problems.append(Problem(where, it.line, p, f"'{v}' is not an entity of the stream or the ledger"))
    return problems


def check_entities(items: list[StreamEntity], where: str, known_ids: set[str]) -> list[Problem]:
    """Every problem of the stream's entities, by line (``known_ids``: entity ids of the
    ledger's companies, which edges may name)."""
    stream_ids, problems = _duplicates(items, where)
    ids = stream_ids | known_ids
    for it in items:
        if it.schema is None:
            problems.append(Problem(where, it.line, "schema", f"unknown FtM schema '{it.data['schema']}'"))
            continue
        problems += _schema_problems(it, where)
        problems += _reference_problems(it, where, ids)
    return problems
