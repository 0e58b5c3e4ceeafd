"""Buildings and units with shapes, risk areas and their daily job, spill-over, and health codes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.api.raw_files import RawBody
from fangkong.bounds import Day, Flag, StoreId
from fangkong.services.areas import service, spillover
from fangkong.services.areas.service import Delineation, RiskAreaRead
from fangkong.services.areas.shapes import import_areas
from fangkong.services.audit.reads import read_of
from fangkong.services.audit.service import record
from fangkong.services.audited_reads.batch import CODE_READ
from fangkong.services.health_codes.service import CodeRead, lookup, recompute
from fangkong.services.persons.service import person_in_scope

router = APIRouter(prefix="/api", tags=["risk areas and health codes"])


class AreaRead(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str | None
    label: str | None


@router.post("/areas/import", response_model=list[AreaRead], status_code=status.HTTP_201_CREATED)
def areas_import(body: RawBody, session: DbSession, actor: CurrentActor) -> list[AreaRead]:
    """A GeoJSON FeatureCollection of buildings and units (properties code, name, level, parent_code, label).
    Shapes must be valid, inside their parent and not overlapping their siblings; all or nothing."""
    return [
        AreaRead(code=j.code, name=j.name, level=j.level, parent_code=j.parent_code, label=j.label)
        for j in import_areas(session, actor, body)
    ]


@router.post("/risk-areas", response_model=RiskAreaRead, status_code=status.HTTP_201_CREATED)
def delineate(body: Delineation, session: DbSession, actor: CurrentActor, now: Now, policy: Rules) -> RiskAreaRead:
    """Delineate a risk area from today (a building or unit; wider only with a section-3 justification)."""
    return RiskAreaRead.model_validate(service.delineate(session, actor, body, now=now, policy=policy))


@router.get("/risk-areas", response_model=Page[RiskAreaRead])
def risk_areas(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    active: bool | None = None,
    due_on: Annotated[Day | None, Query(description="areas whose next level change is due by this day")] = None,
) -> Page[RiskAreaRead]:
    rows, total = service.list_areas(session, actor, active=active, due_on=due_on, offset=offset, limit=limit)
    return Page(items=[RiskAreaRead.model_validate(r) for r in rows], total=total, offset=offset, limit=limit)


class AreaEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    on: Day
    kind: str
    level: str | None
    clause: str | None
    text: str
    actor: str
    at: datetime


@router.get("/risk-areas/{risk_id}/history", response_model=Page[AreaEventRead])
def history(
    risk_id: StoreId, session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 100
) -> Page[AreaEventRead]:
    """Every event of the area in date order: delineation, infections counted or not, screenings, levels."""
    rows = service.events(session, actor, risk_id)
    items = [AreaEventRead.model_validate(e) for e in rows[offset : offset + limit]]
    return Page(items=items, total=len(rows), offset=offset, limit=limit)


class Screening(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: Day
    all_negative: Flag


@router.post("/risk-areas/{risk_id}/screenings", response_model=RiskAreaRead)
def screening(risk_id: StoreId, body: Screening, session: DbSession, actor: CurrentActor, now: Now) -> RiskAreaRead:
    return RiskAreaRead.model_validate(
        service.record_screening(session, actor, risk_id, body.on, body.all_negative, now=now)
    )


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: Day | None = None


@router.post("/risk-areas/advance")
def advance(body: Advance, session: DbSession, actor: CurrentActor, today: Today, policy: Rules) -> dict[str, int]:
    """The daily job: apply every downgrade or lifting the rules give up to the day (default today)."""
    return service.advance_all(session, actor, body.on or today, today=today, policy=policy)


class Lower(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: Day


@router.post("/risk-areas/{risk_id}/lower", response_model=RiskAreaRead)
def lower(
    risk_id: StoreId, body: Lower, session: DbSession, actor: CurrentActor, today: Today, policy: Rules
) -> RiskAreaRead:
    """Lower or lift one area now that the rules give it (prompt lifting); refused before its time."""
    return RiskAreaRead.model_validate(service.lower(session, actor, risk_id, body.on, today=today, policy=policy))


class SpilloverRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    risk_area_id: StoreId
    person_id: StoreId
    left_on: Day
    source: str
    detail: str
    status: str
    order_id: StoreId | None


@router.post("/risk-areas/{risk_id}/spillover/propose", response_model=list[SpilloverRead])
def spillover_propose(risk_id: StoreId, session: DbSession, actor: CurrentActor, now: Now) -> list[SpilloverRead]:
    """People who left the area after its delineation, from venue scans (measure 3)."""
    return [SpilloverRead.model_validate(c) for c in spillover.propose_spillover(session, actor, risk_id, now=now)]


class Declaration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: StoreId
    left_on: Day


@router.post("/risk-areas/{risk_id}/spillover", response_model=SpilloverRead, status_code=201)
def spillover_declare(
    risk_id: StoreId, body: Declaration, session: DbSession, actor: CurrentActor, now: Now
) -> SpilloverRead:
    return SpilloverRead.model_validate(
        spillover.declare_spillover(session, actor, risk_id, body.person_id, body.left_on, now=now)
    )


@router.get("/risk-areas/{risk_id}/spillover", response_model=Page[SpilloverRead])
def spillover_list(
    risk_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    status: str | None = None,
) -> Page[SpilloverRead]:
    rows, total = spillover.list_spillover(session, actor, risk_id, status=status, offset=offset, limit=limit)
    return Page(items=[SpilloverRead.model_validate(c) for c in rows], total=total, offset=offset, limit=limit)


@router.post("/spillover/{candidate_id}/confirm", response_model=SpilloverRead)
def spillover_confirm(
    candidate_id: StoreId, session: DbSession, actor: CurrentActor, now: Now, policy: Rules
) -> SpilloverRead:
    """Place the person under measure 3's plan (7 days of home isolation from the day they left)."""
    return SpilloverRead.model_validate(
        spillover.confirm_spillover(session, actor, candidate_id, now=now, policy=policy)
    )


@router.get("/health-codes/person/{person_id}", response_model=CodeRead)
def code_of_person(
    person_id: StoreId, session: DbSession, actor: CurrentActor, today: Today, policy: Rules, on: Day | None = None
) -> CodeRead:
    """A person's code (colour and reasons with clauses) on a day (default today); the read is audited."""
    code = lookup(session, actor, on=on or today, person_id=person_id, policy=policy)
    record(session, actor, action="read", entity="person", entity_id=code.person_id, detail=CODE_READ)
    return code


@router.get("/health-codes/token/{token}", response_model=CodeRead)
def code_of_token(token: str, session: DbSession, actor: CurrentActor, today: Today, policy: Rules) -> CodeRead:
    """A person's code today, with its reasons, found by the token the code's QR carries; the read is audited.
    Its plain success is answered in front of the router (`api/staff_reads.py`), with the same answer."""
    code = lookup(session, actor, on=today, token=token, policy=policy)
    record(session, actor, action="read", entity="person", entity_id=code.person_id, detail=CODE_READ)
    return code


class Recompute(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: Day | None = None
    jurisdiction_code: str | None = None
    due_only: Flag = False  # the daily job: only codes whose stored status does not stand on the day


@router.post("/health-codes/recompute")
def codes_recompute(
    body: Recompute, session: DbSession, actor: CurrentActor, today: Today, policy: Rules
) -> dict[str, int]:
    """Recompute everyone's code in the subtree for a day (after area changes); changes are recorded."""
    return recompute(
        session,
        actor,
        body.on or today,
        policy=policy,
        jurisdiction_code=body.jurisdiction_code,
        due_only=body.due_only,
    )


class ChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    on: Day
    from_colour: str | None
    to_colour: str
    reasons: list[dict[str, Any]]
    by: str
    cause: str | None  # the event that made it: "order.cancelled", "lab.held", "daily job"
    at: datetime


@router.get("/health-codes/person/{person_id}/changes", response_model=Page[ChangeRead])
def code_changes(
    person_id: StoreId, session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 100
) -> Page[ChangeRead]:
    """Every change of the person's colour, oldest first: when, from what, to what, why, and by which job."""
    from fangkong.services.health_codes.service import changes

    person_in_scope(session, actor, person_id)
    rows = list(changes(session, actor, person_id))
    items = [ChangeRead.model_validate(c) for c in rows[offset : offset + limit]]
    read_of(session, actor, "health_code_changes", [person_id], entity_id=person_id)
    return Page(items=items, total=len(rows), offset=offset, limit=limit)
