"""enterprises and industrial parks: the registry, plans and their ledgers, returning workers' checks, stop orders

Revision ID: 0030
Revises: 0029

Issue 21, measure 19: enterprises (private ones included) and parks in their jurisdictions; one plan per enterprise
and per park with its chain of responsibility and ledger of checks; returning workers checked before they return to
work; orders stopping production, kept with their approval (the guard refuses the others).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fangkong.services.store import UtcDateTime

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def _recorded() -> sa.Column[object]:
    return sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "enterprise_park",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _recorded(),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_enterprise_park_jurisdiction_code_jurisdiction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_park")),
        sa.UniqueConstraint("name", name=op.f("uq_enterprise_park_name")),
    )
    op.create_index(op.f("ix_enterprise_park_jurisdiction_code"), "enterprise_park", ["jurisdiction_code"])
    op.create_table(
        "enterprise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ownership", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=32), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=True),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("white_listed", sa.Boolean(), nullable=False),
        sa.Column("key_supply_chain", sa.Boolean(), nullable=False),
        sa.Column("producing", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _recorded(),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdiction.code"], name=op.f("fk_enterprise_jurisdiction_code_jurisdiction")
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["enterprise_park.id"], name=op.f("fk_enterprise_park_id_enterprise_park")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise")),
        sa.UniqueConstraint("name", name=op.f("uq_enterprise_name")),
    )
    op.create_index(op.f("ix_enterprise_jurisdiction_code"), "enterprise", ["jurisdiction_code"])
    op.create_index(op.f("ix_enterprise_park_id"), "enterprise", ["park_id"])
    op.create_index(op.f("ix_enterprise_white_listed"), "enterprise", ["white_listed"])
    op.create_table(
        "enterprise_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("park_id", sa.Integer(), nullable=True),
        sa.Column("chain", sa.JSON(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _recorded(),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_enterprise_plan_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["enterprise_park.id"], name=op.f("fk_enterprise_plan_park_id_enterprise_park")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_plan")),
        sa.UniqueConstraint("enterprise_id", name=op.f("uq_enterprise_plan_enterprise_id")),
        sa.UniqueConstraint("park_id", name=op.f("uq_enterprise_plan_park_id")),
    )
    op.create_table(
        "enterprise_plan_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("checker", sa.String(length=100), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _recorded(),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["enterprise_plan.id"], name=op.f("fk_enterprise_plan_check_plan_id_enterprise_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_plan_check")),
    )
    op.create_index(op.f("ix_enterprise_plan_check_plan_id"), "enterprise_plan_check", ["plan_id"])
    op.create_table(
        "enterprise_return_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("returning_from", sa.String(length=32), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _recorded(),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_enterprise_return_check_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_enterprise_return_check_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_return_check")),
    )
    op.create_index(op.f("ix_enterprise_return_check_enterprise_id"), "enterprise_return_check", ["enterprise_id"])
    op.create_index(op.f("ix_enterprise_return_check_person_id"), "enterprise_return_check", ["person_id"])
    op.create_table(
        "enterprise_stop_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("stop_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approval_ref", sa.String(length=100), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _recorded(),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_enterprise_stop_order_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_stop_order")),
    )
    op.create_index(op.f("ix_enterprise_stop_order_enterprise_id"), "enterprise_stop_order", ["enterprise_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_enterprise_stop_order_enterprise_id"), table_name="enterprise_stop_order")
    op.drop_table("enterprise_stop_order")
    op.drop_index(op.f("ix_enterprise_return_check_person_id"), table_name="enterprise_return_check")
    op.drop_index(op.f("ix_enterprise_return_check_enterprise_id"), table_name="enterprise_return_check")
    op.drop_table("enterprise_return_check")
    op.drop_index(op.f("ix_enterprise_plan_check_plan_id"), table_name="enterprise_plan_check")
    op.drop_table("enterprise_plan_check")
    op.drop_table("enterprise_plan")
    op.drop_index(op.f("ix_enterprise_white_listed"), table_name="enterprise")
    op.drop_index(op.f("ix_enterprise_park_id"), table_name="enterprise")
    op.drop_index(op.f("ix_enterprise_jurisdiction_code"), table_name="enterprise")
    op.drop_table("enterprise")
    op.drop_index(op.f("ix_enterprise_park_jurisdiction_code"), table_name="enterprise_park")
    op.drop_table("enterprise_park")
