"""Home visits in the console (issue 16: "the community worker ... records a home visit"): a phone-sized form the
worker fills in at the door of a person isolated or monitored at home (measures 1 and 5), and the day's visits with
those needing follow-up picked out. Both go through `services.visits` as the API does: the same scope, checks and
audit; a refused form is shown again with the field named and nothing stored."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.rules.home_visit import SYMPTOMS
from fangkong.services.access import Actor, Permission
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.orders.service import read_order, stored_plan
from fangkong.services.visits.service import NONE, VisitCreate, list_visits, record_visit
from fangkong.web.pages import CurrentActor, Db, day_param, error_page, now_of, render, today_of

router = APIRouter(include_in_schema=False)
PAGE = 50
SYMPTOM_BOXES = (NONE, *(s.value for s in SYMPTOMS))


def _order_for_form(session: Db, actor: Actor, order_id: int, on: date) -> tuple[ManagementOrder, str | None]:
    """The order the visit belongs to (an audited read of the person's record) and its phase on the day."""
    actor.require(Permission.change_orders)
    order = read_order(session, actor, order_id, reason="home visit")
    phase = stored_plan(order).phase_on(on) if order.start <= on else None
    return order, phase.kind.value if phase is not None else None


def _form(
    request: Request,
    actor: Actor,
    order: ManagementOrder,
    phase: str | None,
    values: dict[str, Any],
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "visit_form.html",
        status=status,
        actor=actor,
        order=order,
        phase=phase,
        values=values,
        problem=problem,
        symptom_boxes=SYMPTOM_BOXES,
    )


@router.get("/visits/new", response_class=HTMLResponse)
def visit_form(request: Request, session: Db, actor: CurrentActor, order_id: int) -> HTMLResponse:
    """The worker opens the form for a person under home isolation or home health monitoring (measures 1, 5)."""
    today = today_of(request)
    try:
        order, phase = _order_for_form(session, actor, order_id, today)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    values = {"visited_on": today.isoformat(), "at_home": "yes", "stayed_home": "yes", "symptoms": []}
    return _form(request, actor, order, phase, values)


def _temperature(text: str) -> float | None:
    """A reading as typed on a phone: empty (not taken), `37.5`, or `37,5`."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput("temperature", f"{text!r} is not a temperature") from None


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


@router.post("/visits/new", response_class=HTMLResponse)
def visit_submit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    order_id: Annotated[int, Form()],
    visited_on: Annotated[str, Form()] = "",
    at_home: Annotated[str, Form()] = "yes",
    temperature: Annotated[str, Form()] = "",
    symptoms: Annotated[list[str] | None, Form()] = None,
    stayed_home: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record the visit (measures 1, 5); a fever, a symptom, or the person away or gone out flags it for
    follow-up (`rules.home_visit`). A refusal shows the form again, with the field named, and stores nothing."""
    today = today_of(request)
    values = {
        "visited_on": visited_on,
        "at_home": at_home,
        "temperature": temperature,
        "symptoms": symptoms or [],
        "stayed_home": stayed_home,
        "note": note,
    }
    try:
        day = day_param(visited_on, today)
        data = VisitCreate(
            visited_on=day,
            at_home=at_home != "no",
            temperature=_temperature(temperature),
            symptoms=symptoms or [],
            stayed_home=_yes_no(stayed_home),
            note=note or None,
        )
        visit = record_visit(session, actor, order_id, data, today=today, now=now_of(request))
    except FangkongError as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        if field == "on":
            field = "visited_on"  # the day's parser names its own parameter
        try:
            order, phase = _order_for_form(session, actor, order_id, today)
        except FangkongError as inner:
            return error_page(request, actor, inner)
        problem = {"field": field, "message": message, "clause": clause}
        return _form(request, actor, order, phase, values, problem, status=http_status(exc))
    query = urlencode({"on": visit.visited_on.isoformat(), "saved": visit.person.name})
    return RedirectResponse(f"/visits?{query}", status_code=303)


@router.get("/visits", response_class=HTMLResponse)
def visits(
    request: Request,
    session: Db,
    actor: CurrentActor,
    on: str | None = None,
    follow_up: str | None = None,
    offset: int = 0,
    saved: str | None = None,
) -> HTMLResponse:
    """The day's home visits in the worker's jurisdiction, those needing follow-up first; `follow_up=yes` keeps only
    them (measures 1, 5: the health of people at home is watched and acted on)."""
    try:
        day = day_param(on, today_of(request))
        rows, total = list_visits(
            session,
            actor,
            on=day,
            follow_up=True if follow_up == "yes" else None,
            offset=offset,
            limit=PAGE,
            reason="console",
        )
    except FangkongError as exc:
        return error_page(request, actor, exc)

    def link(**change: Any) -> str:
        query = {"on": day.isoformat(), "follow_up": follow_up or "", "offset": offset} | change
        return "/visits?" + urlencode({k: v for k, v in query.items() if v not in ("", None, 0)})

    return render(
        request,
        "visits.html",
        actor=actor,
        rows=rows,
        total=total,
        on=day,
        follow_up=follow_up or "",
        offset=offset,
        page=PAGE,
        link=link,
        saved=saved,
    )
