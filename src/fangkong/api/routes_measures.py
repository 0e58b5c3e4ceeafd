"""Appeals and complaints (measures 16, 18), stranded persons (measure 20) and testing campaigns (measure 6)."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import Day, StoreId
from fangkong.services.appeals.service import (
    TicketAnswer,
    TicketCreate,
    TicketRead,
    answer_ticket,
    list_tickets,
    open_ticket,
)
from fangkong.services.audit.reads import read_of
from fangkong.services.campaigns.service import (
    CampaignCreate,
    CampaignRead,
    ProgressRead,
    RoundRecord,
    SamplingList,
    campaign_in_scope,
    progress,
    propose,
    record_round,
    sampling_list,
)
from fangkong.services.stranded.service import (
    StrandedCount,
    StrandedCreate,
    StrandedRead,
    assess,
    list_stranded,
    mark_departed,
    report_stranded,
    summary,
)

router = APIRouter(prefix="/api", tags=["appeals, stranded persons, campaigns"])


@router.post("/appeals", response_model=TicketRead, status_code=status.HTTP_201_CREATED)
def appeal(body: TicketCreate, session: DbSession, actor: CurrentActor, now: Now, policy: Rules) -> TicketRead:
    """Open an appeal of a health code or a complaint; it is due within the policy's response hours."""
    return TicketRead.model_validate(open_ticket(session, actor, body, now=now, policy=policy))


@router.get("/appeals", response_model=Page[TicketRead])
def appeals(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    offset: Offset = 0,
    limit: Limit = 50,
    status: str | None = None,
    overdue: bool | None = None,
    kind: str | None = None,
) -> Page[TicketRead]:
    """Tickets routed to your jurisdiction, the most urgent first (`overdue=true`: past their deadline)."""
    rows, total = list_tickets(
        session, actor, now=now, status=status, overdue=overdue, kind=kind, offset=offset, limit=limit
    )
    read_of(session, actor, "appeals", [t.person_id for t in rows])
    return Page(items=[TicketRead.model_validate(t) for t in rows], total=total, offset=offset, limit=limit)


@router.post("/appeals/{ticket_id}/answer", response_model=TicketRead)
def answer(
    ticket_id: StoreId, body: TicketAnswer, session: DbSession, actor: CurrentActor, now: Now, policy: Rules
) -> TicketRead:
    """Record the outcome; a corrected health code is recomputed at once."""
    return TicketRead.model_validate(answer_ticket(session, actor, ticket_id, body, now=now, policy=policy))


@router.post("/stranded", response_model=StrandedRead, status_code=status.HTTP_201_CREATED)
def stranded(body: StrandedCreate, session: DbSession, actor: CurrentActor, now: Now) -> StrandedRead:
    return StrandedRead.model_validate(report_stranded(session, actor, body, now=now))


@router.get("/stranded", response_model=Page[StrandedRead])
def stranded_list(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    status: str | None = None,
    destination: str | None = None,
) -> Page[StrandedRead]:
    rows, total = list_stranded(session, actor, status=status, destination=destination, offset=offset, limit=limit)
    read_of(session, actor, "stranded", [r.person_id for r in rows])
    return Page(items=[StrandedRead.model_validate(r) for r in rows], total=total, offset=offset, limit=limit)


class StrandedSummary(BaseModel):
    lines: list[StrandedCount]


@router.get("/stranded/summary", response_model=StrandedSummary)
def stranded_summary(session: DbSession, actor: CurrentActor) -> StrandedSummary:
    """Counts by origin, destination and status, for planning evacuations."""
    return StrandedSummary(lines=summary(session, actor))


@router.post("/stranded/{stranded_id}/clearance", response_model=StrandedRead)
def clearance(stranded_id: StoreId, session: DbSession, actor: CurrentActor, now: Now, policy: Rules) -> StrandedRead:
    """The departure-clearance check (measure 20), with its risk assessment recorded."""
    return StrandedRead.model_validate(assess(session, actor, stranded_id, now=now, policy=policy))


@router.post("/stranded/{stranded_id}/departed", response_model=StrandedRead)
def departed(stranded_id: StoreId, session: DbSession, actor: CurrentActor) -> StrandedRead:
    return StrandedRead.model_validate(mark_departed(session, actor, stranded_id))


@router.post("/campaigns", response_model=CampaignRead, status_code=status.HTTP_201_CREATED)
def campaign(body: CampaignCreate, session: DbSession, actor: CurrentActor, now: Now, policy: Rules) -> CampaignRead:
    """Propose a testing campaign; the guard refuses area-wide testing without an outbreak, and with one unless
    its conditions are recorded, and more than one test a day (measure 6)."""
    return CampaignRead.model_validate(propose(session, actor, body, now=now, policy=policy))


@router.get("/campaigns/{campaign_id}", response_model=CampaignRead)
def campaign_get(campaign_id: StoreId, session: DbSession, actor: CurrentActor) -> CampaignRead:
    return CampaignRead.model_validate(campaign_in_scope(session, actor, campaign_id))


@router.get("/campaigns/{campaign_id}/sampling", response_model=SamplingList)
def campaign_sampling(
    campaign_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    policy: Rules,
    on: Day | None = None,
    offset: Offset = 0,
    limit: Limit = 200,
) -> SamplingList:
    """Who is sampled on a round day (default today), in walking order; none on a day that is not a round (an
    area-wide campaign's wait before its final round, or after it stopped)."""
    answered = sampling_list(session, actor, campaign_id, on or today, offset=offset, limit=limit, policy=policy)
    read_of(session, actor, "campaign_sampling", [i.person_id for i in answered.items], entity_id=campaign_id)
    return answered


@router.get("/campaigns/{campaign_id}/progress", response_model=ProgressRead)
def campaign_progress_read(
    campaign_id: StoreId, session: DbSession, actor: CurrentActor, policy: Rules
) -> ProgressRead:
    """Where an area-wide campaign stands: its rounds and what each found, its next round or final round, or that
    it stopped (the 21 Nov testing rules: three clean rounds in a row, then one more three days later)."""
    return progress(session, actor, campaign_id, policy=policy)


@router.post("/campaigns/{campaign_id}/rounds", response_model=ProgressRead, status_code=status.HTTP_201_CREATED)
def campaign_round(
    campaign_id: StoreId, body: RoundRecord, session: DbSession, actor: CurrentActor, today: Today, policy: Rules
) -> ProgressRead:
    """Record a round held and the infections it found in the community (社会面); answers where the campaign now
    stands. A round after the campaign stopped, or in the wait before its final round, is refused (m20-docs.testing)."""
    return record_round(session, actor, campaign_id, body, today=today, policy=policy)
