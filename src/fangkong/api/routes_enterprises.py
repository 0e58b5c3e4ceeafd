"""Enterprises and industrial parks (issue 21; measure 19, m20.19, with m20.16): the registry, one plan per enterprise
and per park with its chain of responsibility and ledger of checks, returning workers' checks, the white list and the
guard on stopping production, and the logistics pass."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from fangkong.api.deps import CurrentActor, DbSession, Rules, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import Flag, StoreId
from fangkong.rules.decision import Reason
from fangkong.rules.enterprises import LogisticsDecision
from fangkong.services.enterprises import service as enterprises
from fangkong.services.enterprises.models import (
    Enterprise,
    EnterprisePark,
    EnterprisePlan,
    EnterprisePlanCheck,
    EnterpriseReturnCheck,
    EnterpriseStopOrder,
)

router = APIRouter(prefix="/api", tags=["enterprises"])


class ParkRead(BaseModel):
    id: int
    name: str
    jurisdiction_code: str


class EnterpriseRead(BaseModel):
    """An enterprise: where it is, its park, whether it is on the white list or a key supply chain, producing or not,
    and whether it has its plan."""

    id: int
    name: str
    ownership: str
    jurisdiction_code: str
    park_id: int | None
    workers: int
    white_listed: bool
    key_supply_chain: bool
    producing: bool
    plan_id: int | None


class PlanRead(BaseModel):
    id: int
    enterprise_id: int | None
    park_id: int | None
    chain: dict[str, str]
    measures: str
    adopted_on: date
    policy: str | None


class PlanCheckRead(BaseModel):
    id: int
    plan_id: int
    checked_on: date
    level: str
    checker: str
    passed: bool
    note: str


class ReturnCheckRead(BaseModel):
    id: int
    enterprise_id: int
    person_id: int
    returning_from: str | None
    checked_on: date
    cleared: bool
    reasons: list[Reason]
    policy: str | None


class StopOrderRead(BaseModel):
    id: int
    enterprise_id: int
    stop_on: date
    reason: str
    approved_by: str | None
    approval_ref: str | None
    reasons: list[Reason]
    policy: str | None
    recorded_at: datetime


class WhiteListIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    white_listed: Flag


def park_read(p: EnterprisePark) -> ParkRead:
    return ParkRead(id=p.id, name=p.name, jurisdiction_code=p.jurisdiction_code)


def enterprise_read(e: Enterprise, plan: EnterprisePlan | None) -> EnterpriseRead:
    return EnterpriseRead(
        id=e.id,
        name=e.name,
        ownership=e.ownership,
        jurisdiction_code=e.jurisdiction_code,
        park_id=e.park_id,
        workers=e.workers,
        white_listed=e.white_listed,
        key_supply_chain=e.key_supply_chain,
        producing=e.producing,
        plan_id=plan.id if plan is not None else None,
    )


def plan_read(p: EnterprisePlan) -> PlanRead:
    return PlanRead(
        id=p.id,
        enterprise_id=p.enterprise_id,
        park_id=p.park_id,
        chain=dict(p.chain),
        measures=p.measures,
        adopted_on=p.adopted_on,
        policy=p.policy,
    )


def check_read(c: EnterprisePlanCheck) -> PlanCheckRead:
    return PlanCheckRead(
        id=c.id,
        plan_id=c.plan_id,
        checked_on=c.checked_on,
        level=c.level,
        checker=c.checker,
        passed=c.passed,
        note=c.note,
    )


def return_read(c: EnterpriseReturnCheck) -> ReturnCheckRead:
    return ReturnCheckRead(
        id=c.id,
        enterprise_id=c.enterprise_id,
        person_id=c.person_id,
        returning_from=c.returning_from,
        checked_on=c.checked_on,
        cleared=c.cleared,
        reasons=enterprises.reasons_of(c.reasons),
        policy=c.policy,
    )


def stop_read(o: EnterpriseStopOrder) -> StopOrderRead:
    return StopOrderRead(
        id=o.id,
        enterprise_id=o.enterprise_id,
        stop_on=o.stop_on,
        reason=o.reason,
        approved_by=o.approved_by,
        approval_ref=o.approval_ref,
        reasons=enterprises.reasons_of(o.reasons),
        policy=o.policy,
        recorded_at=o.recorded_at,
    )


@router.get("/parks", response_model=Page[ParkRead])
def park_list(session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 50) -> Page[ParkRead]:
    """The industrial parks of your jurisdiction, by name."""
    rows, total = enterprises.list_parks(session, actor, offset=offset, limit=limit)
    return Page(items=[park_read(p) for p in rows], total=total, offset=offset, limit=limit)


@router.post("/parks", response_model=ParkRead, status_code=201)
def park_create(body: enterprises.ParkIn, session: DbSession, actor: CurrentActor) -> ParkRead:
    """A new industrial park; without a jurisdiction refused naming `jurisdiction_code`."""
    return park_read(enterprises.create_park(session, actor, body))


@router.get("/enterprises", response_model=Page[EnterpriseRead])
def enterprise_list(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[
        str | None, Query(max_length=32, description="a jurisdiction inside your scope")
    ] = None,
    park_id: Annotated[StoreId | None, Query(description="only the enterprises of this park")] = None,
    white_listed: Annotated[
        bool | None, Query(description="only those on (true) or off (false) the white list")
    ] = None,
) -> Page[EnterpriseRead]:
    """The enterprises of your jurisdiction (private ones included), by name."""
    rows, total = enterprises.list_enterprises(
        session,
        actor,
        jurisdiction_code=jurisdiction_code,
        park_id=park_id,
        white_listed=white_listed,
        offset=offset,
        limit=limit,
    )
    items = [enterprise_read(e, enterprises.plan_of(session, enterprise_id=e.id)) for e in rows]
    return Page(items=items, total=total, offset=offset, limit=limit)


@router.post("/enterprises", response_model=EnterpriseRead, status_code=201)
def enterprise_create(body: enterprises.EnterpriseIn, session: DbSession, actor: CurrentActor) -> EnterpriseRead:
    """A new enterprise; without a jurisdiction refused naming `jurisdiction_code`, nothing stored."""
    return enterprise_read(enterprises.create_enterprise(session, actor, body), None)


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseRead)
def enterprise(enterprise_id: StoreId, session: DbSession, actor: CurrentActor) -> EnterpriseRead:
    found = enterprises.get_enterprise(session, actor, enterprise_id)
    return enterprise_read(found, enterprises.plan_of(session, enterprise_id=found.id))


@router.post("/enterprises/{enterprise_id}/white-list", response_model=EnterpriseRead)
def white_list(enterprise_id: StoreId, body: WhiteListIn, session: DbSession, actor: CurrentActor) -> EnterpriseRead:
    """Put an enterprise on the white list of key enterprises (m20.19), or take it off."""
    found = enterprises.set_white_list(session, actor, enterprise_id, body.white_listed)
    return enterprise_read(found, enterprises.plan_of(session, enterprise_id=found.id))


@router.post("/enterprise-plans", response_model=PlanRead, status_code=201)
def plan_create(
    body: enterprises.PlanIn, session: DbSession, actor: CurrentActor, today: Today, policy: Rules
) -> PlanRead:
    """The one plan of an enterprise or a park with its chain of responsibility (management → workshop → team); a plan
    for an unknown enterprise is refused naming `enterprise_id`, nothing stored."""
    return plan_read(enterprises.adopt_plan(session, actor, body, today=today, policy=policy))


@router.get("/enterprise-plans/{plan_id}", response_model=PlanRead)
def plan(plan_id: StoreId, session: DbSession, actor: CurrentActor) -> PlanRead:
    return plan_read(enterprises.get_plan(session, actor, plan_id))


@router.get("/enterprise-plans/{plan_id}/checks", response_model=Page[PlanCheckRead])
def plan_check_list(
    plan_id: StoreId, session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 50
) -> Page[PlanCheckRead]:
    """The plan's ledger of checks, oldest first."""
    rows, total = enterprises.plan_checks(session, actor, plan_id, offset=offset, limit=limit)
    return Page(items=[check_read(c) for c in rows], total=total, offset=offset, limit=limit)


@router.post("/enterprise-plans/{plan_id}/checks", response_model=PlanCheckRead, status_code=201)
def plan_check(
    plan_id: StoreId, body: enterprises.PlanCheckIn, session: DbSession, actor: CurrentActor, today: Today
) -> PlanCheckRead:
    """A line of the plan's ledger: a level of its chain checked, by whom, passed or not."""
    return check_read(enterprises.record_plan_check(session, actor, plan_id, body, today=today))


@router.post("/enterprises/{enterprise_id}/return-checks", response_model=ReturnCheckRead, status_code=201)
def return_check(
    enterprise_id: StoreId,
    body: enterprises.ReturnCheckIn,
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    policy: Rules,
) -> ReturnCheckRead:
    """A worker returning from elsewhere checked against the risk areas and their management status (m20.19)."""
    return return_read(
        enterprises.check_returning_worker(session, actor, enterprise_id, body, today=today, policy=policy)
    )


@router.get("/enterprises/{enterprise_id}/return-checks", response_model=Page[ReturnCheckRead])
def return_check_list(
    enterprise_id: StoreId, session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 50
) -> Page[ReturnCheckRead]:
    """The enterprise's returning workers' checks, newest first (the read is audited)."""
    rows, total = enterprises.return_checks(session, actor, enterprise_id, offset=offset, limit=limit)
    return Page(items=[return_read(c) for c in rows], total=total, offset=offset, limit=limit)


@router.post("/enterprises/{enterprise_id}/stop", response_model=StopOrderRead, status_code=201)
def stop(
    enterprise_id: StoreId,
    body: enterprises.StopOrderIn,
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    policy: Rules,
) -> StopOrderRead:
    """An order stopping production: a white-listed enterprise is refused (m20.19), another needs `approved_by`
    (m20.16); a refusal is answered 422 with the clause and recorded as an over-reach finding."""
    return stop_read(enterprises.order_stop(session, actor, enterprise_id, body, today=today, policy=policy))


@router.get("/enterprises/{enterprise_id}/stop-orders", response_model=Page[StopOrderRead])
def stop_order_list(
    enterprise_id: StoreId, session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 50
) -> Page[StopOrderRead]:
    """The enterprise's stop orders the guard allowed, each with its approval."""
    rows, total = enterprises.stop_orders(session, actor, enterprise_id, offset=offset, limit=limit)
    return Page(items=[stop_read(o) for o in rows], total=total, offset=offset, limit=limit)


@router.post("/logistics/check", response_model=LogisticsDecision)
def logistics(
    body: enterprises.LogisticsIn, session: DbSession, actor: CurrentActor, today: Today, policy: Rules
) -> LogisticsDecision:
    """Whether a driver and vehicle keep moving under the version in force (m20.19: logistics kept flowing)."""
    return enterprises.logistics_check(session, actor, body, today=today, policy=policy)
