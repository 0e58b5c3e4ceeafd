"""The over-reach guard as a service (measure 16, with 6, 10, 18, 19 and 20): local overlays and local
actions compared with the national rules, every refusal and warning recorded, and the supervisors' report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput, NotFound, Refused
from fangkong.policy import load_policy
from fangkong.policy.overlay import OverlayHeader, read_overlay
from fangkong.policy.terms import CampaignCondition, CampaignScope
from fangkong.rules.decision import Reason
from fangkong.rules.overlay import ParameterFinding, compare_parameter
from fangkong.rules.overreach import ProposedPhase, check_overreach
from fangkong.rules.plans import parse_category
from fangkong.rules.testing_campaign import review_campaign
from fangkong.services.access import Actor, Permission
from fangkong.services.calendar import local_day
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import jurisdiction_in_scope
from fangkong.services.paging import page_of

from .models import OverreachFinding


def _path_of(session: Session, code: str) -> str:
    j = session.get(Jurisdiction, code)
    return j.path if j is not None else f"/{code}/"


def record_finding(
    session: Session,
    actor: Actor,
    *,
    on: date,
    jurisdiction_code: str,
    kind: str,
    subject: str,
    verdict: str,
    reasons: tuple[Reason, ...] | list[Reason],
    detail: dict[str, Any] | None = None,
) -> OverreachFinding:
    finding = OverreachFinding(
        on=on,
        actor=actor.username,
        jurisdiction_code=jurisdiction_code,
        jurisdiction_path=_path_of(session, jurisdiction_code),
        kind=kind,
        subject=subject[:400],
        verdict=verdict,
        clause=reasons[0].clause if reasons else None,
        reasons=[r.model_dump() for r in reasons],
        detail=detail or {},
    )
    session.add(finding)
    session.flush()
    return finding


def record_refusal(session: Session, actor: Actor, refusal: Refused, *, on: date, subject: str) -> OverreachFinding:
    """The one way a refusal of the national rules becomes a finding for the supervisors (measure 16), whichever
    door — the API, the console, an import — the refused action came through."""
    return record_finding(
        session,
        actor,
        on=on,
        jurisdiction_code=actor.jurisdiction_path.strip("/").split("/")[-1],
        kind="refusal",
        subject=subject,
        verdict="refused",
        reasons=[Reason(clause=refusal.clause, text=refusal.message)],
    )


# ---- overlays -------------------------------------------------------------------------------------------


class OverlayReport(BaseModel):
    overlay: OverlayHeader
    over_reach: int
    below_national: int
    not_comparable: int
    same: int
    findings: list[ParameterFinding]


def check_overlay(session: Session, actor: Actor, text: str) -> OverlayReport:
    """Compare every value of a local overlay with the national rule in force on its effective date; record
    each finding that is not "the same"."""
    actor.require(Permission.read_persons)
    national = load_policy()
    header, values = read_overlay(text, national)
    # findings are filed under the overlay's jurisdiction, so it must be one the caller acts in
    jurisdiction_in_scope(session, actor, header.jurisdiction, field="overlay.jurisdiction")
    rules = national.at(header.effective)
    findings = [compare_parameter(v.path, national.parameters[v.path].spec.stricter, v.value, rules) for v in values]
    for f in findings:
        if f.verdict != "same":
            record_finding(
                session,
                actor,
                on=header.effective,
                jurisdiction_code=header.jurisdiction,
                kind="overlay",
                subject=f"{header.name}: {f.path}",
                verdict=f.verdict,
                reasons=f.reasons,
                detail={"overlay": header.name},
            )
    count: Callable[[str], int] = lambda verdict: sum(f.verdict == verdict for f in findings)  # noqa: E731
    return OverlayReport(
        overlay=header,
        over_reach=count("over_reach"),
        below_national=count("below_national"),
        not_comparable=count("not_comparable"),
        same=count("same"),
        findings=findings,
    )


# ---- local actions --------------------------------------------------------------------------------------

ActionKind = Literal[
    "quarantine_plan",
    "requarantine_entrant",
    "widen_area",
    "close_school",
    "stop_enterprise",
    "area_wide_testing",
    "refuse_returnees",
]


class LocalAction(BaseModel):
    """Something a locality proposes to do, described by the facts the guard needs."""

    model_config = ConfigDict(extra="forbid")

    kind: ActionKind
    jurisdiction_code: str
    on: date | None = None
    description: str = Field(default="", max_length=400)
    category: str | None = None  # quarantine_plan
    phases: list[ProposedPhase] = Field(default_factory=list)  # quarantine_plan
    area_code: str | None = None  # widen_area
    justification: str | None = None  # widen_area
    in_high_risk_area: bool = False  # close_school, stop_enterprise
    white_listed: bool = False  # stop_enterprise
    scope: CampaignScope | None = None  # area_wide_testing
    tests_per_day: int = Field(default=1, ge=1, le=10)  # area_wide_testing
    outbreak: bool = False  # area_wide_testing
    conditions: list[CampaignCondition] = Field(default_factory=list)  # area_wide_testing


class ActionDecision(BaseModel):
    allowed: bool
    verdict: str  # allowed | over_reach | warning
    reasons: list[Reason]
    finding_id: int | None


def _clause(on: date, path: str) -> str:
    return load_policy().at(on).get(path).source.clause


def judge_action(session: Session, action: LocalAction, on: date) -> tuple[str, list[Reason]]:
    """The guard's verdict on one local action, with its reasons (no recording)."""
    rules = load_policy().at(on)
    guard = rules.text("overreach.national_rule_clause").value or "m20.16"
    if action.kind == "quarantine_plan":
        if action.category is None or not action.phases:
            raise InvalidInput("category", "a quarantine plan names its category and phases")
        decision = check_overreach(parse_category(action.category), action.phases, rules)
        verdict = "over_reach" if decision.overreach else "warning" if decision.below_national else "allowed"
        return verdict, list(decision.reasons)
    if action.kind == "requarantine_entrant":
        rule = rules.find("management.entry_personnel.destination_may_restart")
        if rule is not None and rule.value is False:
            return "over_reach", [
                Reason(clause=guard, text="a second quarantine at the destination adds to the national rules"),
                Reason(clause=rule.source.clause, text="entrants are not quarantined again at the destination"),
            ]
        return "allowed", [Reason(clause=rule.source.clause if rule else guard, text="allowed under these rules")]
    if action.kind == "widen_area":
        from fangkong.services.areas.service import check_unit

        if action.area_code is None:
            raise InvalidInput("area_code", "name the area to be delineated")
        area = session.get(Jurisdiction, action.area_code)
        if area is None:
            raise InvalidInput("area_code", f"unknown area {action.area_code!r}")
        try:
            basis = check_unit(area, action.justification, on)
        except Refused as exc:
            return "over_reach", [
                Reason(clause=guard, text="a wider area than the rules allow"),
                Reason(clause=exc.clause, text=exc.message),
            ]
        return "allowed", [Reason(clause=c, text=t) for c, t in basis]
    if action.kind == "close_school":
        clause = "m20.18"
        if action.in_high_risk_area:
            return "allowed", [Reason(clause=clause, text="the school lies in a high-risk area: its controls apply")]
        return "over_reach", [
            Reason(clause=guard, text="closing a school outside a high-risk area adds to the national rules"),
            Reason(clause=clause, text="schools implement the national rules and may not add controls"),
        ]
    if action.kind == "stop_enterprise":
        clause = "m20.19"
        if action.white_listed:
            return "over_reach", [
                Reason(clause=guard, text="stopping a white-listed enterprise adds to the national rules"),
                Reason(clause=clause, text="key enterprises on the white list may not be made to stop production"),
            ]
        if action.in_high_risk_area:
            return "allowed", [Reason(clause=clause, text="inside a high-risk area: one enterprise, one policy")]
        return "warning", [
            Reason(
                clause=clause, text="one enterprise, one policy: stopping production outside a risk area needs cause"
            )
        ]
    if action.kind == "area_wide_testing":
        if action.scope is None:
            raise InvalidInput("scope", "risk_posts_and_key_persons or all_residents")
        review = review_campaign(action.outbreak, action.scope, action.tests_per_day, set(action.conditions), rules)
        return ("allowed" if review.allowed else "over_reach"), list(review.reasons)
    # refuse_returnees
    return "over_reach", [
        Reason(clause=guard, text="refusing returnees adds to the national rules"),
        Reason(clause="m20.20", text="destinations may not refuse returnees nor add controls on them"),
    ]


def check_local_action(session: Session, actor: Actor, action: LocalAction, *, now: datetime) -> ActionDecision:
    """Judge a local action and record the finding if it is not simply allowed."""
    actor.require(Permission.read_persons)
    j = session.get(Jurisdiction, action.jurisdiction_code)
    if j is None or not actor.covers(j.path):
        raise NotFound("jurisdiction", action.jurisdiction_code)
    if action.area_code is not None:
        area = session.get(Jurisdiction, action.area_code)
        if area is None or not actor.covers(area.path):
            raise InvalidInput("area_code", f"unknown area {action.area_code!r}")  # outside: not revealed
    on = action.on or local_day(now)
    verdict, reasons = judge_action(session, action, on)
    finding = None
    if verdict != "allowed":
        finding = record_finding(
            session,
            actor,
            on=on,
            jurisdiction_code=action.jurisdiction_code,
            kind="local_action",
            subject=f"{action.kind}: {action.description}" if action.description else action.kind,
            verdict=verdict,
            reasons=reasons,
            detail=action.model_dump(mode="json", exclude_defaults=True),
        )
    return ActionDecision(
        allowed=verdict == "allowed", verdict=verdict, reasons=reasons, finding_id=finding.id if finding else None
    )


# ---- the supervisors' report ----------------------------------------------------------------------------


def list_findings(
    session: Session,
    actor: Actor,
    *,
    verdict: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[OverreachFinding], int]:
    actor.require(Permission.read_audit)
    stmt = select(OverreachFinding).where(OverreachFinding.jurisdiction_path.startswith(actor.jurisdiction_path))
    if verdict is not None:
        stmt = stmt.where(OverreachFinding.verdict == verdict)
    if kind is not None:
        stmt = stmt.where(OverreachFinding.kind == kind)
    if since is not None:
        stmt = stmt.where(OverreachFinding.on >= since)
    return page_of(session, stmt.order_by(OverreachFinding.id.desc()), offset=offset, limit=limit)


class ReportLine(BaseModel):
    jurisdiction_code: str
    clause: str | None
    verdict: str
    findings: int


def report(session: Session, actor: Actor, *, since: date | None = None) -> list[ReportLine]:
    """Findings counted by jurisdiction, clause and verdict: where layer-by-layer overweighting happens."""
    actor.require(Permission.read_audit)
    stmt = (
        select(
            OverreachFinding.jurisdiction_code,
            OverreachFinding.clause,
            OverreachFinding.verdict,
            func.count(),
        )
        .where(OverreachFinding.jurisdiction_path.startswith(actor.jurisdiction_path))
        .group_by(OverreachFinding.jurisdiction_code, OverreachFinding.clause, OverreachFinding.verdict)
        .order_by(func.count().desc(), OverreachFinding.jurisdiction_code)
    )
    if since is not None:
        stmt = stmt.where(OverreachFinding.on >= since)
    return [ReportLine(jurisdiction_code=j, clause=c, verdict=v, findings=n) for j, c, v, n in session.execute(stmt)]
