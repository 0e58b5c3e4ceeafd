"""People in the console. Finding them: one search box (a name, an ID or passport number, or a phone number),
filters by category and management, server-side sorting and paging; every person listed is noted in their audit
trail, as the API's list does (`persons.service.list_persons`), and identifiers are masked unless the role sees
them. One person: everything a worker needs on one page (`services.person_overview`) — the code of the day with
its reasons, each plan as a timeline with a legend and the tests done and owed, infection, holds, retests, each
order's history and, for a supervisor, who looked."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, http_status
from fangkong.policy.terms import Category
from fangkong.services.access import Permission
from fangkong.services.audit.service import entries_for
from fangkong.services.person_overview import person_overview
from fangkong.services.persons.service import PERSON_SORTS, list_persons, to_read
from fangkong.web.pages import CurrentActor, Db, error_page, render, today_of

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
        status = 200
    except FangkongError as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem = {"field": field, "message": message, "clause": clause}
        status = http_status(exc)

    def link(**change: Any) -> str:
        query = {k: v for k, v in {**filters, "offset": offset, **change}.items() if v not in ("", None, 0)}
        return "/persons?" + urlencode(query)

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
    )


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, session: Db, actor: CurrentActor, policy: Rules, person_id: int) -> HTMLResponse:
    today = today_of(request)
    try:
        overview = person_overview(session, actor, person_id, on=today, policy=policy)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    trail = (
        entries_for(session, actor, entity="person", entity_id=person_id, limit=50)[0]
        if actor.may(Permission.read_audit)
        else None
    )
    return render(request, "person.html", actor=actor, o=overview, person=overview.person, trail=trail, today=today)
