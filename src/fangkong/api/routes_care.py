"""Care facilities, severities, admissions and the daily census (issue 18; measure 11)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict

from fangkong.api.deps import CurrentActor, DbSession
from fangkong.api.pages import Limit, Offset, Page
from fangkong.api.raw_files import FILE_BODY, ContentType, Filename, RawBody
from fangkong.bounds import Day, StoreId
from fangkong.errors import InvalidInput
from fangkong.services.care import service as care
from fangkong.services.care.imports import import_facilities
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.file_imports.rows import format_of
from fangkong.services.jurisdictions.service import scope_root

router = APIRouter(prefix="/api", tags=["care"])


class FacilityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    jurisdiction_code: str
    status: str
    lat: float | None
    lon: float | None
    general_beds: int
    icu_beds: int
    convertible_icu_beds: int
    doctors: int
    nurses: int
    critical_care_nurses: int


class SeverityIn(BaseModel):
    severity: str
    on: Day
    risk_factors: list[str] = []
    home_conditions_met: bool = True


class SeverityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    infection_id: int
    severity: str
    risk_factors: list[str]
    home_conditions_met: bool
    recorded_on: date
    level: str
    facility: str
    high_risk: bool
    reasons: list[dict[str, str]]
    policy: str | None


class AdmitIn(BaseModel):
    facility_id: StoreId
    on: Day
    bed_kind: str | None = None


class EndIn(BaseModel):
    on: Day


class StayRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    infection_id: int
    facility_id: int
    bed_kind: str
    level: str
    started_on: date
    ended_on: date | None
    end: str | None


class AbsenceIn(BaseModel):
    on: Day
    staff_kind: str
    infected: int = 0
    absent: int = 0


@router.get("/facilities", response_model=Page[FacilityRead])
def facilities(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    kind: Annotated[str | None, Query(description="a facility kind")] = None,
    facility_status: Annotated[str | None, Query(alias="status", description="open, standby or closed")] = None,
) -> Page[FacilityRead]:
    """Facilities in your jurisdiction (measure 11), by jurisdiction then name."""
    rows = care.list_facilities(
        session, actor, kind=kind, status=facility_status, root=scope_root(session, actor, jurisdiction_code)
    )
    return Page(
        items=[FacilityRead.model_validate(f) for f in rows[offset : offset + limit]],
        total=len(rows),
        offset=offset,
        limit=limit,
    )


@router.post("/facilities", response_model=FacilityRead, status_code=status.HTTP_201_CREATED)
def create(body: care.FacilityIn, session: DbSession, actor: CurrentActor) -> FacilityRead:
    """Create a facility with its beds and staff (measure 11)."""
    return FacilityRead.model_validate(care.create_facility(session, actor, body))


@router.get("/facilities/{facility_id}", response_model=FacilityRead)
def facility(facility_id: StoreId, session: DbSession, actor: CurrentActor) -> FacilityRead:
    """One facility (measure 11)."""
    return FacilityRead.model_validate(care.get_facility(session, actor, facility_id))


@router.patch("/facilities/{facility_id}", response_model=FacilityRead)
def update(facility_id: StoreId, body: dict[str, Any], session: DbSession, actor: CurrentActor) -> FacilityRead:
    """Change a facility's status, beds or staff (measure 11); fewer beds than occupied are refused."""
    return FacilityRead.model_validate(care.update_facility(session, actor, facility_id, body))


@router.post("/facilities/{facility_id}/absences", status_code=status.HTTP_201_CREATED)
def absence(facility_id: StoreId, body: AbsenceIn, session: DbSession, actor: CurrentActor) -> dict[str, int]:
    """Staff of a kind infected or absent on a day (measure 11: the plan for infected medical staff)."""
    row = care.record_absence(
        session, actor, facility_id, body.on, body.staff_kind, infected=body.infected, absent=body.absent
    )
    return {"id": row.id, "infected": row.infected, "absent": row.absent}


@router.post("/infections/{infection_id}/severity", response_model=SeverityRead, status_code=status.HTTP_201_CREATED)
def severity(infection_id: StoreId, body: SeverityIn, session: DbSession, actor: CurrentActor) -> SeverityRead:
    """Record an infection's clinical severity; the answer is the admission decision and its reasons (measure 11)."""
    row = care.record_severity(
        session,
        actor,
        infection_id,
        body.severity,
        body.on,
        risk_factors=body.risk_factors,
        home_conditions_met=body.home_conditions_met,
    )
    return SeverityRead.model_validate(row)


class SeverityHistory(BaseModel):
    """One infection's severities, oldest first: a short history, not a list to page."""

    infection_id: int
    severities: list[SeverityRead]


@router.get("/infections/{infection_id}/severity", response_model=SeverityHistory)
def severities(infection_id: StoreId, session: DbSession, actor: CurrentActor) -> SeverityHistory:
    """An infection's severity history, oldest first (audited read)."""
    rows = care.severity_history(session, actor, infection_id)
    return SeverityHistory(infection_id=infection_id, severities=[SeverityRead.model_validate(r) for r in rows])


@router.get("/infections/{infection_id}/admission-proposal", response_model=care.Proposal)
def propose(infection_id: StoreId, on: Day, session: DbSession, actor: CurrentActor) -> care.Proposal:
    """Where the infection should be admitted on the day and why (measure 11)."""
    return care.propose_admission(session, actor, infection_id, on)


@router.post("/infections/{infection_id}/admissions", response_model=StayRead, status_code=status.HTTP_201_CREATED)
def admit(infection_id: StoreId, body: AdmitIn, session: DbSession, actor: CurrentActor) -> StayRead:
    """Admit (or transfer) an infection to a facility (measure 11); occupancy above capacity is refused."""
    return StayRead.model_validate(
        care.admit(session, actor, infection_id, body.facility_id, body.on, bed_kind=body.bed_kind)
    )


@router.post("/infections/{infection_id}/discharge", response_model=StayRead)
def discharge(infection_id: StoreId, body: EndIn, session: DbSession, actor: CurrentActor) -> StayRead:
    """Discharge from the current stay (measure 11)."""
    return StayRead.model_validate(care.end_stay(session, actor, infection_id, body.on, "discharged"))


@router.post("/infections/{infection_id}/death", response_model=StayRead)
def death(infection_id: StoreId, body: EndIn, session: DbSession, actor: CurrentActor) -> StayRead:
    """Record a death in the current stay (measure 11)."""
    return StayRead.model_validate(care.end_stay(session, actor, infection_id, body.on, "died"))


class Census(BaseModel):
    """A census report: one row per day, facility and bed kind in the scope. `on` is the day asked with `?on=`;
    a range (`?from=&to=`) answers its first and last day and the rows of every day between, oldest first."""

    on: date | None
    date_from: date
    date_to: date
    rows: list[care.CensusRow]


@router.get("/census", response_model=Census)
def census(
    session: DbSession,
    actor: CurrentActor,
    on: Day | None = None,
    date_from: Annotated[Day | None, Query(alias="from", description="the first day of a range")] = None,
    date_to: Annotated[Day | None, Query(alias="to", description="the last day of a range")] = None,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
) -> Census:
    """The census by day, facility and bed kind (measure 11): beds, staffed beds, occupied, admissions, discharges,
    deaths and free beds — counts only, no person named. One day (`?on=`) or each day of a range (`?from=&to=`)."""
    root = scope_root(session, actor, jurisdiction_code)
    if on is not None:
        if date_from is not None or date_to is not None:
            raise InvalidInput("on", "give either a day (on) or a range (from, to), not both")
        return Census(on=on, date_from=on, date_to=on, rows=care.census(session, actor, on, root=root))
    if date_from is None or date_to is None:
        raise InvalidInput(
            "on" if date_from is None and date_to is None else ("from" if date_from is None else "to"),
            "give a day (on) or both ends of a range (from, to)",
        )
    rows = care.census_range(session, actor, date_from, date_to, root=root)
    return Census(on=None, date_from=date_from, date_to=date_to, rows=rows)


@router.post("/facilities/import", response_model=ImportSummary, openapi_extra=FILE_BODY)
def facilities_import(
    body: RawBody,
    session: DbSession,
    actor: CurrentActor,
    filename: Filename = None,
    content_type: ContentType = None,
) -> ImportSummary:
    """Facilities with their beds and staff (measure 11): `name, kind, jurisdiction_code` and optionally `status,
    lat, lon, general_beds, icu_beds, convertible_icu_beds, doctors, nurses, critical_care_nurses`; a row naming an
    existing facility updates it. All rows or none (a bad row is named with its field); the same file twice changes
    nothing — as `fangkong resources import facilities`."""
    return import_facilities(session, actor, body, format_of(filename, content_type), filename=filename)


class StayListed(StayRead):
    """A stay as a facility's list shows it, with its patient's id (a personal read: audited)."""

    person_id: int


@router.get("/facilities/{facility_id}/stays", response_model=Page[StayListed])
def stays(
    facility_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    state: Annotated[str | None, Query(description="current (not ended) or ended")] = None,
    date_from: Annotated[Day | None, Query(alias="from", description="stays that last into this day or later")] = None,
    date_to: Annotated[Day | None, Query(alias="to", description="stays begun by this day")] = None,
) -> Page[StayListed]:
    """A facility's stays, newest first (measure 11: who occupies its beds); the read is audited."""
    rows, total = care.list_stays(
        session, actor, facility_id, state=state, start=date_from, end=date_to, offset=offset, limit=limit
    )
    items = [StayListed.model_validate({**StayRead.model_validate(s).model_dump(), "person_id": p}) for s, p in rows]
    return Page(items=items, total=total, offset=offset, limit=limit)
