"""Reading the ledger: companies, deals (the CLI's filters), one deal, its history, facts, the
status summary, the map (``GET /api/network``) and the words and colours of every code
(``GET /api/vocabulary``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Path, Query

from ...results import jsonable
from ..errors import ApiError
from ..graph import ledger_layout, map_view, vocabulary_words
from ..site import AsOf, CompanyText, KindQuery, MinAmount, SiteDep, StatusQuery, ViewDep, values

router = APIRouter(prefix="/api", tags=["ledger"])

DealId = Annotated[str, Path(description="deal id", max_length=200)]


@router.get("/companies", summary="Companies")
def companies(site: SiteDep) -> dict[str, Any]:
    """Every company, fund and vehicle, with the number of deal legs it takes part in
    (``loopledger companies``)."""
    def build(led):
        frame = led.companies()
        return {"count": len(frame), "companies": jsonable(frame)}

    return site.json(("companies",), build)


@router.get("/companies/{company}", summary="One company")
def company(site: SiteDep, as_of: AsOf, company: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    """A company (by id, name, alias or ticker), its dated facts known by ``as_of``, its deal
    legs in view then (each with its sources, primary ones first, and ``paid``: cash recorded
    paid by the date), its backlog next to the contracts it holds, ``secured_by`` (the
    collateral securing the loans it borrowed or lent, with its ``role``), ``pledged_to`` (its
    assets and contracts pledged to lenders: ``role`` owner, receivables or payer; docs/claims.md),
    each row with ``source_refs`` (its sources as objects, like a deal's ``sources``), and
    ``data_reaches`` (the latest event in the ledger)."""

    def build(led):
        from ...measures.encumbrance import company_claims
        from ...measures.exposure import backlog_table

        cid = led.resolve_company(company)
        row = led.companies().set_index("id").loc[cid]
        backlog = backlog_table(led, as_of)
        deals = led.deals(as_of=as_of, company=cid)
        paid = led.paid(as_of)
        deals["paid"] = deals["id"].map(paid)
        claims = company_claims(led, cid, as_of)
        for frame in claims.values():  # "src-a;src-b" -> the sources themselves, for the links
            frame["source_refs"] = [led.source_refs([x for x in str(v or "").split(";") if x]) for v in frame["sources"]]
        return jsonable({
            "company": {"id": cid, **row.to_dict()},
            "facts": led.facts(company=cid, as_of=as_of),
            "deals": deals,
            "backlog": backlog[backlog["company"] == cid],
            **claims,
            "data_reaches": led.latest_event(),
            "as_of": as_of,
        })

    return site.json(("company", company.lower(), as_of), build)


@router.get("/deals", summary="Deal legs (the CLI's filters)")
def deals(
    site: SiteDep,
    as_of: AsOf,
    company: CompanyText = None,
    kind: KindQuery = None,
    status: StatusQuery = None,
    min_amount: MinAmount = None,
) -> dict[str, Any]:
    """Deal legs in view as of a date with their status then (``loopledger deals``): amounts
    in USD billions, ``null`` when unknown; ``sources`` lists each leg's sources."""
    key = ("deals", as_of, company, tuple(values(kind) or ()), tuple(values(status) or ()), min_amount)

    def build(led):
        frame = led.deals(as_of=as_of, company=company, kind=values(kind), status=values(status),
                          min_amount=min_amount)
        return {"as_of": as_of.isoformat(), "count": len(frame), "deals": jsonable(frame)}

    return site.json(key, build)


@router.get("/deals/{deal_id:path}/history", summary="History of a deal")
def history(site: SiteDep, deal_id: DealId) -> dict[str, Any]:
    """Its dated status events and every recorded change to it (``loopledger history``)."""
    return site.read(lambda led: {"deal": deal_id, "history": jsonable(led.history(deal_id))})


@router.get("/deals/{deal_id:path}", summary="One deal")
def deal(site: SiteDep, deal_id: DealId) -> dict[str, Any]:
    """All fields of a deal, its status history, sources and current ``version`` (send it
    back as ``expected_version`` when amending)."""
    return site.read(lambda led: jsonable(led.deal(deal_id)))


@router.get("/facts", summary="Company facts")
def facts(
    site: SiteDep,
    company: CompanyText = None,
    metric: Annotated[Optional[list[str]], Query(max_length=64)] = None,
    as_of: Annotated[Optional[str], Query(max_length=32)] = None,
    latest: bool = False,
) -> dict[str, Any]:
    """Dated company facts (valuation, revenue, loss, backlog ...) with their sources
    (``loopledger facts``)."""
    from ..site import parse_date

    when = parse_date(as_of, "as_of")
    frame = site.read(lambda led: led.facts(company=company, metric=metric, as_of=when, latest=latest))
    return {"count": len(frame), "facts": jsonable(frame)}


@router.get("/summary", summary="Dollars by status")
def summary(site: SiteDep, as_of: AsOf) -> dict[str, Any]:
    """Counts and headline dollars by status (``loopledger summary``): how much of it is
    promises."""
    return site.json(("summary", as_of), lambda led: led.summary(as_of=as_of).to_dict())


@router.get("/network", summary="The map: nodes, flows and legs")
def network(
    site: SiteDep,
    view: ViewDep,
    min_amount: MinAmount = None,
    layout: Annotated[Literal["ledger", "view"], Query(description="'ledger': one layout of "
                      "the whole ledger (stable while the date moves); 'view': this view only")] = "ledger",
    group: Annotated[Optional[str], Query(max_length=400, description="a user network only "
                     "(`serve --edges`): the group to open, e.g. `g3/g0`; `more` opens the "
                     "collapsed groups")] = None,
    focus: Annotated[Optional[str], Query(max_length=200, description="a user network only: "
                     "the level that draws this company")] = None,
) -> dict[str, Any]:
    """The network view as of a date (docs/methods.md 0.2, 0.4): ``nodes`` (size from valuation
    facts, colour by company type, positions from a seeded networkx layout, ``core`` when the
    company is one of those carrying most of the binding dollars), ``flows`` (what the map
    draws: the legs from one payer to one payee of one kind drawn alike, summed, with a width
    in proportion to the square root of the dollars) and ``edges`` (one per deal leg, with
    kind, status, amounts and sources). Without ``status`` the binding statuses are kept
    (funded, funded_partial, definitive), as in ``ledger.network``. When the server shows a
    user's edge list (``serve --edges``) the answer is that network's level ``group``
    (groups of companies, or companies; see docs/web.md)."""
    if site.user_map is not None:
        return _user_network(site, group, focus)
    for name, value in (("group", group), ("focus", focus)):
        if value is not None:
            raise ApiError(422, f"{name}: only a user network (serve --edges) has groups; "
                           "this server shows the ledger", field=name)

    def build(led):
        pos = site.cached(("layout",), lambda led: ledger_layout(led, site.layouts)) if layout == "ledger" else None
        return map_view(led, view, min_amount=min_amount, positions=pos)

    return site.json(("network", *view.key(), min_amount, layout), build)


def _user_network(site, group: str | None, focus: str | None):
    from ..usermap import PathError

    um = site.user_map
    try:
        if focus:
            um.path_to(focus)  # a clear 404 before the cache is asked
        return site.json(("user-network", group or "", focus or ""), lambda led: um.view(group or "", focus))
    except PathError as e:
        raise ApiError(404 if e.field == "focus" else 422, f"{e.field}: {e}", field=e.field) from None


@router.get("/vocabulary", summary="Words and colours of every code")
def vocabulary(site: SiteDep) -> dict[str, Any]:
    """The human words of every deal kind, status, company type, source type and consideration
    (``loopledger.vocabulary``), with the colours and line styles the map and the report draw
    them in (``loopledger.palette``)."""
    return site.json(("vocabulary",), lambda led: vocabulary_words())
