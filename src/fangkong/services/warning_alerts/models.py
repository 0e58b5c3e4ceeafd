"""An early-warning alert of one jurisdiction on one day and its verification (measure 15: multi-point triggering)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class WarningAlert(Base):
    """One alert per jurisdiction and day (the daily job run twice raises it once). `evidence`: the alarms that raised
    it (channel, day, count, upper bound); `infection_ids`: the infections a confirmed cluster led to, whose tracing
    is theirs; every change is in the audit trail."""

    __tablename__ = "warning_alert"
    __table_args__ = (UniqueConstraint("jurisdiction_code", "raised_on", name="uq_warning_alert_place_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # WarningAlertKind
    method: Mapped[str] = mapped_column(String(16))  # the aberration method that judged the series
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    policy: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)  # WarningAlertStatus
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    raised_by: Mapped[str] = mapped_column(String(100))
    verify_by: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    assignee: Mapped[str | None] = mapped_column(String(100))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    infection_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
