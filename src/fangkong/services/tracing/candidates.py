"""Close contacts (measure 2): candidates proposed from the infected person's home and venue scans or named in the
interview, confirmed into management orders by an epidemiologist or dismissed; secondary close contacts only
where the rules in force determine them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import Day, StoreId
from fangkong.errors import Conflict, Inconsistent, InvalidInput, NotFound, Refused
from fangkong.policy import Policy, PolicyAt
from fangkong.rules.decision import Reason
from fangkong.rules.tracing import (
    Candidate,
    ExposureWindow,
    InfectionFacts,
    co_presence_gap,
    exposure_window,
    household,
    household_candidates,
    housemates_needed,
    interview_candidate,
    secondary_determination,
    venue_candidates,
)
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import JURISDICTION_ZONE, local_day
from fangkong.services.file_imports.bulk import chunks
from fangkong.services.infections.models import Infection
from fangkong.services.infections.service import infection_in_scope
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order
from fangkong.services.paging import page_of
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import person_in_scope

from .models import CandidateStatus, ContactCandidate
from .venues import co_present_scans


class InterviewContact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: StoreId
    last_exposure: Day
    setting: str = Field(min_length=3, max_length=400, description="how they met: shared a meal, same office…")


class CandidateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    infection_id: int
    person_id: int
    category: str
    via_candidate_id: int | None
    source: str
    last_exposure: date
    detail: str
    reasons: list[dict[str, Any]]
    status: str
    order_id: int | None
    proposed_at: datetime
    proposed_by: str
    decided_at: datetime | None
    decided_by: str | None


def _window(infection: Infection, rules: PolicyAt) -> ExposureWindow:
    facts = InfectionFacts(
        onset_on=infection.onset_on, sampled_on=infection.sampled_on, isolated_at=infection.isolated_at
    )
    return exposure_window(facts, rules)


def _household(session: Session, person: Person, rules: PolicyAt) -> tuple[int, ...]:
    """The people registered at the person's home (address, building and unit) that `rules.tracing.household` counts
    as its household: read only as far as it needs to decide (a dormitory holds hundreds)."""
    stmt = select(Person.id).where(
        Person.jurisdiction_code == person.jurisdiction_code,
        Person.address == person.address,
        Person.building.is_not_distinct_from(person.building),
        Person.unit.is_not_distinct_from(person.unit),
        Person.id != person.id,
    )
    needed = housemates_needed(rules)
    if needed is not None:
        stmt = stmt.limit(needed)
    return household(person.id, session.scalars(stmt), rules).members


def _excluded(session: Session, infection_id: int, people: list[int]) -> set[int]:
    """People not to propose: infected themselves, already candidates of this infection, or already under an
    active close-contact order."""
    out: set[int] = set()
    for part in chunks(people):
        out.update(session.scalars(select(Infection.person_id).where(Infection.person_id.in_(part))))
        out.update(
            session.scalars(
                select(ContactCandidate.person_id).where(
                    ContactCandidate.infection_id == infection_id, ContactCandidate.person_id.in_(part)
                )
            )
        )
        out.update(
            session.scalars(
                select(ManagementOrder.person_id).where(
                    ManagementOrder.person_id.in_(part),
                    ManagementOrder.status == OrderStatus.active,
                    ManagementOrder.category.in_(("close_contact", "secondary_close_contact")),
                )
            )
        )
    return out


def _store(
    session: Session,
    actor: Actor,
    infection_id: int,
    found: list[Candidate],
    category: str,
    now: datetime,
    via: int | None = None,
) -> list[ContactCandidate]:
    excluded = _excluded(session, infection_id, [c.person_id for c in found])
    made = []
    for c in found:
        if c.person_id in excluded:
            continue
        excluded.add(c.person_id)
        candidate = ContactCandidate(
            infection_id=infection_id,
            person_id=c.person_id,
            category=category,
            via_candidate_id=via,
            source=c.source,
            last_exposure=c.last_exposure,
            detail=c.detail[:400],
            reasons=[r.model_dump() for r in c.reasons],
            proposed_by=actor.username,
            proposed_at=now,
        )
        session.add(candidate)
        made.append(candidate)
    session.flush()
    return made


def _at_home_and_venues(
    session: Session,
    person: Person,
    window: ExposureWindow,
    until: datetime | None,
    last_home_day: date,
    rules: PolicyAt,
) -> list[Candidate]:
    """The candidates of one person's exposure window: their household, and whoever was at a venue with them."""
    found = household_candidates(person.id, _household(session, person, rules), window, rules, last_home_day)
    gap = co_presence_gap(rules)
    if gap is not None:
        mine, others = co_present_scans(session, person.id, window, until, gap)
        found += venue_candidates(person.id, mine, others, window, rules, JURISDICTION_ZONE)
    return found


def propose_contacts(
    session: Session, actor: Actor, infection_id: int, *, now: datetime, policy: Policy
) -> list[ContactCandidate]:
    """Candidates from the infected person's home and venue scans inside the look-back window."""
    actor.require(Permission.trace_contacts)
    infection = infection_in_scope(session, actor, infection_id)
    today = local_day(now)
    rules = policy.at(today)
    window = _window(infection, rules)
    if not window.determined:
        return []
    person = session.get(Person, infection.person_id)
    if person is None:
        raise Inconsistent("person is not None")
    last_home_day = min(local_day(infection.isolated_at or now), today)
    found = _at_home_and_venues(session, person, window, window.until, last_home_day, rules)
    made = _store(session, actor, infection.id, found, "close_contact", now)
    if made:
        record(
            session,
            actor,
            action="update",
            entity="person",
            entity_id=infection.person_id,
            detail={"infection": infection.id, "proposed": len(made)},
        )
    return made


def add_interview_contacts(
    session: Session,
    actor: Actor,
    infection_id: int,
    contacts: list[InterviewContact],
    *,
    now: datetime,
    policy: Policy,
) -> list[ContactCandidate]:
    """Contacts the infected person named to the epidemiologist."""
    actor.require(Permission.trace_contacts)
    infection = infection_in_scope(session, actor, infection_id)
    if not contacts:
        raise InvalidInput("contacts", "name at least one contact")
    today = local_day(now)
    rules = policy.at(today)
    window = _window(infection, rules)
    found = []
    for i, c in enumerate(contacts):
        person_in_scope(session, actor, c.person_id)
        if c.person_id == infection.person_id:
            raise InvalidInput(f"contacts[{i}].person_id", "is the infected person")
        if c.last_exposure > today:
            raise InvalidInput(f"contacts[{i}].last_exposure", "is in the future")
        try:
            found.append(interview_candidate(c.person_id, c.last_exposure, c.setting, window, rules, JURISDICTION_ZONE))
        except InvalidInput as exc:
            raise InvalidInput(f"contacts[{i}].{exc.field}", exc.message) from None
    return _store(session, actor, infection.id, found, "close_contact", now)


def candidate_in_scope(session: Session, actor: Actor, candidate_id: int) -> ContactCandidate:
    candidate = session.get(ContactCandidate, candidate_id)
    if candidate is None:
        raise NotFound("contact candidate", candidate_id)
    person_in_scope(session, actor, candidate.person_id)
    return candidate


def confirm_candidate(
    session: Session, actor: Actor, candidate_id: int, *, now: datetime, policy: Policy, reason: str | None = None
) -> ContactCandidate:
    """The epidemiologist confirms a candidate: they are placed under management from their last exposure."""
    actor.require(Permission.trace_contacts)
    candidate = candidate_in_scope(session, actor, candidate_id)
    if candidate.status != CandidateStatus.proposed:
        raise Conflict("status", f"candidate {candidate.id} is {candidate.status}")
    order = place_order(
        session,
        actor,
        OrderCreate(
            person_id=candidate.person_id,
            category=candidate.category,
            anchor_date=candidate.last_exposure,
            reason=reason
            or f"{candidate.category.replace('_', ' ')} of infection {candidate.infection_id} "
            f"({candidate.source}: {candidate.detail})"[:400],
        ),
        today=local_day(now),
        policy=policy,
    )
    candidate.status, candidate.order_id = CandidateStatus.confirmed, order.id
    candidate.decided_at, candidate.decided_by = now, actor.username
    session.flush()
    return candidate


def dismiss_candidate(
    session: Session, actor: Actor, candidate_id: int, *, now: datetime, reason: str
) -> ContactCandidate:
    actor.require(Permission.trace_contacts)
    candidate = candidate_in_scope(session, actor, candidate_id)
    if candidate.status != CandidateStatus.proposed:
        raise Conflict("status", f"candidate {candidate.id} is {candidate.status}")
    if len(reason.strip()) < 3:
        raise InvalidInput("reason", "say why the candidate is dismissed")
    candidate.status, candidate.decided_at, candidate.decided_by = CandidateStatus.dismissed, now, actor.username
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=candidate.person_id,
        reason=reason,
        detail={"candidate": candidate.id, "dismissed": True},
    )
    session.flush()
    return candidate


def propose_secondary(
    session: Session, actor: Actor, candidate_id: int, *, now: datetime, policy: Policy
) -> list[ContactCandidate]:
    """The close contacts of a confirmed close contact — only where the rules in force determine them.

    Under the 20 measures this is refused (measure 2); under the 9th edition they are proposed with their own
    category (and plan, once confirmed), exposed from the infected person's window until the close contact was
    placed under management.
    """
    actor.require(Permission.trace_contacts)
    candidate = candidate_in_scope(session, actor, candidate_id)
    today = local_day(now)
    rules = policy.at(today)
    decision = secondary_determination(rules)
    if not decision.determined:
        reason: Reason = decision.reasons[0]
        raise Refused(reason.clause, f"{reason.text}: no secondary close contacts are generated")
    if candidate.category != "close_contact" or candidate.status != CandidateStatus.confirmed:
        raise Conflict("status", "secondary close contacts follow a confirmed close contact")
    infection = session.get(Infection, candidate.infection_id)
    if infection is None:
        raise Inconsistent("infection is not None")
    placed = candidate.decided_at
    if placed is None:
        raise Inconsistent("placed is not None")
    window = _window(infection, rules).model_copy(update={"until": placed})
    contact = session.get(Person, candidate.person_id)
    if contact is None:
        raise Inconsistent("contact is not None")
    found = _at_home_and_venues(session, contact, window, placed, min(local_day(placed), today), rules)
    found = [
        c.model_copy(update={"reasons": (*c.reasons, *decision.reasons)})
        for c in found
        if c.person_id != infection.person_id
    ]
    return _store(session, actor, infection.id, found, "secondary_close_contact", now, via=candidate.id)


# the orders a list of proposals can be read in (a leading "-" reverses one); the id keeps ties in proposal order
CANDIDATE_SORTS = {
    "proposed_at": ContactCandidate.id,  # ids are given in the order proposals are made
    "last_exposure": ContactCandidate.last_exposure,
    "evidence": ContactCandidate.source,
    "decision": ContactCandidate.status,
    "infection": ContactCandidate.infection_id,
}


def list_candidates(
    session: Session,
    actor: Actor,
    *,
    infection_id: int | None = None,
    status: str | None = None,
    category: str | None = None,
    sort: str = "proposed_at",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[ContactCandidate], int]:
    """Close-contact proposals in the actor's scope, filtered, in the order `sort` names (`CANDIDATE_SORTS`)."""
    actor.require(Permission.read_persons)
    key = sort.removeprefix("-")
    if key not in CANDIDATE_SORTS:
        raise InvalidInput("sort", f"{sort!r} is not one of {', '.join(CANDIDATE_SORTS)} (a leading - reverses it)")
    column = CANDIDATE_SORTS[key]
    order = column.desc() if sort.startswith("-") else column.asc()
    stmt = (
        select(ContactCandidate)
        .join(Person, ContactCandidate.person_id == Person.id)
        .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path))
    )
    if infection_id is not None:
        infection_in_scope(session, actor, infection_id)
        stmt = stmt.where(ContactCandidate.infection_id == infection_id)
    if status is not None:
        if status not in (CandidateStatus.proposed, CandidateStatus.confirmed, CandidateStatus.dismissed):
            raise InvalidInput("status", "proposed, confirmed or dismissed")
        stmt = stmt.where(ContactCandidate.status == status)
    if category is not None:
        if category not in ("close_contact", "secondary_close_contact"):
            raise InvalidInput("category", "close_contact or secondary_close_contact")
        stmt = stmt.where(ContactCandidate.category == category)
    return page_of(session, stmt.order_by(order, ContactCandidate.id), offset=offset, limit=limit)
