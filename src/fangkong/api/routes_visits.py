"""Home visits to people isolated or monitored at home (issue 16; measures 1 and 5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from fangkong.api.deps import CurrentActor, DbSession, Now, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import Day, StoreId
from fangkong.services.visits.service import VisitCreate, VisitRead, list_visits, record_visit

router = APIRouter(prefix="/api", tags=["visits"])


@router.post("/orders/{order_id}/visits", response_model=VisitRead, status_code=status.HTTP_201_CREATED)
def record(
    order_id: StoreId, body: VisitCreate, session: DbSession, actor: CurrentActor, today: Today, now: Now
) -> VisitRead:
    """Record a home visit to the person of an active order in a home phase (measures 1 and 5); the answer says
    whether it is flagged for follow-up and why."""
    visit = record_visit(session, actor, order_id, body, today=today, now=now)
    return VisitRead.model_validate(visit)


@router.get("/visits", response_model=Page[VisitRead])
def visits(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    on: Annotated[Day | None, Query(description="visits of this day")] = None,
    follow_up: Annotated[bool | None, Query(description="only those flagged (true) or not (false)")] = None,
    person_id: StoreId | None = None,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    reason: Annotated[str | None, Query(description="why the records are opened (kept in the audit log)")] = None,
) -> Page[VisitRead]:
    """Home visits to people in your jurisdiction, newest day first, flagged ones first within a day."""
    rows, total = list_visits(
        session,
        actor,
        person_id=person_id,
        on=on,
        follow_up=follow_up,
        jurisdiction_code=jurisdiction_code,
        offset=offset,
        limit=limit,
        reason=reason,
    )
    return Page(items=[VisitRead.model_validate(v) for v in rows], total=total, offset=offset, limit=limit)
