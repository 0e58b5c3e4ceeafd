"""failed logins in the store, so that every worker process counts the same ones

Revision ID: 0019
Revises: 0018

Issue 17: the login limits (5 failures an account, 20 an address, in 15 minutes) were counted in each server
process; `fangkong serve --workers N` allowed N times as many guesses. The failures now live in a table that
`limits`' moving window reads through `services.users.throttle.StoreStorage`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
    )
    op.create_index("ix_login_failure_key", "login_failure", ["key"])


def downgrade() -> None:
    op.drop_index("ix_login_failure_key", table_name="login_failure")
    op.drop_table("login_failure")
