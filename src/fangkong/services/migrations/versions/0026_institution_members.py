"""key institutions' members: the residents and staff of a nursing home, welfare home or psychiatric hospital

Revision ID: 0026
Revises: 0025

Issue 19, measure 14 (m20.14): a person is recorded as a resident or a member of staff of a key institution from a
day to a day, so that an infection recorded for them raises the institution's alert by itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "institution_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["key_institution.id"],
            name=op.f("fk_institution_member_institution_id_key_institution"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_institution_member_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_member")),
    )
    with op.batch_alter_table("institution_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institution_member_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_institution_member_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("institution_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institution_member_person_id"))
        batch_op.drop_index(batch_op.f("ix_institution_member_institution_id"))

    op.drop_table("institution_member")
