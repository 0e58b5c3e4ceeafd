"""vaccination doses and outreach outcomes

Revision ID: 0023
Revises: 0022

Issue 19, measure 12 (m20.12): each person's COVID-19 doses (product, maker, dose number, day, clinic, lot), from which
the status rule decides the full course and the booster, and what came of asking them to be vaccinated
(contraindication, refusal, a later date) so that nobody is asked again for nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vaccination_dose",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=32), nullable=False),
        sa.Column("manufacturer", sa.String(length=200), nullable=False),
        sa.Column("dose_number", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=True),
        sa.Column("lot", sa.String(length=64), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("dose_number >= 1", name=op.f("ck_vaccination_dose_dose_number_positive")),
        sa.ForeignKeyConstraint(
            ["import_id"], ["lab_import.id"], name=op.f("fk_vaccination_dose_import_id_lab_import")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_vaccination_dose_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vaccination_dose")),
        sa.UniqueConstraint("person_id", "dose_number", name="uq_vaccination_dose_number"),
    )
    with op.batch_alter_table("vaccination_dose", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vaccination_dose_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vaccination_dose_product"), ["product"], unique=False)
        batch_op.create_index(batch_op.f("ix_vaccination_dose_given_on"), ["given_on"], unique=False)
    op.create_table(
        "vaccination_outreach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("later_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_vaccination_outreach_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vaccination_outreach")),
    )
    with op.batch_alter_table("vaccination_outreach", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vaccination_outreach_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vaccination_outreach", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vaccination_outreach_person_id"))
    op.drop_table("vaccination_outreach")
    with op.batch_alter_table("vaccination_dose", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vaccination_dose_given_on"))
        batch_op.drop_index(batch_op.f("ix_vaccination_dose_product"))
        batch_op.drop_index(batch_op.f("ix_vaccination_dose_person_id"))
    op.drop_table("vaccination_dose")
