"""Companies get ``cik`` (the SEC Central Index Key, read by ``facts import-sec``),
``sponsors`` (the companies behind a vehicle or joint venture) and ``sources`` (where their
details come from); a ``disbursements`` table records cash actually paid, drawn or repaid
under a deal, dated and sourced (issue 13).

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.add_column(sa.Column("cik", sa.Text(), nullable=True))
        batch.add_column(sa.Column("sponsors", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("sources", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("companies") as batch:
        batch.alter_column("sponsors", server_default=None)
        batch.alter_column("sources", server_default=None)
    op.create_table(
        "disbursements",
        sa.Column("id", sa.Text(), primary_key=True, nullable=False),
        sa.Column("deal", sa.Text(), nullable=False),
        sa.Column("date", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("amount", sa.Double(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("fx_rate", sa.Double(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("derived", sa.Boolean(), nullable=False),
        sa.Column("derivation", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_disbursements_deal", "disbursements", ["deal"])


def downgrade() -> None:
    op.drop_index("ix_disbursements_deal", table_name="disbursements")
    op.drop_table("disbursements")
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("sources")
        batch.drop_column("sponsors")
        batch.drop_column("cik")
