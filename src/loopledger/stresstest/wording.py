"""The words every stress output carries: what it counts, and the answer in one sentence.

Every stress output (CLI footer, JSON, web panel, report section) states the loss basis, the
horizon, the recovery, the substitution, the buffer basis, and how many companies had no buffer
figure and what was done with them (:func:`basis_note`, :func:`footer`). :func:`sentence`
answers "what if it fails?" from the numbers of one scenario: the loss on both bases, how much
of it is permanent and how much the market's reconfiguration redeploys, and who defaults.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .exposures import Exposures
from .params import StressParams

_MISSING = {
    "infinite": "treated as able to absorb any loss (they never fail; their losses are reported as absorbed)",
    "exclude": "left out with their legs",
    "error": "an error",
}


def basis_note(X: Exposures, p: StressParams) -> dict[str, Any]:
    """What a stress output counts, as JSON values (see the module docstring)."""
    missing = [X.label(i) for i in np.flatnonzero(X.buffer_flag == "missing")]
    if p.missing_buffer == "exclude":
        missing = list(X.params.get("dropped_without_buffer", []))
    mb = p.missing_buffer
    treatment = _MISSING[mb] if isinstance(mb, str) else f"given a buffer of {float(mb):g} USD bn"
    sub = p.substitution_for()
    return dict(
        loss_basis=p.loss_basis,
        stake_basis=p.stake_basis if p.loss_basis == "economic" else "mark",
        horizon_months=int(X.params.get("horizon_months", p.horizon_months)),
        recovery=p.recovery_for(),
        recovery_source="given" if p.recovery is not None else "default",
        substitution="market reconfiguration" if sub is None else sub,
        lag_quarters=p.lag_quarters,
        price_cut=p.price_cut,
        buffer=p.buffer,
        buffer_fallback=p.buffer_fallback,
        missing_buffer=mb,
        companies_without_buffer=len(missing),
        without_buffer=missing,
        without_buffer_treatment=treatment,
        as_of=X.params.get("as_of"),
        statuses=X.params.get("statuses"),
        amount=X.params.get("amount"),
        model=p.model,
        distress_threshold=p.distress_threshold,
        threshold=p.threshold,
        claims=X.params.get("claims", "no claims recorded"),
        collateral_haircut=p.collateral_haircut,
    )


def footer(note: dict[str, Any], p: StressParams) -> str:
    """The one line under every stress table."""
    sub = note["substitution"]
    sub_text = (f"substitution: the market's reconfiguration (lag {note['lag_quarters']} quarters, price cut "
                f"{note['price_cut']:.0%})" if isinstance(sub, str) else f"substitution {sub:g}")
    n = note["companies_without_buffer"]
    fb = note.get("buffer_fallback")
    fb = fb if fb and fb not in ("none", note["buffer"]) else None
    what = f"{note['buffer']} or {fb}" if fb else note["buffer"]
    nb = (f"{n} companies without a {what} figure, {note['without_buffer_treatment']}" if n
          else f"every company has a {what} figure")
    statuses = ", ".join(note["statuses"] or []) if note.get("statuses") else "the view's statuses"
    claims = note.get("claims", "no claims recorded")
    if claims != "no claims recorded" and note["loss_basis"] == "economic":
        claims += f" (pledged assets sold at a {note.get('collateral_haircut', p.collateral_haircut):.0%} haircut)"
    return (f"{note['loss_basis'].capitalize()} losses (stakes at {note['stake_basis']}); horizon "
            f"{note['horizon_months']} months; recovery {note['recovery']:.0%} ({note['recovery_source']}); {sub_text}; "
            f"buffers = {note['buffer']}{f' (else {fb})' if fb else ''}; {nb}. Model {note['model']}; as of {note['as_of']}; statuses {statuses}; "
            f"amounts on the {note['amount']} basis. Claims: {claims}.")


def _money(x: float) -> str:
    return f"${x:,.1f} bn" if abs(x) < 1000 else f"${x / 1000:,.2f} trillion"


def sentence(fail: list[str], totals: dict[str, Any], companies: pd.DataFrame, reconf: pd.DataFrame,
             note: dict[str, Any]) -> str:
    """The answer for the failing companies in one computed sentence."""
    who = " and ".join(fail)
    t = totals
    comp = t.get("components", {})
    basis = t["loss_basis"]
    parts = [f"If {who} fails, the other companies lose {_money(t['total_loss'])} on the {basis} basis"]
    if basis == "economic":
        parts[0] += f" (gross upper bound {_money(t['total_loss_gross'])})"
    else:
        parts[0] += f" (economic estimate {_money(t['total_loss_economic'])})"
    text = parts[0] + "."
    if "redeployed" in t and t["redeployed"] > 1e-9:
        absorbed = reconf[reconf["role"] == "absorbs_demand"] if len(reconf) else reconf
        rivals = ""
        if len(absorbed):
            top = absorbed.groupby("company")["absorbed"].sum().sort_values(ascending=False)
            rivals = " (" + ", ".join(f"{c} {_money(v)}" for c, v in top.head(3).items()) + ")"
            text += (f" Its customers move to rivals, which absorb {_money(float(absorbed['absorbed'].sum()))} of "
                     f"its compute demand within {note['horizon_months']} months{rivals};")
        else:
            text += " Its suppliers redeploy part of the capacity it leaves;"
        text += (f" redeploying capacity cuts the loss by {_money(t['redeployed'])} from the "
                 f"{_money(t['total_loss_without_substitution'])} it would be without reconfiguration.")
    if basis == "economic" and comp:
        named = [("stakes written down", comp.get("stake_writedown", 0.0)),
                 ("lost margin", comp.get("lost_margin", 0.0)),
                 ("stranded capital", comp.get("stranded_assets", 0.0)),
                 ("unpaid receivables and loans", comp.get("due_within_horizon", 0.0)),
                 ("secured lending", comp.get("secured_lending", 0.0)),
                 ("lost funding", comp.get("lost_funding", 0.0))]
        named = [(k, v) for k, v in named if v > 0.05]
        recovered = -comp.get("secured_recovery", 0.0)
        guaranteed = comp.get("guarantee_payout", 0.0)
        if named:
            # guarantees move losses from creditors to guarantors (guarantee_paid + guarantee_payout
            # = 0), so the creditors' components already hold what the guarantors bear
            text += (f" The {_money(t['total_loss'])} that remains is permanent: "
                     + ", ".join(f"{_money(v)} {k}" for k, v in sorted(named, key=lambda kv: -kv[1]))
                     + (f", less {_money(recovered)} secured lenders recover from pledged collateral (net of "
                        "recovery)" if recovered > 0.05 else "")
                     + (f"; guarantors bear {_money(guaranteed)} of it (guarantees paid)" if guaranteed > 0.05 else "")
                     + ".")
    defaulted = companies[companies["defaulted"] & ~companies["failed"]]
    if len(defaulted):
        text += f" {len(defaulted)} other compan{'y defaults' if len(defaulted) == 1 else 'ies default'}: " + \
            ", ".join(defaulted.sort_values("loss", ascending=False)["name"]) + "."
    else:
        text += " No other company defaults."
    distressed = companies[(companies["state"] == "distressed") & ~companies["failed"]]
    if len(distressed):
        names = distressed.sort_values("loss_share", ascending=False)["name"].tolist()
        text += (f" {len(distressed)} {'is' if len(distressed) == 1 else 'are'} distressed (a loss of at least "
                 f"{note['distress_threshold']:.0%} of the buffer): " + ", ".join(names[:5])
                 + (f" and {len(names) - 5} more" if len(names) > 5 else "") + ".")
    return text
