"""Area testing campaigns (measure 6): proposed by the command centre, reviewed by the guard."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class Campaign(Base):
    __tablename__ = "testing_campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    scope: Mapped[str] = mapped_column(String(32))
    tests_per_day: Mapped[int] = mapped_column(Integer)
    every_days: Mapped[int] = mapped_column(Integer)
    rounds: Mapped[int] = mapped_column(Integer)
    start_on: Mapped[date] = mapped_column(Date)
    outbreak: Mapped[bool] = mapped_column(Boolean)
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CampaignRoundHeld(Base):
    """A round of an area-wide campaign held, with the infections it found in the community (社会面): what decides
    when the testing stops (the 21 Nov testing rules, `rules.testing_campaign.campaign_progress`)."""

    __tablename__ = "testing_campaign_round"
    __table_args__ = (UniqueConstraint("campaign_id", "on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("testing_campaign.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    community_infections: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
