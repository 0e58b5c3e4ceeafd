"""Enterprises and industrial parks (measure 19): the registry, one plan per enterprise and per park with its chain of
responsibility and ledger of checks, returning workers' checks, and the orders stopping production."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class EnterprisePark(Base):
    """An industrial park in a jurisdiction (一园一策)."""

    __tablename__ = "enterprise_park"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Enterprise(Base):
    """An enterprise, private ones included, in a jurisdiction and perhaps a park; on the white list of key
    enterprises or not; a key supply chain or not; producing or stopped (by an approved order)."""

    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    ownership: Mapped[str] = mapped_column(String(16))  # EnterpriseOwnership
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise_park.id"), index=True)
    workers: Mapped[int] = mapped_column(Integer, default=0)
    white_listed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    key_supply_chain: Mapped[bool] = mapped_column(Boolean, default=False)
    producing: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EnterprisePlan(Base):
    """The one plan of an enterprise or of a park (一企一策、一园一策): its chain of responsibility, level → the one
    responsible, and its measures."""

    __tablename__ = "enterprise_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), unique=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise_park.id"), unique=True)
    chain: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    measures: Mapped[str] = mapped_column(Text, default="")
    adopted_on: Mapped[date] = mapped_column(Date)
    policy: Mapped[str | None] = mapped_column(String(32))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EnterprisePlanCheck(Base):
    """One line of a plan's ledger of checks: the day, the level of the chain checked, by whom, and what was found."""

    __tablename__ = "enterprise_plan_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("enterprise_plan.id"), index=True)
    checked_on: Mapped[date] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(32))
    checker: Mapped[str] = mapped_column(String(100))
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EnterpriseReturnCheck(Base):
    """A worker returning from elsewhere checked against the risk areas and their management status (m20.19)."""

    __tablename__ = "enterprise_return_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    returning_from: Mapped[str | None] = mapped_column(String(32))
    checked_on: Mapped[date] = mapped_column(Date)
    cleared: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    policy: Mapped[str | None] = mapped_column(String(32))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EnterpriseStopOrder(Base):
    """An order stopping an enterprise's production that the guard allowed: with its recorded approval (m20.16)."""

    __tablename__ = "enterprise_stop_order"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    stop_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approval_ref: Mapped[str | None] = mapped_column(String(100))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    policy: Mapped[str | None] = mapped_column(String(32))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
