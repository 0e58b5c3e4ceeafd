"""The campus registry, outbreak responses with their tasks, and approved closures (measure 18)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class Campus(Base):
    """A school or university of a jurisdiction: how many students and staff, boarding or day, how many staff families
    live off campus. `code` is the school's own identifier (the import's key: importing a file twice changes nothing).
    No person is named here: the registry holds counts."""

    __tablename__ = "campus"
    __table_args__ = (UniqueConstraint("code", name="uq_campus_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))  # CampusKind
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    jurisdiction_path: Mapped[str] = mapped_column(String(400), index=True)
    boarding: Mapped[bool] = mapped_column(Boolean, default=False)
    students: Mapped[int] = mapped_column(Integer, default=0)
    staff: Mapped[int] = mapped_column(Integer, default=0)
    off_campus_families: Mapped[int] = mapped_column(Integer, default=0)  # staff families living off campus
    closed_until: Mapped[date | None] = mapped_column(Date)  # the last day of the approved closure in force
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CampusResponse(Base):
    """A campus outbreak response: opened on a day, closed when every task is done."""

    __tablename__ = "campus_response"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"), index=True)
    outbreak_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | done
    policy: Mapped[str | None] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_by: Mapped[str] = mapped_column(String(100))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class CampusTask(Base):
    """One task of a response (measure 18's five), its owner, its deadline; done, or late and escalated once to the
    jurisdiction above the campus's."""

    __tablename__ = "campus_task"
    __table_args__ = (UniqueConstraint("response_id", "kind", name="uq_campus_task_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("campus_response.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # CampusTaskKind
    owner: Mapped[str] = mapped_column(String(100))
    deadline: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # CampusTaskStatus
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalated_to: Mapped[str | None] = mapped_column(String(32))


class CampusClosure(Base):
    """An approved closure of a campus, suspension of its classes or extension of a closure, with its approval record
    (a refused one is no row here but an over-reach finding)."""

    __tablename__ = "campus_closure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # CampusClosureKind
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    approval_ref: Mapped[str] = mapped_column(String(100))
    approved_by: Mapped[str] = mapped_column(String(100))
    approved_on: Mapped[date] = mapped_column(Date)
    policy: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
