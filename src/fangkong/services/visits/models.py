"""A community worker's visit to a person under a home phase of their order."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fangkong.services.persons.models import Person
from fangkong.services.store import Base, UtcDateTime, utcnow


class HomeVisit(Base):
    """One visit a day per order: a second one the same day is refused (the first is the day's record)."""

    __tablename__ = "home_visit"
    __table_args__ = (UniqueConstraint("order_id", "visited_on", name="uq_home_visit_order_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("management_order.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    visited_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    at_home: Mapped[bool] = mapped_column(Boolean)
    temperature: Mapped[float | None] = mapped_column(Float)
    symptoms: Mapped[list[str]] = mapped_column(JSON)
    stayed_home: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[str]] = mapped_column(JSON)  # why it is flagged (rules.home_visit.FollowUp)
    recorded_by: Mapped[str] = mapped_column(String(100))

    person: Mapped[Person] = relationship(lazy="joined")
