"""Key populations and key institutions in the console (measure 14, m20.14; issue 19: "the key-population registry
and plans, institution alerts"): the registry of the reader's jurisdiction with each person's risk grade and its
reasons, their plan (who checks, how often, when next) and whether a check is overdue; and the key institutions with
their closed management and open alerts, each step with its deadline. Everything goes through
`services.key_populations` as the API does: the same scope, checks and audit (the registry is a read of the persons
it lists)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.policy.terms import CheckOutcome, KeyPopulationKind, RiskGrade
from fangkong.services.access import Actor
from fangkong.services.calendar import local_day, local_time
from fangkong.services.key_populations import institutions as inst
from fangkong.services.key_populations.service import list_entries, overdue_checks, plan_of, record_check
from fangkong.services.paging import MAX_LIMIT
from fangkong.web.pages import CurrentActor, Db, error_page, list_link, now_of, render

router = APIRouter(include_in_schema=False)
PAGE = 50


def when(at: datetime | None) -> str:
    """An instant as the page shows it: the jurisdiction's wall clock to the minute."""
    return "" if at is None else f"{local_time(at):%Y-%m-%d %H:%M}"


SAVED = ("check", "step")  # the notices a form's redirect asks for


@router.get("/key-populations", response_class=HTMLResponse)
def key_populations(
    request: Request,
    session: Db,
    actor: CurrentActor,
    kind: str = "",
    grade: str = "",
    offset: int = 0,
    saved: str = "",
) -> HTMLResponse:
    """The registry, highest grade first, each person's plan and its next check; the overdue count; the key
    institutions with their open alerts (m20.14)."""
    try:
        return _page(request, session, actor, kind, grade, offset, saved=saved if saved in SAVED else "")
    except FangkongError as exc:
        return error_page(request, actor, exc)


@router.post("/key-populations/{entry_id}/checks", response_class=HTMLResponse)
def check(
    request: Request,
    session: Db,
    actor: CurrentActor,
    entry_id: int,
    outcome: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record a check on a key person now (m20.14); a refusal shows the page again with the field named, nothing
    stored."""
    now = now_of(request)
    try:
        record_check(session, actor, entry_id, checked_at=now, outcome=outcome, note=note or None, now=now)
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"check-{entry_id}")
    return RedirectResponse("/key-populations?saved=check", status_code=303)


@router.post("/institution-alerts/{alert_id}/items/{step}/done", response_class=HTMLResponse)
def step_done(request: Request, session: Db, actor: CurrentActor, alert_id: int, step: str) -> Response:
    """Mark an alert's checklist step done now (m20.14); the alert closes when every step is done."""
    try:
        inst.mark_done(session, actor, alert_id, step, now=now_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"alert-{alert_id}")
    return RedirectResponse("/key-populations?saved=step", status_code=303)


def _refused(request: Request, session: Session, actor: Actor, exc: FangkongError, form: str) -> HTMLResponse:
    session.rollback()
    message, field, clause, _ = error_parts(exc)
    problem = {"field": field, "message": message, "clause": clause, "form": form}
    try:
        return _page(request, session, actor, "", "", 0, problem=problem, status=http_status(exc))
    except FangkongError as inner:
        return error_page(request, actor, inner)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    kind: str,
    grade: str,
    offset: int,
    *,
    saved: str = "",
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    now = now_of(request)
    offset = max(0, offset)
    if kind and kind not in {k.value for k in KeyPopulationKind}:
        raise InvalidInput("kind", f"{kind!r} is not a key-population kind")
    if grade and grade not in {g.value for g in RiskGrade}:
        raise InvalidInput("grade", f"{grade!r} is not a risk grade")
    rows, total = list_entries(session, actor, kind=kind or None, grade=grade or None, offset=offset, limit=PAGE)
    plans = {entry.id: plan_of(session, entry, now=now) for entry, _ in rows}
    _, overdue = overdue_checks(session, actor, now=now, limit=MAX_LIMIT)
    homes = inst.list_institutions(session, actor)
    alerts = inst.list_alerts(session, actor, status="open")
    today = local_day(now)
    closed: dict[int, Any] = {}
    for home in homes:
        current = [
            c
            for c in inst.closures(session, home.id)
            if c.starts_on <= today and (c.ends_on is None or c.ends_on >= today)
        ]
        closed[home.id] = current[0] if current else None
    return render(
        request,
        "key_populations.html",
        status=status,
        actor=actor,
        rows=rows,
        plans=plans,
        total=total,
        overdue=overdue,
        offset=offset,
        page=PAGE,
        link=list_link("/key-populations", {"kind": kind, "grade": grade, "offset": offset}),
        filters={"kind": kind, "grade": grade},
        kinds=[k.value for k in KeyPopulationKind],
        grades=[g.value for g in reversed(RiskGrade)],
        outcomes=[o.value for o in CheckOutcome],
        homes=homes,
        closed=closed,
        alerts=alerts,
        names={home.id: home.name for home in homes},
        now=now,
        when=when,
        is_overdue=inst.is_overdue,
        saved=saved,
        problem=problem,
    )
