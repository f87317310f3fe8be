"""Who recovers what from collateral, which loans a GPU price fall breaches, what guarantors pay.

Pure functions on the frames of the claims schema (``Claims.assets``, ``.pledges``,
``.guarantees``; docs/stress.md, "Collateral, loan-to-value and guarantees"), with no ledger
import, so that the stress engine (:mod:`loopledger.stresstest.shocks`) and a notebook use the
same arithmetic:

* :func:`waterfall` distributes a collateral's liquidation value to the claims on it in
  priority order (the absolute-priority rule of secured lending: a senior claim is paid in full
  before a junior one receives anything; claims of equal rank share pro rata by amount);
* :func:`liquidation_value` is a value after the distressed-sale haircut;
* :func:`ltv_breaches` finds the loans whose loan-to-value passes its limit after a fall in
  GPU prices;
* :func:`guarantee_payments` is what a guarantor pays when the obligor of a covered deal
  defaults: ``min(cap, covered loss)``.

Money is USD billions; an unknown amount is NaN, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: asset kinds whose value moves with GPU prices (the claims schema's ``assets.kind``)
GPU_KINDS = ("gpus",)


def waterfall_arrays(value: np.ndarray, amounts: np.ndarray, priority: np.ndarray) -> np.ndarray:
    """The vectorised waterfall: ``value`` (B,) liquidation values of one collateral in B
    scenarios, ``amounts`` (m, B) the m claims on it, ``priority`` (m,) their ranks (1 = senior;
    NaN = not stated, ranked after every stated rank). Returns the recovered amounts (m, B); see
    :func:`waterfall`."""
    value = np.maximum(np.nan_to_num(np.asarray(value, dtype=float)), 0.0)
    amounts = np.maximum(np.nan_to_num(np.asarray(amounts, dtype=float)), 0.0)
    priority = np.asarray(priority, dtype=float)
    out = np.zeros_like(amounts)
    left = value.copy()
    stated = sorted({float(r) for r in priority[np.isfinite(priority)]})
    groups = [priority == r for r in stated] + [~np.isfinite(priority)]
    for sel in groups:
        if not sel.any():
            continue
        owed = amounts[sel]
        total = owed.sum(axis=0)
        paid = np.minimum(total, left)
        share = np.divide(paid, total, out=np.zeros_like(total), where=total > 0)
        out[sel] = owed * share[None, :]
        left = left - paid
    return out


def waterfall(collateral_value: float, claims: pd.DataFrame) -> pd.DataFrame:
    """Distribute a collateral's liquidation value to its claims in priority order.

    Rank 1 is paid first, then rank 2 and so on; claims of equal rank share what is left pro rata
    by amount; each claim receives at most its amount. **Assumption:** a claim whose rank is not
    stated (NaN ``priority``) ranks after every stated rank, pro rata with the other unranked
    claims (a lender that recorded no priority is taken to have no seniority to show).

    Parameters
    ----------
    collateral_value : the liquidation value (USD bn; after the haircut, :func:`liquidation_value`).
    claims : a frame with ``amount`` (USD bn, the claim) and ``priority`` (rank, NaN when not
        stated); other columns (a pledge's ``id``, ``loan``, ``lender``) are kept.

    Returns
    -------
    DataFrame
        ``claims`` with ``recovered`` (what the collateral pays the claim) and ``unsecured``
        (``amount - recovered``: what remains an unsecured claim on the borrower). ``recovered``
        sums to at most the value, and ``recovered + unsecured`` equals each amount.

    Examples
    --------
    >>> c = pd.DataFrame({"amount": [60.0, 30.0, 30.0], "priority": [1, 2, 2]})
    >>> waterfall(80.0, c)["recovered"].tolist()
    [60.0, 10.0, 10.0]
    """
    out = claims.copy()
    amount = pd.to_numeric(out["amount"], errors="coerce").to_numpy(float)
    priority = pd.to_numeric(out["priority"], errors="coerce").to_numpy(float)
    rec = waterfall_arrays(np.array([float(collateral_value)]), amount[:, None], priority)[:, 0]
    out["recovered"] = rec
    out["unsecured"] = np.nan_to_num(amount) - rec
    return out


def liquidation_value(value: float | np.ndarray, haircut: float) -> float | np.ndarray:
    """``value x (1 - haircut)``: what a collateral fetches in a distressed sale (the
    ``collateral_haircut`` option; docs/stress.md gives the default and its source)."""
    if np.ndim(value):
        return np.asarray(value, dtype=float) * (1.0 - float(haircut))
    return float(value) * (1.0 - float(haircut))


def asset_values(assets: pd.DataFrame, gpu_price_fall: float = 0.0) -> pd.Series:
    """Each asset's value (USD bn) after a GPU price fall: assets of kind ``gpus`` lose
    ``gpu_price_fall`` of their value, the others keep it; NaN stays NaN (an unknown value)."""
    if assets is None or len(assets) == 0:
        return pd.Series(dtype=float)
    value = pd.to_numeric(assets["value"], errors="coerce").to_numpy(float)
    fall = np.where(assets["kind"].isin(GPU_KINDS).to_numpy(), float(gpu_price_fall), 0.0)
    return pd.Series(value * (1.0 - fall), index=assets["id"].to_numpy(), name="value")


def ltv_breaches(assets: pd.DataFrame, pledges: pd.DataFrame, loan_amounts: Mapping[str, float],
                 gpu_price_fall: float, ltv_limit: float = 0.8,
                 contract_values: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Loan-to-value of every pledged loan after a GPU price fall, and whether it breaches.

    A loan's collateral value is the sum over its pledges of the pledged ``share`` of the
    collateral's value: an asset's value after the fall (:func:`asset_values`; assets of kind
    ``gpus`` lose ``gpu_price_fall`` of it), a pledged contract's remaining value from
    ``contract_values`` (deal id -> USD bn; the view's ``to_pay``). LTV = loan amount / collateral
    value (market values, before any haircut: a covenant tests appraised value). A loan breaches
    when its LTV is strictly above its limit (the pledge's ``ltv_limit``, the smallest when its
    pledges state several; NaN = ``ltv_limit``). A loan whose amount is unknown, or whose
    collateral value is unknown or 0, has no LTV and is not reported as breached (its ``note``
    says why).

    Returns one row per pledged loan: ``loan``, ``lender``, ``borrower``, ``amount``,
    ``collateral_value``, ``ltv``, ``ltv_limit``, ``limit_basis`` ("pledge" or "default"),
    ``breached``, ``cure`` (what repaying the loan down to its limit would take:
    ``amount - limit x collateral value``, 0 when not breached) and ``note``.
    """
    cols = ["loan", "lender", "borrower", "amount", "collateral_value", "ltv", "ltv_limit", "limit_basis",
            "breached", "cure", "note"]
    if pledges is None or len(pledges) == 0:
        return pd.DataFrame(columns=cols)
    values = asset_values(assets, gpu_price_fall) if assets is not None else pd.Series(dtype=float)
    contracts = dict(contract_values or {})
    rows = []
    for loan, group in pledges.groupby("loan", sort=True):
        coll, unknown = 0.0, False
        for pr in group.itertuples():
            share = float(pr.share) if np.isfinite(_num(getattr(pr, "share", 1.0))) else 1.0
            asset, deal = _id(getattr(pr, "collateral_asset", None)), _id(getattr(pr, "collateral_deal", None))
            if asset is not None:
                v = float(values.get(asset, np.nan))
            elif deal is not None:
                v = float(contracts.get(deal, np.nan))
            else:
                v = np.nan
            if np.isfinite(v):
                coll += share * v
            else:
                unknown = True
        limits = pd.to_numeric(group["ltv_limit"], errors="coerce").to_numpy(float) if "ltv_limit" in group else np.array([np.nan])
        stated = limits[np.isfinite(limits)]
        limit, basis = (float(stated.min()), "pledge") if len(stated) else (float(ltv_limit), "default")
        amount = _num(loan_amounts.get(loan, np.nan))
        note = ""
        if not np.isfinite(amount):
            ltv, note = np.nan, "loan amount unknown in this view"
        elif unknown and coll <= 0:
            ltv, note = np.nan, "collateral value unknown"
        elif coll <= 0:
            ltv, note = np.nan, "collateral value 0"
        else:
            ltv = amount / coll
            if unknown:
                note = "some collateral has no value: LTV on the valued part (an upper bound)"
        breached = bool(np.isfinite(ltv) and ltv > limit)
        first = group.iloc[0]
        rows.append(dict(loan=loan, lender=first.get("lender"), borrower=first.get("borrower"), amount=amount,
                         collateral_value=coll if coll > 0 or not unknown else np.nan, ltv=ltv, ltv_limit=limit,
                         limit_basis=basis, breached=breached,
                         cure=float(amount - limit * coll) if breached else 0.0, note=note))
    return pd.DataFrame(rows, columns=cols)


def guarantee_payments(guarantees: pd.DataFrame, covered_loss: Mapping[str, float],
                       covered_remaining: Mapping[str, float] | None = None) -> pd.DataFrame:
    """What each guarantor pays when the obligors of the deals it covers default.

    ``covered_loss`` maps a covered deal id to the creditor's loss on it (USD bn; deals whose
    obligor did not default are absent or 0). A guarantee pays ``min(cap, loss)``; a NaN cap
    means "up to the covered amount", i.e. the covered deal's remaining value
    (``covered_remaining``; without it, the loss itself). Several guarantees of one deal pay in
    the order listed, each on what the ones before left. The payment is a loss of the guarantor
    and a recovery of the creditor. Returns ``guarantees`` with ``loss`` and ``paid``.
    """
    out = guarantees.copy()
    left = {d: max(0.0, float(v)) for d, v in covered_loss.items()}
    rem = dict(covered_remaining or {})
    losses, paid = [], []
    for g in out.itertuples():
        loss = left.get(g.covers, 0.0)
        cap = _num(g.cap)
        if not np.isfinite(cap):
            cap = float(rem.get(g.covers, loss))
        pay = min(max(cap, 0.0), loss)
        left[g.covers] = loss - pay
        losses.append(loss)
        paid.append(pay)
    out["loss"] = losses
    out["paid"] = paid
    return out


def _num(x) -> float:
    try:
        return float(x) if x is not None else np.nan
    except (TypeError, ValueError):
        return np.nan


def _id(x) -> str | None:
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA or x == "":
        return None
    return str(x)


# -- the engine's view: collateral per credit leg -------------------------------------------------


@dataclass
class Collateral:
    """One pledged collateral: an asset (``asset_value``, its liquidation value, USD bn) or a
    contract (``contract_legs``: positions of its credit legs, ``contract_payers``: their
    payers' node indices), and the pledges on it (``pledge_rows`` into the book's pledges)."""

    key: str
    asset_value: float
    contract_legs: np.ndarray
    contract_payers: np.ndarray
    pledge_rows: np.ndarray


@dataclass
class CollateralBook:
    """The pledges of a view arranged for the stress engine (:mod:`loopledger.stresstest.shocks`):
    for each pledge the credit legs of its loan (``loan_legs``, the borrower's drawn loan owed
    to the lender), its ``priority`` and ``share``; the collaterals; and a note per pledge left
    out (``skipped``). :meth:`recovered` gives, per credit leg, what the lender recovers from
    collateral if the borrower fails."""

    loan_legs: list[np.ndarray]
    loan_of: np.ndarray
    priority: np.ndarray
    share: np.ndarray
    collaterals: list[Collateral]
    pledges: pd.DataFrame
    skipped: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, claims: Mapping[str, pd.DataFrame] | None, credit: pd.DataFrame, index: Mapping[str, int],
              haircut: float, gpu_price_fall: float = 0.0) -> CollateralBook | None:
        """None when there is no pledge to value. ``credit`` is the engine's credit-leg table
        (``deal``, ``debtor``, ``creditor``, ``schedule``, ``kind``); ``index`` maps company
        ids to node indices."""
        if claims is None or len(claims.get("pledges", ())) == 0:
            return None
        pledges = claims["pledges"].reset_index(drop=True)
        values = asset_values(claims.get("assets", pd.DataFrame()), gpu_price_fall)
        deal = credit["deal"].to_numpy(object)
        debtor = credit["debtor"].to_numpy(object)
        creditor = credit["creditor"].to_numpy(object)
        drawn = (credit["schedule"] != "undrawn").to_numpy()   # an undrawn facility is owed by the lender
        loan_legs: list[np.ndarray] = []
        priority: list[float] = []
        share: list[float] = []
        skipped: list[str] = []
        keep: list[int] = []
        loans: dict[str, int] = {}
        loan_of: list[int] = []
        by_collateral: dict[str, list[int]] = {}
        coll_info: dict[str, tuple[float, np.ndarray, np.ndarray]] = {}
        for r, pr in enumerate(pledges.itertuples()):
            legs = np.flatnonzero((deal == pr.loan) & (debtor == pr.borrower) & (creditor == pr.lender) & drawn)
            if not len(legs):
                skipped.append(f"pledge {pr.id}: loan {pr.loan} has no drawn leg owed by {pr.borrower} to "
                               f"{pr.lender} in this view")
                continue
            asset, contract = _id(getattr(pr, "collateral_asset", None)), _id(getattr(pr, "collateral_deal", None))
            if asset is not None:
                key = f"asset:{asset}"
                v = float(values.get(asset, np.nan))
                if not np.isfinite(v):
                    skipped.append(f"pledge {pr.id}: asset {asset} has no value (nothing recovered from it)")
                    continue
                coll_info.setdefault(key, (v * (1.0 - float(haircut)), np.zeros(0, np.int64), np.zeros(0, np.int64)))
            elif contract is not None:
                key = f"deal:{contract}"
                c_legs = np.flatnonzero((deal == contract) & (creditor == pr.borrower))
                if not len(c_legs):
                    skipped.append(f"pledge {pr.id}: contract {contract} has no remaining leg owed to "
                                   f"{pr.borrower} in this view")
                    continue
                payers = np.array([index[x] for x in debtor[c_legs]], dtype=np.int64)
                coll_info.setdefault(key, (0.0, c_legs.astype(np.int64), payers))
            else:
                skipped.append(f"pledge {pr.id}: no collateral named")
                continue
            if pr.loan not in loans:
                loans[pr.loan] = len(loans)
            loan_of.append(loans[pr.loan])
            by_collateral.setdefault(key, []).append(len(keep))
            keep.append(r)
            loan_legs.append(legs.astype(np.int64))
            p = pd.to_numeric(pd.Series([getattr(pr, "priority", np.nan)]), errors="coerce").iloc[0]
            priority.append(float(p) if pd.notna(p) else np.nan)
            sh = pd.to_numeric(pd.Series([getattr(pr, "share", 1.0)]), errors="coerce").iloc[0]
            share.append(float(sh) if pd.notna(sh) else 1.0)
        if not keep:
            return cls([], np.zeros(0, np.int64), np.zeros(0), np.zeros(0), [], pledges.iloc[[]], skipped)
        collaterals = [Collateral(key=k, asset_value=coll_info[k][0], contract_legs=coll_info[k][1],
                                  contract_payers=coll_info[k][2], pledge_rows=np.asarray(rows, np.int64))
                       for k, rows in by_collateral.items()]
        return cls(loan_legs=loan_legs, loan_of=np.asarray(loan_of, np.int64), priority=np.asarray(priority),
                   share=np.asarray(share), collaterals=collaterals, pledges=pledges.iloc[keep].reset_index(drop=True),
                   skipped=skipped)

    def __len__(self) -> int:
        return len(self.loan_legs)

    def recovered(self, remaining: np.ndarray, D: np.ndarray) -> np.ndarray:
        """(legs, B): what each credit leg's lender recovers from collateral if the leg's debtor
        (the borrower) fails, given the view's remaining amounts ``remaining`` (legs, B) and the
        companies ``D`` (n, B) that have failed or defaulted (a pledged contract is worth its
        remaining value from payers not in ``D``, nothing from those in it). Per collateral the
        claims are the pledged loans' amounts, paid by :func:`waterfall_arrays`, each pledge then
        receiving at most its ``share`` of the collateral's value (what a cap leaves is not passed
        on to the other claims); a loan secured by several collaterals recovers at most its amount (a surplus on one collateral is not passed down to its junior claims:
        a simplification that errs against the juniors)."""
        k, B = remaining.shape
        out = np.zeros((k, B))
        if not len(self):
            return out
        amount = np.stack([remaining[legs].sum(axis=0) for legs in self.loan_legs])   # (pledges, B)
        per_pledge = np.zeros_like(amount)
        for c in self.collaterals:
            if len(c.contract_legs):
                alive = ~D[c.contract_payers]                                         # (legs, B)
                value = (remaining[c.contract_legs] * alive).sum(axis=0)
            else:
                value = np.full(B, c.asset_value)
            rows = c.pledge_rows
            paid = waterfall_arrays(value, amount[rows], self.priority[rows])
            per_pledge[rows] = np.minimum(paid, self.share[rows][:, None] * value[None, :])
        n_loans = int(self.loan_of.max()) + 1
        by_loan = np.zeros((n_loans, B))
        owed = np.zeros((n_loans, B))
        np.add.at(by_loan, self.loan_of, per_pledge)
        owed[self.loan_of] = amount   # every pledge of a loan carries the loan's whole amount
        scale = np.divide(np.minimum(by_loan, owed), by_loan, out=np.zeros_like(by_loan), where=by_loan > 0)
        per_pledge = per_pledge * scale[self.loan_of]
        for r, legs in enumerate(self.loan_legs):
            rem = remaining[legs]
            tot = rem.sum(axis=0)
            part = np.divide(rem, tot[None, :], out=np.zeros_like(rem), where=tot[None, :] > 0)
            out[legs] += per_pledge[r][None, :] * part
        # two pledges of one loan point at the same legs: each leg recovers at most what remains
        return np.minimum(out, remaining)
