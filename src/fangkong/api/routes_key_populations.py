"""Key populations and key institutions (issue 19; measure 14): the registry with each person's risk grade and plan,
the checks and overdue checks, the institutions with their closed-management periods, and their alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict

from fangkong.api.deps import CurrentActor, DbSession, Now
from fangkong.api.pages import Limit, Offset, Page
from fangkong.api.raw_files import FILE_BODY, ContentType, Filename, RawBody
from fangkong.bounds import Day, Moment, StoreId
from fangkong.errors import InvalidInput
from fangkong.services.calendar import local_day
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.file_imports.rows import format_of
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.key_populations import institutions as inst
from fangkong.services.key_populations import members
from fangkong.services.key_populations import service as registry
from fangkong.services.key_populations.imports import import_entries, import_members
from fangkong.services.key_populations.models import AlertItem, InstitutionAlert

router = APIRouter(prefix="/api", tags=["key populations"])


class EntryRead(BaseModel):
    """A registry entry with its grade, the reasons of the grade and its plan (m20.14)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    kinds: list[str]
    note: str | None
    vaccination_status: str
    grade: str
    check_every_days: int
    checker: str | None
    reasons: list[dict[str, str]]
    policy: str | None
    started_at: datetime
    ended_at: datetime | None


class CheckIn(BaseModel):
    checked_at: Moment
    outcome: str
    note: str | None = None


class CheckRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key_person_id: int
    checked_at: datetime
    checked_by: str
    outcome: str
    note: str | None


class KeyPopulationOf(BaseModel):
    """A person's place on the registry: their plan, or none when they are not on it (an answer, not a refusal, so
    that the read is audited the same either way)."""

    person_id: int
    on_registry: bool
    entry: EntryRead | None
    plan: registry.Plan | None


@router.get("/key-populations", response_model=Page[EntryRead])
def entries(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    kind: Annotated[str | None, Query(description="a key-population kind")] = None,
    grade: Annotated[str | None, Query(description="low, medium or high")] = None,
    ended: Annotated[bool, Query(description="the ended entries instead of the open ones")] = False,
) -> Page[EntryRead]:
    """The key-population registry in your jurisdiction (measure 14), highest grade first (audited read)."""
    rows, total = registry.list_entries(
        session,
        actor,
        kind=kind,
        grade=grade,
        ended=ended,
        root=scope_root(session, actor, jurisdiction_code),
        offset=offset,
        limit=limit,
    )
    return Page(items=[EntryRead.model_validate(e) for e, _ in rows], total=total, offset=offset, limit=limit)


@router.post("/key-populations", response_model=EntryRead, status_code=status.HTTP_201_CREATED)
def add(body: registry.EntryIn, session: DbSession, actor: CurrentActor, now: Now) -> EntryRead:
    """Put a person on the registry: the answer is their risk grade with its reasons and their plan (measure 14)."""
    return EntryRead.model_validate(registry.add_entry(session, actor, body, now=now))


@router.put("/key-populations/{entry_id}", response_model=EntryRead)
def change(entry_id: StoreId, body: registry.EntryIn, session: DbSession, actor: CurrentActor, now: Now) -> EntryRead:
    """Change an open entry's kinds, vaccination status, checker or note; graded again (measure 14)."""
    entry = registry.get_entry(session, actor, entry_id)
    if body.person_id != entry.person_id:
        raise InvalidInput("person_id", f"entry {entry.id} is not person {body.person_id}'s")
    return EntryRead.model_validate(registry.update_entry(session, actor, body, now=now))


@router.post("/key-populations/{entry_id}/end", response_model=EntryRead)
def end(entry_id: StoreId, session: DbSession, actor: CurrentActor, now: Now) -> EntryRead:
    """Take a person off the registry; the entry stays as history (measure 14)."""
    return EntryRead.model_validate(registry.end_entry(session, actor, entry_id, now=now))


@router.post("/key-populations/{entry_id}/checks", response_model=CheckRead, status_code=status.HTTP_201_CREATED)
def check(entry_id: StoreId, body: CheckIn, session: DbSession, actor: CurrentActor, now: Now) -> CheckRead:
    """Record a health-and-safety check on a key person (measure 14); a check in the future is refused."""
    row = registry.record_check(
        session, actor, entry_id, checked_at=body.checked_at, outcome=body.outcome, note=body.note, now=now
    )
    return CheckRead.model_validate(row)


@router.get("/key-populations/overdue", response_model=Page[registry.Overdue])
def overdue(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    checker: Annotated[str | None, Query(description="only the persons this username checks on")] = None,
) -> Page[registry.Overdue]:
    """Key persons whose next check is past due, longest overdue first (measure 14; audited read)."""
    rows, total = registry.overdue_checks(
        session,
        actor,
        now=now,
        root=scope_root(session, actor, jurisdiction_code),
        checker=checker,
        offset=offset,
        limit=limit,
    )
    return Page(items=rows, total=total, offset=offset, limit=limit)


@router.get("/persons/{person_id}/key-population", response_model=KeyPopulationOf)
def person_entry(person_id: StoreId, session: DbSession, actor: CurrentActor, now: Now) -> KeyPopulationOf:
    """A person's registry entry, risk grade with reasons and plan with its checks (measure 14; audited read)."""
    entry = registry.person_entry(session, actor, person_id)
    if entry is None:
        return KeyPopulationOf(person_id=person_id, on_registry=False, entry=None, plan=None)
    plan = registry.plan_of(session, entry, now=now)
    return KeyPopulationOf(person_id=person_id, on_registry=True, entry=EntryRead.model_validate(entry), plan=plan)


@router.post("/key-populations/import", response_model=ImportSummary, openapi_extra=FILE_BODY)
def entries_import(
    body: RawBody,
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    filename: Filename = None,
    content_type: ContentType = None,
) -> ImportSummary:
    """Registry entries keyed by document number (measure 14): `document_number, kinds` (kinds separated by `;`) and
    optionally `vaccination_status, checker, note`; a person already on the registry is updated. All rows or none;
    the same file twice changes nothing — as `fangkong keypop import`."""
    return import_entries(session, actor, body, format_of(filename, content_type), now=now, filename=filename)


# ---- key institutions and their alerts -------------------------------------------------------------------------


class InstitutionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    jurisdiction_code: str
    residents: int
    staff: int


class ClosureIn(BaseModel):
    starts_on: Day
    ends_on: Day | None = None


class ClosureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    institution_id: int
    starts_on: date
    ends_on: date | None


class InstitutionDetail(InstitutionRead):
    closures: list[ClosureRead]


class AlertIn(BaseModel):
    infection_id: StoreId
    infected: str = "resident"


class DoneIn(BaseModel):
    done_at: Moment | None = None


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    step: str
    due_at: datetime
    done_at: datetime | None
    done_by: str | None
    reasons: list[dict[str, str]]


class AlertRead(BaseModel):
    """An institution alert with its checklist; `overdue`: the steps not done whose deadline has passed."""

    id: int
    institution_id: int
    infection_id: int
    infected: str
    status: str
    raised_at: datetime
    raised_by: str
    reasons: list[dict[str, str]]
    policy: str | None
    items: list[ItemRead]
    overdue: list[str]


def _alert(alert: InstitutionAlert, items: list[AlertItem], now: datetime) -> AlertRead:
    return AlertRead(
        id=alert.id,
        institution_id=alert.institution_id,
        infection_id=alert.infection_id,
        infected=alert.infected,
        status=alert.status,
        raised_at=alert.raised_at,
        raised_by=alert.raised_by,
        reasons=alert.reasons,
        policy=alert.policy,
        items=[ItemRead.model_validate(i) for i in items],
        overdue=[i.step for i in items if inst.is_overdue(i, now)],
    )


@router.get("/key-institutions", response_model=Page[InstitutionRead])
def institutions(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    kind: Annotated[str | None, Query(description="nursing_home, psychiatric_hospital or welfare_home")] = None,
) -> Page[InstitutionRead]:
    """Key institutions in your jurisdiction (measure 14), by jurisdiction then name."""
    rows = inst.list_institutions(session, actor, kind=kind, root=scope_root(session, actor, jurisdiction_code))
    return Page(
        items=[InstitutionRead.model_validate(i) for i in rows[offset : offset + limit]],
        total=len(rows),
        offset=offset,
        limit=limit,
    )


@router.post("/key-institutions", response_model=InstitutionRead, status_code=status.HTTP_201_CREATED)
def create_institution(body: inst.InstitutionIn, session: DbSession, actor: CurrentActor) -> InstitutionRead:
    """Create a key institution with its residents and staff (measure 14)."""
    return InstitutionRead.model_validate(inst.create_institution(session, actor, body))


@router.get("/key-institutions/{institution_id}", response_model=InstitutionDetail)
def institution(institution_id: StoreId, session: DbSession, actor: CurrentActor) -> InstitutionDetail:
    """One key institution with its closed-management periods (measure 14)."""
    found = inst.get_institution(session, actor, institution_id)
    periods = [ClosureRead.model_validate(c) for c in inst.closures(session, found.id)]
    return InstitutionDetail(**InstitutionRead.model_validate(found).model_dump(), closures=periods)


@router.patch("/key-institutions/{institution_id}", response_model=InstitutionRead)
def update_institution(
    institution_id: StoreId, body: dict[str, Any], session: DbSession, actor: CurrentActor
) -> InstitutionRead:
    """Change an institution's name, kind, jurisdiction, residents or staff (measure 14)."""
    return InstitutionRead.model_validate(inst.update_institution(session, actor, institution_id, body))


@router.post(
    "/key-institutions/{institution_id}/closures", response_model=ClosureRead, status_code=status.HTTP_201_CREATED
)
def closure(institution_id: StoreId, body: ClosureIn, session: DbSession, actor: CurrentActor) -> ClosureRead:
    """A period of closed management of the institution (measure 14)."""
    return ClosureRead.model_validate(inst.add_closure(session, actor, institution_id, body.starts_on, body.ends_on))


@router.post("/key-institutions/{institution_id}/alerts", response_model=AlertRead, status_code=status.HTTP_201_CREATED)
def raise_alert(institution_id: StoreId, body: AlertIn, session: DbSession, actor: CurrentActor, now: Now) -> AlertRead:
    """Raise an alert for an infection among the institution's residents or staff: the answer is its response
    checklist with deadlines and reasons (measure 14, with measure 11)."""
    alert = inst.raise_alert(session, actor, institution_id, body.infection_id, now, infected=body.infected)
    return _alert(alert, inst.items_of(session, alert.id), now)


@router.get("/institution-alerts", response_model=Page[AlertRead])
def alerts(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    offset: Offset = 0,
    limit: Limit = 50,
    alert_status: Annotated[str | None, Query(alias="status", description="open or closed")] = None,
    institution_id: Annotated[StoreId | None, Query(description="one institution's alerts")] = None,
    overdue: Annotated[bool, Query(description="only alerts with a step past its deadline")] = False,
) -> Page[AlertRead]:
    """Institution alerts in your jurisdiction, newest first, with their checklists (measure 14; audited read: an
    alert names an infection)."""
    rows = inst.list_alerts(
        session, actor, status=alert_status, institution_id=institution_id, overdue_at=now if overdue else None
    )
    return Page(
        items=[_alert(a, items, now) for a, items in rows[offset : offset + limit]],
        total=len(rows),
        offset=offset,
        limit=limit,
    )


@router.post("/institution-alerts/{alert_id}/items/{step}/done", response_model=AlertRead)
def done(alert_id: StoreId, step: str, body: DoneIn, session: DbSession, actor: CurrentActor, now: Now) -> AlertRead:
    """Mark a checklist step done (measure 14); the alert closes when every step is done."""
    inst.mark_done(session, actor, alert_id, step, now=now, done_at=body.done_at)
    alert = inst.get_alert(session, actor, alert_id)
    return _alert(alert, inst.items_of(session, alert.id), now)


# ---- the residents and staff of key institutions ---------------------------------------------------------------


class MemberRead(BaseModel):
    """A resident or member of staff of a key institution, from a day to a day (m20.14)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    institution_id: int
    person_id: int
    role: str
    started_on: date
    ended_on: date | None


class MemberEnd(BaseModel):
    ended_on: Day


class ClosureEnd(BaseModel):
    ends_on: Day


@router.get("/key-institutions/{institution_id}/members", response_model=Page[MemberRead])
def members_of(
    institution_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    on: Annotated[Day | None, Query(description="only those living or working there on this day")] = None,
    role: Annotated[str | None, Query(description="resident or staff")] = None,
) -> Page[MemberRead]:
    """The residents and staff of a key institution, residents first (measure 14; audited read naming them)."""
    rows, total = members.list_members(session, actor, institution_id, on=on, role=role, offset=offset, limit=limit)
    return Page(items=[MemberRead.model_validate(m) for m, _ in rows], total=total, offset=offset, limit=limit)


@router.post(
    "/key-institutions/{institution_id}/members", response_model=MemberRead, status_code=status.HTTP_201_CREATED
)
def add_member(
    institution_id: StoreId, body: members.MemberIn, session: DbSession, actor: CurrentActor, now: Now
) -> MemberRead:
    """Record a person as a resident or member of staff of the institution (measure 14): an infection recorded for
    them while they are there raises the institution's alert by itself."""
    return MemberRead.model_validate(members.add_member(session, actor, institution_id, body, today=local_day(now)))


@router.post("/institution-members/{member_id}/end", response_model=MemberRead)
def end_member(member_id: StoreId, body: MemberEnd, session: DbSession, actor: CurrentActor, now: Now) -> MemberRead:
    """A resident or member of staff who left on a day; the membership stays as history (measure 14)."""
    return MemberRead.model_validate(members.end_member(session, actor, member_id, body.ended_on, today=local_day(now)))


@router.post("/institution-members/import", response_model=ImportSummary, openapi_extra=FILE_BODY)
def members_import(
    body: RawBody,
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    filename: Filename = None,
    content_type: ContentType = None,
) -> ImportSummary:
    """Residents and staff (measure 14): `institution` (its name), `document_number`, `role` (resident or staff),
    `started_on` and optionally `ended_on`. All rows or none; the same file twice changes nothing — as `fangkong
    keypop import-members`."""
    return import_members(session, actor, body, format_of(filename, content_type), now=now, filename=filename)


@router.post("/institution-closures/{closure_id}/end", response_model=ClosureRead)
def end_closure(closure_id: StoreId, body: ClosureEnd, session: DbSession, actor: CurrentActor) -> ClosureRead:
    """End an open period of closed management on a day (measure 14)."""
    return ClosureRead.model_validate(inst.end_closure(session, actor, closure_id, body.ends_on))
