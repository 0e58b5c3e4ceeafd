"""Complaints and hotline calls (接诉即办, measure 18), their escalations, and the typical cases published from them
(measure 16's public exposure)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class Complaint(Base):
    """One complaint or hotline call: what happened, where, who is affected, routed to a jurisdiction and department
    with a response deadline by urgency (rules.complaints). The complainant's name, phone and ID number are personal
    data: masked in lists, every read audited."""

    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # a Channel
    complainant_kind: Mapped[str] = mapped_column(String(16))  # a ComplainantKind
    complainant_name: Mapped[str | None] = mapped_column(String(100))
    complainant_phone: Mapped[str | None] = mapped_column(String(32))
    complainant_id_number: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32), index=True)  # a ComplaintCategory
    content: Mapped[str] = mapped_column(Text)  # what happened
    place: Mapped[str | None] = mapped_column(String(400))  # where
    affected: Mapped[str | None] = mapped_column(String(400))  # who is affected
    # routed to: the responsible jurisdiction (who may see it, where escalation climbs from) and department
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    jurisdiction_path: Mapped[str] = mapped_column(String(400), index=True)
    department: Mapped[str] = mapped_column(String(24))  # a Department
    urgency: Mapped[str] = mapped_column(String(16))  # an Urgency
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    received_by: Mapped[str] = mapped_column(String(100))
    deadline: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), index=True)  # a ComplaintStatus
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(100))
    feedback: Mapped[str | None] = mapped_column(Text)  # what the complainant was told at closing
    rectification: Mapped[str | None] = mapped_column(Text)  # what was put right, for a clue found true
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("overreach_finding.id"), index=True)


class ComplaintEscalation(Base):
    """A late complaint escalated one level further up the jurisdiction tree (complaints-escalation); each level
    once."""

    __tablename__ = "complaint_escalation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    to_jurisdiction_code: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(100))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class ComplaintCase(Base):
    """A rectified typical case published on the public page (measure 16: 通报曝光典型案例), without personal data."""

    __tablename__ = "complaint_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), unique=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)  # what happened
    rectification: Mapped[str] = mapped_column(Text)  # how it was put right
    clause: Mapped[str | None] = mapped_column(String(40))  # the rule the case broke
    published_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    published_by: Mapped[str] = mapped_column(String(100))
