"""Recording and listing home visits (issue 16: "the community worker ... records a home visit").

People under home isolation (measure 1: a close contact's last 3 days; measure 3: spill-over from a high-risk area)
or home health monitoring (measure 5: high-risk posts) are visited at home. The worker records what they found;
`rules.home_visit` says whether the visit needs follow-up. A visit belongs to the person's active order and to a
day of a home phase of its plan; one visit a day per order. Reads are scoped and audited as other person reads.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import Day, Flag
from fangkong.errors import Conflict, InvalidInput
from fangkong.policy.terms import PhaseKind
from fangkong.rules.home_visit import SYMPTOMS, follow_up_reasons, temperature_problem
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.orders.models import OrderStatus
from fangkong.services.orders.service import order_in_scope, stored_plan
from fangkong.services.paging import page_of
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import person_in_scope
from fangkong.services.visits.models import HomeVisit

HOME_PHASES = (PhaseKind.home_isolation, PhaseKind.home_health_monitoring)
NONE = "none"  # the form's "no symptoms" box: the same as ticking nothing


class VisitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visited_on: Day
    at_home: Flag
    temperature: float | None = Field(default=None, description="°C, 34.0–43.0")
    symptoms: list[str] = Field(default_factory=list, description="fever, cough, sore_throat, other (or none)")
    stayed_home: Flag | None = Field(default=None, description="did not go out since the last visit")
    note: str | None = None


class VisitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    order_id: int
    visited_on: date
    visited_at: datetime
    at_home: bool
    temperature: float | None
    symptoms: list[str]
    stayed_home: bool | None
    note: str | None
    follow_up: bool
    reasons: list[str]
    recorded_by: str


def _symptoms(values: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if NONE in chosen:
        if len(chosen) > 1:
            raise InvalidInput("symptoms", "no symptoms cannot be ticked together with a symptom")
        return []
    unknown = [v for v in chosen if v not in SYMPTOMS]
    if unknown:
        raise InvalidInput("symptoms", f"{', '.join(unknown)} is not one of {', '.join(SYMPTOMS)}")
    return [s.value for s in SYMPTOMS if s.value in chosen]  # the vocabulary's order


def record_visit(
    session: Session, actor: Actor, order_id: int, data: VisitCreate, *, today: date, now: datetime
) -> HomeVisit:
    """Record a visit to the person of an active order on a day of its home phase (measures 1 and 5); it is flagged
    for follow-up when the rules say so. Nothing is stored when a field is refused."""
    actor.require(Permission.change_orders)
    order = order_in_scope(session, actor, order_id)
    if data.visited_on > today:
        raise InvalidInput("visited_on", f"{data.visited_on} is after today ({today}): record a visit made")
    if order.status != OrderStatus.active:
        raise InvalidInput("order_id", f"order {order.id} has ended: only a person under an active order is visited")
    phase = stored_plan(order).phase_on(data.visited_on) if order.start <= data.visited_on else None
    if phase is None or phase.kind not in HOME_PHASES:
        where = "no phase of the plan" if phase is None else "a centralized or testing-only phase"
        raise InvalidInput(
            "order_id",
            f"on {data.visited_on} order {order.id} is in {where}: home visits are for home isolation "
            "or home health monitoring",
        )
    problem = temperature_problem(data.temperature)
    if problem is not None:
        raise InvalidInput("temperature", problem)
    symptoms = _symptoms(data.symptoms)
    exists = session.scalar(
        select(HomeVisit.id).where(HomeVisit.order_id == order.id, HomeVisit.visited_on == data.visited_on)
    )
    if exists is not None:
        raise Conflict("visited_on", f"a visit of {data.visited_on} is already recorded for this order")
    reasons = follow_up_reasons(
        at_home=data.at_home, temperature=data.temperature, symptoms=symptoms, stayed_home=data.stayed_home
    )
    visit = HomeVisit(
        person_id=order.person_id,
        order_id=order.id,
        visited_on=data.visited_on,
        visited_at=now,
        at_home=data.at_home,
        temperature=data.temperature,
        symptoms=symptoms,
        stayed_home=data.stayed_home,
        note=(data.note or "").strip() or None,
        follow_up=bool(reasons),
        reasons=[r.value for r in reasons],
        recorded_by=actor.username,
    )
    session.add(visit)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="person",
        entity_id=order.person_id,
        detail={"order": order.id, "visit": visit.id, "follow_up": visit.follow_up},
    )
    return visit


def list_visits(
    session: Session,
    actor: Actor,
    *,
    person_id: int | None = None,
    on: date | None = None,
    follow_up: bool | None = None,
    jurisdiction_code: str | None = None,
    offset: int = 0,
    limit: int = 50,
    reason: str | None = None,
) -> tuple[list[HomeVisit], int]:
    """Visits to people in the actor's subtree, newest first; each listed visit is noted in the person's trail."""
    actor.require(Permission.read_persons)
    if person_id is not None:
        person_in_scope(session, actor, person_id)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(HomeVisit)
        .join(Person, HomeVisit.person_id == Person.id)
        .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(root))
    )
    if person_id is not None:
        stmt = stmt.where(HomeVisit.person_id == person_id)
    if on is not None:
        stmt = stmt.where(HomeVisit.visited_on == on)
    if follow_up is not None:
        stmt = stmt.where(HomeVisit.follow_up == follow_up)
    ordered = stmt.order_by(HomeVisit.visited_on.desc(), HomeVisit.follow_up.desc(), HomeVisit.id.desc())
    rows, total = page_of(session, ordered, offset=offset, limit=limit)
    for visit in rows:
        record(
            session,
            actor,
            action="listed",
            entity="person",
            entity_id=visit.person_id,
            reason=reason,
            detail={"visit": visit.id},
        )
    return rows, total
