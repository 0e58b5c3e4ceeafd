"""Management orders and their transitions; the day's work lists; policy transitions in flight."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from fangkong.api.deps import CurrentActor, DbSession, Today
from fangkong.services.orders import service
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.orders.schemas import EligibilityFailure, HandOver, OrderChange, OrderCreate, OrderRead
from fangkong.services.orders.transitions import TransitionPreview, apply_transition, preview_transition
from fangkong.services.orders.worklists import WorkList, record_sampling, work_list

router = APIRouter(prefix="/api", tags=["orders"])


def _read(order: ManagementOrder) -> OrderRead:
    return OrderRead.model_validate(order, from_attributes=True)


@router.post("/orders", response_model=OrderRead, status_code=status.HTTP_201_CREATED)
def place(body: OrderCreate, session: DbSession, actor: CurrentActor, today: Today) -> OrderRead:
    return _read(service.place_order(session, actor, body, today=today))


@router.get("/orders/{order_id}", response_model=OrderRead)
def get(order_id: int, session: DbSession, actor: CurrentActor) -> OrderRead:
    return _read(service.order_in_scope(session, actor, order_id))


@router.get("/orders/{order_id}/events")
def history(order_id: int, session: DbSession, actor: CurrentActor) -> list[dict[str, object]]:
    return [
        {"at": e.at.isoformat(), "kind": e.kind, "actor": e.actor, "detail": e.detail}
        for e in service.events(session, actor, order_id)
    ]


@router.post("/orders/{order_id}/release", response_model=OrderRead)
def release(order_id: int, body: OrderChange, session: DbSession, actor: CurrentActor, today: Today) -> OrderRead:
    return _read(service.release(session, actor, order_id, body, today=today))


@router.post("/orders/{order_id}/cancel", response_model=OrderRead)
def cancel(order_id: int, body: OrderChange, session: DbSession, actor: CurrentActor, today: Today) -> OrderRead:
    return _read(service.cancel(session, actor, order_id, body, today=today))


@router.post("/orders/{order_id}/transfer", response_model=OrderRead)
def transfer(order_id: int, body: OrderChange, session: DbSession, actor: CurrentActor, today: Today) -> OrderRead:
    return _read(service.transfer_to_hospital(session, actor, order_id, body, today=today))


@router.post("/orders/{order_id}/centralize", response_model=OrderRead)
def centralize(
    order_id: int, body: EligibilityFailure, session: DbSession, actor: CurrentActor, today: Today
) -> OrderRead:
    return _read(service.switch_to_centralized(session, actor, order_id, body, today=today))


@router.post("/orders/{order_id}/hand-over", response_model=OrderRead)
def hand_over(order_id: int, body: HandOver, session: DbSession, actor: CurrentActor) -> OrderRead:
    return _read(service.hand_over(session, actor, order_id, body))


class SamplingCreate(BaseModel):
    sampled_on: date


@router.post("/orders/{order_id}/samplings", status_code=status.HTTP_201_CREATED)
def sampled(
    order_id: int, body: SamplingCreate, session: DbSession, actor: CurrentActor, today: Today
) -> dict[str, object]:
    s = record_sampling(session, actor, order_id, sampled_on=body.sampled_on, today=today)
    return {"id": s.id, "order_id": s.order_id, "sampled_on": s.sampled_on.isoformat()}


@router.get("/worklists", response_model=WorkList)
def worklist(
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    on: Annotated[date | None, Query(description="the day (default: today in the jurisdiction)")] = None,
    jurisdiction_code: str | None = None,
) -> WorkList:
    return work_list(session, actor, on=on or today, jurisdiction_code=jurisdiction_code)


class TransitionApply(BaseModel):
    effective_on: date
    reason: str = Field(min_length=3)


@router.get("/policy-transitions/preview", response_model=TransitionPreview)
def transition_preview(effective_on: date, session: DbSession, actor: CurrentActor) -> TransitionPreview:
    return preview_transition(session, actor, effective_on=effective_on)[0]


@router.post("/policy-transitions", response_model=TransitionPreview)
def transition_apply(body: TransitionApply, session: DbSession, actor: CurrentActor) -> TransitionPreview:
    return apply_transition(session, actor, effective_on=body.effective_on, reason=body.reason)
