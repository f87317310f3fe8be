"""Deals get ``consideration``: what changes hands (cash, stock, in_kind, mixed; blank = the
kind's usual form). It replaces reading "all-stock" out of the amount note.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.add_column(sa.Column("consideration", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.drop_column("consideration")
