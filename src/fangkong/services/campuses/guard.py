"""The over-reach guard on campuses (measures 16 and 18; n10.10 from 7 Dec 2022): closing a campus, suspending its
classes or keeping a closure on is recorded with its approval when the rules allow it, and refused — an over-reach
finding for the supervisors, nothing else changed — when they do not; a rule proposed for the off-campus (teachers,
students, staff families) that is stricter than the rules everyone else follows is reported the same way."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import Day
from fangkong.errors import InvalidInput
from fangkong.policy import Policy
from fangkong.policy.terms import CampusClosureKind, parse_term
from fangkong.rules.campuses import judge_closure, judge_off_campus_rule
from fangkong.rules.decision import Reason
from fangkong.rules.overreach import ProposedPhase
from fangkong.rules.plans import parse_category
from fangkong.services.access import Actor
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.overreach.models import FindingKind
from fangkong.services.overreach.service import record_finding
from fangkong.services.paging import page_of

from .models import Campus, CampusClosure, CampusResponse
from .service import WRITE, campus_in_scope


class Approval(BaseModel):
    """The approval record a closure needs: its reference, who approved it and on which day."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=1, max_length=100)
    approved_by: str = Field(min_length=1, max_length=100)
    approved_on: Day


class ClosureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="close_campus, suspend_classes or extend_closure")
    first_day: Day | None = Field(default=None, description="default: today (an extension: the day after the last)")
    days: int = Field(ge=1, le=366)
    approval: Approval | None = None


class ClosureOutcome(BaseModel):
    """Allowed (the closure recorded) or refused (a finding recorded, nothing else changed)."""

    allowed: bool
    field: str | None
    reasons: list[Reason]
    closure_id: int | None
    finding_id: int | None


class OffCampusRule(BaseModel):
    """A rule a locality proposes for teachers, students or staff families of a campus living off campus: the
    category they would be managed as (none: ordinary residents) and its phases."""

    model_config = ConfigDict(extra="forbid")

    category: str | None = None
    phases: list[ProposedPhase] = Field(default_factory=list, max_length=10)
    description: str = Field(default="", max_length=400)


class OffCampusOutcome(BaseModel):
    over_reach: bool
    reasons: list[Reason]
    finding_id: int | None


# ---- the over-reach guard -----------------------------------------------------------------------------------


def _has_outbreak(session: Session, campus: Campus) -> bool:
    found = session.scalar(
        select(CampusResponse.id).where(CampusResponse.campus_id == campus.id, CampusResponse.status == "open")
    )
    return found is not None


def request_closure(
    session: Session, actor: Actor, campus_id: int, data: ClosureRequest, *, now: datetime, policy: Policy
) -> ClosureOutcome:
    """Judge a closure of a campus (m20.16, m20.18, n10.10): allowed, it is recorded with its approval and the
    campus is closed to its last day; refused, an over-reach finding is recorded and nothing else changes."""
    actor.require(WRITE)
    campus = campus_in_scope(session, actor, campus_id)
    kind = parse_term(CampusClosureKind, data.kind, "kind")
    today = local_day(now)
    first = data.first_day
    if kind is CampusClosureKind.extend_closure:
        if campus.closed_until is None or campus.closed_until < today:
            raise InvalidInput("kind", f"campus {campus.id} is not closed: there is no closure to extend")
        first = first or campus.closed_until + timedelta(days=1)
    first = first or today
    if first < today:
        raise InvalidInput("first_day", f"{first.isoformat()} is before today")
    if data.approval is not None and data.approval.approved_on > today:
        raise InvalidInput("approval.approved_on", f"{data.approval.approved_on.isoformat()} is after today")
    rules = policy.at(first)
    verdict = judge_closure(
        kind, data.days, approved=data.approval is not None, outbreak=_has_outbreak(session, campus), policy=rules
    )
    if not verdict.allowed:
        finding = record_finding(
            session,
            actor,
            on=first,
            jurisdiction_code=campus.jurisdiction_code,
            kind=FindingKind.campus_closure,
            subject=f"{kind.value.replace('_', ' ')} of {campus.name} for {data.days} days",
            verdict="over_reach",
            reasons=verdict.reasons,
            detail={"campus": campus.id, "kind": kind.value, "days": data.days, "field": verdict.field},
        )
        return ClosureOutcome(
            allowed=False, field=verdict.field, reasons=list(verdict.reasons), closure_id=None, finding_id=finding.id
        )
    approval = data.approval
    last = first + timedelta(days=data.days - 1)
    closure = CampusClosure(
        campus_id=campus.id,
        kind=kind.value,
        first_day=first,
        last_day=last,
        approval_ref=approval.reference.strip() if approval else "",
        approved_by=approval.approved_by.strip() if approval else "",
        approved_on=approval.approved_on if approval else today,
        policy=rules.version,
        reasons=[r.model_dump() for r in verdict.reasons],
        recorded_by=actor.username,
    )
    session.add(closure)
    campus.closed_until = max(last, campus.closed_until or last)
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="campus",
        entity_id=campus.id,
        detail={"closure": closure.id, "kind": kind.value, "until": last.isoformat()},
    )
    return ClosureOutcome(
        allowed=True, field=None, reasons=list(verdict.reasons), closure_id=closure.id, finding_id=None
    )


def list_closures(
    session: Session, actor: Actor, campus_id: int, *, offset: int = 0, limit: int = 50
) -> tuple[list[CampusClosure], int]:
    """A campus's approved closures with their approval records, the earliest first."""
    campus = campus_in_scope(session, actor, campus_id)
    stmt = select(CampusClosure).where(CampusClosure.campus_id == campus.id)
    return page_of(session, stmt.order_by(CampusClosure.first_day, CampusClosure.id), offset=offset, limit=limit)


def check_off_campus_rule(
    session: Session, actor: Actor, campus_id: int, data: OffCampusRule, *, now: datetime, policy: Policy
) -> OffCampusOutcome:
    """Compare a rule proposed for a campus's off-campus teachers, students or families with the rule everyone else
    follows (m20.18); a stricter one is reported: an over-reach finding for the supervisors."""
    actor.require(WRITE)
    campus = campus_in_scope(session, actor, campus_id)
    category = parse_category(data.category) if data.category else None
    today = local_day(now)
    verdict = judge_off_campus_rule(category, data.phases, policy.at(today))
    finding = None
    if verdict.over_reach:
        finding = record_finding(
            session,
            actor,
            on=today,
            jurisdiction_code=campus.jurisdiction_code,
            kind=FindingKind.campus_off_campus,
            subject=f"{campus.name}: {data.description or 'a rule for the off-campus'}",
            verdict="over_reach",
            reasons=verdict.reasons,
            detail={"campus": campus.id, **data.model_dump(mode="json", exclude_defaults=True)},
        )
    return OffCampusOutcome(
        over_reach=verdict.over_reach, reasons=list(verdict.reasons), finding_id=finding.id if finding else None
    )
