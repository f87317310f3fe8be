"""loopledger: map, measure and stress-test circular financing.

A sourced, dated ledger of deals between companies (``Ledger``, ``load_default``), the view a
reader chose of it (``View``), the network built from that view (``FlowNetwork``), measures of
how circular it is (``cycles``, ``circulation``, ``cycling_index`` ...) and stress tests of what
breaks if a player fails (``clearing``, ``debtrank``, ``stress``, ``systemic`` ...). Money is USD
billions throughout; a missing amount is NaN, never 0.

Every public name is defined in :mod:`loopledger.api`, which is imported on the first use of
one of them, so ``import loopledger`` stays light. Layers and imports: docs/architecture.md.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from .errors import ConflictError, LedgerError, NotFoundError, Problem, ValidationError  # noqa: F401 - re-exported

if TYPE_CHECKING:  # pragma: no cover
    from .api import *  # noqa: F403

from ._version import __version__  # noqa: F401 - re-exported

#: the names loopledger.api defines (checked against it by tests/test_api.py)
API_NAMES = frozenset({
    "FlowNetwork", "Ledger", "View", "buffer_facts", "cascade", "changelog", "circulation", "claims",
    "clearing", "company_boundary", "cycles", "cycling_index", "cycling_index_from_network",
    "debtrank", "derive_amounts", "encumbrance", "exposure", "headline", "load_default", "lookthrough",
    "lookthrough_from_ledger", "measure", "monte_carlo", "promises", "reciprocity", "significance",
    "sensitivity", "source_gaps", "stress", "systemic",
})

__all__ = sorted({"ConflictError", "LedgerError", "NotFoundError", "Problem", "ValidationError",
                  "__version__", *API_NAMES})


def __getattr__(name: str) -> Any:
    if name in API_NAMES:
        from . import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'loopledger' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(globals()) | API_NAMES)


class _Renamed:
    """A clear error for modules that were renamed (CHANGELOG.md), asked for only after the
    normal import machinery found nothing."""

    RENAMED = {
        "loopledger.measure": "loopledger.measures",
        "loopledger.stress": "loopledger.stresstest",
        "loopledger.measures.units": "loopledger.ledger.units",
        "loopledger.stresstest.exposures": "loopledger.stresstest.exposures",
    }

    def find_spec(self, fullname, path=None, target=None):  # the importlib.abc.MetaPathFinder protocol
        for old, new in self.RENAMED.items():
            if fullname == old or fullname.startswith(old + "."):
                raise ModuleNotFoundError(
                    f"{fullname} was renamed: import {new}{fullname[len(old):]} (see CHANGELOG.md)",
                    name=fullname)
        return None


if not any(isinstance(f, _Renamed) for f in sys.meta_path):
    sys.meta_path.append(_Renamed())
