"""Measures and stress tests over HTTP: each route builds the same network view as the CLI
(``ledger.network(as_of, statuses, kinds, amount, include_overlaps)``, METHODS.md 0.2), calls
the same function (``loopledger.cycles``, ``circulation``, ``promises``, ``exposure``,
``lookthrough_from_ledger``, ``stress``, ``systemic``, ``measure``) and returns its
``to_dict()``. Results are cached per ledger state and parameters.

A function this installation does not have yet answers 501 with a JSON body saying so, rather
than an error page. Work a client can ask for is bounded: cycle searches take at most
``max_len`` 10, ``max_cycles`` 100,000 and a 10-second time limit (the report then says
``complete: false``).
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Annotated, Any, Callable, Literal

from fastapi import APIRouter, Query

from ...errors import NotFoundError
from ..errors import ApiError
from ..schemas import StressRequest
from ..site import (BINDING, AmountBasis, AsOf, CompanyText, SiteDep, StatusQuery, ViewDep, parse_date,
                    values)

router = APIRouter(prefix="/api", tags=["measures"])

CYCLE_TIME_LIMIT = 10.0


def api_function(module: str, name: str) -> Callable[..., Any]:
    """The public function ``module.name``, or a 501 if this installation lacks it."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + ".")):
            raise ApiError(501, f"{module}.{name} is not available in this version of loopledger") from None
        raise
    fn = getattr(mod, name, None)
    if fn is None:
        raise ApiError(501, f"{module}.{name} is not available in this version of loopledger")
    return fn


@router.get("/cycles", summary="Simple cycles")
def cycles(
    site: SiteDep,
    view: ViewDep,
    max_len: Annotated[int, Query(ge=1, le=10, description="longest cycle (METHODS.md 1.2 default 6)")] = 6,
    max_cycles: Annotated[int, Query(ge=1, le=100_000, description="stop after this many")] = 10_000,
) -> dict[str, Any]:
    """Every simple cycle up to ``max_len`` companies (``loopledger cycles``): per cycle its
    ``nodes`` in order, ``bottleneck`` (smallest hop, USD bn) and the deal legs of every hop.
    Default statuses: the binding ones."""
    fn = api_function("loopledger.measure.cycles", "cycles")
    return site.json(("cycles", *view.key(), max_len, max_cycles),
                     lambda led: fn(view.network(led), max_len=max_len, max_cycles=max_cycles,
                                    time_limit=CYCLE_TIME_LIMIT).to_dict())


@router.get("/circulation", summary="Maximum circulation and round-trip shares")
def circulation(site: SiteDep, view: ViewDep) -> dict[str, Any]:
    """How much money can go round (METHODS.md 2): ``total``, ``share`` of all flows, and per
    company its circular flow and round-trip share (with the range over optimal solutions)."""
    fn = api_function("loopledger.measure.circulation", "circulation")
    return site.json(("circulation", *view.key()), lambda led: fn(view.network(led)).to_dict())


@router.get("/promises", summary="Dollars by status: paid, signed, promised")
def promises(site: SiteDep, as_of: AsOf, company: CompanyText = None) -> dict[str, Any]:
    """Deal dollars by status overall and per company, what remains to be paid, and the
    quarterly series since 2019 (``loopledger promises``)."""
    fn = api_function("loopledger.measure.promises", "promises")
    return site.json(("promises", as_of, company),
                     lambda led: fn(led, as_of=as_of, company=company).to_dict())


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
    fn = api_function("loopledger.measure.exposure", "exposure")
    statuses = values(status) or BINDING
    whole = site.cached(("exposure", as_of, tuple(statuses), amount),
                        lambda led: fn(led, as_of=as_of, statuses=statuses, amount=amount).to_dict())
    if company is None:
        return site.json(("exposure-all", as_of, tuple(statuses), amount), lambda led: whole)
    cid = site.run(lambda led: led.resolve_company(company))
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
    """Back an investee's net loss out of the investor's equity-method share (METHODS.md 8),
    with the range over the stake and the basis (``loopledger lookthrough``)."""
    fn = api_function("loopledger.measure.lookthrough", "lookthrough_from_ledger")
    return site.json(("lookthrough", investor, investee, period),
                     lambda led: fn(led, investor, investee, period).to_dict())


@router.get("/headline", summary="Headline figures")
def headline(site: SiteDep, as_of: AsOf) -> dict[str, Any]:
    """The figures of ``loopledger measure``: circular share, top cycles, round-trip shares,
    promises by status and the look-through estimate."""
    fn = api_function("loopledger.measure.headline", "measure")
    return site.json(("headline", as_of), lambda led: fn(led, as_of=as_of).to_dict())


@router.post("/stress", tags=["stress"], summary="Stress test: if a company fails")
def stress(site: SiteDep, body: StressRequest) -> dict[str, Any]:
    """The failing companies stop paying what they committed (creditors recover
    ``recovery``), their equity goes to zero, and a share ``substitution`` of lost demand
    moves to competitors after ``lag_quarters`` (``loopledger stress``, METHODS.md 6). Per
    company: buffer, direct and indirect loss, loss as a share of buffer, distressed or
    defaulted and in which round; totals. Shocks that are not failures:
    ``funding_shortfall`` and ``gpu_price_fall``."""
    fn = api_function("loopledger.stress.scenario", "stress")
    as_of = parse_date(body.as_of, "as_of") or date.today()
    params = body.model_dump(exclude={"as_of"})
    params["fail"] = [_company(site, c, f"fail.{i}") for i, c in enumerate(body.fail)]
    params["funding_shortfall"] = {_company(site, c, f"funding_shortfall.{c}"): x
                                   for c, x in body.funding_shortfall.items()} or None
    key = ("stress", as_of, repr(sorted(params.items())))
    return site.json(key, lambda led: fn(led, as_of=as_of, **params).to_dict())


def _company(site, text: str, field: str) -> str:
    try:
        return site.run(lambda led: led.resolve_company(text))
    except NotFoundError as e:
        raise ApiError(404, str(e), field=field) from None


@router.get("/systemic", tags=["stress"], summary="Too big to fail")
def systemic(
    site: SiteDep,
    as_of: AsOf,
    model: Annotated[Literal["debtrank", "clearing", "cascade"], Query()] = "debtrank",
    recovery: Annotated[float, Query(ge=0, le=1, allow_inf_nan=False)] = 0.0,
    substitution: Annotated[float, Query(ge=0, le=1, allow_inf_nan=False)] = 0.0,
    lag_quarters: Annotated[int, Query(ge=0, le=40)] = 0,
) -> dict[str, Any]:
    """Each company failing alone: total loss caused, DebtRank and defaults, ranked
    (``loopledger systemic``)."""
    fn = api_function("loopledger.stress.scenario", "systemic")
    return site.json(("systemic", as_of, model, recovery, substitution, lag_quarters),
                     lambda led: fn(led, recovery=recovery, substitution=substitution,
                                      lag_quarters=lag_quarters, model=model, as_of=as_of).to_dict())
