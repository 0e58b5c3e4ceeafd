"""care facilities, beds and staff, staff absences, infection severities and stays

Revision ID: 0020
Revises: 0019

Issue 18 (measure 11): graded admission by clinical severity, beds and critical-care beds prepared in advance, and a
plan for when medical staff are infected.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_facility",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("isolation_site_id", sa.Integer(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("general_beds", sa.Integer(), nullable=False),
        sa.Column("icu_beds", sa.Integer(), nullable=False),
        sa.Column("convertible_icu_beds", sa.Integer(), nullable=False),
        sa.Column("doctors", sa.Integer(), nullable=False),
        sa.Column("nurses", sa.Integer(), nullable=False),
        sa.Column("critical_care_nurses", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["isolation_site_id"], ["isolation_site.id"], name=op.f("fk_care_facility_isolation_site_id_isolation_site")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_care_facility_jurisdiction_code_jurisdiction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_facility")),
        sa.UniqueConstraint("name", name=op.f("uq_care_facility_name")),
    )
    with op.batch_alter_table("care_facility", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_facility_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_facility_jurisdiction_code"), ["jurisdiction_code"], unique=False)
    op.create_table(
        "care_staff_absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("staff_kind", sa.String(length=32), nullable=False),
        sa.Column("infected", sa.Integer(), nullable=False),
        sa.Column("absent", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["care_facility.id"], name=op.f("fk_care_staff_absence_facility_id_care_facility")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_staff_absence")),
        sa.UniqueConstraint("facility_id", "on", "staff_kind", name="uq_care_staff_absence_day"),
    )
    with op.batch_alter_table("care_staff_absence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_staff_absence_facility_id"), ["facility_id"], unique=False)
    op.create_table(
        "infection_severity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("infection_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("risk_factors", sa.JSON(), nullable=False),
        sa.Column("home_conditions_met", sa.Boolean(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("facility", sa.String(length=32), nullable=False),
        sa.Column("high_risk", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["infection_id"], ["infection.id"], name=op.f("fk_infection_severity_infection_id_infection")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_infection_severity")),
    )
    with op.batch_alter_table("infection_severity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_infection_severity_infection_id"), ["infection_id"], unique=False)
    op.create_table(
        "care_stay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("infection_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("bed_kind", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end", sa.String(length=16), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["care_facility.id"], name=op.f("fk_care_stay_facility_id_care_facility")
        ),
        sa.ForeignKeyConstraint(["infection_id"], ["infection.id"], name=op.f("fk_care_stay_infection_id_infection")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_stay")),
    )
    with op.batch_alter_table("care_stay", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_stay_facility_id"), ["facility_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_stay_infection_id"), ["infection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_stay_started_on"), ["started_on"], unique=False)


def downgrade() -> None:
    for table in ("care_stay", "infection_severity", "care_staff_absence", "care_facility"):
        op.drop_table(table)
