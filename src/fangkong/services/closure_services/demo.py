"""The demo county's needs list (measure 17): a few open needs of people in the county's first community (one
overdue and escalated), a receiving point and two hotline records, so the work list and the needs queue have
something to show. `demo_needs` is called once from services/demo.py; a second call changes nothing."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import load_policy
from fangkong.services.access import Actor
from fangkong.services.calendar import local_instant
from fangkong.services.closure_services.models import ClosureNeed, ReceivingPoint
from fangkong.services.closure_services.service import (
    HotlineCreate,
    NeedCreate,
    ReceivingPointCreate,
    create_receiving_point,
    escalate_late,
    raise_need,
    record_call,
)
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.persons.models import Person

POINT = "North gate receiving point"
# (kind, hours before 09:00 today it was raised): the medicine raised two days ago is overdue
NEEDS = (("medicine", 48), ("dialysis", 1), ("food", 1), ("counselling", 0))


def demo_needs(session: Session, actor: Actor, today: date, county: str) -> int:
    """Raise `NEEDS` for the first people of the county's first community, escalate the late one, add a receiving
    point and two hotline records; returns the number of needs raised (0 when already there)."""
    root = session.get(Jurisdiction, county)
    if root is None or session.scalar(select(ReceivingPoint.id).where(ReceivingPoint.name == POINT)) is not None:
        return 0
    people = session.scalars(
        select(Person)
        .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root.path), Person.anonymised_on.is_(None))
        .order_by(Person.jurisdiction_code, Person.id)
        .limit(len(NEEDS))
    ).all()
    if not people:
        return 0
    policy = load_policy()
    morning = local_instant(today, time(9))
    community = people[0].jurisdiction_code
    raised: list[ClosureNeed] = []
    for i, (kind, hours) in enumerate(NEEDS):
        person = people[i % len(people)]
        at = morning - timedelta(hours=hours)
        need = raise_need(
            session, actor, NeedCreate(person_id=person.id, kind=kind, detail="demo"), now=at, policy=policy
        )
        raised.append(need)
    escalate_late(session, actor, now=morning, policy=policy)
    create_receiving_point(
        session,
        actor,
        ReceivingPointCreate(name=POINT, address="North gate", jurisdiction_code=community, hours="08:00-20:00"),
        now=morning,
    )
    calls: list[tuple[ClosureNeed | None, str]] = [
        (raised[0], "asks for her blood-pressure medicine"),
        (None, "asks when deliveries come"),
    ]
    for linked, summary in calls:
        record_call(
            session,
            actor,
            HotlineCreate(
                jurisdiction_code=community,
                caller_phone="13800000000",
                called_at=(linked.raised_at if linked else morning),
                summary=summary,
                need_id=linked.id if linked else None,
            ),
            now=morning,
            policy=policy,
        )
    return len(raised)
