"""early-warning alerts raised by multi-point triggering, and their verification

Revision ID: 0029
Revises: 0028

Issue 20, measure 15: an alert per jurisdiction and day when two or more signal channels alarm within a window or
one alarms strongly; a task with a verification deadline, an assignee and an outcome (a confirmed cluster linked to
its infections, or a false alarm).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "warning_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raised_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("verify_by", UtcDateTime(timezone=True), nullable=False),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("infection_ids", sa.JSON(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_warning_alert_jurisdiction_code_jurisdiction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_alert")),
        sa.UniqueConstraint("jurisdiction_code", "raised_on", name="uq_warning_alert_place_day"),
    )
    with op.batch_alter_table("warning_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warning_alert_jurisdiction_code"), ["jurisdiction_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_warning_alert_raised_on"), ["raised_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_warning_alert_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_warning_alert_verify_by"), ["verify_by"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("warning_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warning_alert_verify_by"))
        batch_op.drop_index(batch_op.f("ix_warning_alert_status"))
        batch_op.drop_index(batch_op.f("ix_warning_alert_raised_on"))
        batch_op.drop_index(batch_op.f("ix_warning_alert_jurisdiction_code"))
    op.drop_table("warning_alert")
