"""loopledger.stress (see its modules)."""
