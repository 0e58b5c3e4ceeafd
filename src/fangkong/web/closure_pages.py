"""The needs queue of people under closure in the console (measure 17): the needs still to be met in the worker's
jurisdiction, earliest deadline first, with kind, urgency, deadline, who has it and how far it was escalated; a late
one is said to be late in words. Filters by state, kind, urgency and lateness. It reads through the service the API
uses (`list_needs`: the same scope, and each listed need in its person's trail)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, http_status
from fangkong.policy.terms import NeedKind, NeedStatus, Urgency
from fangkong.services.closure_services.service import (
    NeedAssign,
    NeedDone,
    assign_need,
    complete_need,
    is_overdue,
    list_needs,
)
from fangkong.web.pages import CurrentActor, Db, error_page, now_of, render

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/needs", response_class=HTMLResponse)
def needs(
    request: Request,
    session: Db,
    actor: CurrentActor,
    status: str | None = None,
    kind: str | None = None,
    urgency: str | None = None,
    overdue: str | None = None,
    offset: int = 0,
    taken: int | None = None,
    met: int | None = None,
) -> HTMLResponse:
    """The needs queue: open and assigned needs unless another state is asked for (measure 17)."""
    notice = {"key": "need_taken"} if taken else {"key": "need_met"} if met else None
    return _page(request, session, actor, status, kind, urgency, overdue, offset, notice=notice)


def _page(
    request: Request,
    session: Db,
    actor: CurrentActor,
    status: str | None,
    kind: str | None,
    urgency: str | None,
    overdue: str | None,
    offset: int,
    *,
    notice: dict[str, Any] | None = None,
    problem: dict[str, Any] | None = None,
    code: int = 200,
) -> HTMLResponse:
    now = now_of(request)
    try:
        rows, total = list_needs(
            session,
            actor,
            now=now,
            status=status or None,
            still_open=not status,
            kind=kind or None,
            urgency=urgency or None,
            overdue=True if overdue == "yes" else None,
            offset=offset,
            limit=PAGE,
            reason="console",
        )
    except FangkongError as exc:
        return error_page(request, actor, exc)

    def link(**change: Any) -> str:
        query = {"status": status or "", "kind": kind or "", "urgency": urgency or "", "overdue": overdue or ""}
        query |= {"offset": offset} | change
        return "/needs?" + urlencode({k: v for k, v in query.items() if v not in ("", None, 0)})

    return render(
        request,
        "needs.html",
        status=code,
        actor=actor,
        notice=notice,
        problem=problem,
        rows=[(n, is_overdue(n, now)) for n in rows],
        total=total,
        state=status or "",
        kind=kind or "",
        urgency=urgency or "",
        overdue=overdue or "",
        statuses=[s.value for s in NeedStatus],
        kinds=[k.value for k in NeedKind],
        urgencies=[u.value for u in Urgency],
        offset=offset,
        page=PAGE,
        link=link,
    )


def _act(request: Request, session: Db, actor: CurrentActor, need_id: int, act: str) -> Response:
    """Take a need (assign it to oneself) or mark it met; a refusal shows the queue again with it, nothing changed."""
    now = now_of(request)
    try:
        if act == "take":
            assign_need(session, actor, need_id, NeedAssign(assignee=actor.username), now=now)
        else:
            complete_need(session, actor, need_id, NeedDone(), now=now)
    except FangkongError as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem = {"field": field, "message": message, "clause": clause}
        return _page(request, session, actor, None, None, None, None, 0, problem=problem, code=http_status(exc))
    return RedirectResponse(f"/needs?{'taken' if act == 'take' else 'met'}={need_id}", status_code=303)


@router.post("/needs/{need_id}/take", response_class=HTMLResponse)
def take(request: Request, session: Db, actor: CurrentActor, need_id: int) -> Response:
    """Assign a need to the signed-in worker."""
    return _act(request, session, actor, need_id, "take")


@router.post("/needs/{need_id}/done", response_class=HTMLResponse)
def done(request: Request, session: Db, actor: CurrentActor, need_id: int) -> Response:
    """Mark a need met."""
    return _act(request, session, actor, need_id, "done")
