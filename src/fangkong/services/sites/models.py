"""Centralized isolation sites (hotels and the like), their rooms, and who is in which room."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class IsolationSite(Base):
    __tablename__ = "isolation_site"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(400))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Room(Base):
    __tablename__ = "isolation_room"
    __table_args__ = (UniqueConstraint("site_id", "number", name="uq_isolation_room_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("isolation_site.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))


class RoomAssignment(Base):
    """A person under an order in a room from `from_date`; they leave at the end of the plan's centralized
    isolation, or on `ended_on` when the order ends early (release, transfer, cancellation, new rules)."""

    __tablename__ = "room_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("isolation_room.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("management_order.id"), index=True)
    from_date: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    assigned_by: Mapped[str] = mapped_column(String(100))
