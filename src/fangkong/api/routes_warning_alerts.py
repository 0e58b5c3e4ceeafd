"""Early-warning alerts raised by multi-point triggering, and their verification (issue 20; measure 15, m20.15)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from fangkong.api.deps import CurrentActor, DbSession, Now
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import StoreId
from fangkong.rules.decision import Reason
from fangkong.services.warning_alerts import service as alerts
from fangkong.services.warning_alerts.models import WarningAlert

router = APIRouter(prefix="/api", tags=["early warning"])


class AlertRead(BaseModel):
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


def read(alert: WarningAlert, now: datetime) -> AlertRead:
    return AlertRead(
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


@router.get("/warning-alerts", response_model=Page[AlertRead])
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
) -> Page[AlertRead]:
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


@router.get("/warning-alerts/{alert_id}", response_model=AlertRead)
def alert(alert_id: StoreId, session: DbSession, actor: CurrentActor, now: Now) -> AlertRead:
    """One alert (the read names the persons of the infections it links)."""
    return read(alerts.read_alert(session, actor, alert_id), now)


@router.post("/warning-alerts/{alert_id}/assign", response_model=AlertRead)
def assign(alert_id: StoreId, body: alerts.AlertAssign, session: DbSession, actor: CurrentActor, now: Now) -> AlertRead:
    """Give the verification to a worker whose jurisdiction covers the alert's."""
    return read(alerts.assign_alert(session, actor, alert_id, body, now=now), now)


@router.post("/warning-alerts/{alert_id}/verify", response_model=AlertRead)
def verify(alert_id: StoreId, body: alerts.AlertVerify, session: DbSession, actor: CurrentActor, now: Now) -> AlertRead:
    """Close the alert: a confirmed cluster, linked to the infections it led to, or a false alarm."""
    return read(alerts.verify_alert(session, actor, alert_id, body, now=now), now)
