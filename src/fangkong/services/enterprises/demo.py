"""The demo county's enterprises (measure 19): an industrial park with a white-listed key enterprise (a medicine
maker on a key supply chain) and an ordinary one (a garment workshop), each with its plan and chain of responsibility,
the park's plan, a few lines of their ledgers, and two returning workers checked on the drill day — one held (under a
management order), one cleared when there is someone without one. `demo_enterprises` is called once from
services/demo.py; a second call changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy, load_policy
from fangkong.services.access import Actor
from fangkong.services.enterprises.models import EnterprisePark
from fangkong.services.enterprises.service import (
    EnterpriseIn,
    ParkIn,
    PlanCheckIn,
    PlanIn,
    ReturnCheckIn,
    adopt_plan,
    check_returning_worker,
    create_enterprise,
    create_park,
    record_plan_check,
)
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.persons.models import Person

PARK = "示范工业园 Demo industrial park"
WHITE_LISTED = "示范药业 Demo Pharma (white list)"
ORDINARY = "示范服装厂 Demo Garments"


def demo_enterprises(session: Session, actor: Actor, today: date, county: str, *, policy: Policy | None = None) -> int:
    """The park, its two enterprises, their plans, ledgers and returning workers' checks. Returns the enterprises
    created (0 when already there)."""
    if session.get(Jurisdiction, county) is None:
        return 0
    if session.scalar(select(EnterprisePark.id).where(EnterprisePark.name == PARK)) is not None:
        return 0
    policy = policy or load_policy()
    park = create_park(session, actor, ParkIn(name=PARK, jurisdiction_code=county))
    pharma = create_enterprise(
        session,
        actor,
        EnterpriseIn(
            name=WHITE_LISTED,
            ownership="private",
            jurisdiction_code=county,
            park_id=park.id,
            workers=420,
            white_listed=True,
            key_supply_chain=True,
        ),
    )
    garments = create_enterprise(
        session,
        actor,
        EnterpriseIn(name=ORDINARY, ownership="private", jurisdiction_code=county, park_id=park.id, workers=85),
    )
    adopted = today - timedelta(days=4)
    chains = {
        park.id: {"management": "园区管委会 王主任", "workshop": "园区防疫办 李科长", "team": "园区巡查组 赵组长"},
        pharma.id: {"management": "总经理 陈", "workshop": "制剂车间 刘主任", "team": "包装班组 周班长"},
        garments.id: {"management": "厂长 孙", "workshop": "缝纫车间 吴主任", "team": "一班 郑班长"},
    }
    park_plan = adopt_plan(
        session,
        actor,
        PlanIn(park_id=park.id, chain=chains[park.id], measures="一园一策：出入登记、错峰用餐", adopted_on=adopted),
        today=today,
        policy=policy,
    )
    plans = [park_plan]
    for enterprise in (pharma, garments):
        plans.append(
            adopt_plan(
                session,
                actor,
                PlanIn(
                    enterprise_id=enterprise.id,
                    chain=chains[enterprise.id],
                    measures="一企一策：返岗核验、重点岗位保障、第三方人员管理",
                    adopted_on=adopted,
                ),
                today=today,
                policy=policy,
            )
        )
    for i, plan in enumerate(plans):
        for level in ("management", "workshop", "team"):
            record_plan_check(
                session,
                actor,
                plan.id,
                PlanCheckIn(
                    checked_on=today - timedelta(days=1),
                    level=level,
                    checker="园区专班 Park task force",
                    passed=not (i == 2 and level == "team"),
                    note="" if not (i == 2 and level == "team") else "台账未更新 ledger not kept up to date",
                ),
                today=today,
            )
    active = select(ManagementOrder.person_id).where(ManagementOrder.status == OrderStatus.active.value)
    held = session.scalar(select(Person.id).where(Person.id.in_(active)).order_by(Person.id).limit(1))
    free = session.scalar(select(Person.id).where(Person.id.not_in(active)).order_by(Person.id).limit(1))
    for person_id in (held, free):
        if person_id is not None:
            check_returning_worker(
                session, actor, pharma.id, ReturnCheckIn(person_id=person_id), today=today, policy=policy
            )
    return 2
