"""Area testing campaigns (measure 6): proposed with their area, population and frequency, reviewed by the
guard (`rules.testing_campaign`: no area-wide testing without an outbreak, and with one only when its conditions
are recorded; never more than one test a day), and, once approved, the sampling work list of each round; an
area-wide campaign's rounds are recorded with what they found, and it stops under the 21 Nov testing rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import Day
from fangkong.errors import Conflict, Inconsistent, InvalidInput, NotFound, Refused
from fangkong.policy import Policy
from fangkong.policy.terms import CampaignCondition, CampaignScope
from fangkong.rules.decision import Reason
from fangkong.rules.testing_campaign import (
    CampaignProgress,
    CampaignRound,
    CampaignStep,
    campaign_progress,
    review_campaign,
)
from fangkong.services.access import Actor, Permission
from fangkong.services.areas.models import RiskArea
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day, midnight
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import jurisdiction_in_scope
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.paging import page_of
from fangkong.services.persons.models import Person

from .models import Campaign, CampaignRoundHeld

OUTBREAK_LOOKBACK_DAYS = 14  # an infection found in the area this recently makes it an outbreak area


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area_code: str
    scope: CampaignScope
    tests_per_day: int = Field(default=1, ge=1, le=10)
    every_days: int = Field(default=1, ge=1, le=30, description="a round every this many days")
    rounds: int = Field(default=1, ge=1, le=30)
    start_on: Day
    conditions: list[CampaignCondition] = Field(default_factory=list)


class CampaignRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    area_code: str
    scope: str
    tests_per_day: int
    every_days: int
    rounds: int
    start_on: date
    outbreak: bool
    conditions: list[str]
    reasons: list[dict[str, object]]
    created_by: str


def has_outbreak(session: Session, area: Jurisdiction, on: date) -> bool:
    """An active risk area in or over the area, or an infection of one of its residents in the last days."""
    for path in session.scalars(
        select(Jurisdiction.path)
        .select_from(RiskArea)
        .join(Jurisdiction, Jurisdiction.code == RiskArea.area_code)
        .where(RiskArea.active.is_(True), RiskArea.delineated_on <= on)
    ):
        if path.startswith(area.path) or area.path.startswith(path):
            return True
    since = midnight(on - timedelta(days=OUTBREAK_LOOKBACK_DAYS))
    found = session.scalar(
        select(Infection.id)
        .join(Jurisdiction, Jurisdiction.code == Infection.jurisdiction_code)
        .where(Jurisdiction.path.startswith(area.path), Infection.confirmed_at >= since)
        .limit(1)
    )
    return found is not None


def propose(session: Session, actor: Actor, data: CampaignCreate, *, now: datetime, policy: Policy) -> Campaign:
    """Review and, if the rules allow it, approve a campaign; a refusal names every clause it breaks."""
    actor.require(Permission.manage_areas)
    area = jurisdiction_in_scope(session, actor, data.area_code, field="area_code")
    today = local_day(now)
    if data.start_on < today:
        raise InvalidInput("start_on", f"{data.start_on} is before today ({today})")
    rules = policy.at(data.start_on)
    outbreak = has_outbreak(session, area, today)
    decision = review_campaign(outbreak, data.scope, data.tests_per_day, set(data.conditions), rules)
    if not decision.allowed:
        first = decision.reasons[0]
        raise Refused(first.clause, "; ".join(r.text for r in decision.reasons))
    campaign = Campaign(
        area_code=area.code,
        scope=data.scope.value,
        tests_per_day=data.tests_per_day,
        every_days=data.every_days,
        rounds=data.rounds,
        start_on=data.start_on,
        outbreak=outbreak,
        conditions=[c.value for c in data.conditions],
        reasons=[r.model_dump() for r in decision.reasons],
        created_by=actor.username,
    )
    session.add(campaign)
    session.flush()
    return campaign


def campaign_in_scope(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("campaign", campaign_id)
    j = session.get(Jurisdiction, campaign.area_code)
    # staff of a part of the area (a community in a street-wide campaign) read their part of it
    if j is None or not (actor.covers(j.path) or actor.jurisdiction_path.startswith(j.path)):
        raise NotFound("campaign", campaign_id)
    return campaign


def round_on(campaign: Campaign, on: date, progress: CampaignProgress | None = None) -> int | None:
    """The round (1-based) a day is, or None: a day of the campaign's plan — or, for area-wide testing under the
    21 Nov rules (`progress`), a round held or the next one allowed (`CampaignProgress.round_on`)."""
    if on < campaign.start_on:
        return None
    if progress is not None and progress.step is not CampaignStep.as_planned:
        return progress.round_on(on)
    days = (on - campaign.start_on).days
    if days < 0 or days % campaign.every_days:
        return None
    n = days // campaign.every_days + 1
    return n if n <= campaign.rounds else None


class SamplingItem(BaseModel):
    person_id: int
    name: str
    jurisdiction_code: str
    address: str
    building: str | None
    unit: str | None


class SamplingList(BaseModel):
    campaign_id: int
    on: date
    round: int | None
    items: list[SamplingItem]
    total: int
    offset: int
    limit: int


def sampling_list(
    session: Session,
    actor: Actor,
    campaign_id: int,
    on: date,
    *,
    offset: int = 0,
    limit: int = 200,
    policy: Policy | None = None,
) -> SamplingList:
    """Who is sampled on a round day, by community, building and unit (the order samplers walk in). A campaign
    of risk posts and key persons lists the people under management and high-risk post workers in the area."""
    actor.require(Permission.read_persons)
    campaign = campaign_in_scope(session, actor, campaign_id)
    area = session.get(Jurisdiction, campaign.area_code)
    if area is None:
        raise Inconsistent("area is not None")
    # area-wide testing under the 21 Nov rules: no list after it stopped, nor in the wait before its final round
    found = progress_of(session, campaign, policy=policy) if policy is not None else None
    n = round_on(campaign, on, found)
    if n is None:
        return SamplingList(campaign_id=campaign.id, on=on, round=None, items=[], total=0, offset=offset, limit=limit)
    root = area.path if actor.covers(area.path) else actor.jurisdiction_path
    stmt = (
        select(Person)
        .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root), Jurisdiction.path.startswith(actor.jurisdiction_path))
    )
    if campaign.scope == CampaignScope.risk_posts_and_key_persons.value:
        stmt = stmt.where(
            Person.id.in_(
                select(ManagementOrder.person_id).where(
                    ManagementOrder.status == OrderStatus.active,
                    ManagementOrder.start <= on,
                    ManagementOrder.released_on > on,
                )
            )
        )
    rows, total = page_of(
        session,
        stmt.order_by(Person.jurisdiction_code, Person.building, Person.unit, Person.id),
        offset=offset,
        limit=limit,
    )
    items = [
        SamplingItem(
            person_id=p.id,
            name=p.name,
            jurisdiction_code=p.jurisdiction_code,
            address=p.address,
            building=p.building,
            unit=p.unit,
        )
        for p in rows
    ]
    return SamplingList(campaign_id=campaign.id, on=on, round=n, items=items, total=total, offset=offset, limit=limit)


class RoundRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: Day
    community_infections: int = Field(
        ge=0, le=1_000_000, description="infections found outside isolation, monitoring and closed loops (社会面)"
    )


class RoundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    on: date
    community_infections: int
    recorded_by: str


class ProgressRead(BaseModel):
    campaign_id: int
    step: CampaignStep
    next_round_on: date | None
    stopped_on: date | None
    clean_in_a_row: int
    rounds: list[RoundRead]
    reasons: list[Reason]


def rounds_held(session: Session, campaign: Campaign) -> list[CampaignRoundHeld]:
    return list(
        session.scalars(
            select(CampaignRoundHeld).where(CampaignRoundHeld.campaign_id == campaign.id).order_by(CampaignRoundHeld.on)
        )
    )


def progress_of(session: Session, campaign: Campaign, *, policy: Policy) -> CampaignProgress | None:
    """Where an area-wide campaign stands (None: not area-wide), under the rules in force on its first day — those
    it was approved under (register campaign-rules-of-start): one started before 21 Nov runs as planned."""
    if campaign.scope != CampaignScope.all_residents.value:
        return None
    held = [CampaignRound(on=r.on, community_infections=r.community_infections) for r in rounds_held(session, campaign)]
    return campaign_progress(
        campaign.start_on, held, outbreak_area=campaign.outbreak, policy=policy.at(campaign.start_on)
    )


def progress(session: Session, actor: Actor, campaign_id: int, *, policy: Policy) -> ProgressRead:
    campaign = campaign_in_scope(session, actor, campaign_id)
    found = progress_of(session, campaign, policy=policy)
    if found is None:
        raise InvalidInput("campaign_id", f"campaign {campaign_id} tests risk posts and key persons, not everyone")
    return ProgressRead(
        campaign_id=campaign.id,
        step=found.step,
        next_round_on=found.next_round_on,
        stopped_on=found.stopped_on,
        clean_in_a_row=found.clean_in_a_row,
        rounds=[RoundRead.model_validate(r) for r in rounds_held(session, campaign)],
        reasons=list(found.reasons),
    )


def record_round(
    session: Session, actor: Actor, campaign_id: int, data: RoundRecord, *, today: date, policy: Policy
) -> ProgressRead:
    """Record a round of an area-wide campaign held and what it found; answers where the campaign now stands
    (its next round, its final round, or that it stopped — `rules.testing_campaign.campaign_progress`)."""
    actor.require(Permission.manage_areas)
    campaign = campaign_in_scope(session, actor, campaign_id)
    area = session.get(Jurisdiction, campaign.area_code)
    if area is None or not actor.covers(area.path):
        raise NotFound("campaign", campaign_id)
    before = progress_of(session, campaign, policy=policy)
    if before is None:
        raise InvalidInput("campaign_id", f"campaign {campaign_id} tests risk posts and key persons, not everyone")
    if data.on > today:
        raise InvalidInput("on", f"{data.on} is after today ({today})")
    if data.on < campaign.start_on:
        raise InvalidInput("on", f"{data.on} is before the campaign's start ({campaign.start_on})")
    held = rounds_held(session, campaign)
    if any(r.on == data.on for r in held):
        raise Conflict("on", f"a round of {data.on} is recorded for campaign {campaign_id}")
    if held and data.on < held[-1].on:
        raise InvalidInput("on", f"{data.on} is before the last round recorded ({held[-1].on})")
    if before.stopped_on is not None:
        raise Refused(before.cite[0], f"the campaign stopped on {before.stopped_on}: no more rounds")
    if round_on(campaign, data.on, before) is None:
        wait = f"; the final round is on {before.next_round_on}" if before.step is CampaignStep.final_round else ""
        raise Refused(before.cite[-1], f"{data.on} is not a round day of campaign {campaign_id}{wait}")
    session.add(
        CampaignRoundHeld(
            campaign_id=campaign.id,
            on=data.on,
            community_infections=data.community_infections,
            recorded_by=actor.username,
        )
    )
    session.flush()
    record(
        session,
        actor,
        action="record_round",
        entity="testing_campaign",
        entity_id=campaign.id,
        detail={"on": data.on.isoformat(), "community_infections": data.community_infections},
    )
    return progress(session, actor, campaign_id, policy=policy)


def campaigns_in_scope(session: Session, actor: Actor, *, limit: int = 50) -> list[tuple[Campaign, str]]:
    """The latest campaigns in or over the actor's jurisdiction, with their area's name (the console's list)."""
    rows = session.execute(
        select(Campaign, Jurisdiction.name, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.code == Campaign.area_code)
        .order_by(Campaign.id.desc())
    ).all()
    mine = [(c, name) for c, name, path in rows if actor.covers(path) or actor.jurisdiction_path.startswith(path)]
    return mine[:limit]
