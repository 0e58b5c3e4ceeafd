"""complaints and hotline calls (接诉即办), their escalations, and the published typical cases

Revision ID: 0031
Revises: 0029

Issue 21, measures 18 and 16: one intake for complaints and hotline calls, routed to a jurisdiction and department
with a response deadline by urgency, escalated when late, closed only with feedback; clues of over-reach become
over-reach findings; rectified typical cases published without personal data.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("complainant_kind", sa.String(length=16), nullable=False),
        sa.Column("complainant_name", sa.String(length=100), nullable=True),
        sa.Column("complainant_phone", sa.String(length=32), nullable=True),
        sa.Column("complainant_id_number", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=400), nullable=True),
        sa.Column("affected", sa.String(length=400), nullable=True),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("jurisdiction_path", sa.String(length=400), nullable=False),
        sa.Column("department", sa.String(length=24), nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("received_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.Column("deadline", UtcDateTime(timezone=True), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("rectification", sa.Text(), nullable=True),
        sa.Column("closed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_complaint_jurisdiction_code_jurisdiction")
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["overreach_finding.id"], name=op.f("fk_complaint_finding_id_overreach_finding")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
    )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_jurisdiction_code"), ["jurisdiction_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_jurisdiction_path"), ["jurisdiction_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_finding_id"), ["finding_id"], unique=False)
    op.create_table(
        "complaint_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("to_jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name=op.f("fk_complaint_escalation_complaint_id_complaint")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_escalation")),
    )
    with op.batch_alter_table("complaint_escalation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_escalation_complaint_id"), ["complaint_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_complaint_escalation_to_jurisdiction_code"), ["to_jurisdiction_code"], unique=False
        )
    op.create_table(
        "complaint_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("rectification", sa.Text(), nullable=False),
        sa.Column("clause", sa.String(length=40), nullable=True),
        sa.Column("published_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name=op.f("fk_complaint_case_complaint_id_complaint")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_complaint_case_jurisdiction_code_jurisdiction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_case")),
        sa.UniqueConstraint("complaint_id", name=op.f("uq_complaint_case_complaint_id")),
    )
    with op.batch_alter_table("complaint_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_case_jurisdiction_code"), ["jurisdiction_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_case_published_at"), ["published_at"], unique=False)


def downgrade() -> None:
    op.drop_table("complaint_case")
    op.drop_table("complaint_escalation")
    op.drop_table("complaint")
