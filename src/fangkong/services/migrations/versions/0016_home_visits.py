"""home visits to people isolated or monitored at home, flagged for follow-up by the rules

Revision ID: 0016
Revises: 0015

Issue 16: the community worker records a home visit (measures 1 and 5: people in home isolation or home health
monitoring have their health monitored at home). One visit a day per order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "home_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visited_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("at_home", sa.Boolean(), nullable=False),
        sa.Column("temperature", sa.Float(), nullable=True),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("stayed_home", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("follow_up", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["management_order.id"], name=op.f("fk_home_visit_order_id_management_order")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_home_visit_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_visit")),
        sa.UniqueConstraint("order_id", "visited_on", name="uq_home_visit_order_day"),
    )
    with op.batch_alter_table("home_visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_home_visit_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_home_visit_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_home_visit_visited_on"), ["visited_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("home_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_home_visit_visited_on"))
        batch_op.drop_index(batch_op.f("ix_home_visit_person_id"))
        batch_op.drop_index(batch_op.f("ix_home_visit_order_id"))
    op.drop_table("home_visit")
