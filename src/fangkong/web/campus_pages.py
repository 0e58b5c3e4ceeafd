"""Campuses in the console (measure 18, with 16): the schools and universities of the reader's jurisdiction with
their open responses, and one campus's page — its responses with each task's owner, deadline and lateness (a form to
mark a task done), its approved closures with their approval records, and the forms to open a response and to request
a closure. Everything goes through `services.campuses` as the API does; a refused form is shown again with the field
named and nothing stored — except the over-reach finding a refused closure leaves for the supervisors."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.policy.terms import CampusClosureKind, CampusKind
from fangkong.rules.campuses import is_late
from fangkong.services.access import Actor
from fangkong.services.campuses.guard import Approval, ClosureRequest, list_closures, request_closure
from fangkong.services.campuses.service import (
    ResponseOpen,
    TaskDone,
    campus_in_scope,
    complete_task,
    list_campuses,
    list_responses,
    open_response,
    tasks_of,
)
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.web.pages import CurrentActor, Db, error_page, now_of, render

router = APIRouter(include_in_schema=False)
M = TypeVar("M", bound=BaseModel)
PAGE = 50
KINDS = tuple(k.value for k in CampusKind)
CLOSURE_KINDS = tuple(k.value for k in CampusClosureKind)


def _names(session: Session, codes: set[str]) -> dict[str, str]:
    rows = session.execute(select(Jurisdiction.code, Jurisdiction.name).where(Jurisdiction.code.in_(sorted(codes))))
    return {str(code): str(name) for code, name in rows.all()}


@router.get("/campuses", response_class=HTMLResponse)
def campuses(
    request: Request, session: Db, actor: CurrentActor, kind: str = "", boarding: str = "", offset: int = 0
) -> HTMLResponse:
    """The campuses of the reader's jurisdiction and the open responses (measure 18)."""
    try:
        offset = max(0, offset)
        filters = {"kind": kind, "boarding": boarding}
        rows, total = list_campuses(
            session,
            actor,
            kind=kind or None,
            boarding={"yes": True, "no": False}.get(boarding),
            offset=offset,
            limit=PAGE,
        )
        responses, _ = list_responses(session, actor, status="open", limit=PAGE)
        now = now_of(request)
        late = {
            r.id: sum(is_late(t.status == "done", t.deadline, now) for t in tasks_of(session, r.id)) for r in responses
        }
        by_id = {c.id: c for c in rows}
        for r in responses:
            if r.campus_id not in by_id:
                by_id[r.campus_id] = campus_in_scope(session, actor, r.campus_id)
    except FangkongError as exc:
        return error_page(request, actor, exc)

    def link(**change: Any) -> str:
        current = {**filters, "offset": offset} | change
        return "/campuses?" + urlencode({k: v for k, v in current.items() if v not in ("", None, 0)})

    return render(
        request,
        "campuses.html",
        actor=actor,
        rows=rows,
        total=total,
        names=_names(session, {c.jurisdiction_code for c in rows}),
        responses=responses,
        campus_of=by_id,
        late=late,
        filters=filters,
        kinds=KINDS,
        offset=offset,
        page=PAGE,
        link=link,
    )


def _campus_page(
    request: Request,
    session: Session,
    actor: Actor,
    campus_id: int,
    *,
    saved: str = "",
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    campus = campus_in_scope(session, actor, campus_id)
    responses, _ = list_responses(session, actor, campus_id=campus.id, limit=PAGE)
    now = now_of(request)
    tasks = {r.id: tasks_of(session, r.id) for r in responses}
    late = {t.id: is_late(t.status == "done", t.deadline, now) for ts in tasks.values() for t in ts}
    return render(
        request,
        "campus.html",
        status=status,
        actor=actor,
        campus=campus,
        place=_names(session, {campus.jurisdiction_code}).get(campus.jurisdiction_code, campus.jurisdiction_code),
        responses=responses,
        tasks=tasks,
        late=late,
        closures=list_closures(session, actor, campus.id, limit=PAGE)[0],
        closure_kinds=CLOSURE_KINDS,
        saved=saved,
        problem=problem,
    )


@router.get("/campuses/{campus_id}", response_class=HTMLResponse)
def campus(request: Request, session: Db, actor: CurrentActor, campus_id: int, saved: str = "") -> HTMLResponse:
    """One campus: its responses and tasks, its closures, and the forms."""
    try:
        return _campus_page(request, session, actor, campus_id, saved=saved)
    except FangkongError as exc:
        return error_page(request, actor, exc)


def _refused(
    request: Request, session: Session, actor: Actor, campus_id: int, exc: FangkongError, form: str
) -> HTMLResponse:
    session.rollback()
    message, field, clause, _ = error_parts(exc)
    problem = {"field": field, "message": message, "clause": clause, "form": form}
    try:
        return _campus_page(request, session, actor, campus_id, problem=problem, status=http_status(exc))
    except FangkongError as inner:
        return error_page(request, actor, inner)


def _valid(model: type[M], **values: Any) -> M:
    """A form's values as the service's schema, a value it refuses said as bad input of its field."""
    try:
        return model(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(".".join(str(p) for p in first["loc"]) or "form", first["msg"]) from None


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date") from None


@router.post("/campuses/{campus_id}/responses", response_class=HTMLResponse)
def open_form(
    request: Request,
    session: Db,
    actor: CurrentActor,
    campus_id: int,
    outbreak_on: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Open the response to an outbreak on the campus, every task owned by `owner` with the default deadline."""
    try:
        if not owner.strip():
            raise InvalidInput("owner", "missing")
        data = _valid(
            ResponseOpen,
            campus_id=campus_id,
            outbreak_on=_day(outbreak_on, "outbreak_on"),
            owner=owner,
            note=note or None,
        )
        open_response(session, actor, data, now=now_of(request), policy=request.app.state.policy)
    except FangkongError as exc:
        return _refused(request, session, actor, campus_id, exc, "response")
    return RedirectResponse(f"/campuses/{campus_id}?" + urlencode({"saved": "response"}), status_code=303)


@router.post("/campus-tasks/{task_id}/done", response_class=HTMLResponse)
def done_form(
    request: Request,
    session: Db,
    actor: CurrentActor,
    task_id: int,
    campus_id: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
) -> Response:
    """Mark a task done."""
    try:
        complete_task(session, actor, task_id, _valid(TaskDone, note=note or None), now=now_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, campus_id, exc, f"task-{task_id}")
    return RedirectResponse(f"/campuses/{campus_id}?" + urlencode({"saved": "task"}), status_code=303)


@router.post("/campuses/{campus_id}/closures", response_class=HTMLResponse)
def closure_form(
    request: Request,
    session: Db,
    actor: CurrentActor,
    campus_id: int,
    kind: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = "",
    approval_ref: Annotated[str, Form()] = "",
    approved_by: Annotated[str, Form()] = "",
    approved_on: Annotated[str, Form()] = "",
) -> Response:
    """Request a closure: without an approval record (or beyond the days one covers) the guard refuses it, and the
    refusal is an over-reach finding for the supervisors."""
    try:
        if not days.strip().isdigit() or not 1 <= int(days) <= 366:
            raise InvalidInput("days", f"{days!r} is not a number of days")
        approval = None
        if approval_ref.strip() or approved_by.strip() or approved_on.strip():
            approval = _valid(
                Approval,
                reference=approval_ref.strip() or "-",
                approved_by=approved_by.strip() or "-",
                approved_on=_day(approved_on, "approval.approved_on"),
            )
        data = _valid(ClosureRequest, kind=kind, days=int(days), approval=approval)
        outcome = request_closure(session, actor, campus_id, data, now=now_of(request), policy=request.app.state.policy)
    except FangkongError as exc:
        return _refused(request, session, actor, campus_id, exc, "closure")
    if not outcome.allowed:  # the finding stays: the page answers without rolling back
        reasons = outcome.reasons
        problem = {
            "field": outcome.field,
            "message": reasons[0].text if reasons else "",
            "clause": reasons[-1].clause if reasons else None,
            "form": "closure",
            "reasons": reasons,
        }
        return _campus_page(request, session, actor, campus_id, problem=problem, status=422)
    return RedirectResponse(f"/campuses/{campus_id}?" + urlencode({"saved": "closure"}), status_code=303)
