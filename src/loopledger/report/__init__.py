"""loopledger.report (see its modules)."""
