"""The console's forms for the daily actions: place a person under management, record lab results, delineate an
area, propose a testing campaign. A refused form is shown again
with the message next to the field the service named; a refusal of the rules shows its clause."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, LoginRequired, Refused, http_status
from fangkong.policy.terms import CampaignCondition, CampaignScope, Category, parse_term
from fangkong.services.areas.models import DelineationReason
from fangkong.services.areas.service import Delineation, delineate
from fangkong.services.campaigns.service import CampaignCreate, campaigns_in_scope, propose
from fangkong.services.file_imports.history import record_refused
from fangkong.services.file_imports.rows import format_of
from fangkong.services.jurisdictions.service import place_by_name, place_names
from fangkong.services.lab.imports import import_results, import_samples
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.overreach.service import record_refusal
from fangkong.services.store import unit_of_work
from fangkong.services.tracing.hand_placed import place_order_by_hand
from fangkong.web.pages import CurrentActor, Db, actor_of_cookie, day_param, now_of, render, today_of

router = APIRouter(include_in_schema=False)

# every category the rules know: the service refuses one the version in force does not manage, with its clause
CATEGORIES = tuple(c.value for c in Category)
REASONS = tuple(r.value for r in DelineationReason)


def _refused(session: Any, actor: Any, request: Request, exc: FangkongError) -> dict[str, str | None]:
    """Undo the refused action, keep a refusal of the rules as a finding (as the API does), and say where the
    message goes on the form."""
    session.rollback()
    if isinstance(exc, Refused):
        record_refusal(session, actor, exc, on=today_of(request), subject=f"console {request.url.path}")
    return _problem(exc)


def _problem(exc: FangkongError) -> dict[str, str | None]:
    """Where a refusal goes on the form: the field named by the service, and the clause of the rules."""
    message, field, clause, _ = error_parts(exc)
    return {"field": field, "message": message, "clause": clause}


@router.get("/forms/order", response_class=HTMLResponse)
def order_form(request: Request, actor: CurrentActor, person_id: str = "") -> HTMLResponse:
    return render(
        request, "form_order.html", actor=actor, values={"person_id": person_id}, problem=None, categories=CATEGORIES
    )


@router.post("/forms/order", response_class=HTMLResponse)
def order_submit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    person_id: Annotated[str, Form()],
    category: Annotated[str, Form()],
    anchor_date: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    values = {"person_id": person_id, "category": category, "anchor_date": anchor_date, "reason": reason}
    try:
        if not person_id.strip().isdigit():
            raise InvalidInput("person_id", "a person's number")
        order, _ = place_order_by_hand(
            session,
            actor,
            OrderCreate(
                person_id=int(person_id),
                category=category,
                anchor_date=day_param(anchor_date, today_of(request)) if anchor_date else None,
                start=None if anchor_date else today_of(request),
                reason=reason or None,
            ),
            now=now_of(request),
            policy=policy,
        )
    except FangkongError as exc:
        return render(
            request,
            "form_order.html",
            status=http_status(exc),
            actor=actor,
            values=values,
            problem=_refused(session, actor, request, exc),
            categories=CATEGORIES,
        )
    return RedirectResponse(f"/persons/{order.person_id}", status_code=303)


@router.get("/forms/results", response_class=HTMLResponse)
def results_form(request: Request, actor: CurrentActor) -> HTMLResponse:
    return render(request, "form_results.html", actor=actor, problem=None, summary=None)


@router.post("/forms/results", response_class=HTMLResponse)
async def results_submit(
    request: Request,
    kind: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> Response:
    data = await file.read()
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_results, request, kind, data, file.filename or "upload.csv")


def _results(request: Request, kind: str, data: bytes, filename: str) -> HTMLResponse:
    with unit_of_work(request.app.state.sessions) as session:
        try:
            actor = actor_of_cookie(request, session)
        except LoginRequired:
            return render(request, "error.html", status=401, title="login", message="")
        try:
            run = import_samples if kind == "samples" else import_results
            summary = run(
                session,
                actor,
                data,
                fmt=format_of(filename),
                now=now_of(request),
                filename=filename,
                policy=request.app.state.policy,
            )
        except FangkongError as exc:
            problem = _refused(session, actor, request, exc)
            row = getattr(exc, "row", None)
            # the import left nothing behind: note the refusal, so its sender finds it among their imports
            record_refused(
                session,
                actor,
                kind="samples" if kind == "samples" else "results",
                filename=filename,
                field=problem["field"],
                message=problem["message"] or "",
                row=row,
                clause=problem["clause"],
            )
            if row is not None:
                problem["field"] = f"{problem['field']} (row {row})"
            return render(request, "form_results.html", status=422, actor=actor, problem=problem, summary=None)
        return render(request, "form_results.html", actor=actor, problem=None, summary=summary)


@router.get("/forms/area", response_class=HTMLResponse)
def area_form(request: Request, session: Db, actor: CurrentActor) -> HTMLResponse:
    """The area is picked by its name (a community, or a building or unit after its community's), not its code."""
    return render(
        request,
        "form_area.html",
        reasons=REASONS,
        actor=actor,
        values={},
        problem=None,
        places=place_names(session, actor),
    )


@router.post("/forms/area", response_class=HTMLResponse)
def area_submit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    area_code: Annotated[str, Form()],
    reason: Annotated[str, Form()],
    justification: Annotated[str, Form()] = "",
    infection_ids: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Delineate an area in two steps: the first submission goes through the service's checks — the guard against
    over-reach, the basis of an infection — and changes nothing, showing what would be done; the second, confirmed,
    does it."""
    values = {
        "area_code": area_code,
        "reason": reason,
        "justification": justification,
        "infection_ids": infection_ids,
        "note": note,
    }
    try:
        ids = [int(x) for x in infection_ids.replace(",", " ").split()] if infection_ids.strip() else []
    except ValueError:
        return render(
            request,
            "form_area.html",
            reasons=REASONS,
            status=422,
            actor=actor,
            values=values,
            problem={"field": "infection_ids", "message": "infection numbers, separated by commas", "clause": None},
            places=place_names(session, actor),
        )
    places = place_names(session, actor)
    try:
        risk = delineate(
            session,
            actor,
            Delineation(
                area_code=place_by_name(session, actor, area_code),
                reason=parse_term(DelineationReason, reason, "reason"),
                justification=justification or None,
                note=note.strip() or None,
                infection_ids=ids,
            ),
            now=now_of(request),
            policy=policy,
        )
    except FangkongError as exc:
        return render(
            request,
            "form_area.html",
            reasons=REASONS,
            status=http_status(exc),
            actor=actor,
            values=values,
            problem=_refused(session, actor, request, exc),
            places=places,
        )
    if confirm != "yes":
        # checked and accepted: undone, and shown for confirmation before it acts
        place = risk.area_code
        session.rollback()
        return render(
            request,
            "form_area.html",
            reasons=REASONS,
            actor=actor,
            values=values,
            problem=None,
            confirming={"place": places.get(place, place), "infections": ids},
            places=places,
        )
    return RedirectResponse(f"/risk-areas/{risk.id}", status_code=303)


@router.get("/forms/campaign", response_class=HTMLResponse)
def campaign_form(request: Request, session: Db, actor: CurrentActor) -> HTMLResponse:
    return render(
        request,
        "form_campaign.html",
        actor=actor,
        values={},
        problem=None,
        campaign=None,
        scopes=[s.value for s in CampaignScope],
        conditions=[c.value for c in CampaignCondition],
        campaigns=campaigns_in_scope(session, actor),
    )


@router.post("/forms/campaign", response_class=HTMLResponse)
def campaign_submit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    area_code: Annotated[str, Form()],
    scope: Annotated[str, Form()],
    start_on: Annotated[str, Form()],
    rounds: Annotated[int, Form()] = 1,
    every_days: Annotated[int, Form()] = 1,
    conditions: Annotated[list[str] | None, Form()] = None,
) -> Response:
    values: dict[str, Any] = {
        "area_code": area_code,
        "scope": scope,
        "start_on": start_on,
        "rounds": rounds,
        "every_days": every_days,
        "conditions": conditions or [],
    }
    scopes, options = [s.value for s in CampaignScope], [c.value for c in CampaignCondition]
    try:
        try:
            data = CampaignCreate(
                area_code=area_code,
                scope=CampaignScope(scope),
                start_on=date.fromisoformat(start_on),
                rounds=rounds,
                every_days=every_days,
                conditions=[CampaignCondition(c) for c in (conditions or [])],
            )
        except ValueError as exc:
            raise InvalidInput(
                "start_on" if "date" in str(exc).lower() else "scope", str(exc).splitlines()[0]
            ) from None
        campaign = propose(session, actor, data, now=now_of(request), policy=policy)
    except FangkongError as exc:
        return render(
            request,
            "form_campaign.html",
            status=http_status(exc),
            actor=actor,
            values=values,
            problem=_refused(session, actor, request, exc),
            campaign=None,
            scopes=scopes,
            conditions=options,
        )
    return render(
        request,
        "form_campaign.html",
        actor=actor,
        values=values,
        problem=None,
        campaign=campaign,
        scopes=scopes,
        conditions=options,
    )
