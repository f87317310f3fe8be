"""Alembic environment: run the migrations on the connection loopledger passes in.

loopledger calls Alembic from Python (``storage.migrate``) with an open connection in
``config.attributes["connection"]``; there is no alembic.ini.
"""

from alembic import context

from loopledger.ledger.storage import METADATA

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - loopledger always passes a connection
    raise RuntimeError("run the migrations through loopledger.ledger.storage.migrate")

context.configure(connection=connection, target_metadata=METADATA, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
