"""Appeals of health codes and complaints (measures 16, 18): opened with a response deadline from the policy,
routed to the person's (or the named) jurisdiction, answered with an outcome; a corrected code is recomputed."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import StoreId
from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.policy import Policy
from fangkong.policy.terms import parse_term
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.health_codes.service import refresh_person
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import jurisdiction_in_scope
from fangkong.services.paging import page_of
from fangkong.services.persons.service import person_in_scope

from .models import Channel, Outcome, Ticket, TicketKind, TicketStatus


class TicketCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: TicketKind
    channel: Channel = Channel.hotline
    text: str = Field(min_length=3, max_length=4000)
    person_id: StoreId | None = Field(default=None, description="required for a health-code appeal")
    jurisdiction_code: str | None = Field(
        default=None, description="where a complaint is routed (default: the person's)"
    )


class TicketAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    answer: str = Field(min_length=3, max_length=4000)


class TicketRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    person_id: int | None
    jurisdiction_code: str
    channel: str
    text: str
    opened_at: datetime
    due_at: datetime
    clause: str
    opened_by: str
    status: str
    outcome: str | None
    answer: str | None
    answered_at: datetime | None
    answered_by: str | None


def open_ticket(session: Session, actor: Actor, data: TicketCreate, *, now: datetime, policy: Policy) -> Ticket:
    actor.require(Permission.write_persons)
    if data.kind == TicketKind.health_code and data.person_id is None:
        raise InvalidInput("person_id", "a health-code appeal is about a person")
    if data.person_id is not None:
        person = person_in_scope(session, actor, data.person_id)
        code = data.jurisdiction_code or person.jurisdiction_code
    elif data.jurisdiction_code is not None:
        code = data.jurisdiction_code
    else:
        raise InvalidInput("jurisdiction_code", "route the complaint to a jurisdiction")
    jurisdiction_in_scope(session, actor, code)
    hours = policy.at(local_day(now)).get("appeals.response_hours")
    ticket = Ticket(
        kind=data.kind,
        person_id=data.person_id,
        jurisdiction_code=code,
        channel=data.channel,
        text=data.text,
        opened_at=now,
        due_at=now + timedelta(hours=hours.value),
        clause=hours.source.clause,
        opened_by=actor.username,
    )
    session.add(ticket)
    session.flush()
    if data.person_id is not None:
        record(
            session,
            actor,
            action="update",
            entity="person",
            entity_id=data.person_id,
            detail={"ticket": ticket.id, "kind": data.kind},
        )
    return ticket


def ticket_in_scope(session: Session, actor: Actor, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound("ticket", ticket_id)
    j = session.get(Jurisdiction, ticket.jurisdiction_code)
    if j is None or not actor.covers(j.path):
        raise NotFound("ticket", ticket_id)
    return ticket


def answer_ticket(
    session: Session, actor: Actor, ticket_id: int, data: TicketAnswer, *, now: datetime, policy: Policy
) -> Ticket:
    """Answer a ticket; a corrected health-code appeal recomputes the person's code at once."""
    actor.require(Permission.write_persons)
    ticket = ticket_in_scope(session, actor, ticket_id)
    if ticket.status != TicketStatus.open:
        raise Conflict("status", f"ticket {ticket.id} is {ticket.status}")
    ticket.status, ticket.outcome, ticket.answer = TicketStatus.answered, data.outcome, data.answer
    ticket.answered_at, ticket.answered_by = now, actor.username
    session.flush()
    if ticket.kind == TicketKind.health_code and data.outcome == Outcome.corrected and ticket.person_id is not None:
        refresh_person(session, actor, ticket.person_id, local_day(now), policy, cause="appeal.corrected")
    return ticket


def list_tickets(
    session: Session,
    actor: Actor,
    *,
    now: datetime,
    status: str | None = None,
    overdue: bool | None = None,
    kind: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Ticket], int]:
    """Tickets routed into the actor's jurisdiction, the most urgent first."""
    actor.require(Permission.read_persons)
    stmt = (
        select(Ticket)
        .join(Jurisdiction, Jurisdiction.code == Ticket.jurisdiction_code)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path))
    )
    if status is not None:
        stmt = stmt.where(Ticket.status == parse_term(TicketStatus, status, "status"))
    if kind is not None:
        stmt = stmt.where(Ticket.kind == parse_term(TicketKind, kind, "kind"))
    if overdue is True:
        stmt = stmt.where(Ticket.status == TicketStatus.open, Ticket.due_at < now)
    elif overdue is False:
        stmt = stmt.where((Ticket.status != TicketStatus.open) | (Ticket.due_at >= now))
    return page_of(session, stmt.order_by(Ticket.due_at, Ticket.id), offset=offset, limit=limit)
