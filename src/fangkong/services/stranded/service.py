"""Stranded persons (measure 20): who is waiting to leave for where, their departure clearance (the risk
assessment recorded with it), and the counts by origin and destination that evacuation is planned from."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.bounds import StoreId
from fangkong.errors import Conflict, NotFound
from fangkong.policy import Policy
from fangkong.policy.terms import parse_term
from fangkong.rules.departure import departure_clearance
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.health_codes.service import statuses_on
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.paging import page_of
from fangkong.services.persons.service import person_in_scope

from .models import StrandedPerson, StrandedStatus


class StrandedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: StoreId
    destination: str = Field(min_length=2, max_length=200, description="where they want to go (a place name or code)")


class StrandedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    origin_code: str
    destination: str
    reported_on: date
    status: str
    assessed_on: date | None
    assessment: list[dict[str, object]]


def report_stranded(session: Session, actor: Actor, data: StrandedCreate, *, now: datetime) -> StrandedPerson:
    actor.require(Permission.write_persons)
    person = person_in_scope(session, actor, data.person_id)
    waiting = session.scalar(
        select(StrandedPerson.id).where(
            StrandedPerson.person_id == person.id,
            StrandedPerson.status.in_((StrandedStatus.waiting, StrandedStatus.cleared, StrandedStatus.not_cleared)),
        )
    )
    if waiting is not None:
        raise Conflict("person_id", f"person {person.id} is already listed as stranded ({waiting})")
    row = StrandedPerson(
        person_id=person.id,
        origin_code=person.jurisdiction_code,
        destination=data.destination.strip(),
        reported_on=local_day(now),
    )
    session.add(row)
    session.flush()
    return row


def stranded_in_scope(session: Session, actor: Actor, stranded_id: int) -> StrandedPerson:
    row = session.get(StrandedPerson, stranded_id)
    if row is None:
        raise NotFound("stranded person", stranded_id)
    person_in_scope(session, actor, row.person_id)
    return row


def assess(session: Session, actor: Actor, stranded_id: int, *, now: datetime, policy: Policy) -> StrandedPerson:
    """The departure-clearance check, recorded: cleared unless a status today forbids leaving."""
    actor.require(Permission.write_persons)
    row = stranded_in_scope(session, actor, stranded_id)
    if row.status == StrandedStatus.departed:
        raise Conflict("status", f"{row.id} has departed")
    person = person_in_scope(session, actor, row.person_id)
    today = local_day(now)
    decision = departure_clearance(statuses_on(session, [person], today, policy)[person.id], policy.at(today))
    row.status = StrandedStatus.cleared if decision.cleared else StrandedStatus.not_cleared
    row.assessed_on, row.assessment = today, [r.model_dump() for r in decision.reasons]
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=person.id,
        detail={"stranded": row.id, "cleared": decision.cleared},
    )
    session.flush()
    return row


def mark_departed(session: Session, actor: Actor, stranded_id: int) -> StrandedPerson:
    actor.require(Permission.write_persons)
    row = stranded_in_scope(session, actor, stranded_id)
    if row.status != StrandedStatus.cleared:
        raise Conflict("status", f"only a cleared person departs ({row.status})")
    row.status = StrandedStatus.departed
    session.flush()
    return row


def list_stranded(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    destination: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[StrandedPerson], int]:
    actor.require(Permission.read_persons)
    stmt = (
        select(StrandedPerson)
        .join(Jurisdiction, Jurisdiction.code == StrandedPerson.origin_code)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path))
    )
    if status is not None:
        stmt = stmt.where(StrandedPerson.status == parse_term(StrandedStatus, status, "status"))
    if destination is not None:
        stmt = stmt.where(StrandedPerson.destination == destination)
    return page_of(session, stmt.order_by(StrandedPerson.id), offset=offset, limit=limit)


class StrandedCount(BaseModel):
    origin_code: str
    destination: str
    status: str
    persons: int


def summary(session: Session, actor: Actor) -> list[StrandedCount]:
    """How many wait to go where, from where: the evacuation planner's table."""
    actor.require(Permission.read_persons)
    rows = session.execute(
        select(StrandedPerson.origin_code, StrandedPerson.destination, StrandedPerson.status, func.count())
        .join(Jurisdiction, Jurisdiction.code == StrandedPerson.origin_code)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path))
        .group_by(StrandedPerson.origin_code, StrandedPerson.destination, StrandedPerson.status)
        .order_by(StrandedPerson.destination, StrandedPerson.origin_code, StrandedPerson.status)
    )
    return [StrandedCount(origin_code=o, destination=d, status=s, persons=n) for o, d, s, n in rows]
