"""The report's sections on claims (docs/claims.md): "Off-balance-sheet debt by sponsor" (the
look-through of financing vehicles to their sponsors, and the debt resting on each company's
contracts) and "Assets and contracts with more than one claim" (each with its claims in
priority order, their sources and the flags). Both read one
:func:`loopledger.measures.encumbrance.encumbrance` of the report's date (binding statuses,
amounts at the high end), computed once per report."""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd

from ..errors import LedgerError
from ..measures.encumbrance import FLAG_WORDS, Encumbrance, encumbrance
from .markup import Section, company_link, deal_link, esc, money, para, pct, source_links, table


class _Builder(Protocol):
    """What the claims sections read of the report's builder (:class:`.build._Builder`)."""

    ledger: Any
    as_of: Any
    deals: pd.DataFrame
    deal_by_id: dict[str, Any]

    def name(self, cid: str) -> str: ...

    def deal_refs(self, deal_ids: Any, with_sources: bool = True) -> str: ...


def _result(b: _Builder) -> Encumbrance:
    cached = getattr(b, "_encumbrance", None)
    if cached is None:
        cached = encumbrance(b.ledger, b.as_of)
        b._encumbrance = cached  # type: ignore[attr-defined]
    return cached


def _source_urls(b: _Builder) -> dict[str, str]:
    cached = getattr(b, "_source_urls", None)
    if cached is None:
        cached = dict(zip(b.ledger.sources()["id"], b.ledger.sources()["url"]))
        b._source_urls = cached  # type: ignore[attr-defined]
    return cached


def _sources(b: _Builder, ids: Any) -> str:

    urls = _source_urls(b)
    return source_links([urls.get(s, s) for s in str(ids or "").split(";") if s])


def _company(b: _Builder, cid: str, name: str | None = None) -> str:
    """A link to the company's entry in the deals appendix, or its name when it has none."""

    parties = set(b.deals["payer"]) | set(b.deals["payee"])
    return company_link(cid, name or b.name(cid)) if cid in parties else esc(name or b.name(cid))


def _deal(b: _Builder, did: str) -> str:

    return deal_link(did) if did in b.deal_by_id else esc(did)


def section_offbalance(b: _Builder, s: Section) -> None:
    """Off-balance-sheet debt by sponsor, and the debt resting on each company's contracts."""

    e = _result(b)
    if e.by_sponsor is None or e.vehicles is None or e.resting_on is None:  # pragma: no cover - always computed
        raise LedgerError("the look-through of vehicles was not computed")
    with_debt = e.vehicles[e.vehicles["loans"].map(bool)]
    if with_debt.empty:
        raise LedgerError("no financing vehicle with debt in view on the date")
    rows = [[_company(b, r.sponsor) if r.sponsor else "(sponsor not recorded)",
             ", ".join(_company(b, v) for v in r.vehicles), money(r.debt),
             b.deal_refs(r.loans), ", ".join(esc(b.name(x)) for x in r.shared_with)]
            for r in e.by_sponsor.itertuples()]
    basis = {"sponsors": "sponsors recorded", "parent": "parent", "owners text": "named in its owners",
             "not recorded": "no sponsor found"}
    vrows = [[_company(b, r.vehicle, r.name), ", ".join(esc(b.name(x)) for x in r.sponsors) or "—",
              esc(basis.get(r.sponsor_basis, r.sponsor_basis)), esc(r.owners or ""), money(r.debt)]
             for r in with_debt.itertuples()]
    rest = [[_company(b, r.company), _deal(b, r.contract),
             _deal(b, r.loan), esc(b.name(r.lender)),
             esc(b.name(r.borrower)) + (" (vehicle)" if r.borrower_is_vehicle else ""), money(r.amount),
             _sources(b, r.sources)] for r in e.resting_on.itertuples()]
    s.html = (
        para(f"Debt borrowed by financing vehicles (SPVs, joint ventures) in view on {esc(b.as_of)}: "
             f"<strong>{money(with_debt['debt'].sum(min_count=1))}</strong> over {len(with_debt)} vehicles, each "
             "counted once. By sponsor, a vehicle with several sponsors counts in full under each, since "
             "ownership shares are mostly not known; the debt sits on the vehicle's balance sheet, not the "
             "sponsor's (docs/claims.md).")
        + table(["sponsor", "vehicles", "debt", "loans and sources", "shared with"], rows, numeric={2})
        + para("How each vehicle's sponsors were read:")
        + table(["vehicle", "sponsors", "read from", "owners as recorded", "debt"], vrows, numeric={4})
        + para("Debt resting on each company's contracts: loans secured by the receivables of a contract the "
               "company pays (its payments service the debt).")
        + table(["company", "contract", "loan", "lender", "borrower", "amount", "sources"], rest, numeric={5})
        + para(esc(e.counting)))


def section_multiple_claims(b: _Builder, s: Section) -> None:
    """Assets and contracts with more than one claim, and every flagged one."""

    e = _result(b)
    many = e.more_than_one_claim()
    order = e.claims.groupby("collateral", sort=False)

    def claims_cell(collateral: str) -> str:
        lines = []
        for c in order.get_group(collateral).itertuples():
            rank = esc(c.priority_label) if isinstance(c.priority_label, str) else "priority not stated"
            share = f" ({c.share:.0%} of it)" if c.share != 1 else ""
            lines.append(f"{rank}: {esc(c.pledge)} securing {_deal(b, c.loan)} from {esc(b.name(c.lender))}, "
                         f"{money(c.amount)}{share} {_sources(b, c.sources)}")
        return "<br>".join(lines)

    def subject(r) -> str:
        return _deal(b, r.collateral) if r.collateral_type == "contract" else esc(r.collateral)

    rows = [[subject(r), esc(r.collateral_type), _company(b, r.owner) if r.owner else "—",
             money(r.value), claims_cell(r.collateral), money(r.pledged_total), pct(r.pledged_share, 0),
             esc("; ".join(FLAG_WORDS[f] for f in r.flags)) or "—", _sources(b, r.sources)]
            for r in many.itertuples()]
    flagged = e.flagged()
    s.html = (
        para(f"{len(e.collateral)} assets and pledged contracts carry {len(e.claims)} claims on {esc(b.as_of)}; "
             f"{len(many)} have more than one claim. Claims in priority order (senior first; a priority not "
             "stated last), each with the amount of the loan it secures from the leg table; a loan secured by "
             "several collaterals counts in full on each. An unknown value is a dash, never 0.")
        + (table(["collateral", "type", "owner", "value", "claims in priority order", "pledged", "pledged/value",
                  "flags", "sources of the asset"], rows, numeric={3, 5, 6}) if rows else para("None."))
        + para("Flagged: " + ("; ".join(f"{esc(r.collateral)} ({esc(', '.join(FLAG_WORDS[f] for f in r.flags))})"
                                        for r in flagged.itertuples()) or "nothing") + ".")
        + para(esc(e.counting)))


#: the sections this module builds: id -> (title, builder)
SECTIONS: dict[str, tuple[str, Any]] = {
    "offbalance": ("Off-balance-sheet debt by sponsor", section_offbalance),
    "multiple-claims": ("Assets and contracts with more than one claim", section_multiple_claims),
}
