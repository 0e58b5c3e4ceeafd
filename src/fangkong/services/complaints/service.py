"""Complaints and clues as a service (接诉即办; measure 18, with measure 16): receive a complaint or hotline call, route
it to the responsible jurisdiction and department with a response deadline by urgency, escalate it when late, answer
it and close it only with feedback to the complainant; a clue of over-reach becomes an over-reach finding for the
supervisor; a rectified typical case is published on the public page without personal data.

The complainant's name, phone and ID number are personal data: lists mask them and every read is audited. Nothing is
stored when a field is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import Moment
from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.policy import Policy, PolicyAt, repealed
from fangkong.policy.terms import AreaLevel, Urgency, parse_term
from fangkong.rules.complaints import (
    DEFAULT_DEPARTMENT,
    Channel,
    ComplainantKind,
    ComplaintCategory,
    ComplaintStatus,
    Department,
    escalation,
    judge_clue,
    personal_data_in,
    response_deadline,
)
from fangkong.rules.decision import Reason
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.escalation import escalate_rows
from fangkong.services.health_codes.facts import areas_in_force
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import jurisdiction_in_scope, scope_root
from fangkong.services.overreach.models import FindingKind, OverreachFinding
from fangkong.services.overreach.service import record_finding
from fangkong.services.paging import page_of
from fangkong.services.persons.schemas import mask_document, mask_phone

from .models import Complaint, ComplaintCase, ComplaintEscalation

# ---- what the API takes and answers ----------------------------------------------------------------------------


class ComplaintCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field(default="hotline", description="hotline, platform or walk_in")
    complainant_kind: str = Field(default="resident", description="resident, teacher, student, enterprise or other")
    complainant_name: str | None = Field(default=None, max_length=100)
    complainant_phone: str | None = Field(default=None, max_length=32)
    complainant_id_number: str | None = Field(default=None, max_length=32)
    category: str = Field(
        default="general",
        description="general, sealed_building, refused_medical_visit, closed_school or stopped_enterprise",
    )
    content: str | None = Field(default=None, max_length=4000, description="what happened (required)")
    place: str | None = Field(default=None, max_length=400, description="where it happened")
    affected: str | None = Field(default=None, max_length=400, description="who is affected")
    jurisdiction_code: str = Field(min_length=1, max_length=32, description="the responsible jurisdiction")
    department: str | None = Field(
        default=None, description="command_centre, health, education, industry or community; the category's if absent"
    )
    urgency: str | None = Field(default=None, description="emergency, urgent or routine; the category's if absent")
    received_at: Moment | None = Field(default=None, description="when the call or complaint came in; now if absent")
    deadline: Moment | None = Field(default=None, description="an earlier response deadline than the urgency's")


class ComplaintRoute(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jurisdiction_code: str = Field(min_length=1, max_length=32)
    department: str = Field(description="command_centre, health, education, industry or community")


class ComplaintAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str | None = Field(default=None, max_length=4000, description="what the department found and did")


class ComplaintClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feedback: str | None = Field(
        default=None, max_length=4000, description="what the complainant was told (required to close)"
    )
    rectification: str | None = Field(default=None, max_length=4000, description="what was put right, if anything")


class ComplaintRead(BaseModel):
    """A complaint; the complainant's details masked unless the reader may see identifiers and asked for one."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    channel: str
    complainant_kind: str
    complainant_name: str | None
    complainant_phone: str | None
    complainant_id_number: str | None
    category: str
    content: str
    place: str | None
    affected: str | None
    jurisdiction_code: str
    department: str
    urgency: str
    received_at: datetime
    received_by: str
    deadline: datetime
    reasons: list[Reason]
    status: str
    answer: str | None
    answered_at: datetime | None
    feedback: str | None
    rectification: str | None
    closed_at: datetime | None
    escalation_level: int
    finding_id: int | None
    overdue: bool = False
    masked: bool = True


class ComplaintEscalationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    complaint_id: int
    level: int
    to_jurisdiction_code: str
    at: datetime
    by: str
    reasons: list[Reason]


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=200)
    summary: str | None = Field(default=None, max_length=4000, description="what happened, without personal data")
    rectification: str | None = Field(
        default=None, max_length=4000, description="how it was put right; the complaint's if absent"
    )


class CaseRead(BaseModel):
    """A published typical case: no personal data in it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    jurisdiction_code: str
    category: str
    title: str
    summary: str
    rectification: str
    clause: str | None
    published_at: datetime


# ---- helpers --------------------------------------------------------------------------------------------------


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def mask_name(name: str | None) -> str | None:
    """The family name kept, the rest starred (张** for 张三丰; J*** for John)."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def is_overdue(c: Complaint, now: datetime) -> bool:
    return c.status == ComplaintStatus.open.value and c.deadline <= now


def to_read(c: Complaint, *, now: datetime, unmasked: bool = False) -> ComplaintRead:
    """The complaint as answered: its complainant masked unless `unmasked`."""
    read = ComplaintRead.model_validate(c)
    read.overdue = is_overdue(c, now)
    read.masked = not unmasked
    if not unmasked:
        read.complainant_name = mask_name(c.complainant_name)
        read.complainant_phone = mask_phone(c.complainant_phone)
        read.complainant_id_number = mask_document(c.complainant_id_number) if c.complainant_id_number else None
    return read


def _in_high_risk_area(session: Session, path: str, now: datetime) -> bool:
    """Whether the jurisdiction at `path` lies inside an area at high risk in force today."""
    return any(
        path.startswith(area_path)
        for _, area_path, level, _ in areas_in_force(session, local_day(now))
        if level == AreaLevel.high.value
    )


def _clue_finding(
    session: Session, actor: Actor, c: Complaint, *, now: datetime, rules: PolicyAt
) -> OverreachFinding | None:
    """A clue of over-reach recorded as a finding for the supervisor (measure 16; complaints-clues)."""
    verdict = judge_clue(c.category, _in_high_risk_area(session, c.jurisdiction_path, now), rules)
    if not verdict.over_reach:
        return None
    where = f" at {c.place}" if c.place else ""
    return record_finding(
        session,
        actor,
        on=local_day(now),
        jurisdiction_code=c.jurisdiction_code,
        kind=FindingKind.complaint_clue,
        subject=f"complaint {c.id}: {c.category}{where}",
        verdict="over_reach",
        reasons=verdict.reasons,
        detail={"complaint": c.id, "category": c.category},
    )


# ---- intake, routing, answer, closing ---------------------------------------------------------------------------


def receive_complaint(
    session: Session, actor: Actor, data: ComplaintCreate, *, now: datetime, policy: Policy
) -> Complaint:
    """Take in a complaint or hotline call (measure 18: 接诉即办) and route it to the responsible jurisdiction and
    department with a response deadline by urgency (rules.complaints). A clue of over-reach is also a finding for the
    supervisor (measure 16). Refused, naming the field, with no content, an unknown word, a jurisdiction outside the
    actor's scope, a receipt in the future or a deadline in the past."""
    actor.require(Permission.write_persons)
    channel = parse_term(Channel, data.channel, "channel")
    kind = parse_term(ComplainantKind, data.complainant_kind, "complainant_kind")
    category = parse_term(ComplaintCategory, data.category, "category")
    content = _text(data.content)
    if content is None:
        raise InvalidInput("content", "say what happened: a complaint with no content cannot be routed")
    department = (
        parse_term(Department, data.department, "department")
        if data.department is not None
        else DEFAULT_DEPARTMENT[category]
    )
    j = jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    received_at = data.received_at or now
    if received_at > now:
        raise InvalidInput("received_at", f"{received_at.isoformat()} is in the future: record a complaint received")
    rules = policy.at(local_day(now))
    decision = response_deadline(category, data.urgency, received_at, now, rules, requested=data.deadline)
    c = Complaint(
        channel=channel.value,
        complainant_kind=kind.value,
        complainant_name=_text(data.complainant_name),
        complainant_phone=_text(data.complainant_phone),
        complainant_id_number=_text(data.complainant_id_number),
        category=category.value,
        content=content,
        place=_text(data.place),
        affected=_text(data.affected),
        jurisdiction_code=j.code,
        jurisdiction_path=j.path,
        department=department.value,
        urgency=decision.urgency.value,
        received_at=received_at,
        received_by=actor.username,
        deadline=decision.deadline,
        reasons=[r.model_dump() for r in decision.reasons],
        status=ComplaintStatus.open.value,
        escalation_level=0,
    )
    session.add(c)
    session.flush()
    finding = _clue_finding(session, actor, c, now=now, rules=rules)
    if finding is not None:
        c.finding_id = finding.id
        session.flush()
    record(session, actor, action="create", entity="complaint", entity_id=c.id, detail={"category": c.category})
    return c


def complaint_in_scope(session: Session, actor: Actor, complaint_id: int) -> Complaint:
    """A complaint routed inside the actor's subtree; any other is not found."""
    actor.require(Permission.read_persons)
    c = session.get(Complaint, complaint_id)
    if c is None or not actor.covers(c.jurisdiction_path):
        raise NotFound("complaint", complaint_id)
    return c


def read_complaint(
    session: Session, actor: Actor, complaint_id: int, *, reason: str | None = None
) -> tuple[Complaint, bool]:
    """One complaint, the read audited; the complainant unmasked for a reader who may see identifiers."""
    c = complaint_in_scope(session, actor, complaint_id)
    unmasked = actor.may(Permission.see_identifiers)
    record(session, actor, action="read", entity="complaint", entity_id=c.id, reason=reason)
    return c, unmasked


def _open(session: Session, actor: Actor, complaint_id: int, *allowed: ComplaintStatus) -> Complaint:
    actor.require(Permission.write_persons)
    c = complaint_in_scope(session, actor, complaint_id)
    if c.status not in {s.value for s in allowed}:
        raise Conflict("status", f"complaint {c.id} is {c.status}: this step is not open to it")
    return c


def route_complaint(session: Session, actor: Actor, complaint_id: int, data: ComplaintRoute) -> Complaint:
    """Route a complaint again, to another jurisdiction (in the actor's scope) or department; its deadline stays."""
    c = _open(session, actor, complaint_id, ComplaintStatus.open)
    department = parse_term(Department, data.department, "department")
    j = jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    c.jurisdiction_code, c.jurisdiction_path, c.department = j.code, j.path, department.value
    session.flush()
    record(session, actor, action="update", entity="complaint", entity_id=c.id, detail={"routed": j.code})
    return c


def answer_complaint(
    session: Session, actor: Actor, complaint_id: int, data: ComplaintAnswer, *, now: datetime
) -> Complaint:
    """The department's answer (measure 18): what it found and did. The complaint is answered, not yet closed."""
    c = _open(session, actor, complaint_id, ComplaintStatus.open)
    answer = _text(data.answer)
    if answer is None:
        raise InvalidInput("answer", "say what was found and done")
    c.answer, c.answered_at, c.answered_by = answer, now, actor.username
    c.status = ComplaintStatus.answered.value
    session.flush()
    record(session, actor, action="update", entity="complaint", entity_id=c.id, detail={"answered": True})
    return c


def close_complaint(
    session: Session, actor: Actor, complaint_id: int, data: ComplaintClose, *, now: datetime
) -> Complaint:
    """Close a complaint, only with feedback to the person who complained (接诉即办: 事事有回音). An unanswered
    complaint is answered by its feedback."""
    c = _open(session, actor, complaint_id, ComplaintStatus.open, ComplaintStatus.answered)
    feedback = _text(data.feedback)
    if feedback is None:
        raise InvalidInput("feedback", "a complaint closes only with feedback to the person who complained")
    if c.answered_at is None:
        c.answer, c.answered_at, c.answered_by = feedback, now, actor.username
    c.feedback, c.rectification = feedback, _text(data.rectification)
    c.closed_at, c.closed_by, c.status = now, actor.username, ComplaintStatus.closed.value
    session.flush()
    record(session, actor, action="update", entity="complaint", entity_id=c.id, detail={"closed": True})
    return c


# ---- escalation ------------------------------------------------------------------------------------------------


def escalate_late(session: Session, actor: Actor, *, now: datetime, policy: Policy) -> list[ComplaintEscalation]:
    """Escalate every complaint in the actor's subtree not answered by its deadline (complaints-escalation): one level
    above its jurisdiction at the deadline, two levels above later; each level once, however often the job runs."""
    actor.require(Permission.write_persons)
    rules = policy.at(local_day(now))
    late = session.scalars(
        select(Complaint)
        .where(
            Complaint.jurisdiction_path.startswith(actor.jurisdiction_path),
            Complaint.status == ComplaintStatus.open.value,
            Complaint.deadline <= now,
        )
        .order_by(Complaint.deadline, Complaint.id)
    ).all()

    def audit(c: Complaint, made: ComplaintEscalation) -> tuple[str, int, dict[str, Any]]:
        return "complaint", made.complaint_id, {"escalated": made.level, "to": made.to_jurisdiction_code}

    return escalate_rows(
        session,
        actor,
        late,
        rule=escalation,
        rules=rules,
        now=now,
        step=ComplaintEscalation,
        owner="complaint_id",
        audit=audit,
    )


# ---- lists ----------------------------------------------------------------------------------------------------


def list_complaints(
    session: Session,
    actor: Actor,
    *,
    now: datetime,
    status: str | None = None,
    category: str | None = None,
    urgency: str | None = None,
    department: str | None = None,
    jurisdiction_code: str | None = None,
    overdue: bool | None = None,
    clues: bool | None = None,
    offset: int = 0,
    limit: int = 50,
    reason: str | None = None,
) -> tuple[list[Complaint], int]:
    """Complaints routed inside the actor's subtree (or a jurisdiction inside it), earliest deadline first; the list
    is audited (the complainants are masked in it). `overdue`: still open past the deadline (false: not yet due);
    `clues`: only the clues of over-reach (false: only the others)."""
    actor.require(Permission.read_persons)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = select(Complaint).where(Complaint.jurisdiction_path.startswith(root))
    if status is not None:
        stmt = stmt.where(Complaint.status == parse_term(ComplaintStatus, status, "status").value)
    if category is not None:
        stmt = stmt.where(Complaint.category == parse_term(ComplaintCategory, category, "category").value)
    if urgency is not None:
        stmt = stmt.where(Complaint.urgency == parse_term(Urgency, urgency, "urgency").value)
    if department is not None:
        stmt = stmt.where(Complaint.department == parse_term(Department, department, "department").value)
    if overdue is not None:
        still = Complaint.status == ComplaintStatus.open.value
        stmt = stmt.where(still, Complaint.deadline <= now) if overdue else stmt.where(Complaint.deadline > now)
    if clues is not None:
        general = ComplaintCategory.general.value
        stmt = stmt.where(Complaint.category != general if clues else Complaint.category == general)
    rows, total = page_of(session, stmt.order_by(Complaint.deadline, Complaint.id), offset=offset, limit=limit)
    if rows:
        record(
            session,
            actor,
            action="listed",
            entity="complaints",
            entity_id="list",
            reason=reason,
            detail={"complaints": [c.id for c in rows]},
        )
    return rows, total


def list_escalations(
    session: Session, actor: Actor, complaint_id: int, *, offset: int = 0, limit: int = 50, reason: str | None = None
) -> tuple[list[ComplaintEscalation], int]:
    """A complaint's escalations, first first; the read audited."""
    c = complaint_in_scope(session, actor, complaint_id)
    record(session, actor, action="read", entity="complaint", entity_id=c.id, reason=reason)
    stmt = select(ComplaintEscalation).where(ComplaintEscalation.complaint_id == c.id)
    return page_of(session, stmt.order_by(ComplaintEscalation.level), offset=offset, limit=limit)


def complaint_of_finding(session: Session, finding: OverreachFinding) -> int | None:
    """The complaint a clue finding came from (the supervisor's over-reach page links to it)."""
    if finding.kind != FindingKind.complaint_clue.value:
        return None
    found = (finding.detail or {}).get("complaint")
    return int(found) if isinstance(found, int) else None


# ---- typical cases (measure 16's public exposure) --------------------------------------------------------------


def publish_case(
    session: Session, actor: Actor, complaint_id: int, data: CaseCreate, *, now: datetime, policy: Policy
) -> ComplaintCase:
    """Publish a rectified typical case (measure 16: 通报曝光典型案例) on the public page. Only a closed complaint whose
    rectification is recorded may be published, once; refused, naming the field, when a field is blank or still holds
    the complainant's name, ID number or phone, or anything shaped like an ID number or a mobile number
    (complaints-public-cases)."""
    actor.require(Permission.read_audit)
    c = complaint_in_scope(session, actor, complaint_id)
    if c.status != ComplaintStatus.closed.value:
        raise Conflict("status", f"complaint {c.id} is {c.status}: only a closed complaint is published")
    if session.scalar(select(ComplaintCase.id).where(ComplaintCase.complaint_id == c.id)) is not None:
        raise Conflict("complaint_id", f"complaint {c.id} is already published")
    title, summary = _text(data.title), _text(data.summary)
    rectification = _text(data.rectification) or c.rectification
    for field, value in (("title", title), ("summary", summary), ("rectification", rectification)):
        if value is None:
            raise InvalidInput(field, "must not be blank: a typical case says what happened and how it was put right")
    rules = policy.at(local_day(now))
    privacy = rules.text("complaints.public_case.privacy_clause")
    if privacy.value is None:
        raise repealed(privacy)
    held = personal_data_in(
        {"title": title, "summary": summary, "rectification": rectification},
        {
            "the complainant's name": c.complainant_name,
            "the complainant's ID number": c.complainant_id_number,
            "the complainant's phone": c.complainant_phone,
        },
    )
    if held is not None:
        field, what = held
        raise InvalidInput(field, f"holds {what}: a published case holds no personal data ({privacy.value})")
    finding = session.get(OverreachFinding, c.finding_id) if c.finding_id is not None else None
    exposure = rules.text("complaints.public_case.exposure_clause")
    case = ComplaintCase(
        complaint_id=c.id,
        jurisdiction_code=c.jurisdiction_code,
        category=c.category,
        title=title,
        summary=summary,
        rectification=rectification,
        clause=(finding.reasons[-1]["clause"] if finding is not None and finding.reasons else exposure.value),
        published_at=now,
        published_by=actor.username,
    )
    session.add(case)
    session.flush()
    record(session, actor, action="update", entity="complaint", entity_id=c.id, detail={"published": case.id})
    return case


def public_cases(
    session: Session, *, category: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[ComplaintCase], int]:
    """The published typical cases, newest first: public, no login (they hold no personal data)."""
    stmt = select(ComplaintCase)
    if category is not None:
        stmt = stmt.where(ComplaintCase.category == parse_term(ComplaintCategory, category, "category").value)
    return page_of(
        session, stmt.order_by(ComplaintCase.published_at.desc(), ComplaintCase.id.desc()), offset=offset, limit=limit
    )


def jurisdiction_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Names of jurisdictions (for the public page, which has no actor)."""
    rows = session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(codes)))
    return {j.code: j.name for j in rows}
