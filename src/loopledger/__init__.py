"""loopledger: map, measure and stress-test circular financing.

A sourced, dated ledger of deals between companies (``Ledger``, ``load_default``), the network
view of it (``FlowNetwork``), measures of how circular it is (``cycles``, ``circulation``,
``cycling_index`` ...) and stress tests of what breaks if a player fails (``clearing``,
``debtrank``, ``stress``, ``systemic`` ...). Money is USD billions throughout; a missing amount
is NaN, never 0. The measure and stress functions are imported on first use, so
``import loopledger`` stays light.
"""

from __future__ import annotations

import importlib

from .errors import ConflictError, LedgerError, NotFoundError, Problem, ValidationError
from .ledger import Ledger, load_default

__version__ = "0.1.0"

#: public name -> module that defines it (loaded on first access)
_LAZY = {
    "FlowNetwork": "loopledger.network",
    "cycles": "loopledger.measure.cycles",
    "circulation": "loopledger.measure.circulation",
    "cycling_index": "loopledger.measure.ena",
    "cycling_index_from_network": "loopledger.measure.ena",
    "company_boundary": "loopledger.measure.ena",
    "reciprocity": "loopledger.measure.reciprocity",
    "significance": "loopledger.measure.reciprocity",
    "promises": "loopledger.measure.promises",
    "exposure": "loopledger.measure.exposure",
    "lookthrough": "loopledger.measure.lookthrough",
    "lookthrough_from_ledger": "loopledger.measure.lookthrough",
    "derive_amounts": "loopledger.measure.units",
    "measure": "loopledger.measure.headline",
    "clearing": "loopledger.stress.clearing",
    "debtrank": "loopledger.stress.debtrank",
    "cascade": "loopledger.stress.cascade",
    "stress": "loopledger.stress.scenario",
    "systemic": "loopledger.stress.scenario",
    "monte_carlo": "loopledger.stress.montecarlo",
    "changelog": "loopledger.ledger.data",
    "source_gaps": "loopledger.ledger.data",
    "buffer_facts": "loopledger.ledger.data",
}

__all__ = [
    "ConflictError", "Ledger", "LedgerError", "NotFoundError", "Problem", "ValidationError",
    "load_default", "__version__", *_LAZY,
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'loopledger' has no attribute '{name}'")
