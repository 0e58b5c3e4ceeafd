"""Complaints and clues in the console (接诉即办, measure 18; clues and typical cases, measure 16): the complaint queue
of the reader's jurisdiction with its response deadlines (a late one said in words), a form to record a complaint or
hotline call, a complaint's page with its grounds, escalations and the forms to answer it, close it with feedback and
publish it as a typical case, and the public page of typical cases (no login, no personal data). Everything goes
through `services.complaints` as the API does; a refused form is shown again with the field named, nothing stored."""

from __future__ import annotations

from typing import Annotated, Any, Unpack

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from fangkong.api.deps import Rules
from fangkong.errors import FangkongError, http_status
from fangkong.rules.complaints import Channel, ComplainantKind, ComplaintCategory, ComplaintStatus, Department
from fangkong.services.access import Actor, Permission
from fangkong.services.complaints.service import (
    CaseCreate,
    ComplaintAnswer,
    ComplaintClose,
    ComplaintCreate,
    answer_complaint,
    close_complaint,
    is_overdue,
    jurisdiction_names,
    list_complaints,
    list_escalations,
    public_cases,
    publish_case,
    read_complaint,
    receive_complaint,
    to_read,
)
from fangkong.services.jurisdictions.service import list_jurisdictions
from fangkong.web.pages import CurrentActor, Db, error_page, now_of, render
from fangkong.web.queue import PAGE, Queue, Shown, problem_of

router = APIRouter(include_in_schema=False)
VOCAB = {
    "statuses": tuple(s.value for s in ComplaintStatus),
    "categories": tuple(c.value for c in ComplaintCategory),
    "channels": tuple(c.value for c in Channel),
    "kinds": tuple(k.value for k in ComplainantKind),
    "departments": tuple(d.value for d in Department),
    "urgencies": ("emergency", "urgent", "routine"),
}


def _queue(
    request: Request, session: Session, actor: Actor, filters: dict[str, str], offset: int, **shown: Unpack[Shown]
) -> HTMLResponse:
    q = Queue.at(request, session, actor, "/complaints", filters, offset)
    rows, total = list_complaints(
        session,
        actor,
        now=q.now,
        status=filters.get("status") or None,
        category=filters.get("category") or None,
        overdue=True if filters.get("overdue") == "yes" else None,
        clues=True if filters.get("clues") == "yes" else None,
        offset=q.offset,
        limit=PAGE,
    )
    return q.render(
        "complaints.html",
        [to_read(c, now=q.now) for c in rows],
        total,
        shown,
        names=q.names(c.jurisdiction_code for c in rows),
        places=list_jurisdictions(session, actor) if actor.may(Permission.write_persons) else [],
        **VOCAB,
    )


@router.get("/complaints", response_class=HTMLResponse)
def complaints(
    request: Request,
    session: Db,
    actor: CurrentActor,
    status: str = "",
    category: str = "",
    overdue: str = "",
    clues: str = "",
    offset: int = 0,
    saved: str = "",
) -> HTMLResponse:
    """The complaint queue (measure 18), the earliest deadline first; complainants masked. `clues=yes`: only the
    clues of over-reach (the supervisor's view of clues and their rectifications)."""
    try:
        filters = {"status": status, "category": category, "overdue": overdue, "clues": clues}
        return _queue(request, session, actor, filters, offset, saved=saved)
    except FangkongError as exc:
        return error_page(request, actor, exc)


@router.post("/complaints", response_class=HTMLResponse)
def receive(
    request: Request,
    session: Db,
    actor: CurrentActor,
    rules: Rules,
    content: Annotated[str, Form()] = "",
    jurisdiction_code: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "general",
    channel: Annotated[str, Form()] = "hotline",
    complainant_kind: Annotated[str, Form()] = "resident",
    complainant_name: Annotated[str, Form()] = "",
    complainant_phone: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    affected: Annotated[str, Form()] = "",
    urgency: Annotated[str, Form()] = "",
) -> Response:
    """Record a complaint or hotline call; it is routed with its deadline by the rules."""
    try:
        data = ComplaintCreate(
            content=content,
            jurisdiction_code=jurisdiction_code or "-",
            category=category,
            channel=channel,
            complainant_kind=complainant_kind,
            complainant_name=complainant_name or None,
            complainant_phone=complainant_phone or None,
            place=place or None,
            affected=affected or None,
            urgency=urgency or None,
        )
        c = receive_complaint(session, actor, data, now=now_of(request), policy=rules)
    except FangkongError as exc:
        session.rollback()
        try:
            return _queue(request, session, actor, {}, 0, problem=problem_of(exc, "receive"), status=http_status(exc))
        except FangkongError as inner:
            return error_page(request, actor, inner)
    return RedirectResponse(f"/complaints/{c.id}?saved=received", status_code=303)


def _one(
    request: Request,
    session: Session,
    actor: Actor,
    complaint_id: int,
    *,
    saved: str = "",
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    now = now_of(request)
    c, unmasked = read_complaint(session, actor, complaint_id)
    steps, _ = list_escalations(session, actor, complaint_id, limit=10)
    names = jurisdiction_names(session, {c.jurisdiction_code} | {s.to_jurisdiction_code for s in steps})
    return render(
        request,
        "complaint.html",
        status=status,
        actor=actor,
        c=to_read(c, now=now, unmasked=unmasked),
        overdue=is_overdue(c, now),
        steps=steps,
        names=names,
        saved=saved,
        problem=problem,
    )


@router.get("/complaints/{complaint_id}", response_class=HTMLResponse)
def complaint(request: Request, session: Db, actor: CurrentActor, complaint_id: int, saved: str = "") -> HTMLResponse:
    """One complaint (the read audited): its grounds, escalations and the next step."""
    try:
        return _one(request, session, actor, complaint_id, saved=saved)
    except FangkongError as exc:
        return error_page(request, actor, exc)


def _refused(
    request: Request, session: Session, actor: Actor, complaint_id: int, exc: FangkongError, form: str
) -> Response:
    session.rollback()
    try:
        return _one(request, session, actor, complaint_id, problem=problem_of(exc, form), status=http_status(exc))
    except FangkongError as inner:
        return error_page(request, actor, inner)


@router.post("/complaints/{complaint_id}/answer", response_class=HTMLResponse)
def answer(
    request: Request, session: Db, actor: CurrentActor, complaint_id: int, answer: Annotated[str, Form()] = ""
) -> Response:
    """The department's answer."""
    try:
        answer_complaint(session, actor, complaint_id, ComplaintAnswer(answer=answer or None), now=now_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, complaint_id, exc, "answer")
    return RedirectResponse(f"/complaints/{complaint_id}?saved=answered", status_code=303)


@router.post("/complaints/{complaint_id}/close", response_class=HTMLResponse)
def close(
    request: Request,
    session: Db,
    actor: CurrentActor,
    complaint_id: int,
    feedback: Annotated[str, Form()] = "",
    rectification: Annotated[str, Form()] = "",
) -> Response:
    """Close with feedback to the complainant."""
    try:
        data = ComplaintClose(feedback=feedback or None, rectification=rectification or None)
        close_complaint(session, actor, complaint_id, data, now=now_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, complaint_id, exc, "close")
    return RedirectResponse(f"/complaints/{complaint_id}?saved=closed", status_code=303)


@router.post("/complaints/{complaint_id}/case", response_class=HTMLResponse)
def publish(
    request: Request,
    session: Db,
    actor: CurrentActor,
    complaint_id: int,
    rules: Rules,
    title: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
    rectification: Annotated[str, Form()] = "",
) -> Response:
    """Publish a closed, rectified complaint as a typical case; refused while it holds a name, ID number or phone."""
    try:
        data = CaseCreate(title=title or None, summary=summary or None, rectification=rectification or None)
        publish_case(session, actor, complaint_id, data, now=now_of(request), policy=rules)
    except FangkongError as exc:
        return _refused(request, session, actor, complaint_id, exc, "case")
    return RedirectResponse("/public/cases", status_code=303)


@router.get("/public/cases", response_class=HTMLResponse)
def cases(request: Request, session: Db, offset: int = 0) -> HTMLResponse:
    """The published typical cases (measure 16's public exposure): no login, no personal data."""
    try:
        rows, total = public_cases(session, offset=max(0, offset), limit=PAGE)
    except FangkongError as exc:
        return error_page(request, None, exc)
    names = jurisdiction_names(session, {c.jurisdiction_code for c in rows})
    return render(request, "public_cases.html", rows=rows, total=total, names=names, offset=max(0, offset), page=PAGE)
