"""The residents and staff of key institutions, and the alert an infection among them raises by itself (measure 14;
issue 19).

(14): "strengthen the protection of nursing homes, welfare homes, psychiatric hospitals and other institutions"
(加强养老院、儿童福利院、精神专科医院等机构的防护). A person is recorded as a resident or a member of staff of an
institution from a day to a day. When an infection is recorded for a person who was a member while it was found —
from its sample day to the day it was recorded — the infection follow-up (`services.infection_follow_up`) raises the
institution's alert with the infected role, once per institution and infection, whoever recorded the infection (the
lab import or an epidemiologist): the protection of the notice does not wait for someone to link the two by hand.
Every refusal names its field and changes nothing; every read of the members is audited.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import Day, StoreId
from fangkong.errors import InvalidInput, NotFound
from fangkong.policy import Policy
from fangkong.policy.terms import InfectedRole, parse_term
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.audit.service import record
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.key_populations.institutions import alert_for, get_institution
from fangkong.services.key_populations.models import InstitutionAlert, InstitutionMember, KeyInstitution
from fangkong.services.paging import MAX_LIMIT
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import person_in_scope


class MemberIn(BaseModel):
    """A person recorded as a resident or a member of staff of an institution (measure 14), from a day (and to a day
    when they have left already)."""

    model_config = ConfigDict(frozen=True)

    person_id: StoreId
    role: str
    started_on: Day
    ended_on: Day | None = None


def _person(session: Session, actor: Actor, person_id: int) -> Person:
    """The member's person in the actor's scope; anything else is refused naming `person_id` — a person outside the
    scope gets the same answer as none, so the refusal tells nothing of who lives elsewhere."""
    try:
        return person_in_scope(session, actor, person_id)
    except NotFound:
        raise InvalidInput("person_id", f"no person {person_id} in your jurisdiction") from None


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or a_end >= b_start) and (b_end is None or b_end >= a_start)


def add_member(
    session: Session, actor: Actor, institution_id: int, data: MemberIn, *, today: date
) -> InstitutionMember:
    """Record a person as a resident or a member of staff of an institution (measure 14). Refuses an institution not
    found or out of scope (NotFound), a person not found or out of scope (`person_id`), a role outside the vocabulary
    (`role`), a start in the future (`started_on`), an end before the start or in the future (`ended_on`), and a
    period overlapping another of the same person in the same institution (`started_on`)."""
    actor.require(Permission.manage_sites)
    institution = get_institution(session, actor, institution_id)
    person = _person(session, actor, data.person_id)
    role = parse_term(InfectedRole, data.role, "role")
    if data.started_on > today:
        raise InvalidInput("started_on", f"{data.started_on} is in the future")
    if data.ended_on is not None and data.ended_on < data.started_on:
        raise InvalidInput("ended_on", f"{data.ended_on} is before {data.started_on}")
    if data.ended_on is not None and data.ended_on > today:
        raise InvalidInput("ended_on", f"{data.ended_on} is in the future")
    for other in _periods(session, institution.id, person.id):
        if _overlaps(other.started_on, other.ended_on, data.started_on, data.ended_on):
            raise InvalidInput("started_on", f"overlaps the membership from {other.started_on}")
    member = InstitutionMember(
        institution_id=institution.id,
        person_id=person.id,
        role=role.value,
        started_on=data.started_on,
        ended_on=data.ended_on,
        recorded_by=actor.username,
    )
    session.add(member)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="person",
        entity_id=person.id,
        detail={"institution": institution.id, "member": member.id, "role": role.value},
    )
    return member


def _periods(session: Session, institution_id: int, person_id: int) -> list[InstitutionMember]:
    stmt = select(InstitutionMember).where(
        InstitutionMember.institution_id == institution_id, InstitutionMember.person_id == person_id
    )
    return list(session.scalars(stmt.order_by(InstitutionMember.started_on, InstitutionMember.id)))


def get_member(session: Session, actor: Actor, member_id: int) -> InstitutionMember:
    """A membership of an institution and a person the actor may both see; anything else is not found."""
    member = session.get(InstitutionMember, member_id)
    if member is None:
        raise NotFound("institution member", member_id)
    try:
        get_institution(session, actor, member.institution_id)
        person_in_scope(session, actor, member.person_id)
    except NotFound:
        raise NotFound("institution member", member_id) from None
    return member


def end_member(session: Session, actor: Actor, member_id: int, ended_on: date, *, today: date) -> InstitutionMember:
    """A resident or member of staff who left on a day (measure 14); the membership stays as history. Refuses a
    membership already ended (`member_id`), an end before its start or in the future (`ended_on`)."""
    actor.require(Permission.manage_sites)
    member = get_member(session, actor, member_id)
    if member.ended_on is not None:
        raise InvalidInput("member_id", f"membership {member.id} ended on {member.ended_on}")
    if ended_on < member.started_on:
        raise InvalidInput("ended_on", f"{ended_on} is before {member.started_on}")
    if ended_on > today:
        raise InvalidInput("ended_on", f"{ended_on} is in the future")
    member.ended_on = ended_on
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=member.person_id,
        detail={"institution": member.institution_id, "member_ended": member.id},
    )
    return member


def list_members(
    session: Session,
    actor: Actor,
    institution_id: int,
    *,
    on: date | None = None,
    role: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[tuple[InstitutionMember, Person]], int]:
    """An institution's members, residents first then by name (measure 14): every membership, or only those current
    `on` a day; and how many there are. Members whose person lies outside the actor's scope are left out. Audited as
    one read naming the persons of the page; an institution out of scope is not found."""
    actor.require(Permission.read_persons)
    if offset < 0:
        raise InvalidInput("offset", "must be 0 or more")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")
    institution = get_institution(session, actor, institution_id)
    stmt = (
        select(InstitutionMember, Person)
        .join(Person, Person.id == InstitutionMember.person_id)
        .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
        .where(InstitutionMember.institution_id == institution.id)
        # a member of staff living in another district: the institution's reader does not see them
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path))
        .order_by(InstitutionMember.role, Person.name, InstitutionMember.started_on, InstitutionMember.id)
    )
    if role is not None:
        stmt = stmt.where(InstitutionMember.role == parse_term(InfectedRole, role, "role").value)
    if on is not None:
        stmt = stmt.where(
            InstitutionMember.started_on <= on,
            (InstitutionMember.ended_on.is_(None)) | (InstitutionMember.ended_on >= on),
        )
    rows = [(member, person) for member, person in session.execute(stmt)]
    page = rows[offset : offset + limit]
    read_of(session, actor, "institution_members", (p.id for _, p in page), entity_id=institution.id)
    return page, len(rows)


def memberships_during(session: Session, person_id: int, first: date, last: date) -> list[InstitutionMember]:
    """The person's memberships that cover any day from `first` to `last` (measure 14)."""
    stmt = select(InstitutionMember).where(
        InstitutionMember.person_id == person_id,
        InstitutionMember.started_on <= last,
        (InstitutionMember.ended_on.is_(None)) | (InstitutionMember.ended_on >= first),
    )
    return list(session.scalars(stmt.order_by(InstitutionMember.institution_id, InstitutionMember.id)))


def alert_on_infection(
    session: Session, actor: Actor, infection: Infection, *, on: date, now: datetime, policy: Policy
) -> list[InstitutionAlert]:
    """The alerts an infection raises by itself (measure 14, m20.14): one for each institution the infected person
    was a resident or member of staff of between the infection's sample day and `on` (the day it was recorded),
    with the infected role; none for an institution already alerted for this infection (the same infection arriving
    again raises nothing). Runs as part of recording the infection, under the recorder's name and whatever their
    role (a lab importer may raise none by hand): the notice's protection of the institution is its consequence."""
    raised: list[InstitutionAlert] = []
    for member in memberships_during(session, infection.person_id, min(infection.sampled_on, on), on):
        done = select(InstitutionAlert.id).where(
            InstitutionAlert.institution_id == member.institution_id, InstitutionAlert.infection_id == infection.id
        )
        if session.scalar(done) is not None:
            continue
        institution = session.get(KeyInstitution, member.institution_id)
        assert institution is not None  # a foreign key
        raised.append(
            alert_for(
                session,
                actor,
                institution,
                infection,
                now,
                infected=member.role,
                policy=policy,
                detail={"member": member.id, "automatic": True},
            )
        )
    return raised
