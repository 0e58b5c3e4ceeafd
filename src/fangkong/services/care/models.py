"""Care facilities, their beds and staff, staff absences, recorded severities and stays (measure 11)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class CareFacility(Base):
    """A facility that cares for infections, in a jurisdiction, with its beds and staff by kind (measure 11: beds and
    critical-care beds prepared in advance). Beds and staff are counts; a convertible ICU bed is a general bed until
    converted (rules.staffed_beds)."""

    __tablename__ = "care_facility"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # CareFacilityKind
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # FacilityStatus
    isolation_site_id: Mapped[int | None] = mapped_column(ForeignKey("isolation_site.id"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    general_beds: Mapped[int] = mapped_column(Integer, default=0)
    icu_beds: Mapped[int] = mapped_column(Integer, default=0)
    convertible_icu_beds: Mapped[int] = mapped_column(Integer, default=0)
    doctors: Mapped[int] = mapped_column(Integer, default=0)
    nurses: Mapped[int] = mapped_column(Integer, default=0)
    critical_care_nurses: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StaffAbsence(Base):
    """Staff of one kind infected or otherwise absent from a facility on one day (measure 11: the plan for when medical
    staff are infected). One row a facility, day and kind; a second report replaces the first."""

    __tablename__ = "care_staff_absence"
    __table_args__ = (UniqueConstraint("facility_id", "on", "staff_kind", name="uq_care_staff_absence_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("care_facility.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    staff_kind: Mapped[str] = mapped_column(String(32))  # StaffKind
    infected: Mapped[int] = mapped_column(Integer, default=0)
    absent: Mapped[int] = mapped_column(Integer, default=0)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class InfectionSeverity(Base):
    """The clinical severity of an infection as recorded, with the admission decision taken on it (measure 11: admission
    standards by clinical severity). The history of an infection is its rows in order; the last one is in force."""

    __tablename__ = "infection_severity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    infection_id: Mapped[int] = mapped_column(ForeignKey("infection.id"), index=True)
    severity: Mapped[str] = mapped_column(String(16))  # Severity
    risk_factors: Mapped[list[str]] = mapped_column(JSON, default=list)
    home_conditions_met: Mapped[bool] = mapped_column(Boolean)
    recorded_on: Mapped[date] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(32))  # CareLevel decided
    facility: Mapped[str] = mapped_column(String(32))  # Facility decided
    high_risk: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    policy: Mapped[str | None] = mapped_column(String(32))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CareStay(Base):
    """An infection's stay in a facility in one bed kind at one level (measure 11). A transfer ends one stay and starts
    another; a stay with no `ended_on` occupies its bed."""

    __tablename__ = "care_stay"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    infection_id: Mapped[int] = mapped_column(ForeignKey("infection.id"), index=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("care_facility.id"), index=True)
    bed_kind: Mapped[str] = mapped_column(String(32))  # BedKind
    level: Mapped[str] = mapped_column(String(32))  # CareLevel
    started_on: Mapped[date] = mapped_column(Date, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end: Mapped[str | None] = mapped_column(String(16))  # StayEnd
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
