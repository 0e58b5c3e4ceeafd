"""the rounds of an area-wide testing campaign, with the community infections each found

Revision ID: 0013
Revises: 0012

Measure 6 and the 21 Nov testing rules (m20-docs.testing): area-wide testing runs a round a day and stops after
three rounds in a row without an infection in the community (in the outbreak's own area, after one more round
three days later). Each round held is recorded with what it found, so the campaign knows its next round or that
it has stopped (`rules.testing_campaign.campaign_progress`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "testing_campaign_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("community_infections", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["testing_campaign.id"],
            name=op.f("fk_testing_campaign_round_campaign_id_testing_campaign"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_testing_campaign_round")),
        sa.UniqueConstraint("campaign_id", "on", name=op.f("uq_testing_campaign_round_campaign_id")),
    )
    with op.batch_alter_table("testing_campaign_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_testing_campaign_round_campaign_id"), ["campaign_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("testing_campaign_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_testing_campaign_round_campaign_id"))
    op.drop_table("testing_campaign_round")
