"""Shocks on a deal network: from a set of failing companies to the exposures that bite.

A :class:`ShockModel` is built once from an :class:`~loopledger.stresstest.exposures.Exposures`
and turns, for a batch of scenarios at once, the remaining amount of every leg, the recovery
rate and the set of failed companies into the loss matrix A of METHODS.md 6.3, one value per
(holder, counterparty) pair and scenario:

* credit legs lose ``loss_share x (1 - recovery) x remaining`` (6.3);
* with substitution ``s`` and lag, surviving suppliers of the same kind win back
  ``s x max(0, H - lag) / H`` of each failed buyer's lost demand, split in proportion to their
  contracted sales of that kind to surviving buyers, which offsets their losses on contracts
  with the failed buyers, never below zero (6.7);
* a backstop moves ``min(cap, loss)`` of the losses its beneficiary suffers on the covered
  legs from the beneficiary to the guarantor, unless the guarantor failed too (6.6);
* stakes lose their whole value when the company fails (6.5).

The same code serves one deterministic scenario (a batch of one), the "too big to fail" table
(one scenario per company) and the Monte Carlo (one scenario per draw), so all three agree.
Backstops and substitution react to the companies that fail at the start, not to those that
fail later in the cascade.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..vocabulary import COMMERCIAL_KINDS
from .debtrank import Propagation, propagate
from .exposures import Exposures


def _incidence(targets: np.ndarray, n_rows: int) -> sp.csr_matrix:
    """(n_rows x k) 0/1 matrix sending item j to row targets[j]: M @ values sums by target."""
    k = len(targets)
    return sp.csr_matrix((np.ones(k), (targets, np.arange(k))), shape=(n_rows, k))


@dataclass
class ShockModel:
    """Index arrays of one exposure view, ready for batched evaluation (see module doc)."""

    exposures: Exposures
    n: int
    E: np.ndarray
    credit: pd.DataFrame
    equity: pd.DataFrame
    backstop: pd.DataFrame
    c_holder: np.ndarray
    c_debtor: np.ndarray
    c_commercial: np.ndarray
    c_lambda: np.ndarray
    e_value: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    P_credit: sp.csr_matrix
    P_equity: sp.csr_matrix
    transfers: list
    by_creditor: sp.csr_matrix
    kinds: list

    @classmethod
    def build(cls, exposures: Exposures) -> ShockModel:
        X = exposures
        index = {k: i for i, k in enumerate(X.nodes.tolist())}
        legs = X.legs
        credit = legs[legs["channel"] == "credit"].reset_index()
        equity = legs[legs["channel"] == "equity"].reset_index(drop=True)
        backstop = legs[legs["channel"] == "backstop"].reset_index(drop=True)
        c_holder = credit["holder"].map(index).to_numpy(np.int64)
        c_debtor = credit["debtor"].map(index).to_numpy(np.int64)
        e_holder = equity["holder"].map(index).to_numpy(np.int64)
        e_cpty = equity["counterparty"].map(index).to_numpy(np.int64)
        position = {int(old): new for new, old in enumerate(credit["index"].tolist())}
        transfers = []
        for row in backstop.itertuples():
            cov = np.array([position[c] for c in row.covers if c in position], dtype=np.int64)
            transfers.append((index[row.holder], cov))
        # pairs: every (holder, counterparty) that can carry a loss, including a guarantor's
        # exposure to the debtors whose default its backstop covers
        pr = [c_holder, e_holder] + [np.full(len(cov), g) for g, cov in transfers]
        pc = [c_debtor, e_cpty] + [c_debtor[cov] for g, cov in transfers]
        keys = np.concatenate(pr) * max(len(X.nodes), 1) + np.concatenate(pc)
        uniq, inverse = np.unique(keys, return_inverse=True)
        n = len(X.nodes)
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
        kinds = [k for k in COMMERCIAL_KINDS if (credit["kind"] == k).any()]
        return cls(
            exposures=X, n=n, E=X.buffers.astype(float), credit=credit, equity=equity, backstop=backstop,
            c_holder=c_holder, c_debtor=c_debtor,
            c_commercial=credit["kind"].isin(COMMERCIAL_KINDS).to_numpy(),
            c_lambda=credit["loss_share"].to_numpy(float),
            e_value=equity["amount"].to_numpy(float),
            rows=rows, cols=cols, P_credit=P_credit, P_equity=P_equity, transfers=tr,
            by_creditor=_incidence(c_holder, n), kinds=kinds,
        )

    # the amounts of one deterministic view ---------------------------------------------------

    def base_remaining(self) -> np.ndarray:
        """(legs, 1) remaining amounts of the credit legs on the view's basis."""
        return self.credit["remaining"].to_numpy(float)[:, None]

    def base_caps(self) -> np.ndarray:
        return self.backstop["amount"].to_numpy(float)[:, None]

    # losses --------------------------------------------------------------------------------

    def pair_values(self, remaining: np.ndarray, recovery: np.ndarray, failed: np.ndarray,
                    equity: np.ndarray | None = None, caps: np.ndarray | None = None,
                    substitution: float = 0.0, substitution_factor: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """Loss matrix A as (pairs, B) values, and the substitution gains used (n, B).

        ``remaining`` (credit legs, B) remaining amounts (0 for a leg not realised);
        ``recovery`` (B,); ``failed`` (n, B) booleans: the companies failing at the start;
        ``equity`` (equity legs, 1 or B) stake values (default the view's); ``caps``
        (backstops, 1 or B); ``substitution_factor`` = max(0, H - lag) / H.
        """
        B = failed.shape[1]
        recovery = np.broadcast_to(np.asarray(recovery, dtype=float), (B,))
        loss = self.c_lambda[:, None] * remaining * (1.0 - recovery)[None, :]
        from_failed = failed[self.c_debtor]
        gain_used = np.zeros((self.n, B))
        share = float(substitution) * float(substitution_factor)
        if share > 0 and len(self.kinds):
            gain_used, loss = self._substitute(remaining, loss, failed, from_failed, share)
        extra = np.zeros((len(self.rows), B))
        cap_values = self.base_caps() if caps is None else caps
        for s, (g, cov, P) in enumerate(self.transfers):
            if len(cov) == 0:
                continue
            lost = loss[cov] * from_failed[cov]
            total = lost.sum(axis=0)
            moved_total = np.minimum(cap_values[s], total) * ~failed[g]
            frac = np.divide(moved_total, total, out=np.zeros(B), where=total > 0)
            moved = lost * frac
            loss[cov] -= moved
            extra += P @ moved
        eq = self.e_value[:, None] if equity is None else equity
        A = self.P_credit @ loss + self.P_equity @ np.broadcast_to(eq, (len(self.e_value), B)) + extra
        return A, gain_used

    def _substitute(self, remaining, loss, failed, from_failed, share):
        """METHODS 6.7: gains of surviving suppliers offset their losses on the failed buyers."""
        n, B = failed.shape
        creditor_alive = ~failed[self.c_holder]
        gain = np.zeros((n, B))
        kind = self.credit["kind"].to_numpy()
        for k in self.kinds:
            sel = np.flatnonzero(kind == k)
            lost = (remaining[sel] * from_failed[sel]).sum(axis=0)
            pool = share * float(self.c_lambda[sel][0]) * lost
            sales = remaining[sel] * (~from_failed[sel] & creditor_alive[sel])
            per_node = _incidence(self.c_holder[sel], n) @ sales
            total = per_node.sum(axis=0)
            gain += per_node * np.divide(pool, total, out=np.zeros(B), where=total > 0)
        hit = from_failed & self.c_commercial[:, None]
        owed = self.by_creditor @ (loss * hit)
        used = np.minimum(gain, owed)
        frac = np.divide(used, owed, out=np.zeros_like(used), where=owed > 0)
        loss = np.where(hit, loss * (1.0 - frac[self.c_holder]), loss)
        return used, loss

    # DebtRank on the pairs -----------------------------------------------------------------

    def debtrank(self, A: np.ndarray, h0: np.ndarray, variant: str, tol: float = 1e-12,
                 max_rounds: int | None = None) -> tuple[Propagation, np.ndarray, np.ndarray]:
        """Propagate from h0 (n, B) over the pairs' values A (m, B).

        Returns the propagation, the USD loss (n, B) and the direct (first-step) USD loss
        (n, B), excluding the shock itself; nodes with an infinite buffer never propagate and
        their loss is what their exposures cost them, sum_j A[i, j] h_j."""
        finite = np.isfinite(self.E)
        keep = finite[self.rows]
        Ef = np.where(finite, self.E, 1.0)
        lam = A[keep] / Ef[self.rows[keep]][:, None]
        run = propagate(self.rows[keep], self.cols[keep], lam, h0, variant, tol=tol, max_rounds=max_rounds)
        Eb = np.where(finite, self.E, 0.0)[:, None]
        loss = (run.h - h0) * Eb
        direct = (run.first - h0) * Eb
        if not keep.all():
            absorb = np.flatnonzero(~keep)
            r, c = self.rows[absorb], self.cols[absorb]
            P = _incidence(r, self.n)
            loss = loss + P @ (A[absorb] * run.h[c])
            direct = direct + P @ (A[absorb] * h0[c])
            # an absorber is hit one step after the first counterparty it is exposed to
            big = np.iinfo(np.int64).max
            hit = np.where((A[absorb] > 0) & (run.round_distressed[c] >= 0), run.round_distressed[c] + 1, big)
            first_hit = np.full(run.round_distressed.shape, big)
            np.minimum.at(first_hit, r, hit)
            run.round_distressed = np.where(first_hit < big, first_hit, run.round_distressed)
        return run, loss, direct
