"""the day a person's personal data was anonymised (retention, Personal Information Protection Law art. 47)

Revision ID: 0018
Revises: 0016

Issue 17: a daily job anonymises the personal data of people whose management ended more than the retention period
ago; the day it did so marks the record, so the job runs again without touching it twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("person", sa.Column("anonymised_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("anonymised_on")
