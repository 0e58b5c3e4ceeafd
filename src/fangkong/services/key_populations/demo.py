"""The demo county's key people and a nursing home (measure 14; issue 19: "The demo county gets ... key people, a
nursing home"). Issue 19's scenario: an unvaccinated 82-year-old living alone, a pregnant woman and a dialysis patient
in one building of the first community; a few of the demo's own elderly residents with underlying diseases; their
plans with a few checks; one nursing home under closed management with a few of the community's people recorded as
its residents and staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.rules.resident_id import check_digit
from fangkong.services.access import Actor
from fangkong.services.calendar import local_instant
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.key_populations.institutions import InstitutionIn, add_closure, create_institution
from fangkong.services.key_populations.members import MemberIn, add_member
from fangkong.services.key_populations.models import KeyInstitution, KeyPerson
from fangkong.services.key_populations.service import EntryIn, add_entry, open_entry, record_check
from fangkong.services.persons.models import Person
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person

NURSING_HOME = "示范养老院 Demo nursing home"
CHECKER = "worker1"  # the demo's community worker of the first community
ELDERLY_REGISTERED = 3  # how many of the demo's own residents aged 60 and over are put on the registry
DEMO_RESIDENTS = 3  # the community's oldest people (not on the registry) living in the nursing home
DEMO_STAFF = 2  # adults of the community working there


@dataclass(frozen=True)
class KeyPersonSeed:
    """One of issue 19's scenario persons: who, born when, why on the registry, vaccinated how."""

    name: str
    born: date
    sex: str
    seq: int
    kinds: tuple[str, ...]
    vaccination: str
    note: str


SCENARIO = (
    KeyPersonSeed("王秀英", date(1940, 3, 2), "female", 901, ("elderly_living_alone",), "unvaccinated", "独居，82岁"),
    KeyPersonSeed("李娜", date(1994, 8, 15), "female", 902, ("pregnant",), "full_course", "孕32周，需产检"),
    KeyPersonSeed("张建国", date(1962, 5, 20), "male", 903, ("hemodialysis",), "boosted", "每周二、五透析"),
)


def _first_community(session: Session, county: str) -> Jurisdiction:
    root = session.get(Jurisdiction, county)
    assert root is not None, f"no county {county}"
    stmt = (
        select(Jurisdiction)
        .where(Jurisdiction.path.startswith(root.path), Jurisdiction.level == JurisdictionLevel.community.value)
        .order_by(Jurisdiction.path)
    )
    community = session.scalars(stmt).first()
    assert community is not None, f"no community in {county}"
    return community


def demo_key_populations(
    session: Session, actor: Actor, today: date, county: str, *, policy: Policy | None = None
) -> int:
    """Put issue 19's three scenario persons and a few of the demo's elderly on the registry, record a few checks,
    and create one nursing home under closed management; returns how many persons are on the registry. Does nothing
    the second time (the nursing home's name is the mark)."""
    if session.scalar(select(KeyInstitution.id).where(KeyInstitution.name == NURSING_HOME)) is not None:
        return 0
    community = _first_community(session, county)
    started = local_instant(today - timedelta(days=3), time(9))
    registered: list[int] = []
    for seed in SCENARIO:
        first17 = f"{county}{seed.born:%Y%m%d}{seed.seq:03d}"
        person = create_person(
            session,
            actor,
            PersonCreate(
                name=seed.name,
                document_type="resident_id",
                document_number=first17 + check_digit(first17),
                address=f"{community.code[-6:]}社区 3号楼 2单元",
                building="3",
                unit="2",
                jurisdiction_code=community.code,
            ),
            today=today,
        )
        entry = add_entry(
            session,
            actor,
            EntryIn(
                person_id=person.id,
                kinds=list(seed.kinds),
                vaccination_status=seed.vaccination,
                checker=CHECKER,
                note=seed.note,
            ),
            now=started,
            policy=policy,
        )
        registered.append(entry.id)
    elderly_born_before = date(today.year - 60, today.month, today.day)
    elderly = session.scalars(
        select(Person)
        .where(Person.jurisdiction_code == community.code, Person.birth_date <= elderly_born_before)
        .order_by(Person.id)
    ).all()
    for person in [p for p in elderly if open_entry(session, p.id) is None][:ELDERLY_REGISTERED]:
        entry = add_entry(
            session,
            actor,
            EntryIn(
                person_id=person.id, kinds=["underlying_disease"], vaccination_status="full_course", checker=CHECKER
            ),
            now=started,
            policy=policy,
        )
        registered.append(entry.id)
    # a check on each the day after they were registered; the 82-year-old's daily check is then overdue today
    for entry_id in registered:
        record_check(
            session,
            actor,
            entry_id,
            checked_at=started + timedelta(days=1),
            outcome="well",
            now=local_instant(today, time(9)),
        )
    home = create_institution(
        session,
        actor,
        InstitutionIn(name=NURSING_HOME, kind="nursing_home", jurisdiction_code=community.code, residents=86, staff=24),
    )
    add_closure(session, actor, home.id, today - timedelta(days=2), None)
    _members(session, actor, home.id, community.code, today, exclude=set(registered_persons(session, registered)))
    return len(registered)


def registered_persons(session: Session, entry_ids: list[int]) -> list[int]:
    """The persons of registry entries."""
    return list(session.scalars(select(KeyPerson.person_id).where(KeyPerson.id.in_(entry_ids))))


def _members(session: Session, actor: Actor, home_id: int, community: str, today: date, *, exclude: set[int]) -> None:
    """A few of the community's oldest residents live in the nursing home and a few adults work there (measure 14),
    so that the console shows them and an infection among them raises the home's alert by itself."""
    people = session.scalars(
        select(Person)
        .where(Person.jurisdiction_code == community, Person.birth_date.is_not(None))
        .order_by(Person.birth_date, Person.id)
    ).all()
    candidates = [p for p in people if p.id not in exclude]
    residents = candidates[:DEMO_RESIDENTS]
    staff_born_after = date(today.year - 55, today.month, today.day)
    staff = [p for p in candidates[DEMO_RESIDENTS:] if p.birth_date is not None and p.birth_date > staff_born_after]
    for n, person in enumerate(residents):
        add_member(
            session,
            actor,
            home_id,
            MemberIn(person_id=person.id, role="resident", started_on=today - timedelta(days=400 - 90 * n)),
            today=today,
        )
    for n, person in enumerate(staff[:DEMO_STAFF]):
        add_member(
            session,
            actor,
            home_id,
            MemberIn(person_id=person.id, role="staff", started_on=today - timedelta(days=700 - 120 * n)),
            today=today,
        )
