"""loopledger: map, measure and stress-test circular financing.

A sourced, dated ledger of deals between companies (``Ledger``, ``load_default``), the network
view of it, measures of how circular it is and stress tests of what breaks if a player fails.
Money is USD billions throughout; a missing amount is NaN, never 0.
"""

from .errors import ConflictError, LedgerError, NotFoundError, Problem, ValidationError
from .ledger import Ledger, load_default

__version__ = "0.1.0"

__all__ = [
    "ConflictError", "Ledger", "LedgerError", "NotFoundError", "Problem", "ValidationError",
    "load_default", "__version__",
]
