"""Everything a worker needs about one person in one place (issue 16): their record, each order with its plan, the
tests of the plan done and owed so far, the order's history, an infection with its re-positives, holds after a
positive pool and retests owed, and the health code of the day with its reasons.

It gathers through the services that keep each record, so every read is scoped and audited as theirs are: the
person's record, their orders and their infection are each a read in the person's trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.rules.plans import Plan
from fangkong.services.access import Actor
from fangkong.services.health_codes.service import CodeRead, lookup
from fangkong.services.infections.models import Infection, RePositive
from fangkong.services.infections.service import list_re_positives, read_infection
from fangkong.services.lab.models import Retest, TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderEvent, OrderStatus, Sampling
from fangkong.services.orders.service import events, list_orders
from fangkong.services.persons.schemas import PersonRead
from fangkong.services.persons.service import read_person, to_read
from fangkong.services.visits.models import HomeVisit
from fangkong.services.visits.service import list_visits


@dataclass(frozen=True)
class OrderView:
    """One order: its plan, its history, and the test days of the plan up to the day asked — done or owed."""

    order: ManagementOrder
    plan: Plan
    history: list[OrderEvent]
    tests_done: list[date]
    tests_owed: list[date]
    phase_today: str | None  # the kind of the phase the day falls in, while the order runs


@dataclass(frozen=True)
class PersonOverview:
    person: PersonRead
    orders: list[OrderView]
    infection: Infection | None
    re_positives: list[RePositive]
    holds: list[TemporaryControl]
    retests: list[Retest]
    code: CodeRead
    visits: list[HomeVisit] = field(default_factory=list)  # home visits, newest first (the last 20)


def person_overview(
    session: Session, actor: Actor, person_id: int, *, on: date, policy: Policy, reason: str = "console"
) -> PersonOverview:
    """One person on the day `on`, as a worker in scope may see them (identifiers masked unless permitted)."""
    person = to_read(read_person(session, actor, person_id, reason=reason), actor)
    orders, _ = list_orders(session, actor, person_id=person_id, limit=50, reason=reason)
    views: list[OrderView] = []
    for order in orders:
        plan = Plan.model_validate(order.plan)
        history, _ = events(session, actor, order.id)
        sampled = set(session.scalars(select(Sampling.sampled_on).where(Sampling.order_id == order.id)))
        due = [d for d in plan.test_dates if d < on and d < order.released_on]  # today's test is due, not owed
        phase = plan.phase_on(on) if order.status == OrderStatus.active and order.start <= on else None
        views.append(
            OrderView(
                order=order,
                plan=plan,
                history=history,
                tests_done=sorted(sampled),
                tests_owed=[d for d in due if d not in sampled] if order.status == OrderStatus.active else [],
                phase_today=phase.kind.value if phase is not None else None,
            )
        )
    infection_id = session.scalar(select(Infection.id).where(Infection.person_id == person_id))
    infection = read_infection(session, actor, infection_id) if infection_id is not None else None
    re_positives = list_re_positives(session, actor, infection_id, limit=50)[0] if infection_id is not None else []
    holds = list(
        session.scalars(
            select(TemporaryControl)
            .where(TemporaryControl.person_id == person_id)
            .order_by(TemporaryControl.started_at.desc())
            .limit(20)
        )
    )
    retests = list(
        session.scalars(
            select(Retest).where(Retest.person_id == person_id, Retest.done_sample_id.is_(None)).order_by(Retest.due_at)
        )
    )
    code = lookup(session, actor, on=on, policy=policy, person_id=person_id)
    return PersonOverview(
        person=person,
        orders=views,
        infection=infection,
        re_positives=re_positives,
        holds=holds,
        retests=retests,
        code=code,
        visits=list_visits(session, actor, person_id=person_id, limit=20, reason=reason)[0],
    )
