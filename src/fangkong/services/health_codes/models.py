"""Each person's health-code status as last computed, and every change of colour (the audit of codes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class HealthCode(Base):
    __tablename__ = "health_code"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)  # what the code's QR carries instead of the ID
    # not indexed: three colours select nothing, and an unindexed colour lets a rewrite stay on its page
    # (migration 0012)
    colour: Mapped[str] = mapped_column(String(8))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    on: Mapped[date] = mapped_column(Date)  # the day the status was computed for
    # the last day it stands without a new event (None: until an event or a change of the rules)
    until: Mapped[date | None] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class HealthCodeChange(Base):
    __tablename__ = "health_code_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # no key to `person`: a change is written only beside the code it changes, whose key checks the person, and
    # each check would lock (write) a person row (migration 0012)
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    on: Mapped[date] = mapped_column(Date)
    from_colour: Mapped[str | None] = mapped_column(String(8))
    to_colour: Mapped[str] = mapped_column(String(8))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    by: Mapped[str] = mapped_column(String(100))  # the job or user that recomputed it
    cause: Mapped[str | None] = mapped_column(String(60))  # the event that made it: "order.cancelled", "lab.results"
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
