"""The key-population registry and its checks, key institutions, their closed-management periods and their alerts
(measure 14)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class KeyPerson(Base):
    """A person's entry on the key-population registry with their health-and-safety plan (measure 14: 摸清底数 ...
    分类分级管理): why they are on it (`kinds`), the risk grade of `rules.risk_grade` on the day recorded, who checks on
    them and how often. One open entry a person; an ended entry stays as history."""

    __tablename__ = "key_person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # KeyPopulationKind
    note: Mapped[str | None] = mapped_column(String(400))
    vaccination_status: Mapped[str] = mapped_column(String(16))  # VaccinationStatus the grade was taken on
    grade: Mapped[str] = mapped_column(String(16), index=True)  # RiskGrade
    check_every_days: Mapped[int] = mapped_column(Integer)
    checker: Mapped[str | None] = mapped_column(String(100))  # the username who checks on the person
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    policy: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class KeyPersonCheck(Base):
    """One health-and-safety check on a key person (measure 14): when, by whom, what it found."""

    __tablename__ = "key_person_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_person_id: Mapped[int] = mapped_column(ForeignKey("key_person.id"), index=True)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    checked_by: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(16))  # CheckOutcome
    note: Mapped[str | None] = mapped_column(String(400))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class KeyInstitution(Base):
    """A nursing home, psychiatric hospital or welfare home in a jurisdiction, with its residents and staff
    (measure 14: 加强养老院、儿童福利院、精神专科医院等机构的防护)."""

    __tablename__ = "key_institution"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # KeyInstitutionKind
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    residents: Mapped[int] = mapped_column(Integer, default=0)
    staff: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ClosedManagement(Base):
    """A period of closed management of a key institution (measure 14), from a day to a day (open-ended while
    `ends_on` is None)."""

    __tablename__ = "key_institution_closure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("key_institution.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class InstitutionAlert(Base):
    """An alert raised when an infection is linked to a key institution (measure 14), with the checklist of
    `rules.institution_alert`. One alert an institution and infection."""

    __tablename__ = "institution_alert"
    __table_args__ = (UniqueConstraint("institution_id", "infection_id", name="uq_institution_alert_infection"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("key_institution.id"), index=True)
    infection_id: Mapped[int] = mapped_column(ForeignKey("infection.id"), index=True)
    infected: Mapped[str] = mapped_column(String(16))  # InfectedRole
    status: Mapped[str] = mapped_column(String(16), index=True)  # InstitutionAlertStatus
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    raised_by: Mapped[str] = mapped_column(String(100))
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    policy: Mapped[str | None] = mapped_column(String(32))


class AlertItem(Base):
    """One item of an institution alert's checklist, due by an instant and marked done (measure 14)."""

    __tablename__ = "institution_alert_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("institution_alert.id"), index=True)
    step: Mapped[str] = mapped_column(String(32))  # AlertStep
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by: Mapped[str | None] = mapped_column(String(100))
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


class InstitutionMember(Base):
    """A person living or working in a key institution (measure 14: 养老院、儿童福利院、精神专科医院 "residents and
    staff"), from a day to a day (still there while `ended_on` is None). An infection recorded for a current member
    raises the institution's alert by itself (`key_populations.members.alert_on_infection`)."""

    __tablename__ = "institution_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("key_institution.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # InfectedRole: resident or staff
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
