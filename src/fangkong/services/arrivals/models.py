"""An arrival from another province and the community's follow-up of a missed test on arrival (measure 15)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fangkong.services.persons.models import Person
from fangkong.services.store import Base, UtcDateTime, utcnow


class Arrival(Base):
    """A person who arrived in a jurisdiction from another province at an instant: one row per person and instant (an
    import of the same arrival twice is one arrival). The test's state is not stored: `rules.landing_check` reads it
    from the person's samples each time, so a sample imported later settles it."""

    __tablename__ = "arrival"
    __table_args__ = (UniqueConstraint("person_id", "arrived_at", name="uq_arrival_person_instant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    arrived_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    from_province: Mapped[str] = mapped_column(String(2))  # GB/T 2260 province code
    from_place: Mapped[str | None] = mapped_column(String(200))  # the city or county left, as said
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)  # where they stay
    migrant_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    employer: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    person: Mapped[Person] = relationship(lazy="joined")


class ArrivalFollowUp(Base):
    """What came of reminding an arrival who missed the test (ArrivalFollowUpOutcome); a reminder, never a restriction
    (m20-docs.testing)."""

    __tablename__ = "arrival_follow_up"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    arrival_id: Mapped[int] = mapped_column(ForeignKey("arrival.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
