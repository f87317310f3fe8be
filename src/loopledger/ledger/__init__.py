"""The facts: data model, validation, storage, import/export, the audit trail, and the view."""

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
