"""People: register, read (audited), update with the row version, list (masked where the role requires)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from fangkong.api.deps import CurrentActor, DbSession, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import StoreId
from fangkong.services.audit.reads import read_of
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
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    name: Annotated[str | None, Query(description="part of the name")] = None,
    document_number: Annotated[
        str | None, Query(description="the exact document number (roles that see identifiers)")
    ] = None,
    category: Annotated[str | None, Query(description="with an active order of this category")] = None,
    under_management: Annotated[
        bool | None, Query(description="with (true) or without (false) an active order")
    ] = None,
    phone: Annotated[str | None, Query(description="the exact phone number (roles that see identifiers)")] = None,
    sort: Annotated[str, Query(description="id, name, jurisdiction_code or address; a leading - reverses")] = "id",
    reason: Reason = None,
) -> Page[PersonRead]:
    """People in your jurisdiction, a page at a time; each person listed is noted in their audit trail."""
    rows, total = list_persons(
        session,
        actor,
        jurisdiction_code=jurisdiction_code,
        name=name,
        document_number=document_number,
        category=category,
        under_management=under_management,
        phone=phone,
        sort=sort,
        offset=offset,
        limit=limit,
        reason=reason,
    )
    return Page(items=[to_read(p, actor) for p in rows], total=total, offset=offset, limit=limit)


@router.get("/{person_id}", response_model=PersonRead)
def get(person_id: StoreId, session: DbSession, actor: CurrentActor, reason: Reason = None) -> PersonRead:
    """One person's record; the read is audited. Its plain success is answered in front of the router
    (`api/staff_reads.py`), with the same answer."""
    return to_read(read_person(session, actor, person_id, reason=reason), actor)


@router.patch("/{person_id}", response_model=PersonRead)
def update(
    person_id: StoreId,
    body: PersonUpdate,
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    reason: Reason = None,
) -> PersonRead:
    return to_read(update_person(session, actor, person_id, body, reason=reason, today=today), actor)


class AuditRead(BaseModel):
    at: datetime
    actor: str
    action: str
    reason: str | None
    detail: dict[str, Any]


@router.get("/{person_id}/audit", response_model=Page[AuditRead])
def audit_trail(
    person_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 100,
    action: Annotated[
        str | None, Query(description="only entries of this action (read, listed, create, update)")
    ] = None,
) -> Page[AuditRead]:
    """Who read, listed or changed this person's record (supervisors and the command centre), oldest first."""
    person_in_scope(session, actor, person_id)  # the trail is scoped like the record itself
    rows, total = entries_for(
        session, actor, entity="person", entity_id=person_id, action=action, offset=offset, limit=limit
    )
    items = [AuditRead(at=e.at, actor=e.actor, action=e.action, reason=e.reason, detail=e.detail) for e in rows]
    read_of(session, actor, "audit_trail", [person_id], entity_id=person_id)
    return Page(items=items, total=total, offset=offset, limit=limit)
