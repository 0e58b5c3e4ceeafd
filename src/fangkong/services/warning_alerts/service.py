"""Early-warning alerts and their verification (measure 15: "multi-channel monitoring, early warning and multi-point
triggering", m20.15; "early detection").

The daily job (`warning_alerts.job.run_triggers`) raises an alert per jurisdiction and day from the alarms of its
signal series (`rules.multi_point`). Each alert is a task: it has a verification deadline, is assigned to a worker,
and ends as a confirmed cluster — linked to the infections (and so the tracing) it led to — or a false alarm. Every
step is in the audit trail; a read of an alert names the persons of the infections it links.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.policy.terms import WarningAlertKind, WarningAlertStatus, parse_term
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.audit.service import record
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.paging import page_of
from fangkong.services.users.models import User
from fangkong.services.warning_alerts.models import WarningAlert

CLOSED = frozenset({WarningAlertStatus.confirmed, WarningAlertStatus.false_alarm})
# Reading the alerts is the epidemiologist's and the command centre's (as the signals board); acting on them too.
READ = Permission.trace_contacts


class AlertAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: str = Field(min_length=1, max_length=100, description="the username who verifies it")


class AlertVerify(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(description="confirmed (a cluster) or false_alarm")
    note: str | None = Field(default=None, max_length=2000)
    infection_ids: list[int] = Field(default_factory=list, max_length=500, description="a confirmed cluster's")


def is_overdue(alert: WarningAlert, now: datetime) -> bool:
    """Not verified by its deadline (m20.15; register multi-point-verify)."""
    return WarningAlertStatus(alert.status) not in CLOSED and now > alert.verify_by


def alert_in_scope(session: Session, actor: Actor, alert_id: int) -> WarningAlert:
    """An alert of the actor's subtree; one outside it is not found."""
    actor.require(READ)
    alert = session.get(WarningAlert, alert_id)
    if alert is None:
        raise NotFound("warning alert", alert_id)
    place = session.get(Jurisdiction, alert.jurisdiction_code)
    if place is None or not place.path.startswith(actor.jurisdiction_path):
        raise NotFound("warning alert", alert_id)
    return alert


def _open(session: Session, actor: Actor, alert_id: int) -> WarningAlert:
    alert = alert_in_scope(session, actor, alert_id)
    if WarningAlertStatus(alert.status) in CLOSED:
        raise Conflict("status", f"alert {alert.id} is already verified")
    return alert


def assign_alert(session: Session, actor: Actor, alert_id: int, data: AlertAssign, *, now: datetime) -> WarningAlert:
    """Give the verification to a worker whose jurisdiction covers the alert's (measure 15)."""
    alert = _open(session, actor, alert_id)
    user = session.scalar(select(User).where(User.username == data.assignee.strip()))
    place = session.get(Jurisdiction, alert.jurisdiction_code)
    if user is None or not user.active:
        raise InvalidInput("assignee", f"no active account {data.assignee.strip()!r}")
    home = session.get(Jurisdiction, user.jurisdiction_code)
    covers = place is not None and home is not None and place.path.startswith(home.path)
    inside = place is not None and home is not None and home.path.startswith(place.path)
    if not (covers or inside):
        raise InvalidInput("assignee", f"{user.username} works outside the alert's jurisdiction")
    alert.assignee = user.username
    alert.status = WarningAlertStatus.assigned.value
    record(
        session,
        actor,
        action="update",
        entity="warning_alert",
        entity_id=alert.id,
        detail={"assignee": user.username, "at": now.isoformat()},
    )
    session.flush()
    return alert


def verify_alert(session: Session, actor: Actor, alert_id: int, data: AlertVerify, *, now: datetime) -> WarningAlert:
    """Close an alert as a confirmed cluster — linked to the infections it led to, each in the actor's scope — or a
    false alarm (measure 15). A false alarm links no infection; a confirmed cluster links at least one."""
    alert = _open(session, actor, alert_id)
    outcome = parse_term(WarningAlertStatus, data.outcome, "outcome")
    if outcome not in CLOSED:
        raise InvalidInput("outcome", f"{outcome.value} is not an outcome (confirmed or false_alarm)")
    ids = list(dict.fromkeys(data.infection_ids))
    if outcome is WarningAlertStatus.false_alarm and ids:
        raise InvalidInput("infection_ids", "a false alarm links no infection")
    if outcome is WarningAlertStatus.confirmed and not ids:
        raise InvalidInput("infection_ids", "a confirmed cluster links the infections it led to")
    found = _infections_in_scope(session, actor, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput("infection_ids", f"no infection {missing[0]} in your jurisdiction")
    alert.status = outcome.value
    alert.outcome_note = (data.note or "").strip() or None
    alert.infection_ids = ids
    alert.decided_at = now
    alert.decided_by = actor.username
    record(
        session,
        actor,
        action="update",
        entity="warning_alert",
        entity_id=alert.id,
        detail={"outcome": outcome.value, "infections": ids},
    )
    session.flush()
    return alert


def _infections_in_scope(session: Session, actor: Actor, ids: Sequence[int]) -> dict[int, int]:
    """Infection id -> person id, for those of `ids` in the actor's subtree."""
    if not ids:
        return {}
    stmt = (
        select(Infection.id, Infection.person_id)
        .join(Jurisdiction, Jurisdiction.code == Infection.jurisdiction_code)
        .where(Infection.id.in_(list(ids)), Jurisdiction.path.startswith(actor.jurisdiction_path))
    )
    return {int(i): int(p) for i, p in session.execute(stmt).all()}


def read_alert(session: Session, actor: Actor, alert_id: int) -> WarningAlert:
    """One alert; the read names the persons of the infections it links."""
    alert = alert_in_scope(session, actor, alert_id)
    persons = _infections_in_scope(session, actor, alert.infection_ids or [])
    read_of(session, actor, "warning_alerts", persons.values(), entity_id=alert.id)
    return alert


def list_alerts(
    session: Session,
    actor: Actor,
    *,
    now: datetime,
    jurisdiction_code: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    overdue: bool | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[WarningAlert], int]:
    """Alerts of the actor's subtree, the earliest deadline first among those open, then the newest verified;
    filtered by status, kind and lateness."""
    actor.require(READ)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(WarningAlert)
        .join(Jurisdiction, Jurisdiction.code == WarningAlert.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root))
    )
    if status:
        stmt = stmt.where(WarningAlert.status == parse_term(WarningAlertStatus, status, "status").value)
    if kind:
        stmt = stmt.where(WarningAlert.kind == parse_term(WarningAlertKind, kind, "kind").value)
    if overdue is not None:
        open_ = WarningAlert.status.in_([WarningAlertStatus.open.value, WarningAlertStatus.assigned.value])
        late = open_ & (WarningAlert.verify_by < now)
        stmt = stmt.where(late if overdue else ~late)
    closed_last = WarningAlert.status.in_([s.value for s in CLOSED])
    stmt = stmt.order_by(closed_last, WarningAlert.verify_by, WarningAlert.id.desc())
    rows, total = page_of(session, stmt, offset=offset, limit=limit)
    persons = _infections_in_scope(session, actor, [i for a in rows for i in (a.infection_ids or [])])
    read_of(session, actor, "warning_alerts", persons.values())
    return rows, total
