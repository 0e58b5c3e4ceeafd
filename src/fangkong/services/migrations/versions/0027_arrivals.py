"""arrivals from other provinces and the follow-up of a missed test on arrival

Revision ID: 0027
Revises: 0026

Issue 20, measure 15: the landing check (落地检) of people crossing provinces — who arrived, from where, where they
stay; the test's state is read from their samples; a missed test is followed up with a reminder.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "arrival",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("arrived_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("from_province", sa.String(length=2), nullable=False),
        sa.Column("from_place", sa.String(length=200), nullable=True),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("migrant_worker", sa.Boolean(), nullable=False),
        sa.Column("employer", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_arrival_jurisdiction_code_jurisdiction")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_arrival_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arrival")),
        sa.UniqueConstraint("person_id", "arrived_at", name="uq_arrival_person_instant"),
    )
    with op.batch_alter_table("arrival", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_arrival_arrived_at"), ["arrived_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_arrival_jurisdiction_code"), ["jurisdiction_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_arrival_person_id"), ["person_id"], unique=False)
    op.create_table(
        "arrival_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("arrival_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["arrival_id"], ["arrival.id"], name=op.f("fk_arrival_follow_up_arrival_id_arrival")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arrival_follow_up")),
    )
    with op.batch_alter_table("arrival_follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_arrival_follow_up_arrival_id"), ["arrival_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("arrival_follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_arrival_follow_up_arrival_id"))
    op.drop_table("arrival_follow_up")
    with op.batch_alter_table("arrival", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_arrival_person_id"))
        batch_op.drop_index(batch_op.f("ix_arrival_jurisdiction_code"))
        batch_op.drop_index(batch_op.f("ix_arrival_arrived_at"))
    op.drop_table("arrival")
