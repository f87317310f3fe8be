"""FtM entity ids of ledger records (docs/interchange.md 1.1): ``ll-co-<company id>``,
``ll-deal-<deal id>`` (helpers add ``-contract``, ``-security``, ``-payment``) and
``ll-src-<sha1(url)[:16]>``. An id FtM would refuse is cleaned and given a hash suffix, so
distinct keys keep distinct ids."""

from __future__ import annotations

import hashlib
import re

from ...errors import LedgerError

COMPANY_PREFIX = "ll-co-"
DEAL_PREFIX = "ll-deal-"
SOURCE_PREFIX = "ll-src-"
#: what FtM accepts as an entity id
ENTITY_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")


def entity_id(prefix: str, key: str) -> str:
    """``prefix + key`` when FtM accepts it as an id; otherwise the key with other characters
    replaced by ``-`` and a hash suffix, so distinct keys keep distinct ids."""
    plain = prefix + key
    if ENTITY_ID.match(plain) and len(plain) <= 180:
        return plain
    cleaned = re.sub(r"[^0-9a-zA-Z.\-]+", "-", key).strip(".-")[:120]
    return f"{prefix}{cleaned}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def company_entity_id(company_id: str) -> str:
    return entity_id(COMPANY_PREFIX, company_id)


def deal_entity_id(deal_id: str) -> str:
    return entity_id(DEAL_PREFIX, deal_id)


def source_entity_id(url: str) -> str:
    """``ll-src-<sha1(url)[:16]>`` (docs/interchange.md 1.1)."""
    return SOURCE_PREFIX + hashlib.sha1(url.encode()).hexdigest()[:16]


def check_entity_id(eid: str) -> str:
    """``eid``, or a LedgerError when FtM would refuse it."""
    if not ENTITY_ID.match(eid):
        raise LedgerError(f"'{eid}' is not a valid FtM entity id")
    return eid
