"""Capacity ahead of the wave: the beds a jurisdiction's recent infections will need (issue 18; measure 11)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from fangkong.api.deps import CurrentActor, DbSession
from fangkong.bounds import Day
from fangkong.rules.bed_projection import BedProjection
from fangkong.services.care.projection import project_jurisdiction, projected_place

router = APIRouter(prefix="/api/capacity", tags=["care"])


class ProjectionRead(BaseModel):
    """The projection of one jurisdiction's subtree from a day: counts only, no person named."""

    jurisdiction_code: str
    jurisdiction_name: str
    on: date
    projection: BedProjection


@router.get("/projection", response_model=ProjectionRead)
def projection(
    session: DbSession,
    actor: CurrentActor,
    on: Day,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
) -> ProjectionRead:
    """Inpatient and ICU beds needed over the horizon from `on`, the day each kind runs out of staffed beds and
    whether the alert is due, with reasons (measure 11). A day before any infection is refused naming `as_of`."""
    where = projected_place(session, actor, jurisdiction_code)
    return ProjectionRead(
        jurisdiction_code=where.code,
        jurisdiction_name=where.name,
        on=on,
        projection=project_jurisdiction(session, actor, where.code, on),
    )
