"""Infections (confirmed cases and asymptomatic infections) and who infected whom."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class InfectionKind(StrEnum):
    confirmed = "confirmed"
    asymptomatic = "asymptomatic"


class Infection(Base):
    """One infected person's case record; a positive result that arrives twice finds the same record."""

    __tablename__ = "infection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    onset_on: Mapped[date | None] = mapped_column(Date)
    sampled_on: Mapped[date] = mapped_column(Date)
    confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    isolated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    discharged_on: Mapped[date | None] = mapped_column(Date)  # released from hospital or home isolation
    # where they were when found: community | centralized_isolation | home_isolation | home_health_monitoring
    # | temporary_control (section 3: a positive in home isolation triggers transmission-risk analysis)
    found_in: Mapped[str] = mapped_column(String(32))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    workplace: Mapped[str | None] = mapped_column(String(400))
    places: Mapped[list[str]] = mapped_column(JSON, default=list)  # activity places named in the interview
    source_infection_id: Mapped[int | None] = mapped_column(ForeignKey("infection.id"), index=True)
    source_note: Mapped[str | None] = mapped_column(Text)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("lab_result.id"))
    cite: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RePositive(Base):
    """A positive after the infection's discharge (出院后复阳): noted on the infection it belongs to, never a new
    case, and not counted by a risk area's clock (`rules.risk_area.finding_counts`). One per sampling day."""

    __tablename__ = "re_positive"
    __table_args__ = (UniqueConstraint("infection_id", "sampled_on", name="uq_re_positive_infection_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    infection_id: Mapped[int] = mapped_column(ForeignKey("infection.id"), index=True)
    sampled_on: Mapped[date] = mapped_column(Date)
    confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("lab_result.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
