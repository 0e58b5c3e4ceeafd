"""People in the console. Finding them: one search box (a name, an ID or passport number, or a phone number),
filters by category and management, server-side sorting and paging; every person listed is noted in their audit
trail, as the API's list does (`persons.service.list_persons`), and identifiers are masked unless the role sees
them. One person: everything a worker needs on one page (`services.person_overview`) — the code of the day with
its reasons, each plan as a timeline with a legend and the tests done and owed, infection, holds, retests, each
order's history and, for a supervisor, who looked — and, for staff who may see identifiers, a form that downloads
everything held about them (PIPL art. 45) through the API's export service, with the reason it asks for."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, Forbidden, InvalidInput, http_status
from fangkong.policy import Policy
from fangkong.policy.terms import Category
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import entries_for
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import names_of_places, place_by_name, place_names
from fangkong.services.person_overview import person_overview
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import PERSON_SORTS, create_person, list_persons, to_read
from fangkong.services.retention.export import person_export
from fangkong.web.pages import CurrentActor, Db, _lang, error_page, list_link, render, today_of
from fangkong.web.vaccination_pages import person_block

router = APIRouter(include_in_schema=False)
PAGE = 25
# a mainland resident ID (15 or 18 characters, the last may be X) or a passport-like number (letters then digits)
_DOCUMENT = re.compile(r"^(\d{15}|\d{17}[\dXx]|[A-Za-z]{1,3}\d{5,12})$")
_PHONE = re.compile(r"^\+?[\d -]{5,30}$")


def search_terms(q: str) -> dict[str, str]:
    """What one search box means: a document number, a phone number, or part of a name."""
    q = q.strip()
    if not q:
        return {}
    if _DOCUMENT.match(q):
        return {"document_number": q}
    if _PHONE.match(q):
        return {"phone": q}
    return {"name": q}


@router.get("/persons", response_class=HTMLResponse)
def persons(
    request: Request,
    session: Db,
    actor: CurrentActor,
    q: str = "",
    category: str = "",
    under_management: str = "",
    sort: str = "name",
    offset: int = 0,
) -> HTMLResponse:
    filters = {"q": q, "category": category, "under_management": under_management, "sort": sort}
    problem: dict[str, Any] | None = None
    rows: list[Any] = []
    places: dict[str, str] = {}
    total = 0
    try:
        found, total = list_persons(
            session,
            actor,
            **search_terms(q),
            category=category or None,
            under_management={"yes": True, "no": False}.get(under_management),
            sort=sort,
            offset=max(offset, 0),
            limit=PAGE,
            reason="console search",
        )
        rows = [to_read(p, actor) for p in found]
        places = names_of_places(session, [p.jurisdiction_code for p in rows])
        status = 200
    except FangkongError as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem = {"field": field, "message": message, "clause": clause}
        status = http_status(exc)

    link = list_link("/persons", {**filters, "offset": offset})
    return render(
        request,
        "persons.html",
        status=status,
        actor=actor,
        rows=rows,
        total=total,
        offset=offset,
        page=PAGE,
        filters=filters,
        problem=problem,
        categories=[c.value for c in Category],
        sorts=list(PERSON_SORTS),
        link=link,
        places=places,
    )


DOCUMENT_TYPES = ("resident_id", "passport", "other")
PERSON_FIELDS = ("name", "document_type", "document_number", "phone", "address", "building", "unit", "place")


@router.get("/persons/new", response_class=HTMLResponse)
def person_form(request: Request, session: Db, actor: CurrentActor) -> HTMLResponse:
    """Register a person (a community worker's task): the community picked by its name."""
    if not actor.may(Permission.write_persons):
        return error_page(request, actor, Forbidden("your role may not register people"))
    return render(
        request,
        "person_form.html",
        actor=actor,
        values={"document_type": "resident_id"},
        problem=None,
        places=_communities(session, actor),
        document_types=DOCUMENT_TYPES,
    )


def _communities(session: Db, actor: CurrentActor) -> dict[str, str]:
    return {code: name for code, name in place_names(session, actor).items() if "·" not in name}


@router.post("/persons/new", response_class=HTMLResponse)
async def person_submit(request: Request, session: Db, actor: CurrentActor) -> Response:
    """Registered through the same service as the API's `POST /api/persons` (a resident ID checked against
    GB 11643, a duplicate refused); a refusal re-shows the form with the field named and stores nothing."""
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in PERSON_FIELDS}
    try:
        if not values["place"]:
            raise InvalidInput("place", "choose the community the person lives in")
        code = place_by_name(session, actor, values["place"], field="place")
        try:
            data = PersonCreate(
                name=values["name"],
                document_type=values["document_type"],
                document_number=values["document_number"],
                phone=values["phone"] or None,
                address=values["address"],
                building=values["building"] or None,
                unit=values["unit"] or None,
                jurisdiction_code=code,
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InvalidInput(str(first["loc"][0]) if first["loc"] else "form", first["msg"]) from None
        person = create_person(session, actor, data, today=today_of(request), reason="console registration")
    except FangkongError as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        return render(
            request,
            "person_form.html",
            status=http_status(exc),
            actor=actor,
            values=values,
            problem={"field": "place" if field == "jurisdiction_code" else field, "message": message, "clause": clause},
            places=_communities(session, actor),
            document_types=DOCUMENT_TYPES,
        )
    return RedirectResponse(f"/persons/{person.id}", status_code=303)


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request, session: Db, actor: CurrentActor, policy: Rules, person_id: int, sampled: str = ""
) -> HTMLResponse:
    # `sampled`: the day of a test just recorded from this page (web/sample_pages.py), said back to the worker
    return _person(request, session, actor, policy, person_id, sampled=sampled)


def _person(
    request: Request,
    session: Db,
    actor: Actor,
    policy: Policy,
    person_id: int,
    *,
    problem: dict[str, Any] | None = None,
    vaccination_problem: dict[str, Any] | None = None,
    sample_problem: dict[str, Any] | None = None,
    sampled: str = "",
    status: int = 200,
) -> HTMLResponse:
    today = today_of(request)
    try:
        overview = person_overview(session, actor, person_id, on=today, policy=policy)
        vaccination = person_block(session, actor, person_id, today, policy, _lang(request), vaccination_problem)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    trail = (
        entries_for(session, actor, entity="person", entity_id=person_id, limit=50)[0]
        if actor.may(Permission.read_audit)
        else None
    )
    place = session.get(Jurisdiction, overview.person.jurisdiction_code)
    return render(
        request,
        "person.html",
        status=status,
        actor=actor,
        o=overview,
        person=overview.person,
        trail=trail,
        today=today,
        jurisdiction=place.name if place else overview.person.jurisdiction_code,
        problem=problem,
        vaccination=vaccination,  # measure 12: doses, status and the form (vaccination_pages)
        sample_problem=sample_problem,  # one test recorded by hand, refused (sample_pages)
        sampled=sampled,
    )


EXPORT_REASON_MAX = 500


@router.post("/persons/{person_id}/export")
def person_export_download(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    person_id: int,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Everything held about the person, as the API's `GET /api/persons/{id}/export` gives it (PIPL art. 45: the
    same service, scope, unmasking rule and `exported` audit entry, with the reason given), downloaded as a JSON
    file. A form without a reason is refused with the field named, and nothing is exported or audited as one."""
    reason = reason.strip()
    try:
        if not reason:
            raise InvalidInput("reason", "say why the copy is made (kept in the audit log)")
        if len(reason) > EXPORT_REASON_MAX:
            raise InvalidInput("reason", f"longer than {EXPORT_REASON_MAX} characters")
        export = person_export(session, actor, person_id, reason=reason)
    except InvalidInput as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem = {"field": field, "message": message, "clause": clause}
        return _person(request, session, actor, policy, person_id, problem=problem, status=http_status(exc))
    except FangkongError as exc:
        session.rollback()
        return error_page(request, actor, exc)
    body = json.dumps(jsonable_encoder(export), ensure_ascii=False, indent=2)
    return Response(
        body,
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="person-{person_id}.json"',
            "Cache-Control": "no-store",  # an unmasked copy: not kept by the browser's or a proxy's cache
        },
    )
