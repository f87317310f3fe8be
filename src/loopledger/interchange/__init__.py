"""loopledger.interchange (see its modules)."""
