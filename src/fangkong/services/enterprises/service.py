"""Enterprises and industrial parks as a service (measure 19; issue 21).

(19): find every enterprise and industrial park, private ones included, in the jurisdiction; one plan per enterprise
and per park with its chain of responsibility and its ledger of checks; returning workers checked before they return
to work; logistics kept moving; the white list of key enterprises that may not be told to stop production (the guard,
`rules.enterprises.judge_stop_order`; a refusal raises `Refused`, which the API and the console record as an
over-reach finding in a transaction of its own). Every refusal of bad input names its field and changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import Count, Day, Flag, StoreId, whole_count
from fangkong.errors import Conflict, InvalidInput, NotFound, Refused
from fangkong.policy import Policy
from fangkong.rules.decision import Reason
from fangkong.rules.enterprises import (
    LogisticsDecision,
    check_chain,
    judge_stop_order,
    logistics_pass,
    return_check,
)
from fangkong.services.access import Actor, Permission
from fangkong.services.areas.service import active_area_paths
from fangkong.services.audit.reads import read_of
from fangkong.services.audit.service import record
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import get_jurisdiction
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.paging import page_of
from fangkong.services.persons.service import person_in_scope

from .models import (
    Enterprise,
    EnterprisePark,
    EnterprisePlan,
    EnterprisePlanCheck,
    EnterpriseReturnCheck,
    EnterpriseStopOrder,
)

OWNERSHIPS = ("private", "state", "collective", "foreign", "other")


class ParkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200)
    jurisdiction_code: str | None = Field(default=None, max_length=32)


class EnterpriseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200)
    ownership: str = Field(default="private", max_length=16)
    jurisdiction_code: str | None = None
    park_id: StoreId | None = None
    workers: Count = 0
    white_listed: Flag = False
    key_supply_chain: Flag = False


class PlanIn(BaseModel):
    """The plan of one enterprise or one park: its chain of responsibility (level → the one responsible)."""

    model_config = ConfigDict(extra="forbid")

    enterprise_id: StoreId | None = None
    park_id: StoreId | None = None
    chain: dict[str, str] = Field(default_factory=dict)
    measures: str = Field(default="", max_length=4000)
    adopted_on: Day | None = None


class PlanCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checked_on: Day | None = None
    level: str = Field(max_length=32)
    checker: str = Field(max_length=100)
    passed: Flag
    note: str = Field(default="", max_length=2000)


class ReturnCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: StoreId
    returning_from: str | None = Field(default=None, max_length=32)  # where the worker comes back from
    on: Day | None = None


class StopOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)
    approved_by: str | None = Field(default=None, max_length=100)
    approval_ref: str | None = Field(default=None, max_length=100)
    on: Day | None = None


class LogisticsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_id: StoreId | None = None  # a key supply chain when its enterprise is one
    key_supply_chain: Flag = False
    departing_from: str | None = Field(default=None, max_length=32)  # a jurisdiction code
    driver_person_id: StoreId | None = None
    on: Day | None = None


# ---- the registry -----------------------------------------------------------------------------------------------


def _place(session: Session, actor: Actor, code: str | None) -> Jurisdiction:
    if not code:
        raise InvalidInput("jurisdiction_code", "an enterprise or park must lie in a jurisdiction")
    j = get_jurisdiction(session, code)
    if not actor.covers(j.path):
        raise InvalidInput("jurisdiction_code", f"{code!r} is not in your jurisdiction")
    return j


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("name", "a name of 1 to 200 characters")
    return name


def create_park(session: Session, actor: Actor, data: ParkIn) -> EnterprisePark:
    """A new industrial park in the actor's jurisdictions (m20.19)."""
    actor.require(Permission.manage_sites)
    name = _name(data.name)
    j = _place(session, actor, data.jurisdiction_code)
    if session.scalar(select(EnterprisePark.id).where(EnterprisePark.name == name)) is not None:
        raise InvalidInput("name", f"a park named {name!r} already exists")
    park = EnterprisePark(name=name, jurisdiction_code=j.code, created_by=actor.username)
    session.add(park)
    session.flush()
    record(session, actor, action="create", entity="enterprise_parks", entity_id=park.id, detail={"name": name})
    return park


def _in_scope(session: Session, actor: Actor, code: str) -> bool:
    j = session.get(Jurisdiction, code)
    return j is not None and actor.covers(j.path)


def get_park(session: Session, actor: Actor, park_id: int) -> EnterprisePark:
    park = session.get(EnterprisePark, park_id)
    if park is None or not _in_scope(session, actor, park.jurisdiction_code):
        raise NotFound("park", park_id)
    return park


def list_parks(session: Session, actor: Actor, *, offset: int = 0, limit: int = 50) -> tuple[list[EnterprisePark], int]:
    stmt = (
        select(EnterprisePark)
        .join(Jurisdiction, Jurisdiction.code == EnterprisePark.jurisdiction_code)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path))
        .order_by(EnterprisePark.name, EnterprisePark.id)
    )
    return page_of(session, stmt, offset=offset, limit=limit)


def create_enterprise(session: Session, actor: Actor, data: EnterpriseIn) -> Enterprise:
    """A new enterprise in the actor's jurisdictions, private ones included (m20.19). Without a jurisdiction it is
    refused naming `jurisdiction_code`; a park outside the actor's scope naming `park_id`."""
    actor.require(Permission.manage_sites)
    name = _name(data.name)
    if data.ownership not in OWNERSHIPS:
        raise InvalidInput("ownership", f"{data.ownership!r} is not one of {', '.join(OWNERSHIPS)}")
    j = _place(session, actor, data.jurisdiction_code)
    if data.park_id is not None:
        park = session.get(EnterprisePark, data.park_id)
        if park is None or not _in_scope(session, actor, park.jurisdiction_code):
            raise InvalidInput("park_id", f"unknown park {data.park_id}")
    if session.scalar(select(Enterprise.id).where(Enterprise.name == name)) is not None:
        raise InvalidInput("name", f"an enterprise named {name!r} already exists")
    values: dict[str, Any] = {
        "name": name,
        "ownership": data.ownership,
        "jurisdiction_code": j.code,
        "park_id": data.park_id,
        "workers": whole_count("workers", data.workers),
        "white_listed": data.white_listed,
        "key_supply_chain": data.key_supply_chain,
    }
    enterprise = Enterprise(**values, created_by=actor.username)
    session.add(enterprise)
    session.flush()
    record(session, actor, action="create", entity="enterprises", entity_id=enterprise.id, detail=values)
    return enterprise


def get_enterprise(session: Session, actor: Actor, enterprise_id: int) -> Enterprise:
    """An enterprise in the actor's jurisdictions; one outside them is not found (the same answer as none)."""
    found = session.get(Enterprise, enterprise_id)
    if found is None or not _in_scope(session, actor, found.jurisdiction_code):
        raise NotFound("enterprise", enterprise_id)
    return found


def list_enterprises(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None = None,
    park_id: int | None = None,
    white_listed: bool | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Enterprise], int]:
    """The enterprises in the actor's jurisdictions (or under `jurisdiction_code`), by name."""
    root = actor.jurisdiction_path
    if jurisdiction_code is not None:
        j = session.get(Jurisdiction, jurisdiction_code)
        if j is None or not actor.covers(j.path):
            raise InvalidInput("jurisdiction_code", f"unknown jurisdiction {jurisdiction_code!r}")
        root = j.path
    stmt = (
        select(Enterprise)
        .join(Jurisdiction, Jurisdiction.code == Enterprise.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root))
        .order_by(Enterprise.name, Enterprise.id)
    )
    if park_id is not None:
        stmt = stmt.where(Enterprise.park_id == park_id)
    if white_listed is not None:
        stmt = stmt.where(Enterprise.white_listed.is_(white_listed))
    return page_of(session, stmt, offset=offset, limit=limit)


def set_white_list(session: Session, actor: Actor, enterprise_id: int, white_listed: bool) -> Enterprise:
    """Put an enterprise on the white list of key enterprises, or take it off (m20.19)."""
    actor.require(Permission.manage_sites)
    enterprise = get_enterprise(session, actor, enterprise_id)
    enterprise.white_listed = white_listed
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="enterprises",
        entity_id=enterprise.id,
        detail={"white_listed": white_listed},
    )
    return enterprise


# ---- plans and their ledgers ------------------------------------------------------------------------------------


def adopt_plan(session: Session, actor: Actor, data: PlanIn, *, today: date, policy: Policy) -> EnterprisePlan:
    """The one plan of an enterprise or of a park (一企一策、一园一策), its chain of responsibility complete
    (management → workshop → team). An unknown enterprise or park is refused naming it; a second plan for the same
    one is refused naming it too (the plan in force is changed, not doubled)."""
    actor.require(Permission.manage_sites)
    if (data.enterprise_id is None) == (data.park_id is None):
        raise InvalidInput("enterprise_id", "a plan is for one enterprise or for one park")
    on = data.adopted_on or today
    rules = policy.at(on)
    if data.enterprise_id is not None:
        found_e = session.get(Enterprise, data.enterprise_id)
        if found_e is None or not _in_scope(session, actor, found_e.jurisdiction_code):
            raise InvalidInput("enterprise_id", f"unknown enterprise {data.enterprise_id}")
        taken = select(EnterprisePlan.id).where(EnterprisePlan.enterprise_id == found_e.id)
        field = "enterprise_id"
    else:
        found_p = session.get(EnterprisePark, data.park_id)
        if found_p is None or not _in_scope(session, actor, found_p.jurisdiction_code):
            raise InvalidInput("park_id", f"unknown park {data.park_id}")
        taken = select(EnterprisePlan.id).where(EnterprisePlan.park_id == found_p.id)
        field = "park_id"
    check_chain(data.chain, rules)
    if session.scalar(taken) is not None:
        raise InvalidInput(field, "it already has its plan: one enterprise, one policy")
    plan = EnterprisePlan(
        enterprise_id=data.enterprise_id,
        park_id=data.park_id,
        chain={k: v.strip() for k, v in data.chain.items()},
        measures=data.measures,
        adopted_on=on,
        policy=rules.version,
        recorded_by=actor.username,
    )
    session.add(plan)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="enterprise_plans",
        entity_id=plan.id,
        detail={field: getattr(plan, field)},
    )
    return plan


def get_plan(session: Session, actor: Actor, plan_id: int) -> EnterprisePlan:
    plan = session.get(EnterprisePlan, plan_id)
    if plan is None:
        raise NotFound("plan", plan_id)
    if plan.enterprise_id is not None:
        get_enterprise(session, actor, plan.enterprise_id)
    elif plan.park_id is not None:
        get_park(session, actor, plan.park_id)
    return plan


def plan_of(session: Session, *, enterprise_id: int | None = None, park_id: int | None = None) -> EnterprisePlan | None:
    if enterprise_id is not None:
        return session.scalar(select(EnterprisePlan).where(EnterprisePlan.enterprise_id == enterprise_id))
    return session.scalar(select(EnterprisePlan).where(EnterprisePlan.park_id == park_id))


def record_plan_check(
    session: Session, actor: Actor, plan_id: int, data: PlanCheckIn, *, today: date
) -> EnterprisePlanCheck:
    """A line of the plan's ledger of checks, at a level of its chain (m20.19: 细化各环节各流程防控台账)."""
    actor.require(Permission.manage_sites)
    plan = get_plan(session, actor, plan_id)
    if data.level not in plan.chain:
        raise InvalidInput("level", f"{data.level!r} is not a level of this plan's chain ({', '.join(plan.chain)})")
    if not data.checker.strip():
        raise InvalidInput("checker", "who checked")
    on = data.checked_on or today
    if on > today:
        raise InvalidInput("checked_on", "a check is recorded on or after the day it was made")
    check = EnterprisePlanCheck(
        plan_id=plan.id,
        checked_on=on,
        level=data.level,
        checker=data.checker.strip(),
        passed=data.passed,
        note=data.note,
        recorded_by=actor.username,
    )
    session.add(check)
    session.flush()
    record(session, actor, action="create", entity="enterprise_plan_checks", entity_id=check.id)
    return check


def plan_checks(
    session: Session, actor: Actor, plan_id: int, *, offset: int = 0, limit: int = 50
) -> tuple[list[EnterprisePlanCheck], int]:
    """The plan's ledger of checks, oldest first."""
    plan = get_plan(session, actor, plan_id)
    stmt = (
        select(EnterprisePlanCheck)
        .where(EnterprisePlanCheck.plan_id == plan.id)
        .order_by(EnterprisePlanCheck.checked_on, EnterprisePlanCheck.id)
    )
    return page_of(session, stmt, offset=offset, limit=limit)


# ---- returning workers, logistics -------------------------------------------------------------------------------


def _in_high_risk_area(session: Session, code: str | None, on: date) -> bool:
    if code is None:
        return False
    j = session.get(Jurisdiction, code)
    if j is None:
        return False
    return any(area.level == "high" and j.path.startswith(path) for area, path in active_area_paths(session, on))


def _under_order(session: Session, person_id: int) -> bool:
    return (
        session.scalar(
            select(ManagementOrder.id)
            .where(ManagementOrder.person_id == person_id, ManagementOrder.status == OrderStatus.active.value)
            .limit(1)
        )
        is not None
    )


def check_returning_worker(
    session: Session, actor: Actor, enterprise_id: int, data: ReturnCheckIn, *, today: date, policy: Policy
) -> EnterpriseReturnCheck:
    """A worker returning from elsewhere checked against the risk areas and their own management status before
    returning to work (m20.19), through the risk-area and order records; the check is kept (a record written, so
    made by those who write persons' records: not a viewer or a supervisor)."""
    actor.require(Permission.write_persons)
    enterprise = get_enterprise(session, actor, enterprise_id)
    person = person_in_scope(session, actor, data.person_id)
    if data.returning_from is not None:
        get_jurisdiction(session, data.returning_from, field="returning_from")
    on = data.on or today
    place = data.returning_from or person.jurisdiction_code
    decision = return_check(_in_high_risk_area(session, place, on), _under_order(session, person.id), policy.at(on))
    check = EnterpriseReturnCheck(
        enterprise_id=enterprise.id,
        person_id=person.id,
        returning_from=data.returning_from,
        checked_on=on,
        cleared=decision.cleared,
        reasons=[r.model_dump() for r in decision.reasons],
        policy=decision.policy,
        recorded_by=actor.username,
    )
    session.add(check)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="enterprise_return_checks",
        entity_id=check.id,
        detail={"person_id": person.id, "cleared": decision.cleared},
    )
    return check


def return_checks(
    session: Session, actor: Actor, enterprise_id: int, *, offset: int = 0, limit: int = 50
) -> tuple[list[EnterpriseReturnCheck], int]:
    """The returning workers' checks of an enterprise, newest first; the read is audited (they name persons)."""
    actor.require(Permission.read_persons)
    enterprise = get_enterprise(session, actor, enterprise_id)
    stmt = (
        select(EnterpriseReturnCheck)
        .where(EnterpriseReturnCheck.enterprise_id == enterprise.id)
        .order_by(EnterpriseReturnCheck.checked_on.desc(), EnterpriseReturnCheck.id.desc())
    )
    rows, total = page_of(session, stmt, offset=offset, limit=limit)
    read_of(session, actor, "enterprise_return_checks", [r.person_id for r in rows], entity_id=enterprise.id)
    return rows, total


def logistics_check(
    session: Session, actor: Actor, data: LogisticsIn, *, today: date, policy: Policy
) -> LogisticsDecision:
    """Whether a driver and vehicle keep moving (m20.19) under the version in force on the day."""
    actor.require(Permission.read_persons)
    key = data.key_supply_chain
    if data.enterprise_id is not None:
        found = session.get(Enterprise, data.enterprise_id)
        if found is None or not _in_scope(session, actor, found.jurisdiction_code):
            raise InvalidInput("enterprise_id", f"unknown enterprise {data.enterprise_id}")
        key = key or found.key_supply_chain
    if data.departing_from is not None:
        get_jurisdiction(session, data.departing_from, field="departing_from")
    under = False
    if data.driver_person_id is not None:
        under = _under_order(session, person_in_scope(session, actor, data.driver_person_id).id)
    on = data.on or today
    return logistics_pass(key, _in_high_risk_area(session, data.departing_from, on), under, policy.at(on))


# ---- stopping production ----------------------------------------------------------------------------------------


def order_stop(
    session: Session, actor: Actor, enterprise_id: int, data: StopOrderIn, *, today: date, policy: Policy
) -> EnterpriseStopOrder:
    """An order stopping an enterprise's production, judged by the guard (m20.19, m20.16): a white-listed enterprise
    is refused with the clause cited; another needs a recorded approval. A refusal raises `Refused` (recorded as an
    over-reach finding by the door it came through); an allowed stop is kept with its approval."""
    actor.require(Permission.manage_sites)
    enterprise = get_enterprise(session, actor, enterprise_id)
    if not data.reason.strip():
        raise InvalidInput("reason", "why production is to stop")
    if not enterprise.producing:
        raise Conflict("enterprise_id", "the enterprise is already stopped")
    on = data.on or today
    decision = judge_stop_order(enterprise.white_listed, data.approved_by, policy.at(on))
    if not decision.allowed:
        cited = decision.reasons[0]  # the rule itself (the guard's own clause follows it)
        raise Refused(cited.clause, cited.text)
    order = EnterpriseStopOrder(
        enterprise_id=enterprise.id,
        stop_on=on,
        reason=data.reason.strip(),
        approved_by=(data.approved_by or "").strip() or None,
        approval_ref=(data.approval_ref or "").strip() or None,
        reasons=[r.model_dump() for r in decision.reasons],
        policy=decision.policy,
        recorded_by=actor.username,
    )
    enterprise.producing = False
    session.add(order)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="enterprise_stop_orders",
        entity_id=order.id,
        detail={"enterprise_id": enterprise.id, "approval_ref": order.approval_ref},
    )
    return order


def stop_orders(
    session: Session, actor: Actor, enterprise_id: int, *, offset: int = 0, limit: int = 50
) -> tuple[list[EnterpriseStopOrder], int]:
    """The enterprise's stop orders the guard allowed, oldest first."""
    enterprise = get_enterprise(session, actor, enterprise_id)
    stmt = (
        select(EnterpriseStopOrder)
        .where(EnterpriseStopOrder.enterprise_id == enterprise.id)
        .order_by(EnterpriseStopOrder.id)
    )
    return page_of(session, stmt, offset=offset, limit=limit)


def reasons_of(rows: list[dict[str, Any]]) -> list[Reason]:
    return [Reason(**r) for r in rows]
