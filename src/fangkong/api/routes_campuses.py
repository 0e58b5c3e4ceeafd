"""Campuses (issue 21; measure 18, with 16): the registry of schools and universities, outbreak responses and their
tasks, and the over-reach guard on closures and on rules for the off-campus."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import Day, StoreId
from fangkong.rules.campuses import is_late
from fangkong.rules.decision import Reason
from fangkong.services.campuses import guard
from fangkong.services.campuses import service as campuses
from fangkong.services.campuses.models import Campus, CampusClosure, CampusResponse, CampusTask

router = APIRouter(prefix="/api", tags=["campuses"])


class CampusRead(BaseModel):
    """A school or university: counts, boarding or day, and the last day of an approved closure in force."""

    id: int
    code: str
    name: str
    kind: str
    jurisdiction_code: str
    boarding: bool
    students: int
    staff: int
    off_campus_families: int
    closed_until: date | None


class CampusTaskRead(BaseModel):
    id: int
    response_id: int
    kind: str
    owner: str
    deadline: datetime
    status: str
    late: bool
    done_at: datetime | None
    done_by: str | None
    note: str | None
    escalated_at: datetime | None
    escalated_to: str | None


class CampusResponseRead(BaseModel):
    id: int
    campus_id: int
    outbreak_on: date
    note: str | None
    status: str
    policy: str | None
    opened_at: datetime
    opened_by: str
    reasons: list[Reason]
    tasks: list[CampusTaskRead]


class CampusClosureRead(BaseModel):
    id: int
    campus_id: int
    kind: str
    first_day: date
    last_day: date
    approval_ref: str
    approved_by: str
    approved_on: date
    policy: str | None
    reasons: list[Reason]


def read_campus(c: Campus) -> CampusRead:
    return CampusRead.model_validate(c, from_attributes=True)


def read_task(t: CampusTask, now: datetime) -> CampusTaskRead:
    return CampusTaskRead(
        id=t.id,
        response_id=t.response_id,
        kind=t.kind,
        owner=t.owner,
        deadline=t.deadline,
        status=t.status,
        late=is_late(t.status == "done", t.deadline, now),
        done_at=t.done_at,
        done_by=t.done_by,
        note=t.note,
        escalated_at=t.escalated_at,
        escalated_to=t.escalated_to,
    )


def read_response(r: CampusResponse, tasks: list[CampusTask], now: datetime) -> CampusResponseRead:
    return CampusResponseRead(
        id=r.id,
        campus_id=r.campus_id,
        outbreak_on=r.outbreak_on,
        note=r.note,
        status=r.status,
        policy=r.policy,
        opened_at=r.opened_at,
        opened_by=r.opened_by,
        reasons=[Reason(**x) for x in r.reasons or []],
        tasks=[read_task(t, now) for t in tasks],
    )


def read_closure(c: CampusClosure) -> CampusClosureRead:
    return CampusClosureRead(
        id=c.id,
        campus_id=c.campus_id,
        kind=c.kind,
        first_day=c.first_day,
        last_day=c.last_day,
        approval_ref=c.approval_ref,
        approved_by=c.approved_by,
        approved_on=c.approved_on,
        policy=c.policy,
        reasons=[Reason(**x) for x in c.reasons or []],
    )


@router.get("/campuses", response_model=Page[CampusRead])
def campus_list(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    kind: Annotated[str | None, Query(description="primary_school, secondary_school, university, ...")] = None,
    boarding: Annotated[bool | None, Query(description="boarding campuses only (true) or day ones (false)")] = None,
    closed_on: Annotated[Day | None, Query(description="only campuses closed on this day")] = None,
) -> Page[CampusRead]:
    """Campuses of your jurisdiction, in the order of the tree."""
    rows, total = campuses.list_campuses(
        session,
        actor,
        jurisdiction_code=jurisdiction_code,
        kind=kind,
        boarding=boarding,
        closed_on=closed_on,
        offset=offset,
        limit=limit,
    )
    return Page(items=[read_campus(c) for c in rows], total=total, offset=offset, limit=limit)


@router.post("/campuses", response_model=CampusRead, status_code=status.HTTP_201_CREATED)
def campus_create(body: campuses.CampusCreate, session: DbSession, actor: CurrentActor) -> CampusRead:
    """Register a school or university of your jurisdiction."""
    return read_campus(campuses.register_campus(session, actor, body))


@router.get("/campuses/{campus_id}", response_model=CampusRead)
def campus(campus_id: StoreId, session: DbSession, actor: CurrentActor) -> CampusRead:
    """One campus."""
    return read_campus(campuses.campus_in_scope(session, actor, campus_id))


@router.get("/campuses/{campus_id}/closures", response_model=Page[CampusClosureRead])
def closure_list(
    campus_id: StoreId, session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 50
) -> Page[CampusClosureRead]:
    """The approved closures of a campus, with their approval records, the earliest first."""
    rows, total = guard.list_closures(session, actor, campus_id, offset=offset, limit=limit)
    return Page(items=[read_closure(c) for c in rows], total=total, offset=offset, limit=limit)


@router.post(
    "/campuses/{campus_id}/closures",
    response_model=guard.ClosureOutcome,
    status_code=status.HTTP_201_CREATED,
)
def closure(
    campus_id: StoreId, body: guard.ClosureRequest, session: DbSession, actor: CurrentActor, now: Now, policy: Rules
) -> guard.ClosureOutcome | JSONResponse:
    """Close a campus, suspend its classes or keep a closure on: with an approval record, within the days one
    approval covers (and, from the new 10, only with an outbreak). Refused, the answer is 422 naming the field and the
    clause, and an over-reach finding is recorded for the supervisors (nothing else changes)."""
    outcome = guard.request_closure(session, actor, campus_id, body, now=now, policy=policy)
    if outcome.allowed:
        return outcome
    first = outcome.reasons[-1] if outcome.reasons else None
    return JSONResponse(
        {
            "error": {
                "field": outcome.field,
                "message": outcome.reasons[0].text if outcome.reasons else "refused",
                "clause": first.clause if first else None,
                "finding_id": outcome.finding_id,
            }
        },
        status_code=422,
    )


@router.post("/campuses/{campus_id}/off-campus-rules", response_model=guard.OffCampusOutcome)
def off_campus_rule(
    campus_id: StoreId, body: guard.OffCampusRule, session: DbSession, actor: CurrentActor, now: Now, policy: Rules
) -> guard.OffCampusOutcome:
    """Check a rule proposed for the campus's teachers, students or staff families living off campus against the
    rules everyone else follows; a stricter one is reported as an over-reach finding."""
    return guard.check_off_campus_rule(session, actor, campus_id, body, now=now, policy=policy)


@router.get("/campus-responses", response_model=Page[CampusResponseRead])
def response_list(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    campus_id: Annotated[StoreId | None, Query(description="one campus's responses")] = None,
    status: Annotated[str | None, Query(description="open or done")] = None,
) -> Page[CampusResponseRead]:
    """Outbreak responses of your jurisdiction, open ones first, with their tasks."""
    rows, total = campuses.list_responses(
        session,
        actor,
        jurisdiction_code=jurisdiction_code,
        campus_id=campus_id,
        status=status,
        offset=offset,
        limit=limit,
    )
    items = [read_response(r, campuses.tasks_of(session, r.id), now) for r in rows]
    return Page(items=items, total=total, offset=offset, limit=limit)


@router.post("/campus-responses", response_model=CampusResponseRead, status_code=status.HTTP_201_CREATED)
def response_open(
    body: campuses.ResponseOpen, session: DbSession, actor: CurrentActor, now: Now, policy: Rules
) -> CampusResponseRead:
    """Open the response to an outbreak on a campus: every task the version in force names, with owner and deadline."""
    r = campuses.open_response(session, actor, body, now=now, policy=policy)
    return read_response(r, campuses.tasks_of(session, r.id), now)


@router.get("/campus-responses/{response_id}", response_model=CampusResponseRead)
def response(response_id: StoreId, session: DbSession, actor: CurrentActor, now: Now) -> CampusResponseRead:
    """One response with its tasks."""
    r = campuses.response_in_scope(session, actor, response_id)
    return read_response(r, campuses.tasks_of(session, r.id), now)


@router.get("/campus-tasks", response_model=Page[CampusTaskRead])
def task_list(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    offset: Offset = 0,
    limit: Limit = 50,
    owner: Annotated[str | None, Query(description="one owner's tasks")] = None,
    status: Annotated[str | None, Query(description="open or done")] = None,
    late: Annotated[bool | None, Query(description="only tasks past their deadline and not done")] = None,
) -> Page[CampusTaskRead]:
    """Response tasks of your jurisdiction, the earliest deadline first."""
    rows, total = campuses.list_tasks(
        session, actor, now=now, owner=owner, status=status, late=late, offset=offset, limit=limit
    )
    return Page(items=[read_task(t, now) for t in rows], total=total, offset=offset, limit=limit)


@router.post("/campus-tasks/{task_id}/done", response_model=CampusTaskRead)
def task_done(
    task_id: StoreId, body: campuses.TaskDone, session: DbSession, actor: CurrentActor, now: Now
) -> CampusTaskRead:
    """Mark a task done (its owner, or the command centre)."""
    return read_task(campuses.complete_task(session, actor, task_id, body, now=now), now)


@router.post("/campus-tasks/escalate", response_model=list[CampusTaskRead])
def escalate(session: DbSession, actor: CurrentActor, now: Now) -> list[CampusTaskRead]:
    """Escalate every late task of your jurisdiction once — as `fangkong campuses escalate`."""
    return [read_task(t, now) for t in campuses.escalate_late(session, actor, now=now)]
