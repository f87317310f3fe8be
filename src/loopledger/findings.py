"""The headline with its findings in words, the stress test of the largest player included.

The measures (:mod:`loopledger.measures`) and the stress engine (:mod:`loopledger.stresstest`)
are siblings and do not import each other. The headline's findings say what the stress test
says about the largest player, so this module sits one layer above both and below the
outputs (report, web, command line), which all take the headline from here:

* :func:`stress_summary` runs the largest player's failure alone, on the default economic basis
  with the gross bound beside it (docs/stress.md), and keeps what the findings need: both
  totals, the components, the assumptions, the reconfiguration sentence and the footer;
* :func:`headline` picks the largest player (:func:`loopledger.measures.headline.largest_player`),
  runs :func:`stress_summary` and passes it to :func:`loopledger.measures.headline.measure`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import LedgerError
from .ledger.view import View, view_of
from .measures.headline import SIGNIFICANCE_SAMPLES, Headline, largest_player, measure, volumes
from .vocabulary import BINDING_STATUSES

if TYPE_CHECKING:  # pragma: no cover
    from .ledger import Ledger

__all__ = ["headline", "stress_summary"]


def stress_summary(ledger: Ledger, view: View, company: str) -> dict[str, Any]:
    """``company`` failing alone with the default stress parameters (economic losses, the
    gross bound beside them; docs/stress.md), as JSON values for the headline's findings:
    ``company``, ``name``, ``volume`` (base dollars it pays and receives), ``loss_basis``,
    ``loss`` (the total loss of the others on that basis), ``loss_economic``, ``loss_gross``,
    ``components`` ({name: USD bn}, the stress result's own list, summing to the economic
    loss), ``defaults``, ``distressed``, ``sentence`` (the reconfiguration sentence),
    ``footer`` (what the numbers count) and ``assumptions``; ``error`` instead of the numbers
    when the stress test cannot run on this view."""
    from .stresstest.scenario import stress

    names = ledger.company_names()
    out: dict[str, Any] = {"company": company, "name": names.get(company, company),
                           "volume": float(volumes(ledger, view).get(company, 0.0)),
                           "why": "the most dollars paid and received in the base"}
    try:
        r = stress(ledger, fail=[company], view=view)
    except LedgerError as e:
        out["error"] = str(e)
        return out
    t = r.totals
    out.update(loss_basis=r.loss_basis, loss=float(t["total_loss"]), loss_gross=float(t["total_loss_gross"]),
               loss_economic=float(t["total_loss_economic"]), defaults=int(t["defaults"]),
               defaults_gross=int(t.get("defaults_gross", 0)), distressed=int(t["distressed"]),
               components={k: float(v) for k, v in (t.get("components") or {}).items()},
               sentence=r.sentence, footer=r.footer, assumptions=list(r.assumptions))
    return out


def headline(
    ledger: Ledger,
    as_of: Any = None,
    explain: bool = False,
    top: int = 10,
    max_len: int = 6,
    statuses=BINDING_STATUSES,
    amount: str = "high",
    significance_samples: int = SIGNIFICANCE_SAMPLES,
    stress_company: str | None = None,
    *,
    view: View | None = None,
) -> Headline:
    """:func:`loopledger.measures.headline.measure` with the stress test of the largest player
    in its findings (the parameters are those of ``measure``).

    stress_company : str, optional
        The company whose failure the findings describe (default: the largest player, the
        company that is not a placeholder with the most base dollars paid and received);
        ``"none"`` leaves the stress test out.
    """
    v = view_of(view, as_of=as_of, statuses=statuses, amount=amount)
    if stress_company is None:
        who = largest_player(ledger, v)
    elif stress_company == "none":
        who = None
    else:
        who = ledger.resolve_company(stress_company)
    stressed = stress_summary(ledger, v, who) if who else None
    return measure(ledger, explain=explain, top=top, max_len=max_len, significance_samples=significance_samples,
                   view=v, stress=stressed)
