"""campuses: the registry of schools and universities, outbreak responses and their tasks, approved closures

Revision ID: 0032
Revises: 0029

Issue 21, measure 18: a campus registry (counts of students, staff, off-campus families; boarding or day), a response
per outbreak with the five tasks the measure names (owner, deadline, done, escalated once), and each approved closure
with its approval record (a refused one is an over-reach finding).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("jurisdiction_path", sa.String(length=400), nullable=False),
        sa.Column("boarding", sa.Boolean(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("off_campus_families", sa.Integer(), nullable=False),
        sa.Column("closed_until", sa.Date(), nullable=True),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_campus_jurisdiction_code_jurisdiction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campus")),
        sa.UniqueConstraint("code", name="uq_campus_code"),
    )
    with op.batch_alter_table("campus", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campus_jurisdiction_code"), ["jurisdiction_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_campus_jurisdiction_path"), ["jurisdiction_path"], unique=False)
    op.create_table(
        "campus_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("outbreak_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=True),
        sa.Column("opened_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["campus_id"], ["campus.id"], name=op.f("fk_campus_response_campus_id_campus")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campus_response")),
    )
    with op.batch_alter_table("campus_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campus_response_campus_id"), ["campus_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campus_response_status"), ["status"], unique=False)
    op.create_table(
        "campus_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("deadline", UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("escalated_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("escalated_to", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["response_id"], ["campus_response.id"], name=op.f("fk_campus_task_response_id_campus_response")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campus_task")),
        sa.UniqueConstraint("response_id", "kind", name="uq_campus_task_kind"),
    )
    with op.batch_alter_table("campus_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campus_task_response_id"), ["response_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campus_task_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_campus_task_status"), ["status"], unique=False)
    op.create_table(
        "campus_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("approval_ref", sa.String(length=100), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campus_id"], ["campus.id"], name=op.f("fk_campus_closure_campus_id_campus")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campus_closure")),
    )
    with op.batch_alter_table("campus_closure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campus_closure_campus_id"), ["campus_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("campus_closure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campus_closure_campus_id"))
    op.drop_table("campus_closure")
    with op.batch_alter_table("campus_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campus_task_status"))
        batch_op.drop_index(batch_op.f("ix_campus_task_deadline"))
        batch_op.drop_index(batch_op.f("ix_campus_task_response_id"))
    op.drop_table("campus_task")
    with op.batch_alter_table("campus_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campus_response_status"))
        batch_op.drop_index(batch_op.f("ix_campus_response_campus_id"))
    op.drop_table("campus_response")
    with op.batch_alter_table("campus", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campus_jurisdiction_path"))
        batch_op.drop_index(batch_op.f("ix_campus_jurisdiction_code"))
    op.drop_table("campus")
