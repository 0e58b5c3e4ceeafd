"""health codes keep room on every page for a new version of each row (PostgreSQL)

Revision ID: 0015
Revises: 0014

A change of the rules rewrites every stored code (their reasons cite the new version's clause). On PostgreSQL an
UPDATE writes a new version of each row; it stays on its page, with no index entry at all (a heap-only tuple), only
when the page has room for it. With `fillfactor = 85` (migration 0012) about one row in six found room: the rest
moved to other pages and each inserted into the primary key and the token index — one UPDATE of 20 M codes took
448 s on this machine with the server's defaults, whatever the row held (the same rows with a 4-byte key instead of
their reasons took 485–514 s). With `fillfactor = 45` every page keeps room for a new version of each of its rows:
the same UPDATE took 40 s, every row heap-only (bench/pg_rewrite_floor.sql; bench/RESULTS.md). The price is the
table's size on disk, 6 GB → 11 GB for 20 M codes; the dead versions are pruned from a page when it is next
written, so each later rewrite finds the room again.

Pages already written keep their old packing until the table is rewritten (`VACUUM FULL health_code` in a
maintenance window); new codes are written at the new fill.
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE health_code SET (fillfactor = 45)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE health_code SET (fillfactor = 85)")
