"""The over-reach guard (measure 16): local overlays and local actions checked against the national rules,
and the supervisors' findings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules
from fangkong.api.pages import Limit, Offset, Page
from fangkong.api.raw_files import RawBody
from fangkong.bounds import Day
from fangkong.errors import InvalidInput
from fangkong.rules.local_action import LocalAction
from fangkong.services.overreach.service import (
    ActionDecision,
    OverlayReport,
    ReportLine,
    check_local_action,
    check_overlay,
    list_findings,
    report,
)

router = APIRouter(prefix="/api", tags=["over-reach guard"])


@router.post(
    "/overlays/check",
    response_model=OverlayReport,
    openapi_extra={"requestBody": {"required": True, "content": {"application/yaml": {"schema": {"type": "string"}}}}},
)
def overlay(body: RawBody, session: DbSession, actor: CurrentActor, policy: Rules) -> OverlayReport:
    """A province's or city's parameter file (YAML: `overlay: {jurisdiction, name, effective}` and
    `parameters: {path: {value, reason}}`) compared value by value with the national rule; every finding is
    recorded."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file", "not UTF-8 text") from None
    return check_overlay(session, actor, text, national=policy)


@router.post("/local-actions/check", response_model=ActionDecision)
def local_action(body: LocalAction, session: DbSession, actor: CurrentActor, now: Now, policy: Rules) -> ActionDecision:
    """A proposed local action (a longer quarantine, a re-quarantine, a wider area, a closed school, a stopped
    enterprise, area-wide testing, refused returnees) judged against the national rules."""
    return check_local_action(session, actor, body, now=now, policy=policy)


class FindingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    on: Day
    actor: str
    jurisdiction_code: str
    kind: str
    subject: str
    verdict: str
    clause: str | None
    reasons: list[dict[str, Any]]
    detail: dict[str, Any]


@router.get("/overreach/findings", response_model=Page[FindingRead])
def findings(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    verdict: str | None = None,
    kind: str | None = None,
    since: Day | None = None,
) -> Page[FindingRead]:
    """Refusals and warnings in your jurisdiction, newest first (supervisors and the command centre)."""
    rows, total = list_findings(session, actor, verdict=verdict, kind=kind, since=since, offset=offset, limit=limit)
    return Page(items=[FindingRead.model_validate(f) for f in rows], total=total, offset=offset, limit=limit)


class OverreachReport(BaseModel):
    since: Day | None
    lines: list[ReportLine]


@router.get("/overreach/report", response_model=OverreachReport)
def overreach_report(session: DbSession, actor: CurrentActor, since: Day | None = None) -> OverreachReport:
    """Findings counted by jurisdiction, clause and verdict: where layer-by-layer overweighting happens."""
    return OverreachReport(since=since, lines=report(session, actor, since=since))
