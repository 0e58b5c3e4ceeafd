"""Arrivals from other provinces and their test on arrival: the landing check (issue 20; measure 15, m20.15).

The test is voluntary and free and restricts nobody (m20-docs.testing); the new ten end it (n10.2). Its state is the
rule's (`rules.landing_check`), read from the person's samples each time.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from fangkong.api.deps import CurrentActor, DbSession, Now
from fangkong.api.pages import Limit, Offset, Page
from fangkong.api.raw_files import FILE_BODY, ContentType, Filename, RawBody
from fangkong.bounds import Day, StoreId
from fangkong.rules.decision import Reason
from fangkong.services.arrivals import service as arrivals
from fangkong.services.arrivals.imports import import_arrivals
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.file_imports.rows import format_of

router = APIRouter(prefix="/api", tags=["arrivals"])


class FollowUpRead(BaseModel):
    at: datetime
    outcome: str
    note: str | None
    recorded_by: str


class ArrivalRead(BaseModel):
    """An arrival and its test on arrival now: `status` (not_owed, due, tested, positive, missed, closed), when it is
    owed by, when it was sampled, whether the community reminds the person today, with the rule's reasons."""

    id: int
    person_id: int
    person_name: str
    arrived_at: datetime
    from_province: str
    from_place: str | None
    jurisdiction_code: str
    migrant_worker: bool
    employer: str | None
    note: str | None
    status: str
    due_by: datetime | None
    tested_at: datetime | None
    late: bool
    follow_up: bool
    follow_up_until: datetime | None
    policy: str | None
    reasons: list[Reason]
    follow_ups: list[FollowUpRead]


def _read(state: arrivals.ArrivalState) -> ArrivalRead:
    a, d = state.arrival, state.decision
    return ArrivalRead(
        id=a.id,
        person_id=a.person_id,
        person_name=a.person.name,
        arrived_at=a.arrived_at,
        from_province=a.from_province,
        from_place=a.from_place,
        jurisdiction_code=a.jurisdiction_code,
        migrant_worker=a.migrant_worker,
        employer=a.employer,
        note=a.note,
        status=d.status.value,
        due_by=d.due_by,
        tested_at=d.tested_at,
        late=d.late,
        follow_up=d.follow_up,
        follow_up_until=d.follow_up_until,
        policy=d.policy,
        reasons=list(d.reasons),
        follow_ups=[
            FollowUpRead(at=f.at, outcome=f.outcome, note=f.note, recorded_by=f.recorded_by) for f in state.follow_ups
        ],
    )


@router.post("/arrivals", response_model=ArrivalRead, status_code=status.HTTP_201_CREATED)
def record(body: arrivals.ArrivalIn, session: DbSession, actor: CurrentActor, now: Now) -> ArrivalRead:
    """Record an arrival from another province (measure 15); the answer says whether a test on arrival is owed under
    the version in force on the arrival day, and by when."""
    arrival = arrivals.record_arrival(session, actor, body, now=now)
    return _read(arrivals.states(session, [arrival], now=now)[0])


@router.post("/arrivals/import", response_model=ImportSummary, openapi_extra=FILE_BODY)
def arrivals_import(
    body: RawBody,
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    filename: Filename = None,
    content_type: ContentType = None,
) -> ImportSummary:
    """Arrivals keyed by document number: `document_number, arrived_at, from_province` and optionally `from_place,
    jurisdiction_code, migrant_worker, employer, note`. All rows or none; the same file twice changes nothing — as
    `fangkong arrivals import`."""
    return import_arrivals(session, actor, body, format_of(filename, content_type), now=now, filename=filename)


@router.get("/arrivals", response_model=Page[ArrivalRead])
def arrivals_list(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    status_: Annotated[
        list[str] | None,
        Query(alias="status", description="not_owed, due, tested, positive, missed, closed (repeat for several)"),
    ] = None,
    follow_up: Annotated[bool | None, Query(description="only those to remind today (true) or not (false)")] = None,
    migrant_worker: bool | None = None,
    date_from: Annotated[Day | None, Query(alias="from", description="arrived on or after (local day)")] = None,
    date_to: Annotated[Day | None, Query(alias="to", description="arrived on or before (default today)")] = None,
) -> Page[ArrivalRead]:
    """Arrivals in your jurisdiction, newest first, with their test on arrival now (default: the last 14 days)."""
    rows, total = arrivals.list_arrivals(
        session,
        actor,
        now=now,
        jurisdiction_code=jurisdiction_code,
        status=status_,
        follow_up=follow_up,
        migrant_worker=migrant_worker,
        date_from=date_from,
        date_to=date_to,
        offset=offset,
        limit=limit,
    )
    return Page(items=[_read(s) for s in rows], total=total, offset=offset, limit=limit)


@router.get("/arrivals/{arrival_id}", response_model=ArrivalRead)
def arrival(arrival_id: StoreId, session: DbSession, actor: CurrentActor, now: Now) -> ArrivalRead:
    """One arrival with its test's state and follow-ups (the read is audited)."""
    return _read(arrivals.read_arrival(session, actor, arrival_id, now=now))


@router.post("/arrivals/{arrival_id}/follow-ups", response_model=ArrivalRead, status_code=status.HTTP_201_CREATED)
def follow_up(
    arrival_id: StoreId, body: arrivals.FollowUpIn, session: DbSession, actor: CurrentActor, now: Now
) -> ArrivalRead:
    """Record what came of reminding an arrival who missed the test (a reminder only: the test is voluntary)."""
    arrivals.record_follow_up(session, actor, arrival_id, body, now=now)
    return _read(arrivals.read_arrival(session, actor, arrival_id, now=now))


class ArrivalsPerDay(BaseModel):
    jurisdiction_code: str
    on: date
    arrivals: int


class ArrivalCounts(BaseModel):
    date_from: date
    date_to: date
    rows: list[ArrivalsPerDay]


@router.get("/arrival-counts", response_model=ArrivalCounts)
def arrival_counts(
    session: DbSession,
    actor: CurrentActor,
    date_from: Annotated[Day, Query(alias="from")],
    date_to: Annotated[Day, Query(alias="to")],
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
) -> ArrivalCounts:
    """Arrivals from other provinces per jurisdiction and day (counts only): the arrivals channel of early warning."""
    counts = arrivals.arrivals_per_day(session, actor, date_from, date_to, jurisdiction_code=jurisdiction_code)
    rows = [ArrivalsPerDay(jurisdiction_code=c, on=d, arrivals=n) for (c, d), n in sorted(counts.items())]
    return ArrivalCounts(date_from=date_from, date_to=date_to, rows=rows)
