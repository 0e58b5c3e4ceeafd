"""Venues with a venue code, the scans of those codes, and proposed close contacts of each infection."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class Venue(Base):
    __tablename__ = "venue"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(400))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)


class VenueScan(Base):
    """A person scanned a venue code (场所码) at an instant."""

    __tablename__ = "venue_scan"
    __table_args__ = (
        UniqueConstraint("person_id", "venue_code", "scanned_at", name="uq_venue_scan"),
        Index("ix_venue_scan_venue_at", "venue_code", "scanned_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    venue_code: Mapped[str] = mapped_column(ForeignKey("venue.code"))
    scanned_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CandidateStatus(StrEnum):
    proposed = "proposed"
    confirmed = "confirmed"
    dismissed = "dismissed"


class ContactCandidate(Base):
    """A proposed close contact (or, under the 9th edition, secondary close contact) awaiting an epidemiologist."""

    __tablename__ = "contact_candidate"
    __table_args__ = (UniqueConstraint("infection_id", "person_id", name="uq_contact_candidate"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    infection_id: Mapped[int] = mapped_column(ForeignKey("infection.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))  # close_contact | secondary_close_contact
    via_candidate_id: Mapped[int | None] = mapped_column(ForeignKey("contact_candidate.id"))  # secondary: whose
    source: Mapped[str] = mapped_column(String(16))  # interview | venue | household
    last_exposure: Mapped[date] = mapped_column(Date)
    detail: Mapped[str] = mapped_column(String(400))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=CandidateStatus.proposed, index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("management_order.id"))
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    proposed_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
