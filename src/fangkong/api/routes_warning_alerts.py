"""Early-warning alerts raised by multi-point triggering, and their verification (issue 20; measure 15, m20.15)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import Day, StoreId
from fangkong.rules.decision import Reason
from fangkong.services.warning_alerts import service as alerts
from fangkong.services.warning_alerts.job import run_triggers
from fangkong.services.warning_alerts.models import WarningAlert

router = APIRouter(prefix="/api", tags=["early warning"])


class WarningAlertRead(BaseModel):
    """An alert: the jurisdiction and day, why (several channels, or one strong), the alarms that raised it, the
    verification deadline and whether it has passed, who verifies it and what came of it."""

    id: int
    jurisdiction_code: str
    raised_on: date
    kind: str
    method: str
    channels: list[str]
    evidence: list[dict[str, Any]]
    reasons: list[Reason]
    policy: str | None
    status: str
    raised_at: datetime
    verify_by: datetime
    overdue: bool
    assignee: str | None
    outcome_note: str | None
    decided_at: datetime | None
    decided_by: str | None
    infection_ids: list[int]


def read(alert: WarningAlert, now: datetime) -> WarningAlertRead:
    return WarningAlertRead(
        id=alert.id,
        jurisdiction_code=alert.jurisdiction_code,
        raised_on=alert.raised_on,
        kind=alert.kind,
        method=alert.method,
        channels=list(alert.channels or []),
        evidence=list(alert.evidence or []),
        reasons=[Reason(**r) for r in alert.reasons or []],
        policy=alert.policy,
        status=alert.status,
        raised_at=alert.raised_at,
        verify_by=alert.verify_by,
        overdue=alerts.is_overdue(alert, now),
        assignee=alert.assignee,
        outcome_note=alert.outcome_note,
        decided_at=alert.decided_at,
        decided_by=alert.decided_by,
        infection_ids=list(alert.infection_ids or []),
    )


@router.get("/warning-alerts", response_model=Page[WarningAlertRead])
def alert_list(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    status: Annotated[str | None, Query(description="open, assigned, confirmed or false_alarm")] = None,
    kind: Annotated[str | None, Query(description="multi_channel or strong_signal")] = None,
    overdue: Annotated[bool | None, Query(description="only those past their verification deadline")] = None,
) -> Page[WarningAlertRead]:
    """Alerts of your jurisdiction, the earliest verification deadline first among those open."""
    rows, total = alerts.list_alerts(
        session,
        actor,
        now=now,
        jurisdiction_code=jurisdiction_code,
        status=status,
        kind=kind,
        overdue=overdue,
        offset=offset,
        limit=limit,
    )
    return Page(items=[read(a, now) for a in rows], total=total, offset=offset, limit=limit)


@router.get("/warning-alerts/{alert_id}", response_model=WarningAlertRead)
def alert(alert_id: StoreId, session: DbSession, actor: CurrentActor, now: Now) -> WarningAlertRead:
    """One alert (the read names the persons of the infections it links)."""
    return read(alerts.read_alert(session, actor, alert_id), now)


@router.post("/warning-alerts/{alert_id}/assign", response_model=WarningAlertRead)
def assign(
    alert_id: StoreId, body: alerts.AlertAssign, session: DbSession, actor: CurrentActor, now: Now
) -> WarningAlertRead:
    """Give the verification to a worker whose jurisdiction covers the alert's."""
    return read(alerts.assign_alert(session, actor, alert_id, body, now=now), now)


@router.post("/warning-alerts/{alert_id}/verify", response_model=WarningAlertRead)
def verify(
    alert_id: StoreId, body: alerts.AlertVerify, session: DbSession, actor: CurrentActor, now: Now
) -> WarningAlertRead:
    """Close the alert: a confirmed cluster, linked to the infections it led to, or a false alarm."""
    return read(alerts.verify_alert(session, actor, alert_id, body, now=now), now)


class RunIn(BaseModel):
    """The day to judge (default today) and, to try another, a method (default `multi_point.method` in force)."""

    model_config = ConfigDict(extra="forbid")

    on: Day | None = None
    method: str | None = Field(default=None, description="ears-c1, ears-c2, ears-c3 or farrington")


class RunRead(BaseModel):
    """What the daily job did: series judged, alarms found in the window, alerts raised (new), alerts already raised
    that day, and the series left aside — with a day missing (never read as zero) or too short for the method."""

    on: date
    method: str
    judged: int
    alarms: int
    raised: list[WarningAlertRead]
    already: int
    gaps: list[tuple[str, str]]
    short: list[tuple[str, str]]


@router.post("/warning-alerts/run", response_model=RunRead)
def run(body: RunIn, session: DbSession, actor: CurrentActor, now: Now, today: Today, policy: Rules) -> RunRead:
    """The daily job: judge every signal series of your jurisdiction and raise the alerts multi-point triggering
    calls for (measure 15); run twice on a day, it raises nothing twice — as `fangkong warning run`."""
    on = body.on or today
    done = run_triggers(session, actor, on=on, now=now, policy=policy, method=body.method)
    return RunRead(
        on=done.on,
        method=done.method,
        judged=done.judged,
        alarms=len(done.alarms),
        raised=[read(a, now) for a in done.raised],
        already=done.already,
        gaps=done.gaps,
        short=done.short,
    )
