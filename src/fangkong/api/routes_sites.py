"""Centralized isolation sites: rooms, assignments, occupancy and free rooms projected from current plans."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from fangkong.api.deps import CurrentActor, DbSession, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import Day, StoreId
from fangkong.services.sites.schemas import AssignmentCreate, AssignmentRead, Occupancy, SiteCreate, SiteRead
from fangkong.services.sites.service import assign_room, create_site, list_sites, occupancy, room_count

router = APIRouter(prefix="/api/sites", tags=["isolation sites"])


@router.post("", response_model=SiteRead, status_code=status.HTTP_201_CREATED)
def create(body: SiteCreate, session: DbSession, actor: CurrentActor) -> SiteRead:
    site = create_site(session, actor, body)
    return SiteRead(
        id=site.id,
        name=site.name,
        address=site.address,
        jurisdiction_code=site.jurisdiction_code,
        rooms=len(body.rooms),
    )


@router.get("", response_model=Page[SiteRead])
def sites(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    name: Annotated[str | None, Query(description="part of the name")] = None,
) -> Page[SiteRead]:
    """Centralized isolation sites in your jurisdiction, by name."""
    rows, total = list_sites(session, actor, jurisdiction_code=jurisdiction_code, name=name, offset=offset, limit=limit)
    items = [
        SiteRead(
            id=s.id,
            name=s.name,
            address=s.address,
            jurisdiction_code=s.jurisdiction_code,
            rooms=room_count(session, s.id),
        )
        for s in rows
    ]
    return Page(items=items, total=total, offset=offset, limit=limit)


@router.post("/{site_id}/assignments", response_model=AssignmentRead, status_code=status.HTTP_201_CREATED)
def assign(site_id: StoreId, body: AssignmentCreate, session: DbSession, actor: CurrentActor) -> AssignmentRead:
    return assign_room(session, actor, site_id, body)


@router.get("/{site_id}/occupancy", response_model=Occupancy)
def site_occupancy(
    site_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    start: Annotated[Day | None, Query(alias="from", description="first day (default today)")] = None,
    days: Annotated[int, Query(ge=1, le=60)] = 7,
) -> Occupancy:
    return occupancy(session, actor, site_id, start=start or today, days=days)
