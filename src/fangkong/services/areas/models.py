"""High-risk (and, under the 9th edition, medium-risk) areas: their delineation, the infections and screenings
that count for them, every level change, and the people proposed as spill-over from them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class DelineationReason(StrEnum):
    """Why a place is a high-risk area (measure 4): where an infected person lives, works or was often active."""

    residence = "residence"
    workplace = "workplace"
    activity_place = "activity_place"


class AreaEventKind(StrEnum):
    delineated = "delineated"
    level_change = "level_change"
    infection = "infection"
    infection_not_counted = "infection_not_counted"
    screening = "screening"


class SpilloverSource(StrEnum):
    venue_scan = "venue_scan"
    address_change = "address_change"
    declaration = "declaration"


class SpilloverStatus(StrEnum):
    proposed = "proposed"
    confirmed = "confirmed"


class RiskArea(Base):
    __tablename__ = "risk_area"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    reason: Mapped[str] = mapped_column(String(32))  # residence | workplace | activity_place
    justification: Mapped[str | None] = mapped_column(String(64))  # why wider than a building (section 3)
    note: Mapped[str | None] = mapped_column(Text)
    delineated_on: Mapped[date] = mapped_column(Date)
    delineated_level: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(8))  # as of `level_since`, kept current by the daily job
    level_since: Mapped[date] = mapped_column(Date)
    next_change_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)  # False once low, lifted or none
    advanced_to: Mapped[date] = mapped_column(Date)  # the day the daily job last brought it to
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RiskAreaEvent(Base):
    """The history of an area: delineated, infection counted (or not), screening, level changes, lifted."""

    __tablename__ = "risk_area_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk_area_id: Mapped[int] = mapped_column(ForeignKey("risk_area.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(24))
    level: Mapped[str | None] = mapped_column(String(8))
    clause: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RiskAreaInfection(Base):
    """An infection considered for an area; `counts` is False for those found in isolation or a closed loop."""

    __tablename__ = "risk_area_infection"
    __table_args__ = (UniqueConstraint("risk_area_id", "infection_id", name="uq_risk_area_infection"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk_area_id: Mapped[int] = mapped_column(ForeignKey("risk_area.id"), index=True)
    infection_id: Mapped[int] = mapped_column(ForeignKey("infection.id"), index=True)
    found_on: Mapped[date] = mapped_column(Date)
    counts: Mapped[bool] = mapped_column(Boolean)
    why: Mapped[str] = mapped_column(Text)


class RiskAreaScreening(Base):
    """A screening round of everyone in the area (the 9th edition's downgrade needs an all-negative one)."""

    __tablename__ = "risk_area_screening"
    __table_args__ = (UniqueConstraint("risk_area_id", "on", name="uq_risk_area_screening"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk_area_id: Mapped[int] = mapped_column(ForeignKey("risk_area.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    all_negative: Mapped[bool] = mapped_column(Boolean)


class SpilloverCandidate(Base):
    """Someone who left a high-risk area after it was delineated, proposed for measure 3's plan."""

    __tablename__ = "spillover_candidate"
    __table_args__ = (UniqueConstraint("risk_area_id", "person_id", name="uq_spillover_candidate"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk_area_id: Mapped[int] = mapped_column(ForeignKey("risk_area.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    left_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))  # venue_scan | address_change | declaration
    detail: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(16), default=SpilloverStatus.proposed, index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("management_order.id"))
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100))
