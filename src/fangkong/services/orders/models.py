"""Management orders: a person placed in a category, the plan the rules gave, and what happened since."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fangkong.services.persons.models import Person
from fangkong.services.store import Base, UtcDateTime, utcnow


class OrderStatus(StrEnum):
    active = "active"
    released = "released"
    cancelled = "cancelled"
    transferred = "transferred"  # to a designated or makeshift hospital
    superseded = "superseded"  # ended by the person's infection, isolated at home under an order of its own (n10)


ORDER_STATUSES = tuple(OrderStatus)


class ManagementOrder(Base):
    __tablename__ = "management_order"
    __table_args__ = (
        # one active order of a category per person
        Index(
            "uq_management_order_active",
            "person_id",
            "category",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_management_order_status_released", "status", "released_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    anchor_kind: Mapped[str | None] = mapped_column(String(32))
    anchor_date: Mapped[date | None] = mapped_column(Date)
    start: Mapped[date] = mapped_column(Date)
    released_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=OrderStatus.active)
    status_reason: Mapped[str | None] = mapped_column(Text)
    policy_version: Mapped[str] = mapped_column(String(16))
    policy_date: Mapped[date] = mapped_column(Date)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)  # phases, tests, reasons as the rules gave them
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    placed_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012 - SQLAlchemy's declarative API


class OrderEvent(Base):
    """The history of an order: placed, recomputed under a new version, released, cancelled, transferred."""

    __tablename__ = "order_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("management_order.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class Sampling(Base):
    """A sample taken from a person under an order on a test day (the result arrives through the lab import)."""

    __tablename__ = "sampling"
    __table_args__ = (UniqueConstraint("order_id", "sampled_on", name="uq_sampling_order_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("management_order.id"), index=True)
    sampled_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
