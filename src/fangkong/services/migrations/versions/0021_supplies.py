"""medicines and equipment per site: sites, items, the movement ledger, the stock it keeps, patients' requests

Revision ID: 0021
Revises: 0020

Issue 18, measure 13 (m20.13): reserves of treatment drugs, traditional Chinese medicine prescriptions, first-aid
drugs and equipment per site; days of supply and reorder alerts from the ledger; short stock allocated to the severe
high-risk and elderly first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supply_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_item")),
        sa.UniqueConstraint("code", name=op.f("uq_supply_item_code")),
    )
    with op.batch_alter_table("supply_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supply_item_category"), ["category"], unique=False)

    op.create_table(
        "supply_site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_supply_site_jurisdiction_code_jurisdiction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_site")),
        sa.UniqueConstraint("name", name=op.f("uq_supply_site_name")),
    )
    with op.batch_alter_table("supply_site", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supply_site_jurisdiction_code"), ["jurisdiction_code"], unique=False)

    op.create_table(
        "supply_stock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_supply_stock_not_negative")),
        sa.ForeignKeyConstraint(["item_id"], ["supply_item.id"], name=op.f("fk_supply_stock_item_id_supply_item")),
        sa.ForeignKeyConstraint(["site_id"], ["supply_site.id"], name=op.f("fk_supply_stock_site_id_supply_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_stock")),
        sa.UniqueConstraint("site_id", "item_id", name="uq_supply_stock_site_item"),
    )
    with op.batch_alter_table("supply_stock", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supply_stock_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supply_stock_site_id"), ["site_id"], unique=False)

    op.create_table(
        "supply_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("infection_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("risk_factors", sa.JSON(), nullable=False),
        sa.Column("requested_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("granted", sa.Integer(), nullable=True),
        sa.Column("group", sa.String(length=16), nullable=True),
        sa.Column("turn", sa.Integer(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("allocated_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("allocated_by", sa.String(length=100), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["infection_id"], ["infection.id"], name=op.f("fk_supply_request_infection_id_infection")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["supply_item.id"], name=op.f("fk_supply_request_item_id_supply_item")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_supply_request_person_id_person")),
        sa.ForeignKeyConstraint(["site_id"], ["supply_site.id"], name=op.f("fk_supply_request_site_id_supply_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_request")),
    )
    with op.batch_alter_table("supply_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supply_request_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supply_request_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supply_request_requested_at"), ["requested_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_supply_request_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supply_request_status"), ["status"], unique=False)

    op.create_table(
        "supply_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("other_site_id", sa.Integer(), nullable=True),
        sa.Column("transfer_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("infection_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["infection_id"], ["infection.id"], name=op.f("fk_supply_movement_infection_id_infection")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["supply_item.id"], name=op.f("fk_supply_movement_item_id_supply_item")),
        sa.ForeignKeyConstraint(
            ["other_site_id"], ["supply_site.id"], name=op.f("fk_supply_movement_other_site_id_supply_site")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_supply_movement_person_id_person")),
        sa.ForeignKeyConstraint(
            ["request_id"], ["supply_request.id"], name=op.f("fk_supply_movement_request_id_supply_request")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["supply_site.id"], name=op.f("fk_supply_movement_site_id_supply_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_movement")),
    )
    with op.batch_alter_table("supply_movement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supply_movement_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_supply_movement_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supply_movement_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supply_movement_site_id"), ["site_id"], unique=False)
        batch_op.create_index("ix_supply_movement_site_item_day", ["site_id", "item_id", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("supply_movement", schema=None) as batch_op:
        batch_op.drop_index("ix_supply_movement_site_item_day")
        batch_op.drop_index(batch_op.f("ix_supply_movement_site_id"))
        batch_op.drop_index(batch_op.f("ix_supply_movement_person_id"))
        batch_op.drop_index(batch_op.f("ix_supply_movement_item_id"))
        batch_op.drop_index(batch_op.f("ix_supply_movement_day"))

    op.drop_table("supply_movement")
    with op.batch_alter_table("supply_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_request_status"))
        batch_op.drop_index(batch_op.f("ix_supply_request_site_id"))
        batch_op.drop_index(batch_op.f("ix_supply_request_requested_at"))
        batch_op.drop_index(batch_op.f("ix_supply_request_person_id"))
        batch_op.drop_index(batch_op.f("ix_supply_request_item_id"))

    op.drop_table("supply_request")
    with op.batch_alter_table("supply_stock", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_stock_site_id"))
        batch_op.drop_index(batch_op.f("ix_supply_stock_item_id"))

    op.drop_table("supply_stock")
    with op.batch_alter_table("supply_site", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_site_jurisdiction_code"))

    op.drop_table("supply_site")
    with op.batch_alter_table("supply_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_item_category"))

    op.drop_table("supply_item")
