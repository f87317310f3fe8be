"""loopledger.measure (see its modules)."""
