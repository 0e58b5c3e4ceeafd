"""key-population registry, checks, key institutions, closed-management periods, institution alerts

Revision ID: 0024
Revises: 0022

Issue 19, measure 14 (m20.14): the registry of the elderly, people with underlying diseases, pregnant women, dialysis
patients and others with their risk grade and health-and-safety plan, and the protection of nursing homes, welfare
homes and psychiatric hospitals (closed management, an alert with a response checklist when an infection is found).
The down revision is re-chained at merge after the vaccination records' migration.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_institution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_key_institution_jurisdiction_code_jurisdiction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_institution")),
        sa.UniqueConstraint("name", name=op.f("uq_key_institution_name")),
    )
    with op.batch_alter_table("key_institution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_institution_jurisdiction_code"), ["jurisdiction_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_key_institution_kind"), ["kind"], unique=False)

    op.create_table(
        "key_institution_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["key_institution.id"],
            name=op.f("fk_key_institution_closure_institution_id_key_institution"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_institution_closure")),
    )
    with op.batch_alter_table("key_institution_closure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_institution_closure_institution_id"), ["institution_id"], unique=False)

    op.create_table(
        "key_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=True),
        sa.Column("vaccination_status", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("check_every_days", sa.Integer(), nullable=False),
        sa.Column("checker", sa.String(length=100), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=True),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=100), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_key_person_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_person")),
    )
    with op.batch_alter_table("key_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_person_grade"), ["grade"], unique=False)
        batch_op.create_index(batch_op.f("ix_key_person_person_id"), ["person_id"], unique=False)

    op.create_table(
        "institution_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("infection_id", sa.Integer(), nullable=False),
        sa.Column("infected", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raised_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["infection_id"], ["infection.id"], name=op.f("fk_institution_alert_infection_id_infection")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["key_institution.id"], name=op.f("fk_institution_alert_institution_id_key_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_alert")),
        sa.UniqueConstraint("institution_id", "infection_id", name="uq_institution_alert_infection"),
    )
    with op.batch_alter_table("institution_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institution_alert_infection_id"), ["infection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_institution_alert_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_institution_alert_status"), ["status"], unique=False)

    op.create_table(
        "key_person_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_person_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("checked_by", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=True),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_person_id"], ["key_person.id"], name=op.f("fk_key_person_check_key_person_id_key_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_person_check")),
    )
    with op.batch_alter_table("key_person_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_person_check_key_person_id"), ["key_person_id"], unique=False)

    op.create_table(
        "institution_alert_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("due_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("done_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=100), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["institution_alert.id"], name=op.f("fk_institution_alert_item_alert_id_institution_alert")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_alert_item")),
    )
    with op.batch_alter_table("institution_alert_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institution_alert_item_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_institution_alert_item_due_at"), ["due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("institution_alert_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institution_alert_item_due_at"))
        batch_op.drop_index(batch_op.f("ix_institution_alert_item_alert_id"))

    op.drop_table("institution_alert_item")
    with op.batch_alter_table("key_person_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_person_check_key_person_id"))

    op.drop_table("key_person_check")
    with op.batch_alter_table("institution_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institution_alert_status"))
        batch_op.drop_index(batch_op.f("ix_institution_alert_institution_id"))
        batch_op.drop_index(batch_op.f("ix_institution_alert_infection_id"))

    op.drop_table("institution_alert")
    with op.batch_alter_table("key_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_person_person_id"))
        batch_op.drop_index(batch_op.f("ix_key_person_grade"))

    op.drop_table("key_person")
    with op.batch_alter_table("key_institution_closure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_institution_closure_institution_id"))

    op.drop_table("key_institution_closure")
    with op.batch_alter_table("key_institution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_institution_kind"))
        batch_op.drop_index(batch_op.f("ix_key_institution_jurisdiction_code"))

    op.drop_table("key_institution")
