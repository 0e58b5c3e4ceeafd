"""a stored code says through which day it stands; a change of colour names the event that made it

Revision ID: 0011
Revises: 0010

Codes follow events (issue 14): every change that can change a code refreshes the codes of the people it
affects in the same transaction, so a stored status is current the moment it is committed. A status also stands
for days without any event — someone with no order, infection, hold or risk area is green until something
happens — so `health_code.until` records the last day the stored status holds (NULL: until an event or a change
of the rules; `rules.health_code.steady_through`). The venue check answers from the row for any day from `on`
through `until`, and the daily job recomputes only the rows that end before the day.

Existing rows were written for their own day only: `until` = `on`.

`health_code_change.cause` names the event (an order cancelled, a lab import, an area lifted, the daily job).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("health_code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("until", sa.Date(), nullable=True))
    op.execute('UPDATE health_code SET until = "on"')
    with op.batch_alter_table("health_code_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cause", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("health_code_change", schema=None) as batch_op:
        batch_op.drop_column("cause")
    with op.batch_alter_table("health_code", schema=None) as batch_op:
        batch_op.drop_column("until")
