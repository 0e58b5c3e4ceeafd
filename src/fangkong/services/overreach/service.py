"""The over-reach guard as a service (measure 16, with 6, 10, 18, 19 and 20): local overlays and local
actions compared with the national rules, every refusal and warning recorded, and the supervisors' report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput, NotFound, Refused
from fangkong.policy import Policy
from fangkong.policy.overlay import OverlayHeader, read_overlay
from fangkong.policy.terms import parse_term
from fangkong.rules.decision import Reason
from fangkong.rules.local_action import LocalAction, Verdict, judge_local_action
from fangkong.rules.overlay import ParameterFinding, compare_parameter
from fangkong.services.access import Actor, Permission
from fangkong.services.calendar import local_day
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.jurisdictions.service import jurisdiction_in_scope
from fangkong.services.paging import page_of

from .models import FindingKind, OverreachFinding


def _path_of(session: Session, code: str) -> str:
    j = session.get(Jurisdiction, code)
    return j.path if j is not None else f"/{code}/"


def record_finding(
    session: Session,
    actor: Actor,
    *,
    on: date,
    jurisdiction_code: str,
    kind: FindingKind,
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
        kind=FindingKind.refusal,
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


def check_overlay(session: Session, actor: Actor, text: str, *, national: Policy) -> OverlayReport:
    """Compare every value of a local overlay with the national rule in force on its effective date; record
    each finding that is not "the same"."""
    actor.require(Permission.read_persons)
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
                kind=FindingKind.overlay,
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


class ActionDecision(BaseModel):
    allowed: bool
    verdict: Verdict
    reasons: list[Reason]
    finding_id: int | None


def check_local_action(
    session: Session, actor: Actor, action: LocalAction, *, now: datetime, policy: Policy
) -> ActionDecision:
    """Judge a local action (rules.local_action) and record the finding if it is not simply allowed."""
    actor.require(Permission.read_persons)
    j = session.get(Jurisdiction, action.jurisdiction_code)
    if j is None or not actor.covers(j.path):
        raise NotFound("jurisdiction", action.jurisdiction_code)
    area_level = None
    if action.area_code is not None:
        area = session.get(Jurisdiction, action.area_code)
        if area is None or not actor.covers(area.path):
            raise InvalidInput("area_code", f"unknown area {action.area_code!r}")  # outside: not revealed
        area_level = JurisdictionLevel(area.level)
    on = action.on or local_day(now)
    decision = judge_local_action(action, area_level, policy.at(on))
    verdict, reasons = decision.verdict, list(decision.reasons)
    finding = None
    if verdict != Verdict.allowed:
        finding = record_finding(
            session,
            actor,
            on=on,
            jurisdiction_code=action.jurisdiction_code,
            kind=FindingKind.local_action,
            subject=f"{action.kind}: {action.description}" if action.description else action.kind,
            verdict=verdict,
            reasons=reasons,
            detail=action.model_dump(mode="json", exclude_defaults=True),
        )
    return ActionDecision(
        allowed=verdict == Verdict.allowed, verdict=verdict, reasons=reasons, finding_id=finding.id if finding else None
    )


# ---- the supervisors' report ----------------------------------------------------------------------------


FINDING_SORTS = {
    "at": OverreachFinding.id,  # recorded in this order
    "on": OverreachFinding.on,
    "jurisdiction_code": OverreachFinding.jurisdiction_code,
    "clause": OverreachFinding.clause,
    "verdict": OverreachFinding.verdict,
}


def list_findings(
    session: Session,
    actor: Actor,
    *,
    verdict: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    sort: str = "-at",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[OverreachFinding], int]:
    """Findings in the actor's subtree, newest first unless `sort` names another order (`FINDING_SORTS`)."""
    actor.require(Permission.read_audit)
    key = sort.removeprefix("-")
    if key not in FINDING_SORTS:
        raise InvalidInput("sort", f"{sort!r} is not one of {', '.join(FINDING_SORTS)} (a leading - reverses it)")
    column = FINDING_SORTS[key]
    stmt = select(OverreachFinding).where(OverreachFinding.jurisdiction_path.startswith(actor.jurisdiction_path))
    if verdict is not None:
        stmt = stmt.where(OverreachFinding.verdict == verdict)
    if kind is not None:
        stmt = stmt.where(OverreachFinding.kind == parse_term(FindingKind, kind, "kind"))
    if since is not None:
        stmt = stmt.where(OverreachFinding.on >= since)
    ordered = stmt.order_by(column.desc() if sort.startswith("-") else column, OverreachFinding.id.desc())
    return page_of(session, ordered, offset=offset, limit=limit)


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
