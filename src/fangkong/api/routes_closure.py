"""Services for people under closure (measure 17, m20.17; issue 19): the needs list with deadlines by urgency,
assignment, completion, refusals (a medical need refused because of a code or area is over-reach, m20.16), the
periodic escalation of late needs, the fixed receiving points and the hotline records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import StoreId
from fangkong.services.closure_services.service import (
    EscalationRead,
    HotlineCreate,
    HotlineRead,
    NeedAssign,
    NeedCreate,
    NeedDone,
    NeedRead,
    NeedRefuse,
    ReceivingPointCreate,
    ReceivingPointRead,
    RefusalRead,
    assign_need,
    cancel_need,
    complete_need,
    create_receiving_point,
    escalate_late,
    list_calls,
    list_escalations,
    list_needs,
    list_receiving_points,
    raise_need,
    record_call,
    refuse_need,
)

router = APIRouter(prefix="/api", tags=["closure"])

Why = Annotated[str | None, Query(description="why the records are opened (kept in the audit log)")]
Where = Annotated[str | None, Query(description="a jurisdiction inside your scope")]


@router.get("/needs", response_model=Page[NeedRead])
def needs(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    offset: Offset = 0,
    limit: Limit = 50,
    status_: Annotated[
        str | None, Query(alias="status", description="open, assigned, done, refused or cancelled")
    ] = None,
    kind: Annotated[str | None, Query(description="medicine, dialysis, chemotherapy, prenatal_check, ...")] = None,
    urgency: Annotated[str | None, Query(description="emergency, urgent or routine")] = None,
    jurisdiction_code: Where = None,
    overdue: Annotated[
        bool | None, Query(description="only needs still to be met past (true) or before their deadline")
    ] = None,
    person_id: StoreId | None = None,
    reason: Why = None,
) -> Page[NeedRead]:
    """The needs of people in your jurisdiction, earliest deadline first (measure 17)."""
    rows, total = list_needs(
        session,
        actor,
        now=now,
        status=status_,
        kind=kind,
        urgency=urgency,
        jurisdiction_code=jurisdiction_code,
        overdue=overdue,
        person_id=person_id,
        offset=offset,
        limit=limit,
        reason=reason,
    )
    return Page(items=[NeedRead.model_validate(n) for n in rows], total=total, offset=offset, limit=limit)


@router.post("/needs", response_model=NeedRead, status_code=status.HTTP_201_CREATED)
def raise_(body: NeedCreate, session: DbSession, actor: CurrentActor, now: Now, rules: Rules) -> NeedRead:
    """Put a person's need on the list; its urgency and deadline come from the rules (measure 17), the reasons say
    why."""
    return NeedRead.model_validate(raise_need(session, actor, body, now=now, policy=rules))


@router.post("/needs/{need_id}/assign", response_model=NeedRead)
def assign(need_id: StoreId, body: NeedAssign, session: DbSession, actor: CurrentActor, now: Now) -> NeedRead:
    """Route a need to a worker serving the person's jurisdiction."""
    return NeedRead.model_validate(assign_need(session, actor, need_id, body, now=now))


@router.post("/needs/{need_id}/done", response_model=NeedRead)
def done(need_id: StoreId, body: NeedDone, session: DbSession, actor: CurrentActor, now: Now) -> NeedRead:
    """Mark a need met."""
    return NeedRead.model_validate(complete_need(session, actor, need_id, body, now=now))


@router.post("/needs/{need_id}/cancel", response_model=NeedRead)
def cancel(need_id: StoreId, session: DbSession, actor: CurrentActor, now: Now) -> NeedRead:
    """Withdraw a need raised in error or no longer wanted."""
    return NeedRead.model_validate(cancel_need(session, actor, need_id, now=now))


@router.post("/needs/{need_id}/refuse", response_model=RefusalRead)
def refuse(
    need_id: StoreId, body: NeedRefuse, session: DbSession, actor: CurrentActor, now: Now, rules: Rules
) -> RefusalRead:
    """Record a refusal. A medical need may not be refused (首诊负责制): it goes back to the queue; one refused
    because of the person's health code or area is also an over-reach finding (measures 17 and 16)."""
    return refuse_need(session, actor, need_id, body, now=now, policy=rules)


@router.get("/needs/{need_id}/escalations", response_model=Page[EscalationRead])
def escalations(
    need_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    reason: Why = None,
) -> Page[EscalationRead]:
    """A need's escalations up the jurisdiction tree, first first."""
    rows, total = list_escalations(session, actor, need_id, offset=offset, limit=limit, reason=reason)
    return Page(items=[EscalationRead.model_validate(e) for e in rows], total=total, offset=offset, limit=limit)


@router.post("/needs/escalations", response_model=list[EscalationRead])
def escalate(session: DbSession, actor: CurrentActor, now: Now, rules: Rules) -> list[EscalationRead]:
    """Escalate every late need in your jurisdiction (the periodic job; each level once, however often it runs)."""
    return [EscalationRead.model_validate(e) for e in escalate_late(session, actor, now=now, policy=rules)]


@router.get("/receiving-points", response_model=Page[ReceivingPointRead])
def receiving_points(
    session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 50, jurisdiction_code: Where = None
) -> Page[ReceivingPointRead]:
    """The communities' fixed receiving points for deliveries (measure 17)."""
    rows, total = list_receiving_points(session, actor, jurisdiction_code=jurisdiction_code, offset=offset, limit=limit)
    return Page(items=[ReceivingPointRead.model_validate(p) for p in rows], total=total, offset=offset, limit=limit)


@router.post("/receiving-points", response_model=ReceivingPointRead, status_code=status.HTTP_201_CREATED)
def add_receiving_point(
    body: ReceivingPointCreate, session: DbSession, actor: CurrentActor, now: Now
) -> ReceivingPointRead:
    """Add a community's fixed receiving point."""
    return ReceivingPointRead.model_validate(create_receiving_point(session, actor, body, now=now))


@router.get("/hotline", response_model=Page[HotlineRead])
def hotline(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Where = None,
    reason: Why = None,
) -> Page[HotlineRead]:
    """Calls to the communities' hotlines, newest first (each listed record audited)."""
    rows, total = list_calls(
        session, actor, jurisdiction_code=jurisdiction_code, offset=offset, limit=limit, reason=reason
    )
    return Page(items=[HotlineRead.model_validate(c) for c in rows], total=total, offset=offset, limit=limit)


@router.post("/hotline", response_model=HotlineRead, status_code=status.HTTP_201_CREATED)
def add_call(body: HotlineCreate, session: DbSession, actor: CurrentActor, now: Now, rules: Rules) -> HotlineRead:
    """Record a call to the hotline, with the need it was about or the need it raises (`raises`, due from the call)."""
    return HotlineRead.model_validate(record_call(session, actor, body, now=now, policy=rules))
