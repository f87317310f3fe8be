"""Shocks on a deal network: from the companies that fail to the losses each leg carries.

A :class:`ShockModel` is built once from an :class:`~loopledger.stresstest.exposures.Exposures`
and the options, and values, for a batch of scenarios at once, what every credit and stake leg
costs its holder if its counterparty fails (docs/methods.md 6.3, docs/stress.md):

* on the **gross** basis a credit leg loses ``loss_share x (1 - recovery) x remaining`` less a
  fixed redeployed share, a stake its mark (the face-value upper bound);
* on the **economic** basis a leg loses its named components
  (:mod:`loopledger.stresstest.losses`): receivables and claims less recovery, lost margin and
  stranded capital net of what the market's reconfiguration redeploys
  (:mod:`loopledger.stresstest.reconfiguration`), lost funding; a stake its cost or book
  value; never more than the leg's gross loss;
* a backstop moves ``min(cap, loss)`` of what its beneficiary loses on the covered legs of
  defaulted debtors to the guarantor, unless the guarantor defaulted too (6.6);
* a loan serviced from a contract (a vehicle's, or an explicit pledge) takes, when the
  contract's buyer fails, the borrower's loss on it first, up to the lender's claim.

The default set ``D`` (failed or defaulted companies) is an input: the cascade
(:mod:`loopledger.stresstest.waves`) calls the model again after each wave of defaults, so
backstops, pledges and the reconfiguration react to every default, not only the first. One
scenario, the "too big to fail" table and the Monte Carlo all go through this code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..vocabulary import COMMERCIAL_KINDS, LOSS_COMPONENTS
from .collateral import CollateralBook
from .exposures import Exposures
from .losses import LegBook, margin_of, scale_of
from .params import StressParams
from .reconfiguration import Market

#: the components a loss is reported in (docs/stress.md), in this order
COMPONENTS: tuple[str, ...] = tuple(LOSS_COMPONENTS)
C = {name: i for i, name in enumerate(COMPONENTS)}


def _incidence(targets: np.ndarray, n_rows: int) -> sp.csr_matrix:
    """(n_rows x k) 0/1 matrix sending item j to row targets[j]: M @ values sums by target."""
    k = len(targets)
    return sp.csr_matrix((np.ones(k), (targets, np.arange(k))), shape=(n_rows, k))


@dataclass
class Inputs:
    """What varies between scenarios (arrays with one column per scenario, B columns)."""

    basis: str
    remaining: np.ndarray                 # (credit legs, B)
    recovery: np.ndarray                  # (B,) on this basis
    recovery_gross: np.ndarray            # (B,) for the gross cap
    fixed: float | None                   # fixed redeployed share on this basis (None: the market)
    fixed_gross: float                    # fixed redeployed share of the gross bound
    margin_factor: np.ndarray | None = None   # (B,)
    rho_factor: np.ndarray | None = None      # (B,)
    equity: np.ndarray | None = None          # (stake legs, B) marks; default the view's
    caps: np.ndarray | None = None            # (backstops, B)
    clearing: bool = False                    # value legs on what falls due within H, recovery through clearing


@dataclass
class Valuation:
    """Leg-level losses of one batch, if each leg's counterparty fails: credit legs after
    backstops and pledges, stakes, the amounts moved to guarantors and secured lenders, and
    (``comps``) each credit leg's split into components."""

    leg: np.ndarray                        # (k, B)
    comps: np.ndarray | None               # (components, k, B)
    stake: np.ndarray                      # (e, B)
    guarantee: list[tuple[int, np.ndarray, np.ndarray]]   # (guarantor, legs, moved (len, B))
    secured: np.ndarray                    # (rows, B) moved to each secured row's lender
    rho: np.ndarray                        # (k, B) share redeployed
    info: dict[str, Any] | None = None


@dataclass
class ShockModel:
    """Index arrays and component bases of one exposure view (see the module docstring)."""

    exposures: Exposures
    params: StressParams
    n: int
    E: np.ndarray
    credit: pd.DataFrame
    equity: pd.DataFrame
    backstop: pd.DataFrame
    c_holder: np.ndarray
    c_debtor: np.ndarray
    c_commercial: np.ndarray
    c_lambda: np.ndarray
    e_holder: np.ndarray
    e_cpty: np.ndarray
    e_value: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    P_credit: sp.csr_matrix
    P_equity: sp.csr_matrix
    P_secured: sp.csr_matrix
    transfers: list
    book: LegBook
    market: Market
    kinds: list = field(default_factory=list)
    #: per transfer: (its row in ``backstop`` whose amount is the cap, or -1; a cap the claims'
    #: guarantees table states, NaN when none: then the backstop's amount, or no cap)
    transfer_caps: list = field(default_factory=list)
    #: the claims' pledges arranged for valuing collateral (None without pledges)
    collateral: CollateralBook | None = None
    #: notes on the claims (guarantees or pledges that could not be applied, and why)
    claims_notes: list = field(default_factory=list)

    @classmethod
    def build(cls, exposures: Exposures, params: StressParams | None = None) -> ShockModel:
        X = exposures
        p = params if params is not None else StressParams()
        index = {k: i for i, k in enumerate(X.nodes.tolist())}
        legs = X.legs
        credit = legs[legs["channel"] == "credit"].reset_index()
        equity = legs[legs["channel"] == "equity"].reset_index(drop=True)
        backstop = legs[legs["channel"] == "backstop"].reset_index(drop=True)
        nodes = pd.Index(X.nodes)
        c_holder = nodes.get_indexer(credit["holder"])
        c_debtor = nodes.get_indexer(credit["debtor"])
        e_holder = nodes.get_indexer(equity["holder"])
        e_cpty = nodes.get_indexer(equity["counterparty"])
        position = dict(zip(credit["index"].tolist(), range(len(credit))))
        transfers, transfer_caps, notes = _transfers(X, credit, backstop, position, index)
        book = LegBook.build(X, credit, equity, p)
        collateral = CollateralBook.build(X.claims, credit, index, p.collateral_haircut, p.gpu_price_fall)
        if collateral is not None:
            notes += collateral.skipped
        sec = book.secured
        # pairs: every (holder, counterparty) that can carry a loss, including a guarantor's and a
        # secured lender's exposure to the debtors of the legs they stand behind
        pr = [c_holder, e_holder] + [np.full(len(cov), g) for g, cov in transfers] + [sec.lender]
        pc = [c_debtor, e_cpty] + [c_debtor[cov] for g, cov in transfers] + [c_debtor[sec.contract]]
        n = len(X.nodes)
        keys = np.concatenate(pr) * max(n, 1) + np.concatenate(pc)
        uniq, inverse = np.unique(keys, return_inverse=True)
        rows, cols = (uniq // max(n, 1)).astype(np.int64), (uniq % max(n, 1)).astype(np.int64)
        m = len(uniq)
        k_c, k_e = len(c_holder), len(e_holder)
        P_credit = _incidence(inverse[:k_c], m)
        P_equity = _incidence(inverse[k_c:k_c + k_e], m)
        start = k_c + k_e
        tr = []
        for g, cov in transfers:
            tr.append((g, cov, _incidence(inverse[start:start + len(cov)], m)))
            start += len(cov)
        P_secured = _incidence(inverse[start:start + len(sec)], m)
        kinds = [k for k in COMMERCIAL_KINDS if (credit["kind"] == k).any()]
        return cls(
            exposures=X, params=p, n=n, E=X.buffers.astype(float), credit=credit, equity=equity, backstop=backstop,
            c_holder=c_holder, c_debtor=c_debtor,
            c_commercial=credit["kind"].isin(COMMERCIAL_KINDS).to_numpy(),
            c_lambda=credit["loss_share"].to_numpy(float), e_holder=e_holder, e_cpty=e_cpty,
            e_value=equity["amount"].to_numpy(float),
            rows=rows, cols=cols, P_credit=P_credit, P_equity=P_equity, P_secured=P_secured, transfers=tr,
            book=book, market=Market.build(X, credit, book.rev_h, p), kinds=kinds,
            transfer_caps=transfer_caps, collateral=collateral, claims_notes=notes,
        )

    # the amounts of one deterministic view ---------------------------------------------------

    def base_remaining(self) -> np.ndarray:
        """(legs, 1) remaining amounts of the credit legs on the view's basis."""
        return self.credit["remaining"].to_numpy(float)[:, None]

    def base_caps(self) -> np.ndarray:
        return self.backstop["amount"].to_numpy(float)[:, None]

    def inputs(self, basis: str, B: int = 1, recovery: np.ndarray | None = None,
               remaining: np.ndarray | None = None, **more: Any) -> Inputs:
        """Scenario inputs of a basis from the options (the view's amounts, B identical columns,
        unless ``remaining`` (legs, B) and ``recovery`` (B,) are drawn)."""
        p = self.params
        R = np.full(B, p.recovery_for(basis)) if recovery is None else np.broadcast_to(recovery, (B,))
        Rg = np.full(B, p.recovery_for("gross")) if recovery is None else R
        rem = np.broadcast_to(self.base_remaining(), (len(self.credit), B)) if remaining is None else remaining
        return Inputs(basis=basis, remaining=rem, recovery=R, recovery_gross=Rg, fixed=p.substitution_for(basis),
                      fixed_gross=p.substitution_for("gross") or 0.0, **more)

    # losses --------------------------------------------------------------------------------

    def value(self, inp: Inputs, D: np.ndarray, w: np.ndarray | None = None, comps: bool = False,
              detail: bool = False) -> Valuation:
        """What every leg costs its holder if its counterparty fails, given the companies ``D``
        (n, B) that failed or defaulted; ``w`` (n, B) is how far each debtor fails to pay when
        backstops and pledges are triggered (default ``D``: fully, for the defaulted only)."""
        p = self.params
        k, B = inp.remaining.shape
        rem = inp.remaining
        w = D.astype(float) if w is None else w
        lag = self.market.lag_factor
        gross_rho = float(inp.fixed_gross) * lag
        R, Rg = inp.recovery[None, :], inp.recovery_gross[None, :]
        lam = self.c_lambda[:, None]
        com = self.c_commercial[:, None]
        if inp.basis == "gross" and inp.fixed is not None:
            gross_rho = float(inp.fixed) * lag
        if inp.clearing:
            gross = rem * self.credit["due_factor"].to_numpy(float)[:, None] * np.where(com, 1.0 - gross_rho, 1.0)
        else:
            gross = lam * rem * np.where(com, np.maximum(0.0, 1.0 - Rg - gross_rho), 1.0 - Rg)
        ratio = scale_of(rem, self.base_remaining()[:, 0])
        rho = np.zeros((k, B))
        info = None
        comp = np.zeros((len(COMPONENTS), k, B)) if comps else None
        if inp.basis == "gross":
            leg = gross
            if comp is not None:
                claim = np.isin(self.book.role, ("claim",))[:, None]
                comp[C["due_within_horizon"]] = np.where(claim, leg, 0.0)
                comp[C["face_value"]] = np.where(claim, 0.0, leg)
            stake = (self.e_value[:, None] if inp.equity is None else inp.equity) * np.ones((1, B))
        else:
            fixed = inp.fixed
            rho, info = self.market.redeployed(D, ratio, p, fixed, detail=detail)
            if inp.rho_factor is not None:
                rho = np.minimum(1.0, rho * inp.rho_factor[None, :])
            if fixed is None:
                rho_m, rho_c = rho * lag * (1 - p.price_cut), rho * (1 - p.price_cut)
            else:  # a fixed share redeploys at the old price, as on the gross basis
                rho_m, rho_c = rho * lag, rho
            keep = 1.0 if inp.clearing else (1.0 - R)
            if comp is None:  # only the legs' totals: the same components without storing them
                leg = self._economic_legs(inp, rem, gross, ratio, rho_m, rho_c, keep)
            else:
                self._economic_components(comp, inp, rem, gross, ratio, rho_m, rho_c, keep)
            if self.collateral is not None and len(self.collateral):
                # a secured lender recovers from the failed borrower's collateral first; the rest
                # of its claim is unsecured and recovers at R like any other
                rec = self.collateral.recovered(rem, D)
                role = self.book.role[:, None]
                if comp is None:
                    leg -= np.where(role == "claim", np.minimum(rec * keep, leg), 0.0)
                else:
                    sr = np.where(role == "claim", np.minimum(rec * keep, comp[C["due_within_horizon"]]), 0.0)
                    comp[C["secured_recovery"]] = -sr
            if comp is not None:
                leg = comp.sum(axis=0)
            mark = (self.e_value[:, None] if inp.equity is None else inp.equity) * np.ones((1, B))
            ratio_e = np.divide(mark, self.e_value[:, None], out=np.zeros_like(mark), where=self.e_value[:, None] > 0)
            stake = np.minimum(mark, self.book.stake_carrying[:, None] * ratio_e)
        if comp is not None or inp.basis == "gross":
            leg = leg.copy()
        guarantee = self._backstops(leg, comp, w, D, inp)
        secured = self._secured(leg, comp, w, inp)
        return Valuation(leg=leg, comps=comp, stake=stake, guarantee=guarantee,
                         secured=secured, rho=rho, info=info)

    def _economic_components(self, comp, inp, rem, gross, ratio, rho_m, rho_c, keep) -> None:
        """The economic basis leg by leg, in components (components, k, B), scaled down where
        their sum exceeds the leg's gross loss."""
        b, p, B = self.book, self.params, rem.shape[1]
        role = b.role[:, None]
        margin = margin_of(b, inp.margin_factor if inp.margin_factor is not None else np.ones(B))
        comp[C["due_within_horizon"]] = np.where(role == "commercial", b.recv[:, None] * ratio * keep,
                                                 np.where(role == "claim", gross if inp.clearing else rem * keep, 0.0))
        comp[C["lost_margin"]] = np.where(role == "commercial", b.rev_h[:, None] * ratio * margin * (1 - rho_m), 0.0)
        comp[C["stranded_assets"]] = np.where(role == "commercial", b.capital[:, None] * ratio * (1 - rho_c), 0.0)
        comp[C["lost_funding"]] = np.where(role == "funding", p.funding_loss_share * b.funding_due[:, None] * ratio, 0.0)
        total = comp.sum(axis=0)
        scale = np.divide(gross, total, out=np.ones_like(total), where=total > gross)
        comp *= np.minimum(1.0, scale)[None]

    def _economic_legs(self, inp, rem, gross, ratio, rho_m, rho_c, keep) -> np.ndarray:
        """What :meth:`_economic_components` sums to, (k, B), computed role by role on the legs
        of that role only (the Monte Carlo's path: no components array): the sum of the
        components, capped at the leg's gross loss."""
        b, p = self.book, self.params
        k, B = rem.shape
        total = np.zeros((k, B))
        keep_a = np.broadcast_to(np.asarray(keep, dtype=float), (1, B))
        com = np.flatnonzero(b.role == "commercial")
        if len(com):
            f = inp.margin_factor if inp.margin_factor is not None else np.ones(B)
            margin = np.minimum(1.0, b.margin[com, None] * f[None, :])
            r = ratio[com]
            total[com] = (b.recv[com, None] * r * keep_a + b.rev_h[com, None] * r * margin * (1 - rho_m[com])) \
                + b.capital[com, None] * r * (1 - rho_c[com])
        claim = np.flatnonzero(b.role == "claim")
        if len(claim):
            total[claim] = gross[claim] if inp.clearing else rem[claim] * keep_a
        funding = np.flatnonzero(b.role == "funding")
        if len(funding):
            total[funding] = p.funding_loss_share * b.funding_due[funding, None] * ratio[funding]
        return np.minimum(total, gross, out=total, where=total > gross)

    def _backstops(self, leg, comp, w, D, inp) -> list:
        """Move min(cap, loss) of the beneficiary's loss on covered legs of debtors that do not
        pay to the guarantor, unless the guarantor defaulted (docs/methods.md 6.6)."""
        out = []
        caps = self.base_caps() if inp.caps is None else inp.caps
        B = leg.shape[1]
        for s, (g, cov, _) in enumerate(self.transfers):
            if len(cov) == 0:
                out.append((g, cov, np.zeros((0, B))))
                continue
            hit = w[self.c_debtor[cov]]
            lost = leg[cov] * hit
            total = lost.sum(axis=0)
            row, fixed = self.transfer_caps[s] if s < len(self.transfer_caps) else (s, np.nan)
            cap = np.full(B, fixed) if np.isfinite(fixed) else (caps[row] if row >= 0 else np.full(B, np.inf))
            moved_total = np.minimum(cap, total) * ~D[g]
            frac = np.divide(moved_total, total, out=np.zeros(B), where=total > 0)
            moved = leg[cov] * frac * (hit > 0)           # in "if the debtor fails" terms
            if comp is not None:
                # the creditor's components stay what it would lose; what the guarantor pays it
                # shows as guarantee_paid (negative), the guarantor's side as guarantee_payout
                comp[C["guarantee_paid"], cov] -= moved
            leg[cov] -= moved
            out.append((g, cov, moved))
        return out

    def _secured(self, leg, comp, w, inp) -> np.ndarray:
        """A borrower's loss on a contract passes first to the lenders whose loans it services,
        up to their claims (less recovery)."""
        sec = self.book.secured
        B = leg.shape[1]
        if not len(sec):
            return np.zeros((0, B))
        R = inp.recovery if not inp.clearing else np.zeros(B)
        claim = sec.claim[:, None] * (1.0 - R)[None, :]
        claim = claim * scale_of(inp.remaining, self.base_remaining()[:, 0])[sec.loan]
        # a borrower that has failed itself passes nothing on: its lender's loss is then the loan
        # itself (less what its collateral recovers), not the borrower's loss on its contracts too
        claim = claim * (1.0 - np.clip(w[sec.borrower], 0.0, 1.0))
        per_contract = sp.csr_matrix((np.ones(len(sec)), (sec.contract, np.arange(len(sec)))), shape=(leg.shape[0], len(sec)))
        total = per_contract @ claim                                   # (k, B)
        moved_c = np.minimum(leg, total)
        share = np.divide(claim, total[sec.contract], out=np.zeros_like(claim), where=total[sec.contract] > 0)
        moved = moved_c[sec.contract] * share
        if comp is not None:
            comp *= np.divide(leg - moved_c, leg, out=np.ones_like(leg), where=leg > 0)[None]
        leg -= moved_c
        return moved

    # aggregation ---------------------------------------------------------------------------

    def loan_amounts(self) -> dict[str, float]:
        """Each pledged loan's drawn amount owed to its lender on the view's basis (USD bn)."""
        if self.collateral is None:
            return {}
        rem = self.credit["remaining"].to_numpy(float)
        return {str(pr.loan): float(rem[legs].sum())
                for pr, legs in zip(self.collateral.pledges.itertuples(), self.collateral.loan_legs)}

    def pairs(self, v: Valuation) -> tuple[np.ndarray, np.ndarray | None]:
        """A (pairs, B): what each holder loses if each counterparty fails, and its components
        (components, pairs, B) when the valuation carries them."""
        A = self.P_credit @ v.leg + self.P_equity @ v.stake
        for (_g, cov, P), (_, _, moved) in zip(self.transfers, v.guarantee):
            if len(cov):
                A = A + P @ moved
        if len(v.secured):
            A = A + self.P_secured @ v.secured
        if v.comps is None:
            return A, None
        comps = np.stack([self.P_credit @ v.comps[c] for c in range(len(COMPONENTS))])
        comps[C["stake_writedown"]] += self.P_equity @ v.stake
        for (_g, cov, P), (_, _, moved) in zip(self.transfers, v.guarantee):
            if len(cov):
                comps[C["guarantee_payout"]] += P @ moved
        if len(v.secured):
            comps[C["secured_lending"]] += self.P_secured @ v.secured
        return A, comps

    def holder_losses(self, v: Valuation, unpaid: np.ndarray, down: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray | None]:
        """Per holder (n, B): credit legs x the debtor's unpaid share, stakes in companies that
        are ``down``, and the guarantees and pledges called by debtors that do not pay (the
        clearing model's losses), with their components."""
        n, B = self.n, v.leg.shape[1]
        by_holder = _incidence(self.c_holder, n)
        loss = by_holder @ (v.leg * unpaid[self.c_debtor])
        loss += _incidence(self.e_holder, n) @ (v.stake * down[self.e_cpty])
        extra = np.zeros((n, B))
        for (g, cov, moved) in v.guarantee:
            if len(cov):
                extra[g] += (moved * unpaid[self.c_debtor[cov]]).sum(axis=0)
        sec = self.book.secured
        if len(sec):
            extra += _incidence(sec.lender, n) @ (v.secured * unpaid[self.c_debtor[sec.contract]])
        loss = loss + extra
        if v.comps is None:
            return loss, None
        comps = np.stack([by_holder @ (v.comps[c] * unpaid[self.c_debtor]) for c in range(len(COMPONENTS))])
        comps[C["stake_writedown"]] += _incidence(self.e_holder, n) @ (v.stake * down[self.e_cpty])
        for (g, cov, moved) in v.guarantee:
            if len(cov):
                comps[C["guarantee_payout"], g] += (moved * unpaid[self.c_debtor[cov]]).sum(axis=0)
        if len(sec):
            comps[C["secured_lending"]] += _incidence(sec.lender, n) @ (v.secured * unpaid[self.c_debtor[sec.contract]])
        return loss, comps


def _transfers(X: Exposures, credit: pd.DataFrame, backstop: pd.DataFrame, position: dict[int, int],
               index: dict[str, int]) -> tuple[list, list, list[str]]:
    """The guarantees as (guarantor, covered credit-leg positions) with their caps. A backstop leg
    covers the legs :func:`~loopledger.stresstest.obligations.backstop_cover` found for it, capped
    at its amount; where the claims' ``guarantees`` table names what a guarantee deal covers, its
    rows replace that guess: one transfer per row, covering the credit legs of the covered deal
    (owed by its obligor to its creditor), capped at the row's ``cap`` (NaN: up to the covered
    amount, i.e. no cap beyond the leg's own loss). A guarantee whose deal has no backstop leg in
    the view is added when its guarantor is in the view."""
    transfers, caps, notes = [], [], []
    table = X.claims.get("guarantees") if X.claims is not None else None
    named = table if table is not None and len(table) else pd.DataFrame(columns=["deal", "guarantor", "covers", "cap"])
    deals = credit["deal"].to_numpy(object)
    debtors = credit["debtor"].to_numpy(object)

    def covered(g) -> np.ndarray:
        return np.flatnonzero((deals == g.covers) & (debtors != g.guarantor)).astype(np.int64)

    done: set[str] = set()
    for b, row in enumerate(backstop.itertuples()):
        rows = named[named["deal"] == row.deal]
        if len(rows):
            done.add(row.deal)
            for g in rows.itertuples():
                cov = covered(g)
                if not len(cov):
                    notes.append(f"guarantee {g.deal}: the covered deal {g.covers} has no leg in this view")
                cap = pd.to_numeric(pd.Series([g.cap]), errors="coerce").iloc[0]
                transfers.append((index[row.holder], cov))
                caps.append((-1, float(cap) if pd.notna(cap) else np.nan))
            continue
        cov = np.array([position[c] for c in row.covers if c in position], dtype=np.int64)
        transfers.append((index[row.holder], cov))
        caps.append((b, np.nan))
    for g in named.itertuples():
        if g.deal in done:
            continue
        if g.guarantor not in index:
            notes.append(f"guarantee {g.deal}: its guarantor {g.guarantor} has no exposure in this view")
            continue
        cov = covered(g)
        if not len(cov):
            notes.append(f"guarantee {g.deal}: the covered deal {g.covers} has no leg in this view")
        cap = pd.to_numeric(pd.Series([g.cap]), errors="coerce").iloc[0]
        transfers.append((index[g.guarantor], cov))
        caps.append((-1, float(cap) if pd.notna(cap) else np.nan))
    return transfers, caps, notes
