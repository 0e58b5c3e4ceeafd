"""simulation comparisons: the policy comparisons the command centre ran, saved with their code version

Revision ID: 0033
Revises: 0032

Issue 22: a comparison of versions of the rules on the synthetic city, run from the console or the API, is saved
with who asked and when, the request (policies, population, days, seeds, first seed, first day, switches), the
result as JSON, the code version that produced it and the seconds it took.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "simulation_comparison",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("policies", sa.JSON(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("seeds", sa.Integer(), nullable=False),
        sa.Column("first_seed", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("switches", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("code_version", sa.String(length=40), nullable=False),
        sa.Column("elapsed_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_simulation_comparison")),
    )
    with op.batch_alter_table("simulation_comparison", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_simulation_comparison_requested_at"), ["requested_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("simulation_comparison", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_simulation_comparison_requested_at"))
    op.drop_table("simulation_comparison")
