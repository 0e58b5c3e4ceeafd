"""An infection isolated at home under the new ten (n10.3): its tests' results read against its plan.

The plan of a `mild_infection` order holds seven days with tests on days 6 and 7; whether it ends there is for the
results (`rules.infection_isolation.isolation_release`): the person's single-tube results sampled from the first
test day, read from the lab's store. A result below the threshold extends the order — its plan and its day of
release, with an event citing the clause — so the work lists show the daily tests and the health code stays managed;
the release itself waits for two passing tests in a row (`service.release`).
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.policy.terms import Category
from fangkong.rules.ct import GeneCt
from fangkong.rules.infection_isolation import CtReading, IsolationRelease, isolation_release
from fangkong.rules.plans import Plan
from fangkong.services.access import Actor
from fangkong.services.calendar import local_day, local_instant
from fangkong.services.file_imports.bulk import keyed
from fangkong.services.lab.models import LabResult, Sample, SampleMember
from fangkong.services.orders.models import ManagementOrder, OrderEvent, OrderStatus


def readings_of(session: Session, order: ManagementOrder) -> list[CtReading]:
    """The person's single-tube results sampled from the plan's first test day on (pools say nothing of one
    person's Ct)."""
    plan = Plan.model_validate(order.plan)
    since = local_instant(min(plan.test_dates), time(0))
    rows = session.execute(
        select(Sample.collected_at, LabResult.ct_orf1ab, LabResult.ct_n)
        .join(SampleMember, SampleMember.sample_id == Sample.id)
        .join(LabResult, LabResult.sample_id == Sample.id)
        .where(SampleMember.person_id == order.person_id, Sample.pool_size == 1, Sample.collected_at >= since)
    )
    return [CtReading(sampled_on=local_day(at), ct=GeneCt(orf1ab=orf, n=n)) for at, orf, n in rows]


def release_from_tests(session: Session, order: ManagementOrder, policy: Policy) -> IsolationRelease:
    """Where the order's isolation stands after the results in the store, under the rules of the day it began."""
    plan = Plan.model_validate(order.plan)
    return isolation_release(plan, readings_of(session, order), policy.at(plan.start))


def follow_isolation_results(
    session: Session, actor: Actor, person_ids: set[int], policy: Policy, *, now: datetime
) -> int:
    """After results arrive: each of `person_ids` isolated at home as an infection has their order extended where a
    test did not pass (its plan and day of release, one event). Returns how many orders were extended."""
    if not person_ids:
        return 0
    extended = 0
    # which of the day's people are isolated at home, read as ids (a column, not entities): under the new ten they
    # are hundreds of thousands, and most have no result in a given file; only theirs are loaded
    isolated = ManagementOrder.category == Category.mild_infection.value, ManagementOrder.status == OrderStatus.active
    ids = sorted(set(session.scalars(select(ManagementOrder.person_id).where(*isolated))) & person_ids)
    if not ids:
        return 0
    orders: list[ManagementOrder] = []
    with keyed(session, ids, "isolated_people") as where:
        for condition in where(ManagementOrder.person_id):
            orders.extend(session.scalars(select(ManagementOrder).where(*isolated, condition)))
    for order in orders:
        decision = release_from_tests(session, order, policy)
        if decision.plan.released_on <= order.released_on:
            continue
        before = order.released_on
        order.plan = decision.plan.model_dump(mode="json")
        order.released_on = decision.plan.released_on
        session.add(
            OrderEvent(
                order_id=order.id,
                kind="extended",
                actor=actor.username,
                detail={
                    "from": before.isoformat(),
                    "to": order.released_on.isoformat(),
                    "reason": decision.reasons[-1].text if decision.reasons else "",
                    "cite": decision.cite,
                    "at": now.isoformat(),
                },
            )
        )
        extended += 1
    session.flush()
    return extended
