"""Services for people under closure in the console (measure 17, with 16; issue 19): the needs queue of the worker's
jurisdiction, earliest deadline first, filtered by state, kind, urgency, lateness and community; raising a need for a
person (from the person's page, or found by ID number) with the deadline the rule gives; routing it to a worker,
marking it met, withdrawing it; recording a refusal, a medical one flagged as over-reach when it cites the person's
code or area (首诊负责制); the late needs escalated and the command centre's "escalate now"; the communities' fixed
receiving points; and the hotline's calls. Everything goes through `services.closure_services` as the API does: the
same scope, checks and audit. A refused form is shown again with the field named and nothing stored."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, Forbidden, InvalidInput, http_status
from fangkong.policy import Policy
from fangkong.policy.terms import NeedKind, NeedStatus, RefusalGround, Urgency
from fangkong.rules.closure_needs import is_medical, need_deadline
from fangkong.services.access import Actor, Permission
from fangkong.services.calendar import assume_local, local_day, local_time
from fangkong.services.closure_services.service import (
    HotlineCreate,
    NeedAssign,
    NeedCreate,
    NeedDone,
    NeedRefuse,
    ReceivingPointCreate,
    assign_need,
    cancel_need,
    complete_need,
    create_receiving_point,
    escalate_late,
    is_overdue,
    list_all_escalations,
    list_calls,
    list_escalations,
    list_needs,
    list_receiving_points,
    raise_need,
    read_need,
    record_call,
    refusal_findings,
    refuse_need,
    workers_for,
)
from fangkong.services.jurisdictions.service import names_of_places, place_names
from fangkong.services.persons.models import Person
from fangkong.services.persons.schemas import mask_phone
from fangkong.services.persons.service import read_person
from fangkong.web.pages import CurrentActor, Db, error_page, now_of, render
from fangkong.web.person_lookup import person_by_document

router = APIRouter(include_in_schema=False)
PAGE = 50
DETAIL_MAX = 2000  # as NeedCreate and NeedDone take them: a longer text is refused naming the field, not cut
ADDRESS_MAX = 400


def _problem(exc: FangkongError) -> dict[str, Any]:
    message, field, clause, _ = error_parts(exc)
    return {"field": field, "message": message, "clause": clause}


def _communities(session: Session, actor: Actor) -> dict[str, str]:
    """The communities in the actor's scope by name (buildings and units, named after theirs, left out)."""
    return {c: n for c, n in place_names(session, actor).items() if "·" not in n}


def _sees_findings(actor: Actor) -> bool:
    """Whether the actor may open the over-reach findings page (web/command_pages.py: supervisors, command)."""
    return actor.may(Permission.apply_policy_transition) or actor.may(Permission.read_audit)


# ---- the queue -------------------------------------------------------------------------------------------------


@router.get("/needs", response_class=HTMLResponse)
def needs(
    request: Request,
    session: Db,
    actor: CurrentActor,
    status: str | None = None,
    kind: str | None = None,
    urgency: str | None = None,
    overdue: str | None = None,
    jurisdiction_code: str | None = None,
    offset: int = 0,
    taken: int | None = None,
    met: int | None = None,
) -> HTMLResponse:
    """The needs queue: open and assigned needs unless another state is asked for (measure 17)."""
    notice = {"key": "need_taken"} if taken else {"key": "need_met"} if met else None
    filters = {
        "status": status,
        "kind": kind,
        "urgency": urgency,
        "overdue": overdue,
        "jurisdiction": jurisdiction_code,
    }
    return _page(request, session, actor, filters, offset, notice=notice)


def _page(
    request: Request,
    session: Db,
    actor: CurrentActor,
    filters: dict[str, str | None],
    offset: int,
    *,
    notice: dict[str, Any] | None = None,
    problem: dict[str, Any] | None = None,
    code: int = 200,
) -> HTMLResponse:
    now = now_of(request)
    status, kind, urgency = filters.get("status"), filters.get("kind"), filters.get("urgency")
    overdue, where = filters.get("overdue"), filters.get("jurisdiction")
    try:
        rows, total = list_needs(
            session,
            actor,
            now=now,
            status=status or None,
            still_open=not status,
            kind=kind or None,
            urgency=urgency or None,
            jurisdiction_code=where or None,
            overdue=True if overdue == "yes" else None,
            offset=offset,
            limit=PAGE,
            reason="console",
        )
        communities = _communities(session, actor)
    except FangkongError as exc:
        return error_page(request, actor, exc)

    def link(**change: Any) -> str:
        query = {
            "status": status or "",
            "kind": kind or "",
            "urgency": urgency or "",
            "overdue": overdue or "",
            "jurisdiction_code": where or "",
        }
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
        jurisdiction_code=where or "",
        communities=communities,
        statuses=[s.value for s in NeedStatus],
        kinds=[k.value for k in NeedKind],
        urgencies=[u.value for u in Urgency],
        offset=offset,
        page=PAGE,
        link=link,
    )


def _act(request: Request, session: Db, actor: CurrentActor, need_id: int, act: str, note: str = "") -> Response:
    """Take a need (assign it to oneself) or mark it met; a refusal shows the queue again with it, nothing changed."""
    now = now_of(request)
    try:
        if act == "take":
            assign_need(session, actor, need_id, NeedAssign(assignee=actor.username), now=now)
        else:
            complete_need(session, actor, need_id, NeedDone(note=_capped("note", note, DETAIL_MAX)), now=now)
    except FangkongError as exc:
        session.rollback()
        return _page(request, session, actor, {}, 0, problem=_problem(exc), code=http_status(exc))
    return RedirectResponse(f"/needs?{'taken' if act == 'take' else 'met'}={need_id}", status_code=303)


@router.post("/needs/{need_id}/take", response_class=HTMLResponse)
def take(request: Request, session: Db, actor: CurrentActor, need_id: int) -> Response:
    """Assign a need to the signed-in worker."""
    return _act(request, session, actor, need_id, "take")


@router.post("/needs/{need_id}/done", response_class=HTMLResponse)
def done(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    need_id: int,
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Mark a need met, with a note of how; from the need's page (`back=need`) a refusal shows that page again."""
    if back != "need":
        return _act(request, session, actor, need_id, "done", note)
    return _change(
        request,
        session,
        actor,
        policy,
        need_id,
        "met",
        lambda now: complete_need(session, actor, need_id, NeedDone(note=_capped("note", note, DETAIL_MAX)), now=now),
    )


def _capped(field: str, text: str, most: int) -> str | None:
    """A form's text, trimmed; empty as None; longer than the store takes refused naming the field."""
    value = text.strip()
    if len(value) > most:
        raise InvalidInput(field, f"longer than {most} characters")
    return value or None


# ---- raising a need ------------------------------------------------------------------------------------------------


def _previews(now: datetime, policy: Policy) -> list[dict[str, Any]]:
    """Each kind's default urgency and the deadline the rule gives a need of that kind raised now (m20.17)."""
    rules = policy.at(local_day(now))
    return [
        {"kind": k.value, "urgency": d.urgency.value, "hours": d.hours, "deadline": d.deadline}
        for k in NeedKind
        for d in (need_deadline(k, None, now, rules),)
    ]


def _urgency_hours(now: datetime, policy: Policy) -> list[dict[str, Any]]:
    """The hours each urgency gives, as the rule counts them from now (closure.deadline_hours)."""
    rules = policy.at(local_day(now))
    return [
        {"urgency": u.value, "hours": d.hours, "deadline": d.deadline}
        for u in Urgency
        for d in (need_deadline(NeedKind.other, u, now, rules),)
    ]


def _need_form(
    request: Request,
    session: Db,
    actor: Actor,
    policy: Policy,
    person: Person | None,
    values: dict[str, Any],
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    now = now_of(request)
    return render(
        request,
        "need_form.html",
        status=status,
        actor=actor,
        person=person,
        values=values,
        problem=problem,
        kinds=[k.value for k in NeedKind],
        urgencies=[u.value for u in Urgency],
        previews=_previews(now, policy),
        hours=_urgency_hours(now, policy),
    )


@router.get("/needs/new", response_class=HTMLResponse)
def need_form(
    request: Request, session: Db, actor: CurrentActor, policy: Rules, person_id: int | None = None
) -> HTMLResponse:
    """The form to raise a need: for the person whose page it was opened from, or one found by ID number."""
    try:
        _may_raise(actor)
        person = read_person(session, actor, person_id, reason="raise a need") if person_id is not None else None
    except FangkongError as exc:
        return error_page(request, actor, exc)
    return _need_form(request, session, actor, policy, person, {"kind": "", "urgency": ""})


def _may_raise(actor: Actor) -> None:
    """Only staff who record people's details raise a need (the service's own check, said without identifiers)."""
    if not actor.may(Permission.write_persons):
        raise Forbidden("your role does not raise needs")


def _moment(field: str, text: str) -> datetime | None:
    """A date and time as a browser's datetime-local input sends it, read on the jurisdiction's clock."""
    value = text.strip()
    if not value:
        return None
    try:
        return assume_local(datetime.fromisoformat(value))
    except ValueError:
        raise InvalidInput(field, f"{value!r} is not a date and time") from None


@router.post("/needs/new", response_class=HTMLResponse)
def need_submit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    person_id: Annotated[str, Form()] = "",
    document_number: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    urgency: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    detail: Annotated[str, Form()] = "",
) -> Response:
    """Raise the need (measure 17): its urgency (the kind's default unless chosen) and deadline from
    rules.closure_needs. An unknown person, kind or urgency, a deadline not after now or later than the urgency's,
    is refused naming the field; the form comes back as it was and nothing is stored."""
    now = now_of(request)
    values = {
        "document_number": document_number,
        "kind": kind,
        "urgency": urgency,
        "deadline": deadline,
        "address": address,
        "detail": detail,
    }
    try:
        _may_raise(actor)
        if person_id.strip():
            if not person_id.strip().isdigit():
                raise InvalidInput("person_id", f"unknown person {person_id}")
            who = int(person_id)
        else:
            who = person_by_document(session, actor, "document_number", document_number, local_day(now))
        if not kind.strip():
            raise InvalidInput("kind", "choose the kind of need")
        data = NeedCreate(
            person_id=who,
            kind=kind.strip(),
            urgency=urgency.strip() or None,
            deadline=_moment("deadline", deadline),
            address=_capped("address", address, ADDRESS_MAX),
            detail=_capped("detail", detail, DETAIL_MAX),
        )
        need = raise_need(session, actor, data, now=now, policy=policy)
    except FangkongError as exc:
        session.rollback()
        person = None
        if person_id.strip().isdigit():
            try:
                person = read_person(session, actor, int(person_id), reason="raise a need")
            except FangkongError:
                person = None  # unknown or outside the scope: the form asks for the ID number instead
        return _need_form(request, session, actor, policy, person, values, _problem(exc), http_status(exc))
    return RedirectResponse(f"/needs/{need.id}?raised=1", status_code=303)


# ---- escalations, receiving points, the hotline (static paths before /needs/{need_id}) -----------------------------


@router.get("/needs/escalations", response_class=HTMLResponse)
def escalations(
    request: Request,
    session: Db,
    actor: CurrentActor,
    jurisdiction_code: str | None = None,
    offset: int = 0,
    escalated: int | None = None,
) -> HTMLResponse:
    """The late needs escalated up the jurisdiction tree, newest first: which need, to whom, when, why
    (measure 17, closure-escalation)."""
    return _escalations(
        request, session, actor, jurisdiction_code, offset, notice=None if escalated is None else {"n": escalated}
    )


def _escalations(
    request: Request,
    session: Db,
    actor: Actor,
    jurisdiction_code: str | None,
    offset: int,
    *,
    notice: dict[str, Any] | None = None,
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    now = now_of(request)
    try:
        rows, total = list_all_escalations(
            session, actor, jurisdiction_code=jurisdiction_code or None, offset=offset, limit=PAGE, reason="console"
        )
        communities = _communities(session, actor)
        # escalation climbs above the worker's own scope: its places are named from the store, not the scope
        places = names_of_places(
            session, [s.to_jurisdiction_code for s, _ in rows] + [n.jurisdiction_code for _, n in rows]
        )
    except FangkongError as exc:
        return error_page(request, actor, exc)

    def link(**change: Any) -> str:
        query = {"jurisdiction_code": jurisdiction_code or "", "offset": offset} | change
        return "/needs/escalations?" + urlencode({k: v for k, v in query.items() if v not in ("", None, 0)})

    return render(
        request,
        "need_escalations.html",
        status=status,
        actor=actor,
        rows=[(step, need, is_overdue(need, now)) for step, need in rows],
        total=total,
        offset=offset,
        page=PAGE,
        link=link,
        jurisdiction_code=jurisdiction_code or "",
        communities=communities,
        places=places,
        notice=notice,
        problem=problem,
        may_escalate=actor.may(Permission.apply_policy_transition),
    )


@router.post("/needs/escalate", response_class=HTMLResponse)
def escalate_now(request: Request, session: Db, actor: CurrentActor, policy: Rules) -> Response:
    """The command centre runs the escalation of late needs now rather than waiting for the periodic job
    (`fangkong needs escalate`); each level is still made once."""
    try:
        if not actor.may(Permission.apply_policy_transition):
            raise Forbidden("only the command centre runs the escalation from the console")
        made = escalate_late(session, actor, now=now_of(request), policy=policy)
    except FangkongError as exc:
        session.rollback()
        return _escalations(request, session, actor, None, 0, problem=_problem(exc), status=http_status(exc))
    return RedirectResponse(f"/needs/escalations?escalated={len(made)}", status_code=303)


def _points(
    request: Request,
    session: Db,
    actor: Actor,
    offset: int,
    *,
    values: dict[str, Any] | None = None,
    saved: str | None = None,
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        rows, total = list_receiving_points(session, actor, offset=offset, limit=PAGE)
        communities = _communities(session, actor)
        places = place_names(session, actor)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    return render(
        request,
        "receiving_points.html",
        status=status,
        actor=actor,
        rows=rows,
        total=total,
        offset=offset,
        page=PAGE,
        link=lambda **c: "/needs/points?" + urlencode({k: v for k, v in ({"offset": offset} | c).items() if v}),
        communities=communities,
        places=places,
        values=values or {},
        saved=saved,
        problem=problem,
    )


@router.get("/needs/points", response_class=HTMLResponse)
def receiving_points(
    request: Request, session: Db, actor: CurrentActor, offset: int = 0, saved: str | None = None
) -> HTMLResponse:
    """The communities' fixed receiving points for deliveries (measure 17: 划定社区固定接收点), and the form to add
    one."""
    return _points(request, session, actor, offset, saved=saved)


@router.post("/needs/points", response_class=HTMLResponse)
def add_receiving_point(
    request: Request,
    session: Db,
    actor: CurrentActor,
    name: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    jurisdiction_code: Annotated[str, Form()] = "",
    hours: Annotated[str, Form()] = "",
) -> Response:
    """Add a receiving point; a blank or unknown field is refused by name and nothing is stored."""
    values = {"name": name, "address": address, "jurisdiction_code": jurisdiction_code, "hours": hours}
    try:
        for field, text, most in (("name", name, 200), ("address", address, 400), ("hours", hours, 100)):
            if _capped(field, text, most) is None:
                raise InvalidInput(field, "must not be blank")
        if not jurisdiction_code.strip():
            raise InvalidInput("jurisdiction_code", "must not be blank")
        point = create_receiving_point(
            session,
            actor,
            ReceivingPointCreate(
                name=name.strip(), address=address.strip(), jurisdiction_code=jurisdiction_code, hours=hours.strip()
            ),
            now=now_of(request),
        )
    except FangkongError as exc:
        session.rollback()
        return _points(request, session, actor, 0, values=values, problem=_problem(exc), status=http_status(exc))
    return RedirectResponse(f"/needs/points?{urlencode({'saved': point.name})}", status_code=303)


def _hotline(
    request: Request,
    session: Db,
    actor: Actor,
    offset: int,
    *,
    values: dict[str, Any] | None = None,
    saved: int | None = None,
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        rows, total = list_calls(session, actor, offset=offset, limit=PAGE, reason="console")
        communities = _communities(session, actor)
        places = place_names(session, actor)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    return render(
        request,
        "hotline.html",
        status=status,
        actor=actor,
        rows=rows,
        total=total,
        offset=offset,
        page=PAGE,
        link=lambda **c: "/needs/hotline?" + urlencode({k: v for k, v in ({"offset": offset} | c).items() if v}),
        # a caller's phone is an identifier: shown whole only to roles that see identifiers
        phone=lambda p: p if actor.may(Permission.see_identifiers) else mask_phone(p),
        communities=communities,
        places=places,
        kinds=[k.value for k in NeedKind],
        urgencies=[u.value for u in Urgency],
        values=values or {"called_at": f"{local_time(now_of(request)):%Y-%m-%dT%H:%M}"},
        saved=saved,
        problem=problem,
    )


@router.get("/needs/hotline", response_class=HTMLResponse)
def hotline(
    request: Request, session: Db, actor: CurrentActor, offset: int = 0, saved: int | None = None
) -> HTMLResponse:
    """The hotline's calls, newest first, paged (measure 17: 直通热线), and the form to record one."""
    return _hotline(request, session, actor, offset, saved=saved)


@router.post("/needs/hotline", response_class=HTMLResponse)
def add_call(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    jurisdiction_code: Annotated[str, Form()] = "",
    caller: Annotated[str, Form()] = "",
    caller_phone: Annotated[str, Form()] = "",
    called_at: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
    need_id: Annotated[str, Form()] = "",
    raise_document_number: Annotated[str, Form()] = "",
    raise_kind: Annotated[str, Form()] = "",
    raise_urgency: Annotated[str, Form()] = "",
) -> Response:
    """Record a call: who called, their phone, what they need, and the need it was about or the need it opens (a
    person found by ID number, the kind and urgency: due from the call's time). All or nothing."""
    now = now_of(request)
    values = {
        "jurisdiction_code": jurisdiction_code,
        "caller": caller,
        "caller_phone": caller_phone,
        "called_at": called_at,
        "summary": summary,
        "need_id": need_id,
        "raise_document_number": raise_document_number,
        "raise_kind": raise_kind,
        "raise_urgency": raise_urgency,
    }
    try:
        if not jurisdiction_code.strip():
            raise InvalidInput("jurisdiction_code", "must not be blank")
        phone = caller_phone.strip()
        if not 3 <= len(phone) <= 32:
            raise InvalidInput("caller_phone", f"{phone!r} is not a phone number")
        at = _moment("called_at", called_at)
        if at is None:
            raise InvalidInput("called_at", "must not be blank")
        said = _capped("summary", summary, 3800)
        if said is None:
            raise InvalidInput("summary", "must not be blank")
        who = _capped("caller", caller, 100)
        linked: int | None = None
        if need_id.strip():
            if not need_id.strip().isdigit():
                raise InvalidInput("need_id", f"unknown need {need_id} in this jurisdiction")
            linked = int(need_id)
        raises = None
        if raise_kind.strip() or raise_document_number.strip():
            person = person_by_document(session, actor, "raises.document_number", raise_document_number, local_day(now))
            if not raise_kind.strip():
                raise InvalidInput("raises.kind", "choose the kind of need")
            raises = NeedCreate(person_id=person, kind=raise_kind.strip(), urgency=raise_urgency.strip() or None)
        call = record_call(
            session,
            actor,
            HotlineCreate(
                jurisdiction_code=jurisdiction_code,
                caller_phone=phone,
                called_at=at,
                # the record keeps no caller's name of its own: it opens the summary, as the call-taker says it
                summary=f"{who}: {said}" if who else said,
                need_id=linked,
                raises=raises,
            ),
            now=now,
            policy=policy,
        )
    except FangkongError as exc:
        session.rollback()
        return _hotline(request, session, actor, 0, values=values, problem=_problem(exc), status=http_status(exc))
    return RedirectResponse(f"/needs/hotline?saved={call.id}", status_code=303)


# ---- one need: its facts, escalations, and the forms that change it ------------------------------------------------


def _need_page(
    request: Request,
    session: Db,
    actor: Actor,
    policy: Policy,
    need_id: int,
    *,
    notice: str | None = None,
    problem: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    now = now_of(request)
    try:
        need = read_need(session, actor, need_id, reason="console")
        steps, _ = list_escalations(session, actor, need_id, limit=50, reason="console")
        findings = refusal_findings(session, need)
        workers = workers_for(session, need) if actor.may(Permission.write_persons) else []
        places = names_of_places(session, [need.jurisdiction_code, *(s.to_jurisdiction_code for s in steps)])
        medical = is_medical(need.kind, policy.at(local_day(now)))
    except FangkongError as exc:
        return error_page(request, actor, exc)
    return render(
        request,
        "need.html",
        status=status,
        actor=actor,
        need=need,
        late=is_overdue(need, now),
        steps=steps,
        findings=findings,
        medical=medical,
        sees_findings=_sees_findings(actor),
        workers=workers,
        places=places,
        grounds=[g.value for g in RefusalGround],
        notice=notice,
        problem=problem,
        values=values or {},
        still_open=need.status in (NeedStatus.open.value, NeedStatus.assigned.value),
    )


@router.get("/needs/{need_id}", response_class=HTMLResponse)
def need_page(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    need_id: int,
    raised: int | None = None,
    done: str | None = None,
) -> HTMLResponse:
    """One need: who, what, how urgent, the deadline and why, who has it, its refusals (an over-reach one flagged,
    with a link to the findings) and escalations; the forms to route, meet, withdraw or record a refusal."""
    notice = "need_raised" if raised else f"need_done_{done}" if done in DONE_NOTICES else None
    return _need_page(request, session, actor, policy, need_id, notice=notice)


DONE_NOTICES = ("routed", "met", "withdrawn", "refused")


def _change(
    request: Request,
    session: Db,
    actor: Actor,
    policy: Policy,
    need_id: int,
    done: str,
    act: Any,
    values: dict[str, Any] | None = None,
) -> Response:
    """Make one change to a need (`act(now)`); a refusal shows the need's page again with the field named."""
    try:
        act(now_of(request))
    except FangkongError as exc:
        session.rollback()
        return _need_page(
            request, session, actor, policy, need_id, problem=_problem(exc), values=values, status=http_status(exc)
        )
    return RedirectResponse(f"/needs/{need_id}?done={done}", status_code=303)


@router.post("/needs/{need_id}/assign", response_class=HTMLResponse)
def assign(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    need_id: int,
    assignee: Annotated[str, Form()] = "",
) -> Response:
    """Route a need to a worker serving the person's jurisdiction."""

    def act(now: datetime) -> None:
        if not assignee.strip():
            raise InvalidInput("assignee", "choose the worker it goes to")
        assign_need(session, actor, need_id, NeedAssign(assignee=assignee.strip()[:100]), now=now)

    return _change(request, session, actor, policy, need_id, "routed", act, {"assignee": assignee})


@router.post("/needs/{need_id}/cancel", response_class=HTMLResponse)
def cancel(request: Request, session: Db, actor: CurrentActor, policy: Rules, need_id: int) -> Response:
    """Withdraw a need raised in error or no longer wanted."""
    return _change(
        request, session, actor, policy, need_id, "withdrawn", lambda now: cancel_need(session, actor, need_id, now=now)
    )


@router.post("/needs/{need_id}/refuse", response_class=HTMLResponse)
def refuse(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    need_id: int,
    ground: Annotated[str, Form()] = "",
    refused_by: Annotated[str, Form()] = "",
    refused_where: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Record a refusal of a need: who refused, where, and the reason they gave (measure 17). A medical need goes
    back to the queue; refused because of the person's code or area it is also over-reach (measure 16)."""
    values = {"ground": ground, "refused_by": refused_by, "refused_where": refused_where, "reason": reason}

    def act(now: datetime) -> None:
        stated = _capped("reason", reason, 1500)
        if stated is None:
            raise InvalidInput("reason", "say what the refusal said")
        who = _capped("refused_by", refused_by, 200)
        where = _capped("refused_where", refused_where, 200)
        # the record keeps one text: who and where open it, as the worker heard them
        said = f"{who or '?'} ({where}): {stated}" if where else f"{who}: {stated}" if who else stated
        refuse_need(session, actor, need_id, NeedRefuse(ground=ground.strip(), reason=said), now=now, policy=policy)

    return _change(request, session, actor, policy, need_id, "refused", act, values)
