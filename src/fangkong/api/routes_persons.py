"""People: register, read (audited), update with the row version, list (masked where the role requires)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from fangkong.api.deps import CurrentActor, DbSession, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.services.audit.service import entries_for
from fangkong.services.persons.schemas import PersonCreate, PersonRead, PersonUpdate
from fangkong.services.persons.service import (
    create_person,
    list_persons,
    person_in_scope,
    read_person,
    to_read,
    update_person,
)

router = APIRouter(prefix="/api/persons", tags=["persons"])
Reason = Annotated[str | None, Query(description="why the record is opened or changed (kept in the audit log)")]


@router.post("", response_model=PersonRead, status_code=status.HTTP_201_CREATED)
def register(
    body: PersonCreate, session: DbSession, actor: CurrentActor, today: Today, reason: Reason = None
) -> PersonRead:
    return to_read(create_person(session, actor, body, today=today, reason=reason), actor)


@router.get("", response_model=Page[PersonRead])
def search(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: str | None = None,
    name: str | None = None,
) -> Page[PersonRead]:
    rows, total = list_persons(
        session, actor, jurisdiction_code=jurisdiction_code, name=name, offset=offset, limit=limit
    )
    return Page(items=[to_read(p, actor) for p in rows], total=total, offset=offset, limit=limit)


@router.get("/{person_id}", response_model=PersonRead)
def get(person_id: int, session: DbSession, actor: CurrentActor, reason: Reason = None) -> PersonRead:
    return to_read(read_person(session, actor, person_id, reason=reason), actor)


@router.patch("/{person_id}", response_model=PersonRead)
def update(
    person_id: int, body: PersonUpdate, session: DbSession, actor: CurrentActor, reason: Reason = None
) -> PersonRead:
    return to_read(update_person(session, actor, person_id, body, reason=reason), actor)


@router.get("/{person_id}/audit")
def audit_trail(person_id: int, session: DbSession, actor: CurrentActor) -> list[dict[str, object]]:
    """Who read or changed this person's record (supervisors and the command centre)."""
    person_in_scope(session, actor, person_id)  # the trail is scoped like the record itself
    return [
        {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "reason": e.reason, "detail": e.detail}
        for e in entries_for(session, actor, entity="person", entity_id=person_id)
    ]
