"""Findings of the over-reach guard (measure 16): every refusal and warning, kept for the supervisors'
report of "layer-by-layer overweighting"."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class FindingKind(StrEnum):
    overlay = "overlay"  # a value of a local overlay
    local_action = "local_action"  # an action a locality proposed
    refusal = "refusal"  # an action the services refused under the national rules
    refused_care = "refused_care"  # medical care refused because of a person's code or area (m20.17, m20.16)
    # ---- complaints (issue 21) ----
    complaint_clue = "complaint_clue"  # a complaint reporting over-reach (measure 16's clues; m20.18 hotlines)
    # campuses (issue 21, measure 18)
    campus_closure = "campus_closure"  # a campus closed, classes suspended or kept closed beyond the rules
    campus_off_campus = "campus_off_campus"  # a rule stricter on teachers, students, families off campus


class OverreachFinding(Base):
    __tablename__ = "overreach_finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    on: Mapped[date] = mapped_column(Date)  # the day whose national rules were applied
    actor: Mapped[str] = mapped_column(String(100))
    jurisdiction_code: Mapped[str] = mapped_column(String(32))
    jurisdiction_path: Mapped[str] = mapped_column(String(400), index=True)  # scopes who may read it
    kind: Mapped[str] = mapped_column(String(24))  # a FindingKind
    subject: Mapped[str] = mapped_column(String(400))
    verdict: Mapped[str] = mapped_column(String(20), index=True)  # over_reach | below_national | ...
    clause: Mapped[str | None] = mapped_column(String(40))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
