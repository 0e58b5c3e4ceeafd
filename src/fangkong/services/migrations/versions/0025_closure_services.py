"""services for people under closure: the needs list with deadlines and escalations, receiving points, hotline records

Revision ID: 0025
Revises: 0022

Issue 19, measure 17 (m20.17): a needs list per person under closure (medicine, dialysis, chemotherapy, prenatal
checks, emergencies, food, counselling), each a task with a deadline by urgency, an assignee and escalation when
late; fixed receiving points for deliveries; the hotline's records. Independent of the other tables of issue 19.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "closure_need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("jurisdiction_path", sa.String(length=400), nullable=False),
        sa.Column("address", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("raised_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("deadline", UtcDateTime(timezone=True), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("assigned_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("done_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.Column("refusal_ground", sa.String(length=24), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("refused_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("refused_by", sa.String(length=100), nullable=True),
        sa.Column("refusals", sa.Integer(), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_closure_need_jurisdiction_code_jurisdiction")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_closure_need_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closure_need")),
    )
    with op.batch_alter_table("closure_need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_closure_need_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_closure_need_jurisdiction_code"), ["jurisdiction_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_closure_need_jurisdiction_path"), ["jurisdiction_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_closure_need_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_closure_need_status"), ["status"], unique=False)
    op.create_table(
        "need_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("to_jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["need_id"], ["closure_need.id"], name=op.f("fk_need_escalation_need_id_closure_need")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_escalation")),
    )
    with op.batch_alter_table("need_escalation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_escalation_need_id"), ["need_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_need_escalation_to_jurisdiction_code"), ["to_jurisdiction_code"], unique=False
        )
    op.create_table(
        "receiving_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=400), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("hours", sa.String(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_receiving_point_jurisdiction_code_jurisdiction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receiving_point")),
    )
    with op.batch_alter_table("receiving_point", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receiving_point_jurisdiction_code"), ["jurisdiction_code"], unique=False)
    op.create_table(
        "hotline_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("caller_phone", sa.String(length=32), nullable=False),
        sa.Column("called_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_hotline_record_jurisdiction_code_jurisdiction")
        ),
        sa.ForeignKeyConstraint(["need_id"], ["closure_need.id"], name=op.f("fk_hotline_record_need_id_closure_need")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_record")),
    )
    with op.batch_alter_table("hotline_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_record_called_at"), ["called_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_record_jurisdiction_code"), ["jurisdiction_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_record_need_id"), ["need_id"], unique=False)


def downgrade() -> None:
    op.drop_table("hotline_record")
    op.drop_table("receiving_point")
    op.drop_table("need_escalation")
    op.drop_table("closure_need")
