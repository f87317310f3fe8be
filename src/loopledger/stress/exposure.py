"""From deals to exposures: who loses what when a company fails, and how much each can absorb.

:func:`build_exposures` reads a ledger as of a date and applies METHODS.md section 6:

* **commitments -> L** (6.1): every binding leg still to be paid becomes an obligation
  ``debtor -> creditor`` in the orientation of METHODS.md 0.2 (a buyer owes its supplier, an
  investor its unfunded commitment, a borrower its drawn principal, a lender its undrawn
  facility). What remains at the as-of date is ``total - paid`` when a paid figure is given
  (``paid={deal: usd_bn}``), else straight-line over the contract term (``derived``), else the
  full amount, flagged ``no_schedule``;
* **stakes -> W** (6.2): stake % x the company's latest valuation on or before the date (or
  the reported stake value); warrants only with ``include_warrants=True``;
* **backstops -> K** (6.6): a guarantee covers the commercial legs owed to its beneficiary in
  the same deal group, or, when there is none, any (buyer of last resort);
* **buffers E** (6.4): market value (latest market cap or private valuation), book equity or
  cash, from the dated company facts. Placeholders (unnamed capital markets, bank lenders) and
  governments have infinite buffers; a company without a figure gets ``missing_buffer``
  (default ``"infinite"``: it absorbs and reports losses, never fails) and is flagged.

The result, :class:`Exposures`, keeps one row per leg (``legs``) with the assumption behind
each number, so that the stress scenarios and the Monte Carlo can redraw amounts leg by leg.
``Exposures.from_legs`` builds the same object from any obligation list (synthetic networks,
user edge lists).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import LedgerError, NotFoundError, Problem, ValidationError
from ..ledger.data import BUFFER_FAMILIES
from ..ledger.dates import end_of, parse_as_of, start_of
from ..ledger.model import BINDING_STATUSES
from ..results import Result, frame_html

if TYPE_CHECKING:  # pragma: no cover
    from ..ledger import Ledger
    from ..network import FlowNetwork

#: company-fact metrics read as a market value, in order of preference on the same date (the
#: "value" family of the dataset, docs/data.md)
VALUATION_METRICS = BUFFER_FAMILIES["value"]
BUFFER_METRICS = {"market_value": VALUATION_METRICS, "book_equity": ("book_equity",), "cash": BUFFER_FAMILIES["cash"]}
#: contracts for goods and services: the buyer owes the seller what is left to pay
COMMERCIAL_KINDS = ("compute_purchase", "cloud_contract", "lease", "licensing")
MISSING_BUFFER_OPTIONS = ("infinite", "error", "exclude")
AMOUNT_BASES = ("low", "high", "mid")

LEG_COLUMNS = [
    "deal", "group", "kind", "status", "channel", "holder", "counterparty", "debtor", "creditor",
    "low", "high", "amount", "paid", "remaining_factor", "remaining", "due_factor", "loss_share",
    "schedule", "derived", "assumption", "covers",
]


@dataclass(frozen=True, eq=False)
class Exposures(Result):
    """Exposures and buffers of one ledger view (METHODS.md 6.1-6.4).

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
    ``assumption`` what it rests on. ``buffers`` are USD bn (``inf`` = never fails) with
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

    def label(self, i: int) -> str:
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
        """L[i, j]: what i still owes j under binding legs (USD bn, METHODS.md 6.1)."""
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
        (METHODS.md 6.3): what i loses if j fails completely. Backstops are not in A; the
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
                  loss_share: float = 1.0) -> "Exposures":
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
            "covers": [()] * k,
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
    def from_network(cls, net: "FlowNetwork", buffers) -> "Exposures":
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


def build_exposures(
    ledger: "Ledger",
    as_of: str | date | None = None,
    statuses: Iterable[str] = BINDING_STATUSES,
    amount: str = "high",
    buffer: str = "market_value",
    missing_buffer: str | float = "infinite",
    include_warrants: bool = False,
    warrant_vested: float = 1.0,
    loss_share: float | Mapping[str, float] = 1.0,
    termination_haircut: Mapping[str, float] | None = None,
    paid: Mapping[str, float] | None = None,
    horizon_months: int = 24,
) -> Exposures:
    """Exposures, stakes, backstops and buffers of a ledger as of a date (METHODS.md 6.1-6.4).

    Parameters
    ----------
    ledger : Ledger
    as_of : date or "YYYY-MM-DD", optional
        View date (default today): legs announced by then, each with its status then;
        valuations and buffers are the latest figures on or before it.
    statuses : statuses that bind (default definitive, funded_partial, funded; METHODS 6.8).
        Letters of intent, rumours and cancelled deals are left out unless named.
    amount : "low", "high" (default) or "mid"
        Amount basis of each leg's range; a leg with no amount on that basis is left out of
        the dollar figures and listed in ``excluded``.
    buffer : "market_value" (default), "book_equity" or "cash"
        Company-fact metric(s) read as the loss-absorbing buffer: market value is the latest
        of market_cap / valuation_post_money / valuation / valuation_deal /
        valuation_secondary.
    missing_buffer : "infinite" (default), "error", "exclude" or a number
        What a company without that figure gets. ``"infinite"`` (the METHODS 6.4 option the
        demo uses): it absorbs and reports losses but never fails; ``"error"``: a LedgerError
        naming the companies; ``"exclude"``: drop them and their legs; a number: that buffer
        (USD bn). Such companies are flagged ``missing`` in every output.
    include_warrants : bool
        Count warrants and equity grants as stakes: recipient holds stake % x issuer's
        valuation x ``warrant_vested`` (derived). Default False.
    loss_share : float or {kind: float}
        lambda_kind of METHODS 6.3, the part of a lost contract that is a real loss to the
        creditor; default 1.0, the gross upper bound. Loans and deposits always use 1.
    termination_haircut : {kind: float}, optional
        Share of the remaining value of a kind that the buyer could walk away from (e.g.
        contracts with 90-day termination rights); default 0.
    paid : {deal id: USD bn}, optional
        Amounts already paid (or drawn, for loans) where the ledger records none.
    horizon_months : int
        H of METHODS 6.1 (default 24): clearing uses what falls due within H.

    Returns
    -------
    Exposures
    """
    if amount not in AMOUNT_BASES:
        raise LedgerError(f"unknown amount basis '{amount}': expected low, high or mid")
    if buffer not in BUFFER_METRICS:
        raise LedgerError(f"unknown buffer '{buffer}': expected {', '.join(BUFFER_METRICS)}")
    if isinstance(missing_buffer, str) and missing_buffer not in MISSING_BUFFER_OPTIONS:
        raise LedgerError(f"unknown missing_buffer '{missing_buffer}': expected {', '.join(MISSING_BUFFER_OPTIONS)} or a number")
    tau = parse_as_of(as_of)
    statuses = [statuses] if isinstance(statuses, str) else list(statuses)
    paid = dict(paid or {})
    haircut = dict(termination_haircut or {})
    horizon_end = _add_months(tau, horizon_months)

    deals = ledger.deals(as_of=tau)
    companies = ledger.companies()
    names = dict(zip(companies["id"], companies["name"]))
    unknown = sorted(set(paid) - set(deals["id"]))
    if unknown:
        raise NotFoundError(f"paid= names deals not in view as of {tau}: {', '.join(unknown)}")

    valuations = _latest_metric(ledger, VALUATION_METRICS, tau)
    legs: list[dict] = []
    excluded: list[dict] = []
    stake_rows: list[tuple] = []

    def skip(d, reason):
        excluded.append(dict(deal=d["id"], kind=d["kind"], status=d["status"], reason=reason))

    for d in deals.to_dict(orient="records"):
        kind, status = d["kind"], d["status"]
        is_stake = kind == "equity_investment" and (_num(d["stake_pct"]) is not None or _num(d["stake_value"]) is not None)
        if status not in statuses:
            skip(d, f"status {status} is not counted (statuses={','.join(statuses)})")
            continue
        if is_stake:
            stake_rows.append((d["payer"], d["payee"], d["first_date"], d["id"], d))
        if kind == "warrant_or_equity_grant":
            if include_warrants and _num(d["stake_pct"]) is not None:
                stake_rows.append((d["payee"], d["payer"], d["first_date"], d["id"], d))
            else:
                skip(d, "warrant: counted only with include_warrants=True" if not include_warrants
                     else "warrant without a stake %")
            continue
        if not bool(d["include_in_totals"]):
            if not is_stake:
                skip(d, f"overlap ({_text(d['overlap']) or 'not in totals'}): would count money twice")
            continue
        base = dict(deal=d["id"], group=d["group"], kind=kind, status=status)
        lo, hi = _num(d["amount_low"]), _num(d["amount_high"])
        amt = _basis(lo, hi, amount)
        lam = 1.0 if kind in ("loan_debt_spv", "other") else _loss_share(loss_share, kind)

        if kind == "capacity_backstop":
            if amt is None:
                skip(d, f"backstop without a cap on the {amount} basis")
                continue
            legs.append(dict(base, channel="backstop", holder=d["payer"], counterparty=d["payee"],
                             debtor=None, creditor=None, low=lo, high=hi, amount=amt, paid=np.nan,
                             remaining_factor=np.nan, remaining=np.nan, due_factor=np.nan, loss_share=1.0,
                             schedule="cap", derived=False, assumption="contingent cap", covers=()))
            continue
        if kind == "revenue_share":
            skip(d, "revenue share: no binding schedule")
            continue
        if kind == "other" and "deposit" not in f"{_text(d['amount_note']) or ''} {_text(d['notes']) or ''}".lower():
            skip(d, "other: only binding deposits count")
            continue
        if kind == "acquisition" and "all-stock" in (_text(d["amount_note"]) or "").lower():
            skip(d, "all-stock acquisition: no cash owed")
            continue
        if status == "funded" and kind not in ("loan_debt_spv", "other"):
            if not is_stake:
                skip(d, "funded: nothing left to pay")
            continue
        if amt is None:
            skip(d, f"no amount on the {amount} basis")
            continue

        if kind == "loan_debt_spv":
            leg = _loan_leg(d, status, amt, paid, tau, horizon_end)
            if leg is None:
                skip(d, "loan repaid: term ended before the as-of date")
                continue
            for part in leg:
                legs.append(dict(base, low=lo, high=hi, loss_share=1.0, covers=(), **part))
            continue
        if kind == "other":  # a deposit: the receiver owes the goods or the money back
            debtor, creditor = d["payee"], d["payer"]
            schedule, rf, due, derived, note = "no_schedule", 1.0, 1.0, False, "deposit owed back until delivery"
        else:  # buyer / investor / acquirer owes the seller / investee / target
            debtor, creditor = d["payer"], d["payee"]
            schedule, rf, due, derived, note = _schedule(d, tau, horizon_end)
        cut = float(haircut.get(kind, 0.0))
        p = paid.get(d["id"])
        if p is not None:
            schedule, derived, note, rf = "paid", False, f"total - paid ({p:g} USD bn given)", 1.0
        rf *= 1.0 - cut
        if cut:
            note += f"; termination haircut {cut:g}"
        remaining = (max(0.0, amt - p) * (1.0 - cut)) if p is not None else amt * rf
        legs.append(dict(base, channel="credit", holder=creditor, counterparty=debtor, debtor=debtor,
                         creditor=creditor, low=lo, high=hi, amount=amt, paid=np.nan if p is None else p,
                         remaining_factor=rf, remaining=remaining, due_factor=due, loss_share=lam,
                         schedule=schedule, derived=derived, assumption=note, covers=()))

    legs.extend(_stake_legs(stake_rows, valuations, warrant_vested, excluded))
    frame = pd.DataFrame(legs, columns=LEG_COLUMNS)
    frame = frame[(frame["channel"] != "credit") | (frame["remaining"] > 0) | frame["remaining"].isna()]
    frame = frame.reset_index(drop=True)
    frame["covers"] = _backstop_cover(frame)

    node_ids = sorted(set(frame["holder"]) | set(frame["counterparty"]))
    E, basis, flag = _buffers(ledger, companies, node_ids, buffer, missing_buffer, tau)
    nodes = np.asarray(node_ids, dtype=object)
    if missing_buffer == "exclude":
        drop = {n for n, f in zip(node_ids, flag) if f == "dropped"}
        for leg in frame[frame["holder"].isin(drop) | frame["counterparty"].isin(drop)].to_dict(orient="records"):
            excluded.append(dict(deal=leg["deal"], kind=leg["kind"], status=leg["status"],
                                 reason="a party has no buffer (missing_buffer='exclude')"))
        frame = frame[~(frame["holder"].isin(drop) | frame["counterparty"].isin(drop))].reset_index(drop=True)
        frame["covers"] = _backstop_cover(frame)
        keep = np.array([f != "dropped" for f in flag])
        nodes, E, basis, flag = nodes[keep], E[keep], basis[keep], flag[keep]
    bought = deals[(deals["kind"] == "compute_purchase") & deals["status"].isin(statuses)
                   & deals["include_in_totals"].astype(bool)]
    gpu: dict[str, float] = {}
    for buyer, lo, hi in zip(bought["payer"], bought["amount_low"], bought["amount_high"]):
        a = _basis(_num(lo), _num(hi), amount)
        if a is not None:
            gpu[buyer] = gpu.get(buyer, 0.0) + a
    V = np.array([valuations.get(x, (np.nan, ""))[0] for x in nodes.tolist()], dtype=float)
    Vb = np.array([valuations.get(x, (np.nan, ""))[1] for x in nodes.tolist()], dtype=object)
    params = dict(as_of=tau.isoformat(), statuses=statuses, amount=amount, buffer=buffer,
                  missing_buffer=missing_buffer, include_warrants=include_warrants,
                  warrant_vested=warrant_vested,
                  loss_share=loss_share if not isinstance(loss_share, Mapping) else dict(loss_share),
                  termination_haircut=haircut, paid=paid, horizon_months=horizon_months)
    return Exposures(nodes=nodes, legs=frame, buffers=E, buffer_basis=basis, buffer_flag=flag,
                     valuations=V, valuation_basis=Vb,
                     excluded=pd.DataFrame(excluded, columns=["deal", "kind", "status", "reason"]),
                     names={k: names.get(k, k) for k in nodes.tolist()}, params=params,
                     gpu_assets=np.array([gpu.get(x, 0.0) for x in nodes.tolist()]))


def _text(x: Any) -> str | None:
    """A text field of a deal row, None when blank (the frame holds NaN for missing text)."""
    return x if isinstance(x, str) and x.strip() else None


def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def _basis(lo: float | None, hi: float | None, basis: str) -> float | None:
    """The amount on a basis, with the network's rules: high falls back to low, low has no
    fallback, mid is the mean of the stated ends."""
    if basis == "low":
        return lo
    if basis == "high":
        return hi if hi is not None else lo
    ends = [x for x in (lo, hi) if x is not None]
    return sum(ends) / len(ends) if ends else None


def _loss_share(loss_share, kind: str) -> float:
    if isinstance(loss_share, Mapping):
        return float(loss_share.get(kind, 1.0))
    return float(loss_share)


def _add_months(d: date, months: int) -> date:
    return d + timedelta(days=round(months * 365.25 / 12))


def _fraction_left(t_start: date, t_end: date, when: date) -> float:
    if t_end <= t_start:
        return 1.0 if when < t_end else 0.0
    return float(np.clip((t_end - when).days / (t_end - t_start).days, 0.0, 1.0))


def _schedule(d: dict, tau: date, horizon_end: date) -> tuple[str, float, float, bool, str]:
    """(schedule, remaining factor, share of the remainder due within H, derived, note)."""
    t_end = end_of(_text(d["term_end"]))
    if t_end is None:
        return "no_schedule", 1.0, 1.0, False, "no term: full amount counted"
    t_start = start_of(_text(d["term_start"]))
    note = "straight-line over the term"
    if t_start is None:
        t_start = d["first_date"] if isinstance(d["first_date"], date) else start_of(_text(d["announced"]))
        note += " (term start taken as the announcement date)"
    if t_start is None:
        return "no_schedule", 1.0, 1.0, False, "no term start: full amount counted"
    rf = _fraction_left(t_start, t_end, tau)
    later = _fraction_left(t_start, t_end, horizon_end)
    due = (rf - later) / rf if rf > 0 else 0.0
    return "straight_line", rf, due, True, note


def _loan_leg(d: dict, status: str, amt: float, paid: dict, tau: date, horizon_end: date) -> list[dict] | None:
    """Loans (METHODS 0.2): drawn principal is owed by the borrower to the lender (bullet
    repayment at the term end, all of it outstanding until then); an undrawn commitment is
    owed by the lender to the borrower."""
    lender, borrower = d["payer"], d["payee"]
    t_end = end_of(_text(d["term_end"]))
    if t_end is not None and t_end < tau:
        return None
    due = 1.0 if t_end is None or t_end <= horizon_end else 0.0
    drawn_leg = dict(channel="credit", holder=lender, counterparty=borrower, debtor=borrower, creditor=lender,
                     paid=np.nan, remaining_factor=1.0, due_factor=due, schedule="outstanding")
    undrawn_leg = dict(channel="credit", holder=borrower, counterparty=lender, debtor=lender, creditor=borrower,
                       paid=np.nan, remaining_factor=1.0, due_factor=1.0, schedule="undrawn")
    if status == "funded":
        return [dict(drawn_leg, amount=amt, remaining=amt, derived=False,
                     assumption="drawn principal outstanding until the term end (bullet)")]
    if status == "funded_partial" and d["id"] in paid:
        drawn = min(amt, paid[d["id"]])
        return [dict(drawn_leg, amount=amt, remaining=drawn, derived=False, remaining_factor=np.nan,
                     assumption=f"drawn {drawn:g} USD bn (given)"),
                dict(undrawn_leg, amount=amt, remaining=amt - drawn, derived=False, remaining_factor=np.nan,
                     assumption=f"undrawn {amt - drawn:g} USD bn (given)")]
    if status == "funded_partial":
        return [dict(drawn_leg, amount=amt, remaining=amt, derived=True,
                     assumption="drawn share unknown: whole facility treated as drawn (pass paid= to split)")]
    return [dict(undrawn_leg, amount=amt, remaining=amt, derived=False,
                 assumption="signed facility not yet drawn: the lender owes the borrower")]


def _stake_legs(rows: list[tuple], valuations: dict, warrant_vested: float, excluded: list) -> list[dict]:
    """One equity leg per (holder, company): the latest stake row as of the date, valued at
    stake % x latest valuation, else at the reported stake value (METHODS 6.2)."""
    latest: dict[tuple, tuple] = {}
    for holder, company, first, deal_id, d in rows:
        key = (holder, company)
        if key not in latest or (first, deal_id) > latest[key][:2]:
            latest[key] = (first, deal_id, d)
    out = []
    for (holder, company), (_, deal_id, d) in sorted(latest.items()):
        pct, reported = _num(d["stake_pct"]), _num(d["stake_value"])
        V, vbasis = valuations.get(company, (np.nan, ""))
        warrant = d["kind"] == "warrant_or_equity_grant"
        base = dict(deal=deal_id, group=d["group"], kind=d["kind"], status=d["status"], channel="equity",
                    holder=holder, counterparty=company, debtor=None, creditor=None, paid=np.nan,
                    remaining_factor=np.nan, remaining=np.nan, due_factor=np.nan, loss_share=1.0, covers=())
        if pct is not None and not np.isnan(V):
            share = pct / 100.0 * (warrant_vested if warrant else 1.0)
            value = share * V
            note = f"{pct:g}% x {vbasis} ({V:g} USD bn)" + (f" x vested {warrant_vested:g}" if warrant else "")
            out.append(dict(base, low=value, high=value, amount=value, schedule="stake_pct", derived=True, assumption=note))
        elif reported is not None and not warrant:
            why = "no stake %" if pct is None else "no dated valuation"
            out.append(dict(base, low=reported, high=reported, amount=reported, schedule="stake_value",
                            derived=False, assumption=f"reported stake value ({why})"))
        else:
            excluded.append(dict(deal=deal_id, kind=d["kind"], status=d["status"],
                                 reason=f"stake in {company} without a valuation or reported value"))
    return out


def _backstop_cover(legs: pd.DataFrame) -> list[tuple]:
    """Row positions of the credit legs each backstop covers: commercial legs owed to its
    beneficiary in the same deal group (a guarantee of those payments), else every commercial
    leg owed to the beneficiary (a buyer of last resort for capacity freed by any buyer)."""
    out: list[tuple] = []
    credit = legs["channel"] == "credit"
    commercial = credit & legs["kind"].isin(COMMERCIAL_KINDS)
    for row in legs.itertuples():
        if row.channel != "backstop":
            out.append(())
            continue
        owed = commercial & (legs["creditor"] == row.counterparty) & (legs["debtor"] != row.holder)
        same = owed & (legs["group"] == row.group)
        pick = same if same.any() else owed
        out.append(tuple(np.flatnonzero(pick.to_numpy()).tolist()))
    return out


def _latest_metric(ledger: "Ledger", metrics: tuple[str, ...], tau: date) -> dict[str, tuple[float, str]]:
    """company -> (value, "metric YYYY-MM-DD") for the latest of the metrics on or before tau
    (ties go to the metric listed first)."""
    facts = ledger.facts(metric=list(metrics), as_of=tau)
    if facts.empty:
        return {}
    facts = facts.assign(_pref=facts["metric"].map({m: i for i, m in enumerate(metrics)}))
    facts = facts.sort_values(["company", "date", "_pref"], ascending=[True, True, False])
    last = facts.groupby("company").tail(1)
    return {r.company: (float(r.value), f"{r.metric} {r.as_of}") for r in last.itertuples()}


def _buffers(ledger, companies: pd.DataFrame, node_ids: list[str], buffer: str, missing_buffer,
             tau: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    figures = _latest_metric(ledger, BUFFER_METRICS[buffer], tau)
    info = companies.set_index("id")
    E, basis, flag = [], [], []
    missing = []
    for c in node_ids:
        row = info.loc[c] if c in info.index else None
        placeholder = row is not None and (bool(row["placeholder"]) or
                                           "government" in (_text(row["type_detail"]) or "").lower())
        if placeholder:
            E.append(np.inf)
            basis.append("placeholder or government: infinite")
            flag.append("placeholder")
        elif c in figures:
            E.append(figures[c][0])
            basis.append(figures[c][1])
            flag.append("")
        else:
            missing.append(c)
            if missing_buffer == "infinite":
                E.append(np.inf)
                basis.append(f"no {buffer} figure: assumed infinite")
                flag.append("missing")
            elif missing_buffer == "exclude":
                E.append(np.nan)
                basis.append(f"no {buffer} figure: excluded")
                flag.append("dropped")
            elif missing_buffer == "error":
                E.append(np.nan)
                basis.append("")
                flag.append("missing")
            else:
                value = float(missing_buffer)
                if not value > 0:
                    raise LedgerError(f"missing_buffer must be positive, got {value:g}")
                E.append(value)
                basis.append(f"no {buffer} figure: assumed {value:g} USD bn")
                flag.append("missing")
    if missing and missing_buffer == "error":
        raise LedgerError(
            f"no {buffer} figure as of {tau} for {len(missing)} companies: {', '.join(missing)}; "
            "add facts, or pass missing_buffer='infinite' | 'exclude' | <USD bn>")
    return np.asarray(E, dtype=float), np.asarray(basis, dtype=object), np.asarray(flag, dtype=object)
