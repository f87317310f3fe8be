"""loopledger.web (see its modules)."""
