"""A saved comparison of policies on the synthetic city (issue 22): who asked, when, what was asked, what came out
and which code produced it. The city is synthetic: no person of the store is in it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, Integer, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class SimulationComparison(Base):
    """One comparison: the request (policies, population, days, seeds from `first_seed`, the first day, the switches
    of version), the result (`fangkong.sim.compare.Comparison.as_json()`, kept whole, read only when one comparison is
    shown), the code version and the seconds the run took."""

    __tablename__ = "simulation_comparison"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    policies: Mapped[list[str]] = mapped_column(JSON)
    population: Mapped[int] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)
    seeds: Mapped[int] = mapped_column(Integer)
    first_seed: Mapped[int] = mapped_column(Integer, default=0)
    start: Mapped[date] = mapped_column(Date)
    switches: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # [{"on": "2022-12-07", "version": …}]
    result: Mapped[dict[str, Any]] = deferred(mapped_column(JSON, nullable=False))  # large: a list never loads it
    code_version: Mapped[str] = mapped_column(String(40))
    elapsed_seconds: Mapped[float] = mapped_column(Float)
