"""The economic loss model: what a creditor of a failed company loses, in named parts.

The gross basis counts a lost contract at the face value of what remains of it, and a stake at
its private valuation mark: an upper bound. The economic basis (the default, docs/stress.md)
asks what each creditor actually loses, leg by leg, as the sum of named components
(:data:`loopledger.vocabulary.LOSS_COMPONENTS`), each from sourced facts or a stated assumption
(:mod:`loopledger.stresstest.assumptions`):

* ``due_within_horizon``: what is owed and unpaid when the buyer fails, less recovery: on a
  contract, the services already delivered and billed (``receivable_months`` of billing, only
  once the contract has started; a contract that starts later is owed nothing yet); the whole
  outstanding principal of a drawn loan (acceleration at default); a deposit to be returned;
* ``lost_margin``: the revenue the seller would have earned from the buyer within the horizon
  H, times the seller's margin on that kind of business (its margin facts, most specific first,
  :data:`loopledger.vocabulary.MARGIN_FAMILIES`, else a documented default per kind), less what
  the capacity earns once redeployed after the transition lag at a price cut;
* ``stranded_assets``: capital committed for that customer (the contract's GW times the capital
  per GW, or its value times a capital intensity) that is not redeployed, scaled to the part of
  the contract still to run;
* ``stake_writedown``: a stake in the failed company at its cost or book value (never above its
  mark); the mark only with ``stake_basis="mark"``;
* ``secured_lending``: a lender's loss on a loan serviced from the failed company's contracts
  (a project-finance vehicle or borrower without a buffer of its own, or an explicit pledge);
* ``guarantee_payout``: what a guarantor pays under a backstop that triggers;
* ``lost_funding``: ``funding_loss_share`` of an unfunded equity commitment, undrawn loan or
  unclosed acquisition falling due within H (default 0: no value changes hands).

Per leg the economic loss never exceeds the leg's gross loss (the components are scaled down
pro rata when they would), so economic <= gross for every pair. :class:`LegBook` holds the
bases of the components for every credit and stake leg of an exposure view; the shock model
(:mod:`loopledger.stresstest.shocks`) scales them per scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..vocabulary import COMMERCIAL_KINDS, KINDS, MARGIN_FAMILIES, Exposure, Family
from .assumptions import DEFAULTS, used
from .exposures import Exposures
from .obligations import add_months
from .params import StressParams

#: how a credit leg's loss is valued on the economic basis
ROLES = ("commercial", "claim", "funding")
DAYS_PER_MONTH = 365.25 / 12


def leg_role(kind: str, schedule: str) -> str:
    """``commercial`` (goods and services: receivables, margin, stranded capital), ``funding``
    (an investor's or lender's commitment not yet paid, an unclosed acquisition) or ``claim``
    (money owed outright: drawn loans, deposits, plain obligations)."""
    meaning = KINDS.get(kind)
    if meaning is None:
        return "claim"
    if meaning.family is Family.commercial:
        return "commercial"
    if meaning.exposure is Exposure.loan:
        return "funding" if schedule == "undrawn" else "claim"
    if meaning.family in (Family.equity, Family.acquisition):
        return "funding"
    return "claim"


def _months(a: date, b: date) -> float:
    return (b - a).days / DAYS_PER_MONTH


def _as_date(x: Any) -> date | None:
    if isinstance(x, pd.Timestamp):
        return x.date()
    return x if isinstance(x, date) else None


@dataclass
class SecuredRows:
    """Loans taken to be serviced from contracts: for row r, the loan's lender ``lender[r]``
    has a claim of ``claim[r]`` (USD bn, before recovery) on the borrower's loss on credit leg
    ``contract[r]`` (a sale of the borrower), which passes to it first when that contract's
    buyer fails. ``how`` says whether the row is an explicit pledge or derived from dependence."""

    contract: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    lender: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    borrower: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    loan: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    claim: np.ndarray = field(default_factory=lambda: np.zeros(0))
    how: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.contract)


@dataclass
class LegBook:
    """The bases of the economic components of every credit leg (in the order of the credit
    legs of ``Exposures.legs``) and the carrying value of every stake, for one exposure view
    and one set of options (see the module docstring). USD bn, on the view's amounts."""

    role: np.ndarray
    recv: np.ndarray
    rev_h: np.ndarray
    margin: np.ndarray
    margin_basis: np.ndarray
    capital: np.ndarray
    capital_basis: np.ndarray
    funding_due: np.ndarray
    stake_mark: np.ndarray
    stake_carrying: np.ndarray
    stake_note: np.ndarray
    secured: SecuredRows
    assumptions: list[dict[str, Any]]

    @classmethod
    def build(cls, X: Exposures, credit: pd.DataFrame, equity: pd.DataFrame, p: StressParams) -> LegBook:
        as_of = pd.Timestamp(X.params.get("as_of", date.today().isoformat())).date()
        H = int(X.params.get("horizon_months", p.horizon_months))
        notes: list[dict[str, Any]] = []
        # leg_role once per distinct (kind, schedule): a long edge list has few of them
        codes, pairs = pd.factorize(pd.MultiIndex.from_arrays([credit["kind"], credit["schedule"]]))
        role = np.array([leg_role(k, s) for k, s in pairs], dtype=object)[codes]
        recv, rev_h, left = _billing(credit, role, as_of, H, p, notes)
        margin, margin_basis = _margins(X, credit, role, p, notes)
        capital, capital_basis = _capital(credit, role, left, p, notes)
        funding_due = np.where(role == "funding", credit["remaining"].to_numpy(float)
                               * credit["due_factor"].to_numpy(float), 0.0)
        notes.append(used("funding_loss_share", p.funding_loss_share, DEFAULTS["funding_loss_share"].value))
        mark = equity["amount"].to_numpy(float)
        cost = equity["cost"].to_numpy(float) if "cost" in equity else np.full(len(equity), np.nan)
        basis = equity["cost_basis"].to_numpy(object) if "cost_basis" in equity else np.full(len(equity), "", dtype=object)
        if p.stake_basis == "mark":
            carrying = mark.copy()
            note = np.full(len(equity), "mark (stake_basis='mark', the alternative basis)", dtype=object)
        else:
            known = np.isfinite(cost)
            carrying = np.where(known, np.minimum(cost, mark), mark)
            note = np.array([(b if k else "no cost recorded: mark used (flagged)") + (" (capped at the mark)" if k and c > m else "")
                             for b, k, c, m in zip(basis, known, cost, mark)], dtype=object)
        notes.append(used("stake_basis", p.stake_basis, "cost"))
        return cls(role=role, recv=recv, rev_h=rev_h, margin=margin, margin_basis=margin_basis,
                   capital=capital, capital_basis=capital_basis, funding_due=funding_due,
                   stake_mark=mark, stake_carrying=carrying, stake_note=note,
                   secured=_secured(X, credit), assumptions=notes)


# -- receivables and revenue within the horizon -------------------------------------------------


def _billing(credit: pd.DataFrame, role: np.ndarray, as_of: date, H: int, p: StressParams,
             notes: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Billed-and-unpaid receivables, revenue within H and the share of the contract still to
    run of each commercial leg (a contract without a term runs ``unknown_term_months`` from its
    first date)."""
    k = len(credit)
    recv, rev, left = np.zeros(k), np.zeros(k), np.ones(k)
    horizon_end = add_months(as_of, H)
    amount = credit["amount"].to_numpy(float)
    remaining = credit["remaining"].to_numpy(float)
    due = credit["due_factor"].to_numpy(float)
    commercial = np.flatnonzero(role == "commercial")
    # only the commercial legs are read row by row (a user's edge list has none)
    for i, row in zip(commercial, credit.iloc[commercial].itertuples()):
        start, end = _as_date(getattr(row, "term_start_date", None)), _as_date(getattr(row, "term_end_date", None))
        if start is not None and end is not None:
            rate = amount[i] / max(_months(start, end), 1e-9)
            rev[i] = remaining[i] * due[i]
            left[i] = remaining[i] / amount[i] if amount[i] > 0 else 0.0
        else:
            first = _as_date(getattr(row, "first_date", None))
            start = first if first is not None else as_of
            end = add_months(start, p.unknown_term_months)
            rate = amount[i] / p.unknown_term_months
            lo, hi = max(as_of, start), min(horizon_end, end)
            rev[i] = min(remaining[i], rate * max(0.0, _months(lo, hi)))
            left[i] = min(1.0, max(0.0, _months(max(as_of, start), end) / p.unknown_term_months))
        delivered = max(0.0, _months(start, min(as_of, end)))
        recv[i] = min(rate * min(p.receivable_months, delivered), amount[i])
    notes.append(used("receivable_months", p.receivable_months, DEFAULTS["receivable_months"].value))
    if ((role == "commercial") & (credit["schedule"].to_numpy() != "straight_line")).any():
        notes.append(used("unknown_term_months", p.unknown_term_months, DEFAULTS["unknown_term_months"].value))
    return recv, rev, left


# -- margins ------------------------------------------------------------------------------------


def _fact_table(X: Exposures) -> dict[tuple[str, str], dict[str, Any]]:
    if X.facts is None or X.facts.empty:
        return {}
    return {(r["company"], r["family"]): r for r in X.facts.to_dict(orient="records")}


def _margins(X: Exposures, credit: pd.DataFrame, role: np.ndarray, p: StressParams,
             notes: list) -> tuple[np.ndarray, np.ndarray]:
    """The seller's margin on each commercial leg: given per kind, else the seller's margin facts
    (most specific family first), else the documented default of the kind."""
    facts = _fact_table(X)
    out = np.zeros(len(credit))
    basis = np.full(len(credit), "", dtype=object)
    seen_default, seen_fact = set(), {}
    commercial = np.flatnonzero(role == "commercial")
    for i, seller, kind in zip(commercial, credit["creditor"].iloc[commercial], credit["kind"].iloc[commercial]):
        if kind in p.margin:
            out[i], basis[i] = float(p.margin[kind]), "given"
            continue
        for fam in MARGIN_FAMILIES.get(kind, ()):
            f = facts.get((seller, fam))
            if f is not None:
                out[i] = min(1.0, max(0.0, float(f["value"])))
                basis[i] = f"fact {f['metric']} {f['as_of']}"
                seen_fact[(seller, f["metric"])] = f
                break
        else:
            out[i] = float(DEFAULTS[f"margin.{kind}"].value)
            basis[i] = f"default for {kind}"
            seen_default.add(kind)
    for kind in sorted(set(credit["kind"][role == "commercial"])):
        if kind in p.margin:
            notes.append(used(f"margin.{kind}", float(p.margin[kind]), basis="given"))
        elif kind in seen_default:
            notes.append(used(f"margin.{kind}", DEFAULTS[f"margin.{kind}"].value, basis="default",
                              note="sellers without a margin fact of this kind of business"))
    for (seller, _metric), f in sorted(seen_fact.items()):
        notes.append(dict(name=f"margin of {X.names.get(seller, seller)}", value=float(f["value"]), unit="fraction of revenue",
                          basis="fact", source=f"{f['metric']} {f['as_of']} ({f['fact']})",
                          **({"url": f["source"]} if f.get("source") else {})))
    return out, basis


# -- capital committed for the customer --------------------------------------------------------


def _capital(credit: pd.DataFrame, role: np.ndarray, left: np.ndarray, p: StressParams,
             notes: list) -> tuple[np.ndarray, np.ndarray]:
    """Capital the seller committed for each commercial leg, for the part still to run (``left``
    of the contract): the contract's GW x capex per GW x the kind's share of it, else the value
    still to run x a capital intensity (given, the median of the view's contracts of that kind
    that state GW, or the documented default)."""
    k = len(credit)
    amount = credit["amount"].to_numpy(float)
    remaining = amount * left
    gw = pd.to_numeric(credit["power_gw"], errors="coerce").to_numpy(float) if "power_gw" in credit else np.full(k, np.nan)
    kinds = credit["kind"].to_numpy(object)
    share = {kd: float(DEFAULTS[f"capex_share.{kd}"].value) for kd in COMMERCIAL_KINDS}
    derived: dict[str, float] = {}
    for kd in COMMERCIAL_KINDS:
        sel = (kinds == kd) & (role == "commercial") & np.isfinite(gw) & (gw > 0) & (amount > 0)
        if sel.any():
            derived[kd] = float(np.median(gw[sel] * p.capex_per_gw * share[kd] / amount[sel]))
    out, basis = np.zeros(k), np.full(k, "", dtype=object)
    intensity_used: dict[str, tuple[float, str]] = {}
    for i in np.flatnonzero(role == "commercial"):
        kd = kinds[i]
        if kd in p.capex_intensity:
            out[i], basis[i] = remaining[i] * float(p.capex_intensity[kd]), "given intensity"
            intensity_used[kd] = (float(p.capex_intensity[kd]), "given")
        elif np.isfinite(gw[i]) and gw[i] > 0:
            out[i] = gw[i] * p.capex_per_gw * share[kd] * left[i]
            basis[i] = f"{gw[i]:g} GW x {p.capex_per_gw:g} x {share[kd]:g}"
        elif kd in derived:
            out[i], basis[i] = remaining[i] * derived[kd], f"median intensity of the view's {kd} legs with GW"
            intensity_used[kd] = (derived[kd], "derived")
        else:
            v = float(DEFAULTS[f"capex_intensity.{kd}"].value)
            out[i], basis[i] = remaining[i] * v, f"default intensity for {kd}"
            intensity_used[kd] = (v, "default")
    if (role == "commercial").any():
        notes.append(used("capex_per_gw", p.capex_per_gw, DEFAULTS["capex_per_gw"].value))
        for kd in sorted(set(kinds[(role == "commercial") & np.isfinite(gw) & (gw > 0)])):
            notes.append(used(f"capex_share.{kd}", share[kd], basis="default"))
        for kd, (v, how) in sorted(intensity_used.items()):
            note = "median over the view's contracts of this kind that state their GW" if how == "derived" else None
            notes.append(used(f"capex_intensity.{kd}", round(v, 4), basis=how, note=note))
    return out, basis


# -- loans serviced from contracts --------------------------------------------------------------


def _secured(X: Exposures, credit: pd.DataFrame) -> SecuredRows:
    """Which loans are serviced from which contracts. Explicit pledges (``X.pledges``) first;
    else a drawn loan to a borrower without a buffer figure (a vehicle that cannot pass losses
    on) depends on each of the borrower's sales in proportion to its share of the borrower's
    contracted revenue (its remaining sales, or its backlog fact when larger)."""
    loans = credit[(credit["kind"] == "loan_debt_spv") & credit["schedule"].isin(["outstanding", "paid"])
                   & (credit["debtor"] != credit["creditor"])]
    if loans.empty:
        return SecuredRows()
    index = {k: i for i, k in enumerate(X.nodes.tolist())}
    flag = dict(zip(X.nodes.tolist(), X.buffer_flag.tolist()))
    facts = _fact_table(X)
    deal_pos = {d: i for i, d in enumerate(credit["deal"])}
    commercial = credit["kind"].isin(COMMERCIAL_KINDS).to_numpy()
    rows: dict[str, list] = {"contract": [], "lender": [], "borrower": [], "loan": [], "claim": [], "how": []}
    pledged = X.pledges if X.pledges is not None and len(X.pledges) else None
    for loan_pos, loan in zip(loans.index, loans.itertuples()):
        borrower, lender, owed = loan.debtor, loan.creditor, float(loan.remaining)
        explicit = pledged[pledged["loan"] == loan.deal] if pledged is not None else None
        if explicit is not None and len(explicit):
            for pr in explicit.itertuples():
                if pr.contract in deal_pos:
                    rows["contract"].append(deal_pos[pr.contract]), rows["how"].append("pledge")
                    rows["claim"].append(owed * float(getattr(pr, "share", 1.0)))
                    rows["lender"].append(index[lender]), rows["borrower"].append(index[borrower]), rows["loan"].append(loan_pos)
            continue
        if flag.get(borrower) != "missing":
            continue
        sales = np.flatnonzero(commercial & (credit["creditor"].to_numpy() == borrower))
        if not len(sales):
            continue
        rem = credit["remaining"].to_numpy(float)[sales]
        backlog = facts.get((borrower, "backlog"))
        total = max(float(rem.sum()), float(backlog["value"]) if backlog is not None else 0.0)
        for c, r in zip(sales, rem):
            rows["contract"].append(int(c)), rows["how"].append("dependence")
            rows["claim"].append(owed * r / total)
            rows["lender"].append(index[lender]), rows["borrower"].append(index[borrower]), rows["loan"].append(loan_pos)
    return SecuredRows(contract=np.asarray(rows["contract"], np.int64), lender=np.asarray(rows["lender"], np.int64),
                       borrower=np.asarray(rows["borrower"], np.int64), loan=np.asarray(rows["loan"], np.int64),
                       claim=np.asarray(rows["claim"], float), how=rows["how"])


def margin_of(book: LegBook, factor: np.ndarray | float = 1.0) -> np.ndarray:
    """Margins (legs, B) scaled by a per-scenario factor, capped at 1."""
    f = np.asarray(factor, dtype=float)
    return np.minimum(1.0, book.margin[:, None] * (f[None, :] if f.ndim else f))


def scale_of(remaining: np.ndarray, base: np.ndarray) -> np.ndarray:
    """remaining / the view's remaining (1 where the view's is 0): how much of each leg's
    component bases a scenario's drawn amount carries."""
    return np.divide(remaining, base[:, None], out=np.zeros_like(remaining), where=base[:, None] > 0)

