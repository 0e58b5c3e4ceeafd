"""positives after an infection's discharge (re-positives), noted on the infection they belong to

Revision ID: 0014
Revises: 0013

The 21 Nov 2022 risk-area plan (m20-docs.risk_area): re-positives after discharge do not count when delineating
risk areas. A re-positive is not a new case — the infection record is one per person — so it is kept beside the
infection it belongs to, and the risk areas its person lives in note it as not counted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "re_positive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("infection_id", sa.Integer(), nullable=False),
        sa.Column("sampled_on", sa.Date(), nullable=False),
        sa.Column("confirmed_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["infection_id"], ["infection.id"], name=op.f("fk_re_positive_infection_id_infection")),
        sa.ForeignKeyConstraint(["result_id"], ["lab_result.id"], name=op.f("fk_re_positive_result_id_lab_result")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_re_positive")),
        sa.UniqueConstraint("infection_id", "sampled_on", name="uq_re_positive_infection_id"),
    )
    with op.batch_alter_table("re_positive", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_re_positive_infection_id"), ["infection_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("re_positive", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_re_positive_infection_id"))
    op.drop_table("re_positive")
