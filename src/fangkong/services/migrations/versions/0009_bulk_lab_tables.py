"""lab results and sample members without per-row foreign-key triggers

Revision ID: 0009
Revises: 0008

A lab's day is a million results over nine million pool members. On PostgreSQL a foreign key is checked by a
trigger per inserted row: in a COPY of 1 M results the two keys of `lab_result` took 15 s of 19 s. The imports
already guarantee what the keys guarded — every result is matched to its registered sample, every member to a
registered person, in the same transaction, or the file is refused — and samples, results and people are never
deleted. So these four keys go, and the unique constraints stay (they are what makes the imports idempotent).
The index on `sample_member.sample_id` goes too: the unique (sample_id, person_id) index serves it.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lab_result", schema=None) as batch_op:
        batch_op.drop_constraint("fk_lab_result_sample_id_sample", type_="foreignkey")
        batch_op.drop_constraint("fk_lab_result_import_id_lab_import", type_="foreignkey")
    with op.batch_alter_table("sample_member", schema=None) as batch_op:
        batch_op.drop_constraint("fk_sample_member_sample_id_sample", type_="foreignkey")
        batch_op.drop_constraint("fk_sample_member_person_id_person", type_="foreignkey")
        batch_op.drop_index("ix_sample_member_sample_id")


def downgrade() -> None:
    with op.batch_alter_table("sample_member", schema=None) as batch_op:
        batch_op.create_index("ix_sample_member_sample_id", ["sample_id"], unique=False)
        batch_op.create_foreign_key("fk_sample_member_person_id_person", "person", ["person_id"], ["id"])
        batch_op.create_foreign_key("fk_sample_member_sample_id_sample", "sample", ["sample_id"], ["id"])
    with op.batch_alter_table("lab_result", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_lab_result_import_id_lab_import", "lab_import", ["import_id"], ["id"])
        batch_op.create_foreign_key("fk_lab_result_sample_id_sample", "sample", ["sample_id"], ["id"])
