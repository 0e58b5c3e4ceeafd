"""Management orders and their transitions; the day's work lists; policy transitions in flight."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import Day, StoreId
from fangkong.services.audit.reads import named, read_of
from fangkong.services.audit.service import record
from fangkong.services.infection_follow_up import release_order
from fangkong.services.orders import service
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.orders.schemas import EligibilityFailure, HandOver, OrderChange, OrderCreate, OrderRead
from fangkong.services.orders.transitions import TransitionPreview, apply_transition, preview_transition
from fangkong.services.orders.worklists import WorkList, record_sampling, work_list
from fangkong.services.tracing.hand_placed import place_order_by_hand

router = APIRouter(prefix="/api", tags=["orders"])
Reason = Annotated[str | None, Query(description="why the record is opened (kept in the audit log)")]


def _read(order: ManagementOrder) -> OrderRead:
    return OrderRead.model_validate(order, from_attributes=True)


@router.post("/orders", response_model=OrderRead, status_code=status.HTTP_201_CREATED)
def place(body: OrderCreate, session: DbSession, actor: CurrentActor, now: Now, policy: Rules) -> OrderRead:
    """Place a person under management; a proposal of the same category for them (tracing) is settled by it."""
    order, _ = place_order_by_hand(session, actor, body, now=now, policy=policy)
    return _read(order)


@router.get("/orders", response_model=Page[OrderRead])
def orders(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    person_id: StoreId | None = None,
    category: Annotated[str | None, Query(description="close_contact, entry_personnel, …")] = None,
    status: Annotated[str | None, Query(description="active, released, cancelled, transferred or superseded")] = None,
    policy_version: Annotated[str | None, Query(description="made or last recomputed under this version")] = None,
    under_management_on: Annotated[Day | None, Query(description="active and covering this day")] = None,
    releases_on: Annotated[Day | None, Query(description="released on this day")] = None,
    reason: Reason = None,
    *,
    policy: Rules,
) -> Page[OrderRead]:
    """Management orders of people in your jurisdiction, newest first."""
    rows, total = service.list_orders(
        session,
        actor,
        jurisdiction_code=jurisdiction_code,
        person_id=person_id,
        category=category,
        status=status,
        policy_version=policy_version,
        versions=policy.versions,
        under_management_on=under_management_on,
        releases_on=releases_on,
        offset=offset,
        limit=limit,
        reason=reason,
    )
    return Page(items=[_read(o) for o in rows], total=total, offset=offset, limit=limit)


@router.get("/orders/{order_id}", response_model=OrderRead)
def get(order_id: StoreId, session: DbSession, actor: CurrentActor, reason: Reason = None) -> OrderRead:
    return _read(service.read_order(session, actor, order_id, reason=reason))


class EventRead(BaseModel):
    at: datetime
    kind: str
    actor: str
    detail: dict[str, Any]


@router.get("/orders/{order_id}/events", response_model=Page[EventRead])
def history(
    order_id: StoreId, session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 100
) -> Page[EventRead]:
    """What happened to the order, oldest first: placed, recomputed, switched, handed over, ended."""
    rows, total = service.events(session, actor, order_id, offset=offset, limit=limit)
    order = session.get(ManagementOrder, order_id)  # in scope, and in the session's map: events() checked it
    read_of(session, actor, "order_events", [order.person_id if order else None], entity_id=order_id)
    items = [EventRead(at=e.at, kind=e.kind, actor=e.actor, detail=e.detail) for e in rows]
    return Page(items=items, total=total, offset=offset, limit=limit)


@router.post("/orders/{order_id}/release", response_model=OrderRead)
def release(
    order_id: StoreId, body: OrderChange, session: DbSession, actor: CurrentActor, today: Today, policy: Rules
) -> OrderRead:
    """Release at the end of the plan. An infection isolated at home (the new ten) is released only once two tests
    in a row give a Ct of 35 or more (n10.3), and its infection is discharged that day."""
    return _read(release_order(session, actor, order_id, body, today=today, policy=policy))


@router.post("/orders/{order_id}/cancel", response_model=OrderRead)
def cancel(order_id: StoreId, body: OrderChange, session: DbSession, actor: CurrentActor, today: Today) -> OrderRead:
    return _read(service.cancel(session, actor, order_id, body, today=today))


@router.post("/orders/{order_id}/transfer", response_model=OrderRead)
def transfer(
    order_id: StoreId, body: OrderChange, session: DbSession, actor: CurrentActor, today: Today, policy: Rules
) -> OrderRead:
    return _read(service.transfer_to_hospital(session, actor, order_id, body, today=today, policy=policy))


@router.post("/orders/{order_id}/centralize", response_model=OrderRead)
def centralize(
    order_id: StoreId, body: EligibilityFailure, session: DbSession, actor: CurrentActor, today: Today, policy: Rules
) -> OrderRead:
    return _read(service.switch_to_centralized(session, actor, order_id, body, today=today, policy=policy))


@router.post("/orders/{order_id}/hand-over", response_model=OrderRead)
def hand_over(
    order_id: StoreId, body: HandOver, session: DbSession, actor: CurrentActor, today: Today, policy: Rules
) -> OrderRead:
    return _read(service.hand_over(session, actor, order_id, body, today=today, policy=policy))


class SamplingCreate(BaseModel):
    sampled_on: Day


@router.post("/orders/{order_id}/samplings", status_code=status.HTTP_201_CREATED)
def sampled(
    order_id: StoreId, body: SamplingCreate, session: DbSession, actor: CurrentActor, today: Today
) -> dict[str, object]:
    s = record_sampling(session, actor, order_id, sampled_on=body.sampled_on, today=today)
    return {"id": s.id, "order_id": s.order_id, "sampled_on": s.sampled_on.isoformat()}


def _everyone(day: WorkList) -> list[Any]:
    """Every row of a work list's page, whichever list it is on: whose data the page answers."""
    return [*day.tests_due, *day.phase_changes, *day.releases, *day.overdue_tests, *day.retests_due, *day.needs_open]


@router.get("/worklists", response_model=WorkList)
def worklist(
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    now: Now,
    on: Annotated[Day | None, Query(description="the day (default: today in the jurisdiction)")] = None,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    category: Annotated[str | None, Query(description="only orders of this category")] = None,
    where: Annotated[str | None, Query(description="tests due at a centralized_site or on a home_visit")] = None,
    overdue_days: Annotated[int, Query(ge=0, le=60, description="how far back overdue tests are listed")] = 7,
    q: Annotated[str | None, Query(max_length=100, description="only people whose name or address holds this")] = None,
    sort: Annotated[
        str, Query(max_length=20, description="address, name, category or place; a leading - reverses it")
    ] = "address",
    offset: Offset = 0,
    limit: Limit = 100,
) -> WorkList:
    """The day's work: tests due (where), phase changes, releases, overdue tests, retests and the open needs of
    people under closure (measure 17; late ones marked `overdue`); each list paged alike."""
    day = work_list(
        session,
        actor,
        on=on or today,
        jurisdiction_code=jurisdiction_code,
        category=category,
        where=where,
        overdue_days=overdue_days,
        now=now if (on or today) == today else None,
    )
    answered = day.arranged(sort=sort, q=q).page(offset, limit)
    record(
        session,
        actor,
        action="read",
        entity="worklist",
        entity_id=day.jurisdiction_code,
        detail={
            "on": day.on.isoformat(),
            "category": category,
            "where": where,
            "q": q,
            "sort": sort,
            **named(i.person_id for i in _everyone(answered)),
        },
    )
    return answered


class TransitionApply(BaseModel):
    effective_on: Day
    reason: str = Field(min_length=3)


@router.get("/policy-transitions/preview", response_model=TransitionPreview)
def transition_preview(effective_on: Day, session: DbSession, actor: CurrentActor, policy: Rules) -> TransitionPreview:
    preview = preview_transition(session, actor, effective_on=effective_on, policy=policy)[0]
    read_of(session, actor, "transition_preview", [c.person_id for c in preview.changes])
    return preview


@router.post("/policy-transitions", response_model=TransitionPreview)
def transition_apply(
    body: TransitionApply, session: DbSession, actor: CurrentActor, policy: Rules
) -> TransitionPreview:
    return apply_transition(session, actor, effective_on=body.effective_on, reason=body.reason, policy=policy)
