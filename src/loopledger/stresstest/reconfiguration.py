"""The market's reconfiguration: who absorbs a failed company's business, and how much of the
capacity it leaves idle is redeployed.

When a buyer of compute fails, its suppliers' capacity for it falls idle. Whether that capacity
is lost depends on the rest of the market (docs/stress.md, "The market's reconfiguration"):

1. **Customers move.** The failed company's own customers move to its rivals: a failed AI lab's
   to the surviving labs (and companies with an AI-lab market share), in proportion to their
   market shares (the ``lab_market_share`` facts), else their revenue run rates, else their own
   contracted compute in the ledger; other companies' to surviving companies of the same type,
   in proportion to their contracted compute. ``customer_migration`` of the demand moves.
2. **Rivals need compute.** Each rival's new demand for compute is the migrated share of the
   failed company's lost purchases, in the failed company's mix of kinds, capped at
   ``rival_growth_cap`` times the rival's own contracted compute within the horizon (a rival
   cannot grow without limit: funding and build-out constrain it).
3. **Idle capacity is redeployed.** Per kind, the capacity freed by failed buyers meets the
   rivals' new demand and the demand of buyers whose own supplier failed ("who supplies
   instead"); the share that finds a buyer is ``rho = min(1, demand / freed)``. A supplier with a
   queue of contracted but not yet active capacity (``contracted_power`` minus ``active_power``
   facts, valued at ``capacity_value_per_gw_year``) redeploys to its own queue first.
4. **After a lag, at a price cut.** Redeployed capacity earns again after ``lag_quarters`` (the
   transition, with degraded service) and at ``price_cut`` below the old price; the economic
   loss model counts what it recovers (:mod:`loopledger.stresstest.losses`).

With a fixed ``substitution`` s every supplier of a failed buyer redeploys the share s instead
(``s = 0``: no reconfiguration). Everything is computed for a batch of scenarios at once;
:func:`absorption_table` lists who absorbs what for one scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..vocabulary import COMMERCIAL_KINDS
from .assumptions import DEFAULTS, used
from .exposures import Exposures
from .params import StressParams

LAB_TYPE = "ai_lab"


def _incidence(targets: np.ndarray, n_rows: int) -> sp.csr_matrix:
    k = len(targets)
    return sp.csr_matrix((np.ones(k), (targets, np.arange(k))), shape=(n_rows, k))


@dataclass
class Market:
    """The commercial legs of an exposure view as a market: who buys which kind from whom, how
    much revenue each leg brings within the horizon, the groups of rivals and their weights."""

    n: int
    kinds: list[str]
    kind_of_leg: np.ndarray      # (legs,) index into kinds, -1 for non-commercial legs
    buyer: np.ndarray
    seller: np.ndarray
    rev_h: np.ndarray            # revenue within H per leg (the view's amounts)
    groups: list[str]
    member: np.ndarray           # (groups, n) weight of node r as a rival in group g (0: not a member)
    primary: np.ndarray          # (n,) the group whose rivals take a failed node's customers
    own_compute: np.ndarray      # (n,) contracted commercial purchases within H
    queue: np.ndarray            # (n,) USD bn within H of contracted-but-inactive capacity
    weight_basis: dict[str, str]
    names: list[str]
    lag_factor: float
    B_kind: sp.csr_matrix        # (kinds, legs) incidence of commercial legs by kind
    B_buyer: sp.csr_matrix       # (n, legs)
    B_seller: sp.csr_matrix      # (n, legs)

    @classmethod
    def build(cls, X: Exposures, credit: pd.DataFrame, rev_h: np.ndarray, p: StressParams) -> Market:
        nodes = pd.Index(X.nodes)
        n = X.n
        kinds = [k for k in COMMERCIAL_KINDS if (credit["kind"] == k).any()]
        kind_of_leg = pd.Index(kinds, dtype=object).get_indexer(credit["kind"])
        buyer = nodes.get_indexer(credit["debtor"])
        seller = nodes.get_indexer(credit["creditor"])
        com = kind_of_leg >= 0
        rev = np.where(com, rev_h, 0.0)
        own = np.bincount(buyer[com], weights=rev[com], minlength=n).astype(float)
        facts = {} if X.facts is None else {(r["company"], r["family"]): r for r in X.facts.to_dict(orient="records")}
        types = X.company_types if X.company_types is not None else np.full(n, "other", dtype=object)
        groups, member, primary, basis = _groups(X, types, facts, own)
        H = int(X.params.get("horizon_months", p.horizon_months))
        queue = np.zeros(n)
        for i, c in enumerate(X.nodes.tolist()):
            cont, act = facts.get((c, "contracted_power")), facts.get((c, "active_power"))
            if cont is not None and act is not None:
                queue[i] = max(0.0, float(cont["value"]) - float(act["value"])) * p.capacity_value_per_gw_year * H / 12
        k = len(credit)
        ki = np.flatnonzero(com)
        B_kind = sp.csr_matrix((np.ones(len(ki)), (kind_of_leg[ki], ki)), shape=(len(kinds), k))
        return cls(n=n, kinds=kinds, kind_of_leg=kind_of_leg, buyer=buyer, seller=seller, rev_h=rev,
                   groups=groups, member=member, primary=primary, own_compute=own, queue=queue,
                   weight_basis=basis, names=[X.label(i) for i in range(n)],
                   lag_factor=max(0.0, H - 3 * p.lag_quarters) / H if H > 0 else 0.0,
                   B_kind=B_kind, B_buyer=_incidence(buyer, n).multiply(com[None, :]).tocsr(),
                   B_seller=_incidence(seller, n).multiply(com[None, :]).tocsr())

    # -- one batch of scenarios ------------------------------------------------------------

    def redeployed(self, D: np.ndarray, ratio: np.ndarray, p: StressParams, fixed: float | None,
                   detail: bool = False) -> tuple[np.ndarray, dict[str, Any] | None]:
        """Share of each leg's capacity redeployed if its buyer fails, (legs, B), before the lag
        and the price cut; ``D`` (n, B) the companies that failed or defaulted, ``ratio``
        (legs, B) each leg's drawn amount over the view's. ``fixed``: the same share for every
        commercial leg (no market computation). With ``detail`` (one scenario) also the pieces
        of :func:`absorption_table`."""
        k, B = ratio.shape
        com = (self.kind_of_leg >= 0)[:, None]
        if fixed is not None and not detail:
            return np.where(com, float(fixed), 0.0) * np.ones((1, B)), None
        if not self.kinds:
            return np.zeros((k, B)), None
        rev = self.rev_h[:, None] * ratio
        dead_buyer, dead_seller = D[self.buyer], D[self.seller]
        freed_leg = rev * dead_buyer * ~dead_seller * com
        unserved_leg = rev * dead_seller * ~dead_buyer * com
        freed_k = self.B_kind @ freed_leg                       # (K, B)
        unserved_k = self.B_kind @ unserved_leg
        lost_b = self.B_buyer @ freed_leg                       # (n, B): compute each failed buyer no longer takes
        lost_bk = [self.B_buyer @ (freed_leg * (self.kind_of_leg == j)[:, None]) for j in range(len(self.kinds))]
        alive = ~D
        G = len(self.groups)
        onehot = sp.csr_matrix((np.ones(self.n), (self.primary, np.arange(self.n))), shape=(G, self.n))
        M = sp.csr_matrix(self.member)                           # (G, n) rival weights
        dem_g = onehot @ lost_b                                  # (G, B) demand leaving each group's failed members
        aliv = alive.astype(float)
        S_g = M @ aliv                                           # (G, B) weight of the surviving rivals
        frac = np.divide(dem_g, S_g, out=np.zeros_like(dem_g), where=S_g > 0)
        # rival r's new demand: migration x its weight x the demand per unit of weight, summed over groups
        demand_r = p.customer_migration * aliv * (M.T @ frac)
        cap_r = p.rival_growth_cap * self.own_compute[:, None] * np.ones((1, B))
        absorbed_r = np.minimum(demand_r, cap_r) * alive
        take = np.divide(absorbed_r, demand_r, out=np.zeros_like(absorbed_r), where=demand_r > 0)
        absorbed_g = p.customer_migration * frac * (M @ (aliv * take))   # (G, B)
        # the new demand of each group in the failed members' mix of kinds
        new_k = np.zeros_like(freed_k)
        for j in range(len(self.kinds)):
            mix = np.divide(onehot @ lost_bk[j], dem_g, out=np.zeros_like(dem_g), where=dem_g > 0)
            new_k[j] = (absorbed_g * mix).sum(axis=0)
        rho_k = np.minimum(1.0, np.divide(new_k + unserved_k, freed_k, out=np.zeros_like(freed_k), where=freed_k > 0))
        freed_s = self.B_seller @ freed_leg                      # (n, B)
        bonus = np.minimum(1.0, np.divide(self.queue[:, None] * alive, freed_s, out=np.zeros_like(freed_s),
                                          where=freed_s > 0))
        kl = np.where(self.kind_of_leg >= 0, self.kind_of_leg, 0)
        rho = np.where(com, np.minimum(1.0, rho_k[kl] + bonus[self.seller]), 0.0)
        info = None
        if detail:
            # per group and rival, for the table (one scenario: no (G, n, B) arrays in a batch)
            demand_gr = p.customer_migration * self.member[:, :, None] * aliv[None] * frac[:, None, :]
            absorbed_gr = demand_gr * take[None]
            if fixed is not None:  # the same share everywhere; the pieces still say who redeploys what
                rho = np.where(com, float(fixed), 0.0) * np.ones((1, B))
                demand_gr, absorbed_gr = np.zeros_like(demand_gr), np.zeros_like(absorbed_gr)
                bonus = np.zeros_like(bonus)
            info = dict(freed_leg=freed_leg[:, 0], unserved_leg=unserved_leg[:, 0], rho=rho[:, 0],
                        rho_k=rho_k[:, 0], freed_k=freed_k[:, 0], new_k=new_k[:, 0], unserved_k=unserved_k[:, 0],
                        demand_gr=demand_gr[:, :, 0], absorbed_gr=absorbed_gr[:, :, 0], lost_b=lost_b[:, 0],
                        bonus=bonus[:, 0], D=D[:, 0], fixed=fixed)
        return rho, info

    def assumptions(self, p: StressParams, fixed: float | None, failed: np.ndarray | None = None) -> list[dict[str, Any]]:
        """The stated assumptions the reconfiguration used (the rival weights of the groups of
        the ``failed`` nodes, all groups when not given)."""
        out = [used("lag_quarters", p.lag_quarters, DEFAULTS["lag_quarters"].value),
               used("price_cut", p.price_cut, DEFAULTS["price_cut"].value)]
        if fixed is not None:
            out.append(dict(name="substitution", value=fixed, unit="fraction of the freed capacity",
                            basis="given", source="a fixed redeployed share for every supplier of a failed buyer "
                            "(0: no reconfiguration)"))
            return out
        out += [used("customer_migration", p.customer_migration, DEFAULTS["customer_migration"].value),
                used("rival_growth_cap", p.rival_growth_cap, DEFAULTS["rival_growth_cap"].value)]
        if (self.queue > 0).any():
            out.append(used("capacity_value_per_gw_year", p.capacity_value_per_gw_year,
                            DEFAULTS["capacity_value_per_gw_year"].value))
        groups = set(self.weight_basis) if failed is None else {self.groups[self.primary[i]] for i in failed}
        for g, how in self.weight_basis.items():
            if g in groups:
                out.append(dict(name=f"rival weights ({g})", value=how, unit="",
                                basis="fact" if how.endswith("labs without one take no customers)") else "derived",
                                source="how the failed company's customers are shared among its surviving rivals"))
        return out


def _groups(X: Exposures, types: np.ndarray, facts: dict, own: np.ndarray
            ) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, str]]:
    """Groups of rivals and each member's weight in them. AI labs (and any company with an AI-lab
    market share fact) form one group weighted by the share facts, else run rates, else own
    contracted compute (the first that covers two members); every other company type is a group
    weighted by own contracted compute."""
    n = len(types)
    nodes = X.nodes.tolist()
    type_list = sorted(set(types.tolist()) - {LAB_TYPE})
    groups = ["AI labs", *type_list]
    member = np.zeros((len(groups), n))
    primary = np.zeros(n, dtype=np.int64)
    basis: dict[str, str] = {}
    labs = [i for i in range(n) if types[i] == LAB_TYPE or (nodes[i], "lab_market_share") in facts]
    for fam, label in (("lab_market_share", "market-share facts"), ("revenue_run_rate", "revenue run-rate facts")):
        vals = {i: float(facts[(nodes[i], fam)]["value"]) for i in labs if (nodes[i], fam) in facts}
        if len([v for v in vals.values() if v > 0]) >= 2:
            for i, v in vals.items():
                member[0, i] = v
            basis["AI labs"] = f"{label} ({len(vals)} labs; labs without one take no customers)"
            break
    else:
        for i in labs:
            member[0, i] = own[i]
        basis["AI labs"] = "own contracted compute within H in the ledger (derived: fewer than two labs have a share or run-rate fact)"
    for g, t in enumerate(type_list, start=1):
        for i in range(n):
            if types[i] == t:
                member[g, i] = own[i]
                primary[i] = g
        basis.setdefault(t, "own contracted compute within H in the ledger (derived)")
    for i in range(n):
        if types[i] == LAB_TYPE:
            primary[i] = 0
    used_groups = {groups[g] for g in set(primary.tolist())}
    basis = {g: b for g, b in basis.items() if g in used_groups}
    return groups, member, primary, basis


def absorption_table(market: Market, info: dict[str, Any], p: StressParams) -> pd.DataFrame:
    """Who absorbs what in one scenario (USD bn within the horizon): rivals taking the failed
    companies' customers (``absorbs_demand``), suppliers redeploying the capacity the failed
    buyers leave (``redeploys_capacity``, with what it earns after the lag and the price cut),
    and suppliers serving the buyers of failed suppliers (``supplies_instead``)."""
    rows: list[dict[str, Any]] = []
    names = market.names
    D = info["D"]
    lost_b = info["lost_b"]
    for g in range(len(market.groups)):
        failed = [b for b in np.flatnonzero(D & (market.primary == g) & (lost_b > 0))]
        if not failed:
            continue
        total = lost_b[failed].sum()
        for r in np.flatnonzero(info["absorbed_gr"][g] > 1e-12):
            for b in failed:
                share = lost_b[b] / total
                rows.append(dict(role="absorbs_demand", company=names[r], from_company=names[b], kind="compute (all kinds)",
                                 demand=float(info["demand_gr"][g, r] * share),
                                 absorbed=float(info["absorbed_gr"][g, r] * share), earns=np.nan,
                                 note="capped by its own contracted compute" if info["absorbed_gr"][g, r] < info["demand_gr"][g, r] - 1e-9 else ""))
    lag, cut = market.lag_factor, (p.price_cut if info.get("fixed") is None else 0.0)
    freed = info["freed_leg"]
    for leg in np.flatnonzero(freed > 1e-12):
        kind = market.kinds[market.kind_of_leg[leg]]
        rho = info["rho"][leg]
        rows.append(dict(role="redeploys_capacity", company=names[market.seller[leg]], from_company=names[market.buyer[leg]],
                         kind=kind, demand=float(freed[leg]), absorbed=float(rho * freed[leg]),
                         earns=float(rho * lag * (1 - cut) * freed[leg]),
                         note=f"queue of its own contracted capacity first ({info['bonus'][market.seller[leg]]:.0%})"
                         if info["bonus"][market.seller[leg]] > 0 else ""))
    unserved = info["unserved_leg"]
    for leg in np.flatnonzero(unserved > 1e-12):
        j = market.kind_of_leg[leg]
        same = (market.kind_of_leg == j) & (freed > 1e-12)
        if same.any():
            w = freed[same] / freed[same].sum()
            for other, share in zip(np.flatnonzero(same), w):
                rows.append(dict(role="supplies_instead", company=names[market.seller[other]],
                                 from_company=names[market.seller[leg]], kind=market.kinds[j],
                                 demand=float(unserved[leg] * share), absorbed=float(unserved[leg] * share),
                                 earns=np.nan, note=f"for {names[market.buyer[leg]]}, from capacity freed by "
                                 f"{names[market.buyer[other]]}"))
        else:
            rows.append(dict(role="supplies_instead", company="(no freed capacity of this kind)",
                             from_company=names[market.seller[leg]], kind=market.kinds[j], demand=float(unserved[leg]),
                             absorbed=0.0, earns=np.nan, note=f"{names[market.buyer[leg]]} must buy new capacity"))
    cols = ["role", "company", "from_company", "kind", "demand", "absorbed", "earns", "note"]
    frame = pd.DataFrame(rows, columns=cols)
    if frame.empty:
        return frame
    frame = frame.groupby(["role", "company", "from_company", "kind", "note"], as_index=False, sort=False)[
        ["demand", "absorbed", "earns"]].sum(min_count=1)
    order = {"absorbs_demand": 0, "redeploys_capacity": 1, "supplies_instead": 2}
    frame = frame.assign(_o=frame["role"].map(order)).sort_values(["_o", "absorbed"], ascending=[True, False])
    return frame.drop(columns="_o")[cols].reset_index(drop=True)
