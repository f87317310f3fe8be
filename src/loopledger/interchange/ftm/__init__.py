"""FollowTheMoney (FtM) entity streams and statements: the one interchange format that
round-trips (docs/interchange.md 1-3).

:func:`entities` turns the ledger into FtM entities built with the ``followthemoney`` package
itself (``model.make_entity``, ``add``): companies and sources (:mod:`.parties`), one edge
entity per deal leg with its helpers, written by the leg's form (:mod:`.mapping`, the table
declared once, and :mod:`.legs`). Fields with no FtM home go into ``description`` as the
``loopledger:`` block (:mod:`.block`); :func:`import_entities` reads it back, so loopledger ->
FtM -> loopledger gives the same deals, events, companies and sources. :func:`statements`
writes the same entities in FtM's statement layout with per-value provenance
(:mod:`.statement_export`).

Validation is ours, on FtM's model (:mod:`.checks`), because ``model.get_proxy`` silently drops
unknown properties and unparsable dates: the importer (:mod:`.importer`) checks that every
schema and property exists, that ``schema.validate`` passes, that amounts parse as decimals
and that both edge ends are present and name entities of the stream or of the ledger. It
reports every problem with file, line and property and imports all or nothing. Foreign
streams (no ``loopledger:`` block) are read with the table in reverse; other schemas are
skipped and counted, and a status is taken from FtM only when it is a loopledger status,
else from ``default_status``: the importer never guesses one.

Modules, one concept each: :mod:`.ids` (entity ids), :mod:`.block` (the ``loopledger:``
block), :mod:`.mapping` (deal legs -> FtM schemas, both ways), :mod:`.builder` (entities with
provenance), :mod:`.parties` (companies, parent links, sources), :mod:`.legs` (deal legs),
:mod:`.stream_export` (the entity stream), :mod:`.statement_export` (statements),
:mod:`.stream_reader` (reading a stream), :mod:`.checks` (validation with followthemoney) and
:mod:`.importer` (import into the ledger).
"""

from __future__ import annotations

from ..common import ImportCounts
from .block import BLOCK_HEAD, decode_block, encode_block
from .checks import DECIMAL_PROPS
from .ids import (
    COMPANY_PREFIX,
    DEAL_PREFIX,
    SOURCE_PREFIX,
    company_entity_id,
    deal_entity_id,
    entity_id,
    source_entity_id,
)
from .importer import import_entities
from .mapping import CONTRACT_KINDS, DEAL_SCHEMAS, PART_SCHEMAS
from .statement_export import statements, write_statements
from .stream_export import entities, write_entities

#: private names of the former single module ``ftm.py`` -> where they live now
_MOVED = {
    "_slug": "loopledger.interchange.common.slug",
    "_host": "loopledger.interchange.common.host",
    "_day": "loopledger.interchange.ftm.importer._day",
    "_build": "loopledger.interchange.ftm.stream_export.build",
    "_Export": "loopledger.interchange.ftm.builder.EntityBuilder",
    "_deal_entities": "loopledger.interchange.ftm.legs.deal_entities",
    "_company_schema": "loopledger.interchange.ftm.parties.company_schema",
    "_countries": "loopledger.interchange.ftm.parties.countries",
    "_is_paid_flow": "loopledger.interchange.ftm.mapping.is_paid_flow",
    "_all_stock": "loopledger.interchange.ftm.mapping.pays_on_takeover (reads the deal's consideration)",
    "_warrant_word": "loopledger.interchange.ftm.legs.warrant_word",
    "_amount_words": "loopledger.interchange.ftm.legs.amount_words",
    "_Entity": "loopledger.interchange.ftm.stream_reader.StreamEntity",
    "_parse_stream": "loopledger.interchange.ftm.stream_reader.parse_stream",
    "_check_entities": "loopledger.interchange.ftm.checks.check_entities",
    "_Importer": "loopledger.interchange.ftm.importer.Importer",
    "_record_values": "loopledger.interchange.ftm.block.record_values",
    "_ENTITY_ID": "loopledger.interchange.ftm.ids.ENTITY_ID",
}


def __getattr__(name: str):
    # an ImportError, so that ``from loopledger.interchange.ftm import _build`` shows the new
    # spelling too (Python replaces an AttributeError there with a message of its own)
    if name in _MOVED:
        raise ImportError(f"loopledger.interchange.ftm.{name} has moved: use {_MOVED[name]}",
                          name=__name__)
    raise AttributeError(f"module 'loopledger.interchange.ftm' has no attribute '{name}'")


__all__ = [
    "BLOCK_HEAD", "COMPANY_PREFIX", "CONTRACT_KINDS", "DEAL_PREFIX", "DEAL_SCHEMAS", "DECIMAL_PROPS",
    "ImportCounts", "PART_SCHEMAS", "SOURCE_PREFIX", "company_entity_id", "deal_entity_id",
    "decode_block", "encode_block", "entities", "entity_id", "import_entities", "source_entity_id",
    "statements", "write_entities", "write_statements",
]
