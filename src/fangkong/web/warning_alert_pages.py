"""The early-warning alert queue in the console (measure 15: multi-point triggering, m20.15): the alerts of the
reader's jurisdiction with their verification deadlines (a late one said in words), the alarms that raised each
(channel, day, count, upper bound) with a link to the signals board, and forms to assign the verification and to close
it as a confirmed cluster linked to its infections or a false alarm. Everything goes through
`services.warning_alerts` as the API does; a refused form is shown again with the field named and nothing stored."""

from __future__ import annotations

from typing import Annotated, Unpack
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.policy.terms import WarningAlertKind, WarningAlertStatus
from fangkong.services.access import Actor
from fangkong.services.warning_alerts.service import (
    AlertAssign,
    AlertVerify,
    assign_alert,
    is_overdue,
    list_alerts,
    verify_alert,
)
from fangkong.web.pages import CurrentActor, Db, error_page, now_of
from fangkong.web.queue import PAGE, Queue, Shown, problem_of

router = APIRouter(include_in_schema=False)
STATUSES = tuple(s.value for s in WarningAlertStatus)
KINDS = tuple(k.value for k in WarningAlertKind)


def _page(
    request: Request, session: Session, actor: Actor, filters: dict[str, str], offset: int, **shown: Unpack[Shown]
) -> HTMLResponse:
    q = Queue.at(request, session, actor, "/warning-alerts", filters, offset)
    rows, total = list_alerts(
        session,
        actor,
        now=q.now,
        status=filters.get("status") or None,
        kind=filters.get("kind") or None,
        overdue=True if filters.get("overdue") == "yes" else None,
        offset=q.offset,
        limit=PAGE,
    )
    return q.render(
        "warning_alerts.html",
        rows,
        total,
        shown,
        names=q.names(a.jurisdiction_code for a in rows),
        overdue={a.id: is_overdue(a, q.now) for a in rows},
        statuses=STATUSES,
        kinds=KINDS,
    )


def _refused(request: Request, session: Session, actor: Actor, exc: FangkongError, form: str) -> HTMLResponse:
    session.rollback()
    try:
        return _page(request, session, actor, {}, 0, problem=problem_of(exc, form), status=http_status(exc))
    except FangkongError as inner:
        return error_page(request, actor, inner)


@router.get("/warning-alerts", response_class=HTMLResponse)
def warning_alerts(
    request: Request,
    session: Db,
    actor: CurrentActor,
    status: str = "",
    kind: str = "",
    overdue: str = "",
    offset: int = 0,
    saved: str = "",
) -> HTMLResponse:
    """The alert queue (measure 15), the earliest deadline first among the open ones."""
    try:
        return _page(request, session, actor, {"status": status, "kind": kind, "overdue": overdue}, offset, saved=saved)
    except FangkongError as exc:
        return error_page(request, actor, exc)


@router.post("/warning-alerts/{alert_id}/assign", response_class=HTMLResponse)
def assign(
    request: Request, session: Db, actor: CurrentActor, alert_id: int, assignee: Annotated[str, Form()] = ""
) -> Response:
    """Give the verification to a worker of the alert's jurisdiction."""
    try:
        if not assignee.strip():
            raise InvalidInput("assignee", "missing")
        assign_alert(session, actor, alert_id, AlertAssign(assignee=assignee), now=now_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"assign-{alert_id}")
    return RedirectResponse("/warning-alerts?" + urlencode({"saved": "assigned"}), status_code=303)


def _ids(text: str) -> list[int]:
    """Infection numbers as typed: separated by commas, spaces or 、."""
    parts = [p for p in text.replace("、", ",").replace(" ", ",").split(",") if p.strip()]
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise InvalidInput("infection_ids", f"{text!r} is not a list of infection numbers") from None


@router.post("/warning-alerts/{alert_id}/verify", response_class=HTMLResponse)
def verify(
    request: Request,
    session: Db,
    actor: CurrentActor,
    alert_id: int,
    outcome: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    infection_ids: Annotated[str, Form()] = "",
) -> Response:
    """Close the alert: a confirmed cluster linked to its infections, or a false alarm."""
    try:
        data = AlertVerify(outcome=outcome, note=note or None, infection_ids=_ids(infection_ids))
        verify_alert(session, actor, alert_id, data, now=now_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"verify-{alert_id}")
    return RedirectResponse("/warning-alerts?" + urlencode({"saved": "verified"}), status_code=303)
