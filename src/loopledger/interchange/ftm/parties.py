"""Companies, their parent links and sources as FtM entities (docs/interchange.md 1.1).

A company becomes a ``Company``, an ``Organization`` or a ``PublicBody`` (:func:`company_schema`)
with its names, ticker and countries; a parent link an ``Ownership`` of type ``parent``; a
source an ``Article``. Each carries its record exactly in the ``loopledger:`` block, because
FtM cleans names and URLs (whitespace, case) on the way in.
"""

from __future__ import annotations

import re

from followthemoney.types import registry

from ...ledger.model import Company, Source
from ..common import ftm_date
from .block import encode_block
from .builder import EntityBuilder, Seen
from .ids import company_entity_id, source_entity_id

NO_SEEN: Seen = (None, None)


def company_schema(c: Company) -> str:
    """``PublicBody`` when the type detail says government; ``Organization`` for placeholders,
    non-profits and investors without a ticker (funds, consortia, sovereign investors);
    ``Company`` otherwise.

    The ledger's company types have no government or non-profit type, so those two are read
    from the type detail's words. This only picks the FtM schema other tools see: the
    company's type is exported and imported back exactly through the block.
    """
    detail = (c.type_detail or "").lower()
    if "government" in detail:
        return "PublicBody"
    if c.placeholder or "non-profit" in detail or "nonprofit" in detail:
        return "Organization"
    if c.type == "investor" and not c.ticker:
        return "Organization"  # funds, consortia, sovereign investors
    return "Company"


def countries(text: str | None) -> list[str]:
    """ISO country codes read from a country text, split on ``/``, ``,`` and ``;``
    (``US/UAE`` -> ``us``, ``ae``); parts FtM does not know are left out."""
    out = []
    for part in re.split(r"[/,;]", text or ""):
        code = registry.country.clean(part.strip()) if part.strip() else None
        if code and code not in out:
            out.append(code)
    return out


def company_entities(out: EntityBuilder, companies: list[Company], seen: dict[str, Seen]) -> None:
    """Each company, in the given order, as the schema :func:`company_schema` picks."""
    for c in companies:
        e = out.make(company_schema(c), company_entity_id(c.id), seen.get(c.id, NO_SEEN))
        out.put(e, "name", c.name, kept=True)
        out.put(e, "alias", c.aliases, kept=True)
        if c.ticker and "ticker" in e.schema.properties:
            out.put(e, "ticker", c.ticker, kept=True)
        for code in countries(c.country):
            out.put(e, "country", code, original=c.country)
        # every field, exactly: FtM cleans names and URLs (whitespace, case) on the way in
        out.put(e, "description", encode_block((k, getattr(c, k)) for k in Company.model_fields))


def parent_links(out: EntityBuilder, companies: list[Company], known: set[str],
                 seen: dict[str, Seen]) -> None:
    """An ``Ownership`` of type ``parent`` per company whose parent is a company of ``known``."""
    for c in companies:
        if not (c.parent and c.parent in known):
            continue
        e = out.make("Ownership", company_entity_id(c.id) + "-parent", seen.get(c.id, NO_SEEN))
        out.put(e, "owner", company_entity_id(c.parent))
        out.put(e, "asset", company_entity_id(c.id))
        out.put(e, "ownershipType", "parent")
        out.put(e, "startDate", ftm_date(c.parent_since), original=c.parent_since)
        out.put(e, "description", encode_block([("role", "parent"), ("company", c.id)]))


def source_entities(out: EntityBuilder, sources: list[Source], seen: dict[str, Seen]) -> None:
    """Each source as an ``Article``; its values' origin is the source itself."""
    for s in sources:
        e = out.make("Article", source_entity_id(s.url), seen.get(s.id, NO_SEEN), origin=s.id)
        out.put(e, "sourceUrl", s.url)
        out.put(e, "publisher", s.publisher, kept=True)
        out.put(e, "publishedAt", ftm_date(s.date), original=s.date)
        out.put(e, "title", s.title, kept=True)
        out.put(e, "description", encode_block((k, getattr(s, k)) for k in Source.model_fields))
