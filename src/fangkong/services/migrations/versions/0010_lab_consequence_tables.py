"""holds and retests without per-row foreign-key triggers; no index on a result's outcome

Revision ID: 0010
Revises: 0009

A day's positive pools hold tens of thousands of members at once: each is put under temporary control and owed a
retest, written with one INSERT … SELECT each. On PostgreSQL the foreign keys of those two tables are checked by a
trigger per row — 0.5 s of the 0.7 s it took to hold 45 000 members. As for the results and members (0009), the
import is the only writer of holds and retests, and writes them only for the samples and people it has just
matched, in the same transaction; samples and people are never deleted. So these five keys go.

`lab_result.outcome` loses its index: no query selects results by outcome, and keeping a six-valued index
current cost 1.2–1.7 s of every million results stored.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("temporary_control", schema=None) as batch_op:
        batch_op.drop_constraint("fk_temporary_control_person_id_person", type_="foreignkey")
        batch_op.drop_constraint("fk_temporary_control_sample_id_sample", type_="foreignkey")
    with op.batch_alter_table("retest", schema=None) as batch_op:
        batch_op.drop_constraint("fk_retest_person_id_person", type_="foreignkey")
        batch_op.drop_constraint("fk_retest_after_sample_id_sample", type_="foreignkey")
        batch_op.drop_constraint("fk_retest_done_sample_id_sample", type_="foreignkey")
    with op.batch_alter_table("lab_result", schema=None) as batch_op:
        batch_op.drop_index("ix_lab_result_outcome")


def downgrade() -> None:
    with op.batch_alter_table("lab_result", schema=None) as batch_op:
        batch_op.create_index("ix_lab_result_outcome", ["outcome"], unique=False)
    with op.batch_alter_table("retest", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_retest_done_sample_id_sample", "sample", ["done_sample_id"], ["id"])
        batch_op.create_foreign_key("fk_retest_after_sample_id_sample", "sample", ["after_sample_id"], ["id"])
        batch_op.create_foreign_key("fk_retest_person_id_person", "person", ["person_id"], ["id"])
    with op.batch_alter_table("temporary_control", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_temporary_control_sample_id_sample", "sample", ["sample_id"], ["id"])
        batch_op.create_foreign_key("fk_temporary_control_person_id_person", "person", ["person_id"], ["id"])
