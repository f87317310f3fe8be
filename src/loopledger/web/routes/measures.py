"""Measures and stress tests over HTTP: each route builds the same view as the CLI (a
:class:`~loopledger.ledger.view.View` made once from the query), calls the same function
(``loopledger.cycles``, ``circulation``, ``promises``, ``exposure``, ``lookthrough_from_ledger``,
``claims``, ``stress``, ``systemic``, ``measure``) and returns its ``to_dict()``. Results are cached per
ledger state and parameters.

Work a client can ask for is bounded: cycle searches take at most ``max_len`` 10,
``max_cycles`` 100,000 and a 10-second time limit (the report then says ``complete: false``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Query

from ...errors import NotFoundError
from ...findings import headline as headline_with_findings
from ...ledger.view import View
from ...measures.circulation import circulation as run_circulation
from ...measures.cycles import cycles as run_cycles
from ...measures.encumbrance import encumbrance as run_claims
from ...measures.exposure import exposure as run_exposure
from ...measures.lookthrough import lookthrough_from_ledger
from ...measures.promises import promises as run_promises
from ...stresstest.params import StressParams
from ...stresstest.scenario import stress as run_stress
from ...stresstest.scenario import systemic as run_systemic
from ..errors import ApiError
from ..schemas import StressRequest
from ..site import BINDING, AmountBasis, AsOf, CompanyText, SiteDep, StatusQuery, ViewDep, parse_date, values

router = APIRouter(prefix="/api", tags=["measures"])

CYCLE_TIME_LIMIT = 10.0


@router.get("/cycles", summary="Simple cycles")
def cycles(
    site: SiteDep,
    view: ViewDep,
    max_len: Annotated[int, Query(ge=1, le=10, description="longest cycle (docs/methods.md 1.2 default 6)")] = 6,
    max_cycles: Annotated[int, Query(ge=1, le=100_000, description="stop after this many")] = 10_000,
) -> dict[str, Any]:
    """Every simple cycle up to ``max_len`` companies (``loopledger cycles``): per cycle its
    ``nodes`` in order, ``bottleneck`` (smallest hop, USD bn) and the deal legs of every hop.
    Default statuses: the binding ones."""
    return site.json(("cycles", *view.key(), max_len, max_cycles),
                     lambda led: {**run_cycles(led.network(view=view), max_len=max_len, max_cycles=max_cycles,
                                               time_limit=CYCLE_TIME_LIMIT).to_dict(), "counting": view.counting()})


@router.get("/circulation", summary="Maximum circulation and round-trip shares")
def circulation(site: SiteDep, view: ViewDep) -> dict[str, Any]:
    """How much money can go round (docs/methods.md 2): ``total``, ``share`` of all flows, and per
    company its circular flow and round-trip share (with the range over optimal solutions)."""
    return site.json(("circulation", *view.key()), lambda led: run_circulation(led.network(view=view)).to_dict())


@router.get("/promises", summary="Dollars by status: paid, signed, promised")
def promises(site: SiteDep, as_of: AsOf, company: CompanyText = None) -> dict[str, Any]:
    """Deal dollars by status overall and per company, what remains to be paid, and the
    quarterly series since 2019 (``loopledger promises``)."""
    view = View.of(as_of=as_of)
    return site.json(("promises", as_of, company),
                     lambda led: run_promises(led, company=company, view=view).to_dict())


@router.get("/claims", summary="Who holds a claim on what: collateral, vehicles, guarantees")
def claims(site: SiteDep, as_of: AsOf, status: StatusQuery = None, amount: AmountBasis = "high") -> dict[str, Any]:
    """Per asset and pledged contract (``loopledger claims``; docs/claims.md): its value, its
    claims in priority order (``claims_in_order``: pledge, loan, lender, amount from the leg
    table, share, sources), the pledged total and share, and its flags; the guarantees; the
    debt of financing vehicles by sponsor (``by_sponsor``, ``vehicles``) and the debt resting
    on each company's contracts (``resting_on``). Default statuses: the binding ones."""
    view = View.of(as_of=as_of, statuses=values(status) or BINDING, amount=amount)
    return site.json(("claims", *view.key()), lambda led: run_claims(led, view=view).to_dict())


@router.get("/exposure", summary="Exposure and customer concentration")
def exposure(
    site: SiteDep,
    as_of: AsOf,
    company: CompanyText = None,
    status: StatusQuery = None,
    amount: AmountBasis = "high",
) -> dict[str, Any]:
    """Circular inflow and inflow from each counterparty as a share of revenue, backlog and
    market value, with the facts used; customer concentration (``loopledger exposure``).
    With ``company``, only that company's rows (as receiver) are returned."""
    view = View.of(as_of=as_of, statuses=values(status) or BINDING, amount=amount)
    statuses = view.statuses
    whole = site.cached(("exposure", as_of, statuses, amount),
                        lambda led: run_exposure(led, view=view).to_dict())
    if company is None:
        return site.json(("exposure-all", as_of, tuple(statuses or ()), amount), lambda led: whole)
    cid = site.read(lambda led: led.resolve_company(company))
    out = dict(whole)
    for part in ("companies", "counterparties", "facts_used", "missing"):
        out[part] = [r for r in whole.get(part) or [] if r.get("company") == cid]
    out["company"] = cid
    return out


@router.get("/lookthrough", summary="Look-through losses")
def lookthrough(
    site: SiteDep,
    investor: Annotated[str, Query(max_length=200, description="e.g. Microsoft")],
    investee: Annotated[str, Query(max_length=200, description="e.g. OpenAI")],
    period: Annotated[str, Query(max_length=16, description="reporting period, e.g. 2025-Q3")],
) -> dict[str, Any]:
    """Back an investee's net loss out of the investor's equity-method share (docs/methods.md 8),
    with the range over the stake and the basis (``loopledger lookthrough``)."""
    return site.json(("lookthrough", investor, investee, period),
                     lambda led: lookthrough_from_ledger(led, investor, investee, period).to_dict())


@router.get("/headline", summary="Headline figures")
def headline(site: SiteDep, as_of: AsOf) -> dict[str, Any]:
    """The figures of ``loopledger measure``: the one ``basis`` every share is a share of (with
    the cash actually ``paid``), circular share, top cycles, round-trip shares, promises by
    status, the look-through estimate, the significance test, the stress test of the largest
    player (economic loss with the gross bound), ``hints`` where a loop is small because of the
    view, the ``findings`` in words and the ``counting`` line."""
    view = View.of(as_of=as_of)
    return site.json(("headline", as_of), lambda led: headline_with_findings(led, view=view).to_dict())


@router.post("/stress", tags=["stress"], summary="Stress test: if a company fails")
def stress(site: SiteDep, body: StressRequest) -> dict[str, Any]:
    """The failing companies stop paying what they committed and their equity goes to zero
    (``loopledger stress``, docs/stress.md). Per company: its loss on ``loss_basis`` (economic by
    default: named ``components`` from facts and stated assumptions) beside the gross bound
    (``loss_gross``), loss as a share of buffer, ``state`` (ok, distressed, defaulted) and the
    wave it defaulted in; totals; ``assumptions`` (every default used, with its source),
    ``reconfiguration`` (who absorbs what), ``sentence`` and ``footer`` (what the numbers count).
    Shocks that are not failures: ``funding_shortfall`` and ``gpu_price_fall``."""
    view = View.of(as_of=parse_date(body.as_of, "as_of"), statuses=body.statuses or BINDING,
                   amount=body.amount)
    options = body.model_dump(exclude={"as_of", "fail", "statuses", "amount"}, exclude_none=False)
    options["fail"] = [_company(site, c, f"fail.{i}") for i, c in enumerate(body.fail)]
    options["funding_shortfall"] = {_company(site, c, f"funding_shortfall.{c}"): x
                                    for c, x in (body.funding_shortfall or {}).items()}
    if isinstance(options.get("external_assets"), dict):
        options["external_assets"] = {_company(site, c, f"external_assets.{c}"): x
                                      for c, x in options["external_assets"].items()}
    fail = options.pop("fail")
    params = StressParams.of(**{k: v for k, v in options.items() if v is not None or k == "external_assets"})
    key = ("stress", view.key(), tuple(fail), repr(params))
    return site.json(key, lambda led: run_stress(led, fail=fail, params=params, view=view).to_dict())


def _company(site, text: str, field: str) -> str:
    try:
        return site.read(lambda led: led.resolve_company(text))
    except NotFoundError as e:
        raise ApiError(404, str(e), field=field) from None


@router.get("/systemic", tags=["stress"], summary="Too big to fail")
def systemic(
    site: SiteDep,
    as_of: AsOf,
    model: Annotated[Literal["debtrank", "clearing", "cascade"], Query()] = "debtrank",
    loss_basis: Annotated[Literal["economic", "gross"], Query()] = "economic",
    recovery: Annotated[Optional[float], Query(ge=0, le=1, allow_inf_nan=False)] = None,
    substitution: Annotated[Optional[float], Query(ge=0, le=1, allow_inf_nan=False)] = None,
    lag_quarters: Annotated[int, Query(ge=0, le=40)] = 2,
) -> dict[str, Any]:
    """Each company failing alone: total loss caused on both bases, DebtRank and defaults,
    ranked (``loopledger systemic``; ``recovery`` and ``substitution`` left out take the loss
    basis' defaults)."""
    view = View.of(as_of=as_of)
    return site.json(("systemic", as_of, model, loss_basis, recovery, substitution, lag_quarters),
                     lambda led: run_systemic(led, recovery=recovery, substitution=substitution, loss_basis=loss_basis,
                                              lag_quarters=lag_quarters, model=model, view=view).to_dict())
