"""Vaccination records, status and outreach, and the closed-loop bubble's booster check (issue 19; measure 12, and
measure 8's entry rule reading the records)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict

from fangkong.api.deps import CurrentActor, DbSession, Rules, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.api.raw_files import FILE_BODY, ContentType, Filename, RawBody
from fangkong.bounds import Day, StoreId
from fangkong.rules.vaccination import VaccinationDecision
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.file_imports.rows import format_of
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.vaccination import coverage
from fangkong.services.vaccination import service as vaccination
from fangkong.services.vaccination.imports import import_doses

router = APIRouter(prefix="/api", tags=["vaccination"])


class DoseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    product: str
    manufacturer: str
    dose_number: int
    given_on: date
    site: str | None
    lot: str | None
    import_id: int | None


class DoseRecorded(BaseModel):
    """The dose recorded and the person's vaccination status today (measure 12)."""

    dose: DoseRead
    vaccination: VaccinationDecision


class OutreachRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    asked_on: date
    outcome: str
    reason: str | None
    later_on: date | None
    recorded_by: str


@router.get("/persons/{person_id}/vaccinations", response_model=Page[DoseRead])
def doses(
    person_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[DoseRead]:
    """A person's doses in the order given (measure 12); the read is audited. Their status: `vaccination-status`."""
    rows = vaccination.doses_read(session, actor, person_id)
    return Page(
        items=[DoseRead.model_validate(d) for d in rows[offset : offset + limit]],
        total=len(rows),
        offset=offset,
        limit=limit,
    )


@router.post("/persons/{person_id}/vaccinations", response_model=DoseRecorded, status_code=status.HTTP_201_CREATED)
def record(
    person_id: StoreId, body: vaccination.DoseIn, session: DbSession, actor: CurrentActor, today: Today, policy: Rules
) -> DoseRecorded:
    """Record one dose (measure 12): refused naming the field for an unknown product, a day in the future, before the
    birth date or before the previous dose, or a dose number already recorded or out of order. The answer carries
    the person's status today."""
    dose = vaccination.record_dose(session, actor, person_id, body, today=today, policy=policy)
    decision = vaccination.status_on(session, actor, person_id, on=today, policy=policy)
    return DoseRecorded(dose=DoseRead.model_validate(dose), vaccination=decision)


@router.get("/persons/{person_id}/vaccination-status", response_model=VaccinationDecision)
def status_of(
    person_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    policy: Rules,
    on: Annotated[Day | None, Query(description="the day asked (today when left out)")] = None,
) -> VaccinationDecision:
    """A person's vaccination status on a day with its reasons (measure 12; the booster interval of the elderly
    vaccination plan of 29 Nov 2022): unvaccinated, partial, full_course or boosted, whether a booster is due and the
    next dose's day. The read is audited."""
    return vaccination.status_on(session, actor, person_id, on=on or today, policy=policy)


@router.post("/vaccinations/import", response_model=ImportSummary, openapi_extra=FILE_BODY)
def doses_import(
    body: RawBody,
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    policy: Rules,
    filename: Filename = None,
    content_type: ContentType = None,
) -> ImportSummary:
    """Doses from a vaccination register (measure 12): `document_number, product, dose_number, given_on` and
    optionally `document_type` (resident_id when left out: its check character is verified), `manufacturer`, `site`,
    `lot`. All rows or none (a bad row is named with its field); the same file twice changes nothing — as
    `fangkong vaccination import`."""
    return import_doses(
        session, actor, body, format_of(filename, content_type), today=today, policy=policy, filename=filename
    )


@router.post(
    "/persons/{person_id}/vaccination-outreach", response_model=OutreachRead, status_code=status.HTTP_201_CREATED
)
def outreach(
    person_id: StoreId, body: vaccination.OutreachIn, session: DbSession, actor: CurrentActor, today: Today
) -> OutreachRead:
    """Record what came of asking a person to be vaccinated (measure 12): a contraindication with its reason, a
    refusal, or a later date agreed, so that they are not asked again for nothing."""
    return OutreachRead.model_validate(vaccination.record_outreach(session, actor, person_id, body, today=today))


@router.get("/persons/{person_id}/vaccination-outreach", response_model=Page[OutreachRead])
def outreach_list(
    person_id: StoreId, session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 50
) -> Page[OutreachRead]:
    """A person's outreach outcomes, newest first (measure 12); the read is audited."""
    rows = vaccination.outreach_of(session, actor, person_id)
    return Page(
        items=[OutreachRead.model_validate(o) for o in rows[offset : offset + limit]],
        total=len(rows),
        offset=offset,
        limit=limit,
    )


@router.get("/persons/{person_id}/bubble-entry", response_model=vaccination.BubbleCheck)
def bubble(
    person_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    policy: Rules,
    on: Annotated[Day | None, Query(description="the day of entry (today when left out)")] = None,
    chinese_personnel: Annotated[bool, Query(description="whether the person is Chinese personnel")] = True,
) -> vaccination.BubbleCheck:
    """Whether a person may enter a closed-loop management area (measure 8: Chinese personnel must complete a booster
    vaccination before entering), the booster read from their recorded doses (measure 12): both decisions with their
    reasons. The read is audited."""
    return vaccination.bubble_check(
        session, actor, person_id, on=on or today, chinese_personnel=chinese_personnel, policy=policy
    )


class Coverage(BaseModel):
    """Coverage by community and age band on a day (measure 12): counts only, no person named."""

    on: date
    rows: list[coverage.CoverageRow]


@router.get("/vaccination/coverage", response_model=Coverage)
def coverage_on(
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    policy: Rules,
    on: Annotated[Day | None, Query(description="the day asked (today when left out)")] = None,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
) -> Coverage:
    """Vaccination coverage by community and age band (3–17, 18–59, 60–69, 70–79, 80+; `vaccination.coverage.
    age_bands`): people counted, with any dose, the full course and a booster (measure 12)."""
    day = on or today
    root = scope_root(session, actor, jurisdiction_code)
    return Coverage(on=day, rows=coverage.coverage(session, actor, day, root=root, policy=policy))


@router.get("/vaccination/outreach", response_model=Page[coverage.OutreachRow])
def outreach_due(
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    policy: Rules,
    offset: Offset = 0,
    limit: Limit = 50,
    on: Annotated[Day | None, Query(description="the day asked (today when left out)")] = None,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
) -> Page[coverage.OutreachRow]:
    """The elderly to ask to be vaccinated (measure 12: the elderly first), the oldest first, each with why: aged 60
    or more and unvaccinated, with the course unfinished or a booster due; a contraindication, a refusal in the last
    30 days or a later date agreed leaves a person off. The read is audited."""
    root = scope_root(session, actor, jurisdiction_code)
    rows = coverage.outreach_list(session, actor, on or today, root=root, policy=policy)
    page = rows[offset : offset + limit]
    coverage.audited(session, actor, page)
    return Page(items=page, total=len(rows), offset=offset, limit=limit)


@router.get("/vaccination/doses-due", response_model=coverage.DosesDue)
def doses_due(
    session: DbSession,
    actor: CurrentActor,
    policy: Rules,
    date_from: Annotated[Day, Query(alias="from", description="the first day of the range")],
    date_to: Annotated[Day, Query(alias="to", description="the last day of the range (a year at most)")],
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
) -> coverage.DosesDue:
    """Doses falling due per day for planning (measure 12): the next primary dose or booster of each person, counted
    on the day it falls due; those overdue and the unvaccinated counted apart. Counts only, no person named."""
    root = scope_root(session, actor, jurisdiction_code)
    return coverage.doses_due(session, actor, date_from, date_to, root=root, policy=policy)


class Trend(BaseModel):
    """Coverage by age band on every step's day of a range (measure 12); counts only."""

    date_from: date
    date_to: date
    points: list[coverage.TrendPoint]


@router.get("/vaccination/coverage-trend", response_model=Trend)
def coverage_trend(
    session: DbSession,
    actor: CurrentActor,
    policy: Rules,
    date_from: Annotated[Day, Query(alias="from", description="the first day of the range")],
    date_to: Annotated[Day, Query(alias="to", description="the last day of the range")],
    step: Annotated[int, Query(ge=1, le=366, description="days between two points (7 when left out)")] = 7,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
) -> Trend:
    """The trend of coverage by age band (measure 12): any dose, the full course and a booster on every `step`-th day
    from `from` to `to` (and on `to`), summed over the scope's communities; at most 92 points."""
    root = scope_root(session, actor, jurisdiction_code)
    points = coverage.coverage_trend(session, actor, date_from, date_to, step_days=step, root=root, policy=policy)
    return Trend(date_from=date_from, date_to=date_to, points=points)
