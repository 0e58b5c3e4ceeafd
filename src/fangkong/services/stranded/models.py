"""Stranded persons (measure 20): people waiting to leave, their departure clearance and its assessment."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base


class StrandedStatus(StrEnum):
    waiting = "waiting"
    cleared = "cleared"
    not_cleared = "not_cleared"
    departed = "departed"


class StrandedPerson(Base):
    __tablename__ = "stranded_person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    origin_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    destination: Mapped[str] = mapped_column(String(200), index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=StrandedStatus.waiting, index=True)
    assessed_on: Mapped[date | None] = mapped_column(Date)
    assessment: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
