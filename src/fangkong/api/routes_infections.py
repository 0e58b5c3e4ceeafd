"""Infections, transmission chains, close-contact candidates and the timeliness of tracing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.api.raw_files import ContentType, Filename, RawBody
from fangkong.bounds import Day, StoreId
from fangkong.services.access import Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.file_imports.rows import format_of
from fangkong.services.infection_follow_up import infection_recorded, re_positive_recorded
from fangkong.services.infections.service import (
    Chain,
    InfectionCreate,
    InfectionRead,
    InfectionUpdate,
    RePositiveCreate,
    RePositiveRead,
    infection_in_scope,
    list_infections,
    list_re_positives,
    read_infection,
    transmission_chain,
    update_infection,
)
from fangkong.services.tracing.candidates import (
    CandidateRead,
    InterviewContact,
    add_interview_contacts,
    confirm_candidate,
    dismiss_candidate,
    list_candidates,
    propose_contacts,
    propose_secondary,
)
from fangkong.services.tracing.timeliness import TimelinessReport, timeliness_report
from fangkong.services.tracing.venues import VenueCreate, import_scans, register_venue

router = APIRouter(prefix="/api", tags=["infections and tracing"])


def _read(i: object) -> InfectionRead:
    return InfectionRead.model_validate(i, from_attributes=True)


def _cand(c: object) -> CandidateRead:
    return CandidateRead.model_validate(c, from_attributes=True)


@router.post("/infections", response_model=InfectionRead, status_code=status.HTTP_201_CREATED)
def create(body: InfectionCreate, session: DbSession, actor: CurrentActor, now: Now, policy: Rules) -> InfectionRead:
    """Record an infection found outside the lab imports (another city's report, a fever clinic); what follows it
    follows at once, as on the lab path: active orders transferred to hospital, risk areas, close contacts
    proposed from home and venue scans."""
    return _read(infection_recorded(session, actor, body, now=now, policy=policy).infection)


@router.get("/infections", response_model=Page[InfectionRead])
def infections(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: str | None = None,
    kind: Annotated[str | None, Query(description="confirmed or asymptomatic")] = None,
    found_in: Annotated[str | None, Query(description="community, centralized_isolation, home_isolation, …")] = None,
    confirmed_from: Day | None = None,
    confirmed_to: Day | None = None,
    unreported: bool | None = None,
    sort: Annotated[str, Query(description="confirmed_at, sampled_on, kind or found_in; a leading - reverses")] = (
        "-confirmed_at"
    ),
) -> Page[InfectionRead]:
    rows, total = list_infections(
        session,
        actor,
        jurisdiction_code=jurisdiction_code,
        kind=kind,
        found_in=found_in,
        confirmed_from=confirmed_from,
        confirmed_to=confirmed_to,
        unreported=unreported,
        sort=sort,
        offset=offset,
        limit=limit,
    )
    read_of(session, actor, "infections", [r.person_id for r in rows])
    return Page(items=[_read(r) for r in rows], total=total, offset=offset, limit=limit)


@router.get("/infections/{infection_id}", response_model=InfectionRead)
def get(infection_id: StoreId, session: DbSession, actor: CurrentActor) -> InfectionRead:
    return _read(read_infection(session, actor, infection_id))


@router.patch("/infections/{infection_id}", response_model=InfectionRead)
def update(
    infection_id: StoreId, body: InfectionUpdate, session: DbSession, actor: CurrentActor, now: Now
) -> InfectionRead:
    """After the interview: kind, onset, workplace, places, source; `reported_at` when reported."""
    return _read(update_infection(session, actor, infection_id, body, now=now))


@router.post("/infections/{infection_id}/re-positives", response_model=RePositiveRead, status_code=201)
def re_positive(
    infection_id: StoreId, body: RePositiveCreate, session: DbSession, actor: CurrentActor, now: Now, policy: Rules
) -> RePositiveRead:
    """A positive after the infection's discharge (出院后复阳): noted on the infection, not a new case, and noted
    as not counted by the risk areas its person lives in (the 21 Nov 2022 risk-area plan). The same sampling day
    again answers the note already made."""
    followed = re_positive_recorded(session, actor, infection_id, body, now=now, policy=policy)
    return RePositiveRead.model_validate(followed.note, from_attributes=True)


@router.get("/infections/{infection_id}/re-positives", response_model=Page[RePositiveRead])
def re_positives(
    infection_id: StoreId, session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 50
) -> Page[RePositiveRead]:
    """The re-positives noted on an infection, oldest first."""
    rows, total = list_re_positives(session, actor, infection_id, offset=offset, limit=limit)
    items = [RePositiveRead.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, offset=offset, limit=limit)


@router.get("/infections/{infection_id}/chain", response_model=Chain)
def chain(infection_id: StoreId, session: DbSession, actor: CurrentActor) -> Chain:
    """The transmission chain (who infected whom) the infection belongs to, as nodes and edges."""
    found = transmission_chain(session, actor, infection_id)
    read_of(session, actor, "chain", [n.person_id for n in found.nodes], entity_id=infection_id)
    return found


class Interview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contacts: list[InterviewContact] = Field(min_length=1, max_length=2000)


@router.post("/infections/{infection_id}/contacts", response_model=list[CandidateRead], status_code=201)
def interview(
    infection_id: StoreId, body: Interview, session: DbSession, actor: CurrentActor, now: Now, policy: Rules
) -> list[CandidateRead]:
    """Contacts named in the interview, proposed as close contacts (inside the look-back window)."""
    found = add_interview_contacts(session, actor, infection_id, body.contacts, now=now, policy=policy)
    return [_cand(c) for c in found]


@router.post("/infections/{infection_id}/contacts/propose", response_model=list[CandidateRead])
def propose(
    infection_id: StoreId, session: DbSession, actor: CurrentActor, now: Now, policy: Rules
) -> list[CandidateRead]:
    """Look again at home and venue scans (after a scans upload or a changed onset date)."""
    actor.require(Permission.trace_contacts)
    infection_in_scope(session, actor, infection_id)
    return [_cand(c) for c in propose_contacts(session, actor, infection_id, now=now, policy=policy)]


@router.get("/contact-candidates", response_model=Page[CandidateRead])
def candidates(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    infection_id: StoreId | None = None,
    status: Annotated[str | None, Query(description="proposed, confirmed or dismissed")] = None,
    category: Annotated[str | None, Query(description="close_contact or secondary_close_contact")] = None,
    sort: Annotated[
        str,
        Query(
            max_length=20,
            description="proposed_at, last_exposure, evidence, decision or infection; a leading - reverses it",
        ),
    ] = "proposed_at",
) -> Page[CandidateRead]:
    rows, total = list_candidates(
        session,
        actor,
        infection_id=infection_id,
        status=status,
        category=category,
        sort=sort,
        offset=offset,
        limit=limit,
    )
    read_of(session, actor, "contact_candidates", [c.person_id for c in rows])
    return Page(items=[_cand(c) for c in rows], total=total, offset=offset, limit=limit)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=400)


@router.post("/contact-candidates/{candidate_id}/confirm", response_model=CandidateRead)
def confirm(
    candidate_id: StoreId, body: Decision, session: DbSession, actor: CurrentActor, now: Now, policy: Rules
) -> CandidateRead:
    """Confirm: the person is placed under management from their last exposure (the order is linked)."""
    return _cand(confirm_candidate(session, actor, candidate_id, now=now, policy=policy, reason=body.reason))


@router.post("/contact-candidates/{candidate_id}/dismiss", response_model=CandidateRead)
def dismiss(candidate_id: StoreId, body: Decision, session: DbSession, actor: CurrentActor, now: Now) -> CandidateRead:
    return _cand(dismiss_candidate(session, actor, candidate_id, now=now, reason=body.reason or ""))


@router.post("/contact-candidates/{candidate_id}/secondary", response_model=list[CandidateRead])
def secondary(
    candidate_id: StoreId, session: DbSession, actor: CurrentActor, now: Now, policy: Rules
) -> list[CandidateRead]:
    """Secondary close contacts of a confirmed close contact — refused under the 20 measures (measure 2)."""
    return [_cand(c) for c in propose_secondary(session, actor, candidate_id, now=now, policy=policy)]


class VenueRead(VenueCreate):
    pass


@router.post("/venues", response_model=VenueRead, status_code=status.HTTP_201_CREATED)
def venue(body: VenueCreate, session: DbSession, actor: CurrentActor) -> VenueRead:
    v = register_venue(session, actor, body)
    return VenueRead(code=v.code, name=v.name, address=v.address, jurisdiction_code=v.jurisdiction_code)


@router.post("/venue-scans", response_model=ImportSummary)
def scans(
    body: RawBody,
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    filename: Filename = None,
    content_type: ContentType = None,
) -> ImportSummary:
    """Venue-code scans: `document_number, venue_code, scanned_at`. All rows or none; repeats are skipped."""
    return import_scans(session, actor, body, fmt=format_of(filename, content_type), now=now, filename=filename)


@router.get("/timeliness", response_model=TimelinessReport)
def timeliness(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    today: Today,
    policy: Rules,
    since: Day | None = None,
    until: Day | None = None,
    jurisdiction_code: str | None = None,
) -> TimelinessReport:
    """Hours from confirmation to report and to each close contact's placement, per infection and jurisdiction."""
    end = until or today
    report = timeliness_report(
        session, actor, since=since or end, until=end, now=now, policy=policy, jurisdiction_code=jurisdiction_code
    )
    # the report names infections, not persons: their ids are what was read
    read_of(session, actor, "timeliness", [], detail={"infections": [i.infection_id for i in report.infections]})
    return report
