"""The web API's routers, one per area; each only translates HTTP into Ledger / measure calls."""
