"""The needs list of people under closure as a service (measure 17, with 16): raise, assign, complete and refuse needs,
escalate late ones, and keep the receiving points and hotline records.

A need is a task for one person (their household at an address) with a deadline by urgency (rules.closure_needs).
A medical need may not be refused (首诊负责制): a refusal is recorded and the need goes back to the queue; one that
cites the person's health code or area is also an over-reach finding for measure 16's report. Every read that names a
person is audited; nothing is stored when a field is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import Moment, StoreId
from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.policy import Policy
from fangkong.policy.terms import AreaLevel, NeedKind, NeedStatus, RefusalGround, Urgency, parse_term
from fangkong.rules.closure_needs import CLOSED, escalation, first_diagnosis_refusal, need_deadline
from fangkong.rules.decision import Reason
from fangkong.services.access import Actor, Permission, Role
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.escalation import escalate_rows
from fangkong.services.health_codes.facts import areas_in_force, residents_of
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import jurisdiction_in_scope, scope_root
from fangkong.services.overreach.models import FindingKind, OverreachFinding
from fangkong.services.overreach.service import record_finding
from fangkong.services.paging import page_of
from fangkong.services.persons.models import Person
from fangkong.services.users.models import User

from .models import ClosureNeed, HotlineRecord, NeedEscalation, ReceivingPoint

OPEN = (NeedStatus.open, NeedStatus.assigned)


class NeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: StoreId | None = Field(default=None, description="the person the need is for (required)")
    kind: str = Field(
        description="medicine, dialysis, chemotherapy, prenatal_check, emergency, food, counselling, other"
    )
    urgency: str | None = Field(default=None, description="emergency, urgent or routine; the kind's default if absent")
    deadline: Moment | None = Field(default=None, description="an earlier deadline than the urgency's")
    address: str | None = Field(
        default=None, max_length=400, description="where to deliver; the person's home if absent"
    )
    detail: str | None = Field(default=None, max_length=2000)


class NeedAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: str = Field(min_length=1, max_length=100, description="the username of the worker it is routed to")


class NeedDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=2000)


class NeedRefuse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ground: str = Field(description="health_code, risk_area, declined_by_person, no_capacity or other")
    reason: str = Field(min_length=1, max_length=2000, description="what the refusal said")


class NeedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    jurisdiction_code: str
    address: str
    kind: str
    urgency: str
    detail: str | None
    raised_at: datetime
    raised_by: str
    deadline: datetime
    reasons: list[Reason]
    status: str
    assignee: str | None
    assigned_at: datetime | None
    done_at: datetime | None
    refusal_ground: str | None
    refusal_reason: str | None
    refused_at: datetime | None
    refusals: int
    escalation_level: int


class RefusalRead(BaseModel):
    need: NeedRead
    medical: bool
    over_reach: bool
    reasons: list[Reason]
    finding_id: int | None


class EscalationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    need_id: int
    level: int
    to_jurisdiction_code: str
    at: datetime
    by: str
    reasons: list[Reason]


class ReceivingPointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=400)
    jurisdiction_code: str = Field(min_length=1, max_length=32)
    hours: str = Field(min_length=1, max_length=100, description="when it receives, e.g. 08:00-20:00")


class ReceivingPointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    address: str
    jurisdiction_code: str
    hours: str
    created_at: datetime
    created_by: str


class HotlineCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jurisdiction_code: str = Field(min_length=1, max_length=32)
    caller_phone: str = Field(min_length=3, max_length=32)
    called_at: Moment
    summary: str = Field(min_length=1, max_length=4000)
    need_id: StoreId | None = Field(default=None, description="the need the call was about, if already on the list")
    raises: NeedCreate | None = Field(
        default=None, description="a need the call raises (its deadline runs from the call)"
    )


class HotlineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    jurisdiction_code: str
    caller_phone: str
    called_at: datetime
    summary: str
    need_id: int | None
    recorded_by: str


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _person(session: Session, actor: Actor, person_id: int | None) -> Person:
    if person_id is None:
        raise InvalidInput("person_id", "a need names the person it is for")
    person = session.get(Person, person_id)
    j = session.get(Jurisdiction, person.jurisdiction_code) if person is not None else None
    if person is None or j is None or not actor.covers(j.path):
        raise InvalidInput("person_id", f"unknown person {person_id}")  # outside the scope: not revealed
    return person


def raise_need(session: Session, actor: Actor, data: NeedCreate, *, now: datetime, policy: Policy) -> ClosureNeed:
    """Put a person's need on the list with its urgency and deadline (measure 17, rules.closure_needs). Refused,
    naming the field, without a person or with one outside the actor's scope, with an unknown kind or urgency, or
    with a deadline not after now or later than the urgency's."""
    actor.require(Permission.write_persons)
    person = _person(session, actor, data.person_id)
    decision = need_deadline(data.kind, data.urgency, now, policy.at(local_day(now)), requested=data.deadline)
    j = session.get(Jurisdiction, person.jurisdiction_code)
    need = ClosureNeed(
        person_id=person.id,
        jurisdiction_code=person.jurisdiction_code,
        jurisdiction_path=j.path if j is not None else f"/{person.jurisdiction_code}/",
        address=_text(data.address) or person.address,
        kind=decision.kind.value,
        urgency=decision.urgency.value,
        detail=_text(data.detail),
        raised_at=now,
        raised_by=actor.username,
        deadline=decision.deadline,
        reasons=[r.model_dump() for r in decision.reasons],
        status=NeedStatus.open.value,
        refusals=0,
        escalation_level=0,
    )
    session.add(need)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="person",
        entity_id=person.id,
        detail={"need": need.id, "kind": need.kind},
    )
    return need


def need_in_scope(session: Session, actor: Actor, need_id: int) -> ClosureNeed:
    """A need of a person in the actor's subtree; any other is not found."""
    actor.require(Permission.read_persons)
    need = session.get(ClosureNeed, need_id)
    if need is None or not actor.covers(need.jurisdiction_path):
        raise NotFound("need", need_id)
    return need


def _open_need(session: Session, actor: Actor, need_id: int) -> ClosureNeed:
    actor.require(Permission.write_persons)
    need = need_in_scope(session, actor, need_id)
    if need.status not in OPEN:
        raise Conflict(
            "status", f"need {need.id} is met, refused or withdrawn: only an open or assigned need can change"
        )
    return need


def assign_need(session: Session, actor: Actor, need_id: int, data: NeedAssign, *, now: datetime) -> ClosureNeed:
    """Route a need to a worker (an active user whose jurisdiction covers the need's)."""
    need = _open_need(session, actor, need_id)
    user = session.scalar(select(User).where(User.username == data.assignee.strip()))
    home = session.get(Jurisdiction, user.jurisdiction_code) if user is not None else None
    if user is None or not user.active or home is None or not need.jurisdiction_path.startswith(home.path):
        raise InvalidInput("assignee", f"{data.assignee!r} is not an active user serving the person's jurisdiction")
    need.assignee, need.assigned_at, need.status = user.username, now, NeedStatus.assigned.value
    session.flush()
    record(session, actor, action="update", entity="person", entity_id=need.person_id, detail={"need": need.id})
    return need


def complete_need(session: Session, actor: Actor, need_id: int, data: NeedDone, *, now: datetime) -> ClosureNeed:
    """Mark a need met."""
    need = _open_need(session, actor, need_id)
    need.status, need.done_at, need.done_note = NeedStatus.done.value, now, _text(data.note)
    session.flush()
    record(session, actor, action="update", entity="person", entity_id=need.person_id, detail={"need": need.id})
    return need


def cancel_need(session: Session, actor: Actor, need_id: int, *, now: datetime) -> ClosureNeed:
    """Withdraw a need raised in error or no longer wanted."""
    need = _open_need(session, actor, need_id)
    need.status, need.done_at = NeedStatus.cancelled.value, now
    session.flush()
    record(session, actor, action="update", entity="person", entity_id=need.person_id, detail={"need": need.id})
    return need


def in_high_risk_area(session: Session, person_id: int, now: datetime) -> bool:
    """Whether the person's home lies in an area at high risk today (as the health codes read the areas)."""
    high = [code for code, _, level, _ in areas_in_force(session, local_day(now)) if level == AreaLevel.high.value]
    return person_id in residents_of(session, high)


def refuse_need(
    session: Session, actor: Actor, need_id: int, data: NeedRefuse, *, now: datetime, policy: Policy
) -> RefusalRead:
    """Record a refusal of a need (measure 17, rules.closure_needs.first_diagnosis_refusal). A medical need goes back
    to the queue (unassigned) to be routed again; one refused because of the person's health code or area is also
    recorded as over-reach for measure 16's report. Any other need is closed as refused."""
    need = _open_need(session, actor, need_id)
    ground = parse_term(RefusalGround, data.ground, "ground")
    reason = _text(data.reason)
    if reason is None:
        raise InvalidInput("reason", "say what the refusal said")
    code = session.get(HealthCode, need.person_id)
    on = local_day(now)
    verdict = first_diagnosis_refusal(
        need.kind, ground, code.colour if code else None, in_high_risk_area(session, need.person_id, now), policy.at(on)
    )
    need.refusal_ground, need.refusal_reason = ground.value, reason
    need.refused_at, need.refused_by, need.refusals = now, actor.username, need.refusals + 1
    if verdict.medical:
        need.status, need.assignee, need.assigned_at = NeedStatus.open.value, None, None
    else:
        need.status = NeedStatus.refused.value
    finding = None
    if verdict.over_reach:
        finding = record_finding(
            session,
            actor,
            on=on,
            jurisdiction_code=need.jurisdiction_code,
            kind=FindingKind.refused_care,
            subject=f"{need.kind} need {need.id} refused: {reason}",
            verdict="over_reach",
            reasons=verdict.reasons,
            detail={"need": need.id, "kind": need.kind, "ground": ground.value},
        )
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=need.person_id,
        detail={"need": need.id, "refused": ground.value, "over_reach": verdict.over_reach},
    )
    return RefusalRead(
        need=NeedRead.model_validate(need),
        medical=verdict.medical,
        over_reach=verdict.over_reach,
        reasons=list(verdict.reasons),
        finding_id=finding.id if finding is not None else None,
    )


def escalate_late(session: Session, actor: Actor, *, now: datetime, policy: Policy) -> list[NeedEscalation]:
    """Escalate every late need in the actor's subtree (measure 17; closure-escalation): one level above the person's
    jurisdiction at the deadline, two levels above later; each level once, however often the job runs."""
    actor.require(Permission.write_persons)
    rules = policy.at(local_day(now))
    late = session.scalars(
        select(ClosureNeed)
        .where(
            ClosureNeed.jurisdiction_path.startswith(actor.jurisdiction_path),
            ClosureNeed.status.in_([s.value for s in OPEN]),
            ClosureNeed.deadline <= now,
        )
        .order_by(ClosureNeed.deadline, ClosureNeed.id)
    ).all()

    # the trail is the person's: a need is part of their record
    def audit(need: ClosureNeed, made: NeedEscalation) -> tuple[str, int, dict[str, Any]]:
        return (
            "person",
            need.person_id,
            {"need": made.need_id, "escalated": made.level, "to": made.to_jurisdiction_code},
        )

    return escalate_rows(
        session, actor, late, rule=escalation, rules=rules, now=now, step=NeedEscalation, owner="need_id", audit=audit
    )


NEED_SORTS = ("deadline", "-deadline", "raised_at", "-raised_at")


def list_needs(
    session: Session,
    actor: Actor,
    *,
    now: datetime,
    status: str | None = None,
    kind: str | None = None,
    urgency: str | None = None,
    jurisdiction_code: str | None = None,
    overdue: bool | None = None,
    person_id: int | None = None,
    still_open: bool = False,
    offset: int = 0,
    limit: int = 50,
    reason: str | None = None,
) -> tuple[list[ClosureNeed], int]:
    """Needs of people in the actor's subtree (or a jurisdiction inside it), earliest deadline first; each listed
    need is noted in its person's trail. `status` keeps one state, `still_open` the open and assigned ones (still to
    be met); `overdue` keeps those still to be met whose deadline has passed (or, false, those not yet due)."""
    actor.require(Permission.read_persons)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = select(ClosureNeed).where(ClosureNeed.jurisdiction_path.startswith(root))
    if status is not None:
        stmt = stmt.where(ClosureNeed.status == parse_term(NeedStatus, status, "status").value)
    if still_open:
        stmt = stmt.where(ClosureNeed.status.in_([s.value for s in OPEN]))
    if kind is not None:
        stmt = stmt.where(ClosureNeed.kind == parse_term(NeedKind, kind, "kind").value)
    if urgency is not None:
        stmt = stmt.where(ClosureNeed.urgency == parse_term(Urgency, urgency, "urgency").value)
    if person_id is not None:
        stmt = stmt.where(ClosureNeed.person_id == person_id)
    if overdue is not None:
        still = ClosureNeed.status.in_([s.value for s in OPEN])
        stmt = stmt.where(still, ClosureNeed.deadline <= now) if overdue else stmt.where(ClosureNeed.deadline > now)
    rows, total = page_of(session, stmt.order_by(ClosureNeed.deadline, ClosureNeed.id), offset=offset, limit=limit)
    for need in rows:
        record(
            session,
            actor,
            action="listed",
            entity="person",
            entity_id=need.person_id,
            reason=reason,
            detail={"need": need.id},
        )
    return rows, total


def is_overdue(need: ClosureNeed, now: datetime) -> bool:
    """Still to be met and past its deadline."""
    return NeedStatus(need.status) not in CLOSED and need.deadline <= now


def list_escalations(
    session: Session, actor: Actor, need_id: int, *, offset: int = 0, limit: int = 50, reason: str | None = None
) -> tuple[list[NeedEscalation], int]:
    """A need's escalations up the jurisdiction tree, first first; the read is noted in the person's trail."""
    need = need_in_scope(session, actor, need_id)
    record(session, actor, action="read", entity="person", entity_id=need.person_id, reason=reason)
    stmt = select(NeedEscalation).where(NeedEscalation.need_id == need.id).order_by(NeedEscalation.level)
    return page_of(session, stmt, offset=offset, limit=limit)


# ---- receiving points and the hotline ---------------------------------------------------------------------------


def create_receiving_point(
    session: Session, actor: Actor, data: ReceivingPointCreate, *, now: datetime
) -> ReceivingPoint:
    """A community's fixed receiving point for deliveries (measure 17: 划定社区固定接收点)."""
    actor.require(Permission.write_persons)
    jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    name, address, hours = _text(data.name), _text(data.address), _text(data.hours)
    for field, value in (("name", name), ("address", address), ("hours", hours)):
        if value is None:
            raise InvalidInput(field, "must not be blank")
    point = ReceivingPoint(
        name=name,
        address=address,
        jurisdiction_code=data.jurisdiction_code,
        hours=hours,
        created_at=now,
        created_by=actor.username,
    )
    session.add(point)
    session.flush()
    return point


def list_receiving_points(
    session: Session, actor: Actor, *, jurisdiction_code: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[ReceivingPoint], int]:
    """Receiving points in the actor's subtree, by jurisdiction then name (no personal data: not audited)."""
    actor.require(Permission.read_persons)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(ReceivingPoint)
        .join(Jurisdiction, Jurisdiction.code == ReceivingPoint.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root))
        .order_by(ReceivingPoint.jurisdiction_code, ReceivingPoint.name, ReceivingPoint.id)
    )
    return page_of(session, stmt, offset=offset, limit=limit)


def record_call(session: Session, actor: Actor, data: HotlineCreate, *, now: datetime, policy: Policy) -> HotlineRecord:
    """A call to the community's hotline (measure 17: 直通热线) and the need it was about (one on the list, of a person
    in the same jurisdiction's subtree) or the need it raises (`raises`, due from the call's time). Nothing is stored
    when a field is refused; a field of the need raised is named under `raises.`."""
    actor.require(Permission.write_persons)
    j = jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    if data.called_at > now:
        raise InvalidInput("called_at", f"{data.called_at.isoformat()} is in the future: record a call made")
    summary = _text(data.summary)
    if summary is None:
        raise InvalidInput("summary", "must not be blank")
    if data.need_id is not None and data.raises is not None:
        raise InvalidInput("raises", "give the need the call was about or the need it raises, not both")
    linked: ClosureNeed | None = None
    if data.need_id is not None:
        linked = session.get(ClosureNeed, data.need_id)
        if (
            linked is None
            or not actor.covers(linked.jurisdiction_path)
            or not linked.jurisdiction_path.startswith(j.path)
        ):
            raise InvalidInput("need_id", f"unknown need {data.need_id} in this jurisdiction")
    elif data.raises is not None:
        try:
            linked = raise_need(session, actor, data.raises, now=data.called_at, policy=policy)
        except InvalidInput as exc:
            raise InvalidInput(f"raises.{exc.field}", exc.message) from None
        if not linked.jurisdiction_path.startswith(j.path):
            raise InvalidInput("raises.person_id", f"unknown person {data.raises.person_id}")
    call = HotlineRecord(
        jurisdiction_code=j.code,
        caller_phone=data.caller_phone.strip(),
        called_at=data.called_at,
        summary=summary,
        need_id=linked.id if linked is not None else None,
        recorded_by=actor.username,
    )
    session.add(call)
    session.flush()
    if linked is not None:
        record(session, actor, action="create", entity="person", entity_id=linked.person_id, detail={"call": call.id})
    return call


def list_calls(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None = None,
    offset: int = 0,
    limit: int = 50,
    reason: str | None = None,
) -> tuple[list[HotlineRecord], int]:
    """Hotline records in the actor's subtree, newest first; a caller's phone is personal data, so the read is
    audited (in the person's trail when the call raised a need, else under the route)."""
    actor.require(Permission.read_persons)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(HotlineRecord)
        .join(Jurisdiction, Jurisdiction.code == HotlineRecord.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root))
        .order_by(HotlineRecord.called_at.desc(), HotlineRecord.id.desc())
    )
    rows, total = page_of(session, stmt, offset=offset, limit=limit)
    people = {
        n.id: n.person_id
        for n in session.scalars(select(ClosureNeed).where(ClosureNeed.id.in_([c.need_id for c in rows if c.need_id])))
    }
    unlinked = []
    for call in rows:
        if call.need_id is not None and call.need_id in people:
            record(
                session,
                actor,
                action="listed",
                entity="person",
                entity_id=people[call.need_id],
                reason=reason,
                detail={"call": call.id},
            )
        else:
            unlinked.append(call.id)
    if unlinked:  # a caller's phone with no person on record: the read is kept under the route
        record(
            session,
            actor,
            action="listed",
            entity="route",
            entity_id="hotline",
            reason=reason,
            detail={"calls": unlinked},
        )
    return rows, total


# ---- what the console needs beside the API (issue 19: the needs queue worked from the console) ------------------


def read_need(session: Session, actor: Actor, need_id: int, *, reason: str | None = None) -> ClosureNeed:
    """One need of a person in the actor's subtree, the read noted in the person's trail (measure 17)."""
    need = need_in_scope(session, actor, need_id)
    record(session, actor, action="read", entity="person", entity_id=need.person_id, reason=reason)
    return need


def workers_for(session: Session, need: ClosureNeed) -> list[User]:
    """The active staff a need may be routed to (`assign_need` accepts them): those whose jurisdiction covers the
    person's and whose role may act on a need, by username."""
    rows = session.execute(
        select(User, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.code == User.jurisdiction_code)
        .where(User.active.is_(True))
        .order_by(User.username)
    ).all()
    return [
        user
        for user, path in rows
        if need.jurisdiction_path.startswith(path)
        and Actor(user.username, Role(user.role), path).may(Permission.write_persons)
    ]


def refusal_findings(session: Session, need: ClosureNeed) -> list[OverreachFinding]:
    """The over-reach findings recorded against a need's refusals (m20.16, m20.17), first first."""
    return list(
        session.scalars(
            select(OverreachFinding)
            .where(
                OverreachFinding.kind == FindingKind.refused_care.value,
                OverreachFinding.jurisdiction_code == need.jurisdiction_code,
                OverreachFinding.subject.startswith(f"{need.kind} need {need.id} refused", autoescape=True),
            )
            .order_by(OverreachFinding.id)
        )
    )


def list_all_escalations(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None = None,
    offset: int = 0,
    limit: int = 50,
    reason: str | None = None,
) -> tuple[list[tuple[NeedEscalation, ClosureNeed]], int]:
    """Every escalation of a need in the actor's subtree (or a jurisdiction inside it), newest first, with its need
    (measure 17, closure-escalation); each listed need is noted in its person's trail."""
    actor.require(Permission.read_persons)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(NeedEscalation)
        .join(ClosureNeed, ClosureNeed.id == NeedEscalation.need_id)
        .where(ClosureNeed.jurisdiction_path.startswith(root))
        .order_by(NeedEscalation.at.desc(), NeedEscalation.id.desc())
    )
    steps, total = page_of(session, stmt, offset=offset, limit=limit)
    wanted = {step.need_id for step in steps}
    needs = {n.id: n for n in session.scalars(select(ClosureNeed).where(ClosureNeed.id.in_(wanted)))}
    rows = [(step, needs[step.need_id]) for step in steps]
    for step, need in rows:
        record(
            session,
            actor,
            action="listed",
            entity="person",
            entity_id=need.person_id,
            reason=reason,
            detail={"need": need.id, "escalation": step.id},
        )
    return rows, total
