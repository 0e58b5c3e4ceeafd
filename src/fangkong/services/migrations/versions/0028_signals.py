"""early-warning signals: daily counts per jurisdiction, channel and day

Revision ID: 0028
Revises: 0027

Issue 20, measure 15 (m20.15: 多渠道监测预警): a daily count per jurisdiction, channel (fever clinics, pharmacy sales,
nucleic-acid positivity with its tests, sentinel influenza-like illness, absences, arrivals) and day, with where it
came from — an imported file or derived from the store. Only this table: independent of the other tables of issue 20.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signal_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("tests", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_signal_count_count_not_negative")),
        sa.CheckConstraint("tests IS NULL OR tests >= count", name=op.f("ck_signal_count_tests_cover_count")),
        sa.ForeignKeyConstraint(["import_id"], ["lab_import.id"], name=op.f("fk_signal_count_import_id_lab_import")),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_signal_count_jurisdiction_code_jurisdiction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_count")),
        sa.UniqueConstraint("jurisdiction_code", "channel", "day", name="uq_signal_count_place_channel_day"),
    )
    with op.batch_alter_table("signal_count", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_count_jurisdiction_code"), ["jurisdiction_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_count_day"), ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signal_count", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_count_day"))
        batch_op.drop_index(batch_op.f("ix_signal_count_jurisdiction_code"))
    op.drop_table("signal_count")
