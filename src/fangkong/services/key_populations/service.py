"""The key-population registry, each person's health-and-safety plan and the checks recorded (measure 14; issue 19).

(14): "find out the number of elderly people with underlying diseases and other groups in the jurisdiction ...
classified management" (摸清辖区内合并基础性疾病老年人等人群底数 ... 分类分级管理).
An entry names why a person is on the registry (their
kinds), the risk grade `rules.risk_grade` gives from their age, kinds and vaccination status (measure 12) on the day
recorded, and their plan: who checks on them and how often. Checks are recorded against the entry; a check is overdue
when the plan's interval has passed since the last one. Every read of an entry is audited; every refusal names its
field and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fangkong.bounds import StoreId
from fangkong.errors import InvalidInput, NotFound
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import CheckOutcome, KeyPopulationKind, RiskGrade, VaccinationStatus, parse_term
from fangkong.rules.risk_grade import Grade, check_due, risk_grade
from fangkong.rules.vaccination import vaccination_status
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.key_populations.models import KeyPerson, KeyPersonCheck
from fangkong.services.paging import MAX_LIMIT
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import person_in_scope
from fangkong.services.vaccination.service import dose_count, doses_of, given

MAX_NOTE = 400  # the column's length


class EntryIn(BaseModel):
    """A person's registry entry as added or imported (measure 14). `vaccination_status` is the person's status on the
    day (measure 12), as declared: the vaccination records give it instead when the person has a dose recorded."""

    model_config = ConfigDict(frozen=True)

    person_id: StoreId
    kinds: list[str]
    vaccination_status: str = VaccinationStatus.unvaccinated.value
    checker: str | None = None
    note: str | None = None
    check_every_days: int | None = None  # shorter than the grade asks, when the worker sees a need; None: the grade's


def _age(birth: date | None, on: datetime) -> int | None:
    if birth is None:
        return None
    day = local_day(on)
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _person(session: Session, actor: Actor, person_id: int) -> Person:
    """The person an entry is about, in the actor's scope; anything else is refused naming `person_id` (a write's
    subject that does not exist is bad input, not a read refused)."""
    try:
        return person_in_scope(session, actor, person_id)
    except NotFound:
        raise InvalidInput("person_id", f"no person {person_id} in your jurisdiction") from None


def _note(note: str | None) -> str | None:
    if note is None or not note.strip():
        return None
    if len(note.strip()) > MAX_NOTE:
        raise InvalidInput("note", f"a note is at most {MAX_NOTE} characters")
    return note.strip()


def _checker(checker: str | None) -> str | None:
    if checker is None or not checker.strip():
        return None
    if len(checker.strip()) > 100:
        raise InvalidInput("checker", "a username is at most 100 characters")
    return checker.strip()


def _graded(
    session: Session, person: Person, data: EntryIn, now: datetime, policy: Policy | None
) -> tuple[list[str], VaccinationStatus, Grade]:
    """The entry's kinds and the risk grade of `rules.risk_grade` on the day of `now` (m20.14, m20.12). Refuses no
    kind, a kind or status outside the vocabulary, and a person without a birth date (the grade needs an age). The
    vaccination status is the records' (`services.vaccination`, measure 12) when the person has any dose recorded;
    else the one given with the entry (declared, as a worker asks it at the door)."""
    if not data.kinds:
        raise InvalidInput("kinds", "an entry needs at least one kind")
    kinds = list(dict.fromkeys(parse_term(KeyPopulationKind, k, "kinds").value for k in data.kinds))
    status = parse_term(VaccinationStatus, data.vaccination_status, "vaccination_status")
    age = _age(person.birth_date, now)
    if age is None:
        raise InvalidInput("person_id", f"person {person.id} has no birth date: the risk grade needs an age")
    at = (policy or load_policy()).at(local_day(now))
    if dose_count(session, person.id):
        status = vaccination_status(given(doses_of(session, person.id)), person.birth_date, local_day(now), at).status
    return kinds, status, risk_grade(age, kinds, status, at)


def open_entry(session: Session, person_id: int) -> KeyPerson | None:
    """The person's open registry entry, if any."""
    stmt = select(KeyPerson).where(KeyPerson.person_id == person_id, KeyPerson.ended_at.is_(None))
    return session.scalar(stmt)


def add_entry(
    session: Session, actor: Actor, data: EntryIn, *, now: datetime, policy: Policy | None = None
) -> KeyPerson:
    """Put a person on the key-population registry with their risk grade and plan (measure 14). Refuses a person not
    found or out of scope and a person already on it (`person_id`), an unknown kind (`kinds`) or status
    (`vaccination_status`), a note too long (`note`)."""
    actor.require(Permission.write_persons)
    person = _person(session, actor, data.person_id)
    if open_entry(session, person.id) is not None:
        raise InvalidInput("person_id", f"person {person.id} is already on the key-population registry")
    kinds, status, grade = _graded(session, person, data, now, policy)
    every = _every(grade, data.check_every_days)
    entry = KeyPerson(
        person_id=person.id,
        kinds=kinds,
        note=_note(data.note),
        checker=_checker(data.checker),
        started_at=now,
        recorded_by=actor.username,
    )
    _apply(entry, status, grade, every)
    session.add(entry)
    session.flush()
    record(session, actor, action="create", entity="person", entity_id=person.id, detail={"key_population": entry.id})
    return entry


def _every(grade: Grade, wanted: int | None) -> int:
    """How often the person is checked (m20.14): the grade's interval (`key_populations.check_every_days.*`), or a
    shorter one the worker chose; a longer one would check the person less than their grade asks and is refused
    naming `check_every_days`."""
    if wanted is None:
        return grade.check_every_days
    if isinstance(wanted, bool) or not 1 <= wanted <= grade.check_every_days:
        raise InvalidInput(
            "check_every_days", f"at this grade a check is due at least every {grade.check_every_days} days"
        )
    return wanted


def _apply(entry: KeyPerson, status: VaccinationStatus, grade: Grade, every: int) -> None:
    entry.vaccination_status = status.value
    entry.grade = grade.grade.value
    entry.check_every_days = every
    entry.reasons = [r.model_dump() for r in grade.reasons]
    entry.policy = grade.policy


def update_entry(
    session: Session, actor: Actor, data: EntryIn, *, now: datetime, policy: Policy | None = None
) -> KeyPerson:
    """Change an open entry's kinds, vaccination status, checker, how often they are checked or note, and grade it
    again (measure 14)."""
    actor.require(Permission.write_persons)
    person = _person(session, actor, data.person_id)
    entry = open_entry(session, person.id)
    if entry is None:
        raise InvalidInput("person_id", f"person {person.id} is not on the key-population registry")
    kinds, status, grade = _graded(session, person, data, now, policy)
    every = _every(grade, data.check_every_days)
    entry.kinds = kinds
    entry.note = _note(data.note)
    entry.checker = _checker(data.checker)
    _apply(entry, status, grade, every)
    session.flush()
    record(session, actor, action="update", entity="person", entity_id=person.id, detail={"key_population": entry.id})
    return entry


def get_entry(session: Session, actor: Actor, entry_id: int) -> KeyPerson:
    """An entry whose person the actor may see; one outside their scope is not found."""
    entry = session.get(KeyPerson, entry_id)
    if entry is None:
        raise NotFound("key person", entry_id)
    try:
        person_in_scope(session, actor, entry.person_id)
    except NotFound:
        raise NotFound("key person", entry_id) from None
    return entry


def end_entry(session: Session, actor: Actor, entry_id: int, *, now: datetime) -> KeyPerson:
    """Take a person off the registry (measure 14); the entry and its checks stay as history. An entry already ended
    is refused naming `entry_id`."""
    actor.require(Permission.write_persons)
    entry = get_entry(session, actor, entry_id)
    if entry.ended_at is not None:
        raise InvalidInput("entry_id", f"entry {entry.id} ended on {entry.ended_at:%Y-%m-%d}")
    entry.ended_at, entry.ended_by = now, actor.username
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=entry.person_id,
        detail={"key_population_ended": entry.id},
    )
    return entry


class Plan(BaseModel):
    """A key person's health-and-safety plan as the console shows it: the entry, its checks newest first, and when
    the next is due (m20.14)."""

    entry_id: int
    person_id: int
    grade: RiskGrade
    check_every_days: int
    checker: str | None
    last_checked_at: datetime | None
    next_due_at: datetime
    overdue: bool
    checks: list[dict[str, object]]


def person_entry(session: Session, actor: Actor, person_id: int) -> KeyPerson | None:
    """The person's open registry entry, or None when they are not on the registry (measure 14). Audited as a read of
    the person either way; a person out of scope is not found."""
    person = person_in_scope(session, actor, person_id)
    entry = open_entry(session, person.id)
    # in the person's own trail, as a read of their record (the registry entry is part of it)
    read_of(session, actor, "person", [person.id], entity_id=person.id, detail={"key_population": True})
    return entry


def plan_of(session: Session, entry: KeyPerson, *, now: datetime) -> Plan:
    """An entry's plan: its checks newest first and when the next is due (measure 14)."""
    checks = list(
        session.scalars(
            select(KeyPersonCheck)
            .where(KeyPersonCheck.key_person_id == entry.id)
            .order_by(KeyPersonCheck.checked_at.desc(), KeyPersonCheck.id.desc())
        )
    )
    last = checks[0].checked_at if checks else None
    due = check_due(last or entry.started_at, entry.check_every_days)
    return Plan(
        entry_id=entry.id,
        person_id=entry.person_id,
        grade=RiskGrade(entry.grade),
        check_every_days=entry.check_every_days,
        checker=entry.checker,
        last_checked_at=last,
        next_due_at=due,
        overdue=due < now,
        checks=[
            {"id": c.id, "checked_at": c.checked_at, "checked_by": c.checked_by, "outcome": c.outcome, "note": c.note}
            for c in checks
        ],
    )


def person_plan(session: Session, actor: Actor, person_id: int, *, now: datetime) -> Plan:
    """The person's plan (measure 14; an audited read); a person not on the registry is not found."""
    entry = person_entry(session, actor, person_id)
    if entry is None:
        raise NotFound("key person", person_id)
    return plan_of(session, entry, now=now)


def record_check(
    session: Session,
    actor: Actor,
    entry_id: int,
    *,
    checked_at: datetime,
    outcome: str,
    note: str | None = None,
    now: datetime,
) -> KeyPersonCheck:
    """Record a check on a key person (measure 14). Refuses a check in the future or before the person was registered
    (`checked_at`), an outcome outside the vocabulary (`outcome`), an ended entry (`entry_id`)."""
    actor.require(Permission.write_persons)
    entry = get_entry(session, actor, entry_id)
    if entry.ended_at is not None:
        raise InvalidInput("entry_id", f"entry {entry.id} has ended")
    if checked_at.tzinfo is None:
        raise InvalidInput("checked_at", "an instant needs its time zone")
    if checked_at > now:
        raise InvalidInput("checked_at", f"{checked_at:%Y-%m-%d %H:%M} is in the future")
    if checked_at < entry.started_at:
        raise InvalidInput("checked_at", "is before the person was put on the registry")
    check = KeyPersonCheck(
        key_person_id=entry.id,
        checked_at=checked_at,
        checked_by=actor.username,
        outcome=parse_term(CheckOutcome, outcome, "outcome").value,
        note=_note(note),
    )
    session.add(check)
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=entry.person_id,
        detail={"key_population_check": check.id},
    )
    return check


def _listed(actor: Actor, root: str | None) -> Select[KeyPerson, Person]:
    return (
        select(KeyPerson, Person)
        .join(Person, Person.id == KeyPerson.person_id)
        .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root or actor.jurisdiction_path))
    )


def _window(offset: int, limit: int) -> None:
    if offset < 0:
        raise InvalidInput("offset", "must be 0 or more")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")


def list_entries(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    grade: str | None = None,
    root: str | None = None,
    ended: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[tuple[KeyPerson, Person]], int]:
    """The registry in the actor's jurisdictions (or under `root`), open entries unless `ended`, highest grade first
    then by person (measure 14), and how many there are. Audited as one read naming the persons of the page."""
    actor.require(Permission.read_persons)
    _window(offset, limit)
    stmt = _listed(actor, root).where(KeyPerson.ended_at.is_not(None) if ended else KeyPerson.ended_at.is_(None))
    if grade is not None:
        stmt = stmt.where(KeyPerson.grade == parse_term(RiskGrade, grade, "grade").value)
    rows = [(entry, person) for entry, person in session.execute(stmt.order_by(KeyPerson.person_id))]
    if kind is not None:
        wanted = parse_term(KeyPopulationKind, kind, "kind").value
        rows = [r for r in rows if wanted in r[0].kinds]  # a JSON list: filtered here, the same on every store
    rows.sort(key=lambda r: (-RiskGrade(r[0].grade).rank, r[1].id))
    page = rows[offset : offset + limit]
    read_of(session, actor, "key_populations", (p.id for _, p in page))
    return page, len(rows)


class Overdue(BaseModel):
    """A key person whose next check is past due (m20.14)."""

    entry_id: int
    person_id: int
    grade: RiskGrade
    checker: str | None
    last_checked_at: datetime | None
    due_at: datetime


def overdue_checks(
    session: Session,
    actor: Actor,
    *,
    now: datetime,
    root: str | None = None,
    checker: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Overdue], int]:
    """The open entries whose next check was due before `now`, longest overdue first (measure 14), optionally only
    those one checker looks after. Audited as one read naming the persons of the page."""
    actor.require(Permission.read_persons)
    _window(offset, limit)
    last = (
        select(KeyPersonCheck.key_person_id, func.max(KeyPersonCheck.checked_at).label("last"))
        .group_by(KeyPersonCheck.key_person_id)
        .subquery()
    )
    stmt = (
        _listed(actor, root)
        .add_columns(last.c.last)
        .outerjoin(last, last.c.key_person_id == KeyPerson.id)
        .where(KeyPerson.ended_at.is_(None))
    )
    if checker is not None:
        stmt = stmt.where(KeyPerson.checker == checker)
    found: list[Overdue] = []
    for entry, person, last_at in session.execute(stmt):
        due = check_due(last_at or entry.started_at, entry.check_every_days)
        if due < now:
            found.append(
                Overdue(
                    entry_id=entry.id,
                    person_id=person.id,
                    grade=RiskGrade(entry.grade),
                    checker=entry.checker,
                    last_checked_at=last_at,
                    due_at=due,
                )
            )
    found.sort(key=lambda o: (o.due_at, o.entry_id))
    page = found[offset : offset + limit]
    read_of(session, actor, "key_population_overdue", (o.person_id for o in page))
    return page, len(found)
