"""Exposure: how much of a company's business rests on its counterparties and on money going round.

For each company that receives money in the network view, ``exposure`` gives its inflow from
each counterparty and its circular inflow (the part that could be money going round, from
:func:`loopledger.measures.circulation.circulation`) as shares of the company's revenue,
backlog (RPO) and market value, and how concentrated its inflows are (the top counterparty's
share and the Herfindahl-Hirschman index). The denominators come from the ledger's dated
company facts: the fact nearest on or before ``as_of``, named in the result with its id,
value, date and source URL. A missing fact gives NaN and is listed, never 0.

Note the units: deal amounts are contract values (often over several years) while revenue is
per year, so a share of revenue above 1 is possible and means "more than a year of revenue".

**Backlog next to the deals it contains** (``backlog``): for each company with a remaining
performance obligation (RPO) or backlog fact, that figure (the latest on or before the date,
with its source), the share of it the company or a report ties to one customer
(``rpo_share_<customer>`` / ``rpo_share_largest_customer`` facts, in %, and the dollars that
implies, derived), and the company's inbound commercial contracts in view (cloud, compute,
lease, licensing: the deals a backlog holds) with what is still to be paid under them; their
ratio to the backlog shows how much of it the ledger can name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..ledger.dates import parse_as_of
from ..ledger.view import View, view_of
from ..network import FlowNetwork
from ..results import Result
from ..vocabulary import BINDING_STATUSES, METRIC_FAMILIES

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger

#: the facts that can serve as each denominator, in order of preference for facts of the
#: same date (USD bn facts only): the families of :data:`loopledger.vocabulary.METRIC_FAMILIES`.
#: Market value is a market cap for listed companies and the latest private valuation
#: otherwise (docs/methods.md 6.2: its basis is recorded).
DENOMINATORS: dict[str, tuple[str, ...]] = {
    m: METRIC_FAMILIES[m] for m in ("revenue", "backlog", "market_value")
}
#: how many reporting periods make a year, by the form of a revenue fact's period
_PERIODS_PER_YEAR = {"FY": 1, "Q": 4, "H": 2}


def _periods_per_year(period: Any) -> int | None:
    if not isinstance(period, str) or not period.strip():
        return None
    token = period.split()[0].upper()
    if token.startswith("FY") or token.isdigit():
        return 1
    if "-Q" in token:
        return 4
    if "-H" in token:
        return 2
    return None


@dataclass(frozen=True, eq=False)
class Exposure(Result):
    """Per company: inflows, circular inflow, concentration and their shares of revenue,
    backlog and market value (USD billions; shares as fractions). See :func:`exposure`."""

    as_of: date
    companies: pd.DataFrame = field(repr=False)
    counterparties: pd.DataFrame = field(repr=False)
    facts_used: pd.DataFrame = field(repr=False)
    missing: list[dict[str, str]] = field(default_factory=list, repr=False)
    params: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    #: per company with a backlog fact: the backlog, its one-customer share and the contracts in view
    backlog: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    caption = "Exposure: inflows as shares of revenue, backlog and market value"

    def to_frame(self) -> pd.DataFrame:
        return self.companies

    def to_dict(self) -> dict[str, Any]:
        from ..results import jsonable

        return {"as_of": self.as_of.isoformat(), "companies": jsonable(self.companies),
                "counterparties": jsonable(self.counterparties), "facts_used": jsonable(self.facts_used),
                "missing": jsonable(self.missing), "params": jsonable(self.params), "notes": list(self.notes),
                "backlog": jsonable(self.backlog)}


def exposure(
    ledger_or_net: Ledger | FlowNetwork,
    as_of: str | date | None = None,
    ledger: Ledger | None = None,
    circular: Mapping[Any, float] | bool | None = None,
    metrics: Mapping[str, tuple[str, ...]] | None = None,
    annualise_revenue: bool = True,
    amount: str = "high",
    statuses=BINDING_STATUSES,
    derive: dict[str, Any] | None = None,
    *,
    view: View | None = None,
) -> Exposure:
    """Inflows by counterparty and circular inflow as shares of revenue, backlog and value.

    Parameters
    ----------
    ledger_or_net : Ledger or FlowNetwork
        A ledger (its network view as of ``as_of`` is built with ``statuses`` and ``amount``)
        or a ready network (then pass ``ledger`` for the company facts).
    as_of : date or str, optional
        Date of the view and of the facts (the latest fact on or before it is used). Default
        today, or the network's own ``as_of``.
    ledger : Ledger, optional
        Where to read company facts when a network is given; without it every denominator is
        missing (NaN, listed).
    circular : mapping, bool or None
        Circular inflow per node label. None (default) computes it with
        :func:`loopledger.measures.circulation.circulation` (one optimal solution, with its
        [min, max] over the optimal face); False leaves it out.
    metrics : mapping, optional
        Override :data:`DENOMINATORS` (measure -> fact metrics in order of preference).
    annualise_revenue : bool
        Turn a quarterly or half-year revenue fact into a yearly figure (x4, x2), marked
        ``derived`` (default True); False uses it as reported.
    amount, statuses, derive
        Passed to the network view when a ledger is given (``amount="derived"`` values
        GW-only deals, docs/methods.md 9; the result's ``derived_share`` says how much).
    view : View, optional
        The whole view instead of ``as_of``, ``statuses``, ``amount`` and ``derive``.

    Returns
    -------
    Exposure
        ``companies``: one row per company receiving money, with ``inflow`` (known dollars
        from other companies; ``inflow_complete`` False when some inbound cash leg has no
        amount, so it is a lower bound), ``top_counterparty`` and ``top_share``, ``hhi``
        (sum of squared inflow shares, 1 = a single payer), ``circular_inflow`` (and its
        range), the denominators ``revenue``, ``backlog``, ``market_value`` and the shares
        ``inflow_share_of_*`` and ``circular_share_of_*``. ``counterparties``: one row per
        (company, payer) with the amount, its deals and its shares. ``facts_used``: each fact
        used, with id, value, date, period and source URLs. ``missing``: the denominators
        not found.

    Examples
    --------
    >>> import pandas as pd
    >>> net = FlowNetwork.from_edges(pd.DataFrame({"source": ["A", "B", "C"],
    ...     "target": ["C", "C", "A"], "amount": [3.0, 1.0, 2.0]}))
    >>> e = exposure(net, circular=False).companies.set_index("company")
    >>> round(e.loc["C", "top_share"], 2), round(e.loc["C", "hhi"], 4)
    (0.75, 0.625)

    References
    ----------
    Herfindahl (1950), Hirschman (1945) for the concentration index; docs/methods.md 0.2 (view
    rules), 2.2 (circular inflow) and 6.2 (valuations as of a date).
    """
    net, ledger, as_of_d = _network_of(ledger_or_net, ledger, view, as_of, statuses, amount, derive)
    families = dict(DENOMINATORS)
    families.update(metrics or {})
    pairs = _inflow_pairs(net)
    circ = _circular(net, circular)
    facts = ledger.facts(as_of=as_of_d) if ledger is not None else None
    used_rows: list[dict[str, Any]] = []
    missing: list[dict[str, str]] = []
    rows = [_company_row(net, v, part, circ, facts, families, annualise_revenue, as_of_d, used_rows, missing)
            for v, part in pairs.groupby("v", sort=True)]
    columns = ["company", "name", "inflow", "inflow_complete", "legs_without_amount", "counterparties",
               "derived_share", "top_counterparty", "top_counterparty_name", "top_amount", "top_share", "hhi",
               "circular_inflow", "circular_min", "circular_max", "circular_basis"]
    for measure in families:
        columns += [measure, f"inflow_share_of_{measure}", f"circular_share_of_{measure}"]
    companies = pd.DataFrame(rows, columns=columns)
    if not companies.empty:
        companies = companies.sort_values(["inflow", "company"], ascending=[False, True],
                                          na_position="last").reset_index(drop=True)
    cp = _counterparty_table(net, pairs, companies, families)

    notes = ["Deal amounts are contract values, often over several years; revenue is per year, "
             "so a share of revenue above 1 means more than a year of revenue."]
    if circular is None and not circ:
        notes.append("circular inflow could not be computed (circulation unavailable)")
    params = {**net.params, "annualise_revenue": annualise_revenue, "denominators": families,
              "derived_share": net.params.get("derived_share", 0.0)}
    backlog = backlog_table(ledger, as_of_d, view=view if view is not None else None) if ledger is not None \
        else pd.DataFrame(columns=BACKLOG_COLUMNS)
    return Exposure(as_of=as_of_d, companies=companies, counterparties=cp,
                    facts_used=pd.DataFrame(used_rows), missing=missing, params=params, notes=tuple(notes),
                    backlog=backlog)


def _network_of(ledger_or_net: Ledger | FlowNetwork, ledger: Ledger | None, view: View | None, as_of: Any,
                statuses: Any, amount: str, derive: dict[str, Any] | None
                ) -> tuple[FlowNetwork, Ledger | None, date]:
    """The network to read, the ledger of the facts and the date of the view."""
    if isinstance(ledger_or_net, FlowNetwork):
        net = ledger_or_net
        if view is not None:
            return net, ledger, view.as_of
        if as_of is None and net.view is not None:
            return net, ledger, net.view.as_of
        return net, ledger, parse_as_of(as_of if as_of is not None else net.params.get("as_of"))
    v = view_of(view, as_of=as_of, statuses=statuses, amount=amount, derive=derive)
    return ledger_or_net.network(view=v), ledger_or_net, v.as_of


def _inflow_pairs(net: FlowNetwork) -> pd.DataFrame:
    """One row per (payee v, payer u) of the cash legs between distinct companies: the known
    amount, the legs, the legs without an amount, the derived part and the deals."""
    e = net.edges
    cash = e[e["in_flow"].astype(bool) & (e["u"] != e["v"])]
    has_derived = "derived" in e.columns
    g = cash.assign(
        _known=cash["amount"].notna(),
        _der=(cash["amount"].where(cash["derived"].astype(bool), 0.0) if has_derived else 0.0),
    ).groupby(["v", "u"], sort=True)
    pairs = pd.DataFrame({
        "amount": g["amount"].sum(min_count=1),
        "legs": g.size(),
        "legs_without_amount": g["_known"].agg(lambda s: int((~s).sum())),
        "derived_amount": g["_der"].sum(),
    })
    if "deal" in cash.columns:
        pairs["deals"] = g["deal"].agg(list)
    pairs = pairs.reset_index()
    pairs["company"] = net.nodes[pairs["v"].to_numpy()] if len(pairs) else []
    pairs["counterparty"] = net.nodes[pairs["u"].to_numpy()] if len(pairs) else []
    return pairs


def _company_row(net: FlowNetwork, v: int, part: pd.DataFrame, circ: dict, facts: Any,
                 families: dict[str, tuple[str, ...]], annualise_revenue: bool, as_of_d: date,
                 used_rows: list[dict[str, Any]], missing: list[dict[str, str]]) -> dict[str, Any]:
    """The row of one receiving company: inflow, concentration, circular inflow and its shares
    of each denominator (the facts used and the denominators missing are appended)."""
    label = net.nodes[v]
    known = part["amount"].dropna()
    inflow = float(known.sum()) if len(known) else np.nan
    row: dict[str, Any] = {
        "company": label, "name": net.label(v), "inflow": inflow,
        "inflow_complete": bool(part["legs_without_amount"].sum() == 0),
        "legs_without_amount": int(part["legs_without_amount"].sum()),
        "counterparties": int(len(part)),
        "derived_share": float(part["derived_amount"].sum() / inflow) if inflow and inflow > 0 else 0.0,
    }
    if len(known) and inflow > 0:
        shares = known / inflow
        top = part.loc[known.idxmax()]
        row.update(top_counterparty=top["counterparty"], top_counterparty_name=net.label(int(top["u"])),
                   top_amount=float(top["amount"]), top_share=float(shares.max()),
                   hhi=float((shares ** 2).sum()))
    else:
        row.update(top_counterparty=None, top_counterparty_name=None, top_amount=np.nan,
                   top_share=np.nan, hhi=np.nan)
    c = circ.get(label, {})
    row.update(circular_inflow=c.get("x", np.nan), circular_min=c.get("min", np.nan),
               circular_max=c.get("max", np.nan), circular_basis=c.get("basis"))
    for measure, names in families.items():
        value, fact = _denominator(facts, label, measure, names, annualise_revenue)
        row[measure] = value
        if fact is None:
            why = "no ledger given for company facts" if facts is None else (
                f"no {' / '.join(names)} fact on or before {as_of_d}")
            missing.append({"company": label, "measure": measure, "reason": why})
        else:
            used_rows.append({"company": label, "measure": measure, **fact})
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = value is not None and np.isfinite(value) and value > 0
            row[f"inflow_share_of_{measure}"] = inflow / value if ok else np.nan
            row[f"circular_share_of_{measure}"] = row["circular_inflow"] / value if ok else np.nan
    return row


def _counterparty_table(net: FlowNetwork, pairs: pd.DataFrame, companies: pd.DataFrame,
                        families: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """One row per (company, payer): the amount, its deals and its shares of the company's
    inflow and denominators."""
    cp = pairs.drop(columns=["u", "v"]).copy()
    cp["counterparty_name"] = [net.names.get(x, str(x)) for x in cp["counterparty"]]
    if not cp.empty:
        by = companies.set_index("company")
        cp["share_of_inflow"] = cp["amount"] / cp["company"].map(by["inflow"])
        for measure in families:
            denom = cp["company"].map(by[measure]).astype(float)
            cp[f"share_of_{measure}"] = cp["amount"] / denom.where(denom > 0)
        cp = cp.sort_values(["company", "amount"], ascending=[True, False], na_position="last")
    front = ["company", "counterparty", "counterparty_name", "amount", "legs", "legs_without_amount"]
    return cp[[c for c in front if c in cp] + [c for c in cp.columns if c not in front]].reset_index(drop=True)


BACKLOG_COLUMNS = ["company", "name", "backlog", "backlog_metric", "backlog_as_of", "backlog_sources",
                   "customer", "customer_share", "customer_share_as_of", "customer_amount",
                   "contracts", "contracts_amount", "contracts_to_pay", "contracts_share_of_backlog", "deals"]


def backlog_table(ledger: Ledger, as_of: date, view: View | None = None) -> pd.DataFrame:
    """Per company with a backlog (RPO) fact on or before ``as_of``: the backlog and its
    sources, the share tied to one customer where a fact states it (``customer_amount`` =
    backlog x share, derived), and the company's inbound commercial contracts in the view
    (binding statuses by default) with their high amounts and what is still to be paid
    (``amount x remaining_fraction``: recorded payments first, then the schedule)."""
    from ..vocabulary import COMMERCIAL_KINDS

    latest = ledger.latest("backlog", as_of=as_of)
    if latest.empty:
        return pd.DataFrame(columns=BACKLOG_COLUMNS)
    v = view if view is not None else View.of(as_of=as_of)
    legs = ledger.legs(view=v)
    legs = legs[legs["kind"].isin(COMMERCIAL_KINDS) & legs["counted"].astype(bool)]
    shares = ledger.facts(as_of=as_of)
    shares = shares[shares["metric"].str.startswith("rpo_share_") & (shares["unit"] == "%")]
    names = ledger.company_names()
    rows = []
    for company, f in latest.iterrows():
        mine = legs[legs["payee"] == company]
        amount = mine["amount"]
        to_pay = (mine["amount"] * mine["remaining_fraction"])
        share = shares[shares["company"] == company].sort_values("date")
        customer = cshare = cdate = None
        if not share.empty:
            last = share.iloc[-1]
            customer = str(last["metric"]).removeprefix("rpo_share_")
            cshare, cdate = float(last["value"]), last["as_of"]
        value = float(f["value"])
        known = float(amount.sum(skipna=True)) if amount.notna().any() else np.nan
        rows.append({
            "company": company, "name": names.get(company, company), "backlog": value,
            "backlog_metric": f["metric"], "backlog_as_of": f["as_of"],
            "backlog_sources": [s["url"] for s in f["sources"]],
            "customer": customer, "customer_share": cshare, "customer_share_as_of": cdate,
            "customer_amount": value * cshare / 100 if cshare is not None else np.nan,
            "contracts": int(len(mine)), "contracts_amount": known,
            "contracts_to_pay": float(to_pay.sum(skipna=True)) if to_pay.notna().any() else np.nan,
            "contracts_share_of_backlog": known / value if value > 0 and known == known else np.nan,
            "deals": list(mine.sort_values("amount", ascending=False)["deal"]),
        })
    out = pd.DataFrame(rows, columns=BACKLOG_COLUMNS)
    return out.sort_values(["backlog", "company"], ascending=[False, True]).reset_index(drop=True)


def _circular(net: FlowNetwork, circular) -> dict[Any, dict[str, Any]]:
    if circular is False:
        return {}
    if circular is None:
        from .circulation import circulation

        res = circulation(net, ranges=True, decompose=False)
        return {r.node: {"x": r.circular_flow, "min": r.circular_min, "max": r.circular_max,
                         "basis": r.basis} for r in res.companies.itertuples()}
    return {k: {"x": float(val), "min": np.nan, "max": np.nan, "basis": "given"} for k, val in circular.items()}


def _denominator(facts: pd.DataFrame | None, company: Any, measure: str, names: tuple[str, ...],
                 annualise_revenue: bool) -> tuple[float, dict[str, Any] | None]:
    if facts is None:
        return np.nan, None
    f = facts[(facts["company"] == company) & facts["metric"].isin(names) & (facts["unit"] == "USD bn")]
    if f.empty:
        return np.nan, None
    rank = {m: i for i, m in enumerate(names)}
    f = f.assign(_rank=f["metric"].map(rank)).sort_values(["date", "_rank"], ascending=[False, True])
    best = f.iloc[0]
    value = float(best["value"])
    factor, derivation = 1, None
    if measure == "revenue":
        per_year = _periods_per_year(best["period"])
        if per_year is None:
            derivation = "period not stated: used as reported"
        elif per_year > 1 and annualise_revenue:
            factor = per_year
            derivation = f"{best['period']} revenue x {per_year} (annualised; annualise_revenue=False to use as reported)"
    used = value * factor
    fact = {
        "fact": best["id"], "metric": best["metric"], "value": value, "used_value": used,
        "date": best["as_of"], "period": best["period"] if isinstance(best["period"], str) else None,
        "derived": bool(best["derived"]) or factor != 1, "derivation": derivation,
        "source_urls": [s["url"] for s in best["sources"]],
    }
    return used, fact
