"""Complaints and clues (接诉即办; measure 18, with 16; issue 21): the intake of complaints and hotline calls, routed
with a response deadline by urgency, answered, closed with feedback, escalated when late; clues of over-reach become
findings for the supervisor; rectified typical cases published on a public list (no login, no personal data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import StoreId
from fangkong.services.complaints.service import (
    CaseCreate,
    CaseRead,
    ComplaintAnswer,
    ComplaintClose,
    ComplaintCreate,
    ComplaintEscalationRead,
    ComplaintRead,
    ComplaintRoute,
    answer_complaint,
    close_complaint,
    escalate_late,
    list_complaints,
    list_escalations,
    public_cases,
    publish_case,
    read_complaint,
    receive_complaint,
    route_complaint,
    to_read,
)

router = APIRouter(prefix="/api", tags=["complaints"])

Why = Annotated[str | None, Query(description="why the records are opened (kept in the audit log)")]
Where = Annotated[str | None, Query(description="a jurisdiction inside your scope")]


@router.get("/complaints", response_model=Page[ComplaintRead])
def complaints(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    offset: Offset = 0,
    limit: Limit = 50,
    status_: Annotated[str | None, Query(alias="status", description="open, answered or closed")] = None,
    category: Annotated[
        str | None,
        Query(description="general, sealed_building, refused_medical_visit, closed_school or stopped_enterprise"),
    ] = None,
    urgency: Annotated[str | None, Query(description="emergency, urgent or routine")] = None,
    department: Annotated[
        str | None, Query(description="command_centre, health, education, industry or community")
    ] = None,
    jurisdiction_code: Where = None,
    overdue: Annotated[
        bool | None, Query(description="only open complaints past (true) or before their deadline")
    ] = None,
    clues: Annotated[bool | None, Query(description="only the clues of over-reach (true) or the others")] = None,
    reason: Why = None,
) -> Page[ComplaintRead]:
    """The complaint queue of your jurisdiction, earliest deadline first; complainants masked (measure 18)."""
    rows, total = list_complaints(
        session,
        actor,
        now=now,
        status=status_,
        category=category,
        urgency=urgency,
        department=department,
        jurisdiction_code=jurisdiction_code,
        overdue=overdue,
        clues=clues,
        offset=offset,
        limit=limit,
        reason=reason,
    )
    return Page(items=[to_read(c, now=now) for c in rows], total=total, offset=offset, limit=limit)


@router.post("/complaints", response_model=ComplaintRead, status_code=status.HTTP_201_CREATED)
def receive(body: ComplaintCreate, session: DbSession, actor: CurrentActor, now: Now, rules: Rules) -> ComplaintRead:
    """Take in a complaint or hotline call; its urgency, deadline and department come from the rules (measure 18). A
    clue of over-reach is also a finding for the supervisor (measure 16)."""
    return to_read(receive_complaint(session, actor, body, now=now, policy=rules), now=now)


@router.post("/complaints/escalations", response_model=list[ComplaintEscalationRead])
def escalate(session: DbSession, actor: CurrentActor, now: Now, rules: Rules) -> list[ComplaintEscalationRead]:
    """Escalate every late complaint in your jurisdiction (the periodic job; each level once)."""
    return [ComplaintEscalationRead.model_validate(e) for e in escalate_late(session, actor, now=now, policy=rules)]


@router.get("/complaints/{complaint_id}", response_model=ComplaintRead)
def complaint(
    complaint_id: StoreId, session: DbSession, actor: CurrentActor, now: Now, reason: Why = None
) -> ComplaintRead:
    """One complaint; the complainant unmasked for a role that may see identifiers. The read is audited."""
    c, unmasked = read_complaint(session, actor, complaint_id, reason=reason)
    return to_read(c, now=now, unmasked=unmasked)


@router.post("/complaints/{complaint_id}/route", response_model=ComplaintRead)
def route(
    complaint_id: StoreId, body: ComplaintRoute, session: DbSession, actor: CurrentActor, now: Now
) -> ComplaintRead:
    """Route an open complaint to another jurisdiction or department (its deadline stays)."""
    return to_read(route_complaint(session, actor, complaint_id, body), now=now)


@router.post("/complaints/{complaint_id}/answer", response_model=ComplaintRead)
def answer(
    complaint_id: StoreId, body: ComplaintAnswer, session: DbSession, actor: CurrentActor, now: Now
) -> ComplaintRead:
    """The department's answer: what it found and did."""
    return to_read(answer_complaint(session, actor, complaint_id, body, now=now), now=now)


@router.post("/complaints/{complaint_id}/close", response_model=ComplaintRead)
def close(
    complaint_id: StoreId, body: ComplaintClose, session: DbSession, actor: CurrentActor, now: Now
) -> ComplaintRead:
    """Close a complaint, only with feedback to the person who complained."""
    return to_read(close_complaint(session, actor, complaint_id, body, now=now), now=now)


@router.get("/complaints/{complaint_id}/escalations", response_model=Page[ComplaintEscalationRead])
def escalations(
    complaint_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    reason: Why = None,
) -> Page[ComplaintEscalationRead]:
    """A complaint's escalations up the jurisdiction tree, first first."""
    rows, total = list_escalations(session, actor, complaint_id, offset=offset, limit=limit, reason=reason)
    items = [ComplaintEscalationRead.model_validate(e) for e in rows]
    return Page(items=items, total=total, offset=offset, limit=limit)


@router.post("/complaints/{complaint_id}/case", response_model=CaseRead, status_code=status.HTTP_201_CREATED)
def publish(
    complaint_id: StoreId, body: CaseCreate, session: DbSession, actor: CurrentActor, now: Now, rules: Rules
) -> CaseRead:
    """Publish a closed, rectified complaint as a typical case (measure 16); refused, naming the field, while a field
    still holds a name, ID number or phone."""
    return CaseRead.model_validate(publish_case(session, actor, complaint_id, body, now=now, policy=rules))


@router.get("/public/cases", response_model=Page[CaseRead])
def cases(
    session: DbSession,
    offset: Offset = 0,
    limit: Limit = 50,
    category: Annotated[str | None, Query(description="a complaint category")] = None,
) -> Page[CaseRead]:
    """The published typical cases, newest first: public, no login, no personal data (measure 16)."""
    rows, total = public_cases(session, category=category, offset=offset, limit=limit)
    return Page(items=[CaseRead.model_validate(c) for c in rows], total=total, offset=offset, limit=limit)
