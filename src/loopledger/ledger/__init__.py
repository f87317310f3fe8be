"""The facts: data model, validation, storage, import/export and the audit trail."""

from .ledger import Ledger, data_dir, load_default
from .model import (
    BINDING_STATUSES,
    STATUSES,
    Company,
    CompanyType,
    Confidence,
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

__all__ = [
    "BINDING_STATUSES", "STATUSES", "Company", "CompanyType", "Confidence", "Deal", "DealKind",
    "Fact", "Ledger", "Overlap", "Source", "SourceType", "Status", "StatusEvent", "Summary",
    "data_dir", "load_default",
]
