"""Exposures: who loses what when a company fails, and how much each can absorb
(docs/methods.md 6).

:func:`build_exposures` reads a ledger through a :class:`~loopledger.ledger.view.View`: it takes
the view's leg table (the same table the network is built from, :func:`loopledger.ledger.view.legs`),
turns each leg into obligations, stakes and backstops by the meaning of its kind
(:mod:`loopledger.stresstest.obligations`) and reads each company's buffer
(:mod:`loopledger.stresstest.buffers`):

* **commitments -> L** (6.1): what remains to be paid under every binding leg is an obligation
  ``debtor -> creditor``;
* **stakes -> W** (6.2): stake % x the company's latest market value (or the reported stake
  value); warrants only with ``include_warrants=True``;
* **backstops -> K** (6.6): a guarantee covers the commercial legs owed to its beneficiary in
  the same deal group, or, when there is none, any (buyer of last resort);
* **buffers E** (6.4): market value, book equity or cash from the dated company facts.

The result, :class:`Exposures`, keeps one row per leg (``legs``) with the assumption behind
each number, so that the stress scenarios and the Monte Carlo can redraw amounts leg by leg.
``Exposures.from_legs`` builds the same object from any obligation list (synthetic networks,
user edge lists).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import LedgerError, NotFoundError, Problem, ValidationError
from ..ledger.view import View, view_of
from ..paramsets import split_options
from ..results import Result, frame_html
from .buffers import buffers as read_buffers
from .buffers import latest_figures
from .obligations import LEG_COLUMNS, ReadOptions, add_months, backstop_cover, read_legs, stake_legs
from .params import STRESS_VIEW, StressParams

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger
    from ..network import FlowNetwork


@dataclass(frozen=True, eq=False)
class Exposures(Result):
    """Exposures and buffers of one ledger view (docs/methods.md 6.1-6.4).

    ``legs`` has one row per leg that can cost someone money, with ``channel``:

    * ``credit``: ``debtor`` owes ``creditor`` the ``remaining`` amount (USD bn on the chosen
      basis; ``remaining = max(0, amount - paid)`` or ``amount x remaining_factor``); the
      creditor (``holder``) loses ``loss_share x (1 - recovery) x remaining`` if the debtor
      (``counterparty``) fails;
    * ``equity``: ``holder`` owns a stake in ``counterparty`` worth ``amount``;
    * ``backstop``: ``holder`` guarantees up to ``amount`` of what the legs in ``covers`` owe
      ``counterparty``.

    ``schedule`` says how the amount was found (``paid``, ``straight_line``, ``no_schedule``,
    ``outstanding``, ``undrawn``, ``stake_pct``, ``stake_value``, ``cap``), ``derived`` and
    ``assumption`` what it rests on. For the economic loss model (:mod:`loopledger.stresstest.losses`)
    a leg also carries its schedule's dates (``term_start_date``, ``term_end_date``), its first
    date in the ledger, its contracted GW (``power_gw``) and, for a stake, its carrying value
    (``cost``, with ``cost_basis``: the investor's own figure, the equity paid in, or "no cost
    recorded"). ``buffers`` are USD bn (``inf`` = never fails) with
    ``buffer_basis`` and ``buffer_flag`` (``""``, ``"placeholder"`` or ``"missing"``);
    ``valuations`` are the market values used for stakes. ``excluded`` lists every leg left
    out and why.
    """

    nodes: np.ndarray
    legs: pd.DataFrame
    buffers: np.ndarray
    buffer_basis: np.ndarray
    buffer_flag: np.ndarray
    valuations: np.ndarray
    valuation_basis: np.ndarray
    excluded: pd.DataFrame
    names: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    #: USD bn of chips each company bought or committed to buy (compute purchases on the
    #: amount basis, derived): what a GPU price fall marks down
    gpu_assets: np.ndarray | None = None
    #: each node's company type (:data:`loopledger.vocabulary.COMPANY_TYPES`), "other" when unknown
    company_types: np.ndarray | None = None
    #: the company facts the economic loss model reads (:func:`economic_facts`): one row per
    #: company and metric family, the latest figure on or before the date
    facts: pd.DataFrame | None = None
    #: explicit pledges of contracts to loans (loan deal, contract deal, share), when the ledger
    #: records them; without them a loan to a borrower without a buffer figure is taken to be
    #: serviced from the borrower's contracts pro rata (docs/stress.md, "Secured lending")
    pledges: pd.DataFrame | None = None
    #: the claims of issue 17 (``Ledger.claims(view)``: ``assets``, ``pledges``, ``guarantees``,
    #: the frames of the claims schema, docs/stress.md "Collateral, loan-to-value and
    #: guarantees"); None when the ledger records no claims
    claims: dict[str, pd.DataFrame] | None = None

    caption = "Exposures and buffers"

    # lookup --------------------------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.nodes)

    def index_of(self, label: str) -> int:
        """Index of a node by id, name or (case-insensitive) either."""
        idx = {str(k): i for i, k in enumerate(self.nodes.tolist())}
        if label in idx:
            return idx[label]
        key = str(label).strip().lower()
        for i, node in enumerate(self.nodes.tolist()):
            if key == str(node).lower() or key == self.names.get(node, "").lower():
                return i
        raise NotFoundError(f"'{label}' is not a company of this exposure view")

    def label(self, i: int | np.integer) -> str:
        node = self.nodes[i]
        return self.names.get(node, str(node))

    # matrices ------------------------------------------------------------------------------

    def _matrix(self, legs: pd.DataFrame, rows: str, cols: str, values: np.ndarray) -> sp.csr_matrix:
        index = {k: i for i, k in enumerate(self.nodes.tolist())}
        ok = ~np.isnan(values)
        r = legs[rows].map(index).to_numpy()[ok]
        c = legs[cols].map(index).to_numpy()[ok]
        mat = sp.coo_matrix((values[ok], (r, c)), shape=(self.n, self.n)).tocsr()
        mat.sum_duplicates()
        mat.eliminate_zeros()
        return mat

    def liabilities(self) -> sp.csr_matrix:
        """L[i, j]: what i still owes j under binding legs (USD bn, docs/methods.md 6.1)."""
        credit = self.legs[self.legs["channel"] == "credit"]
        return self._matrix(credit, "debtor", "creditor", credit["remaining"].to_numpy(float))

    def due_within_horizon(self) -> sp.csr_matrix:
        """Part of L falling due within the horizon (``remaining(t) - remaining(t + H)``)."""
        credit = self.legs[self.legs["channel"] == "credit"]
        return self._matrix(credit, "debtor", "creditor",
                            credit["remaining"].to_numpy(float) * credit["due_factor"].to_numpy(float))

    def stake_values(self) -> sp.csr_matrix:
        """S[i, j]: value of i's stake in j (USD bn): W[i, j] x V_j or the reported value."""
        eq = self.legs[self.legs["channel"] == "equity"]
        return self._matrix(eq, "holder", "counterparty", eq["amount"].to_numpy(float))

    def backstops(self) -> sp.csr_matrix:
        """K[g, b]: cap of what guarantor g may have to pay beneficiary b."""
        bk = self.legs[self.legs["channel"] == "backstop"]
        return self._matrix(bk, "holder", "counterparty", bk["amount"].to_numpy(float))

    def loss_matrix(self, recovery: float = 0.0) -> sp.csr_matrix:
        """A[i, j] = loss_share x (1 - recovery) x L[j, i] + stake value of i in j
        (docs/methods.md 6.3): what i loses if j fails completely. Backstops are not in A; the
        stress scenarios apply them for the companies that fail."""
        credit = self.legs[self.legs["channel"] == "credit"]
        vals = credit["remaining"].to_numpy(float) * credit["loss_share"].to_numpy(float) * (1.0 - recovery)
        return self._matrix(credit, "creditor", "debtor", vals) + self.stake_values()

    # presentation --------------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """One row per company: buffer (with basis and flag), valuation, what it is owed,
        what it owes and the value of its stakes (USD bn)."""
        L = self.liabilities()
        S = self.stake_values()
        return pd.DataFrame({
            "company": self.nodes,
            "name": [self.label(i) for i in range(self.n)],
            "buffer": self.buffers,
            "buffer_basis": self.buffer_basis,
            "buffer_flag": self.buffer_flag,
            "valuation": self.valuations,
            "owed_to_it": np.asarray(L.sum(axis=0)).ravel(),
            "owes": np.asarray(L.sum(axis=1)).ravel(),
            "stakes_held": np.asarray(S.sum(axis=1)).ravel(),
            "gpu_assets": self.gpu_assets if self.gpu_assets is not None else np.zeros(self.n),
        })

    def _repr_html_(self) -> str:
        return frame_html(self.to_frame(), self.caption) + frame_html(
            self.legs.drop(columns=["covers"]), "Legs", max_rows=30)

    # construction from plain obligations ---------------------------------------------------

    @classmethod
    def from_legs(cls, legs: pd.DataFrame, buffers: Mapping[str, float] | pd.Series | np.ndarray,
                  nodes: Iterable[str] | None = None, names: Mapping[str, str] | None = None,
                  loss_share: float = 1.0) -> Exposures:
        """Exposures from a plain list of obligations: columns ``debtor``, ``creditor`` and
        ``amount`` or ``low``/``high`` (USD bn), optionally ``deal``, ``group``, ``status``,
        ``kind``. Each row is a credit leg with no schedule (the whole amount is owed).
        ``buffers`` maps every node to its buffer (``inf`` allowed)."""
        frame = legs.reset_index(drop=True)
        missing = [c for c in ("debtor", "creditor") if c not in frame]
        if missing or not ({"amount"} <= set(frame) or {"low", "high"} <= set(frame)):
            raise ValidationError([Problem("<legs>", 1, c, "required column is missing")
                                   for c in (missing or ["amount (or low and high)"])])
        lo = pd.to_numeric(frame["low"] if "low" in frame else frame["amount"], errors="coerce").to_numpy(float)
        hi = pd.to_numeric(frame["high"] if "high" in frame else frame["amount"], errors="coerce").to_numpy(float)
        amount = pd.to_numeric(frame["amount"], errors="coerce").to_numpy(float) if "amount" in frame else hi
        if nodes is None:
            nodes = sorted(set(frame["debtor"].astype(str)) | set(frame["creditor"].astype(str)))
        node_arr = np.asarray(list(nodes), dtype=object)
        k = len(frame)
        out = pd.DataFrame({
            "deal": frame["deal"] if "deal" in frame else [f"leg-{i}" for i in range(k)],
            "group": frame["group"] if "group" in frame else (frame["deal"] if "deal" in frame else [f"leg-{i}" for i in range(k)]),
            "kind": frame["kind"] if "kind" in frame else "obligation",
            "status": frame["status"] if "status" in frame else "definitive",
            "channel": "credit",
            "holder": frame["creditor"].astype(str), "counterparty": frame["debtor"].astype(str),
            "debtor": frame["debtor"].astype(str), "creditor": frame["creditor"].astype(str),
            "low": lo, "high": hi, "amount": amount, "paid": np.nan, "remaining_factor": 1.0,
            "remaining": amount, "due_factor": 1.0, "loss_share": float(loss_share),
            "schedule": "no_schedule", "derived": False, "assumption": "given obligation",
            "covers": [()] * k, "term_start_date": None, "term_end_date": None, "first_date": None,
            "power_gw": np.nan, "cost": np.nan, "cost_basis": "",
        })[LEG_COLUMNS]
        if isinstance(buffers, Mapping):
            try:
                E = np.array([float(buffers[x]) for x in node_arr.tolist()])
            except KeyError as e:
                raise ValidationError([Problem("buffers", None, str(e.args[0]), "no buffer for this node")]) from None
        else:
            E = np.asarray(buffers, dtype=float)
        if len(E) != len(node_arr):
            raise ValidationError([Problem("buffers", None, "", f"expected {len(node_arr)} buffers, got {len(E)}")])
        bad = np.flatnonzero(~(E > 0))
        if len(bad):
            raise ValidationError([Problem("buffers", None, str(node_arr[i]), f"buffer {E[i]:g} is not positive") for i in bad[:20]])
        n = len(node_arr)
        return cls(nodes=node_arr, legs=out, buffers=E, buffer_basis=np.full(n, "given", dtype=object),
                   buffer_flag=np.where(np.isinf(E), "placeholder", "").astype(object),
                   valuations=np.full(n, np.nan), valuation_basis=np.full(n, "", dtype=object),
                   excluded=pd.DataFrame(columns=["deal", "kind", "status", "reason"]),
                   names=dict(names or {}), params=dict(source="legs", loss_share=float(loss_share)))

    @classmethod
    def from_network(cls, net: FlowNetwork, buffers) -> Exposures:
        """Exposures from any :class:`~loopledger.network.FlowNetwork`: each cash leg
        ``source -> target`` with a known amount is read as an obligation, source owes target
        (the payer owes the payee). Legs without an amount are listed in ``excluded``."""
        e = net.edges
        cash = e["in_flow"].astype(bool) & e["amount"].notna()
        legs = pd.DataFrame({
            "debtor": e.loc[cash, "source"].astype(str), "creditor": e.loc[cash, "target"].astype(str),
            "amount": e.loc[cash, "amount"].astype(float),
        })
        for col in ("deal", "group", "kind", "status"):
            if col in e:
                legs[col] = e.loc[cash, col].to_numpy()
        if isinstance(buffers, (np.ndarray, list, tuple)):
            buffers = dict(zip([str(x) for x in net.nodes.tolist()], np.asarray(buffers, dtype=float)))
        elif isinstance(buffers, pd.Series):
            buffers = buffers.to_dict()
        out = cls.from_legs(legs, buffers, nodes=[str(x) for x in net.nodes.tolist()], names=net.names)
        skipped = e[~cash]
        excluded = pd.DataFrame({
            "deal": skipped["deal"] if "deal" in skipped else skipped.index.astype(str),
            "kind": skipped["kind"] if "kind" in skipped else None,
            "status": skipped["status"] if "status" in skipped else None,
            "reason": np.where(skipped["in_flow"].astype(bool), "no amount", "moves no cash"),
        })
        return cls(**{**out.__dict__, "excluded": excluded.reset_index(drop=True),
                      "params": dict(source="network", network=dict(net.params))})


# ------------------------------------------------------------------------------------------------
# From the ledger


def build_exposures(ledger: Ledger, view: View | None = None, params: StressParams | None = None,
                    **options: Any) -> Exposures:
    """Exposures, stakes, backstops and buffers of a ledger view (docs/methods.md 6.1-6.4).

    ``view`` (or the loose ``as_of``, ``statuses``, ``amount``): the date (valuations and
    buffers are the latest figures on or before it), the statuses that bind (default
    definitive, funded_partial, funded) and the amount basis (a leg with no amount on it is
    left out of the dollars and listed in ``excluded``). ``params`` (or the loose options):
    the exposure options of :class:`~loopledger.stresstest.params.StressParams`
    (``buffer``, ``missing_buffer``, ``include_warrants``, ``warrant_vested``, ``loss_share``,
    ``termination_haircut``, ``paid``, ``horizon_months``).
    """
    (parts,), view_opts, unknown = split_options(options, StressParams, view_names=STRESS_VIEW)
    if unknown:
        raise LedgerError(f"unknown option(s) {', '.join(sorted(unknown))}")
    view = view_of(view, **view_opts)
    p = StressParams.of(params, **parts)
    statuses = tuple(view.statuses) if view.statuses is not None else None
    table = ledger.legs(view=view.with_(statuses=None))
    unknown = sorted(set(p.paid) - set(table["deal"]))
    if unknown:
        raise NotFoundError(f"paid= names deals not in view as of {view.as_of}: {', '.join(unknown)}")
    gw = {d.id: d.power_gw for d in ledger.records("deals")}
    table = table.assign(power_gw=table["deal"].map(gw).astype(float))
    paid = recorded_paid(table)
    paid.update(p.paid)
    read = ReadOptions(as_of=view.as_of, horizon_end=add_months(view.as_of, p.horizon_months),
                          statuses=statuses if statuses is not None else tuple(table["status"].unique()),
                          loss_share=p.loss_share, termination_haircut=dict(p.termination_haircut),
                          paid=paid, include_warrants=p.include_warrants)
    legs, stake_rows, excluded = read_legs(table, read)
    valuations = latest_figures(ledger, "market_value", view.as_of)
    legs.extend(stake_legs(stake_rows, valuations, p.warrant_vested, excluded))
    add_stake_costs(legs, table[table["status"].isin(read.statuses)], paid,
                    stake_book_values(ledger, view.as_of))
    frame = pd.DataFrame(legs, columns=LEG_COLUMNS)
    frame = frame[(frame["channel"] != "credit") | (frame["remaining"] > 0) | frame["remaining"].isna()]
    frame = frame.reset_index(drop=True)
    frame["covers"] = backstop_cover(frame)

    companies = ledger.companies()
    names = dict(zip(companies["id"], companies["name"]))
    node_ids = sorted(set(frame["holder"]) | set(frame["counterparty"]))
    E, basis, flag = read_buffers(ledger, companies, node_ids, p.buffer, p.missing_buffer, view.as_of,
                                  fallback=p.buffer_fallback)
    nodes = np.asarray(node_ids, dtype=object)
    dropped: list[str] = []
    if p.missing_buffer == "exclude":
        drop = {n for n, f in zip(node_ids, flag) if f == "dropped"}
        dropped = sorted(drop)
        gone = frame["holder"].isin(drop) | frame["counterparty"].isin(drop)
        for leg in frame[gone].to_dict(orient="records"):
            excluded.append(dict(deal=leg["deal"], kind=leg["kind"], status=leg["status"],
                                 reason="a party has no buffer (missing_buffer='exclude')"))
        frame = frame[~gone].reset_index(drop=True)
        frame["covers"] = backstop_cover(frame)
        keep = np.array([f != "dropped" for f in flag])
        nodes, E, basis, flag = nodes[keep], E[keep], basis[keep], flag[keep]
    counted = table[table["counted"] & table["status"].isin(read.statuses)]
    bought = counted[counted["kind"] == "compute_purchase"]
    gpu = bought.groupby("source")["amount"].sum(min_count=1).dropna().to_dict()
    V = np.array([valuations.get(x, (np.nan, ""))[0] for x in nodes.tolist()], dtype=float)
    Vb = np.array([valuations.get(x, (np.nan, ""))[1] for x in nodes.tolist()], dtype=object)
    exposure_params = dict(view.to_dict(), statuses=list(read.statuses), **p.exposure_options(),
                           dropped_without_buffer=[names.get(c, c) for c in dropped])
    types = dict(zip(companies["id"], companies["type"]))
    claims = ledger_claims(ledger, view)
    exposure_params["claims"] = claims_note(claims)
    return Exposures(nodes=nodes, legs=frame, buffers=E, buffer_basis=basis, buffer_flag=flag,
                     valuations=V, valuation_basis=Vb,
                     excluded=pd.DataFrame(excluded, columns=["deal", "kind", "status", "reason"]),
                     names={k: names.get(k, k) for k in nodes.tolist()}, params=exposure_params,
                     gpu_assets=np.array([float(gpu.get(x, 0.0)) for x in nodes.tolist()]),
                     company_types=np.array([types.get(x) or "other" for x in nodes.tolist()], dtype=object),
                     facts=economic_facts(ledger, view.as_of, set(nodes.tolist())),
                     pledges=ledger_pledges(ledger, frame, claims), claims=claims)


# -- what the economic loss model reads besides the legs ------------------------------------------


def recorded_paid(table: pd.DataFrame) -> dict[str, float]:
    """Paid to date per deal where the leg table records it (its ``paid`` column: the recorded
    disbursements up to the view date, USD bn), for :class:`ReadOptions`; ``paid=`` given by the
    user takes precedence."""
    if "paid" not in table:
        return {}
    col = pd.to_numeric(table["paid"], errors="coerce")
    return {d: float(x) for d, x in zip(table["deal"], col) if np.isfinite(x)}


def stake_book_values(ledger: Ledger, as_of) -> dict[tuple[str, str], tuple[float, str]]:
    """(holder, investee) -> (USD bn, "metric as_of") of the investor's own latest figure for its
    stake (:data:`loopledger.vocabulary.STAKE_BOOK_METRICS`, first listed first), on or before
    the date."""
    from ..vocabulary import STAKE_BOOK_METRICS

    facts = ledger.facts(as_of=as_of)
    facts = facts[facts["unit"].astype(str).str.replace(" ", "").str.upper() == "USDBN"]
    ids = {c.replace("-", "_"): c for c in ledger.company_names()}
    out: dict[tuple[str, str], tuple[int, Any, float, str]] = {}
    for f in facts.itertuples():
        for rank, template in enumerate(STAKE_BOOK_METRICS):
            suffix = template.split("}", 1)[1]
            if f.metric.endswith(suffix) and f.metric[: -len(suffix)] in ids:
                key = (f.company, ids[f.metric[: -len(suffix)]])
                cand = (rank, f.date, float(f.value), f"{f.metric} {f.as_of}")
                best = out.get(key)
                if best is None or (cand[0], -cand[1].toordinal()) < (best[0], -best[1].toordinal()):
                    out[key] = cand
    return {k: (v[2], v[3]) for k, v in out.items()}


def add_stake_costs(legs: list[dict], table: pd.DataFrame, paid: Mapping[str, float],
                    book: Mapping[tuple[str, str], tuple[float, str]]) -> None:
    """Set ``cost`` and ``cost_basis`` of every equity (stake) leg, in place: the investor's own
    carrying amount or cumulative investment where a fact gives it, else the equity paid in
    (funded equity legs of the holder in the company on the view's basis, the paid part of
    partly funded ones, or a funded stake summary's cumulative amount, whichever is larger);
    NaN when nothing is known (the mark is then used, flagged)."""
    eq = table[table["kind"] == "equity_investment"]
    paid_in: dict[tuple[str, str], float] = {}
    summary: dict[tuple[str, str], float] = {}
    for d in eq.itertuples():
        key = (d.source, d.target)
        amount = d.amount if np.isfinite(d.amount) else np.nan
        if not d.counted:
            if d.status == "funded" and d.overlap == "stake_summary" and np.isfinite(amount):
                summary[key] = max(summary.get(key, 0.0), float(amount))
            continue
        if d.status == "funded" and np.isfinite(amount):
            paid_in[key] = paid_in.get(key, 0.0) + float(amount)
        elif d.status == "funded_partial" and d.deal in paid:
            paid_in[key] = paid_in.get(key, 0.0) + min(float(paid[d.deal]), float(amount) if np.isfinite(amount) else np.inf)
    for leg in legs:
        if leg["channel"] != "equity":
            continue
        key = (leg["holder"], leg["counterparty"])
        if key in book:
            leg["cost"], leg["cost_basis"] = book[key][0], f"book: {book[key][1]}"
            continue
        legs_in, summ = paid_in.get(key), summary.get(key)
        if legs_in is None and summ is None:
            leg["cost"], leg["cost_basis"] = np.nan, "no cost recorded"
        elif summ is not None and (legs_in is None or summ >= legs_in):
            leg["cost"], leg["cost_basis"] = summ, "cost: funded stake summary (cumulative)"
        else:
            leg["cost"], leg["cost_basis"] = legs_in, "cost: funded equity legs"


def economic_facts(ledger: Ledger, as_of, companies: set[str]) -> pd.DataFrame:
    """The latest company facts the economic loss model reads, on or before ``as_of``: one row
    per company and family (margins and market shares as fractions, run rates and backlog in
    USD bn, power in GW), with the metric, date, fact id and first source URL."""
    from ..vocabulary import MARGIN_FAMILIES, METRIC_FAMILIES

    families = sorted({f for fams in MARGIN_FAMILIES.values() for f in fams}
                      | {"lab_market_share", "revenue_run_rate", "contracted_power", "active_power", "backlog"})
    units = {"%": "fraction", "USD bn": "USD bn", "GW": "GW"}
    names = {m: fam for fam in families for m in METRIC_FAMILIES[fam]}
    facts = ledger.facts(metric=list(names), as_of=as_of)
    facts = facts[facts["company"].isin(companies) & facts["unit"].isin(list(units))]
    rows = []
    for (company, fam), group in facts.assign(family=facts["metric"].map(names)).groupby(["company", "family"]):
        rank = {m: i for i, m in enumerate(METRIC_FAMILIES[fam])}
        g = group.assign(_r=group["metric"].map(rank)).sort_values(["date", "_r", "id"], ascending=[True, False, True])
        f = g.iloc[-1]
        value = float(f["value"]) / (100.0 if f["unit"] == "%" else 1.0)
        rows.append(dict(company=company, family=fam, metric=f["metric"], value=value, unit=units[f["unit"]],
                         as_of=f["as_of"], fact=f["id"],
                         source=f["sources"][0]["url"] if f["sources"] else None))
    return pd.DataFrame(rows, columns=["company", "family", "metric", "value", "unit", "as_of", "fact", "source"])


def ledger_claims(ledger: Ledger, view) -> dict[str, pd.DataFrame] | None:
    """The claims live at the view's date (``Ledger.claims(view)``: assets, pledges and
    guarantees, the frames of the claims schema), or None when the ledger records none (a
    ledger without the claims tables: the stress components ``secured_recovery`` and
    ``guarantee_paid`` are then 0, stated as "no claims recorded")."""
    reader = getattr(ledger, "claims", None)
    if reader is None:
        return None
    result = reader(view)
    found = {name: getattr(result, name, None) for name in ("assets", "pledges", "guarantees")}
    frames = {k: (v if isinstance(v, pd.DataFrame) else pd.DataFrame()) for k, v in found.items()}
    if not any(len(v) for v in frames.values()):
        return None
    return frames


def claims_note(claims: dict[str, pd.DataFrame] | None) -> str:
    """What the claims of a view amount to, in words, for every stress output."""
    if claims is None:
        return "no claims recorded"
    return (f"{len(claims['pledges'])} pledges, {len(claims['assets'])} assets, "
            f"{len(claims['guarantees'])} guarantees recorded")


def ledger_pledges(ledger: Ledger, legs: pd.DataFrame,
                   claims: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame | None:
    """Explicit pledges of contracts to loans (loan deal, pledged contract deal, share): the
    claims' pledges whose collateral is a contract (``collateral_deal``), or a ledger's own
    ``pledges()`` table; None when there are none."""
    reader = getattr(ledger, "pledges", None)
    if claims is not None and len(claims["pledges"]) and "collateral_deal" in claims["pledges"]:
        pl = claims["pledges"]
        pl = pl[pl["collateral_deal"].notna() & (pl["collateral_deal"].astype(str) != "")]
        share = pd.to_numeric(pl["share"], errors="coerce").fillna(1.0) if "share" in pl else 1.0
        frame = pd.DataFrame({"loan": pl["loan"].to_numpy(), "contract": pl["collateral_deal"].to_numpy(),
                              "share": np.asarray(share, dtype=float) * np.ones(len(pl))})
    elif reader is None:
        return None
    else:
        frame = reader()
    if frame is None or len(frame) == 0:
        return None
    return frame[frame["loan"].isin(legs["deal"]) & frame["contract"].isin(legs["deal"])].reset_index(drop=True)
