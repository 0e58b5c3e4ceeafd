"""Arrivals from other provinces in the console: the landing check of measure 15 (m20.15) as the community worker
works it — today's list (still due a test, or missed and to be reminded), a phone-sized follow-up form per person,
the register of arrivals with its filters, and a form to register one arrival. Everything goes through
`services.arrivals` as the API does: the same scope, checks and audit; a refused form is shown again with the field
named and nothing stored. The test is voluntary and restricts nobody (m20-docs.testing): the page says so."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.policy.terms import ArrivalFollowUpOutcome, LandingStatus
from fangkong.rules.landing_check import PROVINCES
from fangkong.services.access import Actor
from fangkong.services.arrivals.service import (
    ArrivalIn,
    FollowUpIn,
    arrival_in_scope,
    list_arrivals,
    record_arrival,
    record_follow_up,
    work_list,
)
from fangkong.services.audit.reads import read_of
from fangkong.services.calendar import assume_local
from fangkong.services.persons.service import people_by_document
from fangkong.web.pages import CurrentActor, Db, error_page, now_of, render

router = APIRouter(include_in_schema=False)
PAGE = 50
STATUSES = tuple(s.value for s in LandingStatus)
OUTCOMES = tuple(o.value for o in ArrivalFollowUpOutcome)


def _day(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a day (YYYY-MM-DD)") from None


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    query: dict[str, str],
    offset: int,
    *,
    saved: str = "",
    done: str = "",
    problem: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    now = now_of(request)
    offset = max(0, offset)
    chosen = query.get("status", "")
    today = work_list(session, actor, now=now)
    read_of(session, actor, "arrivals", (s.arrival.person_id for s in today), detail={"work_list": True})
    rows, total = list_arrivals(
        session,
        actor,
        now=now,
        status=[chosen] if chosen else None,
        migrant_worker=True if query.get("migrant") == "yes" else None,
        date_from=_day(query.get("from", ""), "from"),
        date_to=_day(query.get("to", ""), "to"),
        offset=offset,
        limit=PAGE,
    )

    def link(**change: Any) -> str:
        current = {**query, "offset": offset} | change
        return "/arrivals?" + urlencode({k: v for k, v in current.items() if v not in ("", None, 0)})

    return render(
        request,
        "arrivals.html",
        status=status,
        actor=actor,
        today_list=today,
        rows=rows,
        total=total,
        filters=query,
        offset=offset,
        page=PAGE,
        link=link,
        statuses=STATUSES,
        outcomes=OUTCOMES,
        provinces=PROVINCES,
        saved=saved,
        done="follow_up" if done == "follow_up" else "register",
        problem=problem,
        values=values or {"migrant_worker": "yes"},
    )


def _refused(
    request: Request, session: Session, actor: Actor, exc: FangkongError, form: str, values: dict[str, Any]
) -> HTMLResponse:
    session.rollback()
    message, field, clause, _ = error_parts(exc)
    problem = {"field": field, "message": message, "clause": clause, "form": form}
    try:
        return _page(request, session, actor, {}, 0, problem=problem, values=values, status=http_status(exc))
    except FangkongError as inner:
        return error_page(request, actor, inner)


@router.get("/arrivals", response_class=HTMLResponse)
def arrivals(
    request: Request,
    session: Db,
    actor: CurrentActor,
    status: str = "",
    migrant: str = "",
    offset: int = 0,
    saved: str = "",
    done: str = "",
) -> HTMLResponse:
    """Today's landing-check list and the register of arrivals (measure 15), filtered by state, migrant workers and
    the days of arrival (`from`, `to`)."""
    query = {
        "status": status,
        "migrant": migrant,
        "from": request.query_params.get("from", ""),
        "to": request.query_params.get("to", ""),
    }
    try:
        return _page(request, session, actor, query, offset, saved=saved, done=done)
    except FangkongError as exc:
        return error_page(request, actor, exc)


def _arrived_at(text: str) -> datetime:
    """A `datetime-local` field (the jurisdiction's wall clock) or ISO 8601 with an offset."""
    try:
        return assume_local(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise InvalidInput("arrived_at", f"{text!r} is not a date and time") from None


@router.post("/arrivals/new", response_class=HTMLResponse)
def register(
    request: Request,
    session: Db,
    actor: CurrentActor,
    document_number: Annotated[str, Form()] = "",
    arrived_at: Annotated[str, Form()] = "",
    from_province: Annotated[str, Form()] = "",
    from_place: Annotated[str, Form()] = "",
    migrant_worker: Annotated[str, Form()] = "",
    employer: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Register one arrival of a person of the jurisdiction found by document number (measure 15)."""
    values = {
        "document_number": document_number,
        "arrived_at": arrived_at,
        "from_province": from_province,
        "from_place": from_place,
        "migrant_worker": migrant_worker,
        "employer": employer,
        "note": note,
    }
    try:
        number = document_number.strip().upper()
        if not number:
            raise InvalidInput("document_number", "missing")
        person_id = people_by_document(session, actor, {number}).get(number)
        if person_id is None:
            raise InvalidInput("document_number", "no person with this document in your jurisdiction")
        if not arrived_at.strip():
            raise InvalidInput("arrived_at", "missing")
        data = ArrivalIn(
            person_id=person_id,
            arrived_at=_arrived_at(arrived_at),
            from_province=from_province,
            from_place=from_place or None,
            migrant_worker=migrant_worker == "yes",
            employer=employer or None,
            note=note or None,
        )
        arrival = record_arrival(session, actor, data, now=now_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, "register", values)
    return RedirectResponse(
        "/arrivals?" + urlencode({"saved": arrival.person.name, "done": "register"}), status_code=303
    )


@router.post("/arrivals/{arrival_id}/follow-ups", response_class=HTMLResponse)
def follow_up(
    request: Request,
    session: Db,
    actor: CurrentActor,
    arrival_id: int,
    outcome: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record what came of reminding an arrival who missed the test (a reminder only: the test is voluntary)."""
    try:
        record_follow_up(
            session, actor, arrival_id, FollowUpIn(outcome=outcome, note=note or None), now=now_of(request)
        )
        name = arrival_in_scope(session, actor, arrival_id).person.name
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"follow-up-{arrival_id}", {})
    return RedirectResponse("/arrivals?" + urlencode({"saved": name, "done": "follow_up"}), status_code=303)
