"""The facts: data model, validation, storage, import/export, the audit trail, and the view.

The names below are imported on first use (``from loopledger.ledger import Ledger`` works as
usual), so that importing a small part of the package, such as :mod:`loopledger.ledger.dates`,
does not load pandas, SQLAlchemy and pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..vocabulary import BINDING_STATUSES
    from .ledger import Ledger, data_dir, load_default
    from .model import (
        STATUSES,
        Company,
        CompanyType,
        Confidence,
        Consideration,
        Deal,
        DealKind,
        Fact,
        Overlap,
        Source,
        SourceType,
        Status,
        StatusEvent,
    )
    from .summary import Summary
    from .view import View

__all__ = [
    "BINDING_STATUSES", "STATUSES", "Company", "CompanyType", "Confidence", "Consideration", "Deal",
    "DealKind", "Fact", "Ledger", "Overlap", "Source", "SourceType", "Status", "StatusEvent",
    "Summary", "View", "data_dir", "load_default",
]


def __getattr__(name: str) -> Any:
    module: Any
    if name in ("Ledger", "data_dir", "load_default"):
        from . import ledger as module
    elif name == "Summary":
        from . import summary as module
    elif name == "View":
        from . import view as module
    elif name == "BINDING_STATUSES":
        from .. import vocabulary as module
    elif name in __all__:
        from . import model as module
    else:
        raise AttributeError(f"module 'loopledger.ledger' has no attribute '{name}'")
    value = getattr(module, name)
    globals()[name] = value
    return value
