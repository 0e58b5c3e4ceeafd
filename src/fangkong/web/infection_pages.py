"""The epidemiologist's day in the console (issue 16): the infections, newest first, with filters, sorting and
paging; one infection with where it was found, its transmission chain drawn as a graph (ECharts), and its close
contacts with the evidence behind each proposal (the shared home, or the venue and both scan times); confirming or
dismissing them one at a time, a chosen few, or all at once — each confirmation places the order from the last
exposure (measure 2), all or none; and the list of proposals still waiting, across infections.

Every read goes through the services' scoping and audit (`services.infection_overview`), as the API's does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import Conflict, FangkongError, InvalidInput, Refused, http_status
from fangkong.services.access import Permission
from fangkong.services.infection_overview import every_candidate, infection_overview
from fangkong.services.infections.models import Infection
from fangkong.services.infections.service import FOUND_IN, INFECTION_SORTS, KINDS, list_infections
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import listed_names
from fangkong.services.tracing.candidates import confirm_candidate, dismiss_candidate, list_candidates
from fangkong.services.tracing.models import CandidateStatus, ContactCandidate
from fangkong.web.care_pages import care_block
from fangkong.web.i18n import translate
from fangkong.web.pages import CurrentActor, Db, _lang, day_param, error_page, list_link, now_of, render, today_of

router = APIRouter(include_in_schema=False)
PAGE = 25


def _problem(exc: FangkongError) -> dict[str, Any]:
    message, field, clause, _ = error_parts(exc)
    return {"field": field, "message": message, "clause": clause}


def _names(session: Db, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())


@router.get("/infections", response_class=HTMLResponse)
def infections(
    request: Request,
    session: Db,
    actor: CurrentActor,
    kind: str = "",
    found_in: str = "",
    confirmed_from: str = "",
    confirmed_to: str = "",
    unreported: str = "",
    sort: str = "-confirmed_at",
    offset: int = 0,
) -> HTMLResponse:
    """The infections in the reader's scope: who, what kind, where found, when confirmed, contacts still waiting."""
    filters = {
        "kind": kind,
        "found_in": found_in,
        "confirmed_from": confirmed_from,
        "confirmed_to": confirmed_to,
        "unreported": unreported,
        "sort": sort,
    }
    problem = None
    rows: list[Infection] = []
    total = 0
    waiting: dict[int, int] = {}
    status = 200
    today = today_of(request)
    try:
        rows, total = list_infections(
            session,
            actor,
            kind=kind or None,
            found_in=found_in or None,
            confirmed_from=day_param(confirmed_from, today) if confirmed_from else None,
            confirmed_to=day_param(confirmed_to, today) if confirmed_to else None,
            unreported={"yes": True, "no": False}.get(unreported),
            sort=sort,
            offset=max(offset, 0),
            limit=PAGE,
        )
        for i in rows:
            waiting[i.id] = list_candidates(session, actor, infection_id=i.id, status="proposed", limit=1)[1]
    except FangkongError as exc:
        session.rollback()
        problem, status = _problem(exc), http_status(exc)
    names = listed_names(session, actor, [i.person_id for i in rows], "console infections")

    link = list_link("/infections", {**filters, "offset": offset})
    return render(
        request,
        "infections.html",
        status=status,
        actor=actor,
        rows=rows,
        names=names,
        waiting=waiting,
        total=total,
        offset=offset,
        page=PAGE,
        filters=filters,
        problem=problem,
        kinds=KINDS,
        places=FOUND_IN,
        sorts=list(INFECTION_SORTS),
        link=link,
        csv_url=list_link("/infections.csv", filters)(),
        xlsx_url=list_link("/infections.xlsx", filters)(),
    )


@router.get("/infections/{infection_id}", response_class=HTMLResponse)
def infection_page(
    request: Request, session: Db, actor: CurrentActor, infection_id: int, done: str = ""
) -> HTMLResponse:
    """One infection: where it was found, its chain, its contacts with their evidence, and the decisions to take."""
    try:
        o = infection_overview(session, actor, infection_id)
        care = care_block(request, session, actor, infection_id)  # measure 11: severity, stay, proposal
    except FangkongError as exc:
        return error_page(request, actor, exc)
    return render(
        request,
        "infection.html",
        actor=actor,
        o=o,
        problem=None,
        done=done,
        decide=actor.may(Permission.trace_contacts),
        care=care,
    )


@router.get("/infections/{infection_id}/chain.json")
def chain_json(request: Request, session: Db, actor: CurrentActor, infection_id: int) -> Response:
    """The chain as the graph draws it: a node per infection (named where the reader may see the person)."""
    try:
        o = infection_overview(session, actor, infection_id, reason="console chain")
    except FangkongError as exc:
        message, field, _, _ = error_parts(exc)
        return JSONResponse({"detail": message, "field": field}, status_code=http_status(exc))
    lang = _lang(request)
    outside = translate("epi_outside_scope", lang)
    nodes = [
        {
            "id": str(m.infection_id),
            "name": (m.name or outside) + f" · {translate('kind_' + m.kind, lang)}",
            "confirmed": m.confirmed_at.date().isoformat(),
            "this": m.is_this,
            "link": f"/infections/{m.infection_id}" if m.name is not None else None,
        }
        for m in o.members
    ]
    edges = [{"source": str(e.source), "target": str(e.target)} for e in o.chain.edges]
    return JSONResponse({"nodes": nodes, "edges": edges, "title": translate("epi_chain", lang)})


@router.post("/infections/{infection_id}/decide", response_class=HTMLResponse)
def decide(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    infection_id: int,
    action: Annotated[str, Form()],
    candidate: Annotated[list[str] | None, Form()] = None,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Confirm or dismiss the chosen proposals (`confirm`, `dismiss`), or confirm every proposal still waiting
    (`confirm_all`): all or none — one refusal (a person already placed, a dismissal without a reason) leaves every
    proposal as it was, and the page says which and why."""
    now = now_of(request)
    try:
        actor.require(Permission.trace_contacts)
        if action not in ("confirm", "dismiss", "confirm_all"):
            raise InvalidInput("action", "confirm, dismiss or confirm_all")
        if action == "confirm_all":
            chosen = [c.id for c in every_candidate(session, actor, infection_id, status="proposed")]
        else:
            chosen = []
            for value in candidate or []:
                if not value.isdigit():
                    raise InvalidInput("candidate", f"{value!r} is not a proposal's number")
                chosen.append(int(value))
        if not chosen:
            raise InvalidInput("candidate", "choose at least one proposal")
        for candidate_id in chosen:
            found = session.get(ContactCandidate, candidate_id)
            if found is None or found.infection_id != infection_id:
                raise InvalidInput("candidate", f"proposal {candidate_id} is not one of this infection's")
            if found.status != CandidateStatus.proposed:
                raise Conflict("candidate", f"proposal {candidate_id} is already {found.status}")
            try:
                if action == "dismiss":
                    dismiss_candidate(session, actor, candidate_id, now=now, reason=reason)
                else:
                    confirm_candidate(session, actor, candidate_id, now=now, policy=policy, reason=reason or None)
            except FangkongError as exc:
                # the refusal names the person it concerns, so the epidemiologist knows which row to look at
                name = _names(session, [found.person_id]).get(found.person_id, "")
                raise _about(exc, name) from None
    except FangkongError as exc:
        session.rollback()
        try:
            o = infection_overview(session, actor, infection_id)
            care = care_block(request, session, actor, infection_id)
        except FangkongError as again:
            return error_page(request, actor, again)
        return render(
            request,
            "infection.html",
            status=http_status(exc),
            actor=actor,
            o=o,
            problem=_problem(exc),
            done="",
            decide=actor.may(Permission.trace_contacts),
            care=care,
        )
    verb = "dismissed" if action == "dismiss" else "confirmed"
    return RedirectResponse(f"/infections/{infection_id}?done={verb}-{len(chosen)}#contacts", status_code=303)


def _about(exc: FangkongError, name: str) -> FangkongError:
    """The same refusal, its message led by the person's name."""
    if not name:
        return exc
    if isinstance(exc, InvalidInput | Conflict):
        return type(exc)(exc.field, f"{name}: {exc.message}")
    if isinstance(exc, Refused):
        return Refused(exc.clause, f"{name}: {exc.message}")
    return exc


@router.get("/contacts", response_class=HTMLResponse)
def contacts(
    request: Request,
    session: Db,
    actor: CurrentActor,
    status: str = "proposed",
    sort: str = "proposed_at",
    offset: int = 0,
) -> HTMLResponse:
    """Close-contact proposals across infections (still waiting, by default): the epidemiologist's queue, sorted by
    any of its columns on the server."""
    problem = None
    rows: list[ContactCandidate] = []
    total = 0
    code = 200
    try:
        rows, total = list_candidates(
            session, actor, status=status or None, sort=sort, offset=max(offset, 0), limit=PAGE
        )
    except FangkongError as exc:
        session.rollback()
        problem, code = _problem(exc), http_status(exc)
    names = listed_names(session, actor, [c.person_id for c in rows], "console close contacts")

    link = list_link("/contacts", {"status": status, "sort": sort, "offset": offset})
    return render(
        request,
        "contacts.html",
        status=code,
        actor=actor,
        rows=rows,
        names=names,
        total=total,
        offset=offset,
        page=PAGE,
        status_filter=status,
        sort=sort,
        statuses=[s.value for s in CandidateStatus],
        problem=problem,
        link=link,
        csv_url=list_link("/contacts.csv", {"status": status, "sort": sort})(),
        xlsx_url=list_link("/contacts.xlsx", {"status": status, "sort": sort})(),
    )
