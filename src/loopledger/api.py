"""The public Python API in one place: every name ``import loopledger`` offers.

``loopledger/__init__.py`` imports this module on the first use of any of these names, so that
``import loopledger`` (and the command line's start-up) stays light; importing it directly
loads everything at once. The CLI and the web app call the same functions.
"""

from __future__ import annotations

from .errors import ConflictError, LedgerError, NotFoundError, Problem, ValidationError
from .findings import headline
from .ledger import Ledger, View, load_default
from .ledger.data import buffer_facts, changelog, source_gaps
from .ledger.units import derive_amounts
from .measures.circulation import circulation
from .measures.cycles import cycles
from .measures.ena import company_boundary, cycling_index, cycling_index_from_network
from .measures.encumbrance import encumbrance
from .measures.encumbrance import encumbrance as claims
from .measures.exposure import exposure
from .measures.headline import measure
from .measures.lookthrough import lookthrough, lookthrough_from_ledger
from .measures.promises import promises
from .measures.reciprocity import reciprocity, significance
from .network import FlowNetwork
from .stresstest.cascade import cascade
from .stresstest.clearing import clearing
from .stresstest.debtrank import debtrank
from .stresstest.montecarlo import monte_carlo
from .stresstest.scenario import stress, systemic
from .stresstest.sensitivity import sensitivity

__all__ = [
    "ConflictError", "FlowNetwork", "Ledger", "LedgerError", "NotFoundError", "Problem",
    "ValidationError", "View", "buffer_facts", "cascade", "changelog", "circulation", "claims", "clearing",
    "company_boundary", "cycles", "cycling_index", "cycling_index_from_network", "debtrank",
    "derive_amounts", "encumbrance", "exposure", "headline", "load_default", "lookthrough", "lookthrough_from_ledger",
    "measure", "monte_carlo", "promises", "reciprocity", "significance", "source_gaps", "stress",
    "sensitivity", "systemic",
]
