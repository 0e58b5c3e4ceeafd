"""health codes rewritten in place: no index on the colour, room on each page, a change log without a key check

Revision ID: 0012
Revises: 0011

Codes follow events (issue 14): a day's lab import rewrites the codes of the 45 k people it holds inside its
own transaction, and the daily job the codes whose day has passed. Measured on 9.1 M stored codes (PostgreSQL,
fsync on), three things made those writes cost more than they need:

- `ix_health_code_colour`: three colours over millions of rows select nothing an index helps with (the counts by
  colour read every row either way), and an indexed column changing makes every rewrite of a code insert into
  every index of the table;
- full pages: with the colour unindexed, a rewrite of a code can stay on its page (a heap-only tuple, no index
  entry at all) when the page has room; `fillfactor = 85` leaves that room on the pages written from now on
  (PostgreSQL only). The UPDATE of 45 k codes: 0.47 s → 0.26 s;
- the log's key to `person`: each change recorded locked its person's row (FOR KEY SHARE), a write to a page of
  the person table per change — 0.5–0.8 s of the 45 k changes' 0.52–0.99 s. A change is written only beside
  the code it changes (whose own key checks the person, and people are never deleted), so the log keeps its
  index on `person_id` and drops the key.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("health_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_code_colour"))
    with op.batch_alter_table("health_code_change", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_health_code_change_person_id_person"), type_="foreignkey")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE health_code SET (fillfactor = 85)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE health_code RESET (fillfactor)")
    with op.batch_alter_table("health_code_change", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_health_code_change_person_id_person"), "person", ["person_id"], ["id"]
        )
    with op.batch_alter_table("health_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_code_colour"), ["colour"], unique=False)
