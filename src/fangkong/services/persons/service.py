"""People: registration with document checks, scoped reads that are audited, masked lists."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.rules.plans import parse_category
from fangkong.rules.resident_id import check_resident_id
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import covers, jurisdiction_in_scope
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.paging import page_of
from fangkong.services.persons.models import AddressChange, Person
from fangkong.services.persons.schemas import PersonCreate, PersonRead, PersonUpdate, mask_document, mask_phone
from fangkong.services.store import chunks, utcnow


class PersonColumns(Protocol):
    """A person's columns: the record, or a row of them read without the ORM (the staff reads' batches)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def document_type(self) -> str: ...
    @property
    def document_number(self) -> str: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def birth_date(self) -> date | None: ...
    @property
    def sex(self) -> str | None: ...
    @property
    def address(self) -> str: ...
    @property
    def building(self) -> str | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def jurisdiction_code(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def row_version(self) -> int: ...


def to_read(person: PersonColumns, actor: Actor) -> PersonRead:
    """What `actor` is shown of a person: identifiers masked unless their role sees them."""
    unmasked = actor.may(Permission.see_identifiers)
    return PersonRead(
        id=person.id,
        name=person.name,
        document_type=person.document_type,
        document_number=person.document_number if unmasked else mask_document(person.document_number),
        phone=person.phone if unmasked else mask_phone(person.phone),
        birth_date=person.birth_date,
        sex=person.sex,
        address=person.address,
        building=person.building,
        unit=person.unit,
        jurisdiction_code=person.jurisdiction_code,
        created_at=person.created_at,
        row_version=person.row_version,
        masked=not unmasked,
    )


def create_person(
    session: Session, actor: Actor, data: PersonCreate, *, today: date, reason: str | None = None
) -> Person:
    """Register a person. A mainland resident ID must pass GB 11643; its birth date and sex are taken from it."""
    actor.require(Permission.write_persons)
    jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    number = data.document_number.upper()
    birth, sex = data.birth_date, data.sex
    if data.document_type == "resident_id":
        check = check_resident_id(number, today)
        if not check.valid:
            raise InvalidInput("document_number", check.problems[0].text)
        if birth is not None and birth != check.birth_date:
            raise InvalidInput("birth_date", f"differs from the resident ID's {check.birth_date}")
        birth, sex = check.birth_date, check.sex
    exists = session.scalar(
        select(Person.id).where(Person.document_type == data.document_type, Person.document_number == number)
    )
    if exists is not None:
        raise Conflict("document_number", f"a person with this {data.document_type} is registered")
    person = Person(
        name=data.name,
        document_type=data.document_type,
        document_number=number,
        phone=data.phone,
        birth_date=birth,
        sex=sex,
        address=data.address,
        building=data.building,
        unit=data.unit,
        jurisdiction_code=data.jurisdiction_code,
    )
    session.add(person)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("document_number", "a person with this document is registered") from None
    record(session, actor, action="create", entity="person", entity_id=person.id, reason=reason)
    return person


def person_in_scope(session: Session, actor: Actor, person_id: int) -> Person:
    """A person the actor may see; one outside their jurisdiction is not found."""
    actor.require(Permission.read_persons)
    person = session.get(Person, person_id)
    if person is None or not covers(session, actor, person.jurisdiction_code):
        raise NotFound("person", person_id)
    return person


def read_person(session: Session, actor: Actor, person_id: int, *, reason: str | None = None) -> Person:
    """Read one person's record; the read is audited."""
    person = person_in_scope(session, actor, person_id)
    record(session, actor, action="read", entity="person", entity_id=person.id, reason=reason)
    return person


def update_person(
    session: Session,
    actor: Actor,
    person_id: int,
    data: PersonUpdate,
    *,
    reason: str | None = None,
    today: date | None = None,
) -> Person:
    actor.require(Permission.write_persons)
    person = person_in_scope(session, actor, person_id)
    if person.row_version != data.row_version:
        raise Conflict(
            "row_version",
            f"the record changed (version {person.row_version}, you read {data.row_version}); reload and try again",
        )
    changes = data.model_dump(exclude_unset=True, exclude={"row_version"})
    if "jurisdiction_code" in changes:
        jurisdiction_in_scope(session, actor, changes["jurisdiction_code"])
    home = ("jurisdiction_code", "address", "building", "unit")
    if any(k in changes and changes[k] != getattr(person, k) for k in home):
        session.add(
            AddressChange(
                person_id=person.id,
                moved_on=today or local_day(utcnow()),
                from_jurisdiction_code=person.jurisdiction_code,
                from_address=person.address,
                from_building=person.building,
                from_unit=person.unit,
                recorded_by=actor.username,
            )
        )
    for key, value in changes.items():
        setattr(person, key, value)
    if "jurisdiction_code" in changes:
        # their active orders move with them, so the new community's work lists carry them
        for order in session.scalars(
            select(ManagementOrder).where(
                ManagementOrder.person_id == person.id, ManagementOrder.status == OrderStatus.active
            )
        ):
            order.jurisdiction_code = changes["jurisdiction_code"]
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("row_version", "the record changed while you edited it; reload and try again") from None
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=person.id,
        reason=reason,
        detail={"fields": sorted(changes)},
    )
    return person


def people_by_document(session: Session, actor: Actor, documents: set[str]) -> dict[str, int]:
    """Document number → person id for the numbers registered inside the actor's jurisdiction (one IN query a
    thousand numbers; a number registered elsewhere is left out, as if unknown)."""
    found: dict[str, int] = {}
    for part in chunks(sorted(documents)):
        for number, pid, path in session.execute(
            select(Person.document_number, Person.id, Jurisdiction.path)
            .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
            .where(Person.document_number.in_(part))
        ):
            if actor.covers(path):
                found[number] = pid
    return found


PERSON_SORTS = {
    "id": Person.id,
    "name": Person.name,
    "jurisdiction_code": Person.jurisdiction_code,
    "address": Person.address,
}


def list_persons(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None = None,
    name: str | None = None,
    document_number: str | None = None,
    category: str | None = None,
    under_management: bool | None = None,
    phone: str | None = None,
    sort: str = "id",
    offset: int = 0,
    limit: int = 50,
    reason: str | None = None,
) -> tuple[list[Person], int]:
    """People in the actor's subtree (optionally a narrower jurisdiction), with the total for pagination, in the
    order `sort` names (`PERSON_SORTS`; a leading "-" reverses it).

    `category` keeps people with an active order of that category; `under_management` those with (True) or
    without (False) any active order. Every person on the page gets a `listed` entry in the audit log, so a
    record's trail shows who saw it in a list as well as who opened it.
    """
    actor.require(Permission.read_persons)
    root = actor.jurisdiction_path
    if jurisdiction_code is not None:
        root = jurisdiction_in_scope(session, actor, jurisdiction_code).path
    stmt = (
        select(Person)
        .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(root))
    )
    if name:
        stmt = stmt.where(Person.name.contains(name, autoescape=True))  # `%`, `_` are letters here
    if document_number:
        # searching by document is how staff find a caller; only roles that see identifiers may do it
        actor.require(Permission.see_identifiers)
        stmt = stmt.where(Person.document_number == document_number.strip().upper())
    if phone:
        # as a document: a phone number finds one person, and only roles that see identifiers may search by it
        actor.require(Permission.see_identifiers)
        digits = "".join(c for c in phone if c.isdigit())
        if not 5 <= len(digits) <= 20:
            raise InvalidInput("phone", f"{phone!r} is not a phone number")
        stored = func.replace(func.replace(func.replace(Person.phone, " ", ""), "-", ""), "+", "")
        stmt = stmt.where(stored == digits)
    active = select(ManagementOrder.person_id).where(ManagementOrder.status == OrderStatus.active)
    if category is not None:
        stmt = stmt.where(Person.id.in_(active.where(ManagementOrder.category == parse_category(category).value)))
    if under_management is True:
        stmt = stmt.where(Person.id.in_(active))
    elif under_management is False:
        stmt = stmt.where(Person.id.not_in(active))
    key = sort.removeprefix("-")
    if key not in PERSON_SORTS:
        raise InvalidInput("sort", f"{sort!r} is not one of {', '.join(PERSON_SORTS)} (a leading - reverses it)")
    column = PERSON_SORTS[key]
    ordered = stmt.order_by(column.desc() if sort.startswith("-") else column, Person.id)
    rows, total = page_of(session, ordered, offset=offset, limit=limit)
    filters = {
        k: v
        for k, v in {
            "jurisdiction_code": jurisdiction_code,
            "name": name,
            "document_number": document_number and mask_document(document_number),
            "category": category,
            "under_management": under_management,
            "phone": phone and "***" + phone[-4:],
        }.items()
        if v is not None
    }
    unmasked = actor.may(Permission.see_identifiers)
    for person in rows:
        record(
            session,
            actor,
            action="listed",
            entity="person",
            entity_id=person.id,
            reason=reason,
            detail={"filters": filters, "unmasked": unmasked},
        )
    return rows, total


def listed_names(session: Session, actor: Actor, person_ids: list[int], reason: str) -> dict[int, str]:
    """The names of the people a page lists (an infection's contacts, a report's late placements), each noted in
    their trail as a list of people is (`list_persons`). The caller has scoped the records that name them."""
    actor.require(Permission.read_persons)
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return {}
    for person_id in ids:
        record(session, actor, action="listed", entity="person", entity_id=person_id, reason=reason)
    names: dict[int, str] = {}
    for part in chunks(ids):
        names.update(session.execute(select(Person.id, Person.name).where(Person.id.in_(part))).all())
    return names
