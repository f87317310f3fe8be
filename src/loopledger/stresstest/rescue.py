"""What a rescue would cost: the smallest support that prevents every knock-on default.

Some economists worry more about a government rescue than about a failure itself (Jason Furman,
early 2026). For a failing company, :func:`find_rescue` (``stress(..., rescue=True)``,
``loopledger stress --rescue``; docs/stress.md) compares two ways of stopping the cascade:

* **supporting its creditors**: each company that would default gets the capital it lacks to
  absorb its loss when only the failing companies fail, ``max(0, loss / threshold - buffer)``
  (plus a thousandth of a percent, so that it ends strictly below the default line). Under the
  Furfine cascade this is exactly the smallest total support: when nobody else defaults a
  company's loss does not depend on anyone's support, and a company left short defaults.
  Under DebtRank support also damps the distress a company passes on, so the deficits are an
  upper bound; the result is checked by re-running the scenario with the support, and lowered
  while it stays sufficient;
* **supporting the failing company itself**: paying what it owes within the horizon, so that
  nobody loses anything (its payments due within H, the obligations clearing settles).

Both are compared with the losses each avoids (the scenario's total loss without support, less
the loss left with it). Clearing defaults are failures to pay, not losses beyond a buffer, so
the rescue is computed for the DebtRank and cascade models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import LedgerError
from ..results import Result, frame_html
from .params import StressParams
from .shocks import ShockModel

#: support is the deficit times (1 + this), so that the supported company ends below the line
MARGIN = 1e-5


@dataclass(frozen=True, eq=False)
class Rescue(Result):
    """The cheapest support that prevents every knock-on default (see the module docstring).

    ``recipients``: per company that would default, its loss without support, its buffer and
    the support it needs (USD bn). ``support`` the total; ``losses_without`` and ``losses_with``
    the scenario's total loss without and with it, ``avoided`` their difference and
    ``avoided_by_others`` the part of it of the companies that receive nothing (a supported
    company absorbs its whole loss instead of stopping at its buffer);
    ``defaults_without`` and ``defaults_with`` the knock-on defaults; ``bailout`` what
    supporting the failing company itself would cost (its payments due within the horizon) and
    ``bailout_avoids`` the losses that avoids (all of them). ``exact``: whether the support is
    the proven minimum (Furfine) or a verified upper bound (DebtRank)."""

    recipients: pd.DataFrame
    support: float
    losses_without: float
    losses_with: float
    avoided: float
    avoided_by_others: float
    defaults_without: int
    defaults_with: int
    bailout: float
    bailout_avoids: float
    exact: bool
    method: str
    notes: list[str] = field(default_factory=list)

    caption = "What a rescue would cost (USD bn)"

    def to_frame(self) -> pd.DataFrame:
        return self.recipients

    def _repr_html_(self) -> str:
        return frame_html(self.recipients, f"{self.caption}: support {self.support:,.2f}, avoids {self.avoided:,.2f}")


def find_rescue(engine: ShockModel, p: StressParams, h0: np.ndarray, e: Any = None, main: Any = None, *,
                run_basis: Callable[..., Any]) -> Rescue:
    """The cheapest support to the creditors that prevents every knock-on default of the shock
    ``h0`` (n,), and the cost of supporting the failing companies instead (module docstring).
    ``run_basis`` is the scenario's runner (:func:`loopledger.stresstest.scenario.run_basis`),
    passed in by the scenario so that this module does not import it back."""
    def _run(engine: ShockModel, p: StressParams, h0: np.ndarray, E: np.ndarray, max_waves: int | None = None):
        return run_basis(engine, p, p.loss_basis, h0[:, None], E=E, max_waves=max_waves)

    if p.model == "clearing":
        raise LedgerError("the rescue is computed for model='debtrank' or 'cascade': clearing defaults are "
                          "failures to pay, not losses beyond a buffer")
    X = engine.exposures
    E = engine.E.astype(float)
    finite = np.isfinite(E)
    failed = h0 >= 1.0
    base = main if main is not None else _run(engine, p, h0, E)
    knock = base.defaulted[:, 0] & ~failed
    first = _run(engine, p, h0, E, max_waves=0)
    raw = first.raw[:, 0]
    need = np.where(finite & ~failed, np.maximum(0.0, raw / p.threshold - E), 0.0)
    need = np.where(need > 0, need * (1 + MARGIN) + 1e-9, 0.0)
    exact = p.model == "cascade"
    support = need.copy()
    with_ = _run(engine, p, h0, E + support)
    notes: list[str] = []
    if (with_.defaulted[:, 0] & ~failed).any():  # support that damps distress cannot fall short, but check
        for _ in range(X.n):
            extra = np.where(finite & ~failed, np.maximum(0.0, with_.raw[:, 0] / p.threshold - (E + support)), 0.0)
            if not (extra > 0).any():
                break
            support += np.where(extra > 0, extra * (1 + MARGIN) + 1e-9, 0.0)
            with_ = _run(engine, p, h0, E + support)
        notes.append("the first-wave deficits fell short; support was raised until no knock-on default remained")
    elif p.model == "debtrank":
        for _ in range(50):  # lower the support while it stays sufficient
            lower = np.where(support > 0, np.maximum(0.0, with_.raw[:, 0] / p.threshold - E) * (1 + MARGIN) + 1e-9, 0.0)
            lower = np.minimum(lower, support)
            if support.sum() - lower.sum() < 1e-9:
                break
            trial = _run(engine, p, h0, E + lower)
            if (trial.defaulted[:, 0] & ~failed).any():
                break
            support, with_ = lower, trial
    left = with_.defaulted[:, 0] & ~failed
    idx = np.flatnonzero(support > 0)
    recipients = pd.DataFrame({
        "company": X.nodes[idx], "name": [X.label(i) for i in idx],
        "buffer": E[idx], "loss_without_support": base.loss[idx, 0], "loss_first_wave": raw[idx],
        "support": support[idx], "loss_with_support": with_.loss[idx, 0],
        "would_default": knock[idx], "wave_without_support": base.wave[idx, 0],
    }).sort_values(["support", "company"], ascending=[False, True]).reset_index(drop=True)
    due = np.asarray(X.due_within_horizon().sum(axis=1)).ravel()
    bailout = float(due[failed].sum())
    total_without = float(base.loss[:, 0].sum())
    total_with = float(with_.loss[:, 0].sum())
    if not knock.any():
        notes.append("no knock-on default: no support to the creditors is needed")
    return Rescue(
        recipients=recipients, support=float(support.sum()), losses_without=total_without, losses_with=total_with,
        avoided=total_without - total_with,
        avoided_by_others=float(np.where(support > 0, 0.0, base.loss[:, 0] - with_.loss[:, 0]).sum()),
        defaults_without=int(knock.sum()), defaults_with=int(left.sum()),
        bailout=bailout, bailout_avoids=total_without, exact=exact,
        method=("each company that would default gets what it lacks to absorb its loss when only the failing "
                "companies fail" + ("" if exact else "; under DebtRank an upper bound, checked and lowered while it "
                                    "stays sufficient")),
        notes=notes)
