"""The claims (issue 17): ``assets`` (property that can be pledged), ``pledges`` (collateral
securing a loan, with its priority and the share pledged) and ``guarantees`` (the obligation a
guarantee or backstop deal covers, with its cap), each with the retraction flag and the
bookkeeping columns (version, created_at, updated_at) of the other tables; docs/claims.md.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _bookkeeping() -> list[sa.Column]:
    return [
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column("id", sa.Text(), primary_key=True, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("gpu_count", sa.Double(), nullable=True),
        sa.Column("gpu_generation", sa.Text(), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("value_as_of", sa.Text(), nullable=True),
        sa.Column("value_note", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        *_bookkeeping(),
    )
    op.create_index("ix_assets_owner", "assets", ["owner"])
    op.create_table(
        "pledges",
        sa.Column("id", sa.Text(), primary_key=True, nullable=False),
        sa.Column("loan", sa.Text(), nullable=False),
        sa.Column("collateral_asset", sa.Text(), nullable=True),
        sa.Column("collateral_deal", sa.Text(), nullable=True),
        sa.Column("priority", sa.Text(), nullable=True),
        sa.Column("share", sa.Double(), nullable=False),
        sa.Column("ltv_limit", sa.Double(), nullable=True),
        sa.Column("as_of", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        *_bookkeeping(),
    )
    op.create_index("ix_pledges_loan", "pledges", ["loan"])
    op.create_table(
        "guarantees",
        sa.Column("id", sa.Text(), primary_key=True, nullable=False),
        sa.Column("deal", sa.Text(), nullable=False),
        sa.Column("covers", sa.Text(), nullable=False),
        sa.Column("cap", sa.Double(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        *_bookkeeping(),
    )
    op.create_index("ix_guarantees_deal", "guarantees", ["deal"])


def downgrade() -> None:
    op.drop_index("ix_guarantees_deal", table_name="guarantees")
    op.drop_table("guarantees")
    op.drop_index("ix_pledges_loan", table_name="pledges")
    op.drop_table("pledges")
    op.drop_index("ix_assets_owner", table_name="assets")
    op.drop_table("assets")
